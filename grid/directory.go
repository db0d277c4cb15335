package grid

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/fourplusn/fourplusn/timeline"
)

// Directory is the grid as it stands at one moment: the tree of every
// township, their members, and where each township's administration log
// ends. A Directory never changes once made. The [Service] makes a new one
// for every change and swaps it in whole, so a request that takes one
// Directory and reads only it sees either all of a change or none of it.
//
// Its methods are safe for concurrent use. The tree it returns must not be
// changed.
type Directory struct {
	tree    *Tree
	members map[MemberID]Member
	// byTownship and byCell list member IDs in ID order: the members of a
	// township, and those holding a post in a cell.
	byTownship map[CellID][]MemberID
	byCell     map[CellID][]MemberID
	heads      map[CellID]timeline.Chain
}

// NewDirectory returns the directory of tree and members, whose logs end at
// heads. The directory keeps tree, which must not be changed afterwards,
// and copies of the members.
func NewDirectory(tree *Tree, members []Member, heads map[CellID]timeline.Chain) *Directory {
	d := &Directory{
		tree: tree, members: make(map[MemberID]Member, len(members)),
		byTownship: map[CellID][]MemberID{}, byCell: map[CellID][]MemberID{}, heads: map[CellID]timeline.Chain{},
	}
	for t, h := range heads {
		d.heads[t] = h
	}
	for _, m := range members {
		d.members[m.ID] = cloneMember(m)
	}
	d.index()
	return d
}

// index fills the directory's lists of member IDs from its members.
func (d *Directory) index() {
	clear(d.byTownship)
	clear(d.byCell)
	for id, m := range d.members {
		d.byTownship[m.Township] = append(d.byTownship[m.Township], id)
		for i, p := range m.Posts {
			if !slices.ContainsFunc(m.Posts[:i], func(q Post) bool { return q.Cell == p.Cell }) {
				d.byCell[p.Cell.Cell()] = append(d.byCell[p.Cell.Cell()], id)
			}
		}
	}
	for _, ids := range d.byTownship {
		slices.Sort(ids)
	}
	for _, ids := range d.byCell {
		slices.Sort(ids)
	}
}

func cloneMember(m Member) Member {
	m.Posts = slices.Clone(m.Posts)
	return m
}

// Tree returns the tree of every township. It must not be changed.
func (d *Directory) Tree() *Tree { return d.tree }

// Cell returns the cell id, or a NotFound error: what the case and hazard
// services ask of the grid.
func (d *Directory) Cell(_ context.Context, id CellID) (Cell, error) { return d.tree.Cell(id) }

// Member returns member id, active or not, and whether there is one.
func (d *Directory) Member(id MemberID) (Member, bool) {
	m, ok := d.members[id]
	if !ok {
		return Member{}, false
	}
	return cloneMember(m), true
}

// Members returns the members of township, inactive ones included, by ID.
func (d *Directory) Members(township CellID) []Member {
	return d.list(d.byTownship[township])
}

// MembersOf returns the members holding a post in cell id itself (not
// below it), by ID.
func (d *Directory) MembersOf(id CellID) []Member {
	return d.list(d.byCell[id])
}

func (d *Directory) list(ids []MemberID) []Member {
	out := make([]Member, len(ids))
	for i, id := range ids {
		out[i] = cloneMember(d.members[id])
	}
	return out
}

// Head returns where township's administration log ends.
func (d *Directory) Head(township CellID) timeline.Chain { return d.heads[township] }

// Townships returns the townships' cells, in the order the tree holds them.
func (d *Directory) Townships() []Cell { return d.tree.Roots() }

// with returns a new directory: d with tree in place of its own, members
// put in place of those with their IDs, and township's log ending at head.
func (d *Directory) with(tree *Tree, members []Member, township CellID, head timeline.Chain) *Directory {
	n := &Directory{
		tree: tree, members: make(map[MemberID]Member, len(d.members)+len(members)),
		byTownship: map[CellID][]MemberID{}, byCell: map[CellID][]MemberID{}, heads: make(map[CellID]timeline.Chain, len(d.heads)+1),
	}
	for id, m := range d.members {
		n.members[id] = m // members are never changed in place, so sharing them is safe
	}
	for _, m := range members {
		n.members[m.ID] = cloneMember(m)
	}
	for t, h := range d.heads {
		n.heads[t] = h
	}
	n.heads[township] = head
	n.index()
	return n
}

// loadDirectory reads the whole grid kept in s.
func loadDirectory(ctx context.Context, s Store, titles Titles) (*Directory, error) {
	tree, err := LoadTree(ctx, s, titles)
	if err != nil {
		return nil, err
	}
	var members []Member
	heads := map[CellID]timeline.Chain{}
	for _, r := range tree.Roots() {
		ms, err := s.Members(ctx, r.ID)
		if err != nil {
			return nil, fmt.Errorf("grid: load members: %w", err)
		}
		members = append(members, ms...)
		if heads[r.ID], err = s.Head(ctx, r.ID); err != nil {
			return nil, fmt.Errorf("grid: load the administration log: %w", err)
		}
	}
	slices.SortFunc(members, func(a, b Member) int { return cmp.Compare(a.ID, b.ID) })
	return NewDirectory(tree, members, heads), nil
}
