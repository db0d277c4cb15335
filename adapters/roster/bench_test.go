package roster_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/roster"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
)

// largeRoster is a township of about cells cells and members members, a
// fifth of whom hold a second post.
func largeRoster(cells, members int) grid.Roster {
	r := grid.Roster{Cells: gridtest.RandomSpecs(1, cells, 1)}
	roles, depts := grid.Roles(), grid.Departments()
	for i := range members {
		m := grid.MemberSpec{
			ID:         grid.MemberID(fmt.Sprintf("m%05d", i)),
			Name:       fmt.Sprintf("成员%d", i),
			Phone:      fmt.Sprintf("139%08d", i),
			Department: depts[i%len(depts)],
			Posts:      []grid.PostSpec{{Role: roles[i%len(roles)], Cell: r.Cells[i%len(r.Cells)].ID}},
		}
		if m.Department == grid.DeptPartner {
			m.Body = "土地所"
		}
		if i%5 == 0 {
			m.Posts = append(m.Posts, grid.PostSpec{Role: roles[(i+1)%len(roles)], Cell: r.Cells[(i*7)%len(r.Cells)].ID})
		}
		r.Members = append(r.Members, m)
	}
	return r
}

// BenchmarkCheck reads and resolves a workbook of 2,000 cells and 10,000
// members, written once.
func BenchmarkCheck(b *testing.B) {
	data := written(b, largeRoster(2000, 10000))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		tree, members, err := roster.Check(bytes.NewReader(data), grid.DefaultTitles)
		require.NoError(b, err)
		require.Equal(b, 2000, tree.Len())
		require.Len(b, members, 10000)
	}
}
