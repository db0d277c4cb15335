package pilot

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/accounts"
	"github.com/fourplusn/fourplusn/adapters/roster"
	"github.com/fourplusn/fourplusn/grid"
)

// setup is a first start's setup, while no township is set up: the
// one-time code printed to whoever started the pilot, the browsers that
// gave it, and the roster each has uploaded and not yet confirmed. It is
// kept in memory only: a restart prints a new code.
type setup struct {
	code     string
	mu       sync.Mutex
	browsers map[[sha256.Size]byte]*pending // by the digest of the browser's setup cookie
}

// pending is a roster a browser uploaded for setup, checked, shown and
// waiting to be confirmed.
type pending struct {
	tree    *grid.Tree
	members []grid.Member
}

// setupAlphabet leaves out what is easily misread: 0/O, 1/I/L.
const setupAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

func newSetup() (*setup, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("random: %w", err)
	}
	var code strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			code.WriteByte('-')
		}
		code.WriteByte(setupAlphabet[int(c)%len(setupAlphabet)])
	}
	return &setup{code: code.String(), browsers: map[[sha256.Size]byte]*pending{}}, nil
}

// SetupCode returns the one-time code the setup page asks for, and false
// once a township is set up.
func (a *App) SetupCode() (string, bool) {
	s := a.setupState()
	if s == nil {
		return "", false
	}
	return s.code, true
}

func (a *App) setupState() *setup {
	a.setupMu.Lock()
	defer a.setupMu.Unlock()
	return a.setup
}

// setupDone ends the setup: the code and the browsers that gave it are
// forgotten.
func (a *App) setupDone() {
	a.setupMu.Lock()
	defer a.setupMu.Unlock()
	a.setup = nil
}

// Demo reports whether the demo township was loaded: then the login page
// shows the demo accounts and their password.
func (a *App) Demo() bool {
	a.setupMu.Lock()
	defer a.setupMu.Unlock()
	return a.demo
}

// SetUp sets a township up from its roster, tree and members as
// roster.Check resolved them: its grid (grid.Service.Found) and an account
// for every member, each with a one-time password, returned by member ID.
// It is what the setup page and the init command do.
func (a *App) SetUp(ctx context.Context, tree *grid.Tree, members []grid.Member) (map[string]string, error) {
	if !a.NeedsSetup() {
		return nil, fourplusn.Errorf(fourplusn.Conflict, "a township is set up already")
	}
	if err := a.Grid.Found(ctx, tree, members); err != nil {
		return nil, err
	}
	logins := make([]accounts.Member, len(members))
	for i, m := range members {
		logins[i] = accounts.Member{ID: string(m.ID), Township: string(tree.Roots()[0].ID)}
	}
	otps, err := a.Accounts.IssueMany(ctx, logins)
	if err != nil {
		return nil, fmt.Errorf("the township is set up, but its accounts are not (give each member one with the password command): %w", err)
	}
	a.setupDone()
	return otps, nil
}

// LoadDemo loads the demo township into an empty deployment, as -demo does
// on a first start.
func (a *App) LoadDemo(ctx context.Context) error {
	if !a.NeedsSetup() {
		return fourplusn.Errorf(fourplusn.Conflict, "a township is set up already")
	}
	if _, err := seedOnce(ctx, a.DB, a.Accounts, a.Logger); err != nil {
		return err
	}
	if err := a.Grid.Reload(ctx); err != nil {
		return err
	}
	a.setupMu.Lock()
	a.demo, a.setup = true, nil
	a.setupMu.Unlock()
	return nil
}

// OneTimePassword is a member's one-time password, as the setup shows it
// and the init command writes it.
type OneTimePassword struct {
	Member   grid.Member
	Password string
}

// oneTimePasswords lists otps by member, in the members' order.
func oneTimePasswords(members []grid.Member, otps map[string]string) []OneTimePassword {
	out := make([]OneTimePassword, 0, len(members))
	for _, m := range members {
		out = append(out, OneTimePassword{m, otps[string(m.ID)]})
	}
	return out
}

// setupCookie is the cookie of a browser that gave the setup code.
const setupCookie = "fpn_setup"

// setupBrowser returns what the browser of r has uploaded during the
// setup, and whether it gave the code; it is nil until it uploads.
func (s *setup) browser(r *http.Request) (*pending, bool) {
	c, err := r.Cookie(setupCookie)
	if err != nil {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.browsers[sha256.Sum256([]byte(c.Value))]
	return p, ok
}

// needsSetup sends every page but the setup's, the static assets and the
// health check to the setup page while no township is set up.
func (s *Server) needsSetup(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.app.setupState() != nil && !strings.HasPrefix(r.URL.Path, "/setup") && !strings.HasPrefix(r.URL.Path, "/static/") && r.URL.Path != "/healthz" {
			if strings.HasPrefix(r.URL.Path, "/api/") {
				http.Error(w, `{"error":{"code":"unavailable","message":"the pilot is not set up yet"}}`, http.StatusServiceUnavailable)
				return
			}
			http.Redirect(w, r, "/setup", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// setupPage asks for the setup code, then offers the two ways on: import
// the township's roster, or load the demo.
func (s *Server) setupPage(w http.ResponseWriter, r *http.Request) {
	st := s.app.setupState()
	if st == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	_, ok := st.browser(r)
	s.render(w, r, http.StatusOK, "setup", map[string]any{"Title": "首次设置", "Unlocked": ok})
}

// setupCode checks the code the setup page asks for.
func (s *Server) setupCode(w http.ResponseWriter, r *http.Request) {
	st := s.app.setupState()
	if st == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if !s.logins.allow(r) {
		s.render(w, r, http.StatusTooManyRequests, "setup", map[string]any{"Title": "首次设置", "Message": "尝试次数过多，请一分钟后再试。"})
		return
	}
	if subtle.ConstantTimeCompare([]byte(codeForm(r.PostFormValue("code"))), []byte(codeForm(st.code))) != 1 {
		s.render(w, r, http.StatusUnauthorized, "setup", map[string]any{"Title": "首次设置", "Message": "设置码不正确。设置码印在启动试点的终端里。"})
		return
	}
	secret, err := newSecret()
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	st.mu.Lock()
	st.browsers[sha256.Sum256([]byte(secret))] = nil
	st.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: setupCookie, Value: secret, Path: "/setup", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: isHTTPS(r)})
	http.Redirect(w, r, "/setup", http.StatusSeeOther)
}

// codeForm is a setup code as compared: in capitals, without the dashes
// and spaces people type between its groups or leave out.
func codeForm(s string) string {
	return strings.ToUpper(strings.NewReplacer("-", "", " ", "", "\u3000", "").Replace(s))
}

// setupUnlocked returns the setup and what r's browser uploaded, after
// checking that it gave the code; otherwise it has answered.
func (s *Server) setupUnlocked(w http.ResponseWriter, r *http.Request) (*setup, *pending, bool) {
	st := s.app.setupState()
	if st == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil, nil, false
	}
	p, ok := st.browser(r)
	if !ok {
		http.Redirect(w, r, "/setup", http.StatusSeeOther)
		return nil, nil, false
	}
	return st, p, true
}

// setupDemo loads the demo township.
func (s *Server) setupDemo(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := s.setupUnlocked(w, r); !ok {
		return
	}
	if err := s.app.LoadDemo(r.Context()); err != nil {
		s.failErr(w, r, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// setupRoster checks an uploaded roster and shows what it sets up, or
// every problem in it.
func (s *Server) setupRoster(w http.ResponseWriter, r *http.Request) {
	st, _, ok := s.setupUnlocked(w, r)
	if !ok {
		return
	}
	tree, members, problems, err := s.readRoster(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	data := map[string]any{"Title": "首次设置", "Unlocked": true}
	if problems != nil {
		data["Problems"] = problems
		s.render(w, r, http.StatusBadRequest, "setup", data)
		return
	}
	c, _ := r.Cookie(setupCookie)
	st.mu.Lock()
	st.browsers[sha256.Sum256([]byte(c.Value))] = &pending{tree: tree, members: members}
	st.mu.Unlock()
	data["Preview"] = rosterSummary(tree, members)
	s.render(w, r, http.StatusOK, "setup", data)
}

// setupConfirm sets the township the browser uploaded up, and shows its
// members' one-time passwords, this once.
func (s *Server) setupConfirm(w http.ResponseWriter, r *http.Request) {
	_, p, ok := s.setupUnlocked(w, r)
	if !ok {
		return
	}
	if p == nil {
		http.Redirect(w, r, "/setup", http.StatusSeeOther)
		return
	}
	otps, err := s.app.SetUp(r.Context(), p.tree, p.members)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "passwords", map[string]any{
		"Title": "设置完成：一次性密码", "Township": p.tree.Roots()[0].Name, "Passwords": oneTimePasswords(p.members, otps),
	})
}

// rosterTemplate downloads the empty roster a township fills in.
func (s *Server) rosterTemplate(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := roster.WriteTemplate(&buf); err != nil {
		s.failErr(w, r, err)
		return
	}
	serveWorkbook(w, "花名册模板.xlsx", buf.Bytes())
}

// serveWorkbook sends an .xlsx file to be saved as name.
func serveWorkbook(w http.ResponseWriter, name string, b []byte) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}

// maxUpload bounds a roster upload: the largest roster file and the
// form around it.
const maxUpload = roster.MaxSize + 1<<20

// readRoster reads the roster file uploaded in r's form field "roster"
// and resolves it. problems lists, in Chinese, what is wrong with a file
// that is not a valid roster; err is for what went wrong otherwise.
func (s *Server) readRoster(r *http.Request) (*grid.Tree, []grid.Member, []string, error) {
	f, _, err := r.FormFile("roster")
	if err != nil {
		return nil, nil, []string{"请选择花名册文件（.xlsx 或 .csv）。"}, nil
	}
	defer f.Close()
	tree, members, err := roster.Check(io.LimitReader(f, roster.MaxSize+1), s.app.Grid.Directory().Tree().Titles())
	var ps *roster.Problems
	switch {
	case errors.As(err, &ps):
		out := make([]string, len(ps.List))
		for i, p := range ps.List {
			out[i] = p.String()
		}
		return nil, nil, out, nil
	case err != nil:
		return nil, nil, nil, err
	}
	return tree, members, nil, nil
}

// levelCount is how many cells of a level a roster has.
type levelCount struct {
	Title string
	Count int
}

// summary is what a roster sets up, in a few lines.
type summary struct {
	Township string
	Levels   []levelCount
	Members  int
	Heads    []string // who may manage the grid: the township's heads and admins
}

func rosterSummary(tree *grid.Tree, members []grid.Member) summary {
	root := tree.Roots()[0]
	out := summary{Township: root.Name, Members: len(members)}
	counts := map[grid.Level]int{1: 1}
	below, _ := tree.Descendants(root.ID)
	for _, c := range below {
		counts[c.Level()]++
	}
	for l := grid.Level(1); l <= grid.MaxLevel; l++ {
		out.Levels = append(out.Levels, levelCount{tree.Titles().Title(l), counts[l]})
	}
	policy := grid.DefaultPolicy()
	for _, m := range members {
		if policy.Can(m.Actor(), grid.ManageGrid, grid.Target{Cell: root.Path}) == nil {
			out.Heads = append(out.Heads, m.Name+"（"+string(m.ID)+"）")
		}
	}
	slices.SortFunc(out.Heads, cmp.Compare)
	return out
}
