package httpapi_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bunrouter"
)

// BenchmarkGetCase is GET /api/v1/cases/{id} on the SQLite store: the
// bearer token checked, the case read, authorized through the grid policy,
// masked for the actor, encoded, with its ETag.
func BenchmarkGetCase(b *testing.B) {
	e := newEnvOn(b, sqliteStores(b))
	e.validate = false
	c := e.seedCase(b, "mediating")
	req := httptest.NewRequest(http.MethodGet, "/api/v1/cases/"+string(c.ID), nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens["gc-east-head"])
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, req)
	require.Equal(b, http.StatusOK, w.Code, w.Body.String())
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		e.handler.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkBareRouter is BenchmarkGetCase's floor: a bunrouter route that
// writes the same JSON bytes the API answered, and does nothing else.
func BenchmarkBareRouter(b *testing.B) {
	e := newEnvOn(b, sqliteStores(b))
	e.validate = false
	c := e.seedCase(b, "mediating")
	req := httptest.NewRequest(http.MethodGet, "/api/v1/cases/"+string(c.ID), nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens["gc-east-head"])
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, req)
	require.Equal(b, http.StatusOK, w.Code)
	body := w.Body.Bytes()
	r := bunrouter.New()
	r.GET("/api/v1/cases/:id", func(w http.ResponseWriter, req bunrouter.Request) error {
		w.Header().Set("Content-Type", "application/json")
		_, err := w.Write(body)
		return err
	})
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkGetCaseLoopback and BenchmarkBareRouterLoopback are the two
// above over a real HTTP connection on loopback, kept alive, as a client
// sees them.
func BenchmarkGetCaseLoopback(b *testing.B) {
	e := newEnvOn(b, sqliteStores(b))
	e.validate = false
	c := e.seedCase(b, "mediating")
	loopback(b, e.handler, "/api/v1/cases/"+string(c.ID), e.tokens["gc-east-head"])
}

func BenchmarkBareRouterLoopback(b *testing.B) {
	e := newEnvOn(b, sqliteStores(b))
	e.validate = false
	c := e.seedCase(b, "mediating")
	path := "/api/v1/cases/" + string(c.ID)
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens["gc-east-head"])
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, req)
	require.Equal(b, http.StatusOK, w.Code)
	body := w.Body.Bytes()
	r := bunrouter.New()
	r.GET("/api/v1/cases/:id", func(w http.ResponseWriter, req bunrouter.Request) error {
		w.Header().Set("Content-Type", "application/json")
		_, err := w.Write(body)
		return err
	})
	loopback(b, r, path, "")
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
