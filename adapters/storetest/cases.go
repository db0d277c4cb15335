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
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// Search runs the tests of searching and filtering a list alone: for a
// store that searches in more than one way, each way may be tested.
func Search(t *testing.T, newStore func(t *testing.T) mediation.Store) {
	t.Run("search", func(t *testing.T) { searchCases(t, newStore(t)) })
	t.Run("list agrees with Filter.Matches", func(t *testing.T) { listMatches(t, newStore(t)) })
}

// Cases checks a mediation.Store: a case is kept whole and is the caller's
// to change once handed over or out, a duplicate or a retry stores nothing
// twice, updates are versioned, serialized and all or none, each case's
// timeline stays one chain, a canceled context stops every method, cases
// are numbered per township and year without gap or repeat, however many
// are created at once, and found by number, by an applicant's phone and,
// as NearbyQuery.Nearby says, as the possible duplicates of one case or of
// many at once (the Service's candidates of many being each one's alone),
// and List selects, searches (see Search), orders and pages by its
// Filter. newStore returns a fresh, empty store each time it is called.
func Cases(t *testing.T, newStore func(t *testing.T) mediation.Store) {
	t.Run("create and get", func(t *testing.T) { casesCreateAndGet(t, newStore(t)) })
	t.Run("every field survives", func(t *testing.T) { casesEveryFieldSurvives(t, newStore(t)) })
	t.Run("copies are the caller's", func(t *testing.T) { casesCopiesAreTheCallers(t, newStore(t)) })
	t.Run("not found", func(t *testing.T) { casesNotFound(t, newStore(t)) })
	t.Run("duplicate ID or tracking code", func(t *testing.T) { casesDuplicates(t, newStore(t)) })
	t.Run("idempotency", func(t *testing.T) { casesIdempotency(t, newStore(t)) })
	t.Run("concurrent retries under one key", func(t *testing.T) { casesConcurrentRetries(t, newStore(t)) })
	t.Run("update", func(t *testing.T) { casesUpdate(t, newStore(t)) })
	t.Run("update that fails stores nothing", func(t *testing.T) { casesUpdateThatFails(t, newStore(t)) })
	t.Run("stale version", func(t *testing.T) { casesStaleVersion(t, newStore(t)) })
	t.Run("timeline", func(t *testing.T) { casesTimeline(t, newStore(t)) })
	t.Run("concurrent writers", func(t *testing.T) { casesConcurrentWriters(t, newStore(t)) })
	t.Run("canceled context", func(t *testing.T) { casesCanceledContext(t, newStore(t)) })
	t.Run("numbers", func(t *testing.T) { casesNumbers(t, newStore(t)) })
	t.Run("concurrent numbers", func(t *testing.T) { casesConcurrentNumbers(t, newStore(t)) })
	t.Run("numbers not used up", func(t *testing.T) { casesNumbersNotUsedUp(t, newStore(t)) })
	t.Run("by applicant phone", func(t *testing.T) { casesByApplicantPhone(t, newStore(t)) })
	t.Run("nearby", func(t *testing.T) { casesNearby(t, newStore(t)) })
	t.Run("nearby agrees with NearbyQuery.Nearby", func(t *testing.T) { nearbyAgrees(t, newStore(t)) })
	t.Run("duplicates of many agree with each alone", func(t *testing.T) { duplicatesEachAgrees(t, newStore(t)) })
	t.Run("list", func(t *testing.T) { listFilters(t, newStore(t)) })
	t.Run("list paging", func(t *testing.T) { listPaging(t, newStore(t)) })
	t.Run("list paging under inserts", func(t *testing.T) { listUnderInserts(t, newStore(t)) })
	t.Run("list invalid filter", func(t *testing.T) { listInvalidFilter(t, newStore(t)) })
	Search(t, newStore)
}

// casesCreateAndGet: Create returns the case as given, and Get and
// GetByTrackingCode return the same.
func casesCreateAndGet(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	c, events := newCase(1, "mayuan-1", base)
	want := c.Clone()
	want.Number.Seq = 1 // the store's to give
	got, err := s.Create(ctx, c, events, work.IdempotencyKey{})
	require.NoError(t, err)
	same(t, want, got, "Create")
	stored, err := s.Get(ctx, c.ID)
	require.NoError(t, err)
	same(t, want, stored, "Get")
	byCode, err := s.GetByTrackingCode(ctx, c.TrackingCode)
	require.NoError(t, err)
	same(t, want, byCode, "GetByTrackingCode")
}

// casesEveryFieldSurvives: a case with every field set, nested records
// and times to the nanosecond included, reads back exactly as it was
// created, and again after an Update writes it anew; the update function
// is given the case exactly as stored.
func casesEveryFieldSurvives(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	c, events := fullCase(1)
	want := c.Clone()
	want.Number.Seq = 1
	create(t, s, c, events)
	got, err := s.Get(ctx, c.ID)
	require.NoError(t, err)
	same(t, want, got, "after Create")
	updated, err := s.Update(ctx, c.ID, 1, func(c *mediation.Case) ([]timeline.Event, error) {
		same(t, want, c, "fn sees the stored case")
		c.Facts = "补充"
		return nil, nil
	})
	require.NoError(t, err)
	want.Facts, want.Version = "补充", 2
	same(t, want, updated, "Update returns the case it stored")
	got, err = s.Get(ctx, c.ID)
	require.NoError(t, err)
	same(t, want, got, "after Update")
}

// casesCopiesAreTheCallers: a store keeps no part of what it is given or
// hands out. Changing a case or events after passing them to Create, or
// any case returned by Create, Get, GetByTrackingCode, Update or List, or
// the events returned by Events, changes nothing stored.
func casesCopiesAreTheCallers(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	c, events := fullCase(1)
	want, _ := fullCase(1) // made anew, so that it shares nothing even with a Clone that shares too much
	want.Number.Seq = 1
	got := create(t, s, c, events)
	c.Facts, c.Claims[0].Amount, c.Sessions[0].Attendees[0] = "in", 1, "in"
	c.Respondents[0].Agents = append(c.Respondents[0].Agents, mediation.Agent{Name: "in"})
	c.Applicants[0].Agents[0].Name = "in"
	got.Facts, got.Applicants[0].Name, got.Agreement.Payments[0].Amount = "out", "out", 1
	got.Applicants[0].Agents[0].Phone, got.Agreement.Parties[0].Agents[0].Name = "out", "out"
	got.Claims = append(got.Claims, mediation.Claim{Description: "more"})
	events[0].Details["k"], events[0].Action = "in", "in"
	read, err := s.Get(ctx, want.ID)
	require.NoError(t, err)
	read.Team[0].Name, read.Agreement.Signatures[0].Party = "get", "get"
	read.Draft.Parties[0].Agents[0].Name, read.Superseded[0].Payments[0].Amount = "get", 2
	read.Respondents = append(read.Respondents[:0], mediation.Party{Name: "get"})
	read.Applicants[0].Agents[0].Powers = "get"
	byCode, err := s.GetByTrackingCode(ctx, want.TrackingCode)
	require.NoError(t, err)
	byCode.Escalation.Reason = "code"
	updated, err := s.Update(ctx, want.ID, 0, noop)
	require.NoError(t, err)
	updated.Sessions[1].Notes, updated.FollowUps[0].Notes, updated.Rights[0].By = "update", "update", "update"
	updated.Attachments[0].AddedBy = "update"
	page, err := s.List(ctx, mediation.Filter{Township: "gucheng", Within: []grid.Path{grid.RootPath("gucheng")}})
	require.NoError(t, err)
	require.Len(t, page.Cases, 1)
	page.Cases[0].Extensions[0].Reason = "list"
	evs, err := s.Events(ctx, want.ID)
	require.NoError(t, err)
	evs[0].Details["k"], evs[1].Action = "events", "events"

	stored, err := s.Get(ctx, want.ID)
	require.NoError(t, err)
	want.Version = 2
	same(t, want, stored)
	evs, err = s.Events(ctx, want.ID)
	require.NoError(t, err)
	require.Len(t, evs, 2)
	assert.Equal(t, "registered", evs[0].Details["k"])
	assert.Equal(t, mediation.ActionAgreement, evs[1].Action)
	assert.NoError(t, timeline.Verify(string(want.ID), evs, stored.Chain))
}

// casesNotFound: Get, GetByTrackingCode (an empty code included), Events
// and Update of a case not stored return a NotFound error, and Update does
// not call its function.
func casesNotFound(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	c, events := newCase(1, "mayuan-1", base)
	create(t, s, c, events)
	_, err := s.Get(ctx, caseID(2))
	requireCode(t, err, fourplusn.NotFound)
	_, err = s.GetByTrackingCode(ctx, "T99999999")
	requireCode(t, err, fourplusn.NotFound)
	_, err = s.GetByTrackingCode(ctx, "")
	requireCode(t, err, fourplusn.NotFound)
	_, err = s.Events(ctx, caseID(2))
	requireCode(t, err, fourplusn.NotFound)
	called := false
	_, err = s.Update(ctx, caseID(2), 0, func(*mediation.Case) ([]timeline.Event, error) {
		called = true
		return nil, nil
	})
	requireCode(t, err, fourplusn.NotFound)
	assert.False(t, called, "fn must not run for a missing case")
}

// casesDuplicates: Create refuses a case whose ID or tracking code is
// taken with a Conflict error, and stores nothing of it, neither the case
// nor its events; the case that held them is unchanged.
func casesDuplicates(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	c, events := newCase(1, "mayuan-1", base)
	want := create(t, s, c, events)
	dupID, events := newCase(2, "mayuan-2", base)
	dupID.ID = c.ID
	_, err := s.Create(ctx, dupID, events, work.IdempotencyKey{})
	requireCode(t, err, fourplusn.Conflict, "a taken ID")
	dupCode, events := newCase(3, "mayuan-2", base)
	dupCode.TrackingCode = c.TrackingCode
	_, err = s.Create(ctx, dupCode, events, work.IdempotencyKey{})
	requireCode(t, err, fourplusn.Conflict, "a taken tracking code")
	_, err = s.Get(ctx, caseID(3))
	requireCode(t, err, fourplusn.NotFound)
	stored, err := s.Get(ctx, c.ID)
	require.NoError(t, err)
	same(t, want, stored)
	evs, err := s.Events(ctx, c.ID)
	require.NoError(t, err)
	assert.Len(t, evs, 1)
	assert.NoError(t, timeline.Verify(string(c.ID), evs, stored.Chain))
}

// casesIdempotency: a Create retried under the same idempotency key and
// fingerprint returns the first case and stores nothing, whatever ID and
// tracking code the retry carries; the key reused with another
// fingerprint is a Conflict; keys are scoped to their actor; and without
// a key nothing is deduplicated.
func casesIdempotency(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	key := work.IdempotencyKey{Scope: "m-1", Key: "k", Fingerprint: "f1"}
	c1, e1 := newCase(1, "mayuan-1", base)
	first, err := s.Create(ctx, c1, e1, key)
	require.NoError(t, err)
	// A retry, which the Service gives a fresh ID and tracking code.
	c2, e2 := newCase(2, "mayuan-1", base)
	again, err := s.Create(ctx, c2, e2, key)
	require.NoError(t, err)
	same(t, first, again, "a retry returns the first case")
	_, err = s.Get(ctx, caseID(2))
	requireCode(t, err, fourplusn.NotFound, "a retry stores nothing")
	_, err = s.GetByTrackingCode(ctx, "T00000002")
	requireCode(t, err, fourplusn.NotFound)
	// A retry that reuses the first ID is a retry all the same.
	c1b, e1b := newCase(1, "mayuan-1", base)
	again, err = s.Create(ctx, c1b, e1b, key)
	require.NoError(t, err)
	same(t, first, again, "a retry with the first ID")
	other := key
	other.Fingerprint = "f2"
	c3, e3 := newCase(3, "mayuan-1", base)
	_, err = s.Create(ctx, c3, e3, other)
	requireCode(t, err, fourplusn.Conflict, "the key was reused for another request")
	_, err = s.Get(ctx, caseID(3))
	requireCode(t, err, fourplusn.NotFound)
	scoped := key
	scoped.Scope = "m-2"
	c4, e4 := newCase(4, "mayuan-1", base)
	got, err := s.Create(ctx, c4, e4, scoped)
	require.NoError(t, err)
	assert.Equal(t, caseID(4), got.ID, "keys are scoped to their actor")
	c5, e5 := newCase(5, "mayuan-1", base)
	create(t, s, c5, e5)
	c6, e6 := newCase(6, "mayuan-1", base)
	create(t, s, c6, e6)
	page, err := s.List(ctx, mediation.Filter{Township: "gucheng", Within: []grid.Path{grid.RootPath("gucheng")}})
	require.NoError(t, err)
	assert.Equal(t, []mediation.ID{caseID(6), caseID(5), caseID(4), caseID(1)}, ids(page.Cases), "without a key, nothing is deduplicated")
	evs, err := s.Events(ctx, caseID(1))
	require.NoError(t, err)
	assert.Len(t, evs, 1, "the retries added no events")
}

// casesConcurrentRetries: of many Creates at once under one key, every one
// succeeds and returns the one case stored, which is numbered 1: the
// retries that lost the race took no number.
func casesConcurrentRetries(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	const n = 20
	key := work.IdempotencyKey{Scope: "m-1", Key: "k", Fingerprint: "f"}
	got := make([]*mediation.Case, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		c, events := newCase(i+1, "mayuan-1", base)
		wg.Go(func() { got[i], errs[i] = s.Create(ctx, c, events, key) })
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i], "retry %d", i)
	}
	for i := range n {
		assert.Equal(t, got[0].ID, got[i].ID, "every retry returns the one case created")
	}
	assert.Equal(t, 1, got[0].Number.Seq, "no retry took a number")
	c, events := newCase(n+1, "mayuan-1", base)
	assert.Equal(t, 2, create(t, s, c, events).Number.Seq, "the next case takes the next number")
	page, err := s.List(ctx, mediation.Filter{Township: "gucheng", Within: []grid.Path{grid.RootPath("gucheng")}})
	require.NoError(t, err)
	assert.Equal(t, []mediation.ID{c.ID, got[0].ID}, ids(page.Cases), "one case stored by the retries")
}

// casesUpdate: Update gives its function the stored case, stores what the
// function made of it with the version raised by one, and returns what it
// stored; version 0 skips the version check and updates the latest.
func casesUpdate(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	c, events := newCase(1, "mayuan-1", base)
	want := create(t, s, c, events)
	var seen *mediation.Case
	got, err := s.Update(ctx, c.ID, 1, func(c *mediation.Case) ([]timeline.Event, error) {
		seen = c.Clone()
		c.State, c.AcceptedAt, c.AcceptedBy = mediation.Accepted, base.Add(time.Hour), "m-2"
		c.ResolveDue = c.AcceptedAt.Add(15 * 24 * time.Hour)
		c.Team = append(c.Team, mediation.Participant{Department: "police", Name: "民警"})
		return []timeline.Event{seal(c, mediation.ActionAccepted, base.Add(time.Hour))}, nil
	})
	require.NoError(t, err)
	same(t, want, seen, "fn sees the stored case")
	assert.Equal(t, int64(2), got.Version, "the store raises the version")
	assert.Equal(t, mediation.Accepted, got.State)
	stored, err := s.Get(ctx, c.ID)
	require.NoError(t, err)
	same(t, got, stored, "Update returns what it stored")
	got, err = s.Update(ctx, c.ID, 0, func(c *mediation.Case) ([]timeline.Event, error) {
		assert.Equal(t, int64(2), c.Version, "version 0 updates the latest")
		c.State = mediation.Mediating
		return []timeline.Event{seal(c, mediation.ActionSession, base.Add(2*time.Hour)), seal(c, mediation.ActionJoined, base.Add(2*time.Hour))}, nil
	})
	require.NoError(t, err)
	assert.Equal(t, int64(3), got.Version)
	stored, err = s.Get(ctx, c.ID)
	require.NoError(t, err)
	same(t, got, stored, "Update returns what it stored")
	assert.Equal(t, "m-2", stored.AcceptedBy, "earlier changes stay")
}

// casesUpdateThatFails: when Update's function returns an error, Update
// returns that error as it is and no case, and stores nothing of what the
// function changed: not the case, not its events, not a new version.
func casesUpdateThatFails(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	c, events := fullCase(1)
	want := create(t, s, c, events)
	boom := errors.New("refused")
	got, err := s.Update(ctx, c.ID, 1, func(c *mediation.Case) ([]timeline.Event, error) {
		c.Facts, c.State = "half-written", mediation.Closed
		c.Claims[0].Amount = 1
		c.Team = nil
		return []timeline.Event{seal(c, mediation.ActionClosed, base)}, boom
	})
	require.ErrorIs(t, err, boom, "fn's error is returned as it is")
	assert.Nil(t, got)
	stored, err := s.Get(ctx, c.ID)
	require.NoError(t, err)
	same(t, want, stored)
	evs, err := s.Events(ctx, c.ID)
	require.NoError(t, err)
	assert.Len(t, evs, 2)
	_, err = s.Update(ctx, c.ID, 1, noop)
	assert.NoError(t, err, "a failed update does not use up the version")
}

// casesStaleVersion: Update with a version other than the stored one (and
// other than 0) is a Conflict, does not call its function and stores
// nothing.
func casesStaleVersion(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	c, events := newCase(1, "mayuan-1", base)
	create(t, s, c, events)
	_, err := s.Update(ctx, c.ID, 1, noop)
	require.NoError(t, err)
	for _, v := range []int64{1, 3, -1} {
		called := false
		_, err = s.Update(ctx, c.ID, v, func(*mediation.Case) ([]timeline.Event, error) {
			called = true
			return nil, nil
		})
		requireCode(t, err, fourplusn.Conflict, "version %d", v)
		assert.False(t, called, "fn must not run on a stale version")
	}
	stored, err := s.Get(ctx, c.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(2), stored.Version)
}

// casesTimeline: Events returns a case's events in order, exactly as they
// were sealed by Create and each Update (one with none, one with several),
// and they verify against the case's chain; another case's timeline is
// its own.
func casesTimeline(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	c, events := newCase(1, "mayuan-1", base)
	want := cloneEvents(events)
	create(t, s, c, events)
	steps := [][]timeline.Action{{mediation.ActionAccepted}, nil, {mediation.ActionSession, mediation.ActionJoined, mediation.ActionExtended}, {mediation.ActionAgreement}}
	for i, actions := range steps {
		_, err := s.Update(ctx, c.ID, 0, func(c *mediation.Case) ([]timeline.Event, error) {
			var out []timeline.Event
			for _, a := range actions {
				at := base.Add(time.Duration(i+1) * time.Hour)
				if a == mediation.ActionJoined {
					// An event without details, which the timeline
					// holds the same as one with empty details.
					var e timeline.Event
					e, c.Chain = c.Chain.Append(timeline.Event{Subject: string(c.ID), At: at, Actor: "m-2", Action: a, Channel: "wecom"})
					out = append(out, e)
					continue
				}
				out = append(out, seal(c, a, at))
			}
			want = append(want, cloneEvents(out)...)
			return out, nil
		})
		require.NoError(t, err)
	}
	stored, err := s.Get(ctx, c.ID)
	require.NoError(t, err)
	evs, err := s.Events(ctx, c.ID)
	require.NoError(t, err)
	same(t, normalEvents(want), normalEvents(evs), "the events in order, as sealed")
	assert.Equal(t, int64(len(want)), stored.Chain.Len)
	assert.NoError(t, timeline.Verify(string(c.ID), evs, stored.Chain), "stored events verify against the case's chain")
	d, devents := newCase(2, "mayuan-1", base)
	create(t, s, d, devents)
	evs, err = s.Events(ctx, d.ID)
	require.NoError(t, err)
	same(t, normalEvents(devents), normalEvents(evs), "another case's timeline is its own")
}

// casesConcurrentWriters: of many Updates at once on one version, exactly
// one wins and every other gets a Conflict, never a lock error;
// unversioned Updates at once are serialized, every one stored and none
// lost; the timeline stays one unbroken chain; and reads beside the
// writers never fail.
func casesConcurrentWriters(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	c, events := newCase(1, "mayuan-1", base)
	create(t, s, c, events)
	const writers = 50
	run := func(version int64) []error {
		errs := make([]error, writers)
		readErrs := make([]error, writers)
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() {
				_, errs[i] = s.Update(ctx, c.ID, version, func(c *mediation.Case) ([]timeline.Event, error) {
					c.Claims = append(c.Claims, mediation.Claim{Description: fmt.Sprint("claim ", i)})
					return []timeline.Event{seal(c, "claimed", base.Add(time.Duration(i)))}, nil
				})
			})
			// Readers alongside the writers.
			wg.Go(func() {
				if _, err := s.Get(ctx, c.ID); err != nil {
					readErrs[i] = err
					return
				}
				if _, err := s.Events(ctx, c.ID); err != nil {
					readErrs[i] = err
					return
				}
				_, readErrs[i] = s.List(ctx, mediation.Filter{Township: "gucheng", Within: []grid.Path{demo.Path("mayuan")}})
			})
		}
		wg.Wait()
		for _, err := range readErrs {
			assert.NoError(t, err, "a read beside the writers")
		}
		return errs
	}
	// Everyone holds version 1.
	wins := 0
	for _, err := range run(1) {
		if err == nil {
			wins++
			continue
		}
		assert.Truef(t, errors.Is(err, fourplusn.Conflict), "a loser gets a Conflict, got %v", err)
	}
	assert.Equal(t, 1, wins, "exactly one writer wins version 1")
	// Now all at once without a version.
	for _, err := range run(0) {
		assert.NoError(t, err, "an unversioned update")
	}
	stored, err := s.Get(ctx, c.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(2+writers), stored.Version)
	require.Len(t, stored.Claims, 2+writers, "no update lost")
	seen := map[string]bool{}
	for _, cl := range stored.Claims[2:] {
		seen[cl.Description] = true
	}
	assert.Len(t, seen, writers, "each writer's change is there once")
	evs, err := s.Events(ctx, c.ID)
	require.NoError(t, err)
	assert.Len(t, evs, 2+writers)
	assert.NoError(t, timeline.Verify(string(c.ID), evs, stored.Chain), "the timeline is one unbroken chain")
}

// casesCanceledContext: every method given a canceled context returns an
// error that is context.Canceled, and a canceled Create or Update stores
// nothing.
func casesCanceledContext(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	c, events := newCase(1, "mayuan-1", base)
	create(t, s, c, events)
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	d, devents := newCase(2, "mayuan-1", base)
	_, err := s.Create(canceled, d, devents, work.IdempotencyKey{})
	assert.ErrorIs(t, err, context.Canceled, "Create")
	_, err = s.Get(canceled, c.ID)
	assert.ErrorIs(t, err, context.Canceled, "Get")
	_, err = s.GetByTrackingCode(canceled, c.TrackingCode)
	assert.ErrorIs(t, err, context.Canceled, "GetByTrackingCode")
	_, err = s.Update(canceled, c.ID, 0, noop)
	assert.ErrorIs(t, err, context.Canceled, "Update")
	_, err = s.List(canceled, mediation.Filter{Township: "gucheng", Within: []grid.Path{grid.RootPath("gucheng")}})
	assert.ErrorIs(t, err, context.Canceled, "List")
	_, err = s.Events(canceled, c.ID)
	assert.ErrorIs(t, err, context.Canceled, "Events")
	_, err = s.Get(ctx, d.ID)
	requireCode(t, err, fourplusn.NotFound, "a canceled Create stores nothing")
	stored, err := s.Get(ctx, c.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(1), stored.Version, "a canceled Update stores nothing")
}
