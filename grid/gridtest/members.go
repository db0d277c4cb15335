package gridtest

import (
	"fmt"
	"math/rand/v2"

	"github.com/fourplusn/fourplusn/grid"
)

// RandomMembers returns n members of township in tree, for benchmarks of
// large rosters: each holds one or two posts of random roles in random
// cells of the township, a level-1 head first. The same seed gives the
// same members.
func RandomMembers(seed uint64, tree *grid.Tree, township grid.CellID, n int) []grid.Member {
	rng := rand.New(rand.NewPCG(seed, seed^0x5bd1e995))
	root := tree.MustCell(township)
	below, _ := tree.Descendants(township)
	cells := append([]grid.Cell{root}, below...)
	roles := grid.Roles()
	members := make([]grid.Member, n)
	for i := range members {
		m := grid.Member{
			ID: grid.MemberID(fmt.Sprintf("m%05d", i)), Name: fmt.Sprintf("成员%d", i),
			Phone: fmt.Sprintf("139%08d", i), Department: grid.DeptGrid, Township: township,
		}
		for range 1 + rng.IntN(2) {
			p := grid.Post{Role: roles[rng.IntN(len(roles))], Cell: cells[rng.IntN(len(cells))].Path}
			if len(m.Posts) == 0 || m.Posts[0] != p {
				m.Posts = append(m.Posts, p)
			}
		}
		if i == 0 {
			m.Posts = []grid.Post{{Role: grid.GridHead, Cell: root.Path}}
		}
		members[i] = m
	}
	return members
}
