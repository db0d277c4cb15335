package httpapi

import (
	"net/http"

	"github.com/uptrace/bunrouter"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
)

func (s *server) routeGrid(g *bunrouter.Group) {
	s.handle(g, http.MethodGet, "/grid/cells", s.gridTree)
	s.handle(g, http.MethodGet, "/grid/cells/:id", s.gridCell)
	s.handle(g, http.MethodGet, "/grid/cells/:id/members", s.gridMembers)
}

// cellJSON is a cell of the grid.
type cellJSON struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Level   int    `json:"level" oa:"min=1,max=5"`
	Title   string `json:"title"`
	Path    string `json:"path"`
	Parent  string `json:"parent,omitempty"`
	Retired bool   `json:"retired"`
}

// treeNodeJSON is a cell with the cells below it.
type treeNodeJSON struct {
	Cell     cellJSON       `json:"cell"`
	Children []treeNodeJSON `json:"children"`
}

// cellDetailJSON is a cell with its ancestors, township first, and the
// cells directly below it.
type cellDetailJSON struct {
	Cell      cellJSON   `json:"cell"`
	Ancestors []cellJSON `json:"ancestors"`
	Children  []cellJSON `json:"children"`
}

// memberJSON is a member of staff, with their phone masked unless the
// reader may see personal data where they are asked about. An inactive
// member (one who left) holds no posts.
type memberJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Phone      string     `json:"phone"`
	Department string     `json:"department" oa:"enum=department"`
	Body       string     `json:"body,omitempty"`
	Active     bool       `json:"active"`
	Posts      []postJSON `json:"posts"`
}

// postJSON is a role held in a cell.
type postJSON struct {
	Role string `json:"role" oa:"enum=role"`
	Cell string `json:"cell"`
}

// membersJSON lists the members holding a post in a cell.
type membersJSON struct {
	Cell    string       `json:"cell"`
	Members []memberJSON `json:"members"`
}

func cellOut(t *grid.Tree, c grid.Cell) cellJSON {
	return cellJSON{
		ID: string(c.ID), Name: c.Name, Level: int(c.Level()), Title: t.Titles().Title(c.Level()),
		Path: c.Path.String(), Parent: string(c.Parent()), Retired: c.Retired,
	}
}

func cellsOut(t *grid.Tree, cells []grid.Cell) []cellJSON {
	out := make([]cellJSON, len(cells))
	for i, c := range cells {
		out[i] = cellOut(t, c)
	}
	return out
}

// gridTree is GET /grid/cells: the actor's township as a tree. Staff only.
func (s *server) gridTree(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := staffOf(req)
	if err != nil {
		return err
	}
	tree := s.cfg.Grid.Directory().Tree()
	root, err := tree.Cell(actor.Township)
	if err != nil {
		return err
	}
	var build func(c grid.Cell) treeNodeJSON
	build = func(c grid.Cell) treeNodeJSON {
		children, _ := tree.Children(c.ID)
		n := treeNodeJSON{Cell: cellOut(tree, c), Children: make([]treeNodeJSON, len(children))}
		for i, ch := range children {
			n.Children[i] = build(ch)
		}
		return n
	}
	return writeJSON(w, http.StatusOK, build(root))
}

// cellOf returns the cell of the request's path in dir if it lies in the
// staff actor's township. A cell of another township is not found:
// townships do not see each other.
func cellOf(dir *grid.Directory, req bunrouter.Request) (grid.Actor, grid.Cell, error) {
	actor, err := staffOf(req)
	if err != nil {
		return actor, grid.Cell{}, err
	}
	id := grid.CellID(req.Param("id"))
	notFound := fourplusn.Errorf(fourplusn.NotFound, "cell %q not found", id)
	if grid.ValidateCellID(id) != nil {
		return actor, grid.Cell{}, notFound
	}
	c, err := dir.Tree().Cell(id)
	if err != nil || c.Path.Township() != actor.Township {
		return actor, grid.Cell{}, notFound
	}
	return actor, c, nil
}

// gridCell is GET /grid/cells/{id}. Staff of the cell's township only.
func (s *server) gridCell(w http.ResponseWriter, req bunrouter.Request) error {
	dir := s.cfg.Grid.Directory()
	_, c, err := cellOf(dir, req)
	if err != nil {
		return err
	}
	tree := dir.Tree()
	ancestors, err := tree.Ancestors(c.ID)
	if err != nil {
		return err
	}
	children, err := tree.Children(c.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, cellDetailJSON{Cell: cellOut(tree, c), Ancestors: cellsOut(tree, ancestors), Children: cellsOut(tree, children)})
}

// gridMembers is GET /grid/cells/{id}/members: who holds a post in the
// cell. Needs View at the cell; phone numbers are shown in full only to
// those who may see personal data there.
func (s *server) gridMembers(w http.ResponseWriter, req bunrouter.Request) error {
	dir := s.cfg.Grid.Directory()
	actor, c, err := cellOf(dir, req)
	if err != nil {
		return err
	}
	if err := s.policy.Can(actor, grid.View, grid.Target{Cell: c.Path}); err != nil {
		return err
	}
	full := s.policy.Can(actor, grid.ViewPersonal, grid.Target{Cell: c.Path}) == nil
	members := dir.MembersOf(c.ID)
	out := membersJSON{Cell: string(c.ID), Members: make([]memberJSON, 0, len(members))}
	for _, m := range members {
		if m.Township == actor.Township {
			out.Members = append(out.Members, memberOut(m, full))
		}
	}
	return writeJSON(w, http.StatusOK, out)
}
