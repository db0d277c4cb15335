package bunstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
)

// Grid is the SQL store of the grid's cells and members. It implements
// grid.Store and is safe for concurrent use.
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

// SaveCells creates or replaces cells in one transaction: all or none.
func (g Grid) SaveCells(ctx context.Context, cells []grid.Cell) error {
	for i, c := range cells {
		if err := c.Validate(); err != nil {
			return fourplusn.WithField(fmt.Sprintf("cells[%d].%s", i, fourplusn.ErrorField(err)), err)
		}
	}
	err := g.db.write.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, c := range cells {
			if _, err := tx.ExecContext(ctx,
				"INSERT INTO grid_cells (id, path, name, retired) VALUES (?, ?, ?, ?) "+
					"ON CONFLICT (id) DO UPDATE SET path = excluded.path, name = excluded.name, retired = excluded.retired",
				string(c.ID), c.Path.String(), c.Name, boolInt(c.Retired)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("bunstore: save cells: %w", err)
	}
	return nil
}

// Members returns the members holding a post in township, by ID.
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

// SaveMember creates or replaces m after checking it. A member is listed
// in its township.
func (g Grid) SaveMember(ctx context.Context, m grid.Member) error {
	if err := m.Validate(); err != nil {
		return err
	}
	data, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("bunstore: encode member %s: %w", m.ID, err)
	}
	if _, err := g.db.write.ExecContext(ctx,
		"INSERT INTO grid_members (id, township, data) VALUES (?, ?, ?) "+
			"ON CONFLICT (id) DO UPDATE SET township = excluded.township, data = excluded.data",
		string(m.ID), string(m.Township), string(data)); err != nil {
		return fmt.Errorf("bunstore: save member %s: %w", m.ID, err)
	}
	return nil
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
