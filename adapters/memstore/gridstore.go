package memstore

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
)

// GridStore keeps a grid's cells, members and administration logs in
// memory. It implements grid.Store and is safe for concurrent use.
type GridStore struct {
	mu      sync.RWMutex
	cells   map[grid.CellID]grid.Cell
	members map[grid.MemberID]grid.Member
	logs    map[grid.CellID][]timeline.Event
}

var _ grid.Store = (*GridStore)(nil)

// NewGridStore returns an empty grid store.
func NewGridStore() *GridStore {
	return &GridStore{cells: map[grid.CellID]grid.Cell{}, members: map[grid.MemberID]grid.Member{}, logs: map[grid.CellID][]timeline.Event{}}
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

// Members returns the members of township, by ID.
func (s *GridStore) Members(ctx context.Context, township grid.CellID) ([]grid.Member, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []grid.Member
	for _, m := range s.members {
		if m.Township == township {
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

// Head returns where township's administration log ends.
func (s *GridStore) Head(ctx context.Context, township grid.CellID) (timeline.Chain, error) {
	if err := ctx.Err(); err != nil {
		return timeline.Chain{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return head(s.logs[township]), nil
}

func head(log []timeline.Event) timeline.Chain {
	if len(log) == 0 {
		return timeline.Chain{}
	}
	last := log[len(log)-1]
	return timeline.Chain{Len: last.Seq, Head: last.Hash}
}

// Log returns the events of township's log after the first after, at most
// limit of them (0 for all).
func (s *GridStore) Log(ctx context.Context, township grid.CellID, after int64, limit int) ([]timeline.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	log := s.logs[township]
	if after < 0 || after > int64(len(log)) {
		after = int64(len(log))
	}
	log = log[after:]
	if limit > 0 && limit < len(log) {
		log = log[:limit]
	}
	return cloneEvents(log), nil
}

// Apply stores a change of township's grid if its log still ends at base.
func (s *GridStore) Apply(ctx context.Context, township grid.CellID, base timeline.Chain, ch grid.Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := ch.Validate(township, base); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if head(s.logs[township]) != base {
		return fourplusn.Errorf(fourplusn.Conflict, "the grid of %s was changed meanwhile", township)
	}
	for _, m := range ch.Members {
		if old, ok := s.members[m.ID]; ok && old.Township != township {
			return fourplusn.Errorf(fourplusn.Conflict, "member ID %q belongs to another township", m.ID)
		}
	}
	for _, c := range ch.Cells {
		s.cells[c.ID] = c
	}
	for _, m := range ch.Members {
		s.members[m.ID] = cloneMember(m)
	}
	s.logs[township] = append(s.logs[township], cloneEvents(ch.Events)...)
	return nil
}

// cloneMember copies m's posts, so that the store shares no memory with
// its callers.
func cloneMember(m grid.Member) grid.Member {
	m.Posts = slices.Clone(m.Posts)
	return m
}
