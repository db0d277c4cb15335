package grid

import (
	"errors"
	"fmt"
	"slices"

	"github.com/fourplusn/fourplusn"
)

// Titles names the five levels. A township may use its own words; the
// default is the seed's.
type Titles [MaxLevel]string

// DefaultTitles are the level titles of the seed's township.
var DefaultTitles = Titles{"办事处", "片区", "社区·村委", "村民组·楼栋", "户·家族"}

// Title returns the title of level l, or "" for a level outside the grid.
func (t Titles) Title(l Level) string {
	if !l.Valid() {
		return ""
	}
	return t[l-1]
}

// Cell is one cell of the grid.
type Cell struct {
	ID      CellID
	Name    string
	Path    Path // the cell's materialized path; Path.Cell() == ID
	Retired bool // a retired cell keeps its records but takes no new cells
}

// Level returns the cell's level.
func (c Cell) Level() Level { return c.Path.Level() }

// Parent returns the ID of the cell's parent, or "" for a township.
func (c Cell) Parent() CellID { return c.Path.Parent().Cell() }

// Spec describes a cell to build or add: its ID, its parent ("" for a
// township), its name, and its level. Level may be left zero when adding a
// cell, where it follows from the parent; Build requires it, so that a tree
// whose levels skip or overflow is caught rather than silently renumbered.
type Spec struct {
	ID     CellID
	Parent CellID
	Name   string
	Level  Level
}

// maxNameLen bounds a cell's name, in runes.
const maxNameLen = 100

type node struct {
	cell     Cell
	children []CellID
}

// Tree is a deployment's grid: a forest of townships. It is a value in
// memory, rebuilt from storage; ancestry questions are answered from the
// paths the cells carry. A Tree is safe for concurrent reads; mutations must
// not run concurrently with other use.
type Tree struct {
	titles Titles
	nodes  map[CellID]*node
	roots  []CellID
}

// Build validates specs as a whole and returns the tree they describe. It
// rejects, naming the cell: an invalid or duplicate ID, an empty or overlong
// name, a parent that does not exist (an orphan), a root that is not level 1,
// a child not exactly one level below its parent (a skipped level, or a sixth
// level), and cells that reach no root (a cycle).
func Build(titles Titles, specs []Spec) (*Tree, error) {
	t := &Tree{titles: titles, nodes: make(map[CellID]*node, len(specs))}
	index := make(map[CellID]int, len(specs))
	for i, s := range specs {
		name, err := validateSpec(s)
		if err != nil {
			return nil, specError(i, s, err)
		}
		if _, dup := index[s.ID]; dup {
			return nil, specError(i, s, fmt.Errorf("duplicate cell ID"))
		}
		index[s.ID] = i
		if !s.Level.Valid() {
			return nil, specError(i, s, fmt.Errorf("level %d is outside 1–%d", s.Level, MaxLevel))
		}
		t.nodes[s.ID] = &node{cell: Cell{ID: s.ID, Name: name}}
	}
	for i, s := range specs {
		if s.Parent == "" {
			if s.Level != 1 {
				return nil, specError(i, s, fmt.Errorf("a cell without a parent must be level 1, not %d", s.Level))
			}
			t.roots = append(t.roots, s.ID)
			continue
		}
		parent, ok := t.nodes[s.Parent]
		if !ok {
			return nil, specError(i, s, fmt.Errorf("parent %q does not exist", s.Parent))
		}
		if p := specs[index[s.Parent]]; s.Level != p.Level+1 {
			return nil, specError(i, s, fmt.Errorf("level %d is not one below its parent %q at level %d", s.Level, s.Parent, p.Level))
		}
		parent.children = append(parent.children, s.ID)
	}
	// Levels grow by one along every parent link, so a cycle is impossible
	// among cells that passed the checks above; a cell reached from no root
	// would still be caught here, and this keeps the guarantee local.
	reached := 0
	for _, root := range t.roots {
		reached += t.setPaths(root, RootPath(root))
	}
	if reached != len(specs) {
		for i, s := range specs {
			if t.nodes[s.ID].cell.Path.IsZero() {
				return nil, specError(i, s, fmt.Errorf("cell is in a cycle and reaches no township"))
			}
		}
	}
	return t, nil
}

// validateSpec checks a spec's ID and name, reporting both when both are
// at fault, and returns the name cleaned as the text rule says (see
// fourplusn.Text): what the cell is to be called.
func validateSpec(s Spec) (string, error) {
	var v fourplusn.Validation
	v.Add(ValidateCellID(s.ID))
	name := v.Keep(fourplusn.Text("name", s.Name, maxNameLen))
	return name, v.Err()
}

// specError names the spec at fault by its index and ID.
func specError(i int, s Spec, err error) error {
	field, msg := fmt.Sprintf("cells[%d]", i), err.Error()
	var e *fourplusn.Error
	if errors.As(err, &e) {
		if e.Field != "" {
			field += "." + e.Field
		}
		msg = e.Message
	}
	return &fourplusn.Error{Code: fourplusn.Invalid, Field: field, Message: fmt.Sprintf("cell %q: %s", s.ID, msg)}
}

// setPaths gives id and its subtree their paths, below p, and returns how
// many cells it reached.
func (t *Tree) setPaths(id CellID, p Path) int {
	n := t.nodes[id]
	n.cell.Path = p
	count := 1
	for _, c := range n.children {
		count += t.setPaths(c, p.Child(c))
	}
	return count
}

// Titles returns the tree's level titles.
func (t *Tree) Titles() Titles { return t.titles }

// Len returns the number of cells in the tree, retired ones included.
func (t *Tree) Len() int { return len(t.nodes) }

// Roots returns the townships, in the order they were built or added.
func (t *Tree) Roots() []Cell {
	cells := make([]Cell, len(t.roots))
	for i, id := range t.roots {
		cells[i] = t.nodes[id].cell
	}
	return cells
}

// Cell returns the cell id. Returns NotFound if there is none.
func (t *Tree) Cell(id CellID) (Cell, error) {
	n, ok := t.nodes[id]
	if !ok {
		return Cell{}, fourplusn.Errorf(fourplusn.NotFound, "cell %q not found", id)
	}
	return n.cell, nil
}

// MustCell is Cell for callers that know the cell exists, such as fixtures;
// it panics otherwise.
func (t *Tree) MustCell(id CellID) Cell {
	c, err := t.Cell(id)
	if err != nil {
		panic(err)
	}
	return c
}

// Children returns the cells directly below id, in insertion order.
// Returns NotFound if id does not exist.
func (t *Tree) Children(id CellID) ([]Cell, error) {
	n, ok := t.nodes[id]
	if !ok {
		return nil, fourplusn.Errorf(fourplusn.NotFound, "cell %q not found", id)
	}
	cells := make([]Cell, len(n.children))
	for i, c := range n.children {
		cells[i] = t.nodes[c].cell
	}
	return cells, nil
}

// Ancestors returns the cells above id, township first. Returns NotFound if
// id does not exist.
func (t *Tree) Ancestors(id CellID) ([]Cell, error) {
	c, err := t.Cell(id)
	if err != nil {
		return nil, err
	}
	cells := make([]Cell, 0, c.Level()-1)
	for l := Level(1); l < c.Level(); l++ {
		cells = append(cells, t.nodes[c.Path.At(l)].cell)
	}
	return cells, nil
}

// AncestorAt returns id's ancestor at level l, or the cell itself at its own
// level. Returns NotFound if id does not exist and Invalid if l is below the
// cell's level.
func (t *Tree) AncestorAt(id CellID, l Level) (Cell, error) {
	c, err := t.Cell(id)
	if err != nil {
		return Cell{}, err
	}
	a := c.Path.At(l)
	if a == "" {
		return Cell{}, fourplusn.FieldError("level", "cell %q at level %d has no ancestor at level %d", id, c.Level(), l)
	}
	return t.nodes[a].cell, nil
}

// Descendants returns the cells below id, in depth-first order. Returns
// NotFound if id does not exist.
func (t *Tree) Descendants(id CellID) ([]Cell, error) {
	n, ok := t.nodes[id]
	if !ok {
		return nil, fourplusn.Errorf(fourplusn.NotFound, "cell %q not found", id)
	}
	var cells []Cell
	var walk func(*node)
	walk = func(n *node) {
		for _, c := range n.children {
			child := t.nodes[c]
			cells = append(cells, child.cell)
			walk(child)
		}
	}
	walk(n)
	return cells, nil
}

// IsWithin reports whether id is ancestor or lies in its subtree. Unknown
// IDs are within nothing.
func (t *Tree) IsWithin(id, ancestor CellID) bool {
	c, ok := t.nodes[id]
	a, ok2 := t.nodes[ancestor]
	return ok && ok2 && a.cell.Path.Contains(c.cell.Path)
}

// LowestCommonAncestor returns the lowest cell whose subtree holds both a and
// b. Returns NotFound if either does not exist and Invalid if they lie in
// different townships, which share no ancestor.
func (t *Tree) LowestCommonAncestor(a, b CellID) (Cell, error) {
	ca, err := t.Cell(a)
	if err != nil {
		return Cell{}, err
	}
	cb, err := t.Cell(b)
	if err != nil {
		return Cell{}, err
	}
	p := ca.Path.Common(cb.Path)
	if p.IsZero() {
		return Cell{}, fourplusn.Errorf(fourplusn.Invalid, "cells %q and %q lie in different townships", a, b)
	}
	return t.nodes[p.Cell()].cell, nil
}

// Add adds a cell below s.Parent, or a new township when s.Parent is empty,
// and returns it. Returns Invalid for a bad spec, a level that is not one
// below the parent's, or a parent at level 5; NotFound for an unknown parent;
// Conflict for an existing ID or a retired parent.
func (t *Tree) Add(s Spec) (Cell, error) {
	name, err := validateSpec(s)
	if err != nil {
		return Cell{}, err
	}
	if _, dup := t.nodes[s.ID]; dup {
		return Cell{}, fourplusn.Errorf(fourplusn.Conflict, "cell %q already exists", s.ID)
	}
	var p Path
	if s.Parent == "" {
		p = RootPath(s.ID)
	} else {
		parent, ok := t.nodes[s.Parent]
		if !ok {
			return Cell{}, fourplusn.Errorf(fourplusn.NotFound, "parent cell %q not found", s.Parent)
		}
		if parent.cell.Retired {
			return Cell{}, fourplusn.Errorf(fourplusn.Conflict, "parent cell %q is retired", s.Parent)
		}
		if parent.cell.Level() == MaxLevel {
			return Cell{}, fourplusn.FieldError("parent", "cell %q is at level %d, the lowest; it can have no children", s.Parent, MaxLevel)
		}
		p = parent.cell.Path.Child(s.ID)
	}
	if s.Level != 0 && s.Level != p.Level() {
		return Cell{}, fourplusn.FieldError("level", "cell %q below %q must be level %d, not %d", s.ID, s.Parent, p.Level(), s.Level)
	}
	c := Cell{ID: s.ID, Name: name, Path: p}
	t.nodes[s.ID] = &node{cell: c}
	if s.Parent == "" {
		t.roots = append(t.roots, s.ID)
	} else {
		parent := t.nodes[s.Parent]
		parent.children = append(parent.children, s.ID)
	}
	return c, nil
}

// Move moves the subtree of id below newParent and returns every cell whose
// path changed, id first, for the caller to store. Levels must stay as they
// are, so newParent must be at the level of id's current parent. A subtree
// moves only within its township: a village that leaves for another county
// keeps its records with the township that handled them, and is retired here
// and added there instead. Returns NotFound for an unknown cell, Invalid for
// a township, a level mismatch or another township, Conflict for a retired
// new parent.
func (t *Tree) Move(id, newParent CellID) ([]Cell, error) {
	n, ok := t.nodes[id]
	if !ok {
		return nil, fourplusn.Errorf(fourplusn.NotFound, "cell %q not found", id)
	}
	np, ok := t.nodes[newParent]
	if !ok {
		return nil, fourplusn.Errorf(fourplusn.NotFound, "new parent cell %q not found", newParent)
	}
	old := n.cell.Path
	switch {
	case old.Level() == 1:
		return nil, fourplusn.FieldError("id", "cell %q is a township and cannot move", id)
	case np.cell.Level() != old.Level()-1:
		return nil, fourplusn.FieldError("parent", "moving cell %q (level %d) below %q (level %d) would break the levels", id, old.Level(), newParent, np.cell.Level())
	case np.cell.Path.Township() != old.Township():
		return nil, fourplusn.FieldError("parent", "cell %q cannot move to another township (%q)", id, np.cell.Path.Township())
	case np.cell.Retired:
		return nil, fourplusn.Errorf(fourplusn.Conflict, "new parent cell %q is retired", newParent)
	}
	// np is at the level of id's parent, so it cannot lie in id's subtree and
	// the move cannot create a cycle.
	oldParent := t.nodes[old.Parent().Cell()]
	oldParent.children = slices.DeleteFunc(oldParent.children, func(c CellID) bool { return c == id })
	np.children = append(np.children, id)
	t.setPaths(id, np.cell.Path.Child(id))
	moved := []Cell{n.cell}
	sub, _ := t.Descendants(id)
	return append(moved, sub...), nil
}

// Retire marks id retired: it keeps its records and its place in the tree,
// but takes no new cells. Returns NotFound for an unknown cell and Conflict
// while any cell below it is still active, so that no active cell is left
// under a retired one.
func (t *Tree) Retire(id CellID) error {
	n, ok := t.nodes[id]
	if !ok {
		return fourplusn.Errorf(fourplusn.NotFound, "cell %q not found", id)
	}
	for _, c := range n.children {
		if !t.nodes[c].cell.Retired {
			return fourplusn.Errorf(fourplusn.Conflict, "cell %q still has the active cell %q below it", id, c)
		}
	}
	n.cell.Retired = true
	return nil
}

// Clone returns a deep copy of t, which may be changed without changing t:
// how a grid changes while requests read it (see [Service]).
func (t *Tree) Clone() *Tree {
	c := &Tree{titles: t.titles, nodes: make(map[CellID]*node, len(t.nodes)), roots: slices.Clone(t.roots)}
	for id, n := range t.nodes {
		c.nodes[id] = &node{cell: n.cell, children: slices.Clone(n.children)}
	}
	return c
}

// Rename gives cell id a new name. Returns NotFound for an unknown cell and
// Invalid for an empty or overlong name.
func (t *Tree) Rename(id CellID, name string) (Cell, error) {
	n, ok := t.nodes[id]
	if !ok {
		return Cell{}, fourplusn.Errorf(fourplusn.NotFound, "cell %q not found", id)
	}
	name, err := validateSpec(Spec{ID: id, Name: name})
	if err != nil {
		return Cell{}, err
	}
	n.cell.Name = name
	return n.cell, nil
}

// Township returns a copy of the tree of township id alone, as its roster
// holds it. Returns NotFound if id is no township of t.
func (t *Tree) Township(id CellID) (*Tree, error) {
	root, err := t.Cell(id)
	if err != nil || root.Level() != 1 {
		return nil, fourplusn.Errorf(fourplusn.NotFound, "township %q not found", id)
	}
	sub := &Tree{titles: t.titles, nodes: map[CellID]*node{}, roots: []CellID{id}}
	below, _ := t.Descendants(id)
	for _, c := range append([]Cell{root}, below...) {
		n := t.nodes[c.ID]
		sub.nodes[c.ID] = &node{cell: n.cell, children: slices.Clone(n.children)}
	}
	return sub, nil
}
