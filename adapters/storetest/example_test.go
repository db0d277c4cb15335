package storetest_test

import (
	"context"
	"fmt"
	"log"
	"testing"

	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// ExampleCases wires the suite for a store, here the memory store, as an
// integrator wires it for their own. The suite runs from a Test function
// of the adapter's tests, which has the *testing.T it needs:
//
//	func TestCases(t *testing.T) {
//		storetest.Cases(t, newCases)
//	}
//
// What the example itself runs is the constructor's side of the bargain,
// which every check counts on: each call returns a fresh, empty store, so
// that a case registered in one store is not in the next. The suite passes
// each call the subtest's t, for a store that needs a temporary directory
// or a cleanup; the memory store needs neither, and is given none here.
func ExampleCases() {
	newCases := func(*testing.T) mediation.Store { return memstore.NewCases() }

	ctx := context.Background()
	town := gridtest.Gucheng()
	head := town.Member("mayuan-1-head").Actor()
	all := mediation.Filter{Township: gridtest.GuchengID, Within: []grid.Path{grid.RootPath(gridtest.GuchengID)}}
	for i := range 2 {
		s := newCases(nil)
		before, err := s.List(ctx, all)
		if err != nil {
			log.Fatal(err)
		}
		svc, err := mediation.NewService(mediation.Config{Store: s, Cells: memstore.Grid{Tree: town.Tree}, Policy: grid.DefaultPolicy(), Rules: mediation.DefaultRules()})
		if err != nil {
			log.Fatal(err)
		}
		if _, err := svc.Register(ctx, head, mediation.Intake{
			Channel: work.ChannelGridHead, Category: mediation.Neighbour, Location: "mayuan-1", Facts: "两家因排水沟堵塞多次争吵。",
			Applicants:  []mediation.Party{{Name: "王某某", Phone: "13900001111"}},
			Respondents: []mediation.Party{{Name: "张某某"}},
		}); err != nil {
			log.Fatal(err)
		}
		after, err := s.List(ctx, all)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("store %d: %d cases, then %d after one is registered\n", i+1, len(before.Cases), len(after.Cases))
	}
	// Output:
	// store 1: 0 cases, then 1 after one is registered
	// store 2: 0 cases, then 1 after one is registered
}
