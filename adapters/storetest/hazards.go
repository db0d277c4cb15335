package storetest

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// Hazards checks a hazard.Store: a hazard is stored once under one
// idempotency key, updated by concurrent writers without losing one and
// refused on a stale version, its timeline verifies against its chain, no
// hazard given or handed out is shared with the store, and List pages a
// subtree newest first. newStore returns a fresh, empty store each time
// it is called.
func Hazards(t *testing.T, newStore func(t *testing.T) hazard.Store) {
	t.Run("create, get, update, timeline", func(t *testing.T) { hazardsCreateGetUpdate(t, newStore(t)) })
	t.Run("copies are the caller's", func(t *testing.T) { hazardsCopiesAreTheCallers(t, newStore(t)) })
	t.Run("list", func(t *testing.T) { hazardsList(t, newStore(t)) })
}

// sealHazard appends an event to h's chain, as the Service does when it
// changes a hazard, and returns it.
func sealHazard(h *hazard.Hazard, action timeline.Action) timeline.Event {
	var e timeline.Event
	e, h.Chain = h.Chain.Append(timeline.Event{Subject: string(h.ID), At: base, Actor: "m-1", Action: action})
	return e
}

// hazardsCreateGetUpdate: a Create retried under the same idempotency key
// returns the first hazard and stores nothing, so that the retry's own ID
// is NotFound; unversioned Updates at once are every one stored, each
// raising the version by one; an Update on a stale version is a Conflict;
// and the hazard's events verify against its chain.
func hazardsCreateGetUpdate(t *testing.T, s hazard.Store) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 5))
	h := randomHazard(rng, 0, demo.Path("mayuan-1"))
	h.State, h.OnTheSpot, h.Rectifications = hazard.Open, false, nil
	first := sealHazard(h, hazard.ActionReported)
	_, err := s.Create(ctx, h, []timeline.Event{first}, work.IdempotencyKey{Scope: "m-1", Key: "k", Fingerprint: "f"})
	require.NoError(t, err)
	again, err := s.Create(ctx, randomHazard(rng, 1, demo.Path("mayuan-1")), nil, work.IdempotencyKey{Scope: "m-1", Key: "k", Fingerprint: "f"})
	require.NoError(t, err)
	assert.Equal(t, h.ID, again.ID, "a retry returns the first hazard")
	_, err = s.Get(ctx, "H00000002")
	assert.ErrorIs(t, err, fourplusn.NotFound, "a retry stores nothing")

	const writers = 20
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			_, errs[i] = s.Update(ctx, h.ID, 0, func(h *hazard.Hazard) ([]timeline.Event, error) {
				h.Photos = append(h.Photos, "p")
				return []timeline.Event{sealHazard(h, "photo")}, nil
			})
		})
	}
	wg.Wait()
	for _, err := range errs {
		assert.NoError(t, err)
	}
	_, err = s.Update(ctx, h.ID, 1, func(*hazard.Hazard) ([]timeline.Event, error) { return nil, nil })
	assert.ErrorIs(t, err, fourplusn.Conflict)
	got, err := s.Get(ctx, h.ID)
	require.NoError(t, err)
	assert.Len(t, got.Photos, writers)
	assert.Equal(t, int64(1+writers), got.Version)
	evs, err := s.Events(ctx, h.ID)
	require.NoError(t, err)
	require.NoError(t, timeline.Verify(string(h.ID), evs, got.Chain))
}

// hazardsCopiesAreTheCallers: a store keeps no part of what it is given or
// hands out, and gives back every field it was given, the reasons for the
// hazard's grade among them. Changing a hazard after passing it to Create,
// or any hazard returned by Create, Get, Update or List, changes nothing
// stored.
func hazardsCopiesAreTheCallers(t *testing.T, s hazard.Store) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 5))
	h := randomHazard(rng, 0, demo.Path("mayuan-1"))
	h.Contact, h.Photos = "13900003333", []string{"p1"}
	// The reasons are written anew for the last check, which then holds
	// even if Clone shared them.
	grading := func() []work.Reason {
		return []work.Reason{
			{Code: work.ReasonCategory, Grade: work.Simple, Text: "类别“其他隐患”默认等级为绿色·简易"},
			{Code: hazard.ReasonReported, Grade: work.Major, Text: "上报人定为红色·重大，高于类别默认等级，按上报人所定"},
			{Code: work.ReasonLevel, Text: "红色·重大隐患由二级网格办理"},
		}
	}
	h.Grading = grading()
	h.Rectifications = []hazard.Rectification{{Evidence: "e", Photos: []string{"r1"}, At: base, By: "m-1"}}
	h.Attachments = []attachment.Attachment{{ID: "1", Kind: attachment.Photo, Type: attachment.JPEG, Size: 10, Sum: attachment.Sum{7}, AddedAt: base, AddedBy: "m-1"}}
	first := sealHazard(h, hazard.ActionReported)
	want := h.Clone()
	got, err := s.Create(ctx, h, []timeline.Event{first}, work.IdempotencyKey{})
	require.NoError(t, err)
	h.Contact, h.Photos[0], h.Rectifications[0].Photos[0], h.Grading[0].Text = "in", "in", "in", "in"
	got.Contact, got.Photos[0], got.Rectifications[0].Evidence, got.Grading[1].Grade = "out", "out", "out", work.Simple
	read, err := s.Get(ctx, want.ID)
	require.NoError(t, err)
	read.Contact, read.Rectifications[0].Photos[0], read.Attachments[0].AddedBy, read.Grading[2].Code = "get", "get", "get", "get"
	updated, err := s.Update(ctx, want.ID, 0, func(*hazard.Hazard) ([]timeline.Event, error) { return nil, nil })
	require.NoError(t, err)
	updated.Contact, updated.Photos, updated.Grading[0].Text = "update", append(updated.Photos, "update"), "update"
	page, err := s.List(ctx, hazard.Filter{Township: "gucheng", Within: []grid.Path{grid.RootPath("gucheng")}})
	require.NoError(t, err)
	require.Len(t, page.Hazards, 1)
	page.Hazards[0].Contact, page.Hazards[0].Grading[1].Text = "list", "list"

	stored, err := s.Get(ctx, want.ID)
	require.NoError(t, err)
	want.Version = 2
	same(t, want, stored)
	same(t, grading(), stored.Grading, "the reasons as given")
}

// hazardsList: a walk through List's pages of a subtree sees each of its
// hazards once, newest first, and none of another township's; and a
// Filter by state selects that state only.
func hazardsList(t *testing.T, s hazard.Store) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 5))
	cells := []grid.CellID{"mayuan-1", "wuguiqiao-1", "lz-qiaotou-1"}
	for i := range 60 {
		h := randomHazard(rng, i, demo.Path(cells[i%3]))
		_, err := s.Create(ctx, h, nil, work.IdempotencyKey{})
		require.NoError(t, err)
	}
	f := hazard.Filter{Township: "gucheng", Within: []grid.Path{demo.Path("gc-east")}, Limit: 15}
	var ids []hazard.ID
	for {
		page, err := s.List(ctx, f)
		require.NoError(t, err)
		for _, h := range page.Hazards {
			ids = append(ids, h.ID)
		}
		if page.Next == "" {
			break
		}
		f.Before = page.Next
	}
	assert.Len(t, ids, 40)
	for i := 1; i < len(ids); i++ {
		assert.Greater(t, ids[i-1], ids[i])
	}
	page, err := s.List(ctx, hazard.Filter{Township: "gucheng", Within: []grid.Path{demo.Path("mayuan")}, OverdueAt: base.Add(200 * 24 * time.Hour), States: []hazard.State{hazard.Open}})
	require.NoError(t, err)
	for _, h := range page.Hazards {
		assert.Equal(t, hazard.Open, h.State)
	}
}
