package httpapi_test

import (
	"net/http"
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
