package bunstore

import (
	"context"
	"slices"

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
// number it had or has — the only cases whose answer its numbers decide.
// The figures then count a column of the rows they read anyway.

// recurs is true for the row of cases that recurs an earlier case; its
// two parameters are the window, in nanoseconds.
var recurs = "EXISTS (" + sameApplicant("case_phones", "phone") + ") OR EXISTS (" + sameApplicant("case_idcards", "idcard") + ")"

// sameApplicant selects the earlier cases an applicant of the row of
// cases recurs through table, whose column holds the applicants' numbers.
// CROSS JOIN fixes SQLite's order — the case's own numbers, the cases
// that share them, those cases' rows — where it would otherwise walk
// every case of the year before for each case.
func sameApplicant(table, column string) string {
	return "SELECT 1 FROM " + table + " AS mine CROSS JOIN " + table + " AS theirs CROSS JOIN cases AS d" +
		" WHERE mine.township = cases.township AND mine.case_id = cases.id" +
		" AND theirs.township = cases.township AND theirs." + column + " = mine." + column + " AND d.id = theirs.case_id" +
		" AND d.id <> cases.id AND d.township = cases.township" +
		" AND d.registered_at < cases.registered_at AND d.registered_at >= cases.registered_at - ?"
}

// markRecurrence is the statement that sets the column recurred of the
// rows its condition selects; the window's arguments come first, the
// condition's after.
func markRecurrence(where string) string {
	return "UPDATE cases SET recurred = CASE WHEN " + recurs + " THEN 1 ELSE 0 END WHERE " + where
}

var (
	// Of one case, by its ID.
	markCase = markRecurrence("id = ?")
	// Of the other cases an applicant's phone number or ID number is
	// given in.
	markByPhone  = markRecurrence("township = ? AND id IN (SELECT case_id FROM case_phones WHERE township = ? AND phone = ?) AND id <> ?")
	markByIDCard = markRecurrence("township = ? AND id IN (SELECT case_id FROM case_idcards WHERE township = ? AND idcard = ?) AND id <> ?")
)

// window is the argument the statements above take twice.
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
	if err := lockNumbers(ctx, tx, union(phones, idCards)); err != nil {
		return err
	}
	id, town := string(c.ID), string(c.Township)
	if _, err := tx.exec(ctx, markCase, window, window, id); err != nil {
		return err
	}
	for _, t := range []struct {
		stmt    string
		numbers []string
	}{{markByPhone, phones}, {markByIDCard, idCards}} {
		for _, n := range t.numbers {
			if _, err := tx.exec(ctx, t.stmt, window, window, town, town, n, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// importRecurrence is saveRecurrence for a batch of new cases, whose
// numbers can only make cases recur, never stop: it marks the batch's
// cases that recur, then the others that share their numbers and now
// recur, in statements of a few fixed shapes (see inChunks).
func importRecurrence(ctx context.Context, tx writeTx, cs []*mediation.Case) error {
	var ids, numbers []string
	for _, c := range cs {
		ids = append(ids, string(c.ID))
		numbers = append(numbers, numbersOf(c, phoneRows)...)
		numbers = append(numbers, numbersOf(c, idCardRows)...)
	}
	slices.Sort(numbers)
	if err := lockNumbers(ctx, tx, slices.Compact(numbers)); err != nil {
		return err
	}
	const mark = "UPDATE cases SET recurred = 1 WHERE recurred = 0 AND id IN "
	for _, st := range []struct{ head, tail string }{
		{mark, ""},
		{mark + "(" + sharing("case_phones", "phone"), ")"},
		{mark + "(" + sharing("case_idcards", "idcard"), ")"},
	} {
		if err := tx.inChunks(ctx, st.head, st.tail+" AND ("+recurs+")", ids, window, window); err != nil {
			return err
		}
	}
	return nil
}

// sharing selects the cases that share, through table, a number of the
// cases of the list that follows it.
func sharing(table, column string) string {
	return "SELECT theirs.case_id FROM " + table + " AS mine JOIN " + table + " AS theirs ON theirs." + column + " = mine." + column + " WHERE mine.case_id IN "
}

// lockNumbers serializes, on PostgreSQL, the transactions that store the
// same applicants' numbers, in a fixed order of the numbers so that two
// cannot wait for each other. Each statement of a transaction at READ
// COMMITTED sees what committed before it began: without the locks, two
// cases sharing a number stored at once would each miss the other, and
// neither be marked. SQLite writes one transaction at a time.
func lockNumbers(ctx context.Context, tx writeTx, numbers []string) error {
	if !tx.db.postgres {
		return nil
	}
	for _, n := range numbers {
		// The first key sets the recurrence's locks apart from any other
		// advisory lock; the second is the number's.
		if _, err := tx.exec(ctx, "SELECT pg_advisory_xact_lock(1718644338, hashtext(?))", n); err != nil {
			return err
		}
	}
	return nil
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
