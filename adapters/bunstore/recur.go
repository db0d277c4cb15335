package bunstore

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
)

// The recurrence rate (stats.Recurred) counts the cases that recur an
// earlier case: another case of the township, registered in the
// stats.RecurrenceWindow before, with an applicant's phone or ID number
// the same (stats.Recurs). Whether a case recurs depends on other cases,
// so it cannot be read off the case's own row; asked for every case of a
// period when the figures are counted, it cost a lookup of each case's
// numbers, of the cases sharing them and of those cases' rows — a month
// of a 1M township, a fifth of a second on SQLite, each time a dashboard
// showed it. The column recurred keeps the answer instead, written when
// the answer can change: when a case's applicants' numbers are first
// stored or changed, for the case itself and for every case sharing a
// number it had or has and registered in the window after it — the only
// cases whose answer its numbers decide.
// The figures then count a column of the rows they read anyway.

// recurs is true for the row of cases that recurs an earlier case; its
// two parameters are the window, in nanoseconds.
var recurs = "EXISTS (" + sameApplicant("case_phones", "phone") + ") OR EXISTS (" + sameApplicant("case_idcards", "idcard") + ")"

// sameApplicant selects the earlier cases an applicant of the row of
// cases recurs through table, whose column holds the applicants' numbers.
// The order is fixed — the case's own numbers, the cases that share them,
// those cases' rows by their keys — where an engine would otherwise walk
// every case of the year before for each case: CROSS JOIN fixes SQLite's
// order, and the unary plus (see byKey) keeps either engine from reading
// the cases by their registration.
func sameApplicant(table, column string) string {
	return "SELECT 1 FROM " + table + " AS mine CROSS JOIN " + table + " AS theirs CROSS JOIN cases AS d" +
		" WHERE mine.township = cases.township AND mine.case_id = cases.id" +
		" AND theirs.township = cases.township AND theirs." + column + " = mine." + column + " AND d.id = theirs.case_id" +
		" AND d.id <> cases.id AND d.township = cases.township" +
		" AND " + byKey + " < cases.registered_at AND " + byKey + " >= cases.registered_at - ?"
}

// byKey is the registration of the case d as the statements here compare
// it: through a unary plus, a term no index can serve, on SQLite (as its
// documentation prescribes) or on PostgreSQL, so that d can only be read
// by its key. PostgreSQL, planning the statements of an
// import before its tables had statistics, read the cases of the year
// before by the index of registrations for each case it corrected — 40 ms
// a case at 16,000 cases, more with every case imported.
const byKey = "+d.registered_at"

// remark is the statement that corrects the column recurred of the
// township's cases of the list that follows it: it writes only the rows
// whose answer changed.
const remark = "UPDATE cases SET recurred = 1 - recurred WHERE township = ? AND id IN "

// later ends the queries of the cases a write may make recur; its
// parameters are the township and the span of registrations. The
// township is given again rather than joined: on PostgreSQL the numbers'
// column township is of the collation "C" and the cases' is not, and
// compared with the other's, the cases' key cannot serve the lookup.
const later = " AND d.township = ? AND d.id = p.case_id AND " + byKey + " > ? AND " + byKey + " <= ?"

// remarkTail ends remark; its parameters are the window's.
var remarkTail = " AND recurred <> CASE WHEN " + recurs + " THEN 1 ELSE 0 END"

// window is the argument remarkTail takes twice.
var window = int64(stats.RecurrenceWindow)

// saveRecurrence keeps the column recurred of c and of the cases that
// share a number with c, as it was (old, nil for a new case) or is; see
// above. An update that leaves the applicants' numbers as they were
// changes no case's answer, and writes nothing.
func saveRecurrence(ctx context.Context, tx writeTx, old, c *mediation.Case) error {
	phones, idCards := numbersOf(c, phoneRows), numbersOf(c, idCardRows)
	if old != nil {
		oldPhones, oldIDCards := numbersOf(old, phoneRows), numbersOf(old, idCardRows)
		if slices.Equal(phones, oldPhones) && slices.Equal(idCards, oldIDCards) {
			return nil
		}
		phones, idCards = union(phones, oldPhones), union(idCards, oldIDCards)
	}
	return markRecurrences(ctx, tx, string(c.Township), []string{string(c.ID)}, c.RegisteredAt, c.RegisteredAt, phones, idCards)
}

// importRecurrence is saveRecurrence for a batch of new cases.
func importRecurrence(ctx context.Context, tx writeTx, cs []*mediation.Case) error {
	type numbers struct {
		ids, phones, idCards []string
		first, last          time.Time // of the registrations
	}
	byTownship := map[string]*numbers{}
	var townships []string
	for _, c := range cs {
		t := string(c.Township)
		n := byTownship[t]
		if n == nil {
			n = &numbers{}
			byTownship[t] = n
			townships = append(townships, t)
		}
		if len(n.ids) == 0 || c.RegisteredAt.Before(n.first) {
			n.first = c.RegisteredAt
		}
		if c.RegisteredAt.After(n.last) {
			n.last = c.RegisteredAt
		}
		n.ids = append(n.ids, string(c.ID))
		n.phones = append(n.phones, numbersOf(c, phoneRows)...)
		n.idCards = append(n.idCards, numbersOf(c, idCardRows)...)
	}
	slices.Sort(townships) // the locks in one order
	for _, t := range townships {
		n := byTownship[t]
		if err := markRecurrences(ctx, tx, t, n.ids, n.first, n.last, union(n.phones, nil), union(n.idCards, nil)); err != nil {
			return err
		}
	}
	return nil
}

// markRecurrences corrects the column recurred of the township's cases
// ids, registered from first to last, and of every case of the township
// given one of the phone or ID numbers that the numbers can make recur:
// those registered after first and within the window after last. The
// cases are found first, by the keys of case_phones and case_idcards, and
// corrected by their own keys: a statement that let the planner choose
// could read every case, as PostgreSQL's did while a township was
// imported, before its tables had statistics. A number many cases share
// (a village office's phone) costs only the cases of the window after
// the write, none for the newest case.
func markRecurrences(ctx context.Context, tx writeTx, township string, ids []string, first, last time.Time, phones, idCards []string) error {
	if err := lockNumbers(ctx, tx, union(phones, idCards)); err != nil {
		return err
	}
	affected := slices.Clone(ids)
	for _, t := range []struct {
		query   string
		numbers []string
	}{
		{"SELECT p.case_id FROM case_phones AS p CROSS JOIN cases AS d WHERE p.township = ? AND p.phone IN ", phones},
		{"SELECT p.case_id FROM case_idcards AS p CROSS JOIN cases AS d WHERE p.township = ? AND p.idcard IN ", idCards},
	} {
		after := []any{township, timeColumn(first), timeColumn(last.Add(stats.RecurrenceWindow))}
		err := tx.inChunks(ctx, t.query, later, t.numbers, []any{township}, after, func(rows *sql.Rows) error {
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					return err
				}
				affected = append(affected, id)
			}
			return rows.Err()
		})
		if err != nil {
			return err
		}
	}
	return tx.inChunks(ctx, remark, remarkTail, union(affected, nil), []any{township}, []any{window, window}, nil)
}

// lockNumbers serializes, on PostgreSQL, the transactions that store the
// same applicants' numbers, taking the numbers' locks in one order so
// that two cannot wait for each other. Each statement of a transaction at
// READ COMMITTED sees what committed before it began: without the locks,
// two cases sharing a number stored at once would each miss the other,
// and neither be marked. SQLite writes one transaction at a time.
func lockNumbers(ctx context.Context, tx writeTx, numbers []string) error {
	if !tx.db.postgres || len(numbers) == 0 {
		return nil
	}
	// The first key sets the recurrence's locks apart from any other
	// advisory lock; the second is the number's.
	_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(1718644338, k) FROM (SELECT DISTINCT hashtext(n) AS k FROM unnest(?::text[]) AS n ORDER BY k) AS s", pgdialect.Array(numbers))
	return err
}

// numbersOf returns the distinct numbers rows gives for c, sorted.
func numbersOf(c *mediation.Case, rows func(*mediation.Case) [][]any) []string {
	var out []string
	for _, r := range rows(c) {
		out = append(out, r[len(r)-1].(string)) // the number, after the township and the case
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// union returns the distinct values of a and b, sorted.
func union(a, b []string) []string {
	out := append(slices.Clone(a), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// migrateRecurred is the migration 20261201000023, written in Go for the
// reason migrateNumbers is: it gives the cases table the column recurred
// and marks the cases stored before it that recur. Run again after it
// failed half-way, it finds the column and marks the cases again.
func (db *DB) migrateRecurred(ctx context.Context) error {
	return db.runInTx(ctx, func(ctx context.Context, tx writeTx) error {
		has, err := db.lockedColumn(ctx, tx, "cases", "recurred")
		if err != nil {
			return err
		}
		if !has {
			if _, err := tx.ExecContext(ctx, "ALTER TABLE cases ADD COLUMN recurred INTEGER NOT NULL DEFAULT 0"); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, "UPDATE cases SET recurred = 1 WHERE recurred = 0 AND ("+recurs+")", window, window)
		return err
	})
}
