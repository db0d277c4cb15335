package pilot_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
)

// clients numbers the fuzzers' requests, each from an address of its own,
// so that the per-address limit does not stop the fuzzing.
var clients atomic.Uint32

// loginPost posts the login form to h with a CSRF token that matches its
// cookie, from an address of its own.
func loginPost(h http.Handler, form url.Values) *httptest.ResponseRecorder {
	form.Set("csrf", strings.Repeat("c", 43))
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "fpn_csrf", Value: strings.Repeat("c", 43)})
	n := clients.Add(1)
	req.RemoteAddr = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, byte(n >> 16), byte(n >> 8), byte(n)}), 1234).String()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// FuzzLoginForm posts any login, password and next to the login form: the
// answer is never a server error, a session only for the right password,
// and a redirect only to a path of this site.
func FuzzLoginForm(f *testing.F) {
	app, _ := newPilot(f)
	h, err := pilot.NewServer(app, pilot.ServerOptions{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("gc-duty-1", pilot.DemoPassword, "/cases")
	f.Add("gc-duty-1\x00", "x", "/\t/evil.example/")
	f.Add("", "", "//evil.example")
	f.Add("马园", "密码", "/%5C%5Cevil")
	f.Fuzz(func(t *testing.T, login, password, next string) {
		rec := loginPost(h, url.Values{"login": {login}, "password": {password}, "next": {next}})
		if rec.Code >= 500 {
			t.Fatalf("status %d for login %q next %q", rec.Code, login, next)
		}
		if loc := rec.Header().Get("Location"); loc != "" {
			u, err := url.Parse(loc)
			if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.ContainsAny(loc, "\\\t\r\n") {
				t.Fatalf("redirect off the site: %q (next %q)", loc, next)
			}
		}
	})
}

// FuzzNext signs in with the right password and any next: the redirect
// stays on the site.
func FuzzNext(f *testing.F) {
	app, _ := newPilot(f)
	h, err := pilot.NewServer(app, pilot.ServerOptions{})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"/cases", "/\t/evil.example/", "//evil", "/\\evil", "/%2F/evil", "/%252F%252Fevil", "https://evil", "/%E4%B8%AD"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		rec := loginPost(h, url.Values{"login": {"mayuan-head"}, "password": {pilot.DemoPassword}, "next": {next}})
		if rec.Code >= 500 {
			t.Fatalf("status %d for next %q", rec.Code, next)
		}
		loc := rec.Header().Get("Location")
		u, err := url.Parse(loc)
		if rec.Code == http.StatusSeeOther && (err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.ContainsAny(loc, "\\\t\r\n")) {
			t.Fatalf("redirect off the site: %q (next %q)", loc, next)
		}
	})
}
