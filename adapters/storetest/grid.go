package storetest

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/timeline"
)

// Grid checks a grid.Store: cells, members and administration logs are
// kept whole and apart per township, a change is stored all or none and
// only on the log's end it was made on, and nothing returned or given is
// shared. newStore returns a fresh, empty store each time it is called.
func Grid(t *testing.T, newStore func(t *testing.T) grid.Store) {
	t.Run("empty", func(t *testing.T) { gridEmpty(t, newStore(t)) })
	t.Run("founded", func(t *testing.T) { gridFounded(t, newStore(t)) })
	t.Run("changes replace", func(t *testing.T) { gridChangesReplace(t, newStore(t)) })
	t.Run("all or none", func(t *testing.T) { gridAllOrNone(t, newStore(t)) })
	t.Run("stale base", func(t *testing.T) { gridStaleBase(t, newStore(t)) })
	t.Run("concurrent changes", func(t *testing.T) { gridConcurrent(t, newStore(t)) })
	t.Run("member of another township", func(t *testing.T) { gridOtherTownship(t, newStore(t)) })
	t.Run("log pages", func(t *testing.T) { gridLogPages(t, newStore(t)) })
	t.Run("copies are the caller's", func(t *testing.T) { gridCopies(t, newStore(t)) })
}

// founded sets the demo deployment up in s.
func founded(t *testing.T, s grid.Store) (*gridtest.Demo, *grid.Service) {
	t.Helper()
	d := gridtest.Gucheng()
	svc, err := d.Found(context.Background(), s)
	require.NoError(t, err)
	return d, svc
}

// gridSnapshot is all a store holds of the demo deployment.
type gridSnapshot struct {
	Cells   []grid.Cell
	Members map[grid.CellID][]grid.Member
	Heads   map[grid.CellID]timeline.Chain
	Logs    map[grid.CellID][]timeline.Event
}

// snapshotGrid reads all s holds of the demo deployment.
func snapshotGrid(t *testing.T, s grid.Store) gridSnapshot {
	t.Helper()
	ctx := context.Background()
	cells, err := s.Cells(ctx)
	require.NoError(t, err)
	snap := gridSnapshot{Cells: cells, Members: map[grid.CellID][]grid.Member{}, Heads: map[grid.CellID]timeline.Chain{}, Logs: map[grid.CellID][]timeline.Event{}}
	for _, township := range []grid.CellID{gridtest.GuchengID, gridtest.NeighbourID} {
		if snap.Members[township], err = s.Members(ctx, township); err != nil {
			t.Fatal(err)
		}
		if snap.Heads[township], err = s.Head(ctx, township); err != nil {
			t.Fatal(err)
		}
		if snap.Logs[township], err = s.Log(ctx, township, 0, 0); err != nil {
			t.Fatal(err)
		}
	}
	return snap
}

// gridEmpty: a new store holds nothing, and says so without errors.
func gridEmpty(t *testing.T, s grid.Store) {
	ctx := context.Background()
	cells, err := s.Cells(ctx)
	require.NoError(t, err)
	assert.Empty(t, cells)
	members, err := s.Members(ctx, gridtest.GuchengID)
	require.NoError(t, err)
	assert.Empty(t, members)
	_, err = s.Member(ctx, "gc-secretary")
	assert.ErrorIs(t, err, fourplusn.NotFound)
	head, err := s.Head(ctx, gridtest.GuchengID)
	require.NoError(t, err)
	assert.Equal(t, timeline.Chain{}, head)
	log, err := s.Log(ctx, gridtest.GuchengID, 0, 0)
	require.NoError(t, err)
	assert.Empty(t, log)
}

// gridFounded: a deployment set up through the grid's service reads back
// whole — the tree, each township's members, each member by ID — and each
// township's log ends where its head says and verifies.
func gridFounded(t *testing.T, s grid.Store) {
	ctx := context.Background()
	d, _ := founded(t, s)
	tree, err := grid.LoadTree(ctx, s, grid.DefaultTitles)
	require.NoError(t, err)
	same(t, sortedBy(d.Tree.Cells(), cellID), sortedBy(tree.Cells(), cellID), "the tree's cells, in any order")
	for _, township := range []grid.CellID{gridtest.GuchengID, gridtest.NeighbourID} {
		var want []grid.Member
		for _, m := range d.Members {
			if m.Township == township {
				want = append(want, m)
			}
		}
		got, err := s.Members(ctx, township)
		require.NoError(t, err)
		same(t, sortedBy(want, memberID), got, "members are listed whole, by ID")

		head, err := s.Head(ctx, township)
		require.NoError(t, err)
		log, err := s.Log(ctx, township, 0, 0)
		require.NoError(t, err)
		assert.Equal(t, int64(len(log)), head.Len)
		assert.NoError(t, grid.VerifyLog(township, log, head))
		assert.Equal(t, grid.LogFounded, log[0].Action)
	}
	for _, want := range d.Members {
		got, err := s.Member(ctx, want.ID)
		require.NoError(t, err)
		same(t, want, got, "member %s", want.ID)
	}
}

// sortedBy returns a copy of xs in order of key, so that a list a store
// may return in any order compares as a set.
func sortedBy[T any, K cmp.Ordered](xs []T, key func(T) K) []T {
	out := slices.Clone(xs)
	slices.SortFunc(out, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
	return out
}

// cellID and memberID are the keys cells and members are listed by.
func cellID(c grid.Cell) grid.CellID       { return c.ID }
func memberID(m grid.Member) grid.MemberID { return m.ID }

// gridChangesReplace: a change replaces the cells and members it holds by
// ID — a moved subtree's new paths, a retired cell's flag, a member's new
// particulars — and extends the log.
func gridChangesReplace(t *testing.T, s grid.Store) {
	ctx := context.Background()
	d, svc := founded(t, s)
	admin := d.Member("gc-secretary").Actor()
	_, err := svc.MoveCell(ctx, admin, "xiaoyuzhuang", "gc-east")
	require.NoError(t, err)
	_, err = svc.DeactivateMember(ctx, admin, "zhaiwan-2-head", "")
	require.NoError(t, err)
	require.NoError(t, svc.RetireCell(ctx, admin, "zhaiwan-2", ""))
	edited, err := svc.EditMember(ctx, admin, "gc-mediator", grid.MemberEdit{Name: "孙某某", Phone: "13700000000", Department: grid.DeptMediation})
	require.NoError(t, err)

	tree, err := grid.LoadTree(ctx, s, grid.DefaultTitles)
	require.NoError(t, err)
	same(t, sortedBy(svc.Directory().Tree().Cells(), cellID), sortedBy(tree.Cells(), cellID), "the tree's cells, in any order")
	c, err := tree.Cell("xiaoyuzhuang-1")
	require.NoError(t, err)
	assert.Equal(t, "/gucheng/gc-east/xiaoyuzhuang/xiaoyuzhuang-1", c.Path.String(), "a moved subtree's paths are replaced")
	c, err = tree.Cell("zhaiwan-2")
	require.NoError(t, err)
	assert.True(t, c.Retired)
	got, err := s.Member(ctx, "gc-mediator")
	require.NoError(t, err)
	same(t, edited, got, "an edited member is replaced")
	police, err := s.Member(ctx, "xiaoyuzhuang-police")
	require.NoError(t, err)
	assert.Equal(t, "/gucheng/gc-east/xiaoyuzhuang", police.Posts[0].Cell.String(), "posts move with their cell")

	head, err := s.Head(ctx, gridtest.GuchengID)
	require.NoError(t, err)
	log, err := s.Log(ctx, gridtest.GuchengID, 0, 0)
	require.NoError(t, err)
	require.NoError(t, grid.VerifyLog(gridtest.GuchengID, log, head))
	assert.Equal(t, []timeline.Action{grid.LogCellMoved, grid.LogMemberDeactivated, grid.LogCellRetired, grid.LogMemberEdited}, actions(log[len(log)-4:]))
	left, err := s.Member(ctx, "zhaiwan-2-head")
	require.NoError(t, err)
	assert.True(t, left.Inactive, "a deactivated member stays on record")
	assert.Empty(t, left.Posts)
}

// actions returns the actions of events, in order.
func actions(events []timeline.Event) []timeline.Action {
	out := make([]timeline.Action, len(events))
	for i, e := range events {
		out[i] = e.Action
	}
	return out
}

// renaming returns a change of township on head renaming cell c, with
// its event.
func renaming(township grid.CellID, head timeline.Chain, c grid.Cell, name string) grid.Change {
	c.Name = name
	e, _ := head.Append(timeline.Event{Subject: string(township), At: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), Actor: "gc-secretary", Action: grid.LogCellRenamed, Details: map[string]string{"cell": string(c.ID)}})
	return grid.Change{Cells: []grid.Cell{c}, Events: []timeline.Event{e}}
}

// gridAllOrNone: a change with anything that cannot be stored — an invalid
// cell, a member of another township's posts, events that do not continue
// the log — is refused as Invalid, naming it, and stores nothing.
func gridAllOrNone(t *testing.T, s grid.Store) {
	ctx := context.Background()
	d, svc := founded(t, s)
	before := snapshotGrid(t, s)
	head := svc.Directory().Head(gridtest.GuchengID)
	good := renaming(gridtest.GuchengID, head, d.Tree.MustCell("mayuan"), "马园村")

	badCell := good
	badCell.Cells = append(badCell.Cells, grid.Cell{ID: "x", Name: "x", Path: d.Path("mayuan")})
	badMember := good
	m := d.Member("gc-mediator")
	m.Phone = "12345"
	badMember.Members = []grid.Member{m}
	foreign := good
	foreign.Members = []grid.Member{d.Member("lz-secretary")}
	gap := good
	gap.Events = []timeline.Event{good.Events[0]}
	gap.Events[0].Seq += 2
	none := good
	none.Events = nil
	for name, tc := range map[string]struct {
		ch    grid.Change
		field string
	}{
		"invalid cell":      {badCell, "cells[1].path"},
		"invalid member":    {badMember, "members[0].phone"},
		"member of another": {foreign, "members[0]"},
		"events with a gap": {gap, "events[0]"},
		"no event":          {none, "events"},
		"cell of another":   {grid.Change{Cells: []grid.Cell{d.Tree.MustCell("lz-qiaotou")}, Events: good.Events}, "cells[0]"},
	} {
		t.Run(name, func(t *testing.T) {
			err := s.Apply(ctx, gridtest.GuchengID, head, tc.ch)
			require.ErrorIs(t, err, fourplusn.Invalid)
			assert.Equal(t, tc.field, fourplusn.ErrorField(err))
			same(t, before, snapshotGrid(t, s), "a refused change stores nothing")
		})
	}
	require.NoError(t, s.Apply(ctx, gridtest.GuchengID, head, good), "the same change without the fault is stored")
}

// gridStaleBase: a change made on a log's end that has moved on is a
// Conflict and stores nothing; made on the new end, it is stored.
func gridStaleBase(t *testing.T, s grid.Store) {
	ctx := context.Background()
	d, svc := founded(t, s)
	head := svc.Directory().Head(gridtest.GuchengID)
	first := renaming(gridtest.GuchengID, head, d.Tree.MustCell("mayuan"), "马园村")
	require.NoError(t, s.Apply(ctx, gridtest.GuchengID, head, first))
	before := snapshotGrid(t, s)

	stale := renaming(gridtest.GuchengID, head, d.Tree.MustCell("nanguan"), "南关新区")
	err := s.Apply(ctx, gridtest.GuchengID, head, stale)
	require.ErrorIs(t, err, fourplusn.Conflict)
	same(t, before, snapshotGrid(t, s), "a stale change stores nothing")

	end := first.End(head)
	require.NoError(t, s.Apply(ctx, gridtest.GuchengID, end, renaming(gridtest.GuchengID, end, d.Tree.MustCell("nanguan"), "南关新区")))
	err = s.Apply(ctx, gridtest.NeighbourID, end, renaming(gridtest.NeighbourID, end, d.Tree.MustCell("lz-north"), "北片"))
	assert.ErrorIs(t, err, fourplusn.Conflict, "each township's log has its own end")
}

// gridConcurrent: of changes made at once on the same end of a log,
// exactly one is stored.
func gridConcurrent(t *testing.T, s grid.Store) {
	ctx := context.Background()
	d, svc := founded(t, s)
	head := svc.Directory().Head(gridtest.GuchengID)
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = s.Apply(ctx, gridtest.GuchengID, head, renaming(gridtest.GuchengID, head, d.Tree.MustCell("mayuan"), "马园"+string(rune('甲'+i))))
		})
	}
	wg.Wait()
	stored := 0
	for _, err := range errs {
		if err == nil {
			stored++
			continue
		}
		assert.ErrorIs(t, err, fourplusn.Conflict)
	}
	assert.Equal(t, 1, stored)
	end, err := s.Head(ctx, gridtest.GuchengID)
	require.NoError(t, err)
	assert.Equal(t, head.Len+1, end.Len)
}

// gridOtherTownship: a member ID held in one township is not taken over by
// another's change.
func gridOtherTownship(t *testing.T, s grid.Store) {
	ctx := context.Background()
	d, svc := founded(t, s)
	head := svc.Directory().Head(gridtest.NeighbourID)
	ch := renaming(gridtest.NeighbourID, head, d.Tree.MustCell("lz-north"), "北片")
	m := d.Member("gc-mediator")
	m.Township = gridtest.NeighbourID
	m.Posts = []grid.Post{{Role: grid.Mediator, Cell: d.Path("lz-north")}}
	ch.Members = []grid.Member{m}
	before := snapshotGrid(t, s)
	err := s.Apply(ctx, gridtest.NeighbourID, head, ch)
	require.ErrorIs(t, err, fourplusn.Conflict)
	same(t, before, snapshotGrid(t, s), "a refused change stores nothing")
}

// gridLogPages: Log reads a log from any event on, a page at a time.
func gridLogPages(t *testing.T, s grid.Store) {
	ctx := context.Background()
	founded(t, s)
	all, err := s.Log(ctx, gridtest.GuchengID, 0, 0)
	require.NoError(t, err)
	require.Greater(t, len(all), 10)
	var paged []timeline.Event
	for after := int64(0); ; {
		page, err := s.Log(ctx, gridtest.GuchengID, after, 7)
		require.NoError(t, err)
		if len(page) == 0 {
			break
		}
		assert.LessOrEqual(t, len(page), 7)
		paged = append(paged, page...)
		after = page[len(page)-1].Seq
	}
	same(t, all, paged, "the pages are the whole log")
	beyond, err := s.Log(ctx, gridtest.GuchengID, int64(len(all)), 0)
	require.NoError(t, err)
	assert.Empty(t, beyond)
}

// gridCopies: what a store returns, and what it was given, is the caller's
// to change afterwards.
func gridCopies(t *testing.T, s grid.Store) {
	ctx := context.Background()
	d, svc := founded(t, s)
	got, err := s.Member(ctx, "gc-mediator")
	require.NoError(t, err)
	got.Posts[0].Role = grid.Partner
	list, err := s.Members(ctx, gridtest.GuchengID)
	require.NoError(t, err)
	list[0].Posts[0].Role = grid.Partner
	log, err := s.Log(ctx, gridtest.GuchengID, 0, 1)
	require.NoError(t, err)
	log[0].Details["cells"] = "0"

	head := svc.Directory().Head(gridtest.GuchengID)
	ch := renaming(gridtest.GuchengID, head, d.Tree.MustCell("mayuan"), "马园村")
	m := d.Member("gc-justice")
	m.Posts = slices.Clone(m.Posts) // the fixture's own stay as they are
	ch.Members = []grid.Member{m}
	require.NoError(t, s.Apply(ctx, gridtest.GuchengID, head, ch))
	m.Posts[0].Role = grid.Partner
	ch.Events[0].Details["cell"] = "elsewhere"

	again, err := s.Member(ctx, "gc-mediator")
	require.NoError(t, err)
	same(t, d.Member("gc-mediator"), again, "a member handed out")
	justice, err := s.Member(ctx, "gc-justice")
	require.NoError(t, err)
	same(t, d.Member("gc-justice"), justice, "a member given")
	members, err := s.Members(ctx, gridtest.GuchengID)
	require.NoError(t, err)
	same(t, d.Member(members[0].ID), members[0], "a member listed")
	log, err = s.Log(ctx, gridtest.GuchengID, 0, 0)
	require.NoError(t, err)
	assert.NotEqual(t, "0", log[0].Details["cells"])
	assert.Equal(t, "mayuan", log[len(log)-1].Details["cell"])
}
