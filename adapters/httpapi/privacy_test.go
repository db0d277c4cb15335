package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPrivacy: a member without the right to see personal data gets the
// parties' phones and ID cards masked in every response that carries them,
// one with it sees them whole, and the request log holds neither, nor any
// name, nor a token, whoever asked.
func TestPrivacy(t *testing.T) {
	e := newEnv(t)
	c := e.seedCase(t, "mediating")
	phone, idCard := c.Applicants[0].Phone, c.Applicants[0].IDCard
	url := "/api/v1/cases/" + string(c.ID)

	for _, tt := range []struct {
		member string
		masked bool
	}{
		{"mayuan-security", true}, // a grid worker sees the case, not the particulars
		{"mayuan-aux", true},      // nor does an auxiliary policeman
		{"mayuan-head", false},    // the handling village's head sees them whole
	} {
		for _, path := range []string{url, "/api/v1/cases?state=mediating"} {
			res := e.as(tt.member).get(path)
			require.Equal(t, http.StatusOK, res.Code, "%s %s: %s", tt.member, path, res)
			body := string(res.Body)
			if tt.masked {
				assert.NotContains(t, body, phone, "%s %s", tt.member, path)
				assert.NotContains(t, body, idCard, "%s %s", tt.member, path)
				assert.Contains(t, body, phone[:3]+"****"+phone[7:], "%s %s", tt.member, path)
			} else {
				assert.Contains(t, body, phone, "%s %s", tt.member, path)
			}
		}
	}
	logs := e.logs.String()
	require.NotEmpty(t, logs, "requests are logged")
	for _, secret := range []string{phone, idCard, c.Applicants[0].Name, e.tokens["mayuan-security"], e.tokens["mayuan-head"]} {
		assert.NotContains(t, logs, secret)
	}
}

// TestPrivacyEverywhere: for members who may not see personal data, no
// response of any route that carries a case, a hazard or a member holds a
// phone, an ID card number or a hazard reporter's contact in full — the
// timeline and the printable agreement included — while the masked form
// shows they were there. The request log holds none of it, nor the tracking
// code from the lookup's path.
func TestPrivacyEverywhere(t *testing.T) {
	e := newEnv(t)
	c := e.seedCase(t, "agreed")
	h := e.seedHazard(t, "open")
	cell := e.demo.Member("mayuan-head")
	secrets := []string{c.Applicants[0].Phone, c.Applicants[0].IDCard, h.Contact}
	for _, p := range c.Respondents {
		if p.Phone != "" {
			secrets = append(secrets, p.Phone)
		}
	}
	secrets = append(secrets, cell.Phone)
	paths := []string{
		"/api/v1/cases/" + string(c.ID),
		"/api/v1/cases?state=agreed",
		"/api/v1/cases/" + string(c.ID) + "/timeline",
		"/api/v1/cases/" + string(c.ID) + "/agreement",
		"/api/v1/cases/" + string(c.ID) + "/file",
		"/api/v1/hazards/" + string(h.ID),
		"/api/v1/hazards",
		"/api/v1/hazards/" + string(h.ID) + "/timeline",
		"/api/v1/grid/cells/mayuan/members",
		"/api/v1/track/" + c.TrackingCode,
	}
	for _, member := range []string{"mayuan-security", "mayuan-aux"} {
		masked := 0
		for _, path := range paths {
			res := e.as(member).get(path)
			require.Contains(t, []int{http.StatusOK, http.StatusForbidden, http.StatusNotFound}, res.Code, "%s %s: %s", member, path, res)
			for _, s := range secrets {
				assert.NotContains(t, string(res.Body), s, "%s %s", member, path)
			}
			if res.Code == http.StatusOK && strings.Contains(string(res.Body), "****") {
				masked++
			}
		}
		assert.Greater(t, masked, 3, "%s sees masked data in several responses", member)
	}
	logs := e.logs.String()
	assert.Contains(t, logs, "/api/v1/track/:code", "the log names the route's pattern")
	for _, s := range append(secrets, c.TrackingCode, c.Applicants[0].Name, string(c.ID)) {
		assert.NotContains(t, logs, s, "the log holds no personal data, tracking code or record ID from a path")
	}
}

// TestRequestLog: each request is logged once, as its route's pattern,
// with the status, the actor and the duration, and without the path's
// values.
func TestRequestLog(t *testing.T) {
	e := newEnv(t)
	c := e.seedCase(t, "mediating")
	require.Equal(t, http.StatusOK, e.as("mayuan-head").get("/api/v1/cases/"+string(c.ID)).Code)
	require.Equal(t, http.StatusUnauthorized, e.anonymous().get("/api/v1/cases/"+string(c.ID)).Code)

	lines := strings.Split(strings.TrimSpace(e.logs.String()), "\n")
	require.Len(t, lines, 2)
	for i, want := range []struct {
		status int
		actor  string
	}{{http.StatusOK, "mayuan-head"}, {http.StatusUnauthorized, ""}} {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(lines[i]), &rec), lines[i])
		assert.Equal(t, "INFO", rec["level"])
		assert.Equal(t, "request", rec["msg"])
		assert.Equal(t, "GET", rec["method"])
		assert.Equal(t, "/api/v1/cases/:id", rec["route"])
		assert.Equal(t, float64(want.status), rec["status"])
		assert.Equal(t, want.actor, rec["actor"])
		assert.Contains(t, rec, "duration")
		assert.Contains(t, rec, "time")
		assert.NotContains(t, lines[i], string(c.ID))
	}
}
