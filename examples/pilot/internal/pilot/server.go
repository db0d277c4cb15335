package pilot

import (
	"bytes"
	"context"
	"crypto/subtle"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/time/rate"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/httpapi"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Cookie names. The session cookie holds a random secret whose digest is
// the session's key; the CSRF cookie holds the token every form must echo.
const (
	sessionCookie = "fpn_session"
	csrfCookie    = "fpn_csrf"
)

// Server serves the pilot's web pages and mounts the JSON API.
type Server struct {
	app     *App
	pages   map[string]*template.Template
	hub     *Hub
	proxies Proxies
	logins  *limiters
	public  *limiters
	pending pendingRosters // rosters uploaded for the administration, shown and not yet applied
	handler http.Handler
	// done is closed by Shutdown, ending the console streams, which
	// would otherwise keep a graceful shutdown waiting.
	done     chan struct{}
	doneOnce sync.Once
	unnudge  func() // stops the consoles hearing the store's changes
}

// Shutdown ends the long-lived console streams so that http.Server's
// Shutdown can finish the other requests in flight and return.
func (s *Server) Shutdown() {
	s.doneOnce.Do(func() {
		s.unnudge()
		close(s.done)
	})
}

// ServerOptions are how the pilot's handler meets the network.
type ServerOptions struct {
	// Proxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto headers are believed; none by default.
	Proxies Proxies
	// Open311Keys are the api_keys of the partner systems (a 12345
	// hotline) that send disputes and hazards over Open311 at
	// /open311/v2/, each mapped to the partner's name; the intake member
	// (App.Intake) registers what they send. None, without
	// Open311Public, or no intake member, leaves Open311 off.
	Open311Keys map[string]string
	// Open311MediaHosts are the hosts a request's media_url may be
	// fetched from, a domain covering its subdomains; none refuses every
	// media_url.
	Open311MediaHosts []string
	// Open311Public lets the public report hazards over Open311 without
	// an api_key, each address limited, the intake member registering
	// them; off by default. It turns Open311 on without partners' keys.
	Open311Public bool
}

// NewServer returns the pilot's handler: the pages, the static assets,
// the live updates of the duty console, and the JSON API under /api/v1
// with /healthz.
func NewServer(app *App, opts ServerOptions) (*Server, error) {
	// On PostgreSQL several pilots may serve one database behind a load
	// balancer: the limits of the pages and of the API are counted in it,
	// so that an address spreading its attempts over them gets no more
	// than from one.
	var shared sharedLimits
	if app.DB.Postgres() {
		shared = app.DB.Limits()
	}
	cfg := httpapi.Config{
		Cases: app.Cases, Stats: app.Stats, Hazards: app.Hazards, Outbox: app.DB.Outbox(), Grid: app.Grid, Geo: app.Geo,
		Auth: apiAuth{app}, Logger: app.Logger, Rosters: apiRosters{app}, Accounts: apiAccounts{app},
		Observe: app.Metrics.observeAPI, Now: app.Now, Limits: shared,
	}
	if intake, ok := app.Intake(); ok {
		cfg.Inbox, cfg.InboxTownship = app.DB.ChannelMessages(), intake.Actor().Township
	}
	api, err := httpapi.New(cfg)
	if err != nil {
		return nil, err
	}
	pages, err := parsePages(template.FuncMap{"cellName": app.CellName, "memberName": app.MemberName, "actorName": app.ActorName, "caseActor": app.caseActor,
		"turn": app.caseTurn, "trackTurn": app.trackTurn,
	})
	if err != nil {
		return nil, err
	}
	s := &Server{
		app: app, pages: pages, hub: NewHub(), done: make(chan struct{}), proxies: opts.Proxies,
		// Thirty attempts a minute per address, in bursts of thirty: a
		// village office behind one address, everyone mistyping once, is not
		// locked out. Guessing one account's password is stopped by that
		// account's own lock (accounts.Login), whatever the addresses.
		logins: newLimiters("login", rate.Every(2*time.Second), 30, shared, app.Logger),
		// Applications from one address: one a second on average, as the
		// API allows, in bursts of twenty (a shared office or a village
		// committee's computer).
		public: newLimiters("public", 1, 20, shared, app.Logger),
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", api)
	if err := mountOpen311(mux, app, opts); err != nil {
		return nil, err
	}
	mux.Handle("GET /healthz", api)
	mux.HandleFunc("GET /static/{name}", serveStatic)
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /apply", s.applyForm)
	mux.HandleFunc("POST /apply", s.apply)
	mux.HandleFunc("GET /report", s.residentReportForm)
	mux.HandleFunc("POST /report", s.residentReport)
	mux.HandleFunc("GET /track", s.track)
	mux.HandleFunc("POST /track/resend", s.resendCodes)
	mux.HandleFunc("GET /login", s.loginForm)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /login/password", s.firstPassword)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /setup", s.setupPage)
	mux.HandleFunc("POST /setup", s.setupCode)
	mux.HandleFunc("POST /setup/demo", s.setupDemo)
	mux.HandleFunc("POST /setup/roster", s.setupRoster)
	mux.HandleFunc("POST /setup/confirm", s.setupConfirm)
	mux.HandleFunc("GET /setup/roster-template.xlsx", s.rosterTemplate)
	mux.HandleFunc("GET /me/password", s.staff(s.passwordForm))
	mux.HandleFunc("POST /me/password", s.staff(s.password))
	mux.HandleFunc("GET /me/tokens", s.staff(s.tokensPage))
	mux.HandleFunc("POST /me/tokens/revoke", s.staff(s.revokeToken))
	mux.HandleFunc("GET /console", s.staff(s.console))
	mux.HandleFunc("GET /console/list", s.staff(s.consoleList))
	mux.HandleFunc("GET /console/events", s.staff(s.consoleEvents))
	mux.HandleFunc("GET /cases", s.staff(s.caseList))
	mux.HandleFunc("GET /cases/new", s.staff(s.registerForm))
	mux.HandleFunc("POST /cases/new", s.staff(s.register))
	mux.HandleFunc("GET /cases/{id}", s.staff(s.casePage))
	mux.HandleFunc("GET /cases/{id}/agreement", s.staff(s.agreement))
	mux.HandleFunc("GET /cases/{id}/rights-notice", s.staff(s.rightsNotice))
	mux.HandleFunc("GET /cases/{id}/sessions.ics", s.staff(s.sessionsCalendar))
	mux.HandleFunc("GET /cases/{id}/file/print", s.staff(s.filePrint))
	mux.HandleFunc("POST /cases/{id}/{action}", s.staff(s.caseAction))
	mux.HandleFunc("POST /cases/{id}/attach", s.staff(s.attach))
	mux.HandleFunc("GET /cases/{id}/attachments/{aid}", s.staff(s.serveAttachment(s.openCaseFile, false)))
	mux.HandleFunc("GET /cases/{id}/attachments/{aid}/thumbnail", s.staff(s.serveAttachment(s.openCaseFile, true)))
	mux.HandleFunc("GET /hazards", s.staff(s.hazardBoard))
	mux.HandleFunc("GET /hazards/new", s.staff(s.reportForm))
	mux.HandleFunc("POST /hazards/new", s.staff(s.report))
	mux.HandleFunc("GET /hazards/{id}", s.staff(s.hazardPage))
	mux.HandleFunc("POST /hazards/{id}/{action}", s.staff(s.hazardAction))
	mux.HandleFunc("GET /hazards/{id}/attachments/{aid}", s.staff(s.serveAttachment(s.openHazardFile, false)))
	mux.HandleFunc("GET /hazards/{id}/attachments/{aid}/thumbnail", s.staff(s.serveAttachment(s.openHazardFile, true)))
	mux.HandleFunc("GET /dashboard", s.staff(s.dashboard))
	mux.HandleFunc("GET /dashboard/report.xlsx", s.staff(s.exportReport))
	mux.HandleFunc("GET /dashboard/ministry.xlsx", s.staff(s.exportMinistry))
	mux.HandleFunc("GET /cases.xlsx", s.staff(s.exportCases))
	mux.HandleFunc("GET /admin", s.admin(s.adminHome))
	mux.HandleFunc("GET /admin/cells/{id}", s.admin(s.adminCell))
	mux.HandleFunc("POST /admin/cells/{id}/{action}", s.admin(s.cellAction))
	mux.HandleFunc("GET /admin/members", s.admin(s.membersPage))
	mux.HandleFunc("GET /admin/members/new", s.admin(s.newMemberPage))
	mux.HandleFunc("POST /admin/members", s.admin(s.addMember))
	mux.HandleFunc("GET /admin/members/{id}", s.admin(s.adminMember))
	mux.HandleFunc("POST /admin/members/{id}/{action}", s.admin(s.memberAction))
	mux.HandleFunc("GET /admin/roster", s.admin(s.rosterPage))
	mux.HandleFunc("POST /admin/roster", s.admin(s.uploadRoster))
	mux.HandleFunc("POST /admin/roster/apply", s.admin(s.applyRoster))
	mux.HandleFunc("GET /admin/roster.xlsx", s.admin(s.exportRoster))
	mux.HandleFunc("GET /admin/roster-template.xlsx", s.admin(func(w http.ResponseWriter, r *http.Request, _ grid.Member) { s.rosterTemplate(w, r) }))
	mux.HandleFunc("GET /admin/log", s.admin(s.logPage))
	mux.HandleFunc("/", s.notFound)
	s.handler = s.client(s.withOps(mux, s.plainInput(s.csrf(securityHeaders(s.needsSetup(mux))))))
	s.unnudge = nudgeConsoles(app.DB, s.hub)
	return s, nil
}

// Hub returns the server's hub of live updates, which other work that
// changes cases (the notification and deadline runners) may publish to.
func (s *Server) Hub() *Hub { return s.hub }

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// parsePages parses each page with the layout, the parts forms share
// (parts.html), the shared helpers and the app's own (which need its
// grid).
func parsePages(own template.FuncMap) (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || base == "parts" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).Funcs(own).ParseFS(templateFS, "templates/layout.html", "templates/parts.html", n)
		if err != nil {
			return nil, err
		}
		pages[base] = t
	}
	return pages, nil
}

// securityHeaders keeps pages from being framed or sniffed, and allows
// only the pilot's own scripts, styles and images: there is no CDN.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
		}
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		if isHTTPS(r) {
			// A year; subdomains are left to their own servers.
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// maxForm is the largest form body the pages accept.
const maxForm = 64 << 10

// uploads are the pages that take a roster's file.
var uploads = map[string]bool{"/setup/roster": true, "/admin/roster": true}

// maxFiles bounds the body of a form that attaches files: a resident's
// application or hazard report with its photos, a case page's upload, a
// hazard's report, rectification or verification with theirs. Several photos at
// once, each as large as attachment.Sanitize takes one, and the form.
var maxFiles = 10*attachment.DefaultLimits.MaxBytes + 1<<20

// uploadTime is how long a form that attaches files may take to arrive:
// a phone's photos over a village's slow mobile connection take longer
// than the server's read timeout allows any other request.
const uploadTime = 10 * time.Minute

// takesFiles reports whether path is a form that attaches files.
func takesFiles(path string) bool {
	switch {
	case path == "/apply" || path == "/report" || path == "/hazards/new":
		return true
	case strings.HasPrefix(path, "/cases/"):
		return strings.HasSuffix(path, "/attach")
	case strings.HasPrefix(path, "/hazards/"):
		return strings.HasSuffix(path, "/rectify") || strings.HasSuffix(path, "/verify")
	}
	return false
}

type ctxKey int

const (
	memberKey ctxKey = iota
	csrfKey
)

// csrf gives every browser a CSRF token in a cookie and refuses any form
// POST whose csrf field does not match it. The cookie is SameSite=Strict
// and HttpOnly, so another site can neither send nor read it; the token is
// written into each form by the page. The JSON API is exempt: it takes no
// cookies, only bearer tokens, so a forged cross-site request carries no
// credentials.
func (s *Server) csrf(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if machine(r) || r.URL.Path == "/healthz" {
			next.ServeHTTP(w, r)
			return
		}
		token := ""
		if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
			token = c.Value
		} else {
			t, err := newSecret()
			if err != nil {
				http.Error(w, "internal error", http.StatusInternalServerError)
				return
			}
			token = t
			http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: isHTTPS(r)})
		}
		if r.Method == http.MethodPost {
			// The pages' forms are small; a larger body is refused before
			// it is parsed. Only a roster's upload and files are larger.
			limit := int64(maxForm)
			switch {
			case uploads[r.URL.Path]:
				limit = maxUpload
			case takesFiles(r.URL.Path) && isMultipart(r):
				limit = maxFiles
				// A writer that cannot move its deadline (none the pilot
				// is served through) keeps the server's.
				_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(uploadTime))
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			err := parseForm(r)
			if r.MultipartForm != nil {
				// The files kept on disk while the request is served; the
				// server removes only those of the request it made, not of
				// the copy a middleware passed on.
				defer r.MultipartForm.RemoveAll()
			}
			if err == nil && formText(r) > maxForm {
				// What a form says beside its files is as small as any
				// other form's.
				err = &http.MaxBytesError{Limit: maxForm}
			}
			if err != nil {
				var tooLarge *http.MaxBytesError
				if errors.As(err, &tooLarge) {
					s.fail(w, r, http.StatusRequestEntityTooLarge, "提交的内容过多，请删减后重试。")
					return
				}
				s.fail(w, r, http.StatusBadRequest, "提交的表单无法读取，请返回上一页重试。")
				return
			}
			sent := r.PostFormValue("csrf")
			if subtle.ConstantTimeCompare([]byte(sent), []byte(token)) != 1 {
				s.fail(w, r, http.StatusForbidden, "表单已过期或来源不明，请返回上一页刷新后重试。")
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), csrfKey, token)))
	})
}

// staff requires a signed-in member: others go to the login page. Staff
// pages show personal data, so no cache keeps them.
func (s *Server) staff(h func(http.ResponseWriter, *http.Request, grid.Member)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		m, ok := s.member(r)
		if !ok {
			if r.Method == http.MethodGet && r.URL.Path != "/console/events" && r.URL.Path != "/console/list" {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.fail(w, r, http.StatusUnauthorized, "请先登录。")
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), memberKey, m)), m)
	}
}

// member returns the member signed in on r, if any: the one staff found,
// or, on the public pages, the one the session cookie names.
func (s *Server) member(r *http.Request) (grid.Member, bool) {
	if m, ok := r.Context().Value(memberKey).(grid.Member); ok {
		return m, true
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return grid.Member{}, false
	}
	id, ok, err := s.app.Accounts.Session(r.Context(), c.Value)
	if err != nil {
		s.app.Logger.Error("read session", "err", err)
		return grid.Member{}, false
	}
	if !ok {
		return grid.Member{}, false
	}
	return s.app.Member(id)
}

// render writes page name with data, adding what every page needs.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data map[string]any) {
	t, ok := s.pages[name]
	if !ok {
		panic("pilot: no page " + name)
	}
	if data == nil {
		data = map[string]any{}
	}
	data["CSRF"], _ = r.Context().Value(csrfKey).(string)
	data["Brand"] = s.brand()
	if m, ok := s.member(r); ok {
		data["Me"] = m
		data["MeActor"] = m.Actor()
		data["Nav"] = s.nav(m)
	}
	data["Flash"] = takeFlash(w, r)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := t.ExecuteTemplate(w, "layout", data); err != nil {
		s.app.Logger.Error("render page", "page", name, "err", err)
	}
}

// brand names the platform after the township it serves, or the first of
// several.
func (s *Server) brand() string {
	if ts := s.app.Grid.Directory().Townships(); len(ts) > 0 {
		return ts[0].Name + "“4+N”矛盾纠纷多元化解"
	}
	return "“4+N”矛盾纠纷多元化解"
}

// fail shows an error page with a message in Chinese.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.render(w, r, status, "error", map[string]any{"Title": "出错了", "Message": msg})
}

// failErr shows err as the domain's error code reads in Chinese, with the
// fields at fault of an Invalid error named in Chinese; the domain's own
// messages, in English, are never shown. Internal errors are logged and
// shown only as such.
func (s *Server) failErr(w http.ResponseWriter, r *http.Request, err error) {
	switch fourplusn.ErrorCode(err) {
	case fourplusn.Invalid, fourplusn.Unauthorized, fourplusn.Forbidden, fourplusn.NotFound, fourplusn.Conflict:
	case fourplusn.Unavailable:
		s.logUnavailable(r, err)
	default:
		s.app.Logger.Error("request failed", "path", r.URL.Path, "err", err)
	}
	s.fail(w, r, errorStatus(err), errorMessage(err))
}

// incompleteMessage says in Chinese which required items of the case file
// keep the case from being closed, when err is that refusal, or "". The
// case page shows it at its 结案 form (see caseAction).
func incompleteMessage(err error) string {
	var incomplete *mediation.FileIncompleteError
	if !errors.As(err, &incomplete) {
		return ""
	}
	return "卷宗缺少必备材料：" + strings.Join(incomplete.Missing, "、") + "。请补齐后再结案。"
}

// errorStatus is the status of a page showing err, by its code.
func errorStatus(err error) int {
	switch fourplusn.ErrorCode(err) {
	case fourplusn.Invalid:
		return http.StatusBadRequest
	case fourplusn.Unauthorized:
		return http.StatusUnauthorized
	case fourplusn.Forbidden:
		return http.StatusForbidden
	case fourplusn.NotFound:
		return http.StatusNotFound
	case fourplusn.Conflict:
		return http.StatusConflict
	case fourplusn.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// navItem is a link of the staff menu.
type navItem struct{ Href, Label string }

// nav is the staff menu: the dashboard only for those who may see
// statistics, the console only for those who may accept, the cases and
// hazards for those who may see any, the registration of a dispute for
// those who may register, the grid's administration for those
// who may manage it; and everyone's own account.
func (s *Server) nav(m grid.Member) []navItem {
	a := m.Actor()
	items := []navItem{}
	if len(s.app.Policy.Scope(a, grid.Accept)) > 0 {
		items = append(items, navItem{"/console", "值班台"})
	}
	if len(s.app.Policy.Scope(a, grid.View)) > 0 {
		items = append(items, navItem{"/cases", "案件"}, navItem{"/hazards", "隐患"})
	}
	if s.mayRegister(m) {
		items = append(items, navItem{"/cases/new", "登记"})
	}
	if len(s.app.Policy.Scope(a, grid.ViewStats)) > 0 {
		items = append(items, navItem{"/dashboard", "看板"})
	}
	if len(s.app.Policy.Scope(a, grid.ManageGrid)) > 0 {
		items = append(items, navItem{"/admin", "网格管理"})
	}
	return append(items, navItem{"/me/password", "我的账号"})
}

// sharedLimits keeps rate limits where every process on the database
// counts them together (bunstore.Limits).
type sharedLimits interface {
	Allow(ctx context.Context, key string, interval time.Duration, burst int, now time.Time) (bool, error)
}

// limiters keeps a rate limiter per client address: in shared limits when
// there are any, else in this process's memory.
type limiters struct {
	name   string // the limit's part of the key in shared limits
	mu     sync.Mutex
	every  rate.Limit
	burst  int
	byIP   map[string]*rate.Limiter
	shared sharedLimits
	log    *slog.Logger
}

func newLimiters(name string, every rate.Limit, burst int, shared sharedLimits, log *slog.Logger) *limiters {
	return &limiters{name: name, every: every, burst: burst, byIP: map[string]*rate.Limiter{}, shared: shared, log: log}
}

// allow reports whether r's address may try now. Shared limits that fail
// leave the decision to this process's memory: a database that does not
// answer should neither refuse everyone nor lift every limit. The table in
// memory is cleared when it grows large, which at worst gives some
// addresses a fresh burst.
func (l *limiters) allow(r *http.Request) bool {
	ip := clientAddress(r)
	if l.shared != nil {
		ok, err := l.shared.Allow(r.Context(), "pilot "+l.name+" "+ip, time.Duration(float64(time.Second)/float64(l.every)), l.burst, time.Now())
		if err == nil {
			return ok
		}
		l.log.WarnContext(r.Context(), "pilot: the shared rate limits failed; limiting in memory", "err", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.byIP) > 10000 {
		clear(l.byIP)
	}
	lim, ok := l.byIP[ip]
	if !ok {
		lim = rate.NewLimiter(l.every, l.burst)
		l.byIP[ip] = lim
	}
	return lim.Allow()
}

// parseForm reads a POST's form: a multipart one (a roster's or files'
// upload, kept on disk beyond maxForm) or a urlencoded one.
func parseForm(r *http.Request) error {
	if isMultipart(r) {
		return r.ParseMultipartForm(maxForm)
	}
	return r.ParseForm()
}

// isMultipart reports whether r's body is a multipart form.
func isMultipart(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
}

// formText returns the size of what a multipart form r says beside its
// files: its fields' names and values.
func formText(r *http.Request) int {
	if r.MultipartForm == nil {
		return 0
	}
	n := 0
	for k, vs := range r.MultipartForm.Value {
		for _, v := range vs {
			n += len(k) + len(v)
		}
	}
	return n
}

// plainInput refuses a request whose query holds control characters —
// a NUL byte first of all, which a database refuses later as an internal
// error — before any page reads it. The API answers for itself.
func (s *Server) plainInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case machine(r):
		case !plainText(r.URL.Path):
			s.notFound(w, r) // no page has such a name
			return
		case !plainValues(r.URL.Query()):
			s.fail(w, r, http.StatusBadRequest, "请求中含有不能处理的字符（如空字符），请检查链接。")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// notFound is the page of a path the pilot does not serve.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, http.StatusNotFound, "未找到该页面。")
}

// plainValues reports whether no value of vs holds a control character
// but the line breaks and tabs a text area sends.
func plainValues(vs url.Values) bool {
	for k, values := range vs {
		if !plainText(k) {
			return false
		}
		for _, v := range values {
			if !plainText(v) {
				return false
			}
		}
	}
	return true
}

func plainText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7f {
			return false
		}
	}
	return true
}

// serveStatic serves the pilot's own scripts and style sheet by name:
// never a directory's listing, never a name that is not one of them.
func serveStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	b, err := staticFS.ReadFile("static/" + name)
	if !fs.ValidPath(name) || strings.Contains(name, "/") || err != nil {
		http.Error(w, "未找到。", http.StatusNotFound)
		return
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}
