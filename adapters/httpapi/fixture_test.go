package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/adapters/files"
	"github.com/fourplusn/fourplusn/adapters/httpapi"
	"github.com/fourplusn/fourplusn/adapters/inbox"
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/adapters/outbox"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/geo"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
)

var ctx = context.Background()

// shanghai is the township's zone; the fake clock starts at 9 a.m. there
// on 1 November 2022, when the seed's first story began.
var shanghai = time.FixedZone("CST", 8*3600)

// clock is a fake clock the tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// seq numbers IDs and tracking codes across every fixture of the test
// binary, so that fixtures may share a store.
var seq atomic.Int64

// stores are the storage a fixture runs on.
type stores struct {
	name    string
	grid    grid.Store
	cases   mediation.Store
	hazards hazard.Store
	source  stats.Source
	ind     stats.Indicators
	outbox  outbox.Store
	inbox   inbox.Store
}

// memStores returns fresh in-memory stores.
func memStores() stores {
	c, h := memstore.NewCases(), memstore.NewHazards()
	return stores{name: "memstore", grid: memstore.NewGridStore(), cases: c, hazards: h, source: memstore.Stats{Cases: c, Hazards: h}, ind: memstore.NewIndicators(),
		outbox: memstore.NewOutbox(), inbox: memstore.NewChannelMessages()}
}

// sqliteStores returns stores in a fresh SQLite file of the test's.
func sqliteStores(t testing.TB) stores {
	t.Helper()
	db, err := bunstore.Open(ctx, filepath.Join(t.TempDir(), "httpapi.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return bunStores(db)
}

// bunStores returns the stores of db, a SQLite file.
func bunStores(db *bunstore.DB) stores {
	return stores{name: "bunstore-sqlite", grid: db.Grid(), cases: db.Cases(), hazards: db.Hazards(), source: db.Stats(), ind: db.Indicators(),
		outbox: db.Outbox(), inbox: db.ChannelMessages()}
}

// env is the API over the demo township, with a token for every demo
// member and for the residents the tests name.
type env struct {
	t       testing.TB
	cfg     httpapi.Config // the handler's
	demo    *gridtest.Demo
	grid    *grid.Service
	clock   *clock
	st      stores
	cases   *mediation.Service
	hazards *hazard.Service
	stats   *stats.Service
	auth    *httpapi.TokenAuth
	// accounts are the staff's accounts, whose tokens are auth's.
	accounts *memAccounts
	handler  http.Handler
	logs     *syncBuffer
	tokens   map[string]string
	// validate, when set, checks every response against the OpenAPI
	// document.
	validate bool
}

// syncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// option changes the Config of a new env.
type option func(*httpapi.Config)

// newEnv returns the API on fresh in-memory stores.
func newEnv(t testing.TB, opts ...option) *env {
	return newEnvOn(t, memStores(), opts...)
}

// newEnvOn returns the API on st.
func newEnvOn(t testing.TB, st stores, opts ...option) *env {
	t.Helper()
	demo := gridtest.Gucheng()
	gs, err := demo.Found(context.Background(), st.grid)
	require.NoError(t, err)
	cells := gs
	policy := grid.DefaultPolicy()
	clk := &clock{now: time.Date(2022, 11, 1, 9, 0, 0, 0, shanghai)}
	dir, err := files.Open(t.TempDir())
	require.NoError(t, err)
	cases, err := mediation.NewService(mediation.Config{
		Store: st.cases, Cells: cells, Policy: policy, Rules: mediation.DefaultRules(), Now: clk.Now, Outbox: st.outbox, Files: dir,
		NewID:           func() mediation.ID { return mediation.ID(fmt.Sprintf("C%09d", seq.Add(1))) },
		NewTrackingCode: func() string { return fmt.Sprintf("TRK%09d", seq.Add(1)) },
	})
	require.NoError(t, err)
	hazards, err := hazard.NewService(hazard.Config{
		Store: st.hazards, Cells: cells, Policy: policy, Rules: hazard.DefaultRules(), Converter: cases, Now: clk.Now, Files: dir,
		NewID: func() hazard.ID { return hazard.ID(fmt.Sprintf("H%09d", seq.Add(1))) },
	})
	require.NoError(t, err)
	gs.Work = []grid.Work{cases, hazards}
	gs.Now = clk.Now
	statistics, err := stats.NewService(stats.Config{
		Source: st.source, Indicators: st.ind, Cells: cells, Policy: policy,
		Cases: st.cases, CaseRules: cases.Rules(), Hazards: st.hazards, HazardRules: hazards.Rules(), Now: clk.Now,
	})
	require.NoError(t, err)
	auth := httpapi.NewTokenAuth(nil)
	accounts := newMemAccounts(auth, clk.Now)
	logs := &syncBuffer{}
	cfg := httpapi.Config{
		Cases: cases, Stats: statistics, Hazards: hazards, Outbox: st.outbox, Inbox: st.inbox, InboxTownship: gridtest.GuchengID, Grid: gs,
		Geo: geo.NewService(memstore.NewBoundaries(), gs), Rosters: textRosters{}, Accounts: accounts, Auth: auth, Logger: slog.New(slog.NewJSONHandler(logs, nil)), Now: clk.Now,
	}
	for _, o := range opts {
		o(&cfg)
	}
	h, err := httpapi.New(cfg)
	require.NoError(t, err)
	e := &env{t: t, cfg: cfg, demo: demo, grid: gs, clock: clk, st: st, cases: cases, hazards: hazards, stats: statistics, auth: auth, accounts: accounts, handler: h, logs: logs, tokens: map[string]string{}, validate: true}
	for _, m := range demo.Members {
		e.tokens[string(m.ID)] = e.issue(m.Actor())
	}
	return e
}

func (e *env) issue(a grid.Actor) string {
	tok, err := e.auth.IssueToken(context.Background(), a)
	require.NoError(e.t, err)
	return tok
}

// member returns demo member id as an actor, for calls to the services.
func (e *env) member(id string) grid.Actor { return e.demo.Member(grid.MemberID(id)).Actor() }

// resident returns resident id of Gucheng as an actor.
func resident(id string) grid.Actor { return grid.ResidentActor(id, gridtest.GuchengID) }

// client sends requests as one actor.
type client struct {
	e     *env
	token string
	addr  string
}

// as returns a client of demo member id.
func (e *env) as(id string) *client { return &client{e: e, token: e.tokens[id]} }

// asResident returns a client of resident id of Gucheng.
func (e *env) asResident(id string) *client {
	tok, ok := e.tokens["resident:"+id]
	if !ok {
		tok = e.issue(resident(id))
		e.tokens["resident:"+id] = tok
	}
	return &client{e: e, token: tok}
}

// anonymous returns a client without credentials.
func (e *env) anonymous() *client { return &client{e: e} }

// from returns c sending from another client address.
func (c *client) from(addr string) *client {
	d := *c
	d.addr = addr
	return &d
}

// response is what came back.
type response struct {
	Code   int
	Header http.Header
	Body   []byte
}

// decode reads the body as JSON into v.
func (r *response) decode(t testing.TB, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.Body, v), "body: %s", r.Body)
}

// object reads the body as a JSON object.
func (r *response) object(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.decode(t, &m)
	return m
}

// errorCode returns the error code of an error response, or "".
func (r *response) errorCode() string {
	var e struct {
		Error struct{ Code, Message, Field string }
	}
	_ = json.Unmarshal(r.Body, &e)
	return e.Error.Code
}

// errorField returns the field named by an error response, or "".
func (r *response) errorField() string {
	var e struct {
		Error struct{ Code, Message, Field string }
	}
	_ = json.Unmarshal(r.Body, &e)
	return e.Error.Field
}

func (r *response) String() string { return fmt.Sprintf("%d %s", r.Code, r.Body) }

// raw is a body sent as it is, with the given Content-Type ("" for none).
type raw struct {
	contentType string
	body        []byte
}

// do sends a request; body is nil, a raw body, or a value sent as JSON.
// headers are name, value pairs.
func (c *client) do(method, target string, body any, headers ...string) *response {
	c.e.t.Helper()
	var rd io.Reader
	contentType := ""
	switch b := body.(type) {
	case nil:
	case raw:
		rd, contentType = bytes.NewReader(b.body), b.contentType
	case string:
		rd, contentType = strings.NewReader(b), "application/json"
	default:
		j, err := json.Marshal(b)
		require.NoError(c.e.t, err)
		rd, contentType = bytes.NewReader(j), "application/json"
	}
	req := httptest.NewRequest(method, target, rd)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.addr != "" {
		req.RemoteAddr = c.addr
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	return c.send(req)
}

// send sends req as c, which must already carry c's credentials if any.
func (c *client) send(req *http.Request) *response {
	c.e.t.Helper()
	rec := httptest.NewRecorder()
	c.e.handler.ServeHTTP(rec, req)
	res := &response{Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	if c.e.validate {
		checkResponse(c.e.t, req, res)
	}
	return res
}

func (c *client) get(target string, headers ...string) *response {
	c.e.t.Helper()
	return c.do(http.MethodGet, target, nil, headers...)
}

func (c *client) post(target string, body any, headers ...string) *response {
	c.e.t.Helper()
	return c.do(http.MethodPost, target, body, headers...)
}

// The OpenAPI document of a full configuration, loaded once, and the
// router that finds an operation for a request.
var (
	specOnce   sync.Once
	specRouter routers.Router
	specDoc    *openapi3.T
	specErr    error
)

func spec(t testing.TB) (*openapi3.T, routers.Router) {
	t.Helper()
	specOnce.Do(func() {
		e := newEnv(t)
		e.validate = false
		res := e.anonymous().get("/api/v1/openapi.json")
		if res.Code != http.StatusOK {
			specErr = fmt.Errorf("GET openapi.json: %s", res)
			return
		}
		// The agreement is also served as an HTML page, and the
		// sessions as a calendar, which the validator reads as it reads
		// plain text.
		openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
		openapi3filter.RegisterBodyDecoder("text/calendar", openapi3filter.PlainBodyDecoder)
		loader := openapi3.NewLoader()
		specDoc, specErr = loader.LoadFromData(res.Body)
		if specErr != nil {
			return
		}
		if specErr = specDoc.Validate(loader.Context); specErr != nil {
			return
		}
		specRouter, specErr = legacy.NewRouter(specDoc)
	})
	require.NoError(t, specErr)
	return specDoc, specRouter
}

// checkResponse validates res against the operation the OpenAPI document
// has for req: its status must be documented and its body and headers
// must match the schemas. A response to a route the document does not
// know must be the one error shape.
func checkResponse(t testing.TB, req *http.Request, res *response) {
	t.Helper()
	_, router := spec(t)
	route, params, err := router.FindRoute(req)
	if err != nil {
		if res.Code >= 400 {
			require.NotEmpty(t, res.errorCode(), "an error response must have the error shape: %s", res)
		}
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 res.Code,
		Header:                 res.Header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	out.SetBodyBytes(res.Body)
	require.NoError(t, openapi3filter.ValidateResponse(ctx, out), "%s %s → %s", req.Method, req.URL, res)
}

// routesOf returns the routes e's handler serves.
func routesOf(e *env) []string { return httpapi.Routes(e.handler) }
