package bunstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/fourplusn/fourplusn/mediation"
)

// Searching cases (mediation.Search) by the words of their parties'
// names and their facts, through an index of two-character grams.
//
// Chinese is written without spaces, and most of its words and names are
// two characters long (刘强, 王芳, 漏水). A trigram index, FTS5's trigram
// tokenizer or PostgreSQL's pg_trgm, finds substrings of three characters
// or more only, so a two-character name would have to be found by reading
// every case. Instead each word of mediation.SearchText is stored as the
// sequence of its overlapping two-character grams followed by its last
// character alone: 刘秀英 is "刘秀 秀英 英". The index holds these tokens;
// a word of a query is then
//   - of two characters or more, the phrase of its grams (刘秀英 is the
//     phrase "刘秀 秀英", 刘强 the token 刘强), which is found exactly where
//     the word is a substring of a word of the text: the grams of one word
//     follow each other, and the lone last character between two words
//     keeps a phrase of grams from running across them;
//   - of one character, the prefix of a token: every character of a word
//     begins one of its tokens.
//
// SQLite keeps the tokens in case_search and indexes them with FTS5
// (tokenizer unicode61, which takes each space-separated gram as a token);
// PostgreSQL keeps to_tsvector('simple', tokens) in the column words
// (stored, generated from them), indexes it with GIN and asks it
// with a tsquery of phrases (<->) and prefixes (:*). Both are written in
// the transaction that writes the case (saveSearch), so the index never
// holds a case half-written or misses one. The phone numbers of the
// parties and their agents are kept in case_search_phones, whole, for the
// exact match a query that is a phone number makes.

// grams returns the tokens of words, as the index holds them.
func grams(words []string) string {
	var b strings.Builder
	for _, w := range words {
		if rs := []rune(w); len(rs) > 1 {
			for _, g := range mediation.Grams(w) {
				b.WriteString(g)
				b.WriteByte(' ')
			}
			w = string(rs[len(rs)-1])
		}
		b.WriteString(w)
		b.WriteByte(' ')
	}
	return strings.TrimSuffix(b.String(), " ")
}

// wordQuery returns, for each word of a query, its phrase of grams
// (several for a word of three characters or more) and whether it is a
// prefix of one character instead.
func wordQuery(w string) (phrase []string, prefix bool) {
	return mediation.Grams(w), len([]rune(w)) == 1
}

// ftsMatch returns the FTS5 query of words: every word, each a phrase or
// a prefix. Tokens hold only letters and digits, which need no escaping
// inside double quotes.
func ftsMatch(words []string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		phrase, prefix := wordQuery(w)
		parts[i] = `"` + strings.Join(phrase, " ") + `"`
		if prefix {
			parts[i] += " *"
		}
	}
	return strings.Join(parts, " AND ")
}

// tsQuery returns the PostgreSQL tsquery of words, for to_tsquery with
// the simple configuration.
func tsQuery(words []string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		phrase, prefix := wordQuery(w)
		parts[i] = "(" + strings.Join(phrase, " <-> ") + ")"
		if prefix {
			parts[i] = w + ":*"
		}
	}
	return strings.Join(parts, " & ")
}

// denseMatches is how many cases the words of a search must match, at
// least, for SQLite to look for them the other way round (see
// searchCond). Tests lower it to take that way with few cases.
var denseMatches = 2000

// searchCond adds to w the condition that a case answers s: its words,
// or the whole query as a phone number where the viewer sees the parties
// unmasked (personal), a case number or a tracking code. These are one IN
// of a UNION, so that the engine looks each up in its own index and
// reads only the cases found.
//
// A word that many cases hold (纠纷, a common surname) would have the
// engine collect every case that holds it before it takes the newest.
// Both engines count the first denseMatches matches at once; the words of
// a search with more are tested instead case by case, newest first, each
// with one lookup of its row, until the page is full: where matches are
// dense, a page is found after as many cases.
func (db *DB) searchCond(ctx context.Context, w *where, s mediation.Search, f *mediation.Filter) error {
	var parts, cond []string
	var args, condArgs []any
	// The engine's ways to find the cases whose words match: all of them
	// (found), how many up to denseMatches (count), and whether one case
	// does (holds).
	found := "SELECT s.case_id FROM case_search_fts AS f JOIN case_search AS s ON s.n = f.rowid WHERE case_search_fts MATCH ?"
	count := "SELECT COUNT(*) FROM (SELECT 1 FROM case_search_fts WHERE case_search_fts MATCH ? LIMIT ?) AS m"
	// CROSS JOIN fixes SQLite's order: the case's row of case_search by
	// its key, then its row of the index. Left to choose, SQLite read
	// every case the words match, a million for a common word, for each
	// case it tested.
	holds := "EXISTS (SELECT 1 FROM case_search AS s CROSS JOIN case_search_fts AS f WHERE s.township = cases.township AND s.case_id = cases.id AND f.rowid = s.n AND case_search_fts MATCH ?)"
	match := ftsMatch(s.Words)
	if db.postgres {
		// OFFSET 0 keeps the planner from folding the lookup into the
		// listing, where it guesses many matches and tests every case
		// newest first, computing its words each time.
		found = "SELECT case_id FROM (SELECT case_id FROM case_search WHERE words @@ to_tsquery('simple', ?) OFFSET 0) AS found"
		count = "SELECT COUNT(*) FROM (SELECT 1 FROM case_search WHERE words @@ to_tsquery('simple', ?) LIMIT ?) AS m"
		holds = "EXISTS (SELECT 1 FROM case_search AS s WHERE s.case_id = cases.id AND s.words @@ to_tsquery('simple', ?))"
		match = tsQuery(s.Words)
	}
	var n int
	if err := db.read.QueryRowContext(ctx, count, match, denseMatches).Scan(&n); err != nil {
		return fmt.Errorf("bunstore: search cases: %w", err)
	}
	if n < denseMatches {
		parts = append(parts, found)
		args = append(args, match)
	} else {
		cond = append(cond, holds)
		condArgs = append(condArgs, match)
	}
	if s.Phone != "" && len(f.Personal) > 0 {
		in, pargs := subtree("c.handling_path", f.Personal)
		parts = append(parts, "SELECT p.case_id FROM case_search_phones AS p JOIN cases AS c ON c.id = p.case_id WHERE p.phone = ? AND "+in)
		args = append(append(args, s.Phone), pargs...)
	}
	if s.Number != nil {
		parts = append(parts, "SELECT id FROM cases WHERE township = ? AND number_year = ? AND number_seq = ? AND number_prefix = ?")
		args = append(args, string(f.Township), s.Number.Year, s.Number.Seq, s.Number.Prefix)
	}
	if s.Code != "" {
		parts = append(parts, "SELECT id FROM cases WHERE tracking_code = ?")
		args = append(args, s.Code)
	}
	if len(parts) > 0 {
		cond = append(cond, "id IN ("+strings.Join(parts, " UNION ")+")")
		condArgs = append(condArgs, args...)
	}
	w.add("("+strings.Join(cond, " OR ")+")", condArgs...)
	return nil
}

// saveSearch keeps c's row of case_search and its rows of
// case_search_phones, rewriting them only when what they hold changed:
// most updates of a case change neither its parties nor its facts.
func saveSearch(ctx context.Context, tx writeTx, old, c *mediation.Case) error {
	text, phones := searchRow(c), phoneSearchRows(c)
	if old != nil {
		if slices.Equal(text, searchRow(old)) && slices.EqualFunc(phones, phoneSearchRows(old), slices.Equal) {
			return nil
		}
		for _, q := range []string{"DELETE FROM case_search WHERE case_id = ?", "DELETE FROM case_search_phones WHERE case_id = ?"} {
			if _, err := tx.exec(ctx, q, string(c.ID)); err != nil {
				return err
			}
		}
	}
	if err := tx.insertRows(ctx, insertSearch, "", [][]any{text}); err != nil {
		return err
	}
	return tx.insertRows(ctx, insertSearchPhones, "", phones)
}

const (
	insertSearch       = "INSERT INTO case_search (township, case_id, grams)"
	insertSearchPhones = "INSERT INTO case_search_phones (township, case_id, phone)"
	// The statements of migration 20261201000012, which made the tables
	// without the column township that 20261201000022 adds.
	insertSearch12       = "INSERT INTO case_search (case_id, grams)"
	insertSearchPhones12 = "INSERT INTO case_search_phones (case_id, phone)"
)

// searchRow is c's row of case_search.
func searchRow(c *mediation.Case) []any {
	return []any{string(c.Township), string(c.ID), grams(mediation.SearchText(c))}
}

// phoneSearchRows are c's rows of case_search_phones.
func phoneSearchRows(c *mediation.Case) [][]any {
	var rows [][]any
	for _, p := range mediation.SearchPhones(c) {
		rows = append(rows, []any{string(c.Township), string(c.ID), p})
	}
	return rows
}

// searchBatch is how many cases migrateSearch indexes a statement.
const searchBatch = 500

// migrateSearch is migration 20261201000012: it makes the tables of the
// search index and indexes the cases stored before they existed. It is
// written in Go because the grams are made by grams, which SQL cannot
// do; every step is safe to repeat, and only cases without a row of
// case_search are indexed, in ID order, a batch at a time.
func (db *DB) migrateSearch(ctx context.Context) error {
	return db.runInTx(ctx, func(ctx context.Context, tx writeTx) error {
		for _, q := range db.searchTables() {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("search index: %w", err)
			}
		}
		after := ""
		for {
			cs, err := unindexedCases(ctx, tx, after)
			if err != nil || len(cs) == 0 {
				return err
			}
			if err := importSearch12(ctx, tx, cs); err != nil {
				return err
			}
			after = string(cs[len(cs)-1].ID)
		}
	})
}

// unindexedCases returns the next searchBatch cases after the ID after
// that have no row of case_search, in ID order.
func unindexedCases(ctx context.Context, tx writeTx, after string) ([]*mediation.Case, error) {
	rows, err := tx.QueryContext(ctx, "SELECT c.data FROM cases AS c WHERE c.id > ? AND NOT EXISTS (SELECT 1 FROM case_search AS s WHERE s.case_id = c.id) ORDER BY c.id LIMIT ?", after, searchBatch)
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	defer rows.Close()
	var cs []*mediation.Case
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("search index: %w", err)
		}
		c := new(mediation.Case)
		if err := json.Unmarshal([]byte(data), c); err != nil {
			return nil, fmt.Errorf("search index: decode case: %w", err)
		}
		cs = append(cs, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	return cs, nil
}

// importSearch writes the search rows of new cases.
func importSearch(ctx context.Context, tx writeTx, cs []*mediation.Case) error {
	var text, phones [][]any
	for _, c := range cs {
		text = append(text, searchRow(c))
		phones = append(phones, phoneSearchRows(c)...)
	}
	if err := tx.insertRows(ctx, insertSearch, "", text); err != nil {
		return err
	}
	return tx.insertRows(ctx, insertSearchPhones, "", phones)
}

// importSearch12 writes the search rows of cases stored before the
// search index existed, in the tables as migration 20261201000012 makes
// them: without the township, which 20261201000022 adds from the cases.
func importSearch12(ctx context.Context, tx writeTx, cs []*mediation.Case) error {
	var text, phones [][]any
	for _, c := range cs {
		text = append(text, searchRow(c)[1:])
		for _, r := range phoneSearchRows(c) {
			phones = append(phones, r[1:])
		}
	}
	if err := tx.insertRows(ctx, insertSearch12, "", text); err != nil {
		return err
	}
	return tx.insertRows(ctx, insertSearchPhones12, "", phones)
}

// searchTables are the statements that make the search index, each safe
// to repeat. SQLite's FTS5 table takes its text from case_search
// (content=) and is kept by triggers, so that a write of case_search and
// of its index are one.
func (db *DB) searchTables() []string {
	phones := `CREATE TABLE IF NOT EXISTS case_search_phones (
    phone   TEXT%[1]s NOT NULL,
    case_id TEXT%[1]s NOT NULL REFERENCES cases (id),
    PRIMARY KEY (phone, case_id)
)`
	phonesByCase := "CREATE INDEX IF NOT EXISTS case_search_phones_case ON case_search_phones (case_id)"
	if db.postgres {
		return []string{
			`CREATE TABLE IF NOT EXISTS case_search (
    case_id TEXT COLLATE "C" PRIMARY KEY REFERENCES cases (id),
    grams   TEXT NOT NULL
)`,
			"CREATE INDEX IF NOT EXISTS case_search_grams ON case_search USING GIN (to_tsvector('simple', grams))",
			fmt.Sprintf(phones, ` COLLATE "C"`), phonesByCase,
		}
	}
	return []string{
		`CREATE TABLE IF NOT EXISTS case_search (
    n       INTEGER PRIMARY KEY,
    case_id TEXT NOT NULL UNIQUE REFERENCES cases (id),
    grams   TEXT NOT NULL
)`,
		"CREATE VIRTUAL TABLE IF NOT EXISTS case_search_fts USING fts5(grams, content='case_search', content_rowid='n', tokenize='unicode61 remove_diacritics 0')",
		`CREATE TRIGGER IF NOT EXISTS case_search_insert AFTER INSERT ON case_search BEGIN
    INSERT INTO case_search_fts (rowid, grams) VALUES (new.n, new.grams);
END`,
		`CREATE TRIGGER IF NOT EXISTS case_search_delete AFTER DELETE ON case_search BEGIN
    INSERT INTO case_search_fts (case_search_fts, rowid, grams) VALUES ('delete', old.n, old.grams);
END`,
		`CREATE TRIGGER IF NOT EXISTS case_search_update AFTER UPDATE ON case_search BEGIN
    INSERT INTO case_search_fts (case_search_fts, rowid, grams) VALUES ('delete', old.n, old.grams);
    INSERT INTO case_search_fts (rowid, grams) VALUES (new.n, new.grams);
END`,
		fmt.Sprintf(phones, ""), phonesByCase,
	}
}
