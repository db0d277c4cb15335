package pilot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/fourplusn/fourplusn/adapters/httpapi"
	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
)

// BenchmarkReadOverhead reads one case through GET /api/v1/cases/{id}
// from eight clients over loopback, on one SQLite store holding the demo
// township, served two ways: by the pilot's whole handler (its
// middleware, its bearer tokens kept in the accounts' tables, its
// metrics) and by the bare API over the same services with tokens in
// memory, as examples/loadgen serves it in process. The ratio of their
// rates is the pilot's own overhead; profile it with -cpuprofile.
func BenchmarkReadOverhead(b *testing.B) {
	ctx := context.Background()
	// The pilot logs every request at info as JSON; so does this, into
	// nothing, so that the log's cost is counted as it is when it serves.
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	app, _, err := pilot.Open(ctx, filepath.Join(b.TempDir(), "pilot.db"), logger, pilot.Options{Demo: true, PasswordCost: bcrypt.MinCost})
	require.NoError(b, err)
	b.Cleanup(func() { app.Close() })
	srv, err := pilot.NewServer(app, pilot.ServerOptions{})
	require.NoError(b, err)
	b.Cleanup(srv.Shutdown)
	pilotToken, _, err := app.IssueToken(ctx, "gc-duty-1", "bench", 0)
	require.NoError(b, err)

	duty, ok := app.Member("gc-duty-1")
	require.True(b, ok)
	auth := httpapi.NewTokenAuth(nil)
	apiToken, err := auth.IssueToken(ctx, duty.Actor())
	require.NoError(b, err)
	api, err := httpapi.New(httpapi.Config{Cases: app.Cases, Stats: app.Stats, Hazards: app.Hazards, Grid: app.Grid, Auth: auth, Logger: logger, Now: app.Now})
	require.NoError(b, err)

	for _, tc := range []struct {
		name    string
		handler http.Handler
		token   string
	}{{"pilot", srv, pilotToken}, {"api", api, apiToken}} {
		b.Run(tc.name, func(b *testing.B) {
			ts := httptest.NewServer(tc.handler)
			defer ts.Close()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
			do := func(method, path, body string) (int, []byte) {
				req, err := http.NewRequest(method, ts.URL+path, bytes.NewBufferString(body))
				if err != nil {
					panic(err)
				}
				req.Header.Set("Authorization", "Bearer "+tc.token)
				if body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				resp, err := client.Do(req)
				if err != nil {
					panic(err)
				}
				defer resp.Body.Close()
				out, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, out
			}
			status, body := do(http.MethodPost, "/api/v1/cases", `{"channel":"walk_in","category":"neighbour","facts":"两家因排水沟堵塞互相指责。","location":"mayuan-1",`+
				`"applicants":[{"name":"王某某","phone":"13900001111"}],"respondents":[{"name":"张某某"}]}`)
			require.Equal(b, http.StatusCreated, status, "%s", body)
			var created struct{ ID string }
			require.NoError(b, json.Unmarshal(body, &created))
			b.SetParallelism(4) // eight clients on two cores, as loadgen -c 8
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if status, body := do(http.MethodGet, "/api/v1/cases/"+created.ID, ""); status != http.StatusOK {
						panic(string(body))
					}
				}
			})
		})
	}
}
