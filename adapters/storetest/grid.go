package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
)

// Grid checks a grid.Store: cells and members are kept whole, replaced by
// ID, saved all or none, and listed by township. newStore returns a fresh,
// empty store each time it is called.
func Grid(t *testing.T, newStore func(t *testing.T) grid.Store) {
	ctx := context.Background()
	// filled returns a store holding the whole demo deployment.
	filled := func(t *testing.T) (grid.Store, *gridtest.Demo) {
		d := gridtest.Gucheng()
		s := newStore(t)
		require.NoError(t, s.SaveCells(ctx, d.Tree.Cells()))
		for _, m := range d.Members {
			require.NoError(t, s.SaveMember(ctx, m))
		}
		return s, d
	}

	t.Run("Empty", func(t *testing.T) {
		s := newStore(t)
		cells, err := s.Cells(ctx)
		require.NoError(t, err)
		assert.Empty(t, cells)
		members, err := s.Members(ctx, gridtest.GuchengID)
		require.NoError(t, err)
		assert.Empty(t, members)
		_, err = s.Member(ctx, "gc-secretary")
		assert.ErrorIs(t, err, fourplusn.NotFound)
	})

	t.Run("TreeRoundTrip", func(t *testing.T) {
		s, d := filled(t)
		tree, err := grid.LoadTree(ctx, s, grid.DefaultTitles)
		require.NoError(t, err)
		assert.ElementsMatch(t, d.Tree.Cells(), tree.Cells())
		assert.Equal(t, d.Tree.Len(), tree.Len())
	})

	t.Run("MovedAndRetiredCellsReplaced", func(t *testing.T) {
		s, d := filled(t)
		moved, err := d.Tree.Move("mayuan", "gc-west")
		require.NoError(t, err)
		require.NotEmpty(t, moved)
		require.NoError(t, s.SaveCells(ctx, moved))
		leaf := deepest(d.Tree)
		require.NoError(t, d.Tree.Retire(leaf.ID))
		retired, err := d.Tree.Cell(leaf.ID)
		require.NoError(t, err)
		require.NoError(t, s.SaveCells(ctx, []grid.Cell{retired}))

		tree, err := grid.LoadTree(ctx, s, grid.DefaultTitles)
		require.NoError(t, err)
		assert.ElementsMatch(t, d.Tree.Cells(), tree.Cells())
		c, err := tree.Cell("mayuan")
		require.NoError(t, err)
		assert.Equal(t, grid.CellID("gc-west"), c.Parent())
		c, err = tree.Cell(leaf.ID)
		require.NoError(t, err)
		assert.True(t, c.Retired)
	})

	t.Run("SaveCellsAllOrNone", func(t *testing.T) {
		s := newStore(t)
		good := gridtest.Gucheng().Tree.Cells()[:3]
		bad := good[2]
		bad.Path = good[1].Path // a path that does not end in the cell's ID
		err := s.SaveCells(ctx, []grid.Cell{good[0], good[1], bad})
		require.ErrorIs(t, err, fourplusn.Invalid)
		assert.Contains(t, fourplusn.ErrorField(err), "cells[2]")
		cells, err := s.Cells(ctx)
		require.NoError(t, err)
		assert.Empty(t, cells, "a refused batch stores nothing")
	})

	t.Run("MemberRoundTrip", func(t *testing.T) {
		s, d := filled(t)
		for _, want := range d.Members {
			got, err := s.Member(ctx, want.ID)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		}
	})

	t.Run("MembersByTownship", func(t *testing.T) {
		s, d := filled(t)
		for _, township := range []grid.CellID{gridtest.GuchengID, gridtest.NeighbourID} {
			var want []grid.Member
			for _, m := range d.Members {
				if m.Township == township {
					want = append(want, m)
				}
			}
			got, err := s.Members(ctx, township)
			require.NoError(t, err)
			require.NotEmpty(t, got)
			assert.ElementsMatch(t, want, got)
			assert.IsIncreasing(t, memberIDs(got), "members are listed by ID")
		}
		got, err := s.Members(ctx, "nowhere")
		require.NoError(t, err)
		assert.Empty(t, got)
	})

	t.Run("SaveMemberReplaces", func(t *testing.T) {
		s, d := filled(t)
		m := d.Member("gc-mediator")
		m.Phone = "13700000000"
		m.Posts = append(m.Posts, grid.Post{Role: grid.DutyOfficer, Cell: d.Path(gridtest.GuchengID)})
		require.NoError(t, s.SaveMember(ctx, m))
		got, err := s.Member(ctx, m.ID)
		require.NoError(t, err)
		assert.Equal(t, m, got)
	})

	t.Run("InvalidMemberRefused", func(t *testing.T) {
		s, d := filled(t)
		m := d.Member("gc-mediator")
		m.Phone = "12345"
		err := s.SaveMember(ctx, m)
		require.ErrorIs(t, err, fourplusn.Invalid)
		assert.Equal(t, "phone", fourplusn.ErrorField(err))
		got, err := s.Member(ctx, m.ID)
		require.NoError(t, err)
		assert.Equal(t, d.Member("gc-mediator"), got, "the stored member is unchanged")
	})

	t.Run("ReturnedMemberNotShared", func(t *testing.T) {
		s, d := filled(t)
		got, err := s.Member(ctx, "gc-mediator")
		require.NoError(t, err)
		got.Posts[0].Role = grid.Partner
		again, err := s.Member(ctx, "gc-mediator")
		require.NoError(t, err)
		assert.Equal(t, d.Member("gc-mediator"), again)
	})
}

// deepest returns a cell with no cells below it.
func deepest(t *grid.Tree) grid.Cell {
	var leaf grid.Cell
	for _, c := range t.Cells() {
		if c.Level() > leaf.Level() {
			leaf = c
		}
	}
	return leaf
}

func memberIDs(ms []grid.Member) []string {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = string(m.ID)
	}
	return ids
}
