package bunstore_test

import (
	"context"
	"database/sql"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
)

// benchDBEnv names a database filled by examples/gendata for the
// benchmarks at scale; they skip without it.
const benchDBEnv = "FOURPLUSN_BENCH_DB"

// openLarge opens the generated database and finds a level-2 cell in it.
func openLarge(b *testing.B) (*bunstore.DB, grid.Path) {
	dsn := os.Getenv(benchDBEnv)
	if dsn == "" {
		b.Skipf("%s is not set: fill a database with go run ./examples/gendata and point it there", benchDBEnv)
	}
	ctx := context.Background()
	db, err := bunstore.Open(ctx, dsn)
	require.NoError(b, err)
	b.Cleanup(func() { db.Close() })
	raw, err := sql.Open("sqlite", dsn)
	require.NoError(b, err)
	defer raw.Close()
	var path string
	require.NoError(b, raw.QueryRowContext(ctx, "SELECT stats_path FROM cases WHERE l2 != '' LIMIT 1").Scan(&path))
	p, err := grid.ParsePath(path)
	require.NoError(b, err)
	return db, p.Prefix(2)
}

// timed runs fn b.N times and reports the median time of one run.
func timed(b *testing.B, fn func()) {
	var ds []time.Duration
	for b.Loop() {
		start := time.Now()
		fn()
		ds = append(ds, time.Since(start))
	}
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "p50-ms")
}

// BenchmarkLargeListOpen lists the newest 50 open cases in one level-2
// cell's subtree.
func BenchmarkLargeListOpen(b *testing.B) {
	db, sector := openLarge(b)
	ctx := context.Background()
	f := mediation.Filter{
		Township: sector.Township(), Within: []grid.Path{sector}, Limit: 50,
		States: []mediation.State{mediation.Registered, mediation.Accepted, mediation.Mediating},
	}
	timed(b, func() {
		page, err := db.Cases().List(ctx, f)
		if err != nil || len(page.Cases) == 0 {
			b.Fatal(err, len(page.Cases))
		}
	})
}

// BenchmarkLargeMonthlyReport computes the township's monthly report: the
// month's figures, the month before (环比) and the month a year earlier
// (同比).
func BenchmarkLargeMonthlyReport(b *testing.B) {
	db, sector := openLarge(b)
	ctx := context.Background()
	q := stats.Query{Township: sector.Township(), Within: []grid.Path{grid.RootPath(sector.Township())}}
	at := time.Date(2026, 6, 15, 0, 0, 0, 0, stats.Zone)
	timed(b, func() {
		r, err := stats.NewReport(ctx, db.Stats(), q, stats.Month, at)
		if err != nil || r.Current.Registered == 0 {
			b.Fatal(err, r.Current.Registered)
		}
	})
}
