package bunstore

import (
	"context"
	"log/slog"
	"sync"
)

// importStats counts the records imported, so that PostgreSQL's
// statistics are brought up to date as an import fills the tables.
//
// PostgreSQL plans each statement from its statistics, and a table it has
// never analyzed, or not since it was a hundredth of its size, it takes
// for a small one: it reads the numbers of a whole township to find one,
// a plan that costs more with every batch. Autovacuum analyzes a table
// once enough of it has changed, but a bulk load outruns it, and a server
// may run without it (the tests' does): an import of a million cases into
// one township fell to 166 cases a second at 74,000 and rose to 766 once
// the tables were analyzed. So the store analyzes the tables an import
// writes each time the records imported since the last time are as many
// as all those before: about ten times for a million.
type importStats struct {
	mu              sync.Mutex
	since, analyzed int // records imported since the last analysis, and before it
}

// analyzeEvery is the fewest records imported between two analyses;
// tests lower it.
var analyzeEvery = 1000

// importTables are the tables an import of cases or hazards writes.
const importTables = "cases, case_events, case_keys, case_participants, case_phones, case_idcards, case_answers, " +
	"case_search, case_search_phones, case_tally, hazards, hazard_events, hazard_keys"

// analyzeImported counts n records imported and, on PostgreSQL, analyzes
// the import's tables when it is time. The records are stored by then:
// an analysis that fails leaves the plans as they were and is tried again
// after the next batch.
func (db *DB) analyzeImported(ctx context.Context, n int) {
	if !db.postgres {
		return // SQLite plans without statistics unless asked to keep them
	}
	st := &db.imports
	st.mu.Lock()
	st.since += n
	due := st.since >= max(analyzeEvery, st.analyzed)
	st.mu.Unlock()
	if !due {
		return
	}
	if _, err := db.write.ExecContext(ctx, "ANALYZE "+importTables); err != nil {
		slog.WarnContext(ctx, "bunstore: analyze the imported tables", "err", err)
		return
	}
	st.mu.Lock()
	st.analyzed += st.since
	st.since = 0
	st.mu.Unlock()
}
