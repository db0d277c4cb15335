package httpapi

import (
	"math"
	"net/http"

	"github.com/uptrace/bunrouter"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
)

// The grid's administration: its cells changed and its log read. Every
// change goes through the grid's service, which asks the policy for
// ManageGrid where it is made, records it in the township's log and swaps
// in the grid that the next request reads.

func (s *server) routeAdmin(g *bunrouter.Group) {
	s.handle(g, http.MethodPost, "/grid/cells", s.addCell)
	s.handle(g, http.MethodPatch, "/grid/cells/:id", s.editCell)
	s.handle(g, http.MethodPost, "/grid/cells/:id/retire", s.retireCell)
	s.handle(g, http.MethodGet, "/grid/log", s.gridLog)
}

// newCellJSON is a cell to add below its parent (POST /grid/cells).
type newCellJSON struct {
	ID     string `json:"id"`
	Parent string `json:"parent"`
	Name   string `json:"name"`
}

// cellEditJSON renames a cell, moves it below another parent with its
// subtree, or both (PATCH /grid/cells/{id}); what is left out stays.
type cellEditJSON struct {
	Name   *string `json:"name,omitempty"`
	Parent *string `json:"parent,omitempty"`
}

// retireJSON names the cell that takes over the open work of a cell
// retired.
type retireJSON struct {
	Takeover string `json:"takeover,omitempty"`
}

// logJSON is a page of a township's administration log, oldest first;
// next is the after of the following page, absent on the last.
type logJSON struct {
	Township string      `json:"township"`
	Events   []eventJSON `json:"events"`
	Next     int64       `json:"next,omitempty"`
}

// Bounds of a page of the administration log.
const (
	defaultLogPage = 100
	maxLogPage     = 500
)

// townshipManager returns the request's staff actor if they may manage
// the grid of their whole township.
func (s *server) townshipManager(req bunrouter.Request) (grid.Actor, error) {
	actor, err := staffOf(req)
	if err != nil {
		return actor, err
	}
	return actor, s.policy.Can(actor, grid.ManageGrid, grid.Target{Cell: grid.RootPath(actor.Township)})
}

// writeCell answers with cell id as the grid has it now.
func (s *server) writeCell(w http.ResponseWriter, status int, id grid.CellID) error {
	tree := s.cfg.Grid.Directory().Tree()
	c, err := tree.Cell(id)
	if err != nil {
		return err
	}
	return writeJSON(w, status, cellOut(tree, c))
}

// addCell is POST /grid/cells: a cell added below its parent, one level
// down. Needs ManageGrid at the parent.
func (s *server) addCell(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := staffOf(req)
	if err != nil {
		return err
	}
	var body newCellJSON
	if err := decodeBody(w, req, &body, false); err != nil {
		return err
	}
	c, err := s.cfg.Grid.AddCell(req.Context(), actor, grid.Spec{ID: grid.CellID(body.ID), Parent: grid.CellID(body.Parent), Name: body.Name})
	if err != nil {
		return err
	}
	w.Header().Set("Location", s.api+"/grid/cells/"+string(c.ID))
	return s.writeCell(w, http.StatusCreated, c.ID)
}

// editCell is PATCH /grid/cells/{id}: the cell renamed, or moved with its
// subtree below another parent at the level of its present one, or both.
// Needs ManageGrid at the cell, and at the new parent for a move. Both are
// made as two changes of the log, the move first; the new name is checked
// before either, so that the rename cannot be refused once the move is
// made.
func (s *server) editCell(w http.ResponseWriter, req bunrouter.Request) error {
	actor, c, err := cellOf(s.cfg.Grid.Directory(), req)
	if err != nil {
		return err
	}
	var body cellEditJSON
	if err := decodeBody(w, req, &body, false); err != nil {
		return err
	}
	if body.Name == nil && body.Parent == nil {
		return fourplusn.Errorf(fourplusn.Invalid, "give the name or the parent to change")
	}
	if body.Name != nil {
		if err := checkName(c, *body.Name); err != nil {
			return err
		}
	}
	ctx := req.Context()
	if body.Parent != nil {
		if _, err := s.cfg.Grid.MoveCell(ctx, actor, c.ID, grid.CellID(*body.Parent)); err != nil {
			return err
		}
	}
	if body.Name != nil {
		if _, err := s.cfg.Grid.RenameCell(ctx, actor, c.ID, *body.Name); err != nil {
			return err
		}
	}
	return s.writeCell(w, http.StatusOK, c.ID)
}

// checkName returns the grid's refusal of name as cell c's new name, if
// any, without changing anything: the rule is the tree's, asked of a tree
// of c alone.
func checkName(c grid.Cell, name string) error {
	alone, err := grid.Build(grid.DefaultTitles, []grid.Spec{{ID: c.ID, Name: c.Name, Level: 1}})
	if err != nil {
		return err
	}
	_, err = alone.Rename(c.ID, name)
	return err
}

// retireCell is POST /grid/cells/{id}/retire: the cell and its subtree
// take no new work. Their open cases and hazards go to the takeover cell
// named; without one, a cell with open work is not retired and the answer
// (409) lists the work. Needs ManageGrid at the cell and at the takeover
// cell.
func (s *server) retireCell(w http.ResponseWriter, req bunrouter.Request) error {
	actor, c, err := cellOf(s.cfg.Grid.Directory(), req)
	if err != nil {
		return err
	}
	var body retireJSON
	if err := decodeBody(w, req, &body, true); err != nil {
		return err
	}
	if err := s.cfg.Grid.RetireCell(req.Context(), actor, c.ID, grid.CellID(body.Takeover)); err != nil {
		return err
	}
	return s.writeCell(w, http.StatusOK, c.ID)
}

// gridLog is GET /grid/log: the township's administration log, oldest
// first, from the event after ?after= on, ?limit= at a time. Needs
// ManageGrid at the township.
func (s *server) gridLog(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := staffOf(req)
	if err != nil {
		return err
	}
	q, err := parseQuery(req, "after", "limit")
	if err != nil {
		return err
	}
	after := q.integer("after", 0, 0, math.MaxInt)
	limit := q.integer("limit", defaultLogPage, 1, maxLogPage)
	if q.err != nil {
		return q.err
	}
	// One event more than the page tells whether there is a next page.
	events, err := s.cfg.Grid.Log(req.Context(), actor, int64(after), limit+1)
	if err != nil {
		return err
	}
	out := logJSON{Township: string(actor.Township)}
	if len(events) > limit {
		events = events[:limit]
		out.Next = events[limit-1].Seq
	}
	out.Events = timelineOut(out.Township, events).Events
	return writeJSON(w, http.StatusOK, out)
}
