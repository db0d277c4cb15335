package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

var (
	town    = grid.RootPath("t")
	sector1 = town.Child("s1")
	sector2 = town.Child("s2")
	other   = grid.RootPath("u").Child("s1")
)

// newCase returns a registered case in sector s1 of township t whose ID sorts
// by i, numbered i, as the store numbers the i-th case it is given.
func newCase(i int) *mediation.Case {
	return &mediation.Case{
		ID:           mediation.ID(fmt.Sprintf("C%06d", i)),
		TrackingCode: fmt.Sprintf("T%06d", i),
		Number:       mediation.Number{Prefix: "t调", Year: 2026, Seq: i},
		Version:      1,
		Township:     "t",
		Location:     sector1,
		Handling:     sector1,
		State:        mediation.Registered,
		Applicants:   []mediation.Party{{Name: "甲"}},
		Claims:       []mediation.Claim{{Description: "wall", Amount: 100}},
	}
}

func event(c *mediation.Case, seq int64, action timeline.Action) timeline.Event {
	return timeline.Event{Subject: string(c.ID), Seq: seq, Action: action, Details: map[string]string{"k": string(action)}}
}

func create(t *testing.T, s *memstore.Cases, c *mediation.Case) *mediation.Case {
	t.Helper()
	got, err := s.Create(context.Background(), c, []timeline.Event{event(c, 1, "register")}, work.IdempotencyKey{})
	require.NoError(t, err)
	return got
}

func requireCode(t *testing.T, err error, code fourplusn.Code) {
	t.Helper()
	require.Error(t, err)
	require.Truef(t, errors.Is(err, code), "want a %s error, got %v (%s)", code, err, fourplusn.ErrorCode(err))
}

func TestCreateGetIsolation(t *testing.T) {
	ctx := context.Background()
	s := memstore.NewCases()
	in := newCase(1)
	out := create(t, s, in)
	require.Equal(t, in, out)
	require.NotSame(t, in, out)

	// Changing the case passed in, or the one returned, changes nothing stored.
	in.Facts = "changed in"
	in.Claims[0].Amount = 1
	out.Facts = "changed out"
	out.Applicants[0].Name = "乙"
	out.Claims = append(out.Claims, mediation.Claim{Description: "more"})

	got, err := s.Get(ctx, "C000001")
	require.NoError(t, err)
	require.Equal(t, newCase(1), got)
	got.Claims[0].Description = "changed get"
	got.Version = 99

	byCode, err := s.GetByTrackingCode(ctx, "T000001")
	require.NoError(t, err)
	require.Equal(t, newCase(1), byCode)
}

func TestEventsIsolation(t *testing.T) {
	ctx := context.Background()
	s := memstore.NewCases()
	c := newCase(1)
	events := []timeline.Event{event(c, 1, "register")}
	_, err := s.Create(ctx, c, events, work.IdempotencyKey{})
	require.NoError(t, err)
	events[0].Details["k"] = "changed in"
	events[0].Action = "changed in"

	got, err := s.Events(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, []timeline.Event{event(c, 1, "register")}, got)
	got[0].Details["k"] = "changed out"
	got[0].Action = "changed out"

	got, err = s.Events(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, []timeline.Event{event(c, 1, "register")}, got)
}

func TestNotFound(t *testing.T) {
	ctx := context.Background()
	s := memstore.NewCases()
	create(t, s, newCase(1))

	_, err := s.Get(ctx, "C999999")
	requireCode(t, err, fourplusn.NotFound)
	require.Contains(t, err.Error(), "C999999")

	_, err = s.GetByTrackingCode(ctx, "T999999")
	requireCode(t, err, fourplusn.NotFound)
	require.Contains(t, err.Error(), "T999999")

	_, err = s.GetByTrackingCode(ctx, "")
	requireCode(t, err, fourplusn.NotFound)

	_, err = s.Events(ctx, "C999999")
	requireCode(t, err, fourplusn.NotFound)
	require.Contains(t, err.Error(), "C999999")

	called := false
	_, err = s.Update(ctx, "C999999", 0, func(*mediation.Case) ([]timeline.Event, error) {
		called = true
		return nil, nil
	})
	requireCode(t, err, fourplusn.NotFound)
	require.False(t, called)
}

func TestCreateDuplicate(t *testing.T) {
	ctx := context.Background()
	s := memstore.NewCases()
	create(t, s, newCase(1))

	dupID := newCase(2)
	dupID.ID = "C000001"
	_, err := s.Create(ctx, dupID, nil, work.IdempotencyKey{})
	requireCode(t, err, fourplusn.Conflict)

	dupCode := newCase(2)
	dupCode.TrackingCode = "T000001"
	_, err = s.Create(ctx, dupCode, nil, work.IdempotencyKey{})
	requireCode(t, err, fourplusn.Conflict)

	// Neither attempt stored anything.
	_, err = s.Get(ctx, "C000002")
	requireCode(t, err, fourplusn.NotFound)
	got, err := s.GetByTrackingCode(ctx, "T000001")
	require.NoError(t, err)
	require.Equal(t, newCase(1), got)
	events, err := s.Events(ctx, "C000001")
	require.NoError(t, err)
	require.Len(t, events, 1)
}

func TestCreateIdempotency(t *testing.T) {
	ctx := context.Background()
	s := memstore.NewCases()
	key := work.IdempotencyKey{Scope: "actor-1", Key: "k1", Fingerprint: "fp"}
	first, err := s.Create(ctx, newCase(1), nil, key)
	require.NoError(t, err)

	// A retry, which the service gives a fresh ID and tracking code, returns
	// the first case and stores nothing.
	retry, err := s.Create(ctx, newCase(2), nil, key)
	require.NoError(t, err)
	require.Equal(t, first, retry)
	_, err = s.Get(ctx, "C000002")
	requireCode(t, err, fourplusn.NotFound)
	_, err = s.GetByTrackingCode(ctx, "T000002")
	requireCode(t, err, fourplusn.NotFound)

	// The key reused for another request.
	reused := key
	reused.Fingerprint = "other"
	_, err = s.Create(ctx, newCase(3), nil, reused)
	requireCode(t, err, fourplusn.Conflict)
	require.Contains(t, err.Error(), "k1")
	_, err = s.Get(ctx, "C000003")
	requireCode(t, err, fourplusn.NotFound)

	// The same key from another actor is another request.
	scoped := key
	scoped.Scope = "actor-2"
	second, err := s.Create(ctx, newCase(4), nil, scoped)
	require.NoError(t, err)
	require.Equal(t, mediation.ID("C000004"), second.ID)

	page, err := s.List(ctx, mediation.Filter{Township: "t", Within: []grid.Path{town}})
	require.NoError(t, err)
	require.Equal(t, []mediation.ID{"C000004", "C000001"}, ids(page.Cases))
}

func TestUpdate(t *testing.T) {
	ctx := context.Background()
	s := memstore.NewCases()
	c := create(t, s, newCase(1))

	var seen *mediation.Case
	got, err := s.Update(ctx, c.ID, 1, func(c *mediation.Case) ([]timeline.Event, error) {
		seen = c.Clone()
		c.State = mediation.Accepted
		c.AcceptedBy = "m1"
		return []timeline.Event{event(c, 2, "accept")}, nil
	})
	require.NoError(t, err)
	require.Equal(t, newCase(1), seen, "fn sees the stored case")
	require.Equal(t, int64(2), got.Version)
	require.Equal(t, mediation.Accepted, got.State)

	got, err = s.Update(ctx, c.ID, 0, func(c *mediation.Case) ([]timeline.Event, error) {
		c.State = mediation.Mediating
		return []timeline.Event{event(c, 3, "session"), event(c, 4, "note")}, nil
	})
	require.NoError(t, err)
	require.Equal(t, int64(3), got.Version)

	stored, err := s.Get(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, got, stored)
	require.Equal(t, "m1", stored.AcceptedBy)
	require.Equal(t, mediation.Mediating, stored.State)

	// The returned case is the caller's own.
	got.Claims[0].Amount = 1
	stored, err = s.Get(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, int64(100), stored.Claims[0].Amount)

	events, err := s.Events(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, []timeline.Action{"register", "accept", "session", "note"}, actions(events))
}

func TestUpdateFnError(t *testing.T) {
	ctx := context.Background()
	s := memstore.NewCases()
	c := create(t, s, newCase(1))
	boom := errors.New("boom")

	got, err := s.Update(ctx, c.ID, 1, func(c *mediation.Case) ([]timeline.Event, error) {
		c.State = mediation.Accepted
		c.Claims[0].Amount = 1
		c.Claims = append(c.Claims, mediation.Claim{Description: "more"})
		return []timeline.Event{event(c, 2, "accept")}, boom
	})
	require.ErrorIs(t, err, boom)
	require.Nil(t, got)

	stored, err := s.Get(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, newCase(1), stored)
	events, err := s.Events(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, []timeline.Action{"register"}, actions(events))
}

func TestUpdateStaleVersion(t *testing.T) {
	ctx := context.Background()
	s := memstore.NewCases()
	c := create(t, s, newCase(1))
	_, err := s.Update(ctx, c.ID, 1, func(*mediation.Case) ([]timeline.Event, error) { return nil, nil })
	require.NoError(t, err)

	called := false
	_, err = s.Update(ctx, c.ID, 1, func(*mediation.Case) ([]timeline.Event, error) {
		called = true
		return nil, nil
	})
	requireCode(t, err, fourplusn.Conflict)
	require.Contains(t, err.Error(), string(c.ID))
	require.False(t, called, "fn must not run on a stale version")

	stored, err := s.Get(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, int64(2), stored.Version)
}

func TestUpdateConcurrent(t *testing.T) {
	ctx := context.Background()
	s := memstore.NewCases()
	c := create(t, s, newCase(1))
	const n = 50

	// Everyone holds version 1: exactly one wins.
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = s.Update(ctx, c.ID, 1, func(c *mediation.Case) ([]timeline.Event, error) {
				c.Facts = fmt.Sprint("writer ", i)
				return nil, nil
			})
		})
	}
	wg.Wait()
	won, conflicts := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case errors.Is(err, fourplusn.Conflict):
			conflicts++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	require.Equal(t, 1, won)
	require.Equal(t, n-1, conflicts)

	// Unversioned updates are serialized: none is lost.
	for i := range n {
		wg.Go(func() {
			_, errs[i] = s.Update(ctx, c.ID, 0, func(c *mediation.Case) ([]timeline.Event, error) {
				c.Claims = append(c.Claims, mediation.Claim{Description: fmt.Sprint("claim ", i)})
				return []timeline.Event{event(c, int64(len(c.Claims)), timeline.Action(fmt.Sprint("add ", i)))}, nil
			})
		})
	}
	// Readers alongside the writers, for the race detector.
	for range n {
		wg.Go(func() {
			if _, err := s.Get(ctx, c.ID); err != nil {
				panic(err)
			}
			if _, err := s.Events(ctx, c.ID); err != nil {
				panic(err)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	stored, err := s.Get(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, int64(n+2), stored.Version)
	require.Len(t, stored.Claims, n+1)
	seen := map[string]bool{}
	for _, cl := range stored.Claims[1:] {
		seen[cl.Description] = true
	}
	require.Len(t, seen, n)
	events, err := s.Events(ctx, c.ID)
	require.NoError(t, err)
	require.Len(t, events, n+1)
}

func TestContextCanceled(t *testing.T) {
	s := memstore.NewCases()
	c := create(t, s, newCase(1))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	_, err := s.Create(ctx, newCase(2), nil, work.IdempotencyKey{})
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.Get(ctx, c.ID)
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.GetByTrackingCode(ctx, c.TrackingCode)
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.Update(ctx, c.ID, 0, func(*mediation.Case) ([]timeline.Event, error) { return nil, nil })
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.List(ctx, mediation.Filter{Township: "t", Within: []grid.Path{town}})
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.Events(ctx, c.ID)
	require.ErrorIs(t, err, context.Canceled)

	_, err = s.Get(context.Background(), "C000002")
	requireCode(t, err, fourplusn.NotFound)
}

func TestListFilters(t *testing.T) {
	ctx := context.Background()
	s := memstore.NewCases()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	mk := func(i int, change func(*mediation.Case)) {
		c := newCase(i)
		c.AcceptDue = now.Add(time.Hour)
		change(c)
		create(t, s, c)
	}
	mk(1, func(c *mediation.Case) {})
	mk(2, func(c *mediation.Case) { c.Handling, c.Location = sector2, sector2 })
	mk(3, func(c *mediation.Case) { c.Handling = sector2.Child("v1") }) // arose in s1, handled in s2
	mk(4, func(c *mediation.Case) { c.Township, c.Handling, c.Location = "u", other, other })
	mk(5, func(c *mediation.Case) { c.State = mediation.Accepted; c.ResolveDue = now.Add(-time.Hour) })
	mk(6, func(c *mediation.Case) { c.Applicant = "resident-1"; c.AcceptDue = now.Add(-time.Hour) })
	mk(7, func(c *mediation.Case) { c.Handling, c.Location = sector2, grid.Path{}; c.FirstResponder = "m1" })

	list := func(f mediation.Filter) []mediation.ID {
		t.Helper()
		page, err := s.List(ctx, f)
		require.NoError(t, err)
		require.Empty(t, page.Next)
		return ids(page.Cases)
	}
	all := []grid.Path{town}
	require.Equal(t, []mediation.ID{"C000007", "C000006", "C000005", "C000003", "C000002", "C000001"},
		list(mediation.Filter{Township: "t", Within: all}))
	require.Equal(t, []mediation.ID{"C000004"},
		list(mediation.Filter{Township: "u", Within: []grid.Path{grid.RootPath("u")}}))
	require.Empty(t, list(mediation.Filter{Township: "t"}), "no subtree, no first responder: nothing")
	require.Empty(t, list(mediation.Filter{Township: "t", Within: []grid.Path{grid.RootPath("u")}}))

	require.Equal(t, []mediation.ID{"C000006", "C000005", "C000003", "C000001"},
		list(mediation.Filter{Township: "t", Within: []grid.Path{sector1}}), "by handling cell or location")
	require.Equal(t, []mediation.ID{"C000007", "C000003", "C000002"},
		list(mediation.Filter{Township: "t", Within: []grid.Path{sector2}}))
	require.Equal(t, []mediation.ID{"C000003"},
		list(mediation.Filter{Township: "t", Within: []grid.Path{sector2.Child("v1")}}))
	require.Equal(t, []mediation.ID{"C000007", "C000003"},
		list(mediation.Filter{Township: "t", Within: []grid.Path{sector2.Child("v1")}, FirstResponder: "m1"}))

	require.Equal(t, []mediation.ID{"C000005"},
		list(mediation.Filter{Township: "t", Within: all, States: []mediation.State{mediation.Accepted, mediation.Mediating}}))
	require.Equal(t, []mediation.ID{"C000006"},
		list(mediation.Filter{Township: "t", Within: all, Owner: "resident-1"}))
	require.Equal(t, []mediation.ID{"C000006", "C000005"},
		list(mediation.Filter{Township: "t", Within: all, OverdueAt: now}))
	require.Equal(t, []mediation.ID{"C000006"},
		list(mediation.Filter{Township: "t", Within: all, OverdueAt: now, States: []mediation.State{mediation.Registered}}))
}

func TestListInvalidFilter(t *testing.T) {
	ctx := context.Background()
	s := memstore.NewCases()
	create(t, s, newCase(1))
	for _, f := range []mediation.Filter{
		{},
		{Township: "t", Limit: -1},
		{Township: "t", Limit: work.MaxPage + 1},
		{Township: "t", States: []mediation.State{99}},
	} {
		_, err := s.List(ctx, f)
		requireCode(t, err, fourplusn.Invalid)
	}
}

func TestListPaging(t *testing.T) {
	ctx := context.Background()
	s := memstore.NewCases()
	const n = 120
	// Created out of order, to show that listing follows the IDs.
	for i := range n {
		create(t, s, newCase((i*7)%n))
	}
	f := mediation.Filter{Township: "t", Within: []grid.Path{town}}
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
		require.Equal(t, page.Cases[len(page.Cases)-1].ID, page.Next)
		f.Before = page.Next
	}
	require.Equal(t, []int{50, 50, 20}, sizes)
	require.Equal(t, descending(n-1, 0), got)

	// A page that ends exactly at the last match has no next page.
	page, err := s.List(ctx, mediation.Filter{Township: "t", Within: []grid.Path{town}, Limit: 20, Before: "C000020"})
	require.NoError(t, err)
	require.Equal(t, descending(19, 0), ids(page.Cases))
	require.Empty(t, page.Next)

	// A cursor need not be a stored ID.
	page, err = s.List(ctx, mediation.Filter{Township: "t", Within: []grid.Path{town}, Limit: 3, Before: "C000010x"})
	require.NoError(t, err)
	require.Equal(t, descending(10, 8), ids(page.Cases))
	require.Equal(t, mediation.ID("C000008"), page.Next)
}

func TestListPagingStableUnderInserts(t *testing.T) {
	ctx := context.Background()
	s := memstore.NewCases()
	const n = 120
	for i := range n {
		create(t, s, newCase(i))
	}
	f := mediation.Filter{Township: "t", Within: []grid.Path{town}}
	next := n
	var got []mediation.ID
	for {
		page, err := s.List(ctx, f)
		require.NoError(t, err)
		got = append(got, ids(page.Cases)...)
		if page.Next == "" {
			break
		}
		f.Before = page.Next
		// Newer cases arrive between fetches; they belong to a later walk.
		for range 30 {
			create(t, s, newCase(next))
			next++
		}
	}
	require.Equal(t, descending(n-1, 0), got)

	page, err := s.List(ctx, mediation.Filter{Township: "t", Within: []grid.Path{town}, Limit: 1})
	require.NoError(t, err)
	require.Equal(t, []mediation.ID{mediation.ID(fmt.Sprintf("C%06d", next-1))}, ids(page.Cases))
}

func TestListReturnsCopies(t *testing.T) {
	ctx := context.Background()
	s := memstore.NewCases()
	create(t, s, newCase(1))
	f := mediation.Filter{Township: "t", Within: []grid.Path{town}}
	page, err := s.List(ctx, f)
	require.NoError(t, err)
	page.Cases[0].Claims[0].Amount = 1
	page.Cases[0].State = mediation.Closed

	got, err := s.Get(ctx, "C000001")
	require.NoError(t, err)
	require.Equal(t, newCase(1), got)
}

func ids(cases []*mediation.Case) []mediation.ID {
	out := make([]mediation.ID, len(cases))
	for i, c := range cases {
		out[i] = c.ID
	}
	return out
}

func actions(events []timeline.Event) []timeline.Action {
	out := make([]timeline.Action, len(events))
	for i, e := range events {
		out[i] = e.Action
	}
	return out
}

// descending returns the IDs of cases from down to to.
func descending(from, to int) []mediation.ID {
	var out []mediation.ID
	for i := from; i >= to; i-- {
		out = append(out, mediation.ID(fmt.Sprintf("C%06d", i)))
	}
	return out
}
