package httpapi

import (
	"bytes"
	"errors"
	"io"
	"math"
	"mime"
	"net/http"

	"github.com/uptrace/bunrouter"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
)

// Rosters reads and writes a township's roster (花名册) in the file format
// its office keeps it in: its grid of cells and its staff with their posts.
// The format is another adapter's (adapters/roster, an .xlsx workbook or a
// CSV file); the API only carries the file.
type Rosters interface {
	// Read reads a roster file: the tree of its one township and its
	// members, whose posts lie in that tree. A file that holds no valid
	// roster is an Invalid error (fourplusn.ErrorCode), which may list
	// every problem found by implementing interface{ Problems()
	// []RosterProblem }; any other error means reading failed.
	Read(r io.Reader) (*grid.Tree, []grid.Member, error)
	// Write writes the roster of tree, which holds one township, and its
	// members as an .xlsx workbook.
	Write(w io.Writer, tree *grid.Tree, members []grid.Member) error
}

// RosterProblem is one thing wrong with a roster file, placed where a
// person finds it in the spreadsheet.
type RosterProblem struct {
	Sheet   string // the sheet, or "" for the file as a whole
	Row     int    // from 1, as the spreadsheet shows it; 0 for the sheet as a whole
	Column  string // the column's letter; "" for the row as a whole
	Message string // for the person who keeps the roster
}

// rosterProblemJSON is a problem of a roster file.
type rosterProblemJSON struct {
	Sheet   string `json:"sheet,omitempty"`
	Row     int    `json:"row,omitempty" oa:"min=0"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

func rosterProblemsOut(ps []RosterProblem) []rosterProblemJSON {
	out := make([]rosterProblemJSON, len(ps))
	for i, p := range ps {
		out[i] = rosterProblemJSON(p)
	}
	return out
}

// The media types of roster files, and the largest file read.
const (
	xlsxType  = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	csvType   = "text/csv"
	maxRoster = 20 << 20
)

// rosterTypes are the media types a roster may be sent as.
var rosterTypes = []string{xlsxType, csvType}

func (s *server) routeRosters(g *bunrouter.Group) {
	s.handle(g, http.MethodGet, "/grid/roster.xlsx", s.exportRoster)
	s.handle(g, http.MethodPost, "/grid/roster", s.importRoster)
}

// exportRoster is GET /grid/roster.xlsx: the township's roster as it
// stands, its active cells and members, in the file a roster is sent back
// in. Needs ManageGrid at the township. The phone numbers are in full: the
// roster is the register its keepers send again.
func (s *server) exportRoster(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := s.townshipManager(req)
	if err != nil {
		return err
	}
	dir := s.cfg.Grid.Directory()
	tree, members, err := rosterOf(dir, actor.Township)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.cfg.Rosters.Write(&buf, tree, members); err != nil {
		return err
	}
	root, _ := tree.Cell(actor.Township)
	h := w.Header()
	h.Set("Content-Type", xlsxType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": root.Name + "花名册.xlsx"}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(buf.Bytes())
	return err
}

// rosterOf returns township's roster as dir has it: its tree without the
// retired cells, and its active members. Applied again, it changes
// nothing.
func rosterOf(dir *grid.Directory, township grid.CellID) (*grid.Tree, []grid.Member, error) {
	whole, err := dir.Tree().Township(township)
	if err != nil {
		return nil, nil, err
	}
	var specs []grid.Spec
	for _, c := range whole.Cells() {
		// A retired cell's subtree is retired with it, so what is left
		// is a tree.
		if !c.Retired {
			specs = append(specs, c.Spec())
		}
	}
	tree, err := grid.Build(whole.Titles(), specs)
	if err != nil {
		return nil, nil, err
	}
	var members []grid.Member
	for _, m := range dir.Members(township) {
		if !m.Inactive {
			members = append(members, m)
		}
	}
	return tree, members, nil
}

// importRoster is POST /grid/roster: the roster file sent as the body is
// compared with the township as it stands. Without a base it answers what
// applying it would change, changing nothing; with base_len and base_head,
// the base that answer gave, it applies the roster in one change if the
// township's grid has not changed since (409 otherwise), and answers what
// it changed. Needs ManageGrid at the township.
func (s *server) importRoster(w http.ResponseWriter, req bunrouter.Request) error {
	// The actor's right is checked before the file is read, so that
	// nobody else has a large file parsed; the grid's service checks it
	// again as it plans.
	actor, err := s.townshipManager(req)
	if err != nil {
		return err
	}
	q, err := parseQuery(req, "base_len", "base_head")
	if err != nil {
		return err
	}
	base, apply, err := rosterBase(q)
	if err != nil {
		return err
	}
	file, err := readRoster(w, req)
	if err != nil {
		return err
	}
	tree, members, err := s.cfg.Rosters.Read(bytes.NewReader(file))
	if err != nil {
		return err
	}
	ctx := req.Context()
	var plan grid.Plan
	if apply {
		plan, err = s.cfg.Grid.ApplyRoster(ctx, actor, tree, members, base)
	} else {
		plan, err = s.cfg.Grid.PlanRoster(ctx, actor, tree, members)
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.planOut(actor, plan, apply))
}

// rosterBase reads the base a roster is applied on: both parameters, or
// neither for a plan only.
func rosterBase(q *query) (timeline.Chain, bool, error) {
	n, head := q.one("base_len"), q.one("base_head")
	if q.err != nil {
		return timeline.Chain{}, false, q.err
	}
	switch {
	case n == "" && head == "":
		return timeline.Chain{}, false, nil
	case n == "":
		return timeline.Chain{}, false, fourplusn.FieldError("base_len", "give base_len with base_head, as the plan's base gave them")
	case head == "":
		return timeline.Chain{}, false, fourplusn.FieldError("base_head", "give base_head with base_len, as the plan's base gave them")
	}
	base := timeline.Chain{Len: int64(q.integer("base_len", 0, 0, math.MaxInt))}
	if q.err != nil {
		return timeline.Chain{}, false, q.err
	}
	h, err := timeline.ParseHash(head)
	if err != nil {
		return timeline.Chain{}, false, fourplusn.FieldError("base_head", "not a head the plan gave: 64 hexadecimal digits")
	}
	base.Head = h
	return base, true, nil
}

// readRoster reads the request's body, a roster file: at most maxRoster
// bytes (413), sent as a workbook or a CSV file (415).
func readRoster(w http.ResponseWriter, req bunrouter.Request) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || (mt != xlsxType && mt != csvType) {
		return nil, errRosterType
	}
	file, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxRoster))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, errRosterTooLarge
		}
		return nil, fourplusn.Errorf(fourplusn.Invalid, "the body could not be read")
	}
	if len(file) == 0 {
		return nil, fourplusn.Errorf(fourplusn.Invalid, "send the roster file as the body")
	}
	return file, nil
}

// planJSON is what applying a roster changes (or changed, when applied):
// the cells added, renamed, moved and retired, the members added, edited
// and deactivated, the posts granted and revoked, the open work that
// stops it, and where the township's log ended when it was made, which
// applying it needs.
type planJSON struct {
	Township          string             `json:"township"`
	Base              baseJSON           `json:"base"`
	Applied           bool               `json:"applied"`
	Changes           int                `json:"changes"`
	AddCells          []cellJSON         `json:"add_cells"`
	RenameCells       []cellChangeJSON   `json:"rename_cells"`
	MoveCells         []cellChangeJSON   `json:"move_cells"`
	RetireCells       []cellJSON         `json:"retire_cells"`
	AddMembers        []memberJSON       `json:"add_members"`
	EditMembers       []memberChangeJSON `json:"edit_members"`
	DeactivateMembers []memberJSON       `json:"deactivate_members"`
	Grants            []postChangeJSON   `json:"grants"`
	Revokes           []postChangeJSON   `json:"revokes"`
	Blocked           []workItemJSON     `json:"blocked"`
}

// baseJSON is where a township's administration log ends: its length and
// the hash of its last event.
type baseJSON struct {
	Len  int64  `json:"len"`
	Head string `json:"head"`
}

// cellChangeJSON is a cell before and after a change.
type cellChangeJSON struct {
	Before cellJSON `json:"before"`
	After  cellJSON `json:"after"`
}

// memberChangeJSON is a member before and after a change.
type memberChangeJSON struct {
	Before memberJSON `json:"before"`
	After  memberJSON `json:"after"`
}

// postChangeJSON is a post a member gains or loses.
type postChangeJSON struct {
	Member string `json:"member"`
	Name   string `json:"name"`
	Role   string `json:"role" oa:"enum=role"`
	Cell   string `json:"cell"`
}

// planOut writes plan for actor, the members' phones masked as in every
// listing of members.
func (s *server) planOut(actor grid.Actor, p grid.Plan, applied bool) planJSON {
	tree := s.cfg.Grid.Directory().Tree()
	cellChanges := func(cs []grid.CellChange) []cellChangeJSON {
		out := make([]cellChangeJSON, len(cs))
		for i, c := range cs {
			out[i] = cellChangeJSON{cellOut(tree, c.Before), cellOut(tree, c.After)}
		}
		return out
	}
	members := func(ms []grid.Member) []memberJSON {
		out := make([]memberJSON, len(ms))
		for i, m := range ms {
			out[i] = s.memberFor(actor, m)
		}
		return out
	}
	posts := func(ps []grid.PostChange) []postChangeJSON {
		out := make([]postChangeJSON, len(ps))
		for i, c := range ps {
			out[i] = postChangeJSON{Member: string(c.Member), Name: c.Name, Role: c.Role.String(), Cell: string(c.Cell)}
		}
		return out
	}
	out := planJSON{
		Township: string(p.Township), Base: baseJSON{Len: p.Base.Len, Head: p.Base.Head.String()}, Applied: applied, Changes: p.Changes(),
		AddCells: cellsOut(tree, p.AddCells), RenameCells: cellChanges(p.RenameCells), MoveCells: cellChanges(p.MoveCells),
		RetireCells: cellsOut(tree, p.RetireCells), AddMembers: members(p.AddMembers),
		EditMembers:       make([]memberChangeJSON, len(p.EditMembers)),
		DeactivateMembers: members(p.DeactivateMembers), Grants: posts(p.Grants), Revokes: posts(p.Revokes),
		Blocked: workItemsOut(p.Blocked),
	}
	for i, c := range p.EditMembers {
		out.EditMembers[i] = memberChangeJSON{s.memberFor(actor, c.Before), s.memberFor(actor, c.After)}
	}
	return out
}
