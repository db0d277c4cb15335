package bunstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

// oneByOne is a Source that answers every count on its own, as a source
// that is no stats.Batcher does.
type oneByOne struct{ src stats.Source }

func (o oneByOne) Count(ctx context.Context, m stats.Measure, q stats.Query) ([]stats.Count, error) {
	return o.src.Count(ctx, m, q)
}

func (o oneByOne) Durations(ctx context.Context, d stats.Duration, q stats.Query) ([]time.Duration, error) {
	return o.src.Durations(ctx, d, q)
}

// TestSeriesByMonth checks, on both engines, that a series of months
// counted in one batch — the tally's months summed in one grouped query —
// is the series counted a month at a time, for measures the tally keeps
// and one it does not, in subtrees and for the whole township.
func TestSeriesByMonth(t *testing.T) {
	ctx := context.Background()
	onEachEngine(t, func(t *testing.T, dsn string) {
		db, err := bunstore.Open(ctx, dsn)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		day0 := time.Date(2025, 10, 30, 23, 0, 0, 0, work.Zone)
		w := newTrackWorld(t, db, mediation.DefaultRules(), hazard.DefaultRules(), day0)
		rng := rand.New(rand.NewPCG(3, 4))
		for range 14 {
			w.fill(t, rng, 8)
			*w.now = w.now.Add(time.Duration(20+rng.IntN(20)) * 24 * time.Hour)
		}
		demo := gridtest.Gucheng()
		for _, within := range []grid.Path{grid.RootPath(gridtest.GuchengID), demo.Path("mayuan-1"), demo.Path("gc-west")} {
			q := stats.Query{Township: gridtest.GuchengID, Within: []grid.Path{within}}
			for _, m := range []stats.Measure{stats.Registered, stats.Agreed, stats.Failed, stats.Accepted, stats.HazardsFound} {
				batched, err := stats.Series(ctx, stats.MeasureCounter(db.Stats(), m, q), stats.Month, *w.now, 15)
				require.NoError(t, err)
				alone, err := stats.Series(ctx, stats.MeasureCounter(oneByOne{db.Stats()}, m, q), stats.Month, *w.now, 15)
				require.NoError(t, err)
				// Printed, as an undefined change's NaN equals nothing.
				assert.Equal(t, fmt.Sprint(alone), fmt.Sprint(batched), "%s in %v", m, within)
				var total int64
				for _, p := range batched {
					total += p.N
				}
				if m == stats.Registered && within.Level() == 1 {
					assert.Positive(t, total, "cases were counted")
				}
			}
			// A batch mixing months counted in total and by department,
			// as a report's, answers each as asked alone.
			var rs []stats.Request
			for _, r := range stats.Month.Series(*w.now, 6) {
				q.Range = r
				q.By = stats.Total
				rs = append(rs, stats.Request{Measure: stats.Registered, Query: q})
				q.By = stats.ByDepartment
				rs = append(rs, stats.Request{Measure: stats.Participants, Query: q})
			}
			q.By = stats.Total
			batch, err := db.Stats().CountBatch(ctx, rs)
			require.NoError(t, err)
			for i, r := range rs {
				alone, err := db.Stats().Count(ctx, r.Measure, r.Query)
				require.NoError(t, err)
				assert.Equal(t, alone, batch[i], "%s by %v over %v", r.Measure, r.Query.By, r.Query.Range)
			}
		}
	})
}
