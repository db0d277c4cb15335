package open311_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/adapters/open311"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/internal/pgtest"
	"github.com/fourplusn/fourplusn/work"
)

// publicBurst is the allowance of an address in these tests; the clock
// stands still, so it never refills.
const publicBurst = 6

// openLimits opens the store at dsn and returns its rate limits.
func openLimits(t *testing.T, dsn string) *bunstore.Limits {
	t.Helper()
	db, err := bunstore.Open(context.Background(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db.Limits()
}

// public opens the endpoint to the public, counted in limits, the duty
// officer registering what it sends.
func public(limits open311.Limits) func(*open311.Config) {
	return func(c *open311.Config) {
		c.Public = &open311.Public{Member: duty, Limits: limits, Burst: publicBurst}
	}
}

// newPublicEnv is newEnv open to the public, counted in a SQLite store of
// its own.
func newPublicEnv(t *testing.T) *env {
	return newEnv(t, public(openLimits(t, filepath.Join(t.TempDir(), "limits.db"))))
}

// anonymous is form without its api_key.
func anonymous(form url.Values) url.Values {
	form.Del("api_key")
	return form
}

// The public's hazard report, by the spec's examples in both formats:
// created with a token, which reads back the status — nothing the
// public wrote, nothing personal — and lists by its ID alone.
func TestPublicHazard(t *testing.T) {
	e := newPublicEnv(t)
	f := anonymous(hazardAt("hazard.fire", e.centre("mayuan-1")))
	f.Set("media_url", e.media.URL+"/photo.png")
	w := e.do(http.MethodPost, "/open311/v2/requests.xml", f)
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	doc := parseXML(t, w)
	assert.Equal(t, []string{"service_request_id", "service_notice"}, doc.child("request").names())
	id := doc.child("request").child("service_request_id").Text

	z, err := e.hazards.Get(context.Background(), duty, hazard.ID(id))
	require.NoError(t, err)
	assert.Equal(t, work.ChannelReferral, z.Channel)
	assert.Equal(t, "匿名公众", z.ReferredBy)
	assert.Equal(t, duty.ID, z.Reporter)
	assert.Equal(t, "13800001234", z.Contact)
	assert.Len(t, z.Attachments, 1)

	r := parseXML(t, e.do(http.MethodGet, "/open311/v2/requests/"+id+".xml", nil)).child("request")
	assert.Equal(t, []string{"service_request_id", "status", "status_notes", "service_name", "service_code",
		"agency_responsible", "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id"}, r.names())
	assert.Equal(t, "open", r.child("status").Text)
	assert.Equal(t, "hazard.fire", r.child("service_code").Text)

	got := e.read(id, nil)
	assert.NotContains(t, got, "description")
	assert.NotContains(t, got, "media_url")
	assert.Equal(t, "东片区", got["agency_responsible"])

	var tokens []map[string]any
	require.NoError(t, json.Unmarshal(e.do(http.MethodGet, "/open311/v2/tokens/"+id+".json", nil).Body.Bytes(), &tokens))
	assert.Equal(t, []map[string]any{{"service_request_id": id, "token": id}}, tokens)

	var list []map[string]any
	require.NoError(t, json.Unmarshal(e.do(http.MethodGet, "/open311/v2/requests.json", url.Values{"service_request_id": {id}}).Body.Bytes(), &list))
	assert.Len(t, list, 1)

	// A partner reads its own requests only: the public's are not its.
	w = e.do(http.MethodGet, "/open311/v2/requests/"+id+".json", url.Values{"api_key": {partnerKey}})
	assert.Equal(t, http.StatusNotFound, w.Code)
}

// What the public may not do, each refused in the spec's list of errors,
// in Chinese, in both formats.
func TestPublicRefusals(t *testing.T) {
	e := newPublicEnv(t)
	theirs := e.post(hazardAt("hazard.fire", e.centre("mayuan-1")))
	aCase := e.post(dispute(e.centre("mayuan-1")))
	inside := e.centre("mayuan-1")
	for i, tt := range []struct {
		name   string
		method string
		path   string
		form   url.Values
		status int
	}{
		{"a dispute", http.MethodPost, "requests", anonymous(dispute(inside)), http.StatusForbidden},
		{"a dispute lead", http.MethodPost, "requests", anonymous(hazardAt("hazard.dispute_lead", inside)), http.StatusForbidden},
		{"a wrong api_key", http.MethodPost, "requests", func() url.Values {
			f := hazardAt("hazard.fire", inside)
			f.Set("api_key", "guess")
			return f
		}(), http.StatusForbidden},
		{"a bad phone", http.MethodPost, "requests", func() url.Values {
			f := anonymous(hazardAt("hazard.fire", inside))
			f.Set("phone", "12345")
			return f
		}(), http.StatusBadRequest},
		{"no description", http.MethodPost, "requests", func() url.Values {
			f := anonymous(hazardAt("hazard.fire", inside))
			f.Del("description")
			return f
		}(), http.StatusBadRequest},
		{"a partner's hazard", http.MethodGet, "requests/" + theirs, nil, http.StatusNotFound},
		{"a partner's token", http.MethodGet, "tokens/" + theirs, nil, http.StatusNotFound},
		{"a partner's case", http.MethodGet, "requests/" + aCase, nil, http.StatusNotFound},
		{"a listing", http.MethodGet, "requests", nil, http.StatusForbidden},
		{"too many IDs at once", http.MethodGet, "requests", url.Values{"service_request_id": {strings.Repeat("H1,", 10) + "H1"}}, http.StatusBadRequest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e.remote = "192.0.2." + strconv.Itoa(10+i) + ":443" // an allowance of its own
			for _, format := range []string{"xml", "json"} {
				before := e.allHazards(t)
				w := e.do(tt.method, "/open311/v2/"+tt.path+"."+format, tt.form)
				require.Equal(t, tt.status, w.Code, w.Body.String())
				assertErrorList(t, format, w.Body.Bytes(), tt.status)
				assert.Equal(t, before, e.allHazards(t), "nothing stored")
			}
		})
	}
	e.remote = "192.0.2.99:443"
	var list []map[string]any
	require.NoError(t, json.Unmarshal(e.do(http.MethodGet, "/open311/v2/requests.json", url.Values{"service_request_id": {theirs + "," + aCase}}).Body.Bytes(), &list))
	assert.Empty(t, list, "the public lists none but its own")
}

// allHazards counts the hazards stored.
func (e *env) allHazards(t *testing.T) int {
	t.Helper()
	page, err := e.hazards.List(context.Background(), duty, hazard.Filter{Limit: work.MaxPage})
	require.NoError(t, err)
	return len(page.Hazards)
}

// assertErrorList checks that body is the spec's list of one error, with
// the status as its code and a Chinese description.
func assertErrorList(t *testing.T, format string, body []byte, status int) {
	t.Helper()
	type apiError struct {
		Code        int    `json:"code" xml:"code"`
		Description string `json:"description" xml:"description"`
	}
	var errs []apiError
	if format == "json" {
		require.NoError(t, json.Unmarshal(body, &errs), string(body))
	} else {
		var wrapped struct {
			XMLName xml.Name   `xml:"errors"`
			Errors  []apiError `xml:"error"`
		}
		require.NoError(t, xml.Unmarshal(body, &wrapped), string(body))
		errs = wrapped.Errors
	}
	require.Len(t, errs, 1)
	assert.Equal(t, status, errs[0].Code)
	assert.Regexp(t, `\p{Han}`, errs[0].Description)
}

// Past its allowance an address is refused with 429, in the spec's list
// of errors, whatever it asks and in which format; another address, and
// a partner with its key, are not.
func TestPublicLimit(t *testing.T) {
	e := newPublicEnv(t)
	id := e.post(anonymous(hazardAt("hazard.fire", e.centre("mayuan-1"))))
	for range publicBurst - 2 {
		e.read(id, nil)
	}
	guess := e.do(http.MethodGet, "/open311/v2/requests/"+id+".json", url.Values{"api_key": {"guess"}})
	require.Equal(t, http.StatusForbidden, guess.Code, "a wrong key counts as well")
	for _, format := range []string{"xml", "json"} {
		w := e.do(http.MethodPost, "/open311/v2/requests."+format, anonymous(hazardAt("hazard.fire", e.centre("mayuan-1"))))
		require.Equal(t, http.StatusTooManyRequests, w.Code, w.Body.String())
		assertErrorList(t, format, w.Body.Bytes(), http.StatusTooManyRequests)
		assert.NotEmpty(t, w.Header().Get("Retry-After"))
	}
	assert.Equal(t, http.StatusTooManyRequests, e.do(http.MethodGet, "/open311/v2/tokens/"+id+".json", nil).Code)
	assert.Equal(t, 1, e.allHazards(t), "nothing past the allowance is stored")

	e.post(hazardAt("hazard.fire", e.centre("mayuan-1"))) // the partner
	e.remote = "198.51.100.7:4000"
	e.read(id, nil)
}

// The allowance holds across instances: two handlers, each with its own
// handle on one store, count one address's requests together — on
// SQLite, and on PostgreSQL when the environment names a server.
func TestPublicLimitAcrossInstances(t *testing.T) {
	for _, engine := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"SQLite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "limits.db") }},
		{"PostgreSQL", func(t *testing.T) string {
			dsn, _ := pgtest.Schema(t, pgtest.DSN(t, "the PostgreSQL run"), "open311_test")
			return dsn
		}},
	} {
		t.Run(engine.name, func(t *testing.T) {
			dsn := engine.dsn(t)
			e := newEnv(t, public(openLimits(t, dsn)))
			other, err := open311.New(func() open311.Config {
				cfg := e.cfg
				public(openLimits(t, dsn))(&cfg)
				return cfg
			}())
			require.NoError(t, err)
			instances := []http.Handler{e.handler, other}
			f := anonymous(hazardAt("hazard.fire", e.centre("mayuan-1")))
			for i := range publicBurst {
				e.handler = instances[i%2]
				e.post(f)
			}
			for i := range 2 {
				e.handler = instances[i]
				w := e.do(http.MethodPost, "/open311/v2/requests.json", f)
				assert.Equal(t, http.StatusTooManyRequests, w.Code, "through instance %d", i)
			}
			assert.Equal(t, publicBurst, e.allHazards(t))
		})
	}
}

// Without Public, the default, a request without a key is refused, and
// services do not offer what the public may not do; with it, the
// configuration must say where requests are counted, and no partner may
// take the public's name.
func TestPublicConfig(t *testing.T) {
	e := newEnv(t)
	w := e.do(http.MethodPost, "/open311/v2/requests.json", anonymous(hazardAt("hazard.fire", e.centre("mayuan-1"))))
	assert.Equal(t, http.StatusForbidden, w.Code)
	assert.NotContains(t, e.do(http.MethodGet, "/open311/v2/discovery.json", nil).Body.String(), "无 api_key")

	e = newPublicEnv(t)
	var list []map[string]any
	require.NoError(t, json.Unmarshal(e.do(http.MethodGet, "/open311/v2/services.json", nil).Body.Bytes(), &list))
	for _, s := range list {
		open := s["service_code"] != "hazard.dispute_lead" && s["group"] == "安全隐患"
		assert.Equal(t, open, strings.Contains(s["description"].(string), "无需 api_key"), s["service_code"])
	}
	assert.Contains(t, e.do(http.MethodGet, "/open311/v2/discovery.json", nil).Body.String(), "无 api_key")

	for name, change := range map[string]func(*open311.Config){
		"no limits":       func(c *open311.Config) { c.Public = &open311.Public{Member: duty} },
		"no hazards":      func(c *open311.Config) { public(openLimits(t, filepath.Join(t.TempDir(), "l.db")))(c); c.Hazards = nil },
		"a partner named": func(c *open311.Config) { c.Keys["k"] = open311.Key{Partner: "匿名公众", Member: duty} },
	} {
		cfg := e.cfg
		cfg.Keys = map[string]open311.Key{partnerKey: cfg.Keys[partnerKey]}
		change(&cfg)
		_, err := open311.New(cfg)
		assert.Error(t, err, name)
	}
}
