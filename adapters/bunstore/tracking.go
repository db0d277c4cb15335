package bunstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

// trackingRules are the rules the open deadlines are kept by; see
// EnableTracking.
type trackingRules struct {
	cases       mediation.Rules
	hazards     hazard.Rules
	fingerprint string
}

// ErrNoTracking is what Tracker's Track returns before EnableTracking.
var ErrNoTracking = errors.New("bunstore: the index of open deadlines is off: call EnableTracking")

// EnableTracking makes every change to a case or hazard stored through db
// keep the record's open deadlines — those its rules give it
// (mediation.Rules.Deadlines, hazard.Rules.Deadlines) — in the table
// open_deadlines, in the change's own transaction, and so makes Tracker
// answer the tracking view. A program that serves the tracking view calls
// it once after Open, before it writes.
//
// The table is made again from every open case and hazard, first, when it
// was kept by other rules, or when a program that keeps no index — one
// that never called EnableTracking, examples/gendata say — changed a case
// or hazard since it was made: each change without the index marks it
// stale. Made again, it takes about as long as reading the open records
// once.
func (db *DB) EnableTracking(ctx context.Context, cases mediation.Rules, hazards hazard.Rules) error {
	b, err := json.Marshal(struct {
		Cases   mediation.Rules
		Hazards hazard.Rules
	}{cases, hazards})
	if err != nil {
		return fmt.Errorf("bunstore: tracking rules: %w", err)
	}
	sum := sha256.Sum256(b)
	t := &trackingRules{cases: cases, hazards: hazards, fingerprint: hex.EncodeToString(sum[:])}
	rebuilt, err := db.rebuildDeadlines(ctx, t)
	if err != nil {
		return fmt.Errorf("bunstore: index of open deadlines: %w", err)
	}
	if rebuilt && db.postgres {
		// Made again, the table is not what PostgreSQL's statistics say
		// it was (empty, as a rule, on a database filled without it):
		// at a million cases the view's count took 51 ms planned for
		// that, 26 ms planned for the rows it holds.
		if _, err := db.write.ExecContext(ctx, "ANALYZE open_deadlines"); err != nil {
			return fmt.Errorf("bunstore: index of open deadlines: %w", err)
		}
	}
	db.tracking.Store(t)
	return nil
}

// rebuildDeadlines makes open_deadlines again by t, unless it was made by
// t's rules and is not stale, and reports whether it did.
func (db *DB) rebuildDeadlines(ctx context.Context, t *trackingRules) (rebuilt bool, err error) {
	err = db.runInTx(ctx, func(ctx context.Context, tx writeTx) error {
		rebuilt = false
		lock := ""
		if db.postgres {
			// Two programs opening the database at once must not both
			// make it, nor one change a record meanwhile unseen.
			lock = " FOR UPDATE"
		}
		var rules string
		var stale int
		if err := tx.QueryRowContext(ctx, "SELECT rules, stale FROM tracking_state WHERE id = 1"+lock).Scan(&rules, &stale); err != nil {
			return err
		}
		if rules == t.fingerprint && stale == 0 {
			return nil
		}
		if _, err := tx.exec(ctx, "DELETE FROM open_deadlines"); err != nil {
			return err
		}
		if err := rebuildOf(ctx, tx, db.Cases().r, names([]mediation.State{mediation.Registered, mediation.Accepted, mediation.Mediating, mediation.Agreed}),
			func(c *mediation.Case) [][]any { return caseDeadlineRows(t, c) }); err != nil {
			return err
		}
		if err := rebuildOf(ctx, tx, db.Hazards().r, names([]hazard.State{hazard.Open, hazard.Rectified}),
			func(h *hazard.Hazard) [][]any { return hazardDeadlineRows(t, h) }); err != nil {
			return err
		}
		rebuilt = true
		_, err := tx.exec(ctx, "UPDATE tracking_state SET rules = ?, stale = 0 WHERE id = 1", t.fingerprint)
		return err
	})
	return rebuilt, err
}

// rebuildOf inserts the deadline rows of every record of s in one of
// states, read in tx.
func rebuildOf[T any](ctx context.Context, tx writeTx, s *records[T], states []string, rowsOf func(*T) [][]any) error {
	args := make([]any, len(states))
	for i, st := range states {
		args[i] = st
	}
	q := "SELECT data FROM " + s.table + " WHERE state IN (?" + strings.Repeat(", ?", len(states)-1) + ")"
	r, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer r.Close()
	var rows [][]any
	for r.Next() {
		var data string
		if err := r.Scan(&data); err != nil {
			return err
		}
		rec, err := s.decode(data)
		if err != nil {
			return err
		}
		rows = append(rows, rowsOf(rec)...)
	}
	if err := r.Err(); err != nil {
		return err
	}
	r.Close()
	return tx.insertRows(ctx, insertDeadlines, "", rows)
}

const insertDeadlines = "INSERT INTO open_deadlines (township, record, subject, kind, name, handling_path, location_path, cell_path, since_at, due, risk_at, lapses, accountable, grade)"

// caseDeadlineRows are c's rows of open_deadlines by t.
func caseDeadlineRows(t *trackingRules, c *mediation.Case) [][]any {
	if !c.State.Open() && c.State != mediation.Agreed {
		return nil
	}
	return deadlineRows(c.Township, work.SubjectCase, c.Handling, c.Location, t.cases.Deadlines(time.Time{}, c))
}

// hazardDeadlineRows are h's rows of open_deadlines by t.
func hazardDeadlineRows(t *trackingRules, h *hazard.Hazard) [][]any {
	return deadlineRows(h.Township, work.SubjectHazard, h.Handling, h.Location, t.hazards.Deadlines(time.Time{}, h))
}

// deadlineRows are the rows of open_deadlines of a record's deadlines,
// listed as at the zero time, when every deadline the record has is
// still to come — a window that lapses too.
func deadlineRows(township grid.CellID, record string, handling, location grid.Path, ds []work.Deadline) [][]any {
	rows := make([][]any, len(ds))
	for i, d := range ds {
		rows[i] = []any{
			string(township), record, d.Subject, string(d.Kind), d.Name, handling.String(), location.String(), d.Cell.String(),
			timeColumn(d.Since), timeColumn(d.Due), timeColumn(d.RiskAt), boolInt(d.Lapses), d.Accountable, d.Grade.String(),
		}
	}
	return rows
}

// saveDeadlines keeps a record's rows of open_deadlines, made by rowsOf,
// when tracking is on, and marks the index stale when it is off. old is
// the record before the change, or nil for a new one.
func saveDeadlines[T any](ctx context.Context, tx writeTx, record, id string, township grid.CellID, old, r *T, rowsOf func(*trackingRules, *T) [][]any) error {
	t := tx.db.tracking.Load()
	if t == nil {
		return markStale(ctx, tx)
	}
	rows := rowsOf(t, r)
	if old != nil {
		if slices.EqualFunc(rows, rowsOf(t, old), slices.Equal) {
			return nil
		}
		if _, err := tx.exec(ctx, "DELETE FROM open_deadlines WHERE township = ? AND record = ? AND subject = ?", string(township), record, id); err != nil {
			return err
		}
	}
	return tx.insertRows(ctx, insertDeadlines, "", rows)
}

// markStale marks open_deadlines stale, in the transaction of a change it
// does not hold: the program that next enables tracking makes it again.
// Once marked, the statement changes no row, and takes no lock.
func markStale(ctx context.Context, tx writeTx) error {
	_, err := tx.exec(ctx, "UPDATE tracking_state SET stale = 1 WHERE id = 1 AND stale = 0")
	return err
}

// importDeadlines is saveDeadlines for a batch of new records.
func importDeadlines[T any](ctx context.Context, tx writeTx, rs []*T, rowsOf func(*trackingRules, *T) [][]any) error {
	t := tx.db.tracking.Load()
	if t == nil {
		return markStale(ctx, tx)
	}
	var rows [][]any
	for _, r := range rs {
		rows = append(rows, rowsOf(t, r)...)
	}
	return tx.insertRows(ctx, insertDeadlines, "", rows)
}

// Tracker answers the tracking view from the index EnableTracking keeps.
// It implements stats.Tracker and is safe for concurrent use.
type Tracker struct {
	db *DB
}

var _ stats.Tracker = (*Tracker)(nil)

// Tracker returns the database's tracking view; it answers ErrNoTracking
// until EnableTracking.
func (db *DB) Tracker() *Tracker { return &Tracker{db: db} }

// Track returns the page of the tracking view q asks for, as
// stats.TrackDeadlines defines it: the counts by kind in one grouped
// query over the index of risk times, and the page's rows only.
func (t *Tracker) Track(ctx context.Context, q stats.TrackQuery) (stats.TrackPage, error) {
	if t.db.tracking.Load() == nil {
		return stats.TrackPage{}, ErrNoTracking
	}
	at := timeColumn(q.At)
	var w where
	w.add("township = ?", string(q.Township))
	w.add("risk_at <= ?", at)
	w.add("(lapses = 0 OR due > ?)", at)
	handling, hargs := subtree("handling_path", q.Within)
	location, largs := subtree("location_path", q.Within)
	w.add("("+handling+" OR "+location+")", append(hargs, largs...)...)

	var page stats.TrackPage
	rows, err := t.db.read.QueryContext(ctx, "SELECT kind, SUM(CASE WHEN due < ? THEN 1 ELSE 0 END), COUNT(*) FROM open_deadlines"+w.sql()+" GROUP BY kind ORDER BY kind",
		append([]any{at}, w.args...)...)
	if err != nil {
		return stats.TrackPage{}, fmt.Errorf("bunstore: tracking view: %w", err)
	}
	for rows.Next() {
		var kind string
		var overdue, all int64
		if err := rows.Scan(&kind, &overdue, &all); err != nil {
			rows.Close()
			return stats.TrackPage{}, fmt.Errorf("bunstore: tracking view: %w", err)
		}
		page.Counts = append(page.Counts, stats.TrackCount{Kind: work.DeadlineKind(kind), AtRisk: all - overdue, Overdue: overdue})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return stats.TrackPage{}, fmt.Errorf("bunstore: tracking view: %w", err)
	}

	if q.OverdueOnly {
		w.add("due < ?", at)
	}
	if c := q.After; !c.IsZero() {
		due := timeColumn(c.Due)
		w.add("(due > ? OR (due = ? AND (subject > ? OR (subject = ? AND kind > ?))))", due, due, c.Subject, c.Subject, string(c.Kind))
	}
	limit := q.PageSize()
	rows, err = t.db.read.QueryContext(ctx, "SELECT subject, kind, name, cell_path, since_at, due, risk_at, lapses, accountable, grade FROM open_deadlines"+w.sql()+
		" ORDER BY due, subject, kind LIMIT ?", append(w.args, limit+1)...)
	if err != nil {
		return stats.TrackPage{}, fmt.Errorf("bunstore: tracking view: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d work.Deadline
		var kind, cell, grade string
		var since, due, risk int64
		var lapses int
		if err := rows.Scan(&d.Subject, &kind, &d.Name, &cell, &since, &due, &risk, &lapses, &d.Accountable, &grade); err != nil {
			return stats.TrackPage{}, fmt.Errorf("bunstore: tracking view: %w", err)
		}
		d.Kind, d.Since, d.Due, d.RiskAt, d.Lapses = work.DeadlineKind(kind), timeFromColumn(since), timeFromColumn(due), timeFromColumn(risk), lapses != 0
		if d.Cell, err = grid.ParsePath(cell); err != nil {
			return stats.TrackPage{}, fmt.Errorf("bunstore: tracking view: deadline %s of %s: %w", kind, d.Subject, err)
		}
		if d.Grade, err = work.ParseGrade(grade); err != nil {
			return stats.TrackPage{}, fmt.Errorf("bunstore: tracking view: deadline %s of %s: %w", kind, d.Subject, err)
		}
		d.Status = work.AtRisk
		if due < at {
			d.Status = work.Overdue
		}
		page.Deadlines = append(page.Deadlines, d)
	}
	if err := rows.Err(); err != nil {
		return stats.TrackPage{}, fmt.Errorf("bunstore: tracking view: %w", err)
	}
	if len(page.Deadlines) > limit {
		page.Deadlines = page.Deadlines[:limit]
		last := page.Deadlines[limit-1]
		page.Next = stats.TrackCursor{Due: last.Due, Subject: last.Subject, Kind: last.Kind}
	}
	return page, nil
}
