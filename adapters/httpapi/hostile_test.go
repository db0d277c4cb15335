package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/httpapi"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// snapshot is everything stored, unmasked, with every timeline: what a
// refused request must leave exactly as it was.
func (e *env) snapshot(t testing.TB) string {
	t.Helper()
	var all []any
	for _, township := range []grid.CellID{gridtest.GuchengID, gridtest.NeighbourID} {
		f := mediation.Filter{Township: township, Within: []grid.Path{grid.RootPath(township)}, Limit: work.MaxPage}
		for {
			page, err := e.st.cases.List(ctx, f)
			require.NoError(t, err)
			for _, c := range page.Cases {
				events, err := e.st.cases.Events(ctx, c.ID)
				require.NoError(t, err)
				all = append(all, c, events)
			}
			if page.Next == "" {
				break
			}
			f.Before = page.Next
		}
		hf := hazard.Filter{Township: township, Within: []grid.Path{grid.RootPath(township)}, Limit: work.MaxPage}
		page, err := e.st.hazards.List(ctx, hf)
		require.NoError(t, err)
		for _, h := range page.Hazards {
			events, err := e.st.hazards.Events(ctx, h.ID)
			require.NoError(t, err)
			all = append(all, h, events)
		}
	}
	b, err := json.Marshal(all)
	require.NoError(t, err)
	return string(b)
}

// valid is a valid intake as JSON text, for the hostile variations on it.
const valid = `{"channel":"walk_in","category":"neighbour","facts":"两家因排水沟堵塞互相指责。","location":"mayuan-1",` +
	`"applicants":[{"name":"王某某","phone":"13900001111"}],"respondents":[{"name":"张某某"}]}`

// padded returns doc followed by spaces up to n bytes in all: JSON that
// is exactly n bytes long.
func padded(doc string, n int) string { return doc + strings.Repeat(" ", n-len(doc)) }

// TestHostileInput sends malformed, oversized, mistyped and otherwise
// hostile requests, checks the status and the field each names, and that
// nothing stored changed, on the in-memory store and on SQLite.
func TestHostileInput(t *testing.T) {
	for _, st := range []stores{memStores(), sqliteStores(t)} {
		t.Run(st.name, func(t *testing.T) { hostileInput(t, newEnvOn(t, st)) })
	}
}

func hostileInput(t *testing.T, e *env) {
	c := e.seedCase(t, "accepted")
	h := e.seedHazard(t, "open")
	caseURL := "/api/v1/cases/" + string(c.ID)
	huge := `{"channel":"walk_in","facts":"` + strings.Repeat("纠", 1<<19) + `"}` // 1.5 MiB of UTF-8
	deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	json := func(s string) raw { return raw{"application/json", []byte(s)} }

	for _, tc := range []struct {
		name    string
		who     string // a demo member, "anonymous", or "bad token"
		method  string
		target  string
		body    any
		headers []string
		status  int
		field   string // the field the error names, if it should name one
	}{
		{"body of 1 MiB and 1 byte", "gc-duty-1", "POST", "/api/v1/cases", json(padded(valid, 1<<20+1)), nil, http.StatusRequestEntityTooLarge, ""},
		{"body of exactly 1 MiB is read", "gc-duty-1", "POST", "/api/v1/cases", json(padded(`{"channel":1}`, 1<<20)), nil, http.StatusBadRequest, "channel"},
		{"body over 1 MiB", "gc-duty-1", "POST", "/api/v1/cases", json(huge), nil, http.StatusRequestEntityTooLarge, ""},
		{"body over 1 MiB on an action", "gc-justice", "POST", caseURL + "/sessions", json(huge), nil, http.StatusRequestEntityTooLarge, ""},
		{"text/plain", "gc-duty-1", "POST", "/api/v1/cases", raw{"text/plain", []byte(valid)}, nil, http.StatusUnsupportedMediaType, ""},
		{"form encoded", "gc-duty-1", "POST", "/api/v1/cases", raw{"application/x-www-form-urlencoded", []byte("channel=walk_in")}, nil, http.StatusUnsupportedMediaType, ""},
		{"no content type", "gc-duty-1", "POST", "/api/v1/cases", raw{"", []byte(valid)}, nil, http.StatusUnsupportedMediaType, ""},
		{"JSON in latin-1", "gc-duty-1", "POST", "/api/v1/cases", raw{"application/json; charset=iso-8859-1", []byte(valid)}, nil, http.StatusUnsupportedMediaType, ""},
		{"malformed content type", "gc-duty-1", "POST", "/api/v1/cases", raw{"application/json; charset", []byte(valid)}, nil, http.StatusUnsupportedMediaType, ""},
		{"truncated JSON", "gc-duty-1", "POST", "/api/v1/cases", json(valid[:40]), nil, http.StatusBadRequest, ""},
		{"syntax error", "gc-duty-1", "POST", "/api/v1/cases", json(`{"channel" "walk_in"}`), nil, http.StatusBadRequest, ""},
		{"invalid UTF-8", "gc-duty-1", "POST", "/api/v1/cases", raw{"application/json", []byte(strings.Replace(valid, "两家", "\xff\xfe", 1))}, nil, http.StatusBadRequest, ""},
		{"unknown field", "gc-duty-1", "POST", "/api/v1/cases", json(strings.Replace(valid, `{"channel"`, `{"is_admin":true,"channel"`, 1)), nil, http.StatusBadRequest, "is_admin"},
		{"unknown nested field", "gc-duty-1", "POST", "/api/v1/cases", json(strings.Replace(valid, `{"name":"张某某"}`, `{"name":"张某某","salary":1}`, 1)), nil, http.StatusBadRequest, "salary"},
		{"second value", "gc-duty-1", "POST", "/api/v1/cases", json(valid + valid), nil, http.StatusBadRequest, ""},
		{"trailing garbage", "gc-duty-1", "POST", "/api/v1/cases", json(valid + " x"), nil, http.StatusBadRequest, ""},
		{"array, not object", "gc-duty-1", "POST", "/api/v1/cases", json(`[]`), nil, http.StatusBadRequest, ""},
		{"string, not object", "gc-duty-1", "POST", "/api/v1/cases", json(`"cases"`), nil, http.StatusBadRequest, ""},
		{"deep nesting", "gc-duty-1", "POST", "/api/v1/cases", json(`{"facts":` + deep + `}`), nil, http.StatusBadRequest, ""},
		{"wrong type", "gc-duty-1", "POST", "/api/v1/cases", json(strings.Replace(valid, `"applicants":[{"name":"王某某","phone":"13900001111"}]`, `"applicants":"王某某"`, 1)), nil, http.StatusBadRequest, "applicants"},
		{"wrong nested type", "gc-duty-1", "POST", "/api/v1/cases", json(strings.Replace(valid, `"phone":"13900001111"`, `"phone":13900001111`, 1)), nil, http.StatusBadRequest, "applicants.phone"},
		{"money overflows", "gc-duty-1", "POST", "/api/v1/cases", json(strings.Replace(valid, `"location"`, `"claims":[{"description":"赔偿","amount_fen":1e30}],"location"`, 1)), nil, http.StatusBadRequest, "claims.amount_fen"},
		{"money in yuan with decimals", "gc-duty-1", "POST", "/api/v1/cases", json(strings.Replace(valid, `"location"`, `"claims":[{"description":"赔偿","amount_fen":300.5}],"location"`, 1)), nil, http.StatusBadRequest, "claims.amount_fen"},
		{"negative money", "gc-duty-1", "POST", "/api/v1/cases", json(strings.Replace(valid, `"location"`, `"claims":[{"description":"赔偿","amount_fen":-1}],"location"`, 1)), nil, http.StatusBadRequest, "claims[0].amount"},
		{"empty body", "gc-duty-1", "POST", "/api/v1/cases", json(""), nil, http.StatusBadRequest, ""},
		{"null body", "gc-duty-1", "POST", "/api/v1/cases", json("null"), nil, http.StatusBadRequest, "channel"},
		{"unknown channel", "gc-duty-1", "POST", "/api/v1/cases", json(strings.Replace(valid, "walk_in", "carrier_pigeon", 1)), nil, http.StatusBadRequest, "channel"},
		{"unknown risk", "gc-duty-1", "POST", "/api/v1/cases", json(strings.Replace(valid, `"location"`, `"risks":["petition_threat,likely_fight"],"location"`, 1)), nil, http.StatusBadRequest, "risks[0]"},
		{"bad phone", "gc-duty-1", "POST", "/api/v1/cases", json(strings.Replace(valid, "13900001111", "12345", 1)), nil, http.StatusBadRequest, "applicants[0].phone"},
		{"too many parties", "gc-duty-1", "POST", "/api/v1/cases", json(strings.Replace(valid, `"respondents":[{"name":"张某某"}]`, `"respondents":[`+strings.Repeat(`{"name":"张"},`, 50)+`{"name":"张"}]`, 1)), nil, http.StatusBadRequest, "respondents"},
		{"facts too long", "gc-duty-1", "POST", "/api/v1/cases", json(strings.Replace(valid, "两家因排水沟堵塞互相指责。", strings.Repeat("吵", 5001), 1)), nil, http.StatusBadRequest, "facts"},
		{"a cell of another township", "gc-duty-1", "POST", "/api/v1/cases", json(strings.Replace(valid, "mayuan-1", "lz-qiaotou-1", 1)), nil, http.StatusBadRequest, "location"},
		{"an unknown cell", "gc-duty-1", "POST", "/api/v1/cases", json(strings.Replace(valid, "mayuan-1", "atlantis", 1)), nil, http.StatusNotFound, "location"},
		{"idempotency key too long", "gc-duty-1", "POST", "/api/v1/cases", json(valid), []string{"Idempotency-Key", strings.Repeat("k", 129)}, http.StatusBadRequest, "Idempotency-Key"},
		{"idempotency key with spaces", "gc-duty-1", "POST", "/api/v1/cases", json(valid), []string{"Idempotency-Key", "a key"}, http.StatusBadRequest, "Idempotency-Key"},
		{"bad token", "bad token", "POST", "/api/v1/cases", json(valid), nil, http.StatusUnauthorized, ""},
		{"basic auth", "anonymous", "POST", "/api/v1/cases", json(valid), []string{"Authorization", "Basic Z2M6Z2M="}, http.StatusUnauthorized, ""},
		{"two tokens", "gc-duty-1", "POST", "/api/v1/cases", json(valid), []string{"Authorization", "Bearer fpn_x"}, http.StatusUnauthorized, ""},
		{"overlong token", "anonymous", "GET", "/api/v1/cases", nil, []string{"Authorization", "Bearer " + strings.Repeat("a", 10000)}, http.StatusUnauthorized, ""},
		{"bad token on the public lookup", "bad token", "GET", "/api/v1/track/" + c.TrackingCode, nil, nil, http.StatusUnauthorized, ""},

		{"limit 0", "gc-secretary", "GET", "/api/v1/cases?limit=0", nil, nil, http.StatusBadRequest, "limit"},
		{"limit over the page", "gc-secretary", "GET", "/api/v1/cases?limit=201", nil, nil, http.StatusBadRequest, "limit"},
		{"negative limit", "gc-secretary", "GET", "/api/v1/cases?limit=-1", nil, nil, http.StatusBadRequest, "limit"},
		{"limit not a number", "gc-secretary", "GET", "/api/v1/cases?limit=ten", nil, nil, http.StatusBadRequest, "limit"},
		{"limit overflows", "gc-secretary", "GET", "/api/v1/cases?limit=99999999999999999999", nil, nil, http.StatusBadRequest, "limit"},
		{"two limits", "gc-secretary", "GET", "/api/v1/cases?limit=1&limit=2", nil, nil, http.StatusBadRequest, "limit"},
		{"overlong cursor", "gc-secretary", "GET", "/api/v1/cases?before=" + strings.Repeat("C", 129), nil, nil, http.StatusBadRequest, "before"},
		{"unknown state", "gc-secretary", "GET", "/api/v1/cases?state=registered,lost", nil, nil, http.StatusBadRequest, "state"},
		{"unknown query parameter", "gc-secretary", "GET", "/api/v1/cases?township=linzhen", nil, nil, http.StatusBadRequest, "township"},
		{"malformed query", "gc-secretary", "GET", "/api/v1/cases?limit=%zz", nil, nil, http.StatusBadRequest, ""},
		{"overdue not a boolean", "gc-secretary", "GET", "/api/v1/cases?overdue=maybe", nil, nil, http.StatusBadRequest, "overdue"},
		{"hazard limit out of range", "gc-secretary", "GET", "/api/v1/hazards?limit=1000", nil, nil, http.StatusBadRequest, "limit"},
		{"series of 401 periods", "gc-secretary", "GET", "/api/v1/stats/series?cell=gucheng&measure=cases.registered&n=401", nil, nil, http.StatusBadRequest, "n"},
		{"unknown measure", "gc-secretary", "GET", "/api/v1/stats/series?cell=gucheng&measure=cases.everything", nil, nil, http.StatusBadRequest, "measure"},
		{"summary without a cell", "gc-secretary", "GET", "/api/v1/stats/summary", nil, nil, http.StatusBadRequest, "cell"},
		{"summary at a bad time", "gc-secretary", "GET", "/api/v1/stats/summary?cell=gucheng&at=yesterday", nil, nil, http.StatusBadRequest, "at"},
		{"summary of an unknown period", "gc-secretary", "GET", "/api/v1/stats/summary?cell=gucheng&period=fortnight", nil, nil, http.StatusBadRequest, "period"},

		{"unknown field in an action", "gc-justice", "POST", caseURL + "/accept", json(`{"force":true}`), nil, http.StatusBadRequest, "force"},
		{"a time that is not RFC 3339", "gc-justice", "POST", caseURL + "/sessions", json(`{"at":"yesterday","place":"home","attendees":["高敬"],"notes":"n","outcome":"progress"}`), nil, http.StatusBadRequest, "at"},
		{"an unknown place", "gc-justice", "POST", caseURL + "/sessions", json(`{"at":"2022-11-01T02:00:00Z","place":"moon","attendees":["高敬"],"notes":"n","outcome":"progress"}`), nil, http.StatusBadRequest, "session.place"},
		{"an unknown outcome", "gc-justice", "POST", caseURL + "/sessions", json(`{"at":"2022-11-01T02:00:00Z","place":"home","attendees":["高敬"],"notes":"n","outcome":"won"}`), nil, http.StatusBadRequest, "session.outcome"},
		{"an extension without consent", "gc-justice", "POST", caseURL + "/extend", json(`{"days":7,"reason":"r","consent":false}`), nil, http.StatusBadRequest, "consent"},
		{"an extension of a year", "gc-justice", "POST", caseURL + "/extend", json(`{"days":365,"reason":"r","consent":true}`), nil, http.StatusBadRequest, "days"},
		{"a transfer to a bad cell ID", "gc-justice", "POST", caseURL + "/transfer", json(`{"to":"../../etc","reason":"r"}`), nil, http.StatusBadRequest, "to"},
		{"no risk named", "gc-justice", "POST", caseURL + "/risks", json(`{"risks":[]}`), nil, http.StatusBadRequest, "risks"},
		{"malformed If-Match", "gc-justice", "POST", caseURL + "/accept", nil, []string{"If-Match", "3"}, http.StatusBadRequest, "If-Match"},
		{"two entity tags", "gc-justice", "POST", caseURL + "/withdraw", json(`{"reason":"r"}`), []string{"If-Match", `"1", "2"`}, http.StatusBadRequest, "If-Match"},
		{"weak If-Match", "gc-justice", "POST", caseURL + "/withdraw", json(`{"reason":"r"}`), []string{"If-Match", `W/"2"`}, http.StatusPreconditionFailed, "If-Match"},
		{"foreign entity tag", "gc-justice", "POST", caseURL + "/withdraw", json(`{"reason":"r"}`), []string{"If-Match", `"abc"`}, http.StatusPreconditionFailed, "If-Match"},
		{"the notice given in an unknown manner", "gc-justice", "POST", caseURL + "/rights", json(`{"parties":["王某某"],"manner":"telepathy"}`), nil, http.StatusBadRequest, "manner"},
		{"the notice given in no manner", "gc-justice", "POST", caseURL + "/rights", json(`{"parties":["王某某"],"manner":""}`), nil, http.StatusBadRequest, "manner"},
		{"the notice given to someone not a party", "gc-justice", "POST", caseURL + "/rights", json(`{"parties":["王某某","李四"],"manner":"written"}`), nil, http.StatusBadRequest, "parties[1]"},
		{"the notice given twice to one party at once", "gc-justice", "POST", caseURL + "/rights", json(`{"parties":["张某某","张某某"],"manner":"oral"}`), nil, http.StatusBadRequest, "parties[1]"},
		{"the notice given to nobody", "gc-justice", "POST", caseURL + "/rights", json(`{"parties":[],"manner":"oral"}`), nil, http.StatusBadRequest, "parties"},
		{"the notice given at a time that is not RFC 3339", "gc-justice", "POST", caseURL + "/rights", json(`{"parties":["王某某"],"manner":"oral","at":"昨天"}`), nil, http.StatusBadRequest, "at"},
		{"the notice given in 9999", "gc-justice", "POST", caseURL + "/rights", json(`{"parties":["王某某"],"manner":"oral","at":"9999-01-01T00:00:00Z"}`), nil, http.StatusBadRequest, "at"},
		{"a state that forbids the action", "gc-justice", "POST", caseURL + "/close", nil, nil, http.StatusConflict, ""},
		{"the file in an unknown format", "gc-justice", "GET", caseURL + "/file?format=pdf", nil, nil, http.StatusBadRequest, "format"},
		{"the file in two formats", "gc-justice", "GET", caseURL + "/file?format=html&format=json", nil, nil, http.StatusBadRequest, "format"},
		{"the notice of rights with a query", "gc-justice", "GET", caseURL + "/rights-notice?format=text", nil, nil, http.StatusBadRequest, "format"},
		{"an action on no case", "gc-justice", "POST", "/api/v1/cases/C999999999/accept", nil, nil, http.StatusNotFound, ""},
		{"a NUL in the case ID", "gc-justice", "GET", "/api/v1/cases/C%00", nil, nil, http.StatusNotFound, ""},
		{"an overlong case ID", "gc-justice", "GET", "/api/v1/cases/" + strings.Repeat("C", 200), nil, nil, http.StatusNotFound, ""},
		{"a path traversal", "gc-justice", "GET", "/api/v1/cases/..%2F..%2Fhealthz", nil, nil, http.StatusNotFound, ""},
		{"a cell ID that cannot be one", "gc-justice", "GET", "/api/v1/grid/cells/%E2%98%83", nil, nil, http.StatusNotFound, ""},
		{"a tracking code that cannot be one", "anonymous", "GET", "/api/v1/track/%3Cscript%3E", nil, nil, http.StatusNotFound, ""},
		{"an unknown tracking code", "anonymous", "GET", "/api/v1/track/ZZZZZZZZZZ", nil, nil, http.StatusNotFound, ""},
		{"a hazard report with an unknown field", "gc-duty-1", "POST", "/api/v1/hazards", json(`{"category":"fire","location":"mayuan-1","description":"d","severity":9}`), nil, http.StatusBadRequest, "severity"},
		{"a hazard verification of an open hazard", "gc-east-head", "POST", "/api/v1/hazards/" + string(h.ID) + "/verify", json(`{"passed":true}`), nil, http.StatusConflict, ""},
		{"a hazard that is not a dispute lead converted", "gc-east-head", "POST", "/api/v1/hazards/" + string(h.ID) + "/convert", json(`{"category":"neighbour","applicants":[{"name":"甲","phone":"13900001111"}],"respondents":[{"name":"乙"}]}`), nil, http.StatusBadRequest, "category"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			before := e.snapshot(t)
			var cl *client
			switch tc.who {
			case "anonymous":
				cl = e.anonymous()
			case "bad token":
				cl = &client{e: e, token: "fpn_" + strings.Repeat("A", 43)}
			default:
				cl = e.as(tc.who)
			}
			res := cl.do(tc.method, tc.target, tc.body, tc.headers...)
			assert.Equal(t, tc.status, res.Code, "%s", res)
			assert.NotEmpty(t, res.errorCode(), "the error shape")
			if tc.field != "" {
				assert.Equal(t, tc.field, res.errorField(), "%s", res)
			}
			assert.Equal(t, before, e.snapshot(t), "a refused request changes nothing")
		})
	}
}

// TestRateLimits checks that the public lookup and the online applications
// answer 429 to a client that has used up its allowance, while other
// clients and the other routes go on.
func TestRateLimits(t *testing.T) {
	e := newEnv(t, func(c *httpapi.Config) { c.PublicRate, c.PublicBurst = 0.001, 3 })
	c := e.seedCase(t, "registered")
	lookup := "/api/v1/track/" + c.TrackingCode
	greedy := e.anonymous().from("203.0.113.7:5555")
	for range 3 {
		res := greedy.get(lookup)
		require.Equal(t, http.StatusOK, res.Code, res)
	}
	res := greedy.get(lookup)
	assert.Equal(t, http.StatusTooManyRequests, res.Code)
	assert.Equal(t, "too_many_requests", res.errorCode())
	assert.NotEmpty(t, res.Header.Get("Retry-After"))
	assert.Equal(t, http.StatusTooManyRequests, e.anonymous().from("203.0.113.7:6666").get(lookup).Code, "the same address on another port")
	assert.Equal(t, http.StatusOK, e.anonymous().from("198.51.100.1:5555").get(lookup).Code, "another client is not held back")

	v6 := e.anonymous().from("[2001:db8:1:2::1]:443")
	for range 3 {
		require.Equal(t, http.StatusOK, v6.get(lookup).Code)
	}
	assert.Equal(t, http.StatusTooManyRequests, e.anonymous().from("[2001:db8:1:2::ffff]:443").get(lookup).Code, "an IPv6 /64 counts as one client")

	applicant := e.asResident("r-busy").from("203.0.113.9:1")
	for i := range 3 {
		res := applicant.post("/api/v1/applications", application(), "Idempotency-Key", "k"+string(rune('a'+i)))
		require.Equal(t, http.StatusCreated, res.Code, res)
	}
	before := e.snapshot(t)
	res = applicant.post("/api/v1/applications", application())
	assert.Equal(t, http.StatusTooManyRequests, res.Code)
	assert.Equal(t, before, e.snapshot(t), "a limited application stores nothing")
	assert.Equal(t, http.StatusOK, e.as("gc-secretary").from("203.0.113.9:1").get("/api/v1/cases").Code, "other routes are not limited")
}
