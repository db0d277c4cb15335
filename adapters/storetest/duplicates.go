package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// casesNearby: Nearby finds, newest first, the cases of the township
// registered in the window that share an applicant's phone or ID number
// or arose under the cell near — and only those, as NearbyQuery.Nearby
// says — leaves out a linked duplicate found only by its cell, and
// follows a case as an update links it.
func casesNearby(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	const phone, idcard = "13700003333", "410102197001011234"
	day := 24 * time.Hour
	add := func(n int, cell grid.CellID, at time.Time, edit func(c *mediation.Case)) *mediation.Case {
		c, events := newCase(n, cell, at)
		c.Applicants[0].Phone = fmt.Sprintf("139%08d", n)
		if edit != nil {
			edit(c)
		}
		return create(t, s, c, events)
	}
	byPhone := add(1, "gc-west", base, func(c *mediation.Case) { c.Applicants[0].Phone = phone })
	sibling := add(2, "mayuan-2", base.Add(time.Hour), nil)
	add(3, "gc-west", base.Add(2*time.Hour), nil)                                                    // far, no number shared
	add(4, "mayuan-1", base.Add(-40*day), func(c *mediation.Case) { c.Applicants[0].Phone = phone }) // before the window
	add(5, "mayuan-1", base.Add(3*time.Hour), func(c *mediation.Case) { c.DuplicateOf = caseID(2) })
	byIDCard := add(6, "gc-west", base.Add(4*time.Hour), func(c *mediation.Case) { c.Applicants[0].IDCard = idcard })
	add(7, "lz-qiaotou-1", base.Add(5*time.Hour), func(c *mediation.Case) { c.Applicants[0].Phone = phone }) // another township
	add(8, "mayuan-1", base.Add(31*day), nil)                                                                // after the window
	add(9, "gc-west", base.Add(6*time.Hour), func(c *mediation.Case) { c.Respondents[0].Phone = phone })

	q := mediation.NearbyQuery{
		Township: "gucheng", Phones: []string{phone}, IDCards: []string{idcard}, Near: []grid.Path{demo.Path("mayuan")},
		From: base.Add(-30 * day), To: base.Add(30 * day), Limit: 50,
	}
	ids := func(q mediation.NearbyQuery) []mediation.ID {
		t.Helper()
		cases, err := s.Nearby(ctx, q)
		require.NoError(t, err)
		out := []mediation.ID{}
		for _, c := range cases {
			assert.True(t, q.Nearby(c), "case %s does not answer the query", c.ID)
			out = append(out, c.ID)
		}
		return out
	}
	assert.Equal(t, []mediation.ID{byIDCard.ID, sibling.ID, byPhone.ID}, ids(q),
		"newest first: by ID number, the sibling cell, by phone; not far, linked, outside the window or township, nor a respondent's phone")

	limited := q
	limited.Limit = 2
	assert.Equal(t, []mediation.ID{byIDCard.ID, sibling.ID}, ids(limited), "at most Limit, the newest")

	cellOnly := q
	cellOnly.Phones, cellOnly.IDCards = nil, nil
	assert.Equal(t, []mediation.ID{sibling.ID}, ids(cellOnly), "by cell alone")

	none := mediation.NearbyQuery{Township: "gucheng", From: q.From, To: q.To, Limit: 50}
	assert.Equal(t, []mediation.ID{}, ids(none), "nothing asked, nothing found")

	_, err := s.Update(ctx, sibling.ID, 0, func(c *mediation.Case) ([]timeline.Event, error) {
		c.DuplicateOf, c.State = byPhone.ID, mediation.Closed
		return []timeline.Event{seal(c, mediation.ActionLinked, base.Add(7*time.Hour))}, nil
	})
	require.NoError(t, err)
	assert.Equal(t, []mediation.ID{}, ids(cellOnly), "a case linked as a duplicate is no longer found by its cell")
}

// nearbyRandom makes n random cases in s for the tests of Nearby: of both
// townships, in random cells (a few outside the township, a few beside a
// cell with a name that begins alike), registered over 120 days, with
// applicants' and respondents' numbers from small pools, some linked as
// duplicates, in every state, with facts and names from small sets so
// that many are alike. It returns them newest first.
func nearbyRandom(t *testing.T, s mediation.Store, rng *rand.Rand, n int) []*mediation.Case {
	t.Helper()
	paths := append(demoPaths(t), sibling(demo.Path("mayuan-1"), "x"), sibling(demo.Path("gc-east"), ".1"))
	inTown := func(town grid.CellID) grid.Path {
		for {
			if p := paths[rng.IntN(len(paths))]; p.Township() == town {
				return p
			}
		}
	}
	number := func(pool []string) string {
		if rng.IntN(3) == 0 {
			return ""
		}
		return pool[rng.IntN(len(pool))]
	}
	var cases []*mediation.Case
	for _, k := range rng.Perm(n) { // created out of ID order
		town := []grid.CellID{"gucheng", "gucheng", "gucheng", "linzhen"}[rng.IntN(4)]
		c, events := newCaseAt(k+1, inTown(town), base)
		if rng.IntN(8) == 0 {
			c.Location, c.Outside = grid.Path{}, "外县"
		}
		if rng.IntN(3) == 0 {
			c.Handling = inTown(town)
		}
		c.State = mediation.State(1 + rng.IntN(9))
		c.RegisteredAt = base.Add(time.Duration(rng.IntN(120*24)) * time.Hour)
		c.Applicants[0] = mediation.Party{Name: nearbyNames[rng.IntN(len(nearbyNames))], Phone: number(nearbyPhones), IDCard: number(nearbyIDCards)}
		if rng.IntN(3) == 0 {
			c.Applicants = append(c.Applicants, mediation.Party{Name: nearbyNames[rng.IntN(len(nearbyNames))], Phone: number(nearbyPhones)})
		}
		c.Respondents[0] = mediation.Party{Name: nearbyNames[rng.IntN(len(nearbyNames))], Phone: number(nearbyPhones), IDCard: number(nearbyIDCards)}
		c.Facts = nearbyFacts[rng.IntN(len(nearbyFacts))]
		if rng.IntN(10) == 0 {
			c.DuplicateOf, c.State = caseID(1+rng.IntN(n)), mediation.Closed
		}
		cases = append(cases, create(t, s, c, events))
	}
	slices.SortFunc(cases, func(a, b *mediation.Case) int { return -strings.Compare(string(a.ID), string(b.ID)) })
	return cases
}

var (
	nearbyPhones  = []string{"13900000001", "13900000002", "13900000003", "13900000004", "13900000005", "13900000006"}
	nearbyIDCards = []string{"410102197001011234", "41010219800202123X", "410102199003031238"}
	nearbyNames   = []string{"王某某", "张某某", "李某某", "赵某"}
	nearbyFacts   = []string{
		"两家因排水沟堵塞互相指责，多次争吵",
		"邻居把排水沟堵了，雨水流进院子，吵了好几次",
		"反映排水沟堵塞，与邻居多次发生争吵",
		"因宅基地界墙间距发生争执，可能引发打架",
		"租户拖欠房租三个月不交",
	}
)

// nearbyAgrees: under random queries over random cases — several
// numbers and cells at once, windows of every width, limits small and
// beyond work.MaxPage — Nearby returns exactly the newest Limit of the
// cases NearbyQuery.Nearby says answer the query, in order of ID, newest
// first.
func nearbyAgrees(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(20, 26))
	cases := nearbyRandom(t, s, rng, 360)
	paths := append(demoPaths(t), sibling(demo.Path("mayuan-1"), "x"))
	some := func(pool []string) []string {
		var out []string
		for range rng.IntN(4) {
			out = append(out, pool[rng.IntN(len(pool))])
		}
		return out
	}
	beyond := 0 // queries answered by more cases than a page holds
	for i := range 120 {
		q := mediation.NearbyQuery{Township: "gucheng", Phones: some(nearbyPhones), IDCards: some(nearbyIDCards)}
		if rng.IntN(6) == 0 {
			q.Township = "linzhen"
		}
		for range rng.IntN(4) {
			q.Near = append(q.Near, paths[rng.IntN(len(paths))]) // perhaps of another township, perhaps one within another
		}
		q.From = base.Add(time.Duration(rng.IntN(100*24)) * time.Hour)
		q.To = q.From.Add(time.Duration(1+rng.IntN(120*24)) * time.Hour)
		q.Limit = []int{1, 7, 50, work.MaxPage, 1000}[rng.IntN(5)]
		if i%10 == 0 { // the whole township, all the time, more than a page
			q.Near, q.From, q.To = []grid.Path{grid.RootPath(q.Township)}, base, base.Add(121*24*time.Hour)
			q.Phones, q.IDCards, q.Limit = nearbyPhones, nearbyIDCards, 1000
		}
		want := []mediation.ID{}
		for _, c := range cases {
			if q.Nearby(c) {
				want = append(want, c.ID)
			}
		}
		if len(want) > work.MaxPage && q.Limit > work.MaxPage {
			beyond++
		}
		want = want[:min(len(want), q.Limit)]
		got, err := s.Nearby(ctx, q)
		require.NoError(t, err)
		if !assert.Equal(t, want, append([]mediation.ID{}, ids(got)...), "query %d: %+v", i, q) {
			return
		}
	}
	assert.Positive(t, beyond, "some query asks for more than a page and has them")
}

// demoCells serves the demo grid's cells to a mediation.Service.
type demoCells struct{}

func (demoCells) Cell(_ context.Context, id grid.CellID) (grid.Cell, error) {
	return demo.Tree.Cell(id)
}

// duplicatesEachAgrees: over random cases in s, mediation's
// Service.DuplicatesEach — one Nearby for many cases — gives every case
// the same candidates, with the same reasons, in the same order, masked
// alike, as Service.Duplicates gives it alone, for members who see the
// whole township, a community or a group.
func duplicatesEachAgrees(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	cases := nearbyRandom(t, s, rand.New(rand.NewPCG(20, 27)), 200)
	svc, err := mediation.NewService(mediation.Config{Store: s, Cells: demoCells{}, Policy: grid.DefaultPolicy(), Rules: mediation.DefaultRules()})
	require.NoError(t, err)
	offered := 0
	for _, member := range []grid.MemberID{"gc-duty-1", "mayuan-head", "mayuan-1-head", "gc-land"} {
		actor := demo.Member(member).Actor()
		var seen []mediation.ID
		for _, c := range cases {
			if _, err := svc.Get(ctx, actor, c.ID); err == nil {
				seen = append(seen, c.ID)
			}
		}
		for from := 0; from < len(seen); from += work.MaxPage {
			batch := seen[from:min(from+work.MaxPage, len(seen))]
			each, err := svc.DuplicatesEach(ctx, actor, batch)
			require.NoError(t, err)
			require.Len(t, each, len(batch))
			for i, id := range batch {
				alone, err := svc.Duplicates(ctx, actor, id)
				require.NoError(t, err)
				if !assert.Equal(t, candidateIDs(alone), candidateIDs(each[i]), "%s: case %s", member, id) ||
					!assert.Equal(t, alone, each[i], "%s: case %s", member, id) {
					return
				}
				offered += len(alone)
			}
		}
	}
	assert.Greater(t, offered, 100, "the random cases have many likely duplicates")
}

// candidateIDs are the IDs of the cases offered, in order, for a message
// that says at a glance how two lists differ.
func candidateIDs(cands []mediation.Candidate) []mediation.ID {
	out := []mediation.ID{}
	for _, c := range cands {
		out = append(out, c.Case.ID)
	}
	return out
}
