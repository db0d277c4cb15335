package storetest

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/geo"
)

// Boundaries checks an implementation of geo.Store: boundaries kept per
// township and read back as put, holes and several polygons included; a
// boundary put again replaces the first; a shape that bounds nothing is
// refused, naming "coordinates", and stores nothing; what the store is
// given or returns stays the caller's.
func Boundaries(t *testing.T, newStore func(t *testing.T) geo.Store) {
	ctx := context.Background()
	square := func(x0, y0, x1, y1 float64) orb.Ring {
		return orb.Bound{Min: orb.Point{x0, y0}, Max: orb.Point{x1, y1}}.ToRing()
	}
	holed := geo.Shape{orb.Polygon{square(114, 32, 114.1, 32.1), square(114.02, 32.02, 114.04, 32.04)}}
	two := geo.Shape{orb.Polygon{square(114, 32, 114.01, 32.01)}, orb.Polygon{square(114.5, 32.5, 114.51, 32.51)}}

	t.Run("kept per township and read back as put", func(t *testing.T) {
		s := newStore(t)
		given := holed.Clone()
		putBoundary(t, s, "t1", geo.Boundary{Cell: "b", Shape: given})
		putBoundary(t, s, "t1", geo.Boundary{Cell: "a", Shape: two})
		putBoundary(t, s, "t2", geo.Boundary{Cell: "c", Shape: two})
		given[0][0][0] = orb.Point{0, 0} // the store kept its own copy
		got := boundariesOf(t, s, "t1")
		if len(got) != 2 || got[0].Cell != "a" || got[1].Cell != "b" {
			t.Fatalf("Boundaries(t1) = %v, want a and b, by ID", got)
		}
		if !orb.Equal(orb.MultiPolygon(got[0].Shape), orb.MultiPolygon(two)) || !orb.Equal(orb.MultiPolygon(got[1].Shape), orb.MultiPolygon(holed)) {
			t.Errorf("read back %v", got)
		}
		got[0].Shape[0][0][0] = orb.Point{0, 0}
		if again := boundariesOf(t, s, "t1"); !orb.Equal(orb.MultiPolygon(again[0].Shape), orb.MultiPolygon(two)) {
			t.Error("changing what Boundaries returned changed the store")
		}
		if got := boundariesOf(t, s, "t2"); len(got) != 1 || got[0].Cell != "c" {
			t.Errorf("Boundaries(t2) = %v, want c alone", got)
		}
		if got := boundariesOf(t, s, "t3"); len(got) != 0 {
			t.Errorf("a township without boundaries has %v", got)
		}
	})
	t.Run("put again replaces", func(t *testing.T) {
		s := newStore(t)
		putBoundary(t, s, "t1", geo.Boundary{Cell: "a", Shape: holed})
		putBoundary(t, s, "t1", geo.Boundary{Cell: "a", Shape: two})
		if got := boundariesOf(t, s, "t1"); len(got) != 1 || !orb.Equal(orb.MultiPolygon(got[0].Shape), orb.MultiPolygon(two)) {
			t.Errorf("after a second put: %v", got)
		}
	})
	t.Run("a shape that bounds nothing is refused", func(t *testing.T) {
		s := newStore(t)
		open := geo.Shape{orb.Polygon{{{114, 32}, {114.1, 32}, {114.1, 32.1}, {114, 32.1}}}}
		err := s.PutBoundary(ctx, "t1", geo.Boundary{Cell: "a", Shape: open})
		if fourplusn.ErrorCode(err) != fourplusn.Invalid || fourplusn.ErrorField(err) != "coordinates" {
			t.Errorf("PutBoundary(open ring) = %v, want Invalid naming coordinates", err)
		}
		if got := boundariesOf(t, s, "t1"); len(got) != 0 {
			t.Errorf("a refused boundary was stored: %v", got)
		}
	})
}

func putBoundary(t *testing.T, s geo.Store, township grid.CellID, b geo.Boundary) {
	t.Helper()
	if err := s.PutBoundary(context.Background(), township, b); err != nil {
		t.Fatalf("PutBoundary(%s, %s): %v", township, b.Cell, err)
	}
}

func boundariesOf(t *testing.T, s geo.Store, township grid.CellID) []geo.Boundary {
	t.Helper()
	got, err := s.Boundaries(context.Background(), township)
	if err != nil {
		t.Fatalf("Boundaries(%s): %v", township, err)
	}
	return got
}
