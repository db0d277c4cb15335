package bunstore

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
)

// importStats counts the records of one kind imported, so that the tables
// an import of that kind fills are kept in shape as it goes: PostgreSQL's
// statistics brought up to date, SQLite's search index merged.
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
//
// Each kind is counted on its own, since each has its own tables: counted
// together, the hazards imported after a million cases went unanalyzed
// from the first to the 24,000th, their tables taken for empty, and the
// time went into the inserts of their events, each checked against its
// hazard by a foreign key: the first thousand went in at 1,189 a second,
// and by the 24,000th the average was 128.
type importStats struct {
	step            string // the statement that tidies the kind's tables, "" for none; see setTidySteps
	mu              sync.Mutex
	since, analyzed int // records imported since the last analysis, and before it
}

// analyzeEvery is the fewest records imported between two analyses;
// tests lower it.
var analyzeEvery = 1000

// The tables an import of each kind writes.
const (
	caseTables = "cases, case_events, case_keys, case_participants, case_phones, case_idcards, case_answers, " +
		"case_search, case_search_phones, case_tally, open_deadlines"
	hazardTables = "hazards, hazard_events, hazard_keys, open_deadlines"
)

// On SQLite the same cadence merges the full-text index of the cases'
// words into one segment (FTS5's optimize). Each batch adds a segment,
// which FTS5 merges only now and then; a search that tests a case's words
// looks the case up in every segment, and after a million-case import
// (172 rows of segments) a word every case holds took 28 ms to find a page
// of 50, 10.8 ms once merged (4.5 s at a million). Hazards have no words
// to search, and SQLite plans without statistics, so an import of hazards
// leaves it nothing to tidy.

// setTidySteps gives each kind's count the statement that tidies what
// an import of the kind writes on db's engine.
func (db *DB) setTidySteps() {
	if db.postgres {
		db.caseImports.step = "ANALYZE " + caseTables
		db.hazardImports.step = "ANALYZE " + hazardTables
		return
	}
	db.caseImports.step = "INSERT INTO case_search_fts (case_search_fts) VALUES ('optimize')"
}

// tidyImported counts n records imported in st, their kind's count, and,
// when it is time, tidies the tables an import of the kind writes. The
// records are stored by then: a step that fails leaves the tables as they
// were and is tried again after the next batch.
func (db *DB) tidyImported(ctx context.Context, st *importStats, n int) {
	st.mu.Lock()
	st.since += n
	due := st.since >= max(analyzeEvery, st.analyzed)
	st.mu.Unlock()
	if !due {
		return
	}
	if err := db.tidy(ctx, st); err != nil {
		slog.WarnContext(ctx, "bunstore: the import goes on untidied, to be tidied after the next batch", "err", err)
		return
	}
	st.mu.Lock()
	st.analyzed += st.since
	st.since = 0
	st.mu.Unlock()
}

// Tidy brings the tables an import writes into shape: it analyzes them
// on PostgreSQL and merges the search index of the cases' words on
// SQLite. An import does so as it goes, each time it has doubled what it
// found; a program that imports calls Tidy once more when it ends, since
// up to half of what it wrote may have come after the last time (at a
// million cases, 4.5 s on SQLite).
func (db *DB) Tidy(ctx context.Context) error {
	for _, st := range []*importStats{&db.caseImports, &db.hazardImports} {
		if err := db.tidy(ctx, st); err != nil {
			return err
		}
	}
	return nil
}

// tidy runs the step of st's kind, if it has one.
func (db *DB) tidy(ctx context.Context, st *importStats) error {
	if st.step == "" {
		return nil
	}
	if _, err := db.write.ExecContext(ctx, st.step); err != nil {
		return fmt.Errorf("bunstore: tidy the imported tables: %w", err)
	}
	return nil
}
