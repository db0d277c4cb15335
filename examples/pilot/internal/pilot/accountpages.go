package pilot

import (
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/accounts"
	"github.com/fourplusn/fourplusn/grid"
)

// loginData is what the login page shows besides its form: the demo
// accounts and their password, only when the demo township is loaded.
func (s *Server) loginData(next, login string) map[string]any {
	data := map[string]any{"Title": "工作人员登录", "Next": next, "Login": login}
	if s.app.Demo() {
		data["Demo"], data["Password"] = DemoLogins, DemoPassword
	}
	return data
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "login", s.loginData(r.URL.Query().Get("next"), ""))
}

// login checks a member's password, rate-limited per address and locked
// per account after repeated failures, and starts a session. A member
// signing in with their one-time password is asked to choose their own
// first.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	id, next := strings.TrimSpace(r.PostFormValue("login")), r.PostFormValue("next")
	data := s.loginData(next, id)
	if !s.logins.allow(r) {
		data["Message"] = "尝试次数过多，请一分钟后再试。"
		s.render(w, r, http.StatusTooManyRequests, "login", data)
		return
	}
	password := r.PostFormValue("password")
	res, err := s.app.Accounts.Login(r.Context(), id, password, clientAddress(r))
	if fourplusn.ErrorCode(err) == fourplusn.Unauthorized {
		data["Message"] = "账号或密码错误。"
		if locked := lockedText(err); locked != "" {
			data["Message"] = locked
		}
		s.render(w, r, http.StatusUnauthorized, "login", data)
		return
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	m, ok := s.app.Member(res.Member)
	if !ok {
		data["Message"] = "账号或密码错误。"
		s.render(w, r, http.StatusUnauthorized, "login", data)
		return
	}
	if res.MustChange {
		// The one-time password allows nothing but choosing a password:
		// the form carries it back once, and the page is kept nowhere.
		w.Header().Set("Cache-Control", "no-store")
		s.render(w, r, http.StatusOK, "password", map[string]any{
			"Title": "首次登录：设置您自己的密码", "First": true, "Login": m.ID, "OneTime": password, "Next": next,
		})
		return
	}
	s.startSession(w, r, m, next)
}

// startSession signs m in and sends them to next, a path of this site, or
// to where their work is.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, m grid.Member, next string) {
	secret, err := s.app.Accounts.CreateSession(r.Context(), string(m.ID))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.setSession(w, r, secret)
	if !localPath(next) {
		next = s.landing(m)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// localPath reports whether next, where a login goes on to, is a path of
// this site: so that a link to the login page can never send its reader
// off it (an open redirect). It must start with a single "/", and hold no
// control character, no backslash (which browsers read as a slash), and
// nothing that names another host — also once percent-decoded, since
// browsers decode some of it.
func localPath(next string) bool {
	for range 3 {
		if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\") {
			return false
		}
		for _, r := range next {
			if r < 0x20 || r == 0x7f || unicode.IsSpace(r) {
				return false
			}
		}
		u, err := url.Parse(next)
		if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
			return false
		}
		decoded, err := url.PathUnescape(next)
		if err != nil {
			return false
		}
		if decoded == next {
			return true
		}
		next = decoded
	}
	return false // encoded more than twice: no page of this site is
}

func (s *Server) setSession(w http.ResponseWriter, r *http.Request, secret string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: isHTTPS(r), MaxAge: int(12 * time.Hour / time.Second)})
}

// firstPassword sets the password of a member who signed in with their
// one-time password, and signs them in.
func (s *Server) firstPassword(w http.ResponseWriter, r *http.Request) {
	id, otp, next := r.PostFormValue("login"), r.PostFormValue("onetime"), r.PostFormValue("next")
	m, ok := s.app.Member(id)
	if !ok {
		s.render(w, r, http.StatusUnauthorized, "login", s.loginData(next, id))
		return
	}
	data := map[string]any{"Title": "首次登录：设置您自己的密码", "First": true, "Login": m.ID, "OneTime": otp, "Next": next}
	if !s.changePassword(w, r, m, otp, "", data) {
		return
	}
	s.startSession(w, r, m, next)
}

// changePassword makes the form's new password m's, proved by old, and
// reports whether it did; otherwise it has shown the password page again
// with what was wrong.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, m grid.Member, old, session string, data map[string]any) bool {
	w.Header().Set("Cache-Control", "no-store")
	pw, again := r.PostFormValue("new"), r.PostFormValue("again")
	if pw != again {
		data["Problems"] = []string{"两次输入的新密码不一致。"}
		s.render(w, r, http.StatusBadRequest, "password", data)
		return false
	}
	err := s.app.Accounts.SetPassword(r.Context(), accounts.PasswordChange{
		Member: string(m.ID), Old: old, New: pw, Forbidden: forbiddenWords(m), Session: session, Client: clientAddress(r),
	})
	switch {
	case err == nil:
		return true
	case passwordProblems(err) != nil:
		data["Problems"] = passwordProblems(err)
		s.render(w, r, http.StatusBadRequest, "password", data)
	case fourplusn.ErrorCode(err) == fourplusn.Unauthorized:
		msg := "原密码不正确。"
		if locked := lockedText(err); locked != "" {
			msg = locked
		} else if data["First"] == true {
			msg = "一次性密码不正确或已失效，请联系管理员重新发放。"
		}
		data["Problems"] = []string{msg}
		s.render(w, r, http.StatusUnauthorized, "password", data)
	default:
		s.failErr(w, r, err)
	}
	return false
}

// passwordForm is the signed-in member's own password change.
func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request, m grid.Member) {
	s.render(w, r, http.StatusOK, "password", map[string]any{"Title": "修改密码"})
}

func (s *Server) password(w http.ResponseWriter, r *http.Request, m grid.Member) {
	c, _ := r.Cookie(sessionCookie)
	data := map[string]any{"Title": "修改密码"}
	if s.changePassword(w, r, m, r.PostFormValue("old"), c.Value, data) {
		s.render(w, r, http.StatusOK, "password", map[string]any{"Title": "修改密码", "Done": true})
	}
}

// landing is where a member goes after signing in: the heads of levels
// 1 and 2 to their dashboard, who keeps the watch to the console, an
// admin to the grid's administration, anyone else to their cases.
func (s *Server) landing(m grid.Member) string {
	for _, p := range m.Posts {
		if p.Role == grid.GridHead && p.Cell.Level() <= 2 {
			return "/dashboard"
		}
	}
	for _, p := range m.Posts {
		switch p.Role {
		case grid.DutyOfficer:
			return "/console"
		case grid.Admin:
			return "/admin"
		}
	}
	return "/cases"
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.app.Accounts.EndSession(r.Context(), c.Value); err != nil {
			s.failErr(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// tokensPage lists the signed-in member's own API tokens, each of which
// they may revoke.
func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request, m grid.Member) {
	tokens, err := s.app.Accounts.Tokens(r.Context(), string(m.ID))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "tokens", map[string]any{"Title": "我的接口令牌", "Tokens": tokens, "Revoked": r.URL.Query().Get("revoked") != ""})
}

// revokeToken revokes one of the signed-in member's own tokens.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, m grid.Member) {
	if err := s.app.revokeOwnToken(r.Context(), m.ID, r.PostFormValue("id")); err != nil {
		if fourplusn.ErrorCode(err) == fourplusn.NotFound {
			s.fail(w, r, http.StatusNotFound, "未找到该令牌。")
			return
		}
		s.failErr(w, r, err)
		return
	}
	http.Redirect(w, r, "/me/tokens?revoked=1", http.StatusSeeOther)
}
