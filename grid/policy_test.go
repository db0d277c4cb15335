package grid_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
)

func TestCanResidentsSystemAndAnonymous(t *testing.T) {
	d := gridtest.Gucheng()
	policy := grid.DefaultPolicy()
	resident := grid.ResidentActor("r1", gridtest.GuchengID)
	system := grid.SystemActor(gridtest.GuchengID)
	own := grid.Target{Cell: d.Path("mayuan-1"), Owner: "r1"}
	others := grid.Target{Cell: d.Path("mayuan-1"), Owner: "r2"}
	ownElsewhere := grid.Target{Cell: d.Path("lz-qiaotou"), Owner: "r1"}
	inTownship := grid.Target{Cell: d.Path("mayuan-1")}
	otherTownship := grid.Target{Cell: d.Path("lz-qiaotou")}
	tests := []struct {
		name   string
		actor  grid.Actor
		action grid.Action
		target grid.Target
		want   error
	}{
		{"resident views own", resident, grid.View, own, nil},
		{"resident applies", resident, grid.Register, own, nil},
		{"resident views another's", resident, grid.View, others, grid.ErrNotOwner},
		{"resident may not accept own", resident, grid.Accept, own, grid.ErrNotOwner},
		{"resident may not mediate own", resident, grid.Mediate, own, grid.ErrNotOwner},
		{"resident may not see stats", resident, grid.ViewStats, own, grid.ErrNotOwner},
		{"resident own in other township", resident, grid.View, ownElsewhere, grid.ErrOtherTownship},
		{"system views", system, grid.View, inTownship, nil},
		{"system escalates", system, grid.Escalate, inTownship, nil},
		{"system tracks", system, grid.Track, inTownship, nil},
		{"system stats", system, grid.ViewStats, inTownship, nil},
		{"system may not accept", system, grid.Accept, inTownship, grid.ErrNotGranted},
		{"system may not close", system, grid.Close, inTownship, grid.ErrNotGranted},
		{"system may not unmask", system, grid.ViewPersonal, inTownship, grid.ErrNotGranted},
		{"system of another township", system, grid.View, otherTownship, grid.ErrOtherTownship},
		{"anonymous views", grid.Actor{}, grid.View, inTownship, grid.ErrNoActor},
		{"anonymous registers", grid.Actor{}, grid.Register, inTownship, grid.ErrNoActor},
		{"no target", system, grid.View, grid.Target{}, grid.ErrNoTarget},
		{"staff with no posts", grid.Actor{Kind: grid.Staff, ID: "x"}, grid.View, inTownship, grid.ErrOtherTownship},
		{"unknown action", system, grid.Action(200), inTownship, grid.ErrNotGranted},
		{"unknown action for staff", d.Member("gc-secretary").Actor(), grid.Action(0), inTownship, grid.ErrNotGranted},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := policy.Can(tc.actor, tc.action, tc.target)
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tc.want)
		})
	}
}

func TestCanExplainsRefusals(t *testing.T) {
	d := gridtest.Gucheng()
	policy := grid.DefaultPolicy()
	elder := d.Member("mayuan-1-zhang-elder").Actor() // level 5
	police := d.Member("mayuan-police").Actor()       // level 3, 马园
	assert.ErrorIs(t, policy.Can(elder, grid.Accept, grid.Target{Cell: d.Path("mayuan-1-zhang")}), grid.ErrNotGranted)
	assert.ErrorIs(t, policy.Can(police, grid.Accept, grid.Target{Cell: d.Path("wuguiqiao")}), grid.ErrOutsideSubtree)
	assert.ErrorIs(t, policy.Can(police, grid.Accept, grid.Target{Cell: d.Path("lz-qiaotou")}), grid.ErrOtherTownship)
	assert.ErrorIs(t, policy.Can(police, grid.Accept, grid.Target{Cell: d.Path("lz-qiaotou")}), fourplusn.Forbidden)
	// A member with several posts is allowed by whichever grants it: 刘保柱
	// heads a level-4 group and works for the whole of 洪沟庙.
	liu := d.Member("honggoumiao-security").Actor()
	assert.NoError(t, policy.Can(liu, grid.Accept, grid.Target{Cell: d.Path("honggoumiao-2-tong")}))
	assert.ErrorIs(t, policy.Can(liu, grid.Accept, grid.Target{Cell: d.Path("honggoumiao-1")}), grid.ErrOutsideSubtree)
	assert.NoError(t, policy.Can(liu, grid.ReportHazard, grid.Target{Cell: d.Path("honggoumiao-1")}))
}

func TestPolicySetKeepsFixedRules(t *testing.T) {
	p := grid.DefaultPolicy()
	for _, a := range grid.Actions() {
		err := p.Set(grid.GridHead, a, grid.MaxLevel)
		if a.Decides() {
			require.Error(t, err, a.String())
			assert.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err))
			assert.Equal(t, "level", fourplusn.ErrorField(err))
		} else {
			require.NoError(t, err, a.String())
		}
	}
	assert.Error(t, p.Set(grid.Role(0), grid.View, 1))
	assert.Error(t, p.Set(grid.GridHead, grid.Action(99), 1))
	assert.Error(t, p.Set(grid.GridHead, grid.View, 6))

	// A township may widen a grant: here, partners may register.
	d := gridtest.Gucheng()
	land := d.Member("gc-land").Actor()
	target := grid.Target{Cell: d.Path("mayuan-1")}
	require.ErrorIs(t, p.Can(land, grid.Register, target), grid.ErrNotGranted)
	require.NoError(t, p.Set(grid.Partner, grid.Register, grid.MaxLevel))
	require.NoError(t, p.Can(land, grid.Register, target))
	// No grant, however wide, crosses the subtree or the township.
	police := d.Member("mayuan-police").Actor()
	for _, a := range grid.Actions() {
		for _, r := range grid.Roles() {
			if !a.Decides() {
				require.NoError(t, p.Set(r, a, grid.MaxLevel))
			} else {
				require.NoError(t, p.Set(r, a, grid.MaxLevel-1))
			}
		}
		assert.ErrorIs(t, p.Can(police, a, grid.Target{Cell: d.Path("wuguiqiao")}), grid.ErrOutsideSubtree)
		assert.ErrorIs(t, p.Can(police, a, grid.Target{Cell: d.Path("lz-qiaotou")}), grid.ErrOtherTownship)
	}
	// Revoking works, and the zero Policy allows nothing.
	require.NoError(t, p.Set(grid.CommunityPolice, grid.View, 0))
	assert.ErrorIs(t, p.Can(police, grid.View, grid.Target{Cell: d.Path("mayuan")}), grid.ErrNotGranted)
	assert.ErrorIs(t, new(grid.Policy).Can(d.Member("gc-secretary").Actor(), grid.View, target), grid.ErrNotGranted)
}

func TestScope(t *testing.T) {
	d := gridtest.Gucheng()
	p := grid.DefaultPolicy()
	liu := d.Member("honggoumiao-security").Actor() // head of honggoumiao-2, worker in honggoumiao
	assert.Equal(t, []grid.Path{d.Path("honggoumiao")}, p.Scope(liu, grid.View), "the wider post covers the narrower")
	assert.Equal(t, []grid.Path{d.Path("honggoumiao-2")}, p.Scope(liu, grid.Accept), "only the head post decides")
	assert.Empty(t, p.Scope(liu, grid.Track))
	several := grid.Actor{Kind: grid.Staff, Posts: []grid.Post{
		{Role: grid.GridHead, Cell: d.Path("mayuan-1")},
		{Role: grid.GridHead, Cell: d.Path("wuguiqiao")},
		{Role: grid.GridHead, Cell: d.Path("mayuan-1")},
		{Role: grid.Mediator, Cell: d.Path("mayuan")},
	}}
	assert.Equal(t, []grid.Path{d.Path("wuguiqiao"), d.Path("mayuan")}, p.Scope(several, grid.View))
	assert.Equal(t, []grid.Path{grid.RootPath(gridtest.GuchengID)}, p.Scope(grid.SystemActor(gridtest.GuchengID), grid.Track))
	assert.Empty(t, p.Scope(grid.SystemActor(gridtest.GuchengID), grid.Close))
	assert.Empty(t, p.Scope(grid.Actor{}, grid.View))
}

// randomActor gives a staff actor 1–3 random posts of random roles in cells
// of tree.
func randomActor(rng *rand.Rand, cells []grid.Cell) grid.Actor {
	roles := grid.Roles()
	a := grid.Actor{Kind: grid.Staff, ID: "m"}
	for range 1 + rng.IntN(3) {
		a.Posts = append(a.Posts, grid.Post{Role: roles[rng.IntN(len(roles))], Cell: cells[rng.IntN(len(cells))].Path})
	}
	return a
}

func allCells(tree *grid.Tree) []grid.Cell {
	var cells []grid.Cell
	for _, r := range tree.Roots() {
		cells = append(cells, r)
		sub, _ := tree.Descendants(r.ID)
		cells = append(cells, sub...)
	}
	return cells
}

// TestCanProperties checks the policy's invariants on random forests with a
// random township-adjusted table: whatever is allowed lies inside a granting
// post's subtree and township, and whatever a post may do, the same role one
// level up may do too.
func TestCanProperties(t *testing.T) {
	for seed := range uint64(20) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			tree := gridtest.RandomTree(seed, 200+rng.IntN(800), 1+rng.IntN(3))
			cells := allCells(tree)
			policy := grid.DefaultPolicy()
			for range 20 { // a township's random adjustments
				r, a := grid.Roles()[rng.IntN(len(grid.Roles()))], grid.Actions()[rng.IntN(len(grid.Actions()))]
				_ = policy.Set(r, a, grid.Level(rng.IntN(grid.MaxLevel+1))) // refused settings leave the table as it was
			}
			for range 2000 {
				actor := randomActor(rng, cells)
				action := grid.Actions()[rng.IntN(len(grid.Actions()))]
				target := cells[rng.IntN(len(cells))].Path
				err := policy.Can(actor, action, grid.Target{Cell: target})
				if err != nil {
					require.Equal(t, fourplusn.Forbidden, fourplusn.ErrorCode(err))
					continue
				}
				granting := false
				for _, post := range actor.Posts {
					if post.Cell.Township() == target.Township() && post.Cell.Contains(target) &&
						post.Cell.Level() <= policy.Deepest(post.Role, action) {
						granting = true
						require.False(t, action.Decides() && post.Cell.Level() == grid.MaxLevel, "a level-5 post may %s", action)
					}
				}
				require.True(t, granting, "allowed %s on %s without a granting post: %+v", action, target, actor.Posts)
				// Monotonic: each post's parent, with the same role, may do it too.
				for _, post := range actor.Posts {
					if post.Cell.Level() == 1 || !post.Cell.Contains(target) {
						continue
					}
					alone := grid.Actor{Kind: grid.Staff, Posts: []grid.Post{post}}
					if policy.Can(alone, action, grid.Target{Cell: target}) != nil {
						continue
					}
					up := grid.Actor{Kind: grid.Staff, Posts: []grid.Post{{Role: post.Role, Cell: post.Cell.Parent()}}}
					require.NoError(t, policy.Can(up, action, grid.Target{Cell: target}), "the level above %s may not %s", post.Cell, action)
				}
			}
		})
	}
}

func BenchmarkCan(b *testing.B) {
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		tree := gridtest.RandomTree(1, n, 3)
		cells := allCells(tree)
		rng := rand.New(rand.NewPCG(1, 2))
		policy := grid.DefaultPolicy()
		// Ask about real posts and real targets, half of them inside the
		// post's subtree, so both answers are measured.
		const pairs = 4096
		actors := make([]grid.Actor, pairs)
		targets := make([]grid.Target, pairs)
		for i := range pairs {
			actors[i] = randomActor(rng, cells)
			t := cells[rng.IntN(len(cells))].Path
			if i%2 == 0 {
				actors[i].Posts[0].Cell = t.Prefix(grid.Level(1 + rng.IntN(int(t.Level()))))
			}
			targets[i] = grid.Target{Cell: t}
		}
		actions := grid.Actions()
		b.Run(fmt.Sprintf("cells=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			allowed := 0
			i := 0
			for b.Loop() {
				if policy.Can(actors[i%pairs], actions[i%len(actions)], targets[i%pairs]) == nil {
					allowed++
				}
				i++
			}
			b.ReportMetric(float64(allowed)/float64(i), "allowed/op")
		})
	}
}
