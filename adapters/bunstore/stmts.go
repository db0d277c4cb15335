package bunstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/uptrace/bun"

	"github.com/fourplusn/fourplusn/internal/sqltext"
)

// statements are the writer's statements of fixed text, each prepared once.
// bun writes a query's arguments into its text, so the database parses
// every statement it is sent anew; for the few statements every write
// runs, parsing was a third of a registration's time.
//
// A statement is prepared after the first transaction that runs it: on
// SQLite the transaction holds the writer's one connection, and preparing
// on the pool inside it would wait for that connection forever.
type statements struct {
	mu       sync.Mutex
	prepared map[string]*sql.Stmt
	wanted   map[string]bool // run unprepared, to be prepared
}

// lookup returns query's prepared statement, or nil, noting that it is
// wanted. A query says "?" for each argument on both engines.
func (s *statements) lookup(query string) *sql.Stmt {
	s.mu.Lock()
	defer s.mu.Unlock()
	if stmt, ok := s.prepared[query]; ok {
		return stmt
	}
	if s.wanted == nil {
		s.wanted = map[string]bool{}
	}
	s.wanted[query] = true
	return nil
}

// prepareWanted prepares the statements wanted so far. It waits for the
// writer to be free, and holds no lock meanwhile, nor while it closes a
// statement: a transaction holding the writer must be able to look its
// statements up. One that fails to
// prepare is left to run unprepared, and wanted again.
func (s *statements) prepareWanted(ctx context.Context, db *DB) {
	s.mu.Lock()
	wanted := s.wanted
	s.wanted = nil
	s.mu.Unlock()
	for query := range wanted {
		stmt, err := db.write.DB.PrepareContext(ctx, db.placeholders(query))
		s.mu.Lock()
		duplicate := err == nil && s.prepared[query] != nil // prepared meanwhile by another
		switch {
		case err != nil:
			if s.wanted == nil {
				s.wanted = map[string]bool{}
			}
			s.wanted[query] = true
		case !duplicate:
			if s.prepared == nil {
				s.prepared = map[string]*sql.Stmt{}
			}
			s.prepared[query] = stmt
		}
		s.mu.Unlock()
		// Closed without the lock: closing waits for each connection the
		// statement was prepared on to be free, and one may be in a
		// transaction waiting for a row another holds — whose holder needs
		// the lock to look its statements up.
		if duplicate {
			stmt.Close()
		}
	}
}

// close closes every prepared statement.
func (s *statements) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var err error
	for _, stmt := range s.prepared {
		err = errors.Join(err, stmt.Close())
	}
	s.prepared = nil
	return err
}

// placeholders returns query, written with "?" for each argument, as the
// engine takes it: PostgreSQL numbers them $1, $2, … The store's
// statements of fixed text hold no "?" but placeholders.
func (db *DB) placeholders(query string) string {
	if !db.postgres {
		return query
	}
	return sqltext.Numbered(query)
}

// writeTx is a transaction on the writer that runs statements of fixed
// text from the prepared ones.
type writeTx struct {
	bun.Tx
	db *DB
	// pending are the changes announced in the transaction, published
	// when it commits (SQLite; see announce).
	pending *[]Change
}

// exec runs query, a statement of fixed text, with args.
func (tx writeTx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if stmt := tx.db.statements.lookup(query); stmt != nil {
		return tx.Tx.Tx.StmtContext(ctx, stmt).ExecContext(ctx, args...)
	}
	return tx.Tx.Tx.ExecContext(ctx, tx.db.placeholders(query), args...)
}

// queryRow runs query, a statement of fixed text that returns one row,
// with args.
func (tx writeTx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if stmt := tx.db.statements.lookup(query); stmt != nil {
		return tx.Tx.Tx.StmtContext(ctx, stmt).QueryRowContext(ctx, args...)
	}
	return tx.Tx.Tx.QueryRowContext(ctx, tx.db.placeholders(query), args...)
}

// query runs query, a statement of fixed text, with args, and gives its
// rows to read.
func (tx writeTx) query(ctx context.Context, query string, args []any, read func(*sql.Rows) error) error {
	var rows *sql.Rows
	var err error
	if stmt := tx.db.statements.lookup(query); stmt != nil {
		rows, err = tx.Tx.Tx.StmtContext(ctx, stmt).QueryContext(ctx, args...)
	} else {
		rows, err = tx.Tx.Tx.QueryContext(ctx, tx.db.placeholders(query), args...)
	}
	if err != nil {
		return err
	}
	defer rows.Close()
	return read(rows)
}

// rowsPerInsert is the most rows one statement of insertRows writes.
const rowsPerInsert = 64

// insertRows runs "head VALUES (…), (…) tail" for rows, each a row of
// values, in order. It writes as many rows a statement as it can in a few
// fixed shapes — 64 rows, then what is left in halving steps (32, 16, …,
// 1) — so that the statements are prepared once like any other of fixed
// text, and a change costs a statement, not a row, each: on PostgreSQL
// each statement is a round trip to the server.
func (tx writeTx) insertRows(ctx context.Context, head, tail string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0])
	one := "(?" + strings.Repeat(", ?", width-1) + ")"
	for len(rows) > 0 {
		n := rowsPerInsert
		for n > len(rows) {
			n /= 2
		}
		q := head + " VALUES " + one + strings.Repeat(", "+one, n-1) + tail
		args := make([]any, 0, n*width)
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if _, err := tx.exec(ctx, q, args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// inChunks runs head, a list of placeholders, and tail for values, as
// many values a statement as insertRows writes rows and in the same fixed
// shapes, with the arguments before and after the list's. With read set,
// each statement is a query whose rows read is given; else it is run.
func (tx writeTx) inChunks(ctx context.Context, head, tail string, values []string, before, after []any, read func(*sql.Rows) error) error {
	for len(values) > 0 {
		n := rowsPerInsert
		for n > len(values) {
			n /= 2
		}
		q := head + "(?" + strings.Repeat(", ?", n-1) + ")" + tail
		args := slices.Clone(before)
		for _, v := range values[:n] {
			args = append(args, v)
		}
		args = append(args, after...)
		if read == nil {
			if _, err := tx.exec(ctx, q, args...); err != nil {
				return err
			}
		} else if err := tx.query(ctx, q, args, read); err != nil {
			return err
		}
		values = values[n:]
	}
	return nil
}

// runInTx runs fn in a transaction on the writer; see bun.DB.RunInTx. A
// transaction refused for want of room fails with an Unavailable error.
func (db *DB) runInTx(ctx context.Context, fn func(ctx context.Context, tx writeTx) error) error {
	var pending []Change
	err := db.write.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		pending = pending[:0] // of this attempt only
		return fn(ctx, writeTx{Tx: tx, db: db, pending: &pending})
	})
	if err == nil {
		for _, c := range pending {
			db.changes.publish(c)
		}
	}
	db.statements.prepareWanted(ctx, db)
	return unavailable(err)
}
