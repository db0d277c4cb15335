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
// that the next batch's statements are planned for what the tables hold.
func TestImportAnalyzes(t *testing.T) {
	ctx := context.Background()
	db := openPostgres(t)
	defer bunstore.SetAnalyzeEvery(2)()
	analyzed, err := db.Analyzed(ctx, "cases")
	require.NoError(t, err)
	require.False(t, analyzed, "a new table is not analyzed")
	require.NoError(t, db.Tidy(ctx))
	analyzed, err = db.Analyzed(ctx, "cases")
	require.NoError(t, err)
	require.True(t, analyzed, "analyzed when an import's program tidies")

	db = openPostgres(t)
	batch := madeElsewhere(t, 3)
	require.NoError(t, db.Cases().Import(ctx, batch[:1]))
	analyzed, err = db.Analyzed(ctx, "cases")
	require.NoError(t, err)
	assert.False(t, analyzed, "one record is fewer than the two between analyses")
	require.NoError(t, db.Cases().Import(ctx, batch[1:]))
	for _, table := range []string{"cases", "case_events", "case_phones"} {
		analyzed, err = db.Analyzed(ctx, table)
		require.NoError(t, err)
		assert.True(t, analyzed, "%s analyzed once three records are in", table)
	}
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
