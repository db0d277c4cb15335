package memstore_test

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
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// The cells and time the hazard tests use.
var (
	hzGucheng = grid.RootPath("gucheng")
	hzEast    = hzGucheng.Child("gc-east")
	hzMayuan  = hzEast.Child("mayuan")
	hzMayuan1 = hzMayuan.Child("mayuan-1")
	hzWest    = hzGucheng.Child("gc-west")
	hzLinzhen = grid.RootPath("linzhen")
	hzT0      = time.Date(2023, 3, 20, 1, 0, 0, 0, time.UTC)
)

// newTestHazard returns hazard id found at loc and handled there, with its
// first event sealed onto its chain.
func newTestHazard(id string, loc grid.Path) (*hazard.Hazard, []timeline.Event) {
	h := &hazard.Hazard{
		ID: hazard.ID(id), Version: 1, Township: loc.Township(), Category: hazard.Other, Grade: work.Simple,
		Description: "排水沟堵塞", Photos: []string{"a.jpg"}, Location: loc, Handling: loc, Reporter: "mayuan-1-head",
		State: hazard.Open, ReportedAt: hzT0, RectifyDue: hzT0.Add(72 * time.Hour),
		Rectifications: []hazard.Rectification{{Evidence: "x", Photos: []string{"b.jpg"}}},
	}
	var e timeline.Event
	e, h.Chain = h.Chain.Append(timeline.Event{Subject: id, At: hzT0, Actor: h.Reporter, Action: "reported", Details: map[string]string{"k": "v"}})
	return h, []timeline.Event{e}
}

// touchHazard is an update that counts a reopening and records an event.
func touchHazard(h *hazard.Hazard) ([]timeline.Event, error) {
	h.Reopens++
	var e timeline.Event
	e, h.Chain = h.Chain.Append(timeline.Event{Subject: string(h.ID), At: hzT0, Actor: "a", Action: "touched"})
	return []timeline.Event{e}, nil
}

func TestHazardsIsolation(t *testing.T) {
	ctx := t.Context()
	s := memstore.NewHazards()
	h, events := newTestHazard("H1", hzMayuan1)
	want := h.Clone()
	created, err := s.Create(ctx, h, events, work.IdempotencyKey{})
	require.NoError(t, err)
	assert.Equal(t, want, created)

	// Mutating what was passed in or handed out changes nothing stored.
	h.Description, h.Photos[0], h.Rectifications[0].Photos[0] = "改", "evil.jpg", "evil.jpg"
	events[0].Details["k"] = "changed"
	created.State, created.Photos[0] = hazard.Closed, "evil.jpg"
	got, err := s.Get(ctx, "H1")
	require.NoError(t, err)
	assert.Equal(t, want, got)
	got.Rectifications[0].Photos[0] = "evil.jpg"
	got.Verifications = append(got.Verifications, hazard.Verification{Passed: true})
	again, err := s.Get(ctx, "H1")
	require.NoError(t, err)
	assert.Equal(t, want, again)

	stored, err := s.Events(ctx, "H1")
	require.NoError(t, err)
	assert.Equal(t, "v", stored[0].Details["k"])
	stored[0].Details["k"] = "changed"
	stored, err = s.Events(ctx, "H1")
	require.NoError(t, err)
	assert.Equal(t, "v", stored[0].Details["k"])
	require.NoError(t, timeline.Verify("H1", stored, want.Chain))

	// Update hands fn a copy: a failing fn leaves no trace.
	_, err = s.Update(ctx, "H1", 0, func(h *hazard.Hazard) ([]timeline.Event, error) {
		h.State, h.Photos[0] = hazard.Closed, "evil.jpg"
		return nil, fourplusn.Errorf(fourplusn.Conflict, "refused")
	})
	assert.ErrorIs(t, err, fourplusn.Conflict)
	got, err = s.Get(ctx, "H1")
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

func TestHazardsNotFound(t *testing.T) {
	ctx := t.Context()
	s := memstore.NewHazards()
	_, err := s.Get(ctx, "H404")
	assert.ErrorIs(t, err, fourplusn.NotFound)
	_, err = s.Update(ctx, "H404", 0, touchHazard)
	assert.ErrorIs(t, err, fourplusn.NotFound)
	_, err = s.Events(ctx, "H404")
	assert.ErrorIs(t, err, fourplusn.NotFound)
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = s.Get(canceled, "H404")
	assert.ErrorIs(t, err, context.Canceled)
}

func TestHazardsCreateConflicts(t *testing.T) {
	ctx := t.Context()
	s := memstore.NewHazards()
	h, events := newTestHazard("H1", hzMayuan1)
	key := work.IdempotencyKey{Scope: "mayuan-1-head", Key: "req-1", Fingerprint: "f1"}
	first, err := s.Create(ctx, h, events, key)
	require.NoError(t, err)

	// A retry under the key returns the first hazard, even with a new ID.
	retry, _ := newTestHazard("H2", hzMayuan1)
	got, err := s.Create(ctx, retry, nil, key)
	require.NoError(t, err)
	assert.Equal(t, first, got)
	_, err = s.Get(ctx, "H2")
	assert.ErrorIs(t, err, fourplusn.NotFound)

	// The key reused for another request, or a duplicate ID, conflicts.
	_, err = s.Create(ctx, retry, nil, work.IdempotencyKey{Scope: key.Scope, Key: key.Key, Fingerprint: "f2"})
	assert.ErrorIs(t, err, fourplusn.Conflict)
	dup, _ := newTestHazard("H1", hzMayuan1)
	_, err = s.Create(ctx, dup, nil, work.IdempotencyKey{})
	assert.ErrorIs(t, err, fourplusn.Conflict)
	// Another actor's key of the same name is another key.
	_, err = s.Create(ctx, retry, nil, work.IdempotencyKey{Scope: "mayuan-2-head", Key: key.Key, Fingerprint: "f2"})
	require.NoError(t, err)
}

func TestHazardsVersionConflict(t *testing.T) {
	ctx := t.Context()
	s := memstore.NewHazards()
	h, events := newTestHazard("H1", hzMayuan1)
	_, err := s.Create(ctx, h, events, work.IdempotencyKey{})
	require.NoError(t, err)

	got, err := s.Update(ctx, "H1", 1, touchHazard)
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Version)

	called := false
	_, err = s.Update(ctx, "H1", 1, func(h *hazard.Hazard) ([]timeline.Event, error) {
		called = true
		return touchHazard(h)
	})
	assert.ErrorIs(t, err, fourplusn.Conflict)
	assert.False(t, called, "a stale version does not reach fn")
	got, err = s.Get(ctx, "H1")
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Version)
	assert.Equal(t, 1, got.Reopens)
	stored, err := s.Events(ctx, "H1")
	require.NoError(t, err)
	assert.Len(t, stored, 2)
	require.NoError(t, timeline.Verify("H1", stored, got.Chain))
}

// TestHazardsConcurrentUpdates runs 50 updates of one hazard at once, each
// at "whatever is current": none is lost, and the timeline stays whole.
func TestHazardsConcurrentUpdates(t *testing.T) {
	ctx := t.Context()
	s := memstore.NewHazards()
	h, events := newTestHazard("H1", hzMayuan1)
	_, err := s.Create(ctx, h, events, work.IdempotencyKey{})
	require.NoError(t, err)

	const n = 50
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = s.Update(ctx, "H1", 0, touchHazard)
		})
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))

	got, err := s.Get(ctx, "H1")
	require.NoError(t, err)
	assert.Equal(t, n, got.Reopens, "no update lost")
	assert.Equal(t, int64(n+1), got.Version)
	stored, err := s.Events(ctx, "H1")
	require.NoError(t, err)
	assert.Len(t, stored, n+1)
	require.NoError(t, timeline.Verify("H1", stored, got.Chain))
}

func TestHazardsList(t *testing.T) {
	ctx := t.Context()
	s := memstore.NewHazards()
	locations := []grid.Path{hzMayuan1, hzMayuan, hzWest}
	var gc []hazard.ID
	for i := range 25 {
		h, events := newTestHazard(fmt.Sprintf("H%03d", i), locations[i%3])
		if i%5 == 0 {
			h.State = hazard.Rectified
			h.VerifyDue = hzT0.Add(24 * time.Hour)
		}
		if i%2 == 0 {
			h.Category, h.Grade = hazard.Fire, work.Major
		}
		if i == 7 {
			h.Owner, h.Reporter = "r-1", "r-1"
		}
		_, err := s.Create(ctx, h, events, work.IdempotencyKey{})
		require.NoError(t, err)
		gc = append([]hazard.ID{h.ID}, gc...) // newest first
	}
	for i := range 3 {
		h, events := newTestHazard(fmt.Sprintf("L%03d", i), hzLinzhen)
		_, err := s.Create(ctx, h, events, work.IdempotencyKey{})
		require.NoError(t, err)
	}

	ids := func(hs []*hazard.Hazard) []hazard.ID {
		var out []hazard.ID
		for _, h := range hs {
			out = append(out, h.ID)
		}
		return out
	}
	// Page through the township ten at a time.
	f := hazard.Filter{Township: "gucheng", Within: []grid.Path{hzGucheng}, Limit: 10}
	var all []hazard.ID
	var pages int
	for {
		page, err := s.List(ctx, f)
		require.NoError(t, err)
		pages++
		assert.LessOrEqual(t, len(page.Hazards), 10)
		all = append(all, ids(page.Hazards)...)
		if page.Next == "" {
			break
		}
		assert.Equal(t, page.Hazards[len(page.Hazards)-1].ID, page.Next)
		f.Before = page.Next
	}
	assert.Equal(t, 3, pages)
	assert.Equal(t, gc, all, "every hazard once, newest first, never another township's")

	count := func(f hazard.Filter) int {
		t.Helper()
		f.Township, f.Limit = "gucheng", work.MaxPage
		page, err := s.List(ctx, f)
		require.NoError(t, err)
		assert.Empty(t, page.Next)
		return len(page.Hazards)
	}
	assert.Equal(t, 17, count(hazard.Filter{Within: []grid.Path{hzEast}}), "by handling or location in the subtree")
	assert.Equal(t, 9, count(hazard.Filter{Within: []grid.Path{hzMayuan1}}))
	assert.Equal(t, 0, count(hazard.Filter{}), "nothing without a subtree or a reporter")
	assert.Equal(t, 10, count(hazard.Filter{Reporter: "r-1", Within: []grid.Path{hzMayuan1}}), "reported by r-1 (at 马园), or within 马园 one group: 1 + 9")
	assert.Equal(t, 1, count(hazard.Filter{Reporter: "r-1"}))
	assert.Equal(t, 1, count(hazard.Filter{Within: []grid.Path{hzGucheng}, Owner: "r-1"}))
	assert.Equal(t, 5, count(hazard.Filter{Within: []grid.Path{hzGucheng}, States: []hazard.State{hazard.Rectified}}))
	assert.Equal(t, 13, count(hazard.Filter{Within: []grid.Path{hzGucheng}, Category: hazard.Fire}))
	assert.Equal(t, 13, count(hazard.Filter{Within: []grid.Path{hzGucheng}, Grade: work.Major}))
	assert.Equal(t, 5, count(hazard.Filter{Within: []grid.Path{hzGucheng}, OverdueAt: hzT0.Add(48 * time.Hour)}), "rectified ones past their verify due")
	assert.Equal(t, 25, count(hazard.Filter{Within: []grid.Path{hzGucheng}, OverdueAt: hzT0.Add(100 * time.Hour)}))

	page, err := s.List(ctx, hazard.Filter{Township: "linzhen", Within: []grid.Path{hzLinzhen}})
	require.NoError(t, err)
	assert.Equal(t, []hazard.ID{"L002", "L001", "L000"}, ids(page.Hazards))

	for field, f := range map[string]hazard.Filter{
		"township": {},
		"limit":    {Township: "gucheng", Limit: work.MaxPage + 1},
		"grade":    {Township: "gucheng", Grade: 9},
		"states":   {Township: "gucheng", States: []hazard.State{0}},
	} {
		_, err := s.List(ctx, f)
		assert.Equal(t, field, fourplusn.ErrorField(err), "%v", err)
	}
}
