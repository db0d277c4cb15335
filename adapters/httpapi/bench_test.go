package httpapi_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/jpeg"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/debug"
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

// phonePhoto returns a 4000 × 3000 JPEG of about 3 MB, as a phone takes:
// a gradient under noise, which the encoder cannot make much smaller.
func phonePhoto(b *testing.B) []byte {
	const w, h = 4000, 3000
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			n := rng.IntN(24)
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(x*200/w+n), uint8(y*200/h+n), uint8((x+y)*100/(w+h)+n), 0xff
		}
	}
	var buf bytes.Buffer
	require.NoError(b, jpeg.Encode(&buf, img, &jpeg.Options{Quality: 88}))
	b.Logf("the photo: %d × %d, %.1f MB", w, h, float64(buf.Len())/1e6)
	return buf.Bytes()
}

// uploadRequest is the POST of photo to case id as its mediator.
func uploadRequest(e *env, id string, form raw) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/api/v1/cases/"+id+"/attachments", bytes.NewReader(form.body))
	req.Header.Set("Content-Type", form.contentType)
	req.Header.Set("Authorization", "Bearer "+e.tokens["mayuan-head"])
	return req
}

// BenchmarkUploadPhoto is POST /api/v1/cases/{id}/attachments of a 3 MB
// phone photo, in process on the in-memory store with the files in a
// directory: the multipart form read, the photo decoded, turned upright,
// encoded anew with its thumbnail, both put durably (the same bytes each
// time, which the directory keeps once), and the case and its timeline
// written. Before the loop, one upload with the collector off gives the
// heap it takes (peak-heap-MB): all it allocates, an upper bound of what
// it holds at once.
func BenchmarkUploadPhoto(b *testing.B) {
	e := newEnv(b, func(c *httpapi.Config) { c.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil)) })
	e.validate = false
	photo := phonePhoto(b)
	form := photoForm(b, "photo", photo)
	id := string(e.seedCase(b, "accepted").ID)
	upload := func() {
		w := httptest.NewRecorder()
		e.handler.ServeHTTP(w, uploadRequest(e, id, form))
		if w.Code != http.StatusCreated {
			b.Fatal(w.Code, w.Body.String())
		}
	}
	runtime.GC()
	gc := debug.SetGCPercent(-1)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	upload()
	runtime.ReadMemStats(&after)
	debug.SetGCPercent(gc)
	peak := float64(after.HeapInuse-before.HeapInuse) / 1e6
	b.SetBytes(int64(len(photo)))
	b.ReportAllocs()
	n := 1
	for b.Loop() {
		if n++; n%150 == 0 { // a case takes 200 files at most
			b.StopTimer()
			id = string(e.seedCase(b, "accepted").ID)
			b.StartTimer()
		}
		upload()
	}
	b.ReportMetric(peak, "peak-heap-MB")
}

// BenchmarkServePhoto is GET /api/v1/cases/{id}/attachments/{aid} of the
// photo BenchmarkUploadPhoto stores, as stored, in process, to a writer
// that discards it: the case read and authorized, the file opened and
// streamed.
func BenchmarkServePhoto(b *testing.B) {
	e := newEnv(b, func(c *httpapi.Config) { c.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil)) })
	e.validate = false
	id := string(e.seedCase(b, "accepted").ID)
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, uploadRequest(e, id, photoForm(b, "photo", phonePhoto(b))))
	require.Equal(b, http.StatusCreated, w.Code, w.Body.String())
	var a struct {
		URL  string `json:"url"`
		Size int64  `json:"size"`
	}
	require.NoError(b, json.Unmarshal(w.Body.Bytes(), &a))
	b.Logf("as stored: %.1f MB", float64(a.Size)/1e6)
	req := httptest.NewRequest(http.MethodGet, a.URL, nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens["mayuan-head"])
	b.SetBytes(a.Size)
	b.ReportAllocs()
	for b.Loop() {
		d := &discard{header: http.Header{}}
		e.handler.ServeHTTP(d, req)
		if d.status != http.StatusOK || d.n != a.Size {
			b.Fatal(d.status, d.n)
		}
	}
}

// discard is a response writer that counts the body and keeps none of it.
type discard struct {
	header http.Header
	status int
	n      int64
}

func (d *discard) Header() http.Header { return d.header }

func (d *discard) WriteHeader(status int) { d.status = status }

func (d *discard) Write(p []byte) (int, error) {
	if d.status == 0 {
		d.status = http.StatusOK
	}
	d.n += int64(len(p))
	return len(p), nil
}
