package pilot_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
)

// TestLoginRedirect: after signing in, the login goes on only to a path of
// this site; anything that would leave it goes to the member's own page.
func TestLoginRedirect(t *testing.T) {
	_, ts := newPilot(t)
	for _, tc := range []struct {
		next, want string
	}{
		{"/cases?state=registered", "/cases?state=registered"},
		{"/console", "/console"},
		{"/\t/evil.example/", "/console"},
		{"//evil.example/", "/console"},
		{"/\\evil.example", "/console"},
		{"\\\\evil.example", "/console"},
		{"https://evil.example/", "/console"},
		{"http:/evil.example", "/console"},
		{"/%2F/evil.example", "/console"},
		{"/%5Cevil.example", "/console"},
		{"/%252F%252Fevil.example", "/console"},
		{"/\r\nLocation: https://evil.example", "/console"},
		{" /console", "/console"},
		{"", "/console"},
		{"/%E4%B8%AD", "/%E4%B8%AD"},
	} {
		t.Run(tc.next, func(t *testing.T) {
			c := newClient(t, ts.URL)
			resp, _ := c.post("/login", url.Values{"csrf": {c.csrf()}, "login": {"gc-duty-1"}, "password": {pilot.DemoPassword}, "next": {tc.next}})
			require.Equal(t, http.StatusSeeOther, resp.StatusCode)
			assert.Equal(t, tc.want, resp.Header.Get("Location"))
		})
	}
}

// TestHostileRequests: what the outside test sent, answered 4xx, never
// 500, and never a directory's listing.
func TestHostileRequests(t *testing.T) {
	_, ts := newPilot(t)
	c := newClient(t, ts.URL)
	for _, tc := range []struct {
		name, path string
		want       int
	}{
		{"NUL in the tracking code", "/track?code=A%00B", http.StatusBadRequest},
		{"ESC in a query", "/cases?state=%1B", http.StatusBadRequest},
		{"not UTF-8 in a query", "/track?code=%ff", http.StatusBadRequest},
		{"a static file that is not UTF-8", "/static/%ff", http.StatusNotFound},
		{"the static directory", "/static/", http.StatusNotFound},
		{"the templates", "/templates/login.html", http.StatusNotFound},
		{"a static file that does not exist", "/static/nothing.js", http.StatusNotFound},
		{"a malformed tracking code", "/track?code=%27%20OR%201%3D1", http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, _ := c.get(tc.path)
			assert.Equal(t, tc.want, resp.StatusCode)
		})
	}
	resp, body := c.get("/static/style.css")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "font-family")

	resp, _ = c.post("/login", url.Values{"csrf": {c.csrf()}, "login": {"gc-duty-1\x00"}, "password": {pilot.DemoPassword}})
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "a NUL in a login names no account: 4xx, not 500")
	resp, body = c.post("/apply", url.Values{"csrf": {c.csrf()}, "facts": {strings.Repeat("事", 64<<10/3+1)}})
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "a form over 64 KiB")
	assert.Contains(t, body, "提交的内容过多")
}

// TestPublicTrackIsLimited: the web's progress lookup is limited per
// address like the API's.
func TestPublicTrackIsLimited(t *testing.T) {
	_, ts := newPilot(t)
	c := newClient(t, ts.URL)
	statuses := map[int]int{}
	for range 25 {
		resp, _ := c.get("/track?code=NOSUCHCODE")
		statuses[resp.StatusCode]++
	}
	assert.Equal(t, 20, statuses[http.StatusNotFound], "a burst of twenty")
	assert.Equal(t, 5, statuses[http.StatusTooManyRequests])
}

// TestStaffPagesAreNotCached: a page with personal data is kept by no
// cache.
func TestStaffPagesAreNotCached(t *testing.T) {
	_, ts := newPilot(t)
	c := newClient(t, ts.URL)
	c.login("mayuan-head", pilot.DemoPassword)
	for _, p := range []string{"/cases", "/hazards", "/me/password"} {
		resp, _ := c.get(p)
		assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"), p)
	}
}

// TestBehindAProxy: behind a trusted proxy that says the client came over
// HTTPS, cookies are Secure and HSTS is sent; the same headers from anyone
// else are ignored.
func TestBehindAProxy(t *testing.T) {
	proxies, err := pilot.ParseProxies("127.0.0.1/32,::1")
	require.NoError(t, err)
	_, trusted, _ := startPilot(t, pilot.Options{Demo: true, PasswordCost: bcrypt.MinCost}, pilot.ServerOptions{Proxies: proxies})
	_, direct, _ := startPilot(t, pilot.Options{Demo: true, PasswordCost: bcrypt.MinCost}, pilot.ServerOptions{})
	for _, tc := range []struct {
		name   string
		base   string
		secure bool
	}{{"trusted proxy", trusted.URL, true}, {"untrusted peer", direct.URL, false}} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, tc.base)
			c.http.Transport = headerTransport{"X-Forwarded-Proto", "https"}
			resp, _ := c.get("/login")
			if tc.secure {
				assert.Equal(t, "max-age=31536000", resp.Header.Get("Strict-Transport-Security"))
			} else {
				assert.Empty(t, resp.Header.Get("Strict-Transport-Security"))
			}
			for _, ck := range resp.Cookies() {
				assert.Equal(t, tc.secure, ck.Secure, ck.Name)
			}
		})
	}
	_, err = pilot.ParseProxies("10.0.0.0/33")
	assert.Error(t, err)
}
