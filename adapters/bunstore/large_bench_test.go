package bunstore_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/timeline"
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

// BenchmarkLargeSearch searches the township's cases as the case list's
// box does, for a viewer who sees the parties unmasked: names of three
// and of two characters, a phone number, a case number, a tracking code,
// and a word of the facts that the generated cases all share, the worst
// case of an index (every case matches, and the page is the newest 50),
// alone and within one sector's closed cases.
// The generated parties are all 甲某某 and 乙某某, so the benchmark first
// registers a few cases of named parties in the database it is given,
// which must be a copy.
func BenchmarkLargeSearch(b *testing.B) {
	db, sector := openLarge(b)
	ctx := context.Background()
	township := sector.Township()
	root := []grid.Path{grid.RootPath(township)}
	named := map[string]*mediation.Case{}
	for i, name := range []string{"刘秀英", "刘强"} {
		page, err := db.Cases().List(ctx, mediation.Filter{Township: township, Within: root, Query: name, Limit: 1})
		require.NoError(b, err)
		if len(page.Cases) > 0 {
			named[name] = page.Cases[0]
			continue
		}
		at := time.Date(2026, 11, 30, 9, i, 0, 0, work.Zone)
		c := &mediation.Case{
			ID: mediation.ID("S" + at.Format("20060102150405") + name), TrackingCode: "SEARCH" + strconv.Itoa(i), Version: 1,
			Number: mediation.Number{Prefix: "搜调", Year: 2026}, Township: township, Channel: work.ChannelWalkIn, Category: mediation.Neighbour,
			Applicants:  []mediation.Party{{Name: name, Phone: "1370000000" + strconv.Itoa(i)}},
			Respondents: []mediation.Party{{Name: "乙某某"}},
			Facts:       "楼上漏水。", Grade: work.Simple, Location: sector, Handling: sector,
			FirstResponder: "m-1", FirstResponderCell: sector, State: mediation.Registered, RegisteredAt: at, AcceptDue: at.Add(24 * time.Hour),
		}
		var e timeline.Event
		e, c.Chain = c.Chain.Append(timeline.Event{Subject: string(c.ID), At: at, Actor: "m-1", Action: mediation.ActionRegistered})
		created, err := db.Cases().Create(ctx, c, []timeline.Event{e}, work.IdempotencyKey{})
		require.NoError(b, err)
		named[name] = created
	}
	latest, err := db.Cases().List(ctx, mediation.Filter{Township: township, Within: root, Limit: 1})
	require.NoError(b, err)
	generated := latest.Cases[0]
	for _, bb := range []struct {
		name, query string
		found       bool
		narrow      bool // within the sector, and only the closed cases
	}{
		{"name-3", "刘秀英", true, false},
		{"name-2", "刘强", true, false},
		{"phone", named["刘强"].Applicants[0].Phone, true, false},
		{"number", generated.Number.String(), true, false},
		{"tracking-code", generated.TrackingCode, true, false},
		{"absent", "欧阳修", false, false},
		{"common-word", "琐事", true, false},
		{"common-word-narrow", "琐事", true, true},
	} {
		b.Run(bb.name, func(b *testing.B) {
			f := mediation.Filter{Township: township, Within: root, Personal: root, Query: bb.query, Limit: 50}
			if bb.narrow {
				f.Within, f.States = []grid.Path{sector}, []mediation.State{mediation.Closed}
			}
			timed(b, func() {
				page, err := db.Cases().List(ctx, f)
				if err != nil || (len(page.Cases) > 0) != bb.found {
					b.Fatal(err, len(page.Cases))
				}
			})
		})
	}
}

// BenchmarkLargeDuplicates finds the likely duplicates of a case as the
// registration and the case page do (mediation.FindDuplicates: the
// store's Nearby, then the detector on what it returns), on the newest
// 50 cases of the sector with the most cells, in turn: the cases around
// them, by phone, ID number and cell, within the default window.
func BenchmarkLargeDuplicates(b *testing.B) {
	db, sector := openLarge(b)
	ctx := context.Background()
	page, err := db.Cases().List(ctx, mediation.Filter{Township: sector.Township(), Within: []grid.Path{sector}, Limit: 50})
	require.NoError(b, err)
	require.NotEmpty(b, page.Cases)
	i, offered := 0, 0
	timed(b, func() {
		c := page.Cases[i%len(page.Cases)]
		i++
		found, err := mediation.FindDuplicates(ctx, db.Cases(), c, mediation.DefaultDuplicateWindow)
		if err != nil {
			b.Fatal(err)
		}
		offered += len(found)
	})
	b.ReportMetric(float64(offered)/float64(i), "candidates/op")
}

// BenchmarkLargeConsoleDuplicates finds, as the duty console does on
// every reload, the likely duplicates of the newest cases waiting to be
// accepted in the township, for a duty officer: each case alone
// (Service.Duplicates, as the console did) and all at once
// (Service.DuplicatesEach), for 50 cases and for a whole page.
func BenchmarkLargeConsoleDuplicates(b *testing.B) {
	db, sector := openLarge(b)
	ctx := context.Background()
	township := sector.Township()
	tree, err := grid.LoadTree(ctx, db.Grid(), grid.DefaultTitles)
	require.NoError(b, err)
	svc, err := mediation.NewService(mediation.Config{Store: db.Cases(), Cells: memstore.Grid{Tree: tree}, Policy: grid.DefaultPolicy(), Rules: mediation.DefaultRules()})
	require.NoError(b, err)
	duty := grid.Member{ID: "bench-duty", Name: "周某", Phone: "13900000000", Department: grid.DeptPolice, Township: township,
		Posts: []grid.Post{{Role: grid.DutyOfficer, Cell: grid.RootPath(township)}}}.Actor()
	for _, n := range []int{50, work.MaxPage} {
		page, err := svc.List(ctx, duty, mediation.Filter{States: []mediation.State{mediation.Registered}, Limit: n})
		require.NoError(b, err)
		require.Len(b, page.Cases, n, "the database holds too few cases waiting")
		ids := make([]mediation.ID, n)
		for i, c := range page.Cases {
			ids[i] = c.ID
		}
		b.Run(fmt.Sprintf("%d/alone", n), func(b *testing.B) {
			offered := 0
			timed(b, func() {
				offered = 0
				for _, id := range ids {
					found, err := svc.Duplicates(ctx, duty, id)
					if err != nil {
						b.Fatal(err)
					}
					offered += len(found)
				}
			})
			b.ReportMetric(float64(offered), "candidates")
		})
		b.Run(fmt.Sprintf("%d/each", n), func(b *testing.B) {
			offered := 0
			timed(b, func() {
				each, err := svc.DuplicatesEach(ctx, duty, ids)
				if err != nil {
					b.Fatal(err)
				}
				offered = 0
				for _, found := range each {
					offered += len(found)
				}
			})
			b.ReportMetric(float64(offered), "candidates")
		})
	}
}
