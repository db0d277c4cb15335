package grid_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

var ctx = context.Background()

// township is a demo deployment kept by the grid's service, with its case
// and hazard work on memory stores.
type township struct {
	demo     *gridtest.Demo
	store    *memstore.GridStore
	grid     *grid.Service
	cases    *mediation.Service
	hazards  *hazard.Service
	caseDB   *memstore.Cases
	hazardDB *memstore.Hazards
}

func newTownship(t testing.TB, policy *grid.Policy) *township {
	t.Helper()
	demo := gridtest.Gucheng()
	store := memstore.NewGridStore()
	gs, err := demo.Found(ctx, store)
	require.NoError(t, err)
	if policy != nil {
		// The service read the founded grid; rebuild it with the township's
		// own policy.
		gs, err = grid.NewService(ctx, store, policy, grid.DefaultTitles)
		require.NoError(t, err)
	}
	caseDB := memstore.NewCases()
	cases, err := mediation.NewService(mediation.Config{Store: caseDB, Cells: gs, Policy: gs.Policy(), Rules: mediation.DefaultRules()})
	require.NoError(t, err)
	hazardDB := memstore.NewHazards()
	hazards, err := hazard.NewService(hazard.Config{Store: hazardDB, Cells: gs, Policy: gs.Policy(), Rules: hazard.DefaultRules(), Converter: cases})
	require.NoError(t, err)
	gs.Work = []grid.Work{cases, hazards}
	return &township{demo: demo, store: store, grid: gs, cases: cases, hazards: hazards, caseDB: caseDB, hazardDB: hazardDB}
}

// actor returns member id as the grid now has them.
func (tw *township) actor(t testing.TB, id grid.MemberID) grid.Actor {
	t.Helper()
	m, ok := tw.grid.Directory().Member(id)
	require.True(t, ok, "member %s", id)
	return m.Actor()
}

func (tw *township) path(t testing.TB, id grid.CellID) grid.Path {
	t.Helper()
	c, err := tw.grid.Directory().Tree().Cell(id)
	require.NoError(t, err)
	return c.Path
}

// register has member by register a dispute that arose in cell at.
func (tw *township) register(t testing.TB, by grid.MemberID, at grid.CellID, ch work.Channel) *mediation.Case {
	t.Helper()
	c, err := tw.cases.Register(ctx, tw.actor(t, by), mediation.Intake{
		Channel: ch, Category: mediation.Neighbour, Location: at,
		Applicants:  []mediation.Party{{Name: "王某某", Phone: "13900001111"}},
		Respondents: []mediation.Party{{Name: "张某某"}},
		Facts:       "两家因排水沟堵塞互相指责，多次争吵。",
	})
	require.NoError(t, err)
	return c
}

func (tw *township) stored(t testing.TB, id mediation.ID) *mediation.Case {
	t.Helper()
	c, err := tw.caseDB.Get(ctx, id)
	require.NoError(t, err)
	return c
}

func (tw *township) lastEvent(t testing.TB, id mediation.ID) timeline.Event {
	t.Helper()
	events, err := tw.caseDB.Events(ctx, id)
	require.NoError(t, err)
	require.NoError(t, timeline.Verify(string(id), events, tw.stored(t, id).Chain))
	return events[len(events)-1]
}

func (tw *township) log(t testing.TB) []timeline.Event {
	t.Helper()
	events, err := tw.store.Log(ctx, gridtest.GuchengID, 0, 0)
	require.NoError(t, err)
	head, err := tw.store.Head(ctx, gridtest.GuchengID)
	require.NoError(t, err)
	require.NoError(t, grid.VerifyLog(gridtest.GuchengID, events, head))
	return events
}

// adminOp is one administrative method aimed at a target cell: the cell
// it changes, or where the post it grants or takes lies. setup prepares,
// as the target township's head, what the call needs, so that only the
// policy can refuse the call; it returns what the call acts on.
type adminOp struct {
	name  string
	setup func(t testing.TB, tw *township, target grid.CellID) string
	do    func(tw *township, actor grid.Actor, target grid.CellID, arg string) error
}

// headOf returns the head of the township target lies in.
func headOf(t testing.TB, tw *township, target grid.CellID) grid.Actor {
	if tw.path(t, target).Township() == gridtest.NeighbourID {
		return tw.actor(t, "lz-secretary")
	}
	return tw.actor(t, "gc-secretary")
}

func noSetup(testing.TB, *township, grid.CellID) string { return "" }

// addChild adds a cell below parent as its township's head.
func addChild(t testing.TB, tw *township, parent grid.CellID, id string) grid.CellID {
	t.Helper()
	c, err := tw.grid.AddCell(ctx, headOf(t, tw, parent), grid.Spec{ID: grid.CellID(id), Parent: parent, Name: "网格" + id})
	require.NoError(t, err)
	return c.ID
}

// addWorker adds a grid worker posted at cell as its township's head.
func addWorker(t testing.TB, tw *township, cell grid.CellID) string {
	t.Helper()
	m, err := tw.grid.AddMember(ctx, headOf(t, tw, cell), grid.Member{ID: grid.MemberID("w-" + cell), Name: "某", Phone: "13912340000", Department: grid.DeptGrid,
		Posts: []grid.Post{{Role: grid.GridWorker, Cell: tw.path(t, cell)}}})
	require.NoError(t, err)
	return string(m.ID)
}

// adminOps are every administrative method of the grid's service.
var adminOps = []adminOp{
	{"AddCell", noSetup, func(tw *township, a grid.Actor, target grid.CellID, _ string) error {
		_, err := tw.grid.AddCell(ctx, a, grid.Spec{ID: "new-" + target, Parent: target, Name: "新网格"})
		return err
	}},
	{"RenameCell", noSetup, func(tw *township, a grid.Actor, target grid.CellID, _ string) error {
		_, err := tw.grid.RenameCell(ctx, a, target, "改名网格")
		return err
	}},
	{"MoveCell", func(t testing.TB, tw *township, target grid.CellID) string {
		// Two new cells below the target, and a third below the first,
		// which the call moves below the second. Below a level-4 target
		// there is room for one level only: its new child moves below a new
		// sibling of the target.
		a := addChild(t, tw, target, "ma-"+string(target))
		if tw.path(t, target).Level() == grid.MaxLevel-1 {
			return string(a) + " " + string(addChild(t, tw, tw.path(t, target).Parent().Cell(), "mb-"+string(target)))
		}
		b := addChild(t, tw, target, "mb-"+string(target))
		return string(addChild(t, tw, a, "mc-"+string(target))) + " " + string(b)
	}, func(tw *township, a grid.Actor, _ grid.CellID, arg string) error {
		moved, parent, _ := strings.Cut(arg, " ")
		_, err := tw.grid.MoveCell(ctx, a, grid.CellID(moved), grid.CellID(parent))
		return err
	}},
	{"RetireCell", func(t testing.TB, tw *township, target grid.CellID) string {
		return string(addChild(t, tw, target, "r-"+string(target)))
	}, func(tw *township, a grid.Actor, _ grid.CellID, cell string) error {
		return tw.grid.RetireCell(ctx, a, grid.CellID(cell), "")
	}},
	{"AddMember", noSetup, func(tw *township, a grid.Actor, target grid.CellID, _ string) error {
		_, err := tw.grid.AddMember(ctx, a, grid.Member{ID: "new-member", Name: "新成员", Phone: "13912345678", Department: grid.DeptGrid,
			Posts: []grid.Post{{Role: grid.GridWorker, Cell: tw.grid.Directory().Tree().MustCell(target).Path}}})
		return err
	}},
	{"EditMember", addWorker, func(tw *township, a grid.Actor, _ grid.CellID, id string) error {
		_, err := tw.grid.EditMember(ctx, a, grid.MemberID(id), grid.MemberEdit{Name: "改名", Phone: "13912345678", Department: grid.DeptGrid})
		return err
	}},
	{"GrantPost", addWorker, func(tw *township, a grid.Actor, target grid.CellID, id string) error {
		_, err := tw.grid.GrantPost(ctx, a, grid.MemberID(id), grid.Post{Role: grid.Mediator, Cell: tw.grid.Directory().Tree().MustCell(target).Path})
		return err
	}},
	{"RevokePost", func(t testing.TB, tw *township, target grid.CellID) string {
		id := addWorker(t, tw, target)
		_, err := tw.grid.GrantPost(ctx, headOf(t, tw, target), grid.MemberID(id), grid.Post{Role: grid.Mediator, Cell: tw.path(t, target)})
		require.NoError(t, err)
		return id
	}, func(tw *township, a grid.Actor, target grid.CellID, id string) error {
		_, err := tw.grid.RevokePost(ctx, a, grid.MemberID(id), grid.Post{Role: grid.Mediator, Cell: tw.grid.Directory().Tree().MustCell(target).Path}, "")
		return err
	}},
	{"DeactivateMember", addWorker, func(tw *township, a grid.Actor, _ grid.CellID, id string) error {
		_, err := tw.grid.DeactivateMember(ctx, a, grid.MemberID(id), "")
		return err
	}},
}

// TestAdminPermissions spells out, for every administrative method, what
// a post may do to its own cell, a descendant, its parent, a sibling and
// a cell of another township (Y done, - refused, . no such relation): the
// township's head and an admin post, which hold ManageGrid by default; a
// sector's head in a township whose policy gives it down to level 2, and
// by default; a duty officer and a village head, who never hold it. A
// refused change writes nothing.
func TestAdminPermissions(t *testing.T) {
	sectorPolicy := grid.DefaultPolicy()
	require.NoError(t, sectorPolicy.Set(grid.GridHead, grid.ManageGrid, 2))
	type post struct {
		member  grid.MemberID
		policy  *grid.Policy
		targets [5]grid.CellID
	}
	top := [5]grid.CellID{"gucheng", "mayuan", "", "", "lz-north"}
	sectorTargets := [5]grid.CellID{"gc-east", "mayuan", "gucheng", "gc-west", "lz-north"}
	posts := []post{
		{"gc-secretary", nil, top},
		{"gc-admin", nil, top},
		{"gc-east-head", sectorPolicy, sectorTargets},
		{"gc-east-head", nil, sectorTargets},
		{"gc-duty-1", sectorPolicy, top},
		{"mayuan-head", sectorPolicy, [5]grid.CellID{"mayuan", "mayuan-2", "gc-east", "wuguiqiao", "lz-qiaotou"}},
	}
	// Columns: the posts above, in order.
	want := map[string][6]string{
		"AddCell":          {"YY..-", "YY..-", "YY---", "-----", "--..-", "-----"},
		"RenameCell":       {"YY..-", "YY..-", "YY---", "-----", "--..-", "-----"},
		"MoveCell":         {"YY..-", "YY..-", "YY---", "-----", "--..-", "-----"},
		"RetireCell":       {"YY..-", "YY..-", "YY---", "-----", "--..-", "-----"},
		"AddMember":        {"YY..-", "YY..-", "YY---", "-----", "--..-", "-----"},
		"EditMember":       {"YY..-", "YY..-", "YY---", "-----", "--..-", "-----"},
		"GrantPost":        {"YY..-", "YY..-", "YY---", "-----", "--..-", "-----"},
		"RevokePost":       {"YY..-", "YY..-", "YY---", "-----", "--..-", "-----"},
		"DeactivateMember": {"YY..-", "YY..-", "YY---", "-----", "--..-", "-----"},
	}
	require.Len(t, want, len(adminOps), "the table covers every method")
	for _, op := range adminOps {
		for j, p := range posts {
			t.Run(fmt.Sprintf("%s/%s/%d", op.name, p.member, j), func(t *testing.T) {
				var got []byte
				for _, target := range p.targets {
					if target == "" {
						got = append(got, '.')
						continue
					}
					tw := newTownship(t, p.policy)
					arg := op.setup(t, tw, target)
					before := tw.snapshot(t)
					err := op.do(tw, tw.actor(t, p.member), target, arg)
					switch code := fourplusn.ErrorCode(err); {
					case err == nil:
						got = append(got, 'Y')
					case code == fourplusn.Forbidden || code == fourplusn.NotFound:
						got = append(got, '-')
						assert.Equal(t, before, tw.snapshot(t), "a refused change writes nothing")
					default:
						t.Fatalf("%s on %s: %v, want nil or a refusal", op.name, target, err)
					}
				}
				assert.Equal(t, want[op.name][j], string(got))
			})
		}
	}
}

// snapshot is what the store holds of both townships.
func (tw *township) snapshot(t testing.TB) []any {
	t.Helper()
	cells, err := tw.store.Cells(ctx)
	require.NoError(t, err)
	out := []any{cells}
	for _, id := range []grid.CellID{gridtest.GuchengID, gridtest.NeighbourID} {
		members, err := tw.store.Members(ctx, id)
		require.NoError(t, err)
		log, err := tw.store.Log(ctx, id, 0, 0)
		require.NoError(t, err)
		out = append(out, members, len(log))
	}
	return out
}
