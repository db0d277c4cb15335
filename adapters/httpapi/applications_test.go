package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/httpapi"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/mediation"
)

// applicationKey is an Idempotency-Key as a client of the public
// application makes one: random, and long enough not to be guessed.
const applicationKey = "k7Hq2xWm9PzL4nVt"

// TestAnonymousApplications checks that a resident applies through the
// API without an account, identified by the key they send, as the web
// form identifies them; that a retry is the same application; and that
// staff are pointed to POST /cases.
func TestAnonymousApplications(t *testing.T) {
	e := newEnv(t)
	anonymous := e.anonymous()
	res := anonymous.post("/api/v1/applications", application(), "Idempotency-Key", applicationKey)
	require.Equal(t, http.StatusCreated, res.Code, "%s", res)
	var out struct {
		ID, Channel, Township, Applicant, State string
	}
	res.decode(t, &out)
	assert.Equal(t, "online", out.Channel)
	assert.Equal(t, string(gridtest.GuchengID), out.Township, "the township of the location")
	assert.Equal(t, "r-"+applicationKey, out.Applicant, "the applicant is the key, as on the web form")
	assert.Equal(t, "registered", out.State)
	assert.Equal(t, "/api/v1/cases/"+out.ID, res.Header.Get("Location"))
	stored, err := e.st.cases.Get(ctx, mediation.ID(out.ID))
	require.NoError(t, err)
	assert.Equal(t, "李某", stored.Applicants[0].Name)

	again := anonymous.post("/api/v1/applications", application(), "Idempotency-Key", applicationKey)
	require.Equal(t, http.StatusCreated, again.Code, "%s", again)
	assert.Equal(t, string(res.Body), string(again.Body), "a retry returns the same application")
	other := application()
	other["facts"] = "另一件事。"
	assert.Equal(t, http.StatusConflict, anonymous.post("/api/v1/applications", other, "Idempotency-Key", applicationKey).Code, "the same key for another application")

	elsewhere := application()
	elsewhere["location"] = "lz-qiaotou-1"
	res = anonymous.post("/api/v1/applications", elsewhere, "Idempotency-Key", applicationKey+"-linzhen")
	require.Equal(t, http.StatusCreated, res.Code, "%s", res)
	res.decode(t, &out)
	assert.Equal(t, string(gridtest.NeighbourID), out.Township, "another township's cell: that township's application")

	res = e.as("gc-duty-1").post("/api/v1/applications", application(), "Idempotency-Key", applicationKey)
	assert.Equal(t, http.StatusForbidden, res.Code, "%s", res)
	assert.Contains(t, string(res.Body), "POST /api/v1/cases", "staff are told where they register")

	res = e.asResident("r-signed-in").post("/api/v1/applications", application())
	assert.Equal(t, http.StatusCreated, res.Code, "a resident's token needs no key: %s", res)
}

// TestAnonymousApplicationRefusals checks what an anonymous application
// must give, every missing or wrong part at once, and that a refusal
// stores nothing.
func TestAnonymousApplicationRefusals(t *testing.T) {
	e := newEnv(t)
	edited := func(edit func(map[string]any)) map[string]any {
		b := application()
		edit(b)
		return b
	}
	for _, tc := range []struct {
		name    string
		body    map[string]any
		headers []string
		status  int
		fields  []string
	}{
		{"no key", application(), nil, http.StatusBadRequest, []string{"Idempotency-Key"}},
		{"a key too short to stand for anyone", application(), []string{"Idempotency-Key", "short-key"}, http.StatusBadRequest, []string{"Idempotency-Key"}},
		{"two keys", application(), []string{"Idempotency-Key", applicationKey, "Idempotency-Key", applicationKey + "x"}, http.StatusBadRequest, []string{"Idempotency-Key"}},
		{"a key of other characters", application(), []string{"Idempotency-Key", strings.Repeat("密", 16)}, http.StatusBadRequest, []string{"Idempotency-Key"}},
		{"no location", edited(func(b map[string]any) { delete(b, "location") }), []string{"Idempotency-Key", applicationKey}, http.StatusBadRequest, []string{"location"}},
		{"a place outside instead of a cell", edited(func(b map[string]any) { delete(b, "location"); b["outside"] = "确山县朗陵村" }),
			[]string{"Idempotency-Key", applicationKey}, http.StatusBadRequest, []string{"location"}},
		{"an unknown cell", edited(func(b map[string]any) { b["location"] = "nowhere" }), []string{"Idempotency-Key", applicationKey}, http.StatusNotFound, []string{"location"}},
		{"no key and two bad fields", edited(func(b map[string]any) {
			b["applicants"] = []map[string]any{{"name": "   ", "phone": "13900004444"}}
			b["facts"] = "狗叫\x00"
		}), nil, http.StatusBadRequest, []string{"Idempotency-Key", "applicants[0].name", "facts"}},
		{"no location and a bad phone", edited(func(b map[string]any) {
			delete(b, "location")
			b["applicants"] = []map[string]any{{"name": "李某", "phone": "12345"}}
		}), []string{"Idempotency-Key", applicationKey}, http.StatusBadRequest, []string{"applicants[0].phone", "location"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			before := e.snapshot(t)
			res := e.anonymous().post("/api/v1/applications", tc.body, tc.headers...)
			require.Equal(t, tc.status, res.Code, "%s", res)
			assert.Equal(t, tc.fields, res.errorFields(t))
			assert.Equal(t, before, e.snapshot(t), "nothing stored")
		})
	}
}

// TestAnonymousApplicationsAreRateLimited checks that the public rate
// limit holds anonymous applicants back as it holds residents, before
// anything is stored.
func TestAnonymousApplicationsAreRateLimited(t *testing.T) {
	e := newEnv(t, func(c *httpapi.Config) { c.PublicRate, c.PublicBurst = 0.001, 3 })
	applicant := e.anonymous().from("203.0.113.21:4000")
	for i := range 3 {
		res := applicant.post("/api/v1/applications", application(), "Idempotency-Key", applicationKey+string(rune('a'+i)))
		require.Equal(t, http.StatusCreated, res.Code, "%s", res)
	}
	before := e.snapshot(t)
	res := applicant.post("/api/v1/applications", application(), "Idempotency-Key", applicationKey+"z")
	assert.Equal(t, http.StatusTooManyRequests, res.Code)
	assert.Equal(t, before, e.snapshot(t), "a limited application stores nothing")
	res = e.anonymous().from("198.51.100.21:4000").post("/api/v1/applications", application(), "Idempotency-Key", applicationKey+"z")
	assert.Equal(t, http.StatusCreated, res.Code, "another client is not held back: %s", res)
}
