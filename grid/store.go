package grid

import (
	"context"
	"fmt"
	"slices"

	"github.com/fourplusn/fourplusn"
)

// Store keeps a deployment's grid: its cells and its members. The grid
// changes rarely and is read on every request, so a program loads it once
// into a Tree with LoadTree and writes changes through the Store as it
// makes them on the Tree.
type Store interface {
	// Cells returns every cell of every township, retired ones included.
	Cells(ctx context.Context) ([]Cell, error)
	// SaveCells creates the cells given, or replaces those that exist (a
	// moved subtree has new paths, a retired cell its flag), all or none.
	SaveCells(ctx context.Context, cells []Cell) error
	// Members returns the members holding a post in township, by ID.
	Members(ctx context.Context, township CellID) ([]Member, error)
	// Member returns one member, or a NotFound error.
	Member(ctx context.Context, id MemberID) (Member, error)
	// SaveMember creates m, or replaces the member with its ID.
	SaveMember(ctx context.Context, m Member) error
}

// LoadTree rebuilds the tree kept in s, with the level titles given.
func LoadTree(ctx context.Context, s Store, titles Titles) (*Tree, error) {
	cells, err := s.Cells(ctx)
	if err != nil {
		return nil, fmt.Errorf("grid: load cells: %w", err)
	}
	// Shallowest first, so that retiring from the end goes deepest first:
	// a cell can be retired only once everything below it is.
	slices.SortStableFunc(cells, func(a, b Cell) int { return int(a.Level()) - int(b.Level()) })
	specs := make([]Spec, len(cells))
	for i, c := range cells {
		specs[i] = c.Spec()
	}
	t, err := Build(titles, specs)
	if err != nil {
		return nil, fmt.Errorf("grid: stored cells: %w", err)
	}
	for i := len(cells) - 1; i >= 0; i-- {
		if cells[i].Retired {
			if err := t.Retire(cells[i].ID); err != nil {
				return nil, fmt.Errorf("grid: stored cells: %w", err)
			}
		}
	}
	return t, nil
}

// Cells returns every cell of the tree, townships first and each cell
// before the cells below it: what a Store's SaveCells takes to keep the
// whole tree.
func (t *Tree) Cells() []Cell {
	var cells []Cell
	for _, r := range t.Roots() {
		cells = append(cells, r)
		below, _ := t.Descendants(r.ID)
		cells = append(cells, below...)
	}
	return cells
}

// Validate checks what a store needs of a cell: a valid ID at the end of
// its path, so that it is found again where it claims to be.
func (c Cell) Validate() error {
	if err := ValidateCellID(c.ID); err != nil {
		return err
	}
	if c.Path.IsZero() || c.Path.Cell() != c.ID {
		return fourplusn.FieldError("path", "cell %q has the path %q, which does not end in its ID", c.ID, c.Path)
	}
	return nil
}

// Spec is the description that builds c again.
func (c Cell) Spec() Spec {
	return Spec{ID: c.ID, Parent: c.Parent(), Name: c.Name, Level: c.Level()}
}
