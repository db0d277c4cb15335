package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bunrouter"
	"golang.org/x/time/rate"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/geo"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
)

// Config is what New needs to serve the API.
type Config struct {
	// Cases serves the case routes and, through its Store, the public
	// progress lookup. Required. When it keeps no files
	// (mediation.Service.KeepsFiles), the routes of attachments answer
	// 501 Not Implemented before reading anything sent.
	Cases *mediation.Service
	// Stats serves the statistics routes; nil leaves them out.
	Stats *stats.Service
	// Hazards serves the hazard routes; nil leaves them out. When it keeps
	// no files (hazard.Service.KeepsFiles), the routes of a hazard's
	// attachments answer 501 Not Implemented before reading anything sent.
	Hazards *hazard.Service
	// Outbox serves the route of the notifications that did not get
	// through; nil leaves it out.
	Outbox Failures
	// Inbox serves the route of the messages received on the chat channel
	// (WeCom) of InboxTownship, which is required with it; nil leaves it
	// out.
	Inbox         Messages
	InboxTownship grid.CellID
	// Grid is the deployment's grid: the cells and members every request
	// reads from its current Directory, and the service through which its
	// administration routes change it. Required.
	Grid *grid.Service
	// Geo keeps the cells' boundaries, for the routes of the township's
	// map and of a cell's boundary; nil leaves them out.
	Geo *geo.Service
	// Rosters reads and writes roster files, for the routes that export
	// and import a township's roster; nil leaves them out.
	Rosters Rosters
	// Accounts are the staff's accounts: with them, a member added is
	// answered with their one-time password, one deactivated has their
	// account disabled, and the routes of passwords and of the caller's
	// own API tokens are served; nil leaves these out.
	Accounts Accounts
	// Auth identifies the actor of each request. Required. The posts of a
	// member of staff are taken from Grid on every request, not from Auth.
	Auth Authenticator
	// Logger receives one record per request and the details of internal
	// errors; nil means slog.Default().
	Logger *slog.Logger
	// Observe, if set, is called once per request when it is answered,
	// with its route — the pattern that served it ("/api/v1/cases/:id"),
	// never the raw path, so that a program's metrics keep a bounded set
	// of labels; "" when no route matched — the status written and how
	// long the answer took. It runs on the request's goroutine, so it
	// must be quick and safe for concurrent use.
	Observe func(r *http.Request, route string, status int, took time.Duration)
	// Now returns the current time, for overdue filters and the default
	// time of statistics; nil means time.Now.
	Now func() time.Time
	// BasePath, if set, is the path below which the handler serves every
	// route, for an integrator who mounts the API in a server of their
	// own: with "/township/api", a case is at
	// /township/api/api/v1/cases/{id} and the health check at
	// /township/api/healthz. It starts with "/", does not end with one,
	// is clean (path.Clean leaves it as it is), and holds only letters,
	// digits and "-._~/". The OpenAPI document names it as its server;
	// its paths stay relative to it. Locations in answers include it.
	// The route that Observe is given, bunrouter's pattern, includes it.
	BasePath string
	// PublicRate and PublicBurst limit, per client address, the public
	// progress lookup, the online applications and the tracking codes
	// sent again, each on its own: PublicRate requests a
	// second on average, in bursts of up to PublicBurst. Zero values mean
	// 1 a second in bursts of 20.
	PublicRate  rate.Limit
	PublicBurst int
	// Limits, if set, keeps those allowances where every process serving
	// the API counts them together (bunstore.Limits), so that a client
	// spreading its requests over several instances gets no more than
	// from one; nil keeps them in this process's memory, which is enough
	// for one process.
	Limits Limits
}

// Limits keeps rate limits shared by every process that serves the API.
type Limits interface {
	// Allow reports whether key may make one more request at now, under
	// a sustained rate of one request each interval in bursts of up to
	// burst, and counts it if so.
	Allow(ctx context.Context, key string, interval time.Duration, burst int, now time.Time) (bool, error)
}

// server holds what the handlers share.
type server struct {
	cfg     Config
	policy  *grid.Policy
	log     *slog.Logger
	now     func() time.Time
	router  *bunrouter.Router
	routes  []string         // "METHOD /path/{param}", in registration order
	openapi []byte           // the OpenAPI document, served as is
	root    *bunrouter.Group // the group of Config.BasePath
	api     string           // where the API's routes live, as a client names them
	cases   *caseResource
	hazards *hazardResource // with Config.Hazards
	answers *answers        // encoded answers about cases and hazards
	track   *limiter        // the public progress lookup's rate limits
	apply   *limiter        // the online applications' rate limits
	resend  *limiter        // the rate limits of tracking codes sent again
}

// apiPrefix is where the API's routes live.
const apiPrefix = "/api/v1"

// New returns the API as an http.Handler. It returns an error when a
// required part of cfg is missing or its BasePath is not one.
func New(cfg Config) (http.Handler, error) {
	switch {
	case cfg.Cases == nil:
		return nil, errors.New("httpapi: Config.Cases is required")
	case cfg.Grid == nil:
		return nil, errors.New("httpapi: Config.Grid is required")
	case cfg.Auth == nil:
		return nil, errors.New("httpapi: Config.Auth is required")
	case cfg.Inbox != nil && cfg.InboxTownship == "":
		return nil, errors.New("httpapi: Config.InboxTownship is required with Config.Inbox")
	case !validBasePath(cfg.BasePath):
		return nil, fmt.Errorf("httpapi: Config.BasePath %q is not a clean path that starts with / and does not end with one, of letters, digits and -._~", cfg.BasePath)
	}
	s := &server{cfg: cfg, policy: cfg.Grid.Policy(), log: cfg.Logger, now: cfg.Now, api: cfg.BasePath + apiPrefix, answers: newAnswers()}
	s.cases = newCaseResource(s)
	if s.serves("hazards") {
		s.hazards = newHazardResource(s)
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	perSecond, burst := cfg.PublicRate, cfg.PublicBurst
	if perSecond <= 0 {
		perSecond = 1
	}
	if burst <= 0 {
		burst = 20
	}
	s.track = newLimiter("track", perSecond, burst, cfg.Limits, s.log)
	s.apply = newLimiter("apply", perSecond, burst, cfg.Limits, s.log)
	s.resend = newLimiter("resend", perSecond, burst, cfg.Limits, s.log)

	s.router = bunrouter.New(
		bunrouter.Use(s.logRequests, s.handleErrors),
		bunrouter.WithNotFoundHandler(func(http.ResponseWriter, bunrouter.Request) error { return errNoRoute }),
		bunrouter.WithMethodNotAllowedHandler(func(http.ResponseWriter, bunrouter.Request) error { return errNoMethod }),
	)
	s.root = &s.router.Group
	if cfg.BasePath != "" {
		s.root = s.router.NewGroup(cfg.BasePath)
	}
	s.handle(s.root, http.MethodGet, "/healthz", s.healthz)
	api := s.root.NewGroup(apiPrefix, bunrouter.Use(s.authenticate))
	s.routeAPI(api)
	s.routeGrid(api)
	s.routeAdmin(api)
	s.routeMembers(api)
	if s.serves("geo") {
		s.routeGeo(api)
	}
	if s.serves("rosters") {
		s.routeRosters(api)
	}
	if s.serves("accounts") {
		s.routeAccounts(api)
	}
	s.routeCases(api)
	s.routeExports(api)
	if s.serves("hazards") {
		s.routeHazards(api)
	}
	if s.serves("stats") {
		s.routeStats(api)
	}
	if s.serves("notifications") {
		s.handle(api, http.MethodGet, "/notifications/failures", s.notificationFailures)
	}
	if s.serves("inbox") {
		s.handle(api, http.MethodGet, "/inbox", s.inboxMessages)
	}
	// The public routes are rate-limited before anything else is done
	// for them, credentials included.
	s.handle(s.root.NewGroup(apiPrefix, bunrouter.Use(s.track.middleware, s.authenticate)), http.MethodGet, "/track/:code", s.trackCase)
	s.handle(s.root.NewGroup(apiPrefix, bunrouter.Use(s.resend.middleware, s.authenticate)), http.MethodPost, "/track/resend", s.resendCodes)
	s.handle(s.root.NewGroup(apiPrefix, bunrouter.Use(s.apply.middleware, s.authenticate)), http.MethodPost, "/applications", s.applyOnline)
	s.handle(api, http.MethodGet, "/privacy-notice", s.privacyNotice)

	doc, err := json.Marshal(s.document())
	if err != nil {
		return nil, err
	}
	s.openapi = doc
	return s, nil
}

// validBasePath reports whether p may be Config.BasePath: empty, or "/"
// and segments separated by "/", each of them neither empty, "." nor ".."
// (so that the path is clean and does not end with "/"), and holding only
// unreserved characters, none of which bunrouter reads as a parameter.
func validBasePath(p string) bool {
	if p == "" {
		return true
	}
	rest, ok := strings.CutPrefix(p, "/")
	if !ok {
		return false
	}
	for seg := range strings.SplitSeq(rest, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
		for _, r := range seg {
			if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("-._~", r)) {
				return false
			}
		}
	}
	return true
}

// serves reports whether the API serves an optional part: each is served
// when the Config gives what it needs, and "" names the routes always
// served.
func (s *server) serves(feature string) bool {
	switch feature {
	case "hazards":
		return s.cfg.Hazards != nil
	case "stats":
		return s.cfg.Stats != nil
	case "notifications":
		return s.cfg.Outbox != nil
	case "inbox":
		return s.cfg.Inbox != nil
	case "rosters":
		return s.cfg.Rosters != nil
	case "geo":
		return s.cfg.Geo != nil
	case "accounts":
		return s.cfg.Accounts != nil
	}
	return true
}

// ServeHTTP serves the API.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.router.ServeHTTP(w, r)
}

// handle registers a route on g, which is s.root or one of the groups of
// apiPrefix below it, and records it for the route list, relative to the
// base path.
func (s *server) handle(g *bunrouter.Group, method, path string, h bunrouter.HandlerFunc) {
	g.Handle(method, path, h)
	full := path
	if g != s.root {
		full = apiPrefix + path
	}
	s.routes = append(s.routes, method+" "+openAPIPath(full))
}

// openAPIPath writes a bunrouter pattern ("/cases/:id") in OpenAPI's form
// ("/cases/{id}").
func openAPIPath(p string) string {
	b := []byte{}
	for i := 0; i < len(p); i++ {
		if p[i] == ':' {
			j := i + 1
			for j < len(p) && p[j] != '/' {
				j++
			}
			b = append(b, '{')
			b = append(b, p[i+1:j]...)
			b = append(b, '}')
			i = j - 1
			continue
		}
		b = append(b, p[i])
	}
	return string(b)
}

func (s *server) routeAPI(g *bunrouter.Group) {
	s.handle(g, http.MethodGet, "/openapi.json", s.serveOpenAPI)
}

func (s *server) healthz(w http.ResponseWriter, req bunrouter.Request) error {
	return writeJSON(w, http.StatusOK, healthJSON{Status: "ok"})
}

// healthJSON answers the health check.
type healthJSON struct {
	Status string `json:"status"`
}

func (s *server) serveOpenAPI(w http.ResponseWriter, req bunrouter.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(s.openapi)
	return err
}

// buffers hold responses while they are encoded: a response is encoded
// whole before its status is written, so that an encoding error can still
// become a 500, and reusing the buffers spares every request allocating
// and copying its body.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer is the largest buffer kept for reuse; a rare huge
// response's buffer is left to the collector.
const maxPooledBuffer = 1 << 20

// writeJSON writes v as the JSON response with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	buf := buffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledBuffer {
			buf.Reset()
			buffers.Put(buf)
		}
	}()
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		return err
	}
	return writeBody(w, status, buf.Bytes())
}

// writeBody writes body, JSON, as the response with the given status.
func writeBody(w http.ResponseWriter, status int, body []byte) error {
	h := w.Header()
	// The values are shared by every response rather than made for each
	// (as Header.Set would): nothing writes into a header's values in
	// place, and adding a value to a slice of capacity one copies it.
	h["Content-Type"] = jsonContentType
	h["X-Content-Type-Options"] = noSniff
	h["Cache-Control"] = noStore
	w.WriteHeader(status)
	_, err := w.Write(body)
	return err
}

var (
	jsonContentType = []string{"application/json; charset=utf-8"}
	noSniff         = []string{"nosniff"}
	noStore         = []string{"no-store"}
)

// exchange is one request as the API's layers share it. logRequests
// makes it, passes it on as the response writer to learn the status
// written, and keeps it in the context, where authenticate records the
// actor for the handlers and the log. One value for the three saves each
// request allocations.
type exchange struct {
	http.ResponseWriter
	status int
	wrote  bool
	actor  grid.Actor
}

type exchangeKey struct{}

func (r *exchange) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *exchange) Write(b []byte) (int, error) {
	if !r.wrote {
		r.status, r.wrote = http.StatusOK, true
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *exchange) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// logRequests logs one record per request — method, route pattern, status,
// duration and the actor's ID — and tells Config.Observe. It never logs bodies, query strings or path
// values, which may hold personal data or tracking codes.
func (s *server) logRequests(next bunrouter.HandlerFunc) bunrouter.HandlerFunc {
	return func(w http.ResponseWriter, req bunrouter.Request) error {
		start := time.Now()
		x := &exchange{ResponseWriter: w, status: http.StatusOK}
		err := next(x, req.WithContext(context.WithValue(req.Context(), exchangeKey{}, x)))
		took := time.Since(start)
		route := req.Route()
		if s.cfg.Observe != nil {
			s.cfg.Observe(req.Request, route, x.status, took)
		}
		if route == "" {
			route = "-"
		}
		// The record goes to the handler directly, without the caller's
		// program counter, which Logger methods look up on every call
		// and which would only ever name this line.
		if h := s.log.Handler(); h.Enabled(req.Context(), slog.LevelInfo) {
			r := slog.NewRecord(time.Now(), slog.LevelInfo, "request", 0)
			r.AddAttrs(
				slog.String("method", req.Method),
				slog.String("route", route),
				slog.Int("status", x.status),
				slog.Duration("duration", took),
				slog.String("actor", x.actor.ID),
			)
			// As with slog.Logger, a log that cannot be written does not
			// fail the request.
			_ = h.Handle(req.Context(), r)
		}
		return err
	}
}

// authenticate identifies the request's actor and records it in the
// request's exchange, for the handlers and the log. Bad credentials end
// the request with 401; none at all leave it anonymous, for the handler to
// refuse or serve. A member of staff acts with their posts as the grid has
// them now, whatever they held when their credentials were issued: a post
// granted or revoked counts from the next request, and a member who was
// deactivated, or whom the grid does not know, is refused as bad
// credentials.
func (s *server) authenticate(next bunrouter.HandlerFunc) bunrouter.HandlerFunc {
	return func(w http.ResponseWriter, req bunrouter.Request) error {
		actor, err := s.cfg.Auth.Authenticate(req.Request)
		if err != nil {
			return err
		}
		if actor.Kind == grid.Staff {
			m, ok := s.cfg.Grid.Directory().Member(grid.MemberID(actor.ID))
			if !ok || m.Inactive || m.Township != actor.Township {
				return errBadCredentials
			}
			actor = m.Actor()
		}
		if x, ok := req.Context().Value(exchangeKey{}).(*exchange); ok {
			x.actor = actor
		}
		return next(w, req)
	}
}

// actorOf returns the request's actor: anonymous unless authenticate found
// one.
func actorOf(req bunrouter.Request) grid.Actor {
	if x, ok := req.Context().Value(exchangeKey{}).(*exchange); ok {
		return x.actor
	}
	return grid.Actor{}
}

// errSignIn is the refusal of an anonymous request to a route that needs an
// actor.
var errSignIn = grid.ErrNoActor

// staffOf returns the request's actor if it is a member of staff: 401 for
// an anonymous request, 403 for another kind of actor.
func staffOf(req bunrouter.Request) (grid.Actor, error) {
	a := actorOf(req)
	switch a.Kind {
	case grid.Anonymous:
		return a, errSignIn
	case grid.Staff:
		return a, nil
	}
	return a, errStaffOnly
}

// signedIn returns the request's actor, or 401 for an anonymous request.
func signedIn(req bunrouter.Request) (grid.Actor, error) {
	a := actorOf(req)
	if a.Kind == grid.Anonymous {
		return a, errSignIn
	}
	return a, nil
}

// errStaffOnly refuses residents and the system on the staff's routes.
var errStaffOnly = &fourplusn.Error{Code: fourplusn.Forbidden, Message: "only the grid's staff may do this"}
