package mediation_test

import (
	"context"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/geo"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/mediation"
)

func TestRegisterByPosition(t *testing.T) {
	demo := gridtest.Gucheng()
	ground := orb.Bound{Min: orb.Point{114.0, 32.9}, Max: orb.Point{114.1, 33.0}}
	bounds := gridtest.Boundaries(demo.Tree, gridtest.GuchengID, ground)
	ix := geo.NewIndex(demo.Tree, bounds)
	locate := func(_ context.Context, township grid.CellID, p orb.Point) (grid.CellID, error) {
		if id, ok := ix.Locate(p); ok && demo.Tree.MustCell(id).Path.Township() == township {
			return id, nil
		}
		return "", fourplusn.Errorf(fourplusn.NotFound, "no cell")
	}
	svc, err := mediation.NewService(mediation.Config{
		Store: memstore.NewCases(), Cells: memstore.Grid{Tree: demo.Tree}, Policy: grid.DefaultPolicy(), Rules: mediation.DefaultRules(), Locate: locate,
		Now: (&clock{now: time.Date(2022, 11, 1, 9, 0, 0, 0, shanghai)}).Now,
	})
	require.NoError(t, err)
	var inside orb.Point // the middle of 马园 one group's rectangle
	for _, b := range bounds {
		if b.Cell == "mayuan-1" {
			inside = b.Shape.Bound().Center()
		}
	}
	want, _ := ix.Locate(inside)
	require.NotEmpty(t, want)

	in := neighbourDispute()
	in.Location, in.Point = "", &inside
	c, err := svc.Register(ctx, demo.Member("mayuan-1-head").Actor(), in)
	require.NoError(t, err)
	assert.Equal(t, want, c.Location.Cell(), "the lowest cell holding the position")

	for name, p := range map[string]orb.Point{
		"outside every cell": {120, 30},
		"not a position":     {200, 95},
	} {
		in.Point = &p
		_, err := svc.Register(ctx, demo.Member("mayuan-1-head").Actor(), in)
		assert.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err), name)
		assert.Contains(t, []string{"location", "point"}, fourplusn.ErrorField(err), name)
	}
	// A cell given wins over the position.
	in.Location, in.Point = "mayuan-2", &inside
	c, err = svc.Register(ctx, demo.Member("mayuan-head").Actor(), in)
	require.NoError(t, err)
	assert.Equal(t, grid.CellID("mayuan-2"), c.Location.Cell())
}

func TestRegisterByPositionWithoutBoundaries(t *testing.T) {
	f := newFixture(t)
	in := neighbourDispute()
	in.Location, in.Point = "", &orb.Point{114.05, 32.95}
	_, err := f.svc.Register(ctx, f.actor("mayuan-1-head"), in)
	assert.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err))
	assert.Equal(t, "location", fourplusn.ErrorField(err))
}
