package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
)

// GridStore keeps a grid's cells and members in memory. It implements
// grid.Store and is safe for concurrent use.
type GridStore struct {
	mu      sync.RWMutex
	cells   map[grid.CellID]grid.Cell
	members map[grid.MemberID]grid.Member
}

var _ grid.Store = (*GridStore)(nil)

// NewGridStore returns an empty grid store.
func NewGridStore() *GridStore {
	return &GridStore{cells: map[grid.CellID]grid.Cell{}, members: map[grid.MemberID]grid.Member{}}
}

// Cells returns every cell, ordered by ID.
func (s *GridStore) Cells(ctx context.Context) ([]grid.Cell, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	cells := make([]grid.Cell, 0, len(s.cells))
	for _, c := range s.cells {
		cells = append(cells, c)
	}
	slices.SortFunc(cells, func(a, b grid.Cell) int { return cmp.Compare(a.ID, b.ID) })
	return cells, nil
}

// SaveCells creates or replaces cells, all or none.
func (s *GridStore) SaveCells(ctx context.Context, cells []grid.Cell) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for i, c := range cells {
		if err := c.Validate(); err != nil {
			return fourplusn.WithField(fmt.Sprintf("cells[%d].%s", i, fourplusn.ErrorField(err)), err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range cells {
		s.cells[c.ID] = c
	}
	return nil
}

// Members returns the members holding a post in township, by ID.
func (s *GridStore) Members(ctx context.Context, township grid.CellID) ([]grid.Member, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []grid.Member
	for _, m := range s.members {
		if slices.ContainsFunc(m.Posts, func(p grid.Post) bool { return p.Cell.Township() == township }) {
			out = append(out, cloneMember(m))
		}
	}
	slices.SortFunc(out, func(a, b grid.Member) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// Member returns member id, or a NotFound error.
func (s *GridStore) Member(ctx context.Context, id grid.MemberID) (grid.Member, error) {
	if err := ctx.Err(); err != nil {
		return grid.Member{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.members[id]
	if !ok {
		return grid.Member{}, fourplusn.Errorf(fourplusn.NotFound, "member %s not found", id)
	}
	return cloneMember(m), nil
}

// SaveMember creates or replaces m after checking it.
func (s *GridStore) SaveMember(ctx context.Context, m grid.Member) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.members[m.ID] = cloneMember(m)
	return nil
}

// cloneMember copies m's posts, so that the store shares no memory with
// its callers.
func cloneMember(m grid.Member) grid.Member {
	m.Posts = slices.Clone(m.Posts)
	return m
}
