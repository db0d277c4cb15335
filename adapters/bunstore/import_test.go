package bunstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

// madeElsewhere returns n cases registered and accepted through a Service
// on the memory store, with their timelines: records as another system
// would hand them over.
func madeElsewhere(t *testing.T, n int) []bunstore.Loaded[mediation.Case] {
	t.Helper()
	ctx := context.Background()
	demo := gridtest.Gucheng()
	mem := memstore.NewCases()
	svc, err := mediation.NewService(mediation.Config{Store: mem, Cells: memstore.Grid{Tree: demo.Tree}, Policy: grid.DefaultPolicy(), Rules: mediation.DefaultRules()})
	require.NoError(t, err)
	head := demo.Member("mayuan-1-head").Actor()
	var out []bunstore.Loaded[mediation.Case]
	for i := range n {
		c, err := svc.Register(ctx, head, mediation.Intake{
			Channel: work.ChannelGridHead, Category: mediation.Neighbour, Location: "mayuan-1",
			Applicants:  []mediation.Party{{Name: fmt.Sprintf("王某%d", i), Phone: "13900001111"}},
			Respondents: []mediation.Party{{Name: "张某某"}},
			Facts:       "排水沟堵塞",
		})
		require.NoError(t, err)
		c, err = svc.Accept(ctx, head, c.ID, c.Version)
		require.NoError(t, err)
		events, err := mem.Events(ctx, c.ID)
		require.NoError(t, err)
		out = append(out, bunstore.Loaded[mediation.Case]{Record: c, Events: events})
	}
	return out
}

func TestImport(t *testing.T) {
	ctx := context.Background()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Run("Stored", func(t *testing.T) {
				db := e.open(t)
				batch := madeElsewhere(t, 3)
				require.NoError(t, db.Cases().Import(ctx, batch))
				for _, l := range batch {
					got, err := db.Cases().Get(ctx, l.Record.ID)
					require.NoError(t, err)
					assert.Equal(t, l.Record.Chain, got.Chain)
					events, err := db.Cases().Events(ctx, l.Record.ID)
					require.NoError(t, err)
					assert.Equal(t, l.Events, events)
				}
				// The batch's tally rows are summed before they are
				// written: the tally counts the batch as the cases do.
				q := stats.Query{Township: gridtest.GuchengID, Within: []grid.Path{grid.RootPath(gridtest.GuchengID)},
					Range: stats.Month.Of(batch[0].Record.RegisteredAt)}
				for _, m := range []stats.Measure{stats.Registered, stats.Accepted, stats.Open, stats.Pending} {
					tally, records, err := db.Stats().CountWays(ctx, m, q)
					require.NoError(t, err)
					assert.Equal(t, records, tally, "%s", m)
				}
				tally, _, err := db.Stats().CountWays(ctx, stats.Registered, q)
				require.NoError(t, err)
				assert.Equal(t, []stats.Count{{Key: "", N: int64(len(batch))}}, tally)
			})
			t.Run("NumbersKept", func(t *testing.T) {
				db := e.open(t)
				batch := madeElsewhere(t, 3)
				// An earlier register with gaps of its own.
				for i, seq := range []int{5, 9, 12} {
					batch[i].Record.Number.Seq = seq
				}
				require.NoError(t, db.Cases().Import(ctx, batch))
				for _, l := range batch {
					got, err := db.Cases().GetByNumber(ctx, l.Record.Township, l.Record.Number)
					require.NoError(t, err)
					assert.Equal(t, l.Record.ID, got.ID, "%s", l.Record.Number)
				}
				c, events := testCase(100)
				c.Number.Year = batch[0].Record.Number.Year
				got, err := db.Cases().Create(ctx, c, events, work.IdempotencyKey{})
				require.NoError(t, err)
				assert.Equal(t, 13, got.Number.Seq, "the next case Create numbers comes after the highest imported")
			})
			t.Run("UnnumberedRefused", func(t *testing.T) {
				db := e.open(t)
				batch := madeElsewhere(t, 3)
				batch[1].Record.Number = mediation.Number{}
				err := db.Cases().Import(ctx, batch)
				require.ErrorIs(t, err, fourplusn.Invalid)
				assert.Equal(t, "[1].number", fourplusn.ErrorField(err))
				assertNoCases(t, db, batch)
			})
			t.Run("TakenNumberRefused", func(t *testing.T) {
				db := e.open(t)
				require.NoError(t, db.Cases().Import(ctx, madeElsewhere(t, 1)))
				again := madeElsewhere(t, 1) // another case, numbered 1 all the same
				err := db.Cases().Import(ctx, again)
				require.ErrorIs(t, err, fourplusn.Conflict)
				assertNoCases(t, db, again)
			})
			t.Run("BrokenTimelineRefused", func(t *testing.T) {
				db := e.open(t)
				batch := madeElsewhere(t, 3)
				batch[2].Events[1].Actor = "someone-else"
				err := db.Cases().Import(ctx, batch)
				require.ErrorIs(t, err, fourplusn.Invalid)
				assert.Equal(t, "[2].events", fourplusn.ErrorField(err))
				assertNoCases(t, db, batch)
			})
			t.Run("DuplicateRefusedWhole", func(t *testing.T) {
				db := e.open(t)
				batch := madeElsewhere(t, 3)
				require.NoError(t, db.Cases().Import(ctx, batch[2:]))
				err := db.Cases().Import(ctx, batch)
				require.ErrorIs(t, err, fourplusn.Conflict)
				assertNoCases(t, db, batch[:2])
			})
		})
	}
}

// assertNoCases checks that none of batch was stored.
func assertNoCases(t *testing.T, db *bunstore.DB, batch []bunstore.Loaded[mediation.Case]) {
	t.Helper()
	for _, l := range batch {
		_, err := db.Cases().Get(context.Background(), l.Record.ID)
		assert.ErrorIs(t, err, fourplusn.NotFound, "case %s", l.Record.ID)
	}
}

// An import into PostgreSQL analyzes the tables it fills as they grow, so
// that the next batch's statements are planned for what the tables hold,
// each kind of record counted on its own.
func TestImportAnalyzes(t *testing.T) {
	ctx := context.Background()
	estimated := func(db *bunstore.DB, table string) float64 {
		t.Helper()
		n, err := db.Estimated(ctx, table)
		require.NoError(t, err)
		return n
	}
	db := openPostgres(t)
	defer bunstore.SetAnalyzeEvery(2)()
	require.Equal(t, -1.0, estimated(db, "cases"), "a new table is not analyzed")
	require.NoError(t, db.Tidy(ctx))
	assert.Equal(t, 0.0, estimated(db, "cases"), "analyzed when an import's program tidies")
	assert.Equal(t, 0.0, estimated(db, "hazards"), "analyzed when an import's program tidies")

	db = openPostgres(t)
	batch := madeElsewhere(t, 3)
	require.NoError(t, db.Cases().Import(ctx, batch[:1]))
	assert.Equal(t, -1.0, estimated(db, "cases"), "one record is fewer than the two between analyses")
	require.NoError(t, db.Cases().Import(ctx, batch[1:]))
	for table, rows := range map[string]float64{"cases": 3, "case_events": 6, "case_phones": 3} {
		assert.Equal(t, rows, estimated(db, table), "%s analyzed once three records are in", table)
	}
	assert.Equal(t, -1.0, estimated(db, "hazards"), "an import of cases leaves the hazards' tables")
	// Two hazards after three cases: counted with the cases they would be
	// fewer than the three before, and their tables left for empty.
	for n := range 2 {
		h, events := testHazard(n)
		require.NoError(t, db.Hazards().Import(ctx, []bunstore.Loaded[hazard.Hazard]{{Record: h, Events: events}}))
	}
	assert.Equal(t, 2.0, estimated(db, "hazards"), "the hazards' tables analyzed once two hazards are in")
	assert.Equal(t, 2.0, estimated(db, "hazard_events"))
}

// An import into SQLite merges the search index as the import doubles, so
// that testing a case's words looks in one segment, not one a batch.
func TestImportMergesSearch(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t)
	batch := madeElsewhere(t, 4)
	for i := range batch {
		require.NoError(t, db.Cases().Import(ctx, batch[i:i+1]))
	}
	n, err := db.SearchSegments(ctx)
	require.NoError(t, err)
	assert.Equal(t, 4, n, "a segment a batch, before the import is large enough to merge")
	require.NoError(t, db.Tidy(ctx))
	n, err = db.SearchSegments(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "merged when the import's program tidies as it ends")

	db = openSQLite(t)
	defer bunstore.SetAnalyzeEvery(2)()
	for i := range batch {
		require.NoError(t, db.Cases().Import(ctx, batch[i:i+1]))
	}
	n, err = db.SearchSegments(ctx)
	require.NoError(t, err)
	// Merged after the second record (2 since none) and the fourth (2
	// since 2).
	assert.Equal(t, 1, n, "merged once the records since the last merge are as many as before")
}
