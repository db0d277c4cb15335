package bunstore

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// series is the register a case is numbered in: its township's of a year.
type series struct {
	township grid.CellID
	year     int
}

// nextNumber takes the next sequence of a township's register of a year,
// 1 for the first, and returns it. The counter's row stays locked until
// the transaction ends — SQLite's one writer, PostgreSQL's row lock — so
// that a concurrent Create waits for this one's number to be used or
// given back.
const nextNumber = "INSERT INTO case_numbers (township, year, last_seq) VALUES (?, ?, 1) " +
	"ON CONFLICT (township, year) DO UPDATE SET last_seq = case_numbers.last_seq + 1 RETURNING last_seq"

// numberCase gives c the next number of its township and year, in the
// transaction that inserts it.
func numberCase(ctx context.Context, tx writeTx, c *mediation.Case) error {
	var seq int
	if err := tx.queryRow(ctx, nextNumber, string(c.Township), c.Number.Year).Scan(&seq); err != nil {
		return fmt.Errorf("number: %w", err)
	}
	var err error
	c.Number, err = c.Number.WithSeq(seq)
	return err
}

// raiseCounters raises the counter of each register in last to at least
// the sequence last gives it, so that the next case numbered there comes
// after it. The rows are written in the registers' order, so that two
// transactions raising the same counters lock them in one order.
func raiseCounters(ctx context.Context, tx writeTx, last map[series]int) error {
	keys := slices.SortedFunc(maps.Keys(last), func(a, b series) int {
		return cmp.Or(cmp.Compare(a.township, b.township), cmp.Compare(a.year, b.year))
	})
	rows := make([][]any, len(keys))
	for i, k := range keys {
		rows[i] = []any{string(k.township), k.year, last[k]}
	}
	return tx.insertRows(ctx, "INSERT INTO case_numbers (township, year, last_seq)",
		" ON CONFLICT (township, year) DO UPDATE SET last_seq = "+
			"CASE WHEN excluded.last_seq > case_numbers.last_seq THEN excluded.last_seq ELSE case_numbers.last_seq END", rows)
}

// migrateNumbers is the migration 20261201000008, the one written in Go:
// it gives the cases table the columns of a case's number, the counters
// of numbers given, and the unique index that keeps a township's numbers
// of a year apart, and numbers the cases stored before numbers existed.
// SQL alone could not do it safely: SQLite has no ADD COLUMN IF NOT
// EXISTS, and the numbering follows the domain's rules. It runs in one
// transaction — SQLite's one writer, on PostgreSQL with the table locked
// — so that programs opening the database at once do it once, and every
// step is safe to repeat.
//
// The columns hold what the case's JSON holds in Number, for the lookup
// by number and the index; case_numbers holds each township's and year's
// last sequence given, which Create raises by one in the transaction that
// stores the case.
func (db *DB) migrateNumbers(ctx context.Context) error {
	return db.runInTx(ctx, func(ctx context.Context, tx writeTx) error {
		has, err := db.lockedColumn(ctx, tx, "cases", "number_seq")
		if err != nil {
			return err
		}
		collate := ""
		if db.postgres {
			collate = ` COLLATE "C"`
		}
		steps := []string{"CREATE TABLE IF NOT EXISTS case_numbers (township TEXT" + collate + " NOT NULL, year INTEGER NOT NULL, last_seq BIGINT NOT NULL, PRIMARY KEY (township, year))"}
		if !has {
			steps = append(steps,
				"ALTER TABLE cases ADD COLUMN number_prefix TEXT NOT NULL DEFAULT ''",
				"ALTER TABLE cases ADD COLUMN number_year INTEGER NOT NULL DEFAULT 0",
				"ALTER TABLE cases ADD COLUMN number_seq BIGINT NOT NULL DEFAULT 0")
		}
		for _, q := range steps {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		if err := db.numberCases(ctx, tx); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "CREATE UNIQUE INDEX IF NOT EXISTS cases_number ON cases (township, number_year, number_seq)")
		return err
	})
}

// lockedColumn reports whether table has column, after locking the
// table on PostgreSQL (SQLite's one writer needs no lock), so that a
// migration adding the column does it once however many programs open
// the database at once.
func (db *DB) lockedColumn(ctx context.Context, tx writeTx, table, column string) (bool, error) {
	q, args := "SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?", []any{table, column}
	if db.postgres {
		if _, err := tx.ExecContext(ctx, "LOCK TABLE "+table+" IN ACCESS EXCLUSIVE MODE"); err != nil {
			return false, err
		}
		q = "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?"
	}
	var n int
	err := tx.QueryRowContext(ctx, q, args...).Scan(&n)
	return n > 0, err
}

// migrateSuspended is the migration 20261201000016, written in Go for the
// reason migrateNumbers is: it gives the cases table the column suspended,
// whether a case's mediation stands still while a party is awaited
// (mediation.Case.Suspended), by which the list's filter of overdue cases
// leaves such a case out. No case was suspended before it existed.
func (db *DB) migrateSuspended(ctx context.Context) error {
	return db.runInTx(ctx, func(ctx context.Context, tx writeTx) error {
		has, err := db.lockedColumn(ctx, tx, "cases", "suspended")
		if err != nil || has {
			return err
		}
		_, err = tx.ExecContext(ctx, "ALTER TABLE cases ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0")
		return err
	})
}

// numberCases numbers the cases stored before cases had numbers, each
// register's in the order they were registered, from after what its
// counter has given (from 1, as no counter is set before numbers exist).
// A case's year is that of its registration in work.Zone, and its prefix
// DefaultNumberPrefix of its township's name as the database holds it (调
// alone for a township the database holds no cell of): the prefixes a
// township sets in its rules are the Service's, which the store does not
// know, and number the cases registered from then on. Only cases without
// a number are numbered.
func (db *DB) numberCases(ctx context.Context, tx writeTx) error {
	prefixes := map[grid.CellID]string{}
	err := scanAll(ctx, tx, "SELECT DISTINCT c.township, COALESCE(g.name, '') FROM cases AS c LEFT JOIN grid_cells AS g ON g.id = c.township WHERE c.number_seq = 0",
		func(scan func(...any) error) error {
			var township, name string
			if err := scan(&township, &name); err != nil {
				return err
			}
			prefixes[grid.CellID(township)] = mediation.DefaultNumberPrefix(name)
			return nil
		})
	if err != nil || len(prefixes) == 0 {
		return err
	}
	last := map[series]int{}
	err = scanAll(ctx, tx, "SELECT township, year, last_seq FROM case_numbers", func(scan func(...any) error) error {
		var township string
		var k series
		var seq int
		if err := scan(&township, &k.year, &seq); err != nil {
			return err
		}
		k.township = grid.CellID(township)
		last[k] = seq
		return nil
	})
	if err != nil {
		return err
	}
	type numbered struct {
		id string
		n  mediation.Number
	}
	var cases []numbered
	err = scanAll(ctx, tx, "SELECT id, township, registered_at FROM cases WHERE number_seq = 0 ORDER BY registered_at, id", func(scan func(...any) error) error {
		var id, township string
		var at int64
		if err := scan(&id, &township, &at); err != nil {
			return err
		}
		k := series{grid.CellID(township), timeFromColumn(at).In(work.Zone).Year()}
		last[k]++
		cases = append(cases, numbered{id, mediation.Number{Prefix: prefixes[k.township], Year: k.year, Seq: last[k]}})
		return nil
	})
	if err != nil {
		return err
	}
	// The JSON of a case holds its number too.
	setJSON := "json_set(data, '$.Number', json(?))"
	if db.postgres {
		setJSON = "jsonb_set(data::jsonb, '{Number}', CAST(? AS jsonb))::text"
	}
	// Prepared for this transaction alone: it runs once per case, and
	// never again once the migration is done.
	stmt, err := tx.Tx.Tx.PrepareContext(ctx, db.placeholders("UPDATE cases SET number_prefix = ?, number_year = ?, number_seq = ?, data = "+setJSON+" WHERE id = ?"))
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, c := range cases {
		n, err := json.Marshal(c.n)
		if err != nil {
			return err
		}
		if _, err := stmt.ExecContext(ctx, c.n.Prefix, c.n.Year, c.n.Seq, string(n), c.id); err != nil {
			return fmt.Errorf("number case %s: %w", c.id, err)
		}
	}
	return raiseCounters(ctx, tx, last)
}

// scanAll runs query with args in tx and calls row for each row it returns, with the
// function that scans it.
func scanAll(ctx context.Context, tx writeTx, query string, row func(scan func(...any) error) error, args ...any) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}
