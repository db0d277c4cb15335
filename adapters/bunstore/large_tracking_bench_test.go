package bunstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

// generatedEnd is the day examples/gendata's records end on: the last
// month's cases and hazards are still open then.
var generatedEnd = time.Date(2026, 11, 1, 12, 0, 0, 0, work.Zone)

// largeStats opens the generated database with its index of open
// deadlines made (timed, and reported once), and returns the statistics
// served from it through the index (indexed) and from the records (read),
// and the township's root.
func largeStats(b *testing.B) (indexed, read *stats.Service, root grid.CellID) {
	db, sector := openLarge(b)
	ctx := context.Background()
	start := time.Now()
	require.NoError(b, db.EnableTracking(ctx, mediation.DefaultRules(), hazard.DefaultRules()))
	b.Logf("the index of open deadlines made or found in %v", time.Since(start))
	tree, err := grid.LoadTree(ctx, db.Grid(), grid.DefaultTitles)
	require.NoError(b, err)
	c := stats.Config{Source: db.Stats(), Indicators: db.Indicators(), Cells: memstore.Grid{Tree: tree}, Policy: grid.DefaultPolicy(),
		Cases: db.Cases(), CaseRules: mediation.DefaultRules(), Hazards: db.Hazards(), HazardRules: hazard.DefaultRules()}
	read, err = stats.NewService(c)
	require.NoError(b, err)
	c.Tracker = db.Tracker()
	indexed, err = stats.NewService(c)
	require.NoError(b, err)
	return indexed, read, sector.Township()
}

// BenchmarkLargeTracking is the township's tracking view as the
// dashboard asks for it, on the day the generated records end: the counts
// at risk and overdue by kind and the first page of 50.
func BenchmarkLargeTracking(b *testing.B) {
	for _, via := range []string{"index", "records"} {
		b.Run(via, func(b *testing.B) {
			indexed, read, root := largeStats(b)
			svc := map[string]*stats.Service{"index": indexed, "records": read}[via]
			sys := grid.SystemActor(root)
			ctx := context.Background()
			timed(b, func() {
				p, err := svc.TrackingPage(ctx, sys, root, generatedEnd, stats.TrackOptions{Limit: 50})
				if err != nil || len(p.Deadlines) == 0 {
					b.Fatal(err, len(p.Deadlines))
				}
			})
		})
	}
}

// BenchmarkLargeSeries is the township's registrations month by month
// over two years, each month with 环比 and 同比.
func BenchmarkLargeSeries(b *testing.B) {
	indexed, _, root := largeStats(b)
	sys := grid.SystemActor(root)
	ctx := context.Background()
	timed(b, func() {
		pts, err := indexed.Series(ctx, sys, root, stats.Registered, stats.Month, generatedEnd, 24)
		if err != nil || len(pts) != 24 {
			b.Fatal(err, len(pts))
		}
	})
}
