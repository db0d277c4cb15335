package bunstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/outbox"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// Outbox is the SQL outbox of notices (table notify_outbox). It implements
// outbox.Store and is safe for concurrent use, by dispatchers in several
// processes too: a claim is a lease written to the row.
type Outbox struct {
	db    *DB
	fence *Fence // see Fenced; nil for none
}

var _ outbox.Store = (*Outbox)(nil)

// Outbox returns the database's outbox.
func (db *DB) Outbox() *Outbox { return &Outbox{db: db} }

// Fenced returns the outbox as the holder of f's lease writes to it, for
// the dispatcher and the deadline runner of the watch: its Enqueue, Claim
// and Record are refused with ErrFenced once the lease has passed to
// another holder. Its Claim also takes deliveries still claimed by an
// earlier holder of the lease, which can no longer record them, at once
// rather than when their claims run out.
func (o *Outbox) Fenced(f Fence) *Outbox { return &Outbox{db: o.db, fence: &f} }

// noticeRules are the rules of who is told what that EnableOutbox gives.
type noticeRules struct {
	cases   func(*mediation.Case, []timeline.Event) []work.Notice
	hazards func(*hazard.Hazard, []timeline.Event) []work.Notice
}

// EnableOutbox makes every change to a case or hazard stored through db
// write the notices it causes into the outbox, in the change's own
// transaction: a change commits with its notices or not at all. cases and
// hazards are the rules of who is told what (mediation.Notices,
// hazard.Notices), called with the record as saved and the events just
// appended; a nil one notifies nobody of that kind's changes. A program
// that delivers notices calls it once after Open. It is off by default so
// that loading history (Import, examples/gendata) does not notify anyone
// of events long past; Import writes notices too while it is on.
func (db *DB) EnableOutbox(cases func(*mediation.Case, []timeline.Event) []work.Notice, hazards func(*hazard.Hazard, []timeline.Event) []work.Notice) {
	db.notices.Store(&noticeRules{cases: cases, hazards: hazards})
}

// notifyChange writes into the outbox, in tx, the notices caused by events
// just appended to record id of kind ("case", "hazard"). The record is read
// back in tx, as saved with them.
func (db *DB) notifyChange(ctx context.Context, tx bun.IDB, kind, id string, events []timeline.Event) error {
	rules := db.notices.Load()
	if len(events) == 0 || rules == nil {
		return nil
	}
	var ns []work.Notice
	var err error
	switch {
	case kind == work.SubjectCase && rules.cases != nil:
		ns, err = noticesOf(ctx, tx, "cases", id, events, rules.cases)
	case kind == work.SubjectHazard && rules.hazards != nil:
		ns, err = noticesOf(ctx, tx, "hazards", id, events, rules.hazards)
	}
	if err != nil {
		return fmt.Errorf("read %s %s for its notices: %w", kind, id, err)
	}
	return insertNotifications(ctx, tx, time.Time{}, ns)
}

// noticesOf reads record id of table in tx and returns the notices that
// notices says events cause it.
func noticesOf[T any](ctx context.Context, tx bun.IDB, table, id string, events []timeline.Event, notices func(*T, []timeline.Event) []work.Notice) ([]work.Notice, error) {
	var data string
	if err := tx.QueryRowContext(ctx, "SELECT data FROM "+table+" WHERE id = ?", id).Scan(&data); err != nil {
		return nil, err
	}
	var r T
	if err := json.Unmarshal([]byte(data), &r); err != nil {
		return nil, err
	}
	return notices(&r, events), nil
}

// insertNotifications stores ns, due at next (the zero time: at once),
// skipping keys already stored.
func insertNotifications(ctx context.Context, tx bun.IDB, next time.Time, ns []work.Notice) error {
	if len(ns) == 0 {
		return nil
	}
	rows := make([]string, len(ns))
	args := make([]any, 0, 12*len(ns))
	for i, n := range ns {
		data, err := json.Marshal(n)
		if err != nil {
			return fmt.Errorf("encode notice %s: %w", n.Key, err)
		}
		rows[i] = "(?, ?, ?, ?, ?, ?, ?, '', 0, '[]', '', ?)"
		args = append(args, n.Key, string(n.Township), n.Subject, string(outbox.Pending),
			timeColumn(n.At), timeColumn(next), zeroTime, string(data))
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO notify_outbox (dedupe_key, township, subject, state, created_at, next_at, claimed_until, claim, attempts, delivered, last_error, data) VALUES "+
		strings.Join(rows, ", ")+" ON CONFLICT (township, dedupe_key) DO NOTHING", args...)
	return err
}

// Enqueue stores notices due at once, skipping keys already stored;
// see outbox.Store.
func (o *Outbox) Enqueue(ctx context.Context, now time.Time, ns ...work.Notice) error {
	err := o.db.runInTx(ctx, func(ctx context.Context, tx writeTx) error {
		if err := o.fence.check(ctx, tx); err != nil {
			return err
		}
		return insertNotifications(ctx, tx, now, ns)
	})
	if err != nil {
		return fmt.Errorf("bunstore: enqueue notices: %w", err)
	}
	return nil
}

// outboxColumns are the columns scanDelivery reads, in its order.
const outboxColumns = "id, state, attempts, delivered, next_at, last_error, created_at, claim, data"

func scanDelivery(row interface{ Scan(...any) error }) (outbox.Delivery, error) {
	var d outbox.Delivery
	var state, delivered, data string
	var next, created int64
	if err := row.Scan(&d.ID, &state, &d.Attempts, &delivered, &next, &d.LastError, &created, &d.Claim, &data); err != nil {
		return d, err
	}
	d.State, d.NextAt, d.CreatedAt = outbox.State(state), timeFromColumn(next), timeFromColumn(created)
	if err := json.Unmarshal([]byte(delivered), &d.Delivered); err != nil {
		return d, fmt.Errorf("decode delivery %d: %w", d.ID, err)
	}
	if err := json.Unmarshal([]byte(data), &d.Notification); err != nil {
		return d, fmt.Errorf("decode delivery %d: %w", d.ID, err)
	}
	return d, nil
}

// Claim returns and holds up to limit due deliveries, oldest first; see
// outbox.Store. On PostgreSQL rows another dispatcher is claiming are
// skipped, not waited for.
func (o *Outbox) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]outbox.Delivery, error) {
	var out []outbox.Delivery
	err := o.db.runInTx(ctx, func(ctx context.Context, tx writeTx) error {
		out = out[:0]
		if err := o.fence.check(ctx, tx); err != nil {
			return err
		}
		lock := ""
		if o.db.postgres {
			lock = " FOR UPDATE SKIP LOCKED"
		}
		t := timeColumn(now)
		free, args := "claimed_until <= ?", []any{string(outbox.Pending), t, t}
		if o.fence != nil {
			// Only this holder claims now; a claim of an earlier one is
			// stale, its holder fenced off.
			free = "(claimed_until <= ? OR claim NOT LIKE ?)"
			args = append(args, o.fence.claimPrefix()+"%")
		}
		rows, err := tx.QueryContext(ctx, "SELECT "+outboxColumns+" FROM notify_outbox WHERE state = ? AND next_at <= ? AND "+free+" ORDER BY id LIMIT ?"+lock,
			append(args, limit)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			d, err := scanDelivery(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, d)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		until := timeColumn(now.Add(lease))
		for i := range out {
			out[i].Claim = newClaim()
			if o.fence != nil {
				out[i].Claim = o.fence.claimPrefix() + out[i].Claim
			}
			if _, err := tx.ExecContext(ctx, "UPDATE notify_outbox SET claimed_until = ?, claim = ? WHERE id = ?", until, out[i].Claim, out[i].ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bunstore: claim deliveries: %w", err)
	}
	return out, nil
}

// Record stores an attempt's result and releases the claim; see
// outbox.Store.
func (o *Outbox) Record(ctx context.Context, id int64, claim string, r outbox.Result) error {
	delivered, err := json.Marshal(r.Delivered)
	if err != nil {
		return fmt.Errorf("bunstore: encode delivery %d: %w", id, err)
	}
	if r.Delivered == nil {
		delivered = []byte("[]")
	}
	res, err := o.db.fencedExec(ctx, o.fence, "UPDATE notify_outbox SET state = ?, delivered = ?, last_error = ?, next_at = ?, attempts = attempts + 1, claim = '', claimed_until = ? WHERE id = ? AND claim = ? AND claim <> ''",
		string(r.State), string(delivered), r.LastError, timeColumn(r.NextAt), zeroTime, id, claim)
	if err != nil {
		return fmt.Errorf("bunstore: record delivery %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	var exists int
	err = o.db.read.QueryRowContext(ctx, "SELECT 1 FROM notify_outbox WHERE id = ?", id).Scan(&exists)
	if errors.Is(err, sql.ErrNoRows) {
		return fourplusn.Errorf(fourplusn.NotFound, "delivery %d not found", id)
	}
	return fourplusn.Errorf(fourplusn.Conflict, "delivery %d is no longer held by this dispatcher", id)
}

// Failures returns the township's failed and failing deliveries, newest
// first; see outbox.Store.
func (o *Outbox) Failures(ctx context.Context, township grid.CellID, limit int) ([]outbox.Delivery, error) {
	rows, err := o.db.read.QueryContext(ctx, "SELECT "+outboxColumns+" FROM notify_outbox WHERE township = ? AND (state = ? OR (state = ? AND last_error <> '')) ORDER BY id DESC LIMIT ?",
		string(township), string(outbox.Failed), string(outbox.Pending), limit)
	if err != nil {
		return nil, fmt.Errorf("bunstore: failed deliveries: %w", err)
	}
	defer rows.Close()
	var out []outbox.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("bunstore: failed deliveries: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Find returns the delivery of the notice with key; see
// outbox.Store.
func (o *Outbox) Find(ctx context.Context, key string) (outbox.Delivery, error) {
	d, err := scanDelivery(o.db.read.QueryRowContext(ctx, "SELECT "+outboxColumns+" FROM notify_outbox WHERE dedupe_key = ?", key))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fourplusn.Errorf(fourplusn.NotFound, "no notification has key %q", key)
	}
	if err != nil {
		return d, fmt.Errorf("bunstore: find delivery %s: %w", key, err)
	}
	return d, nil
}

// newClaim returns a random claim token.
func newClaim() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
