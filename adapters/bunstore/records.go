package bunstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun/driver/pgdriver"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
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
	cache               *cache[T]
	kind                string       // "case", "hazard": for error messages
	imports             *importStats // this kind's records imported, for tidyImported
	table, events, keys string
	id                  func(*T) string
	township            func(*T) string // the township the record and its rows belong to
	version             func(*T) *int64
	chain               func(*T) timeline.Chain
	columns             func(*T) []column // every column but data, id first
	// saveMore writes what the record keeps in further tables, in the
	// transaction that writes the record; old is the record as it was
	// before an update, nil for a new one.
	saveMore func(ctx context.Context, tx writeTx, old, r *T) error
	// importMore is saveMore for a batch of new records at once, which
	// may write less than saveMore record by record; nil means saveMore
	// for each.
	importMore func(ctx context.Context, tx writeTx, rs []*T) error
	// number, if set, gives a new record its number in the transaction
	// that inserts it, before the insert; keep, if set, copies the
	// number of the stored record onto its update, which keeps it.
	number func(ctx context.Context, tx writeTx, r *T) error
	keep   func(from, to *T)
}

// errKeyRace reports that a concurrent Create under the same idempotency
// key committed first; the Create starts again and finds that key.
var errKeyRace = errors.New("bunstore: idempotency key taken concurrently")

// create inserts r and its first events, or under a key already used
// returns the record that key created (Conflict if the fingerprint
// differs).
func (s *records[T]) create(ctx context.Context, r *T, events []timeline.Event, scope, key, fingerprint string) (*T, error) {
	id := s.id(r)
	var prior string
	attempt := func(ctx context.Context, tx writeTx) error {
		prior = ""
		if key != "" {
			var fp, kid string
			err := tx.QueryRowContext(ctx, "SELECT fingerprint, record_id FROM "+s.keys+" WHERE township = ? AND scope = ? AND ikey = ?", s.township(r), scope, key).Scan(&fp, &kid)
			switch {
			case err == nil && fp != fingerprint:
				return fourplusn.Errorf(fourplusn.Conflict, "idempotency key %q was already used for another request", key)
			case err == nil:
				prior = kid
				return nil
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}
		// A number taken here is given back with everything else if the
		// transaction rolls back: a refused Create leaves no gap.
		if s.number != nil {
			if err := s.number(ctx, tx, r); err != nil {
				return err
			}
		}
		if err := s.insert(ctx, tx, r); err != nil {
			return err
		}
		if err := s.appendEvents(ctx, tx, s.township(r), id, events); err != nil {
			return err
		}
		if s.saveMore != nil {
			if err := s.saveMore(ctx, tx, nil, r); err != nil {
				return err
			}
		}
		if err := tx.announce(ctx, Change{Topic: s.kind, ID: id}); err != nil {
			return err
		}
		if key == "" {
			return nil
		}
		// The key goes in last, and DO NOTHING waits for a concurrent
		// transaction that inserted it to end: if it committed, this one
		// rolls back and starts again, and then finds the key.
		res, err := tx.exec(ctx, "INSERT INTO "+s.keys+" (township, scope, ikey, fingerprint, record_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT (township, scope, ikey) DO NOTHING", s.township(r), scope, key, fingerprint, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errKeyRace
		}
		return nil
	}
	err := s.db.runInTx(ctx, attempt)
	// Only PostgreSQL runs two Creates at once: it may lose the race for the
	// key, or, when both retries reuse one record ID, for the ID. Once more,
	// from the start, sees what the winner committed.
	if key != "" && (errors.Is(err, errKeyRace) || isUniqueViolation(err)) {
		err = s.db.runInTx(ctx, attempt)
	}
	if err != nil {
		return nil, s.wrap(err, id)
	}
	if prior != "" {
		return s.get(ctx, prior)
	}
	s.cache.put(id, *s.version(r), r)
	return r, nil
}

// Loaded is a record made elsewhere with its whole timeline, for Import.
type Loaded[T any] struct {
	Record *T
	Events []timeline.Event
}

// importAll stores a batch of records with their timelines in one
// transaction, all or none, after checking each timeline against its
// record's chain: an import must not bring in evidence that does not
// verify.
func (s *records[T]) importAll(ctx context.Context, batch []Loaded[T]) error {
	for i, l := range batch {
		if err := timeline.Verify(s.id(l.Record), l.Events, s.chain(l.Record)); err != nil {
			// Broken on the way in is bad input, not a fault of the store.
			return &fourplusn.Error{Code: fourplusn.Invalid, Field: fmt.Sprintf("[%d].events", i), Message: err.Error(), Err: err}
		}
	}
	var failed string
	err := s.db.runInTx(ctx, func(ctx context.Context, tx writeTx) error {
		rs := make([]*T, len(batch))
		for i, l := range batch {
			failed = s.id(l.Record)
			if err := s.insert(ctx, tx, l.Record); err != nil {
				return err
			}
			if err := s.appendEvents(ctx, tx, s.township(l.Record), failed, l.Events); err != nil {
				return err
			}
			if s.saveMore != nil && s.importMore == nil {
				if err := s.saveMore(ctx, tx, nil, l.Record); err != nil {
					return err
				}
			}
			rs[i] = l.Record
		}
		failed = ""
		if s.importMore != nil {
			if err := s.importMore(ctx, tx, rs); err != nil {
				return err
			}
		}
		// One announcement for the batch, not one a record: an import
		// may bring a township's whole history.
		return tx.announce(ctx, Change{Topic: s.kind})
	})
	if err != nil {
		return s.wrap(err, failed)
	}
	s.db.tidyImported(ctx, s.imports, len(batch))
	return nil
}

func (s *records[T]) insert(ctx context.Context, tx writeTx, r *T) error {
	cols := s.columns(r)
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode %s: %w", s.kind, err)
	}
	names := make([]string, 0, len(cols)+1)
	args := make([]any, 0, len(cols)+1)
	for _, c := range cols {
		names = append(names, c.name)
		args = append(args, c.value)
	}
	names, args = append(names, "data"), append(args, string(data))
	q := "INSERT INTO " + s.table + " (" + strings.Join(names, ", ") + ") VALUES (" + strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", ") + ")"
	_, err = tx.exec(ctx, q, args...)
	return err
}

// appendEvents adds events to the timeline of record id. They are filed
// under id whatever their Subject says, as the memory store does; an event
// sealed for another subject then fails timeline.Verify, which is where
// such a mistake belongs to be caught.
func (s *records[T]) appendEvents(ctx context.Context, tx writeTx, township, id string, events []timeline.Event) error {
	rows, err := eventRows(id, events, true)
	for i, r := range rows {
		rows[i] = append([]any{township}, r...)
	}
	if err != nil {
		return err
	}
	if err := tx.insertRows(ctx, "INSERT INTO "+s.events+" (township, subject, seq, at, actor, action, channel, details, prev, hash)", "", rows); err != nil {
		return err
	}
	return s.db.notifyChange(ctx, tx, s.kind, id, events) // the outbox, in the same transaction
}

// isUniqueViolation reports whether err is a unique or primary key
// violation on either engine.
func isUniqueViolation(err error) bool {
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		return lite.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || lite.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pg pgdriver.Error
	if errors.As(err, &pg) {
		return pg.Field('C') == "23505" // unique_violation
	}
	return false
}

// wrap turns a unique violation into Conflict, leaves coded errors and
// context errors as they are, and wraps the rest.
func (s *records[T]) wrap(err error, id string) error {
	var coded *fourplusn.Error
	switch {
	case errors.As(err, &coded):
		return err
	case isUniqueViolation(err):
		return &fourplusn.Error{Code: fourplusn.Conflict, Message: fmt.Sprintf("%s %s already exists, or its tracking code, its number or an event of it does", s.kind, id), Err: err}
	}
	return fmt.Errorf("bunstore: %s %s: %w", s.kind, id, err)
}

// get reads record id: from the cache when the database holds the
// version cached, else decoded from the database and cached.
func (s *records[T]) get(ctx context.Context, id string) (*T, error) {
	seen, ok := s.cache.lookup(id)
	var known any // NULL, equal to no version, when none is cached
	if ok {
		known = seen.version
	}
	var version int64
	var data sql.NullString
	// A lookup by primary key takes microseconds, too few to interrupt: a
	// context ended already fails it, but one that may end is not watched,
	// as database/sql and the driver would each start a goroutine to watch
	// it, which costs more than the lookup.
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("bunstore: get %s %s: %w", s.kind, id, err)
	}
	err := s.cache.get.QueryRowContext(context.WithoutCancel(ctx), known, id).Scan(&version, &data)
	if errors.Is(err, sql.ErrNoRows) {
		s.cache.drop(id)
		return nil, fourplusn.Errorf(fourplusn.NotFound, "%s %s not found", s.kind, id)
	}
	if err != nil {
		return nil, fmt.Errorf("bunstore: get %s %s: %w", s.kind, id, err)
	}
	if !data.Valid {
		return s.cache.clone(seen.r), nil
	}
	r, err := s.decode(data.String)
	if err != nil {
		return nil, err
	}
	s.cache.put(id, version, r)
	return r, nil
}

// getBy reads the one record matching w, which what names in errors.
func (s *records[T]) getBy(ctx context.Context, what string, w where) (*T, error) {
	var data string
	err := s.db.read.QueryRowContext(ctx, "SELECT data FROM "+s.table+w.sql(), w.args...).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fourplusn.Errorf(fourplusn.NotFound, "%s %s not found", s.kind, what)
	}
	if err != nil {
		return nil, fmt.Errorf("bunstore: get %s %s: %w", s.kind, what, err)
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
	err := s.db.runInTx(ctx, func(ctx context.Context, tx writeTx) error {
		// SQLite needs no lock: the transaction is IMMEDIATE on the one
		// writer connection, so no other write runs until it ends.
		// PostgreSQL locks the row, and a concurrent Update waits here and
		// then reads the version this one saves.
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
		var old *T // r as it was, for saveMore and keep: fn changes r
		if s.saveMore != nil || s.keep != nil {
			if old, err = s.decode(data); err != nil {
				return err
			}
		}
		current := *s.version(r)
		if version != 0 && version != current {
			return fourplusn.Errorf(fourplusn.Conflict, "%s %s was changed (now version %d, not %d): reload it and try again", s.kind, id, current, version)
		}
		events, err := fn(r)
		if err != nil {
			return err
		}
		if s.keep != nil {
			s.keep(old, r)
		}
		*s.version(r) = current + 1
		if err := s.save(ctx, tx, r, id, current); err != nil {
			return err
		}
		if err := s.appendEvents(ctx, tx, s.township(r), id, events); err != nil {
			return err
		}
		if s.saveMore != nil {
			if err := s.saveMore(ctx, tx, old, r); err != nil {
				return err
			}
		}
		if err := tx.announce(ctx, Change{Topic: s.kind, ID: id}); err != nil {
			return err
		}
		out = r
		return nil
	})
	if err != nil {
		return nil, s.wrap(err, id)
	}
	s.cache.put(id, *s.version(out), out)
	return out, nil
}

// save writes r over the row id of version old. The row is locked or the
// writer exclusive, so no row is a bug; it is still reported as the
// conflict it would be, rather than trusted away.
func (s *records[T]) save(ctx context.Context, tx writeTx, r *T, id string, old int64) error {
	cols := s.columns(r)
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode %s: %w", s.kind, err)
	}
	sets := make([]string, 0, len(cols))
	args := make([]any, 0, len(cols)+3)
	for _, c := range cols[1:] {
		sets = append(sets, c.name+" = ?")
		args = append(args, c.value)
	}
	sets = append(sets, "data = ?")
	// The WHERE names the row read, not fn's idea of the ID: fn may not
	// move a record to another ID.
	args = append(args, string(data), id, old)
	res, err := tx.exec(ctx, "UPDATE "+s.table+" SET "+strings.Join(sets, ", ")+" WHERE id = ? AND version = ?", args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fourplusn.Errorf(fourplusn.Conflict, "%s %s was changed meanwhile: reload it and try again", s.kind, id)
	}
	return nil
}

// list returns up to limit records matching w and in one of states (any
// state if none), newest first, with the cursor of the next page. It asks
// for one more than a page to learn whether another page follows.
//
// The page's IDs are found first, each state on its own: the index on
// (township, state, id, paths…) then gives one state's newest matches in
// order, index only, while "state IN (…)" would have the engine collect
// and sort every match of every state. The records are read last, by ID.
func (s *records[T]) list(ctx context.Context, w where, states []string, before string, limit int) ([]*T, string, error) {
	if before != "" {
		w.add("id < ?", before)
	}
	if len(states) == 0 {
		states = []string{""}
	}
	var parts []string
	var args []any
	for i, st := range states {
		sw := where{conds: slices.Clone(w.conds), args: slices.Clone(w.args)}
		if st != "" {
			sw.add("state = ?", st)
		}
		parts = append(parts, fmt.Sprintf("SELECT id FROM (SELECT id FROM %s%s ORDER BY id DESC LIMIT ?) AS s%d", s.table, sw.sql(), i))
		args = append(append(args, sw.args...), limit+1)
	}
	// The merge keeps only the page's IDs, so that no other record is read.
	q := "SELECT data FROM " + s.table + " WHERE id IN (SELECT id FROM (" + strings.Join(parts, " UNION ALL ") +
		") AS page ORDER BY id DESC LIMIT ?) ORDER BY id DESC"
	args = append(args, limit+1)
	rows, err := s.db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("bunstore: list %ss: %w", s.kind, err)
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, "", fmt.Errorf("bunstore: list %ss: %w", s.kind, err)
		}
		r, err := s.decode(data)
		if err != nil {
			return nil, "", err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("bunstore: list %ss: %w", s.kind, err)
	}
	if len(out) > limit {
		out = out[:limit]
		return out, s.id(out[limit-1]), nil
	}
	return out, "", nil
}

func (s *records[T]) timeline(ctx context.Context, id string) ([]timeline.Event, error) {
	var exists int
	err := s.db.read.QueryRowContext(ctx, "SELECT 1 FROM "+s.table+" WHERE id = ?", id).Scan(&exists)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fourplusn.Errorf(fourplusn.NotFound, "%s %s not found", s.kind, id)
	}
	if err != nil {
		return nil, fmt.Errorf("bunstore: timeline of %s %s: %w", s.kind, id, err)
	}
	rows, err := s.db.read.QueryContext(ctx, "SELECT seq, at, actor, action, channel, details, prev, hash FROM "+s.events+" WHERE subject = ? ORDER BY seq", id)
	if err != nil {
		return nil, fmt.Errorf("bunstore: timeline of %s %s: %w", s.kind, id, err)
	}
	events, err := scanEvents(rows, id)
	if err != nil {
		return nil, fmt.Errorf("bunstore: timeline of %s %s: %w", s.kind, id, err)
	}
	return events, nil
}

// eventRows returns the rows that store events of subject: subject, seq,
// at, actor, action, then the channel if withChannel, then details, prev
// and hash.
func eventRows(subject string, events []timeline.Event, withChannel bool) ([][]any, error) {
	rows := make([][]any, len(events))
	for i, e := range events {
		details, err := json.Marshal(e.Details)
		if err != nil {
			return nil, fmt.Errorf("encode event %d: %w", e.Seq, err)
		}
		row := []any{subject, e.Seq, timeColumn(e.At), e.Actor, e.Action}
		if withChannel {
			row = append(row, e.Channel)
		}
		rows[i] = append(row, string(details), e.Prev.String(), e.Hash.String())
	}
	return rows, nil
}

// scanEvents reads the events of subject that rows hold, as seq, at,
// actor, action, channel, details, prev and hash, and closes rows.
func scanEvents(rows *sql.Rows, subject string) ([]timeline.Event, error) {
	defer rows.Close()
	var out []timeline.Event
	for rows.Next() {
		e := timeline.Event{Subject: subject}
		var at int64
		var details, prev, hash string
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Channel, &details, &prev, &hash); err != nil {
			return nil, err
		}
		e.At = timeFromColumn(at)
		if err := json.Unmarshal([]byte(details), &e.Details); err != nil {
			return nil, fmt.Errorf("event %d: %w", e.Seq, err)
		}
		var err error
		if e.Prev, err = timeline.ParseHash(prev); err != nil {
			return nil, fmt.Errorf("event %d: %w", e.Seq, err)
		}
		if e.Hash, err = timeline.ParseHash(hash); err != nil {
			return nil, fmt.Errorf("event %d: %w", e.Seq, err)
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
// descendants' paths, [P+"/", P+"0") — '0' is the byte after '/' — which
// an index on col answers. No subtree selects nothing, as grid.Path.Contains
// of no path is never true.
func subtree(col string, within []grid.Path) (string, []any) {
	var conds []string
	var args []any
	for _, p := range within {
		if p.IsZero() {
			continue // the zero Path contains nothing
		}
		s := p.String()
		conds = append(conds, "("+col+" = ? OR ("+col+" >= ? AND "+col+" < ?))")
		args = append(args, s, s+"/", s+"0")
	}
	if len(conds) == 0 {
		return "1 = 0", nil
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// scope adds the condition of whose rows a listing holds, in the order of
// the domain's filters: the rows of township whose handling or location
// path lies in one of the subtrees or, when taker is set, that taker took
// in; of those, when owner is set, only that resident's. takerCol and
// ownerCol name their columns: first_responder and applicant for cases,
// reporter and owner for hazards.
func (w *where) scope(township grid.CellID, within []grid.Path, takerCol, taker, ownerCol, owner string) {
	w.add("township = ?", string(township))
	handling, hargs := subtree("handling_path", within)
	location, largs := subtree("location_path", within)
	in := handling + " OR " + location
	args := append(hargs, largs...)
	if taker != "" {
		in += " OR " + takerCol + " = ?"
		args = append(args, taker)
	}
	w.add("("+in+")", args...)
	if owner != "" {
		w.add(ownerCol+" = ?", owner)
	}
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

// names returns the stable names of states, for a list's filter.
func names[S fmt.Stringer](states []S) []string {
	out := make([]string, len(states))
	for i, st := range states {
		out[i] = st.String()
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
