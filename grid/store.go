package grid

import (
	"context"
	"fmt"
	"slices"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/timeline"
)

// Store keeps a deployment's grid: its cells, its members, and each
// township's administration log. The grid changes rarely and is read on
// every request, so a program reads it whole once, into the [Service]'s
// [Directory], and writes each change through Apply as the Service makes it.
//
// Implementations must be safe for concurrent use. Every cell and member a
// store returns is the caller's to change: the store keeps no part of it,
// as it keeps no part of what it is given. adapters/storetest checks an
// implementation against this contract.
type Store interface {
	// Cells returns every cell of every township, retired ones included.
	Cells(ctx context.Context) ([]Cell, error)
	// Members returns the members of township, inactive ones included,
	// by ID.
	Members(ctx context.Context, township CellID) ([]Member, error)
	// Member returns one member, or a NotFound error.
	Member(ctx context.Context, id MemberID) (Member, error)
	// Head returns the end of township's administration log: the zero
	// Chain for a township that was never changed.
	Head(ctx context.Context, township CellID) (timeline.Chain, error)
	// Log returns township's administration log, oldest first: the events
	// after the first after of them (0 for the whole log), at most limit
	// (0 for all).
	Log(ctx context.Context, township CellID, after int64, limit int) ([]timeline.Event, error)
	// Apply stores one change of township's grid, all or none: it creates
	// or replaces the change's cells and members and appends its events to
	// the township's log, which must end at base. Returns a Conflict error,
	// storing nothing, when the log has moved on from base (another change
	// came first), and Invalid for a cell, member or event that cannot be
	// stored (naming it).
	Apply(ctx context.Context, township CellID, base timeline.Chain, ch Change) error
}

// Change is what one administrative change of a township writes: the cells
// and members it created or changed, and the events of its log that record
// it, which continue the log from where it ended.
type Change struct {
	Cells   []Cell
	Members []Member
	Events  []timeline.Event
}

// Validate checks what a store needs of a change of township before it
// writes anything: every cell and member valid and of township, and events
// that continue base, one after the other, as the log of township. Stores
// call it; fields at fault are named as cells[i], members[i] or events[i].
func (ch Change) Validate(township CellID, base timeline.Chain) error {
	for i, c := range ch.Cells {
		if err := c.Validate(); err != nil {
			return fourplusn.WithField(fmt.Sprintf("cells[%d]", i), err)
		}
		if c.Path.Township() != township {
			return fourplusn.FieldError(fmt.Sprintf("cells[%d]", i), "cell %q is not of township %q", c.ID, township)
		}
	}
	for i, m := range ch.Members {
		if err := m.Validate(); err != nil {
			return fourplusn.WithField(fmt.Sprintf("members[%d]", i), err)
		}
		if m.Township != township {
			return fourplusn.FieldError(fmt.Sprintf("members[%d]", i), "member %q is not of township %q", m.ID, township)
		}
	}
	if len(ch.Events) == 0 {
		return fourplusn.FieldError("events", "a change of the grid is recorded by at least one event")
	}
	prev := base
	for i, e := range ch.Events {
		if e.Subject != string(township) || e.Seq != prev.Len+1 || e.Prev != prev.Head {
			return fourplusn.FieldError(fmt.Sprintf("events[%d]", i), "event %d of %q does not continue the log at %d", e.Seq, e.Subject, prev.Len)
		}
		prev = timeline.Chain{Len: e.Seq, Head: e.Hash}
	}
	return nil
}

// End returns the chain the log ends in once ch is applied on base.
func (ch Change) End(base timeline.Chain) timeline.Chain {
	if len(ch.Events) == 0 {
		return base
	}
	last := ch.Events[len(ch.Events)-1]
	return timeline.Chain{Len: last.Seq, Head: last.Hash}
}

// LoadTree rebuilds the tree kept in s, with the level titles given.
func LoadTree(ctx context.Context, s Store, titles Titles) (*Tree, error) {
	cells, err := s.Cells(ctx)
	if err != nil {
		return nil, fmt.Errorf("grid: load cells: %w", err)
	}
	return treeOf(titles, cells)
}

// treeOf builds the tree of cells as a store keeps them.
func treeOf(titles Titles, cells []Cell) (*Tree, error) {
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
// before the cells below it: what a Store's Apply takes to keep the whole
// tree.
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
