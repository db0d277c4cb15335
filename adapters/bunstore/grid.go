package bunstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
)

// Grid is the SQL store of the grid's cells, members and administration
// logs. It implements grid.Store and is safe for concurrent use.
type Grid struct {
	db *DB
}

var _ grid.Store = Grid{}

// Grid returns the database's grid store.
func (db *DB) Grid() Grid { return Grid{db: db} }

// Cells returns every cell, ordered by ID.
func (g Grid) Cells(ctx context.Context) ([]grid.Cell, error) {
	rows, err := g.db.read.QueryContext(ctx, "SELECT id, path, name, retired FROM grid_cells ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("bunstore: list cells: %w", err)
	}
	defer rows.Close()
	var cells []grid.Cell
	for rows.Next() {
		var c grid.Cell
		var path string
		var retired int
		if err := rows.Scan(&c.ID, &path, &c.Name, &retired); err != nil {
			return nil, fmt.Errorf("bunstore: list cells: %w", err)
		}
		if c.Path, err = grid.ParsePath(path); err != nil {
			return nil, fmt.Errorf("bunstore: cell %s: %w", c.ID, err)
		}
		c.Retired = retired != 0
		cells = append(cells, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("bunstore: list cells: %w", err)
	}
	return cells, nil
}

// Members returns the members of township, by ID.
func (g Grid) Members(ctx context.Context, township grid.CellID) ([]grid.Member, error) {
	rows, err := g.db.read.QueryContext(ctx, "SELECT data FROM grid_members WHERE township = ? ORDER BY id", string(township))
	if err != nil {
		return nil, fmt.Errorf("bunstore: list members: %w", err)
	}
	defer rows.Close()
	var out []grid.Member
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("bunstore: list members: %w", err)
		}
		m, err := decodeMember(data)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("bunstore: list members: %w", err)
	}
	return out, nil
}

// Member returns member id, or a NotFound error.
func (g Grid) Member(ctx context.Context, id grid.MemberID) (grid.Member, error) {
	var data string
	err := g.db.read.QueryRowContext(ctx, "SELECT data FROM grid_members WHERE id = ?", string(id)).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return grid.Member{}, fourplusn.Errorf(fourplusn.NotFound, "member %s not found", id)
	}
	if err != nil {
		return grid.Member{}, fmt.Errorf("bunstore: get member %s: %w", id, err)
	}
	return decodeMember(data)
}

func decodeMember(data string) (grid.Member, error) {
	var m grid.Member
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		return grid.Member{}, fmt.Errorf("bunstore: decode member: %w", err)
	}
	if m.Township == "" && len(m.Posts) > 0 {
		// Members stored before they named their township serve in the
		// township of their posts.
		m.Township = m.Posts[0].Cell.Township()
	}
	return m, nil
}

// Head returns where township's administration log ends.
func (g Grid) Head(ctx context.Context, township grid.CellID) (timeline.Chain, error) {
	return readHead(ctx, g.db.read, "SELECT log_len, log_head FROM grid_townships WHERE id = ?", township)
}

// queryRower is what reads one row: a pool or a transaction.
type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func readHead(ctx context.Context, db queryRower, query string, township grid.CellID) (timeline.Chain, error) {
	var c timeline.Chain
	var head string
	err := db.QueryRowContext(ctx, query, string(township)).Scan(&c.Len, &head)
	if errors.Is(err, sql.ErrNoRows) {
		return timeline.Chain{}, nil
	}
	if err != nil {
		return timeline.Chain{}, fmt.Errorf("bunstore: the log of %s: %w", township, err)
	}
	if c.Head, err = timeline.ParseHash(head); err != nil {
		return timeline.Chain{}, fmt.Errorf("bunstore: the log of %s: %w", township, err)
	}
	return c, nil
}

// Log returns township's administration log from event after+1 on, at
// most limit events (0 for all).
func (g Grid) Log(ctx context.Context, township grid.CellID, after int64, limit int) ([]timeline.Event, error) {
	q := "SELECT seq, at, actor, action, '', details, prev, hash FROM grid_log WHERE township = ? AND seq > ? ORDER BY seq"
	args := []any{string(township), after}
	if limit > 0 {
		q += " LIMIT ?"
		args = append(args, limit)
	}
	rows, err := g.db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("bunstore: the log of %s: %w", township, err)
	}
	events, err := scanEvents(rows, string(township))
	if err != nil {
		return nil, fmt.Errorf("bunstore: the log of %s: %w", township, err)
	}
	return events, nil
}

// Apply stores a change of township's grid in one transaction, if the
// township's log still ends at base.
func (g Grid) Apply(ctx context.Context, township grid.CellID, base timeline.Chain, ch grid.Change) error {
	if err := ch.Validate(township, base); err != nil {
		return err
	}
	cells := make([][]any, len(ch.Cells))
	for i, c := range ch.Cells {
		cells[i] = []any{string(c.ID), c.Path.String(), c.Name, boolInt(c.Retired)}
	}
	members := make([][]any, len(ch.Members))
	for i, m := range ch.Members {
		data, err := json.Marshal(m)
		if err != nil {
			return fmt.Errorf("bunstore: encode member %s: %w", m.ID, err)
		}
		members[i] = []any{string(m.ID), string(m.Township), string(data)}
	}
	events, err := eventRows(string(township), ch.Events, false)
	if err != nil {
		return err
	}
	end := ch.End(base)
	lock := ""
	if g.db.postgres {
		lock = " FOR UPDATE"
	}
	err = g.db.runInTx(ctx, func(ctx context.Context, tx writeTx) error {
		stored, err := readHead(ctx, tx, "SELECT log_len, log_head FROM grid_townships WHERE id = ?"+lock, township)
		if err != nil {
			return err
		}
		if stored != base {
			return fourplusn.Errorf(fourplusn.Conflict, "the grid of %s was changed meanwhile", township)
		}
		if err := tx.insertRows(ctx, "INSERT INTO grid_cells (id, path, name, retired)", gridCellsUpsert, cells); err != nil {
			return err
		}
		// A member of another township under the same ID is not replaced:
		// the update skips it, and the count of rows written tells.
		for _, row := range members {
			res, err := tx.exec(ctx, gridMemberUpsert, row...)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err == nil && n == 0 {
				return fourplusn.Errorf(fourplusn.Conflict, "member ID %q belongs to another township", row[0])
			}
		}
		if err := tx.insertRows(ctx, "INSERT INTO grid_log (township, seq, at, actor, action, details, prev, hash)", "", events); err != nil {
			return err
		}
		if base.Len == 0 {
			_, err = tx.exec(ctx, "INSERT INTO grid_townships (id, log_len, log_head) VALUES (?, ?, ?)", string(township), end.Len, end.Head.String())
		} else {
			_, err = tx.exec(ctx, "UPDATE grid_townships SET log_len = ?, log_head = ? WHERE id = ?", end.Len, end.Head.String(), string(township))
		}
		if err != nil {
			return err
		}
		return tx.announce(ctx, Change{Topic: TopicGrid, ID: string(township)})
	})
	var coded *fourplusn.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &coded):
		return err
	case isUniqueViolation(err):
		// Two first changes of one township at once: the other came first.
		return &fourplusn.Error{Code: fourplusn.Conflict, Message: fmt.Sprintf("the grid of %s was changed meanwhile", township), Err: err}
	}
	return fmt.Errorf("bunstore: change the grid of %s: %w", township, err)
}

const (
	gridCellsUpsert  = " ON CONFLICT (id) DO UPDATE SET path = excluded.path, name = excluded.name, retired = excluded.retired"
	gridMemberUpsert = "INSERT INTO grid_members (id, township, data) VALUES (?, ?, ?) " +
		"ON CONFLICT (id) DO UPDATE SET data = excluded.data WHERE grid_members.township = excluded.township"
)
