package bunstore_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

// benchDBEnv names a database filled by examples/gendata for the
// benchmarks at scale; they skip without it.
const benchDBEnv = "FOURPLUSN_BENCH_DB"

// openLarge opens the generated database and finds in it the level-2
// cell with the most cells below it: the sector whose lists are longest.
func openLarge(b *testing.B) (*bunstore.DB, grid.Path) {
	dsn := os.Getenv(benchDBEnv)
	if dsn == "" {
		b.Skipf("%s is not set: fill a database with go run ./examples/gendata and point it there", benchDBEnv)
	}
	ctx := context.Background()
	db, err := bunstore.Open(ctx, dsn)
	require.NoError(b, err)
	b.Cleanup(func() { db.Close() })
	cells, err := db.Grid().Cells(ctx)
	require.NoError(b, err)
	size := map[grid.Path]int{}
	var largest grid.Path
	for _, c := range cells {
		if c.Level() < 2 {
			continue
		}
		sector := c.Path.Prefix(2)
		size[sector]++
		if size[sector] > size[largest] {
			largest = sector
		}
	}
	if largest.IsZero() {
		b.Fatal("the database holds no level-2 cell: fill it with examples/gendata")
	}
	return db, largest
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
	at := time.Date(2026, 6, 15, 0, 0, 0, 0, work.Zone)
	timed(b, func() {
		r, err := stats.NewReport(ctx, db.Stats(), q, stats.Month.Basis(at, at.AddDate(1, 0, 0))) // read after the month: whole months
		if err != nil || r.Current.Registered == 0 {
			b.Fatal(err, r.Current.Registered)
		}
	})
}

// BenchmarkLargeMonthlyReportInTurn computes the same three periods one
// after another: the work a report costs, where NewReport spreads it over
// the cores.
func BenchmarkLargeMonthlyReportInTurn(b *testing.B) {
	db, sector := openLarge(b)
	ctx := context.Background()
	q := stats.Query{Township: sector.Township(), Within: []grid.Path{grid.RootPath(sector.Township())}}
	cur := stats.Month.Of(time.Date(2026, 6, 15, 0, 0, 0, 0, work.Zone))
	timed(b, func() {
		for _, r := range []stats.Range{cur, stats.Month.Previous(cur), stats.Month.YearEarlier(cur)} {
			q.Range = r
			if _, err := stats.Compute(ctx, db.Stats(), q); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkLargeRegister is BenchmarkRegister on the generated database:
// intake as the tables and their indexes grow.
func BenchmarkLargeRegister(b *testing.B) {
	db, sector := openLarge(b)
	ctx := context.Background()
	tree, err := grid.LoadTree(ctx, db.Grid(), grid.DefaultTitles)
	require.NoError(b, err)
	below, err := tree.Descendants(sector.Cell())
	require.NoError(b, err)
	var cell grid.Cell
	for _, c := range below {
		if c.Level() > cell.Level() {
			cell = c
		}
	}
	head := grid.Member{ID: "bench-head", Name: "王某", Phone: "13900000000", Department: grid.DeptGrid, Township: cell.Path.Township(),
		Posts: []grid.Post{{Role: grid.GridHead, Cell: cell.Path}}}
	svc, err := mediation.NewService(mediation.Config{Store: db.Cases(), Cells: memstore.Grid{Tree: tree}, Policy: grid.DefaultPolicy(), Rules: mediation.DefaultRules()})
	require.NoError(b, err)
	in := mediation.Intake{
		Channel: work.ChannelGridHead, Category: mediation.Neighbour, Location: cell.ID,
		Applicants:  []mediation.Party{{Name: "王某某", Phone: "13900001111"}},
		Respondents: []mediation.Party{{Name: "张某某"}},
		Facts:       "两家因排水沟堵塞互相指责，多次争吵。",
	}
	for b.Loop() {
		if _, err := svc.Register(ctx, head.Actor(), in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cases/s")
}
