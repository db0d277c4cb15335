package pilot_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/accounts"
	"github.com/fourplusn/fourplusn/adapters/roster"
	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/work"
)

// BenchmarkSetUpFromRoster sets a township of 2,000 cells and 10,000
// members up from its roster workbook, as the setup page and the init
// command do, on a fresh SQLite file each time: the workbook read and
// checked, the grid founded with its administration log, and an account
// with a one-time password made for every member.
func BenchmarkSetUpFromRoster(b *testing.B) {
	tree := gridtest.RandomTree(7, 2_000, 1)
	township := tree.Roots()[0].ID
	r, err := grid.RosterOf(tree, township, gridtest.RandomMembers(7, tree, township, 10_000))
	require.NoError(b, err)
	var file bytes.Buffer
	require.NoError(b, roster.Write(&file, r, grid.DefaultTitles))
	b.SetBytes(int64(file.Len()))
	b.ReportAllocs()
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		app, _, err := pilot.Open(ctx, filepath.Join(b.TempDir(), "pilot.db"), slog.New(slog.NewTextHandler(io.Discard, nil)), pilot.Options{})
		require.NoError(b, err)
		b.StartTimer()
		t, members, err := roster.Check(bytes.NewReader(file.Bytes()), grid.DefaultTitles)
		require.NoError(b, err)
		otps, err := app.SetUp(ctx, t, members)
		require.NoError(b, err)
		require.Len(b, otps, 10_000)
		b.StopTimer()
		require.NoError(b, app.Close())
		b.StartTimer()
	}
}

// BenchmarkLargeDashboard serves the dashboard page of the township a
// database filled by examples/gendata holds ($FOURPLUSN_BENCH_DB, a copy:
// opening it brings its schema up to date and gives its grid head a
// password), to its grid head, on the day its records end: the month's
// figures like for like, six months of three measures, the communities,
// the indicators and the tracking view, rendered. It reports the median.
func BenchmarkLargeDashboard(b *testing.B) {
	dsn := os.Getenv("FOURPLUSN_BENCH_DB")
	if dsn == "" {
		b.Skip("FOURPLUSN_BENCH_DB is not set: fill a database with go run ./examples/gendata and point it at a copy")
	}
	ctx := context.Background()
	app, _, err := pilot.Open(ctx, dsn, slog.New(slog.NewTextHandler(io.Discard, nil)), pilot.Options{PasswordCost: bcrypt.MinCost})
	require.NoError(b, err)
	b.Cleanup(func() { app.Close() })
	end := time.Date(2026, 11, 1, 12, 0, 0, 0, work.Zone)
	app.Now = func() time.Time { return end }
	head, ok := app.Member("gen-head")
	require.True(b, ok, "the generated township has its grid head")
	if _, err := app.Accounts.Account(ctx, string(head.ID)); fourplusn.ErrorCode(err) == fourplusn.NotFound {
		// The first run on the copy gives the head the demo's password.
		require.NoError(b, app.Accounts.Demo(ctx, []accounts.Member{{ID: string(head.ID), Township: string(head.Township)}}, pilot.DemoPassword))
	}
	srv, err := pilot.NewServer(app, pilot.ServerOptions{})
	require.NoError(b, err)
	ts := httptest.NewServer(srv)
	b.Cleanup(func() { srv.Shutdown(); ts.Close() })

	jar, err := cookiejar.New(nil)
	require.NoError(b, err)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	page := func(path string) (int, string) {
		resp, err := c.Get(ts.URL + path)
		require.NoError(b, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(b, err)
		return resp.StatusCode, string(body)
	}
	_, login := page("/login")
	m := csrfField.FindStringSubmatch(login)
	require.NotNil(b, m)
	resp, err := c.PostForm(ts.URL+"/login", url.Values{"csrf": {m[1]}, "login": {string(head.ID)}, "password": {pilot.DemoPassword}})
	require.NoError(b, err)
	resp.Body.Close()
	require.Equal(b, http.StatusSeeOther, resp.StatusCode, "signed in")

	var ds []time.Duration
	for b.Loop() {
		start := time.Now()
		status, body := page("/dashboard")
		ds = append(ds, time.Since(start))
		if status != http.StatusOK || !strings.Contains(body, `id="overdue-count"`) {
			b.Fatalf("status %d: %.300s", status, body)
		}
	}
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "p50-ms")
}
