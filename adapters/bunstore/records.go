package bunstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation/timeline"
)

// column is one indexed column of a record's row and its value.
type column struct {
	name  string
	value any
}

// records stores one kind of record — cases or hazards — as rows of
// indexed columns plus the whole record in JSON, with its timeline and its
// idempotency keys. The kinds differ only in their tables and columns.
type records[T any] struct {
	db                  *DB
	kind                string // "case", "hazard": for error messages
	table, events, keys string
	id                  func(*T) string
	version             func(*T) *int64
	columns             func(*T) []column // every column but data, id first
	afterWrite          func(ctx context.Context, tx bun.Tx, r *T) error
}

// create inserts r and its first events, or under a key already used
// returns the record that key created (Conflict if the fingerprint
// differs).
func (s *records[T]) create(ctx context.Context, r *T, events []timeline.Event, scope, key, fingerprint string) (*T, error) {
	var prior string
	err := s.db.write.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if key != "" {
			var fp, id string
			err := tx.QueryRowContext(ctx, "SELECT fingerprint, record_id FROM "+s.keys+" WHERE scope = ? AND ikey = ?", scope, key).Scan(&fp, &id)
			switch {
			case err == nil && fp != fingerprint:
				return fourplusn.Errorf(fourplusn.Conflict, "idempotency key %q was already used for another request", key)
			case err == nil:
				prior = id
				return nil
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}
		if err := s.insert(ctx, tx, r); err != nil {
			return err
		}
		if err := s.appendEvents(ctx, tx, events); err != nil {
			return err
		}
		if key != "" {
			if _, err := tx.ExecContext(ctx, "INSERT INTO "+s.keys+" (scope, ikey, fingerprint, record_id) VALUES (?, ?, ?, ?)", scope, key, fingerprint, s.id(r)); err != nil {
				return err
			}
		}
		return s.after(ctx, tx, r)
	})
	if err != nil {
		return nil, s.wrap(err, s.id(r))
	}
	if prior != "" {
		return s.get(ctx, prior)
	}
	return r, nil
}

func (s *records[T]) after(ctx context.Context, tx bun.Tx, r *T) error {
	if s.afterWrite == nil {
		return nil
	}
	return s.afterWrite(ctx, tx, r)
}

func (s *records[T]) insert(ctx context.Context, tx bun.Tx, r *T) error {
	cols := s.columns(r)
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(cols)+1)
	args := make([]any, 0, len(cols)+1)
	for _, c := range cols {
		names = append(names, c.name)
		args = append(args, c.value)
	}
	names, args = append(names, "data"), append(args, string(data))
	q := "INSERT INTO " + s.table + " (" + strings.Join(names, ", ") + ") VALUES (" + strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", ") + ")"
	_, err = tx.ExecContext(ctx, q, args...)
	return err
}

func (s *records[T]) appendEvents(ctx context.Context, tx bun.Tx, events []timeline.Event) error {
	for _, e := range events {
		details, err := json.Marshal(e.Details)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+s.events+" (subject, seq, at, actor, action, channel, details, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			e.Subject, e.Seq, e.At.UnixNano(), e.Actor, e.Action, e.Channel, string(details), e.Prev.String(), e.Hash.String()); err != nil {
			return err
		}
	}
	return nil
}

// wrap turns a unique-key violation into Conflict and leaves coded errors
// as they are.
func (s *records[T]) wrap(err error, id string) error {
	var coded *fourplusn.Error
	if errors.As(err, &coded) {
		return err
	}
	msg := err.Error()
	if strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE=23505") || strings.Contains(msg, "duplicate key value") {
		return fourplusn.Errorf(fourplusn.Conflict, "%s %s: already exists or its tracking code is taken", s.kind, id)
	}
	return fmt.Errorf("bunstore: %s %s: %w", s.kind, id, err)
}

func (s *records[T]) get(ctx context.Context, id string) (*T, error) {
	return s.getBy(ctx, "id", id)
}

func (s *records[T]) getBy(ctx context.Context, col, value string) (*T, error) {
	var data string
	err := s.db.read.QueryRowContext(ctx, "SELECT data FROM "+s.table+" WHERE "+col+" = ?", value).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fourplusn.Errorf(fourplusn.NotFound, "%s %s not found", s.kind, value)
	}
	if err != nil {
		return nil, fmt.Errorf("bunstore: get %s %s: %w", s.kind, value, err)
	}
	return s.decode(data)
}

func (s *records[T]) decode(data string) (*T, error) {
	r := new(T)
	if err := json.Unmarshal([]byte(data), r); err != nil {
		return nil, fmt.Errorf("bunstore: decode %s: %w", s.kind, err)
	}
	return r, nil
}

// update runs fn on record id in one transaction and saves the result with
// its events, unless fn fails or version is stale.
func (s *records[T]) update(ctx context.Context, id string, version int64, fn func(*T) ([]timeline.Event, error)) (*T, error) {
	var out *T
	err := s.db.write.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		lock := ""
		if s.db.postgres {
			lock = " FOR UPDATE"
		}
		var data string
		err := tx.QueryRowContext(ctx, "SELECT data FROM "+s.table+" WHERE id = ?"+lock, id).Scan(&data)
		if errors.Is(err, sql.ErrNoRows) {
			return fourplusn.Errorf(fourplusn.NotFound, "%s %s not found", s.kind, id)
		}
		if err != nil {
			return err
		}
		r, err := s.decode(data)
		if err != nil {
			return err
		}
		current := *s.version(r)
		if version != 0 && version != current {
			return fourplusn.Errorf(fourplusn.Conflict, "%s %s was changed (now version %d, not %d): reload it and try again", s.kind, id, current, version)
		}
		events, err := fn(r)
		if err != nil {
			return err
		}
		*s.version(r) = current + 1
		if err := s.save(ctx, tx, r, current); err != nil {
			return err
		}
		if err := s.appendEvents(ctx, tx, events); err != nil {
			return err
		}
		out = r
		return s.after(ctx, tx, r)
	})
	if err != nil {
		return nil, s.wrap(err, id)
	}
	return out, nil
}

// save writes r over the row of version old; no row means another writer
// got there first.
func (s *records[T]) save(ctx context.Context, tx bun.Tx, r *T, old int64) error {
	cols := s.columns(r)
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	sets := make([]string, 0, len(cols))
	args := make([]any, 0, len(cols)+3)
	for _, c := range cols[1:] {
		sets = append(sets, c.name+" = ?")
		args = append(args, c.value)
	}
	sets = append(sets, "data = ?")
	args = append(args, string(data), s.id(r), old)
	res, err := tx.ExecContext(ctx, "UPDATE "+s.table+" SET "+strings.Join(sets, ", ")+" WHERE id = ? AND version = ?", args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fourplusn.Errorf(fourplusn.Conflict, "%s %s was changed meanwhile: reload it and try again", s.kind, s.id(r))
	}
	return nil
}

// list returns up to limit records matching where, newest first, with the
// cursor of the next page.
func (s *records[T]) list(ctx context.Context, w where, before string, limit int) ([]*T, string, error) {
	if before != "" {
		w.add("id < ?", before)
	}
	q := "SELECT data FROM " + s.table + w.sql() + " ORDER BY id DESC LIMIT ?"
	rows, err := s.db.read.QueryContext(ctx, q, append(w.args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("bunstore: list %ss: %w", s.kind, err)
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, "", err
		}
		r, err := s.decode(data)
		if err != nil {
			return nil, "", err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	if len(out) > limit {
		out = out[:limit]
		return out, s.id(out[limit-1]), nil
	}
	return out, "", nil
}

func (s *records[T]) timeline(ctx context.Context, id string) ([]timeline.Event, error) {
	if _, err := s.get(ctx, id); err != nil {
		return nil, err
	}
	rows, err := s.db.read.QueryContext(ctx, "SELECT seq, at, actor, action, channel, details, prev, hash FROM "+s.events+" WHERE subject = ? ORDER BY seq", id)
	if err != nil {
		return nil, fmt.Errorf("bunstore: timeline of %s %s: %w", s.kind, id, err)
	}
	defer rows.Close()
	var out []timeline.Event
	for rows.Next() {
		e := timeline.Event{Subject: id}
		var at int64
		var details, prev, hash string
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Channel, &details, &prev, &hash); err != nil {
			return nil, err
		}
		e.At = time.Unix(0, at).UTC()
		if err := json.Unmarshal([]byte(details), &e.Details); err != nil {
			return nil, fmt.Errorf("bunstore: event %d of %s: %w", e.Seq, id, err)
		}
		if e.Prev, err = timeline.ParseHash(prev); err != nil {
			return nil, err
		}
		if e.Hash, err = timeline.ParseHash(hash); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// where builds a WHERE clause from conditions joined by AND.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// subtree returns the condition that col holds a path in one of the
// subtrees, and its arguments: the path itself or the range of its
// descendants' paths, which an index on col answers.
func subtree(col string, within []grid.Path) (string, []any) {
	if len(within) == 0 {
		return "1 = 0", nil
	}
	var conds []string
	var args []any
	for _, p := range within {
		s := p.String()
		conds = append(conds, "("+col+" = ? OR ("+col+" >= ? AND "+col+" < ?))")
		args = append(args, s, s+"/", s+"0")
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// nanos stores a time as Unix nanoseconds, and the zero time as NULL.
func nanos(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// levels returns the IDs of p's cell and ancestors at levels 1 to 5, ""
// where p has none, for grouping by cell at a level.
func levels(p grid.Path) []column {
	cols := make([]column, grid.MaxLevel)
	for l := grid.Level(1); l <= grid.MaxLevel; l++ {
		cols[l-1] = column{fmt.Sprintf("l%d", l), string(p.At(l))}
	}
	return cols
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
