package grid_test

import (
	"fmt"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
)

// A community's officer may accept a case in a villager group of the
// community, but not in the next village, and nothing in another township.
func ExamplePolicy_Can() {
	d := gridtest.Gucheng()
	officer := d.Member("mayuan-police").Actor()
	policy := grid.DefaultPolicy()
	for _, cell := range []grid.CellID{"mayuan-1", "wuguiqiao-1", "lz-qiaotou-1"} {
		err := policy.Can(officer, grid.Accept, grid.Target{Cell: d.Path(cell)})
		if err != nil {
			fmt.Printf("%s: refused, %s\n", cell, fourplusn.ErrorCode(err))
			continue
		}
		fmt.Printf("%s: allowed\n", cell)
	}
	// Output:
	// mayuan-1: allowed
	// wuguiqiao-1: refused, forbidden
	// lz-qiaotou-1: refused, forbidden
}
