package memstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/work"
)

var _ work.Cells = memstore.Grid{}

func TestGridCell(t *testing.T) {
	tree, err := grid.Build(grid.DefaultTitles, []grid.Spec{
		{ID: "t", Name: "镇", Level: 1},
		{ID: "s1", Parent: "t", Name: "片区", Level: 2},
	})
	require.NoError(t, err)
	g := memstore.Grid{Tree: tree}
	ctx := context.Background()

	c, err := g.Cell(ctx, "s1")
	require.NoError(t, err)
	require.Equal(t, grid.RootPath("t").Child("s1"), c.Path)

	_, err = g.Cell(ctx, "nope")
	requireCode(t, err, fourplusn.NotFound)

	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = g.Cell(canceled, "s1")
	require.ErrorIs(t, err, context.Canceled)
}
