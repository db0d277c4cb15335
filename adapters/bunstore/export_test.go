package bunstore

import (
	"context"

	"github.com/fourplusn/fourplusn/stats"
)

// CountWays answers m under q from the tally and from the records, for
// tests that compare the two.
func (s Stats) CountWays(ctx context.Context, m stats.Measure, q stats.Query) (fromTally, fromRecords []stats.Count, err error) {
	sums := tallySums{s: s, memo: map[string]map[string][numKinds]int64{}}
	if fromTally, err = sums.count(ctx, m, q); err != nil {
		return nil, nil, err
	}
	r := stats.Request{Measure: m, Query: q}
	c := newCohort(r)
	c.requests = []int{0}
	out := make([][]stats.Count, 1)
	err = c.count(ctx, s.db, []stats.Request{r}, out)
	return fromTally, out[0], err
}

// UsesTally is usesTally, for tests.
var UsesTally = usesTally

// SetDenseMatches sets denseMatches to n until the returned function
// sets it back, so that a test takes both ways of searching.
func SetDenseMatches(n int) (restore func()) {
	old := denseMatches
	denseMatches = n
	return func() { denseMatches = old }
}

// SetSchemaLimit makes Open apply no migration newer than version until
// the returned function sets it back, so that a test can fill a store
// of an older schema and see the newer migrations upgrade it.
func SetSchemaLimit(version string) (restore func()) {
	old := schemaLimit
	schemaLimit = version
	return func() { schemaLimit = old }
}

// TownshipKeyTables are the tables migrations 20261201000022 and
// 20261201000024 key by township.
func TownshipKeyTables() []string {
	var out []string
	for _, k := range append(townshipKeys, deadlineKey) {
		out = append(out, k.table)
	}
	return out
}

// SetAnalyzeEvery sets analyzeEvery to n until the returned function sets
// it back, so that a test's few records make an import analyze.
func SetAnalyzeEvery(n int) (restore func()) {
	old := analyzeEvery
	analyzeEvery = n
	return func() { analyzeEvery = old }
}

// Estimated returns PostgreSQL's estimate of the rows of table, from its
// last analysis: -1 until it has analyzed the table.
func (db *DB) Estimated(ctx context.Context, table string) (float64, error) {
	var tuples float64
	err := db.read.QueryRowContext(ctx, "SELECT reltuples FROM pg_class WHERE oid = to_regclass(?)", table).Scan(&tuples)
	return tuples, err
}

// SearchSegments returns how many segments SQLite's full-text index of
// the cases' words is in.
func (db *DB) SearchSegments(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, "SELECT COUNT(DISTINCT segid) FROM case_search_fts_idx").Scan(&n)
	return n, err
}
