// Package storetest is the conformance suite for fourplusn's stores. An
// integrator who writes their own storage adapter runs it against their
// implementation, the way testing/fstest checks a file system:
//
//	func TestConformance(t *testing.T) {
//		storetest.Cases(t, func(t *testing.T) mediation.Store { return mystore.New(t) })
//	}
//
// Each function checks every method's contract with its own subtests and
// needs a fresh, empty store from its constructor for each of them.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/mediation/timeline"
)

var demo = gridtest.Gucheng()

// base is the time the suite's cases begin at.
var base = time.Date(2023, 3, 1, 1, 0, 0, 123456789, time.UTC)

// newCase returns a registered case n at cell, with its first event sealed
// on a real timeline chain.
func newCase(n int, cell grid.CellID, at time.Time) (*mediation.Case, []timeline.Event) {
	path := demo.Path(cell)
	c := &mediation.Case{
		ID: mediation.ID(fmt.Sprintf("C%08d", n)), TrackingCode: fmt.Sprintf("T%08d", n), Version: 1,
		Township: path.Township(), Channel: mediation.ChannelScreening, Category: mediation.Neighbour,
		Applicants:  []mediation.Party{{Name: "甲某", Phone: "13900000001"}},
		Respondents: []mediation.Party{{Name: "乙某"}},
		Facts:       "邻里纠纷", Grade: mediation.Simple, Location: path, Handling: path,
		FirstResponder: "m-1", FirstResponderCell: path, State: mediation.Registered,
		RegisteredAt: at, AcceptDue: at.Add(24 * time.Hour),
	}
	e := sealed(c, "registered", at)
	return c, []timeline.Event{e}
}

// sealed appends an event to c's chain and returns it.
func sealed(c *mediation.Case, action string, at time.Time) timeline.Event {
	var e timeline.Event
	e, c.Chain = c.Chain.Append(timeline.Event{Subject: string(c.ID), At: at, Actor: "m-1", Action: action, Details: map[string]string{"k": action}})
	return e
}

// Cases checks a mediation.Store.
func Cases(t *testing.T, newStore func(t *testing.T) mediation.Store) {
	ctx := context.Background()
	t.Run("create and get", func(t *testing.T) {
		s := newStore(t)
		c, events := newCase(1, "mayuan-1", base)
		got, err := s.Create(ctx, c, events, mediation.IdempotencyKey{})
		require.NoError(t, err)
		assert.Equal(t, c, got)
		c.Facts = "changed by the caller"
		stored, err := s.Get(ctx, "C00000001")
		require.NoError(t, err)
		assert.Equal(t, "邻里纠纷", stored.Facts, "the store keeps its own copy")
		byCode, err := s.GetByTrackingCode(ctx, "T00000001")
		require.NoError(t, err)
		assert.Equal(t, stored, byCode)
		_, err = s.Get(ctx, "nope")
		assert.ErrorIs(t, err, fourplusn.NotFound)
		_, err = s.GetByTrackingCode(ctx, "nope")
		assert.ErrorIs(t, err, fourplusn.NotFound)
		_, err = s.Events(ctx, "nope")
		assert.ErrorIs(t, err, fourplusn.NotFound)
		dup, events := newCase(1, "mayuan-1", base)
		_, err = s.Create(ctx, dup, events, mediation.IdempotencyKey{})
		assert.ErrorIs(t, err, fourplusn.Conflict, "duplicate ID")
		stored, err = s.Get(ctx, "C00000001")
		require.NoError(t, err)
		assert.Equal(t, "邻里纠纷", stored.Facts, "a refused create changes nothing")
	})
	t.Run("idempotency", func(t *testing.T) {
		s := newStore(t)
		key := mediation.IdempotencyKey{Scope: "m-1", Key: "k", Fingerprint: "f1"}
		c1, e1 := newCase(1, "mayuan-1", base)
		first, err := s.Create(ctx, c1, e1, key)
		require.NoError(t, err)
		c2, e2 := newCase(2, "mayuan-1", base)
		again, err := s.Create(ctx, c2, e2, key)
		require.NoError(t, err)
		assert.Equal(t, first.ID, again.ID, "a retry returns the first case")
		_, err = s.Get(ctx, "C00000002")
		assert.ErrorIs(t, err, fourplusn.NotFound, "and stores nothing")
		key.Fingerprint = "f2"
		c3, e3 := newCase(3, "mayuan-1", base)
		_, err = s.Create(ctx, c3, e3, key)
		assert.ErrorIs(t, err, fourplusn.Conflict, "the key was reused for another request")
		key.Scope = "m-2"
		c4, e4 := newCase(4, "mayuan-1", base)
		other, err := s.Create(ctx, c4, e4, key)
		require.NoError(t, err)
		assert.Equal(t, mediation.ID("C00000004"), other.ID, "keys are scoped")
	})
	t.Run("update and timeline", func(t *testing.T) {
		s := newStore(t)
		c, events := newCase(1, "mayuan-1", base)
		_, err := s.Create(ctx, c, events, mediation.IdempotencyKey{})
		require.NoError(t, err)
		got, err := s.Update(ctx, c.ID, 1, func(c *mediation.Case) ([]timeline.Event, error) {
			c.State, c.AcceptedAt, c.AcceptedBy = mediation.Accepted, base.Add(time.Hour), "m-2"
			c.Team = append(c.Team, mediation.Participant{Department: "police", Name: "民警"})
			return []timeline.Event{sealed(c, "accepted", base.Add(time.Hour))}, nil
		})
		require.NoError(t, err)
		assert.Equal(t, int64(2), got.Version)
		assert.Equal(t, mediation.Accepted, got.State)
		_, err = s.Update(ctx, c.ID, 1, func(*mediation.Case) ([]timeline.Event, error) {
			t.Error("fn must not run on a stale version")
			return nil, nil
		})
		assert.ErrorIs(t, err, fourplusn.Conflict)
		boom := errors.New("refused")
		_, err = s.Update(ctx, c.ID, 0, func(c *mediation.Case) ([]timeline.Event, error) {
			c.Facts = "half-written"
			return nil, boom
		})
		assert.ErrorIs(t, err, boom)
		_, err = s.Update(ctx, "nope", 0, func(*mediation.Case) ([]timeline.Event, error) { return nil, nil })
		assert.ErrorIs(t, err, fourplusn.NotFound)
		stored, err := s.Get(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, got, stored, "a failed update leaves nothing")
		evs, err := s.Events(ctx, c.ID)
		require.NoError(t, err)
		require.Len(t, evs, 2)
		assert.Equal(t, []string{"registered", "accepted"}, []string{evs[0].Action, evs[1].Action})
		require.NoError(t, timeline.Verify(string(c.ID), evs, stored.Chain), "stored events verify against the case's chain")
	})
	t.Run("concurrent writers", func(t *testing.T) {
		s := newStore(t)
		c, events := newCase(1, "mayuan-1", base)
		_, err := s.Create(ctx, c, events, mediation.IdempotencyKey{})
		require.NoError(t, err)
		const writers = 50
		run := func(version int64) []error {
			errs := make([]error, writers)
			var wg sync.WaitGroup
			for i := range writers {
				wg.Go(func() {
					_, errs[i] = s.Update(ctx, c.ID, version, func(c *mediation.Case) ([]timeline.Event, error) {
						c.Claims = append(c.Claims, mediation.Claim{Description: fmt.Sprint(i)})
						return []timeline.Event{sealed(c, "claimed", base)}, nil
					})
				})
			}
			wg.Wait()
			return errs
		}
		wins := 0
		for _, err := range run(1) {
			if err == nil {
				wins++
			} else {
				assert.ErrorIs(t, err, fourplusn.Conflict, "every loser gets a conflict, never a lock error")
			}
		}
		assert.Equal(t, 1, wins)
		for _, err := range run(0) {
			assert.NoError(t, err)
		}
		stored, err := s.Get(ctx, c.ID)
		require.NoError(t, err)
		assert.Len(t, stored.Claims, 1+writers, "no update lost")
		assert.Equal(t, int64(2+writers), stored.Version)
		evs, err := s.Events(ctx, c.ID)
		require.NoError(t, err)
		require.NoError(t, timeline.Verify(string(c.ID), evs, stored.Chain))
	})
	t.Run("list", func(t *testing.T) { listCases(t, newStore(t)) })
}

func listCases(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	cells := []grid.CellID{"mayuan-1", "mayuan-2", "wuguiqiao-1", "honggoumiao-2-tong", "lz-qiaotou-1"}
	for i := range 120 {
		c, events := newCase(i+1, cells[i%len(cells)], base.Add(time.Duration(i)*time.Hour))
		if i%3 == 0 {
			c.State, c.AcceptedAt, c.ResolveDue = mediation.Accepted, c.RegisteredAt.Add(time.Hour), c.RegisteredAt.Add(48*time.Hour)
		}
		if i%10 == 0 {
			c.Applicant = "r-1"
		}
		_, err := s.Create(ctx, c, events, mediation.IdempotencyKey{})
		require.NoError(t, err)
	}
	all := func(f mediation.Filter) []mediation.ID {
		var ids []mediation.ID
		for {
			page, err := s.List(ctx, f)
			require.NoError(t, err)
			require.LessOrEqual(t, len(page.Cases), f.PageSize())
			for _, c := range page.Cases {
				ids = append(ids, c.ID)
			}
			if page.Next == "" {
				return ids
			}
			f.Before = page.Next
		}
	}
	gucheng := []grid.Path{grid.RootPath("gucheng")}
	ids := all(mediation.Filter{Township: "gucheng", Within: gucheng})
	assert.Len(t, ids, 96, "the other township's 24 cases stay out")
	for i := 1; i < len(ids); i++ {
		assert.Greater(t, ids[i-1], ids[i], "newest first, each once")
	}
	pages := []int{}
	f := mediation.Filter{Township: "gucheng", Within: gucheng, Limit: 50}
	for {
		page, err := s.List(ctx, f)
		require.NoError(t, err)
		pages = append(pages, len(page.Cases))
		if page.Next == "" {
			break
		}
		f.Before = page.Next
	}
	assert.Equal(t, []int{50, 46}, pages)

	mayuan := all(mediation.Filter{Township: "gucheng", Within: []grid.Path{demo.Path("mayuan")}})
	assert.Len(t, mayuan, 48)
	assert.Len(t, all(mediation.Filter{Township: "gucheng", Within: []grid.Path{demo.Path("mayuan-1")}}), 24)
	assert.Empty(t, all(mediation.Filter{Township: "gucheng", Within: []grid.Path{demo.Path("mayuan-1-zhang")}}))
	assert.Len(t, all(mediation.Filter{Township: "gucheng", Within: []grid.Path{demo.Path("mayuan-1-zhang")}, FirstResponder: "m-1"}), 96)
	assert.Len(t, all(mediation.Filter{Township: "gucheng", Within: gucheng, States: []mediation.State{mediation.Accepted}}), 32)
	assert.Len(t, all(mediation.Filter{Township: "gucheng", Within: gucheng, Owner: "r-1"}), 12)
	overdue := all(mediation.Filter{Township: "gucheng", Within: gucheng, OverdueAt: base.Add(60 * time.Hour)})
	want := 0
	for i := range 120 {
		if cells[i%len(cells)] == "lz-qiaotou-1" {
			continue
		}
		reg := base.Add(time.Duration(i) * time.Hour)
		due := reg.Add(24 * time.Hour)
		if i%3 == 0 {
			due = reg.Add(48 * time.Hour)
		}
		if base.Add(60 * time.Hour).After(due) {
			want++
		}
	}
	assert.Len(t, overdue, want)
	_, err := s.List(ctx, mediation.Filter{})
	assert.ErrorIs(t, err, fourplusn.Invalid)

	// Paging stays stable while newer cases arrive between pages.
	f = mediation.Filter{Township: "gucheng", Within: gucheng, Limit: 30}
	seen := map[mediation.ID]bool{}
	next := 1000
	for {
		page, err := s.List(ctx, f)
		require.NoError(t, err)
		for _, c := range page.Cases {
			assert.False(t, seen[c.ID], "repeated %s", c.ID)
			seen[c.ID] = true
		}
		c, events := newCase(next, "mayuan-1", base.Add(time.Duration(next)*time.Hour))
		next++
		_, err = s.Create(ctx, c, events, mediation.IdempotencyKey{})
		require.NoError(t, err)
		if page.Next == "" {
			break
		}
		f.Before = page.Next
	}
	assert.Len(t, seen, 96, "nothing skipped, nothing new slipped into later pages")
}
