package gridtest

import (
	"fmt"
	"math/rand/v2"

	"github.com/fourplusn/fourplusn/grid"
)

// RandomSpecs returns the specs of a random, valid forest of about n cells
// in the given number of townships, each township filled level by level with
// random fan-outs so that every level is populated. The same seed gives the
// same forest.
func RandomSpecs(seed uint64, n, townships int) []grid.Spec {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	specs := make([]grid.Spec, 0, n)
	// Frontier of cells that may still take children, per level.
	var frontier [grid.MaxLevel][]grid.Spec
	for t := range townships {
		s := grid.Spec{ID: grid.CellID(fmt.Sprintf("t%d", t)), Name: fmt.Sprintf("township %d", t), Level: 1}
		specs = append(specs, s)
		frontier[0] = append(frontier[0], s)
	}
	for len(specs) < n {
		// Pick a level to grow, weighted towards the lower levels as real
		// grids are: most cells are villager groups and households.
		l := grid.Level(1 + rng.IntN(grid.MaxLevel-1))
		if r := rng.IntN(10); r >= 4 {
			l = grid.Level(min(int(grid.MaxLevel-1), 3+r%2))
		}
		for l > 1 && len(frontier[l-1]) == 0 {
			l--
		}
		parents := frontier[l-1]
		parent := parents[rng.IntN(len(parents))]
		c := grid.Spec{ID: grid.CellID(fmt.Sprintf("c%d", len(specs))), Parent: parent.ID, Name: fmt.Sprintf("cell %d", len(specs)), Level: l + 1}
		specs = append(specs, c)
		if c.Level < grid.MaxLevel {
			frontier[c.Level-1] = append(frontier[c.Level-1], c)
		}
	}
	return specs
}

// RandomTree builds the forest of RandomSpecs.
func RandomTree(seed uint64, n, townships int) *grid.Tree {
	tree, err := grid.Build(grid.DefaultTitles, RandomSpecs(seed, n, townships))
	if err != nil {
		panic(err) // RandomSpecs made an invalid forest: a bug here
	}
	return tree
}
