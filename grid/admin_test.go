package grid_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// blocked returns the IDs of the items a *BlockedError lists.
func blocked(t *testing.T, err error) []string {
	t.Helper()
	var b *grid.BlockedError
	require.ErrorAs(t, err, &b)
	assert.Equal(t, fourplusn.Conflict, fourplusn.ErrorCode(err), "a blocked change is a conflict")
	var ids []string
	for _, it := range b.Items {
		ids = append(ids, it.Kind+":"+it.ID)
	}
	return ids
}

func TestRetireCellWithOpenWork(t *testing.T) {
	tw := newTownship(t, nil)
	head := tw.actor(t, "gc-secretary")
	c := tw.register(t, "mayuan-head", "mayuan-3", work.ChannelWalkIn)
	require.Equal(t, "/gucheng/gc-east/mayuan/mayuan-3", c.Handling.String(), "a simple case is handled by its group")
	h, err := tw.hazards.Report(ctx, tw.actor(t, "mayuan-3-head"), hazard.Report{Category: hazard.Traffic, Location: "mayuan-3", Description: "村口弯道无警示标志"})
	require.NoError(t, err)

	// Its head holds a post there: revoked first.
	_, err = tw.grid.DeactivateMember(ctx, head, "mayuan-3-head", "mayuan-head")
	require.NoError(t, err)
	assert.Equal(t, "mayuan-head", mustHazard(t, tw, h.ID).Assignee, "the hazard its head reported passed to the successor")
	err = tw.grid.RetireCell(ctx, head, "mayuan-3", "")
	assert.ElementsMatch(t, []string{"case:" + string(c.ID), "hazard:" + string(h.ID)}, blocked(t, err))
	assert.False(t, tw.grid.Directory().Tree().MustCell("mayuan-3").Retired, "a refused retirement changes nothing")

	err = tw.grid.RetireCell(ctx, head, "mayuan-3", "mayuan-3")
	assert.ErrorIs(t, err, fourplusn.Invalid, "a cell cannot take over its own work")
	require.NoError(t, tw.grid.RetireCell(ctx, head, "mayuan-3", "mayuan"))
	assert.True(t, tw.grid.Directory().Tree().MustCell("mayuan-3").Retired)
	got := tw.stored(t, c.ID)
	assert.Equal(t, "/gucheng/gc-east/mayuan", got.Handling.String())
	e := tw.lastEvent(t, c.ID)
	assert.Equal(t, work.ActionReassigned, e.Action)
	assert.Equal(t, map[string]string{"from": "/gucheng/gc-east/mayuan/mayuan-3", "to": "/gucheng/gc-east/mayuan", "reason": "网格撤销：马园三组的工作由马园村委接手"}, e.Details)
	assert.Equal(t, "/gucheng/gc-east/mayuan", mustHazard(t, tw, h.ID).Handling.String())

	log := tw.log(t)
	last := log[len(log)-1]
	assert.Equal(t, grid.LogCellRetired, last.Action)
	assert.Equal(t, "mayuan", last.Details["takeover"])
	assert.Equal(t, "gc-secretary", last.Actor)

	_, err = tw.grid.AddCell(ctx, head, grid.Spec{ID: "mayuan-3-x", Parent: "mayuan-3", Name: "新户"})
	assert.ErrorIs(t, err, fourplusn.Conflict, "a retired cell takes no new cells")
	_, err = tw.grid.GrantPost(ctx, head, "gc-mediator", grid.Post{Role: grid.Mediator, Cell: tw.path(t, "mayuan-3")})
	assert.ErrorIs(t, err, fourplusn.Conflict, "nor posts")
}

func mustHazard(t *testing.T, tw *township, id hazard.ID) *hazard.Hazard {
	t.Helper()
	h, err := tw.hazardDB.Get(ctx, id)
	require.NoError(t, err)
	return h
}

func TestRetireCellRefusals(t *testing.T) {
	tw := newTownship(t, nil)
	head := tw.actor(t, "gc-secretary")
	err := tw.grid.RetireCell(ctx, head, "gucheng", "")
	assert.ErrorIs(t, err, fourplusn.Invalid, "the township itself")
	err = tw.grid.RetireCell(ctx, head, "mayuan-1", "")
	assert.ErrorIs(t, err, fourplusn.Conflict, "members hold posts below it")
	assert.Contains(t, err.Error(), "mayuan-1-head")
	err = tw.grid.RetireCell(ctx, head, "lz-qiaotou", "")
	assert.ErrorIs(t, err, fourplusn.NotFound, "another township's cell does not exist for us")
	err = tw.grid.RetireCell(ctx, head, "mayuan-2", "lz-qiaotou")
	assert.ErrorIs(t, err, fourplusn.NotFound)
	assert.Equal(t, "takeover", fourplusn.ErrorField(err))
}

// TestRevokeWithSuccessor: the member who answers for open work through a
// post hands it to a successor when the post is revoked; each item's
// timeline records the handover and the successor is its first responder
// or handler from then on, and may see it.
func TestRevokeWithSuccessor(t *testing.T) {
	tw := newTownship(t, nil)
	head := tw.actor(t, "gc-secretary")
	// 马园's officer received two cases: one still waiting, one he accepted.
	waiting := tw.register(t, "mayuan-police", "mayuan-1", work.ChannelPolice)
	accepted := tw.register(t, "mayuan-police", "mayuan-2", work.ChannelPolice)
	accepted, err := tw.cases.Accept(ctx, tw.actor(t, "mayuan-police"), accepted.ID, accepted.Version)
	require.NoError(t, err)
	// Another member's case stays where it is.
	other := tw.register(t, "mayuan-head", "mayuan-1", work.ChannelWalkIn)

	// His only post: he leaves; without a successor nothing happens.
	_, err = tw.grid.RevokePost(ctx, head, "mayuan-police", grid.Post{Role: grid.CommunityPolice, Cell: tw.path(t, "mayuan")}, "")
	assert.ErrorIs(t, err, fourplusn.Invalid, "the last post is not revoked: the member is deactivated")
	before := tw.snapshot(t)
	_, err = tw.grid.DeactivateMember(ctx, head, "mayuan-police", "")
	assert.ElementsMatch(t, []string{"case:" + string(waiting.ID), "case:" + string(accepted.ID)}, blocked(t, err))
	assert.Equal(t, before, tw.snapshot(t))

	_, err = tw.grid.DeactivateMember(ctx, head, "mayuan-police", "wuguiqiao-head")
	assert.ErrorIs(t, err, fourplusn.Invalid, "a successor who may not see the cases")
	assert.Equal(t, "successor", fourplusn.ErrorField(err))
	_, err = tw.grid.DeactivateMember(ctx, head, "mayuan-police", "lz-qiaotou-police")
	assert.ErrorIs(t, err, fourplusn.NotFound, "a successor of another township")
	assert.Equal(t, before, tw.snapshot(t))

	left, err := tw.grid.DeactivateMember(ctx, head, "mayuan-police", "mayuan-aux")
	require.NoError(t, err)
	assert.True(t, left.Inactive)
	assert.Empty(t, left.Posts)
	assert.Equal(t, "mayuan-aux", tw.stored(t, waiting.ID).FirstResponder)
	assert.Equal(t, "mayuan-aux", tw.stored(t, accepted.ID).AcceptedBy)
	assert.Equal(t, "mayuan-head", tw.stored(t, other.ID).FirstResponder)
	for _, id := range []mediation.ID{waiting.ID, accepted.ID} {
		e := tw.lastEvent(t, id)
		assert.Equal(t, work.ActionHandedOver, e.Action)
		assert.Equal(t, "mayuan-police", e.Details["from"])
		assert.Equal(t, "mayuan-aux", e.Details["to"])
		assert.Equal(t, "gc-secretary", e.Actor)
		_, err := tw.cases.Get(ctx, tw.actor(t, "mayuan-aux"), id)
		assert.NoError(t, err, "the successor sees the case")
	}
	log := tw.log(t)
	last := log[len(log)-1]
	assert.Equal(t, grid.LogMemberDeactivated, last.Action)
	assert.Equal(t, "mayuan-aux", last.Details["successor"])
	assert.Contains(t, last.Details["before"], `"community_police"`)
	assert.Contains(t, last.Details["after"], `"Inactive":true`)

	m, _ := tw.grid.Directory().Member("mayuan-police")
	assert.Empty(t, m.Actor().Posts, "a deactivated member acts nowhere")
	_, err = tw.cases.Get(ctx, m.Actor(), other.ID)
	assert.ErrorIs(t, err, fourplusn.NotFound)
}

// TestRevokeOnePostWithSuccessor: revoking one of two posts hands over the
// work reached through it alone.
func TestRevokeOnePostWithSuccessor(t *testing.T) {
	tw := newTownship(t, nil)
	head := tw.actor(t, "gc-secretary")
	_, err := tw.grid.GrantPost(ctx, head, "mayuan-police", grid.Post{Role: grid.CommunityPolice, Cell: tw.path(t, "wuguiqiao")})
	require.NoError(t, err)
	here := tw.register(t, "mayuan-police", "mayuan-1", work.ChannelPolice)
	// A case he accepted in 吴桂桥 he answers for through his post there.
	there := tw.register(t, "wuguiqiao-head", "wuguiqiao-1", work.ChannelWalkIn)
	there, err = tw.cases.Accept(ctx, tw.actor(t, "mayuan-police"), there.ID, there.Version)
	require.NoError(t, err)

	post := grid.Post{Role: grid.CommunityPolice, Cell: tw.path(t, "mayuan")}
	_, err = tw.grid.RevokePost(ctx, head, "mayuan-police", post, "")
	assert.Equal(t, []string{"case:" + string(here.ID)}, blocked(t, err))
	m, err := tw.grid.RevokePost(ctx, head, "mayuan-police", post, "mayuan-aux")
	require.NoError(t, err)
	assert.Equal(t, []grid.Post{{Role: grid.CommunityPolice, Cell: tw.path(t, "wuguiqiao")}}, m.Posts)
	assert.Equal(t, "mayuan-aux", tw.stored(t, here.ID).FirstResponder)
	assert.Equal(t, "mayuan-police", tw.stored(t, there.ID).AcceptedBy, "what his other post reaches stays his")
	log := tw.log(t)
	last := log[len(log)-1]
	assert.Equal(t, grid.LogPostRevoked, last.Action)
	assert.Equal(t, map[string]string{"member": "mayuan-police", "role": "community_police", "post": "/gucheng/gc-east/mayuan", "successor": "mayuan-aux"},
		map[string]string{"member": last.Details["member"], "role": last.Details["role"], "post": last.Details["post"], "successor": last.Details["successor"]})
}

// TestRevokeKeepsWhatRemainingPostsReach: work a member reaches through a
// post they keep stays with them.
func TestRevokeKeepsWhatRemainingPostsReach(t *testing.T) {
	tw := newTownship(t, nil)
	head := tw.actor(t, "gc-secretary")
	// 刘保柱 heads 洪沟庙二组 and works in 洪沟庙.
	c := tw.register(t, "honggoumiao-security", "honggoumiao-2", work.ChannelGridHead)
	require.Equal(t, "/gucheng/gc-west/honggoumiao/honggoumiao-2", c.FirstResponderCell.String())
	m, err := tw.grid.RevokePost(ctx, head, "honggoumiao-security", grid.Post{Role: grid.GridHead, Cell: tw.path(t, "honggoumiao-2")}, "")
	require.NoError(t, err, "his worker post in 洪沟庙 still reaches the case")
	assert.Len(t, m.Posts, 1)
	assert.Equal(t, "honggoumiao-security", tw.stored(t, c.ID).FirstResponder)
}

// TestMoveCellCarriesItsWork: a village moved to another sector takes its
// posts and its open work along; its ended records keep their paths.
func TestMoveCellCarriesItsWork(t *testing.T) {
	tw := newTownship(t, nil)
	head := tw.actor(t, "gc-secretary")
	open := tw.register(t, "xiaoyuzhuang-head", "xiaoyuzhuang-1", work.ChannelWalkIn)
	done := tw.register(t, "xiaoyuzhuang-head", "xiaoyuzhuang-2", work.ChannelWalkIn)
	done, err := tw.cases.Reject(ctx, tw.actor(t, "xiaoyuzhuang-head"), done.ID, done.Version, mediation.Rejection{Reason: "已由法院受理", Advice: "请等待判决"})
	require.NoError(t, err)

	_, err = tw.grid.MoveCell(ctx, head, "xiaoyuzhuang", "gc-east")
	require.NoError(t, err)
	got := tw.stored(t, open.ID)
	assert.Equal(t, "/gucheng/gc-east/xiaoyuzhuang/xiaoyuzhuang-1", got.Location.String())
	assert.Equal(t, "/gucheng/gc-east/xiaoyuzhuang/xiaoyuzhuang-1", got.Handling.String())
	assert.Equal(t, "/gucheng/gc-east/xiaoyuzhuang", got.FirstResponderCell.String())
	assert.Equal(t, work.ActionRelocated, tw.lastEvent(t, open.ID).Action)
	assert.Equal(t, "/gucheng/gc-south/xiaoyuzhuang/xiaoyuzhuang-2", tw.stored(t, done.ID).Location.String(), "an ended case keeps its history")

	_, err = tw.cases.Get(ctx, tw.actor(t, "gc-east-head"), open.ID)
	assert.NoError(t, err, "the new sector sees the village's open case")
	_, err = tw.cases.Get(ctx, tw.actor(t, "gc-south-head"), open.ID)
	assert.ErrorIs(t, err, fourplusn.NotFound, "the old one does not")
	police := tw.actor(t, "xiaoyuzhuang-police")
	assert.Equal(t, "/gucheng/gc-east/xiaoyuzhuang", police.Posts[0].Cell.String(), "posts move with their cell")
	_, err = tw.cases.Accept(ctx, police, open.ID, 0)
	assert.NoError(t, err, "and act there at once")

	_, err = tw.grid.MoveCell(ctx, head, "xiaoyuzhuang", "mayuan")
	assert.ErrorIs(t, err, fourplusn.Invalid, "levels stay")
	_, err = tw.grid.MoveCell(ctx, head, "xiaoyuzhuang", "lz-north")
	assert.ErrorIs(t, err, fourplusn.NotFound, "another township's cell")
}

func TestAddAndEditMembers(t *testing.T) {
	tw := newTownship(t, nil)
	admin := tw.actor(t, "gc-admin")
	m := grid.Member{ID: "mayuan-mediator", Name: "马调解", Phone: "13912345678", Department: grid.DeptMediation,
		Posts: []grid.Post{{Role: grid.Mediator, Cell: tw.path(t, "mayuan")}}}
	added, err := tw.grid.AddMember(ctx, admin, m)
	require.NoError(t, err)
	assert.Equal(t, gridtest.GuchengID, added.Township)

	// The new member acts at once, with no restart.
	c := tw.register(t, "mayuan-head", "mayuan-1", work.ChannelWalkIn)
	_, err = tw.cases.Accept(ctx, tw.actor(t, "mayuan-mediator"), c.ID, 0)
	require.NoError(t, err)

	for name, tc := range map[string]struct {
		m    grid.Member
		code fourplusn.Code
	}{
		"taken ID":      {func() grid.Member { x := m; x.ID = "gc-secretary"; return x }(), fourplusn.Conflict},
		"ID of another": {func() grid.Member { x := m; x.ID = "lz-secretary"; return x }(), fourplusn.Conflict},
		"bad phone":     {func() grid.Member { x := m; x.ID = "x1"; x.Phone = "1234"; return x }(), fourplusn.Invalid},
		"no posts":      {func() grid.Member { x := m; x.ID = "x2"; x.Posts = nil; return x }(), fourplusn.Invalid},
		"unknown cell": {func() grid.Member {
			x := m
			x.ID = "x3"
			x.Posts = []grid.Post{{Role: grid.Mediator, Cell: grid.RootPath("gucheng").Child("nowhere")}}
			return x
		}(), fourplusn.NotFound},
		"login with space": {func() grid.Member { x := m; x.ID = "马 调解"; return x }(), fourplusn.Invalid},
	} {
		t.Run(name, func(t *testing.T) {
			before := tw.snapshot(t)
			_, err := tw.grid.AddMember(ctx, admin, tc.m)
			assert.Equal(t, tc.code, fourplusn.ErrorCode(err), "%v", err)
			assert.Equal(t, before, tw.snapshot(t))
		})
	}

	edited, err := tw.grid.EditMember(ctx, admin, "mayuan-mediator", grid.MemberEdit{Name: "马某", Phone: "13987654321", Department: grid.DeptMediation})
	require.NoError(t, err)
	assert.Equal(t, "马某", edited.Name)
	assert.Equal(t, added.Posts, edited.Posts, "an edit leaves the posts")
	_, err = tw.grid.EditMember(ctx, admin, "mayuan-mediator", grid.MemberEdit{Name: "马某", Phone: "139", Department: grid.DeptMediation})
	assert.Equal(t, "phone", fourplusn.ErrorField(err))

	log := tw.log(t)
	assert.Equal(t, []timeline.Action{grid.LogMemberAdded, grid.LogMemberEdited}, []timeline.Action{log[len(log)-2].Action, log[len(log)-1].Action})
	assert.Contains(t, log[len(log)-1].Details["before"], "马调解")
	assert.Contains(t, log[len(log)-1].Details["after"], "马某")
}

func TestGrantPostReactivates(t *testing.T) {
	tw := newTownship(t, nil)
	head := tw.actor(t, "gc-secretary")
	_, err := tw.grid.DeactivateMember(ctx, head, "gc-land", "")
	require.NoError(t, err)
	_, err = tw.grid.DeactivateMember(ctx, head, "gc-land", "")
	assert.ErrorIs(t, err, fourplusn.Conflict)
	m, err := tw.grid.GrantPost(ctx, head, "gc-land", grid.Post{Role: grid.Partner, Cell: tw.path(t, "mayuan")})
	require.NoError(t, err)
	assert.False(t, m.Inactive)
	_, err = tw.grid.GrantPost(ctx, head, "gc-land", grid.Post{Role: grid.Partner, Cell: tw.path(t, "mayuan")})
	assert.ErrorIs(t, err, fourplusn.Conflict, "a post held already")
	_, err = tw.grid.GrantPost(ctx, head, "gc-land", grid.Post{Role: grid.Role(99), Cell: tw.path(t, "mayuan")})
	assert.ErrorIs(t, err, fourplusn.Invalid)
}

// TestNoRequestSeesHalfAChange: readers that take the directory while
// rosters that rename fifty cells at once are applied see every cell of
// one roster or of the next, never a mix; and the policy answers as fast.
func TestNoRequestSeesHalfAChange(t *testing.T) {
	tw := newTownship(t, nil)
	head := tw.actor(t, "gc-secretary")
	dir := tw.grid.Directory()
	cells, _ := dir.Tree().Descendants(gridtest.GuchengID)
	rosterNamed := func(n int) (*grid.Tree, []grid.Member) {
		tree := dir.Tree().Clone()
		for _, c := range cells {
			_, err := tree.Rename(c.ID, fmt.Sprintf("%s·%d", c.Name, n))
			require.NoError(t, err)
		}
		town, err := tree.Township(gridtest.GuchengID)
		require.NoError(t, err)
		return town, dir.Members(gridtest.GuchengID)
	}
	const rounds = 20
	rosters := make([]*grid.Tree, rounds)
	var members []grid.Member
	for i := range rosters {
		rosters[i], members = rosterNamed(i + 1)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	var mixed, reads [4]int
	for r := range 4 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				d := tw.grid.Directory()
				seen := map[string]bool{}
				for _, c := range cells {
					got, _ := d.Tree().Cell(c.ID)
					_, suffix, _ := cutLast(got.Name, "·")
					seen[suffix] = true
				}
				if len(seen) != 1 {
					mixed[r]++
				}
				reads[r]++
			}
		})
	}
	for i, roster := range rosters {
		head := tw.grid.Directory().Head(gridtest.GuchengID)
		plan, err := tw.grid.ApplyRoster(ctx, tw.actor(t, "gc-secretary"), roster, members, head)
		require.NoError(t, err, "round %d", i)
		assert.Len(t, plan.RenameCells, len(cells))
	}
	close(done)
	wg.Wait()
	assert.Equal(t, [4]int{}, mixed, "no reader saw two rosters at once")
	assert.NotEqual(t, [4]int{}, reads)
	_ = head
}

func cutLast(s, sep string) (string, string, bool) {
	for i := len(s) - len(sep); i >= 0; i-- {
		if s[i:i+len(sep)] == sep {
			return s[:i], s[i+len(sep):], true
		}
	}
	return s, "", false
}

// roster returns the demo township's roster as the grid has it now: its
// active cells and members.
func (tw *township) roster(t testing.TB) (*grid.Tree, []grid.Member) {
	t.Helper()
	dir := tw.grid.Directory()
	tree, err := dir.Tree().Township(gridtest.GuchengID)
	require.NoError(t, err)
	for _, c := range tree.Cells() {
		if c.Retired {
			tree, err = pruned(tree, c.ID)
			require.NoError(t, err)
		}
	}
	var members []grid.Member
	for _, m := range dir.Members(gridtest.GuchengID) {
		if !m.Inactive {
			members = append(members, m)
		}
	}
	return tree, members
}

func memberIndex(ms []grid.Member, id grid.MemberID) int {
	return slices.IndexFunc(ms, func(m grid.Member) bool { return m.ID == id })
}

// TestRosterPlan: re-importing a changed roster shows exactly what
// changes, and applying it makes the grid the roster's.
func TestRosterPlan(t *testing.T) {
	tw := newTownship(t, nil)
	admin := tw.actor(t, "gc-admin")
	tree, members := tw.roster(t)
	// Added 马园四组, renamed 南关社区, moved 小余庄 to the east sector,
	// retired 翟湾二组 (whose head leaves); a new mediator; 高敬's phone;
	// 孙某 gains a post in 马园 and the land office's 郑某 leaves.
	_, err := tree.Add(grid.Spec{ID: "mayuan-4", Parent: "mayuan", Name: "马园四组"})
	require.NoError(t, err)
	_, err = tree.Rename("nanguan", "南关新区社区")
	require.NoError(t, err)
	_, err = tree.Move("xiaoyuzhuang", "gc-east")
	require.NoError(t, err)
	tree, err = pruned(tree, "zhaiwan-2")
	require.NoError(t, err)
	members = slices.DeleteFunc(members, func(m grid.Member) bool { return m.ID == "zhaiwan-2-head" || m.ID == "gc-land" })
	members = append(members, grid.Member{ID: "mayuan-4-head", Name: "马园四组组长", Phone: "13912345678", Department: grid.DeptGrid, Township: gridtest.GuchengID,
		Posts: []grid.Post{{Role: grid.GridHead, Cell: tree.MustCell("mayuan-4").Path}}})
	members[memberIndex(members, "gc-justice")].Phone = "13711112222"
	i := memberIndex(members, "gc-mediator")
	members[i].Posts = append(slices.Clone(members[i].Posts), grid.Post{Role: grid.Mediator, Cell: tree.MustCell("mayuan").Path})
	for j, m := range members {
		if m.Posts[0].Cell.At(3) == "xiaoyuzhuang" {
			members[j].Posts = slices.Clone(m.Posts)
			for k, p := range m.Posts {
				members[j].Posts[k].Cell = tree.MustCell(p.Cell.Cell()).Path
			}
		}
	}

	base := tw.grid.Directory().Head(gridtest.GuchengID)
	plan, err := tw.grid.PlanRoster(ctx, admin, tree, members)
	require.NoError(t, err)
	assert.Equal(t, base, plan.Base)
	assert.Equal(t, []grid.CellID{"mayuan-4"}, cellIDs(plan.AddCells))
	assert.Equal(t, []grid.CellID{"nanguan"}, changedCells(plan.RenameCells))
	assert.Equal(t, []grid.CellID{"xiaoyuzhuang"}, changedCells(plan.MoveCells))
	assert.Equal(t, []grid.CellID{"zhaiwan-2"}, cellIDs(plan.RetireCells))
	assert.Equal(t, []grid.MemberID{"mayuan-4-head"}, memberIDs(plan.AddMembers))
	require.Len(t, plan.EditMembers, 1)
	assert.Equal(t, "13711112222", plan.EditMembers[0].After.Phone)
	assert.Equal(t, []grid.MemberID{"gc-land", "zhaiwan-2-head"}, memberIDs(plan.DeactivateMembers))
	assert.Equal(t, []grid.PostChange{{Member: "gc-mediator", Name: "孙某", Role: grid.Mediator, Cell: "mayuan"}}, plan.Grants)
	assert.Empty(t, plan.Revokes, "the posts of members who leave go with them")
	assert.Empty(t, plan.Blocked)
	assert.Equal(t, base, tw.grid.Directory().Head(gridtest.GuchengID), "a plan changes nothing")

	applied, err := tw.grid.ApplyRoster(ctx, admin, tree, members, base)
	require.NoError(t, err)
	assert.Equal(t, plan, applied)
	now, nowMembers := tw.roster(t)
	assert.ElementsMatch(t, tree.Cells(), now.Cells(), "the grid is the roster's")
	assert.ElementsMatch(t, members, nowMembers)

	again, err := tw.grid.PlanRoster(ctx, admin, tree, members)
	require.NoError(t, err)
	assert.Zero(t, again.Changes(), "applied, the roster makes no difference")
	_, err = tw.grid.ApplyRoster(ctx, admin, tree, members, base)
	assert.ErrorIs(t, err, fourplusn.Conflict, "a plan shown before the grid changed is stale")

	log := tw.log(t)
	var actionsSince []timeline.Action
	for _, e := range log[base.Len:] {
		actionsSince = append(actionsSince, e.Action)
	}
	assert.Equal(t, grid.LogRosterImported, actionsSince[0])
	assert.Len(t, actionsSince, 1+plan.Changes())
}

func TestRosterPlanBlocked(t *testing.T) {
	tw := newTownship(t, nil)
	admin := tw.actor(t, "gc-admin")
	c := tw.register(t, "mayuan-police", "mayuan-1", work.ChannelPolice)
	tree, members := tw.roster(t)
	members = slices.DeleteFunc(members, func(m grid.Member) bool { return m.ID == "mayuan-police" })
	plan, err := tw.grid.PlanRoster(ctx, admin, tree, members)
	require.NoError(t, err)
	require.Len(t, plan.Blocked, 1)
	assert.Equal(t, string(c.ID), plan.Blocked[0].ID)
	before := tw.snapshot(t)
	_, err = tw.grid.ApplyRoster(ctx, admin, tree, members, plan.Base)
	assert.Len(t, blocked(t, err), 1)
	assert.Equal(t, before, tw.snapshot(t))
}

func TestRosterRefusals(t *testing.T) {
	tw := newTownship(t, nil)
	admin := tw.actor(t, "gc-admin")
	tree, members := tw.roster(t)
	_, err := tw.grid.PlanRoster(ctx, tw.actor(t, "lz-secretary"), tree, members)
	assert.ErrorIs(t, err, fourplusn.Invalid, "another township's roster")
	_, err = tw.grid.PlanRoster(ctx, tw.actor(t, "mayuan-head"), tree, members)
	assert.ErrorIs(t, err, fourplusn.Forbidden)

	relevel := tree.Clone()
	_, err = relevel.Add(grid.Spec{ID: "mayuan-1-wang", Parent: "mayuan-1", Name: "王氏家族"})
	require.NoError(t, err)
	require.NoError(t, tw.grid.RetireCell(ctx, admin, "mayuan-1-li", ""))
	_, err = tw.grid.PlanRoster(ctx, admin, relevel, members)
	assert.ErrorIs(t, err, fourplusn.Invalid, "a retired cell listed again")
	assert.Contains(t, err.Error(), "mayuan-1-li")
}

func TestFound(t *testing.T) {
	tw := newTownship(t, nil)
	gucheng, err := tw.demo.Tree.Township(gridtest.GuchengID)
	require.NoError(t, err)
	err = tw.grid.Found(ctx, gucheng, nil)
	assert.ErrorIs(t, err, fourplusn.Conflict, "a township is set up once")

	other := grid.Spec{ID: "qiaobei", Name: "桥北办事处", Level: 1}
	tree, err := grid.Build(grid.DefaultTitles, []grid.Spec{other, {ID: "qb-1", Parent: "qiaobei", Name: "一片区", Level: 2}})
	require.NoError(t, err)
	taken := grid.Member{ID: "gc-secretary", Name: "某", Phone: "13912345678", Department: grid.DeptGrid, Posts: []grid.Post{{Role: grid.GridHead, Cell: tree.MustCell("qiaobei").Path}}}
	err = tw.grid.Found(ctx, tree, []grid.Member{taken})
	assert.ErrorIs(t, err, fourplusn.Conflict, "member IDs are the deployment's")
	_, err = tw.grid.Directory().Tree().Cell("qiaobei")
	assert.ErrorIs(t, err, fourplusn.NotFound, "nothing of a refused township is kept")

	taken.ID = "qb-head"
	require.NoError(t, tw.grid.Found(ctx, tree, []grid.Member{taken}))
	m, ok := tw.grid.Directory().Member("qb-head")
	require.True(t, ok)
	assert.Equal(t, grid.CellID("qiaobei"), m.Township)
	events, err := tw.store.Log(ctx, "qiaobei", 0, 0)
	require.NoError(t, err)
	assert.Equal(t, []timeline.Action{grid.LogFounded, grid.LogCellAdded, grid.LogCellAdded, grid.LogMemberAdded}, actionsOf(events))
	assert.Equal(t, "operator", events[0].Actor)
}

func actionsOf(events []timeline.Event) []timeline.Action {
	out := make([]timeline.Action, len(events))
	for i, e := range events {
		out[i] = e.Action
	}
	return out
}

// TestLogTamper: an administration log changed in any way fails its check
// at the event changed.
func TestLogTamper(t *testing.T) {
	tw := newTownship(t, nil)
	log := tw.log(t)
	head := tw.grid.Directory().Head(gridtest.GuchengID)
	edited := slices.Clone(log)
	edited[3].Details = map[string]string{"cell": "forged"}
	err := grid.VerifyLog(gridtest.GuchengID, edited, head)
	var b *timeline.BreakError
	require.True(t, errors.As(err, &b))
	assert.Equal(t, int64(4), b.Seq)
	assert.Error(t, grid.VerifyLog(gridtest.GuchengID, log[:len(log)-1], head), "cut short")
	assert.NoError(t, tw.grid.VerifyLog(ctx, gridtest.GuchengID))

	entries, err := tw.grid.Log(ctx, tw.actor(t, "gc-admin"), 0, 5)
	require.NoError(t, err)
	assert.Len(t, entries, 5)
	_, err = tw.grid.Log(ctx, tw.actor(t, "gc-duty-1"), 0, 5)
	assert.ErrorIs(t, err, fourplusn.Forbidden, "the log is for those who manage the grid")
}

func cellIDs(cells []grid.Cell) []grid.CellID {
	var out []grid.CellID
	for _, c := range cells {
		out = append(out, c.ID)
	}
	return out
}

func changedCells(changes []grid.CellChange) []grid.CellID {
	var out []grid.CellID
	for _, c := range changes {
		out = append(out, c.Before.ID)
	}
	return out
}

func memberIDs(ms []grid.Member) []grid.MemberID {
	var out []grid.MemberID
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

// pruned returns tree without cell id and its subtree.
func pruned(tree *grid.Tree, id grid.CellID) (*grid.Tree, error) {
	var specs []grid.Spec
	for _, c := range tree.Cells() {
		if c.Path.At(c.Path.Level()) == id || slices.Contains(pathIDs(c.Path), id) {
			continue
		}
		specs = append(specs, c.Spec())
	}
	return grid.Build(tree.Titles(), specs)
}

func pathIDs(p grid.Path) []grid.CellID {
	var out []grid.CellID
	for l := grid.Level(1); l <= p.Level(); l++ {
		out = append(out, p.At(l))
	}
	return out
}
