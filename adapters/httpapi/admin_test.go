package httpapi_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/grid"
)

// head returns Gucheng's head as the grid has them now, to seed through
// the grid's service.
func (e *env) head() grid.Actor {
	m, _ := e.grid.Directory().Member("gc-secretary")
	return m.Actor()
}

// seedCell returns a new cell below 马园, where nobody holds a post and no
// work is handled.
func (e *env) seedCell(t testing.TB) grid.CellID {
	t.Helper()
	c, err := e.grid.AddCell(ctx, e.head(), grid.Spec{ID: grid.CellID(fmt.Sprintf("cell-%d", seq.Add(1))), Parent: "mayuan", Name: "新建网格"})
	require.NoError(t, err)
	return c.ID
}

// seedMember returns a new member, a grid worker and a mediator in 马园
// who answers for no work.
func (e *env) seedMember(t testing.TB) grid.MemberID {
	t.Helper()
	mayuan := e.demo.Path("mayuan")
	m, err := e.grid.AddMember(ctx, e.head(), grid.Member{
		ID: grid.MemberID(fmt.Sprintf("worker-%d", seq.Add(1))), Name: "新网格员", Phone: "13912340000", Department: grid.DeptGrid,
		Posts: []grid.Post{{Role: grid.GridWorker, Cell: mayuan}, {Role: grid.Mediator, Cell: mayuan}},
	})
	require.NoError(t, err)
	return m.ID
}

// seedToken returns the ID of a new API token of member id, or an ID of no
// token for an actor who is not a member.
func (e *env) seedToken(t testing.TB, id string) string {
	t.Helper()
	m, ok := e.grid.Directory().Member(grid.MemberID(id))
	if !ok {
		return "tok-none"
	}
	_, tokenID, err := e.accounts.issueToken(ctx, m, "另一台设备")
	require.NoError(t, err)
	return tokenID
}
