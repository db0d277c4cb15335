package httpapi_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bunrouter"

	"github.com/fourplusn/fourplusn/adapters/httpapi"
)

// benchCase returns an API over st holding one case in mediation, and the
// request for that case as benchViewer, checked to answer 200 with the
// parties' particulars masked. Requests are logged as JSON, as a server
// would, but to io.Discard rather than to the tests' ever-growing buffer,
// whose copying would be counted against the API.
func benchCase(b *testing.B, st stores) (*env, *http.Request) {
	e := newEnvOn(b, st, func(c *httpapi.Config) { c.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil)) })
	e.validate = false
	c := e.seedCase(b, "mediating")
	req := httptest.NewRequest(http.MethodGet, "/api/v1/cases/"+string(c.ID), nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens[benchViewer])
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, req)
	require.Equal(b, http.StatusOK, w.Code, w.Body.String())
	require.Contains(b, w.Body.String(), `"masked":true`)
	return e, req
}

// benchViewer is the grid worker of the case's village, who may see the
// case but not the parties' particulars.
const benchViewer = "mayuan-security"

// bareRouter is the floor the API is measured against: a bunrouter route
// that writes the JSON bytes the API answers req with, and does nothing
// else — no credentials, no store, no policy, no encoding.
func bareRouter(e *env, req *http.Request) http.Handler {
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, req)
	body := w.Body.Bytes()
	r := bunrouter.New()
	r.GET("/api/v1/cases/:id", func(w http.ResponseWriter, req bunrouter.Request) error {
		w.Header().Set("Content-Type", "application/json")
		_, err := w.Write(body)
		return err
	})
	return r
}

// serve runs h on req b.N times in process.
func serve(b *testing.B, h http.Handler, req *http.Request) {
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkGetCase is GET /api/v1/cases/{id} on the SQLite store: the
// bearer token checked, the case read, authorized through the grid policy,
// masked for the actor, encoded, with its ETag, and the request logged.
func BenchmarkGetCase(b *testing.B) {
	e, req := benchCase(b, sqliteStores(b))
	serve(b, e.handler, req)
}

// BenchmarkGetCaseMemstore is BenchmarkGetCase on the in-memory store: the
// API's own cost, with the SQL read and the record's decoding taken out.
func BenchmarkGetCaseMemstore(b *testing.B) {
	e, req := benchCase(b, memStores())
	serve(b, e.handler, req)
}

// BenchmarkBareRouter is BenchmarkGetCase's floor: the same bytes from a
// bare bunrouter handler.
func BenchmarkBareRouter(b *testing.B) {
	e, req := benchCase(b, sqliteStores(b))
	serve(b, bareRouter(e, req), req)
}

// BenchmarkGetCaseLoopback, BenchmarkGetCaseMemstoreLoopback and
// BenchmarkBareRouterLoopback are the three above over a real HTTP
// connection on loopback, kept alive, as a client sees them.
func BenchmarkGetCaseLoopback(b *testing.B) {
	e, req := benchCase(b, sqliteStores(b))
	loopback(b, e.handler, req.URL.Path, e.tokens[benchViewer])
}

func BenchmarkGetCaseMemstoreLoopback(b *testing.B) {
	e, req := benchCase(b, memStores())
	loopback(b, e.handler, req.URL.Path, e.tokens[benchViewer])
}

func BenchmarkBareRouterLoopback(b *testing.B) {
	e, req := benchCase(b, sqliteStores(b))
	loopback(b, bareRouter(e, req), req.URL.Path, "")
}

// loopback serves h on a local port and GETs path from it b.N times.
func loopback(b *testing.B, h http.Handler, path, token string) {
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := srv.Client()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	require.NoError(b, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	b.ReportAllocs()
	for b.Loop() {
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatal(err, resp.StatusCode)
		}
	}
}
