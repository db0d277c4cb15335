package memstore_test

import (
	"testing"

	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/adapters/storetest"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/geo"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
)

func TestConformance(t *testing.T) {
	storetest.Cases(t, func(*testing.T) mediation.Store { return memstore.NewCases() })
	storetest.Hazards(t, func(*testing.T) hazard.Store { return memstore.NewHazards() })
	storetest.Indicators(t, func(*testing.T) stats.Indicators { return memstore.NewIndicators() })
	storetest.Stats(t, func(*testing.T) storetest.Stores {
		cases, hazards := memstore.NewCases(), memstore.NewHazards()
		return storetest.Stores{Cases: cases, Hazards: hazards, Source: memstore.Stats{Cases: cases, Hazards: hazards}}
	})
}

func TestBoundariesConformance(t *testing.T) {
	storetest.Boundaries(t, func(*testing.T) geo.Store { return memstore.NewBoundaries() })
}

func TestGridConformance(t *testing.T) {
	storetest.Grid(t, func(*testing.T) grid.Store { return memstore.NewGridStore() })
}
