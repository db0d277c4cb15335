package storetest

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// listAll walks every page of f and returns the cases in order, checking
// each page's size and cursor on the way.
func listAll(t *testing.T, s mediation.Store, f mediation.Filter) []*mediation.Case {
	t.Helper()
	var out []*mediation.Case
	for {
		page, err := s.List(context.Background(), f)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Cases), f.PageSize(), "a page holds at most the page size")
		out = append(out, page.Cases...)
		if page.Next == "" {
			return out
		}
		require.Len(t, page.Cases, f.PageSize(), "only a full page has a next page")
		require.Equal(t, page.Cases[len(page.Cases)-1].ID, page.Next, "the cursor is the page's last case")
		f.Before = page.Next
	}
}

// listIDs is listAll of f, by ID.
func listIDs(t *testing.T, s mediation.Store, f mediation.Filter) []mediation.ID {
	t.Helper()
	return ids(listAll(t, s, f))
}

// sibling returns a path beside p, not below it, whose text begins with
// p's: the cell "mayuan-1x" beside "mayuan-1". A store that tests
// containment by text prefix alone would take it for p's subtree.
func sibling(p grid.Path, suffix string) grid.Path {
	return p.Parent().Child(p.Cell() + grid.CellID(suffix))
}

// listFilters: List selects by each criterion of a Filter, alone and
// together, on a small, known set: a subtree holds its cell and the cells
// below by location or by handling cell, never a sibling whose ID begins
// alike, and never another township's case; a first responder's cases
// are added to the subtree's; overdue is strictly past the deadline; and
// the cases come whole, newest first.
func listFilters(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	now := base.Add(100 * time.Hour)
	mayuan1 := demo.Path("mayuan-1")
	n := 0
	mk := func(change func(c *mediation.Case)) mediation.ID {
		n++
		c, events := newCase(n, "mayuan-1", base.Add(time.Duration(n)*time.Hour))
		c.AcceptDue = now.Add(time.Hour)
		change(c)
		create(t, s, c, events)
		return c.ID
	}
	plain := mk(func(*mediation.Case) {})
	handledElsewhere := mk(func(c *mediation.Case) { c.Handling = demo.Path("wuguiqiao-1") })
	arrivedElsewhere := mk(func(c *mediation.Case) { c.Location = demo.Path("wuguiqiao-1") })
	outside := mk(func(c *mediation.Case) {
		c.Location, c.Outside, c.Handling = grid.Path{}, "确山县", demo.Path("nanguan")
	})
	below := mk(func(c *mediation.Case) {
		c.Location, c.Handling = demo.Path("mayuan-1-zhang"), demo.Path("mayuan-1-zhang")
	})
	var lookalikes []mediation.ID
	for _, suffix := range []string{"x", "0", "-b", ".2", "_c"} {
		p := sibling(mayuan1, suffix)
		lookalikes = append(lookalikes, mk(func(c *mediation.Case) { c.Location, c.Handling = p, p }))
	}
	neighbour := mk(func(c *mediation.Case) {
		p := demo.Path("lz-qiaotou-1")
		c.Township, c.Location, c.Handling, c.FirstResponderCell = p.Township(), p, p, p
	})
	accepted := mk(func(c *mediation.Case) {
		c.State, c.AcceptedAt, c.ResolveDue = mediation.Accepted, base, now.Add(-time.Hour)
	})
	owned := mk(func(c *mediation.Case) { c.Applicant, c.AcceptDue = "r-1", now.Add(-time.Hour) })
	dueNow := mk(func(c *mediation.Case) { c.AcceptDue = now }) // not past it at now
	responded := mk(func(c *mediation.Case) {
		c.FirstResponder, c.Location, c.Handling = "m-9", demo.Path("dayuzhuang-1"), demo.Path("dayuzhuang-1")
	})
	graded := mk(func(c *mediation.Case) { c.Grade, c.Channel = work.Major, work.ChannelPolice })

	desc := func(ids ...mediation.ID) []mediation.ID {
		slices.Sort(ids)
		slices.Reverse(ids)
		return ids
	}
	all := desc(plain, handledElsewhere, arrivedElsewhere, outside, below, accepted, owned, dueNow, responded, graded)
	all = desc(append(all, lookalikes...)...)
	assert.Equal(t, all, listIDs(t, s, mediation.Filter{Township: "gucheng", Within: gucheng}), "the whole township, newest first")
	assert.Equal(t, []mediation.ID{neighbour}, listIDs(t, s, mediation.Filter{Township: "linzhen", Within: []grid.Path{grid.RootPath("linzhen")}}))

	// Township and subtree isolation.
	assert.Empty(t, listIDs(t, s, mediation.Filter{Township: "gucheng"}), "no subtree and no first responder select nothing")
	assert.Empty(t, listIDs(t, s, mediation.Filter{Township: "gucheng", Within: []grid.Path{grid.RootPath("linzhen")}}), "a subtree of another township")
	assert.Empty(t, listIDs(t, s, mediation.Filter{Township: "linzhen", Within: gucheng}), "a subtree of another township")
	assert.Empty(t, listIDs(t, s, mediation.Filter{Township: "gucheng", Within: []grid.Path{{}}}), "the zero path holds nothing")
	assert.Empty(t, listIDs(t, s, mediation.Filter{Township: "linzhen", FirstResponder: "m-9"}),
		"a first responder's cases of another township")
	mayuan1Cases := desc(plain, handledElsewhere, arrivedElsewhere, below, accepted, owned, dueNow, graded)
	assert.Equal(t, mayuan1Cases, listIDs(t, s, mediation.Filter{Township: "gucheng", Within: []grid.Path{mayuan1}}),
		"by location or by handling cell, the cell and below, not the look-alike siblings")
	for i, suffix := range []string{"x", "0", "-b", ".2", "_c"} {
		assert.Equal(t, []mediation.ID{lookalikes[i]}, listIDs(t, s, mediation.Filter{Township: "gucheng", Within: []grid.Path{sibling(mayuan1, suffix)}}), suffix)
	}
	assert.Equal(t, desc(handledElsewhere, arrivedElsewhere), listIDs(t, s, mediation.Filter{Township: "gucheng", Within: []grid.Path{demo.Path("wuguiqiao")}}))
	assert.Equal(t, []mediation.ID{below}, listIDs(t, s, mediation.Filter{Township: "gucheng", Within: []grid.Path{demo.Path("mayuan-1-zhang")}}))
	assert.Equal(t, []mediation.ID{outside}, listIDs(t, s, mediation.Filter{Township: "gucheng", Within: []grid.Path{demo.Path("gc-south")}}),
		"a case from outside the township by its handling cell")
	assert.Equal(t, desc(responded, below), listIDs(t, s, mediation.Filter{Township: "gucheng", Within: []grid.Path{demo.Path("mayuan-1-zhang")}, FirstResponder: "m-9"}),
		"the subtree's cases and the first responder's")
	assert.Equal(t, []mediation.ID{responded}, listIDs(t, s, mediation.Filter{Township: "gucheng", FirstResponder: "m-9"}))

	// The other criteria, alone and together.
	assert.Equal(t, desc(plain, handledElsewhere, arrivedElsewhere, below), listIDs(t, s, mediation.Filter{
		Township: "gucheng", Within: []grid.Path{mayuan1}, States: []mediation.State{mediation.Registered},
		Grade: work.Simple, Channel: work.ChannelScreening, Before: lookalikes[0],
	}))
	assert.Equal(t, []mediation.ID{accepted}, listIDs(t, s, mediation.Filter{Township: "gucheng", Within: gucheng, States: []mediation.State{mediation.Accepted, mediation.Mediating}}))
	assert.Equal(t, []mediation.ID{owned}, listIDs(t, s, mediation.Filter{Township: "gucheng", Within: gucheng, Owner: "r-1"}))
	assert.Equal(t, []mediation.ID{graded}, listIDs(t, s, mediation.Filter{Township: "gucheng", Within: gucheng, Grade: work.Major}))
	assert.Equal(t, []mediation.ID{graded}, listIDs(t, s, mediation.Filter{Township: "gucheng", Within: gucheng, Channel: work.ChannelPolice}))
	assert.Equal(t, desc(accepted, owned), listIDs(t, s, mediation.Filter{Township: "gucheng", Within: gucheng, OverdueAt: now}),
		"overdue: past the acceptance deadline while registered, past the resolution deadline once accepted; not at the deadline itself")
	assert.Equal(t, []mediation.ID{owned}, listIDs(t, s, mediation.Filter{Township: "gucheng", Within: gucheng, OverdueAt: now, States: []mediation.State{mediation.Registered}}))
	assert.Equal(t, desc(accepted, owned, dueNow), listIDs(t, s, mediation.Filter{Township: "gucheng", Within: gucheng, OverdueAt: now.Add(1)}))

	page, err := s.List(ctx, mediation.Filter{Township: "gucheng", Within: gucheng, Limit: 1})
	require.NoError(t, err)
	require.Len(t, page.Cases, 1)
	stored, err := s.Get(ctx, page.Cases[0].ID)
	require.NoError(t, err)
	same(t, stored, page.Cases[0], "List returns whole cases")
}

// listMatches: List, under random filters over random cases, selects
// exactly the cases Filter.Matches selects, the definition, whole and in
// order of ID, newest first.
func listMatches(t *testing.T, s mediation.Store) {
	rng := rand.New(rand.NewPCG(13, 17))
	paths := append(demoPaths(t), sibling(demo.Path("mayuan-1"), "x"), sibling(demo.Path("mayuan-1"), "-b"), sibling(demo.Path("gc-east"), ".1"))
	pick := func() grid.Path { return paths[rng.IntN(len(paths))] }
	inTown := func(town grid.CellID) grid.Path {
		for {
			if p := pick(); p.Township() == town {
				return p
			}
		}
	}
	at := func() time.Time {
		if rng.IntN(15) == 0 {
			return time.Time{} // a deadline never set
		}
		return base.Add(time.Duration(rng.IntN(200))*time.Hour + time.Duration(rng.IntN(3)))
	}
	responders := []string{"m-1", "m-2", "m-3"}
	owners := []string{"", "", "r-1", "r-2"}
	var cases []*mediation.Case
	order := rng.Perm(250) // created out of ID order
	for _, n := range order {
		town := []grid.CellID{"gucheng", "gucheng", "gucheng", "linzhen"}[rng.IntN(4)]
		loc := inTown(town)
		c, events := newCaseAt(n+1, loc, base)
		if rng.IntN(5) == 0 {
			c.Location, c.Outside = grid.Path{}, "外县"
		}
		c.Handling = loc
		if rng.IntN(3) == 0 {
			c.Handling = inTown(town)
		}
		c.FirstResponder = responders[rng.IntN(len(responders))]
		c.Applicant = owners[rng.IntN(len(owners))]
		c.State = mediation.State(1 + rng.IntN(9))
		c.Grade = work.Grade(1 + rng.IntN(3))
		c.Channel = work.Channel(1 + rng.IntN(8))
		c.AcceptDue, c.ResolveDue = at(), at()
		if rng.IntN(4) == 0 { // suspended while accepted or mediating: not overdue
			c.Pauses = []mediation.Pause{{From: base, Reason: "等待当事人"}}
		}
		c.Category = categories[rng.IntN(len(categories))]
		c.RegisteredAt = base.Add(time.Duration(rng.IntN(200)) * time.Hour)
		c.Applicants[0].Name = searchNames[rng.IntN(len(searchNames))]
		c.Applicants[0].Phone = searchPhones[rng.IntN(len(searchPhones))]
		c.Respondents[0].Name = searchNames[rng.IntN(len(searchNames))]
		c.Facts = searchFacts[rng.IntN(len(searchFacts))]
		cases = append(cases, create(t, s, c, events))
	}
	slices.SortFunc(cases, func(a, b *mediation.Case) int { return -strings.Compare(string(a.ID), string(b.ID)) })

	for i := range 150 {
		f := mediation.Filter{Township: "gucheng"}
		if rng.IntN(5) == 0 {
			f.Township = "linzhen"
		}
		for range rng.IntN(3) {
			if rng.IntN(8) == 0 {
				f.Within = append(f.Within, pick()) // perhaps of another township
			} else {
				f.Within = append(f.Within, inTown(f.Township))
			}
		}
		if rng.IntN(3) == 0 {
			f.FirstResponder = responders[rng.IntN(len(responders))]
		}
		if rng.IntN(4) == 0 {
			f.Owner = owners[2+rng.IntN(2)]
		}
		for range rng.IntN(4) {
			f.States = append(f.States, mediation.State(1+rng.IntN(9)))
		}
		if rng.IntN(4) == 0 {
			f.Grade = work.Grade(1 + rng.IntN(3))
		}
		if rng.IntN(4) == 0 {
			f.Channel = work.Channel(1 + rng.IntN(8))
		}
		if rng.IntN(3) == 0 {
			// Often exactly a case's deadline, where "past it" begins.
			c := cases[rng.IntN(len(cases))]
			f.OverdueAt = []time.Time{c.AcceptDue, c.ResolveDue, base.Add(time.Duration(rng.IntN(200)) * time.Hour)}[rng.IntN(3)]
		}
		if rng.IntN(5) == 0 {
			f.Category = categories[rng.IntN(len(categories))]
		}
		if rng.IntN(5) == 0 {
			f.Cell = pick()
		}
		if rng.IntN(4) == 0 {
			f.RegisteredFrom = cases[rng.IntN(len(cases))].RegisteredAt
		}
		if rng.IntN(4) == 0 {
			f.RegisteredTo = base.Add(time.Duration(200+rng.IntN(200)) * time.Hour)
		}
		if rng.IntN(2) == 0 {
			f.Query = searchQueries[rng.IntN(len(searchQueries))]
			if f.Query == "" {
				f.Query = cases[rng.IntN(len(cases))].Number.String()
			}
			for range rng.IntN(3) {
				f.Personal = append(f.Personal, pick())
			}
		}
		if rng.IntN(3) == 0 {
			f.Before = cases[rng.IntN(len(cases))].ID
			if rng.IntN(2) == 0 {
				f.Before += "x" // a cursor need not be a stored ID
			}
		}
		f.Limit = []int{0, 3, 17, work.MaxPage}[rng.IntN(4)]
		var want []*mediation.Case
		for _, c := range cases {
			if f.Matches(c) && (f.Before == "" || c.ID < f.Before) {
				want = append(want, c)
			}
		}
		got := listAll(t, s, f)
		if !assert.Equal(t, ids(want), ids(got), "filter %d: %+v", i, f) {
			continue
		}
		same(t, want, got, "filter %d: the cases whole", i)
	}
}

// listPaging: List returns pages of the Filter's size, or DefaultPage,
// in order of ID however the cases were created, each with the cursor of
// its last case, and no cursor when it ends at the last match; a cursor
// need not be a stored ID.
func listPaging(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	const n = 120
	// Created out of order: listing follows the IDs, not the order of
	// creation.
	for i := range n {
		k := (i*7)%n + 1
		c, events := newCase(k, "mayuan-1", base)
		create(t, s, c, events)
	}
	f := mediation.Filter{Township: "gucheng", Within: []grid.Path{demo.Path("mayuan")}}
	var sizes []int
	var got []mediation.ID
	for {
		page, err := s.List(ctx, f)
		require.NoError(t, err)
		sizes = append(sizes, len(page.Cases))
		got = append(got, ids(page.Cases)...)
		if page.Next == "" {
			break
		}
		f.Before = page.Next
	}
	assert.Equal(t, []int{work.DefaultPage, work.DefaultPage, n - 2*work.DefaultPage}, sizes)
	assert.Equal(t, descending(n, 1), got)
	// A page that ends exactly at the last match has no next page.
	page, err := s.List(ctx, mediation.Filter{Township: "gucheng", Within: []grid.Path{demo.Path("mayuan")}, Limit: 20, Before: caseID(21)})
	require.NoError(t, err)
	assert.Equal(t, descending(20, 1), ids(page.Cases))
	assert.Empty(t, page.Next)
	// A cursor need not be a stored ID.
	page, err = s.List(ctx, mediation.Filter{Township: "gucheng", Within: []grid.Path{demo.Path("mayuan")}, Limit: 3, Before: caseID(10) + "x"})
	require.NoError(t, err)
	assert.Equal(t, descending(10, 8), ids(page.Cases))
	assert.Equal(t, caseID(8), page.Next)
	// Nor below every ID.
	page, err = s.List(ctx, mediation.Filter{Township: "gucheng", Within: []grid.Path{demo.Path("mayuan")}, Before: "A"})
	require.NoError(t, err)
	assert.Empty(t, page.Cases)
	assert.Empty(t, page.Next)
}

// listUnderInserts: a walk through a listing's pages while newer cases
// arrive sees every case that was there when it began, once, and none of
// the newer ones, which belong to the next walk.
func listUnderInserts(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	const n = 120
	for i := range n {
		c, events := newCase(i+1, []grid.CellID{"mayuan-1", "lz-qiaotou-1", "wuguiqiao-1"}[i%3], base)
		create(t, s, c, events)
	}
	var want []mediation.ID
	for i := n; i >= 1; i-- {
		if i%3 != 2 { // the neighbouring township's
			want = append(want, caseID(i))
		}
	}
	f := mediation.Filter{Township: "gucheng", Within: []grid.Path{grid.RootPath("gucheng")}, Limit: 13}
	next := n + 1
	var got []mediation.ID
	for {
		page, err := s.List(ctx, f)
		require.NoError(t, err)
		got = append(got, ids(page.Cases)...)
		if page.Next == "" {
			break
		}
		f.Before = page.Next
		for range 7 {
			c, events := newCase(next, "mayuan-1", base)
			next++
			create(t, s, c, events)
		}
	}
	assert.Equal(t, want, got, "nothing skipped, nothing repeated, nothing newer")
	page, err := s.List(ctx, mediation.Filter{Township: "gucheng", Within: []grid.Path{grid.RootPath("gucheng")}, Limit: 1})
	require.NoError(t, err)
	assert.Equal(t, []mediation.ID{caseID(next - 1)}, ids(page.Cases), "the next walk begins with the newest")
}

// listInvalidFilter: List refuses as Invalid a Filter without a
// township, with a page size out of range, or with an unknown state,
// grade or channel.
func listInvalidFilter(t *testing.T, s mediation.Store) {
	for _, f := range []mediation.Filter{
		{},
		{Within: []grid.Path{grid.RootPath("gucheng")}},
		{Township: "gucheng", Limit: -1},
		{Township: "gucheng", Limit: work.MaxPage + 1},
		{Township: "gucheng", States: []mediation.State{99}},
		{Township: "gucheng", Grade: 99},
		{Township: "gucheng", Channel: 99},
	} {
		_, err := s.List(context.Background(), f)
		requireCode(t, err, fourplusn.Invalid, "%+v", f)
	}
}

// descending returns the IDs of cases from down to to.
func descending(from, to int) []mediation.ID {
	var out []mediation.ID
	for i := from; i >= to; i-- {
		out = append(out, caseID(i))
	}
	return out
}
