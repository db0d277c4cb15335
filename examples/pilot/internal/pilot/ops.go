package pilot

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/httpapi"
)

// readyTimeout bounds the readiness check's questions of the database: a
// database that takes longer is not ready to serve.
const readyTimeout = 2 * time.Second

// withOps serves what operations need ahead of the pages' middleware:
// /metrics and /readyz, for machines, with no cookies and no setup page
// in their way. Every other request goes to next, is measured by the
// pattern of mux that serves it, or by the API's route when the API
// answered it, and, if it is answered 503, carries Retry-After.
func (s *Server) withOps(mux *http.ServeMux, next http.Handler) http.Handler {
	metrics := s.app.Metrics
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/metrics":
			if onlyRead(w, r) {
				metrics.ServeHTTP(w, r)
			}
			return
		case "/readyz":
			if onlyRead(w, r) {
				s.ready(w, r)
			}
			return
		}
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		seen := new(apiSeen)
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), apiSeenKey{}, seen)))
		if *seen {
			return // the API measured it by its own route
		}
		_, pattern := mux.Handler(r)
		metrics.request(pattern, sw.status, time.Since(start))
	})
}

// onlyRead refuses any method but GET and HEAD, and reports whether r is
// one of them.
func onlyRead(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
}

// apiSeen is set by observeAPI when the API measured a request.
type apiSeen bool

type apiSeenKey struct{}

// observeAPI is the API's Config.Observe: it measures a request the API
// routed by its route ("GET /api/v1/cases/:id"), and leaves one no route
// matched to withOps, which labels it by the pages' pattern.
func (m *Metrics) observeAPI(r *http.Request, route string, status int, took time.Duration) {
	if route == "" {
		return
	}
	m.request(r.Method+" "+route, status, took)
	if seen, ok := r.Context().Value(apiSeenKey{}).(*apiSeen); ok {
		*seen = true
	}
}

// ready answers /readyz: 200 when the database answers within
// readyTimeout, 503 when it does not or when the server is shutting down,
// so that a proxy or an orchestrator sends requests elsewhere. /healthz,
// which touches nothing, says only that the process lives.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	err := s.app.DB.Ping(ctx)
	select {
	case <-s.done:
		err = errors.Join(err, errors.New("shutting down"))
	default:
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		s.app.Logger.Warn("not ready", "err", err)
		w.Header().Set("Retry-After", httpapi.RetryUnavailable)
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"status":"unavailable"}`+"\n")
		return
	}
	io.WriteString(w, `{"status":"ok"}`+"\n")
}

// logUnavailable logs what a page could not store now, with the cause its
// visitor is not shown, for the operator to make room or bring the
// database back.
func (s *Server) logUnavailable(r *http.Request, err error) {
	var cause error
	if fe, ok := errors.AsType[*fourplusn.Error](err); ok {
		cause = fe.Err
	}
	s.app.Logger.Warn("cannot store now", "path", r.URL.Path, "err", err, "cause", cause)
}

// statusWriter learns the status of a response, and adds Retry-After to a
// 503 that has none: a page that could not save for a full disk, the API
// of a pilot not set up yet.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(status int) {
	if !w.wrote {
		w.status, w.wrote = status, true
		if status == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
			w.Header().Set("Retry-After", httpapi.RetryUnavailable)
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	return w.ResponseWriter.Write(b)
}

// Flush sends what is buffered, for the duty console's stream.
func (w *statusWriter) Flush() { http.NewResponseController(w.ResponseWriter).Flush() }

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
