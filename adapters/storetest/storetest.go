// Package storetest is the conformance suite for fourplusn's stores. An
// integrator who writes their own storage adapter runs it against their
// implementation, the way testing/fstest checks a file system:
//
//	func TestConformance(t *testing.T) {
//		storetest.Cases(t, func(t *testing.T) mediation.Store { return mystore.New(t) })
//		storetest.Stats(t, func(t *testing.T) storetest.Stores {
//			db := mystore.New(t)
//			return storetest.Stores{Cases: db.Cases(), Hazards: db.Hazards(), Source: db.Stats()}
//		})
//		storetest.Indicators(t, func(t *testing.T) stats.Indicators { return mystore.NewIndicators(t) })
//	}
//
// Each function checks every method's contract in subtests of its own.
// Cases, Hazards and Indicators call their constructor for a fresh, empty
// store in each subtest; Stats fills one set of stores and then queries it
// in a subtest per measure. The suite uses only the stores' interfaces and
// builds its records as the Service would, with timelines sealed on real
// chains and cells of the demo grid (grid/gridtest), so that it tests a
// store as the Service uses it, whatever the store is built on.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
)

var demo = gridtest.Gucheng()

// base is the time the suite's records begin at. Its nanoseconds make sure
// a store keeps Go's precision.
var base = time.Date(2023, 3, 1, 1, 0, 0, 123456789, time.UTC)

// caseID is the ID of the suite's case n; IDs sort as n does.
func caseID(n int) mediation.ID { return mediation.ID(fmt.Sprintf("C%08d", n)) }

// newCase returns a registered case n at a cell of the demo grid,
// registered at at, with its first event sealed on the case's chain.
func newCase(n int, cell grid.CellID, at time.Time) (*mediation.Case, []timeline.Event) {
	return newCaseAt(n, demo.Path(cell), at)
}

// newCaseAt is newCase at any path.
func newCaseAt(n int, path grid.Path, at time.Time) (*mediation.Case, []timeline.Event) {
	c := &mediation.Case{
		ID: caseID(n), TrackingCode: fmt.Sprintf("T%08d", n), Version: 1,
		Township: path.Township(), Channel: mediation.ChannelScreening, Category: mediation.Neighbour,
		Applicants:  []mediation.Party{{Name: "甲某", Phone: "13900000001"}},
		Respondents: []mediation.Party{{Name: "乙某"}},
		Claims:      []mediation.Claim{{Description: "排水沟", Amount: 100}},
		Facts:       "邻里纠纷", Grade: mediation.Simple, Location: path, Handling: path,
		FirstResponder: "m-1", FirstResponderCell: path, State: mediation.Registered,
		RegisteredAt: at, AcceptDue: at.Add(24 * time.Hour),
	}
	return c, []timeline.Event{seal(c, "registered", at)}
}

// seal appends an event to c's chain, as the Service does when it changes
// a case, and returns it.
func seal(c *mediation.Case, action string, at time.Time) timeline.Event {
	var e timeline.Event
	e, c.Chain = c.Chain.Append(timeline.Event{Subject: string(c.ID), At: at, Actor: "m-1", Action: action, Details: map[string]string{"k": action}})
	return e
}

// fullCase returns case n with every field set, nested records included,
// to show that a store keeps all of a case.
func fullCase(n int) (*mediation.Case, []timeline.Event) {
	c, events := newCase(n, "mayuan-1-zhang", base)
	at := func(h int) time.Time { return base.Add(time.Duration(h)*time.Hour + time.Duration(n)) }
	party := mediation.Party{Name: "章某某", Sex: mediation.Male, Age: 61, Phone: "13900000002", IDCard: "11010519491231002X", Address: "马园一组"}
	c.ReferredBy = "法院"
	c.Applicants = []mediation.Party{party, {Name: "章某", Sex: mediation.Female, Phone: "13900000003"}}
	c.Respondents = []mediation.Party{{Name: "李某某", Address: "马园一组"}}
	c.Claims = []mediation.Claim{{Description: "赔偿", Amount: 120_000}, {Description: "道歉"}}
	c.Risks = mediation.PetitionThreat | mediation.LikelyFight
	c.Grade = mediation.Major
	c.Hazard = "H00000009"
	c.Handling = demo.Path("mayuan")
	c.FirstResponder, c.FirstResponderCell, c.Applicant = "mayuan-1-head", demo.Path("mayuan-1"), "r-9"
	c.State = mediation.Agreed
	c.AcceptedAt, c.AcceptedBy, c.ResolvedAt, c.ClosedAt = at(2), "gc-mediator", at(50), at(90)
	c.AcceptDue, c.ResolveDue = at(24), at(24*15)
	c.Escalation = &mediation.Escalation{From: "/gucheng/gc-east/mayuan", To: "/gucheng", Reason: "重大", By: "system", At: at(30)}
	c.Escalations, c.Transfers = 2, 1
	c.Extensions = []mediation.Extension{{Days: 7, Reason: "鉴定", Consent: true, At: at(40)}}
	c.Team = []mediation.Participant{
		{Department: "police", MemberID: "mayuan-police", Name: "马园民警", Role: "民警"},
		{Department: "partner", Body: "土地所", Name: "郑某"},
	}
	c.Sessions = []mediation.Session{
		{At: at(10), Place: mediation.PlaceField, PlaceNote: "田间", Attendees: []string{"章某某", "李某某"}, Notes: "n", Outcome: mediation.Progress, By: "gc-mediator"},
		{At: at(20), Place: mediation.PlaceVillageCommittee, Outcome: mediation.Settled, By: "gc-mediator"},
	}
	c.Agreement = &mediation.Agreement{
		Form: mediation.Written, Number: "古调字〔2023〕第12号", Parties: []mediation.Party{party}, Facts: "f", Disputes: "d",
		Responsibilities: "r", Payments: []mediation.Payment{{Payer: "李某某", Payee: "章某某", Amount: 50_000, Due: at(200)}},
		Terms: "t", Manner: "m", Place: "p", PerformBy: at(300),
		Signatures: []mediation.Signature{{Party: "章某某", Mark: mediation.Signed, At: at(50)}},
		Mediator:   "孙某", MediatorSignedAt: at(50), Committee: "古城调委会", Sealed: true, RecordedBy: "gc-mediator", EffectiveAt: at(50),
	}
	c.Failure = &mediation.Failure{Reason: "x", Route: mediation.RouteLitigation}
	c.Rejection = &mediation.Rejection{Reason: "r", Advice: "a"}
	c.Withdrawal = "w"
	c.TransferOut = &mediation.OutsideBody{Name: "法院", Contact: "c", Reason: "r"}
	c.FollowUps = []mediation.FollowUp{{At: at(100), By: "mayuan-1-head", Performed: true, Notes: "ok"}}
	c.Outside = ""
	events = append(events, seal(c, "agreed", at(50)))
	return c, events
}

// create stores c and its events, failing the test if the store refuses.
func create(t *testing.T, s mediation.Store, c *mediation.Case, events []timeline.Event) *mediation.Case {
	t.Helper()
	got, err := s.Create(context.Background(), c, events, mediation.IdempotencyKey{})
	require.NoError(t, err)
	return got
}

// requireCode fails the test unless err carries code.
func requireCode(t *testing.T, err error, code fourplusn.Code, msgAndArgs ...any) {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	require.Truef(t, errors.Is(err, code), "want a %s error, got %v (%s)", code, err, fourplusn.ErrorCode(err))
}

// normalEvents returns events with empty Details as nil: the timeline
// holds the two the same.
func normalEvents(events []timeline.Event) []timeline.Event {
	out := slices.Clone(events)
	for i := range out {
		if len(out[i].Details) == 0 {
			out[i].Details = nil
		}
	}
	return out
}

// noop is an update that changes nothing but the version.
func noop(*mediation.Case) ([]timeline.Event, error) { return nil, nil }

// Cases checks a mediation.Store.
func Cases(t *testing.T, newStore func(t *testing.T) mediation.Store) {
	ctx := context.Background()

	t.Run("create and get", func(t *testing.T) {
		s := newStore(t)
		c, events := newCase(1, "mayuan-1", base)
		want := c.Clone()
		got, err := s.Create(ctx, c, events, mediation.IdempotencyKey{})
		require.NoError(t, err)
		assert.Equal(t, want, got)
		stored, err := s.Get(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, want, stored)
		byCode, err := s.GetByTrackingCode(ctx, c.TrackingCode)
		require.NoError(t, err)
		assert.Equal(t, want, byCode)
	})

	t.Run("every field survives", func(t *testing.T) {
		s := newStore(t)
		c, events := fullCase(1)
		want := c.Clone()
		create(t, s, c, events)
		got, err := s.Get(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, want, got)
		// And through an update, which writes the case anew.
		updated, err := s.Update(ctx, c.ID, 1, func(c *mediation.Case) ([]timeline.Event, error) {
			assert.Equal(t, want, c, "fn sees the stored case")
			c.Facts = "补充"
			return nil, nil
		})
		require.NoError(t, err)
		want.Facts, want.Version = "补充", 2
		assert.Equal(t, want, updated)
		got, err = s.Get(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	})

	t.Run("copies are the caller's", func(t *testing.T) {
		s := newStore(t)
		c, events := fullCase(1)
		want := c.Clone()
		got := create(t, s, c, events)
		// Changing what was passed in, or any case handed out, changes
		// nothing stored.
		c.Facts, c.Claims[0].Amount, c.Sessions[0].Attendees[0] = "in", 1, "in"
		got.Facts, got.Applicants[0].Name, got.Agreement.Payments[0].Amount = "out", "out", 1
		got.Claims = append(got.Claims, mediation.Claim{Description: "more"})
		events[0].Details["k"], events[0].Action = "in", "in"
		read, err := s.Get(ctx, want.ID)
		require.NoError(t, err)
		read.Team[0].Name, read.Agreement.Signatures[0].Party = "get", "get"
		byCode, err := s.GetByTrackingCode(ctx, want.TrackingCode)
		require.NoError(t, err)
		byCode.Escalation.Reason = "code"
		updated, err := s.Update(ctx, want.ID, 0, noop)
		require.NoError(t, err)
		updated.Sessions[1].Notes, updated.FollowUps[0].Notes = "update", "update"
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
		assert.Equal(t, want, stored)
		evs, err = s.Events(ctx, want.ID)
		require.NoError(t, err)
		require.Len(t, evs, 2)
		assert.Equal(t, "registered", evs[0].Details["k"])
		assert.Equal(t, "agreed", evs[1].Action)
		assert.NoError(t, timeline.Verify(string(want.ID), evs, stored.Chain))
	})

	t.Run("not found", func(t *testing.T) {
		s := newStore(t)
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
	})

	t.Run("duplicate ID or tracking code", func(t *testing.T) {
		s := newStore(t)
		c, events := newCase(1, "mayuan-1", base)
		want := create(t, s, c, events)
		dupID, events := newCase(2, "mayuan-2", base)
		dupID.ID = c.ID
		_, err := s.Create(ctx, dupID, events, mediation.IdempotencyKey{})
		requireCode(t, err, fourplusn.Conflict, "a taken ID")
		dupCode, events := newCase(3, "mayuan-2", base)
		dupCode.TrackingCode = c.TrackingCode
		_, err = s.Create(ctx, dupCode, events, mediation.IdempotencyKey{})
		requireCode(t, err, fourplusn.Conflict, "a taken tracking code")
		// Neither refused Create stored anything: not the case, not its
		// events.
		_, err = s.Get(ctx, caseID(3))
		requireCode(t, err, fourplusn.NotFound)
		stored, err := s.Get(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, want, stored)
		evs, err := s.Events(ctx, c.ID)
		require.NoError(t, err)
		assert.Len(t, evs, 1)
		assert.NoError(t, timeline.Verify(string(c.ID), evs, stored.Chain))
	})

	t.Run("idempotency", func(t *testing.T) {
		s := newStore(t)
		key := mediation.IdempotencyKey{Scope: "m-1", Key: "k", Fingerprint: "f1"}
		c1, e1 := newCase(1, "mayuan-1", base)
		first, err := s.Create(ctx, c1, e1, key)
		require.NoError(t, err)
		// A retry, which the Service gives a fresh ID and tracking code,
		// returns the first case and stores nothing.
		c2, e2 := newCase(2, "mayuan-1", base)
		again, err := s.Create(ctx, c2, e2, key)
		require.NoError(t, err)
		assert.Equal(t, first, again, "a retry returns the first case")
		_, err = s.Get(ctx, caseID(2))
		requireCode(t, err, fourplusn.NotFound, "a retry stores nothing")
		_, err = s.GetByTrackingCode(ctx, "T00000002")
		requireCode(t, err, fourplusn.NotFound)
		// A retry that reuses the first ID is a retry all the same.
		c1b, e1b := newCase(1, "mayuan-1", base)
		again, err = s.Create(ctx, c1b, e1b, key)
		require.NoError(t, err)
		assert.Equal(t, first, again)
		// The key reused for another request.
		other := key
		other.Fingerprint = "f2"
		c3, e3 := newCase(3, "mayuan-1", base)
		_, err = s.Create(ctx, c3, e3, other)
		requireCode(t, err, fourplusn.Conflict, "the key was reused for another request")
		_, err = s.Get(ctx, caseID(3))
		requireCode(t, err, fourplusn.NotFound)
		// Keys are scoped to their actor.
		scoped := key
		scoped.Scope = "m-2"
		c4, e4 := newCase(4, "mayuan-1", base)
		got, err := s.Create(ctx, c4, e4, scoped)
		require.NoError(t, err)
		assert.Equal(t, caseID(4), got.ID, "keys are scoped to their actor")
		// Without a key, nothing is deduplicated.
		c5, e5 := newCase(5, "mayuan-1", base)
		create(t, s, c5, e5)
		c6, e6 := newCase(6, "mayuan-1", base)
		create(t, s, c6, e6)
		page, err := s.List(ctx, mediation.Filter{Township: "gucheng", Within: []grid.Path{grid.RootPath("gucheng")}})
		require.NoError(t, err)
		assert.Equal(t, []mediation.ID{caseID(6), caseID(5), caseID(4), caseID(1)}, ids(page.Cases))
		evs, err := s.Events(ctx, caseID(1))
		require.NoError(t, err)
		assert.Len(t, evs, 1, "the retries added no events")
	})

	t.Run("concurrent retries under one key", func(t *testing.T) {
		s := newStore(t)
		const n = 20
		key := mediation.IdempotencyKey{Scope: "m-1", Key: "k", Fingerprint: "f"}
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
		page, err := s.List(ctx, mediation.Filter{Township: "gucheng", Within: []grid.Path{grid.RootPath("gucheng")}})
		require.NoError(t, err)
		assert.Equal(t, []mediation.ID{got[0].ID}, ids(page.Cases), "one case stored")
	})

	t.Run("update", func(t *testing.T) {
		s := newStore(t)
		c, events := newCase(1, "mayuan-1", base)
		want := create(t, s, c, events)
		var seen *mediation.Case
		got, err := s.Update(ctx, c.ID, 1, func(c *mediation.Case) ([]timeline.Event, error) {
			seen = c.Clone()
			c.State, c.AcceptedAt, c.AcceptedBy = mediation.Accepted, base.Add(time.Hour), "m-2"
			c.ResolveDue = c.AcceptedAt.Add(15 * 24 * time.Hour)
			c.Team = append(c.Team, mediation.Participant{Department: "police", Name: "民警"})
			return []timeline.Event{seal(c, "accepted", base.Add(time.Hour))}, nil
		})
		require.NoError(t, err)
		assert.Equal(t, want, seen, "fn sees the stored case")
		assert.Equal(t, int64(2), got.Version, "the store raises the version")
		assert.Equal(t, mediation.Accepted, got.State)
		stored, err := s.Get(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, got, stored, "Update returns what it stored")
		// Version 0 skips the check and updates the latest.
		got, err = s.Update(ctx, c.ID, 0, func(c *mediation.Case) ([]timeline.Event, error) {
			assert.Equal(t, int64(2), c.Version)
			c.State = mediation.Mediating
			return []timeline.Event{seal(c, "session", base.Add(2*time.Hour)), seal(c, "note", base.Add(2*time.Hour))}, nil
		})
		require.NoError(t, err)
		assert.Equal(t, int64(3), got.Version)
		stored, err = s.Get(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, got, stored)
		assert.Equal(t, "m-2", stored.AcceptedBy, "earlier changes stay")
	})

	t.Run("update that fails stores nothing", func(t *testing.T) {
		s := newStore(t)
		c, events := fullCase(1)
		want := create(t, s, c, events)
		boom := errors.New("refused")
		got, err := s.Update(ctx, c.ID, 1, func(c *mediation.Case) ([]timeline.Event, error) {
			c.Facts, c.State = "half-written", mediation.Closed
			c.Claims[0].Amount = 1
			c.Team = nil
			return []timeline.Event{seal(c, "closed", base)}, boom
		})
		require.ErrorIs(t, err, boom, "fn's error is returned as it is")
		assert.Nil(t, got)
		stored, err := s.Get(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, want, stored)
		evs, err := s.Events(ctx, c.ID)
		require.NoError(t, err)
		assert.Len(t, evs, 2)
		// Nor did it use up the version.
		_, err = s.Update(ctx, c.ID, 1, noop)
		assert.NoError(t, err)
	})

	t.Run("stale version", func(t *testing.T) {
		s := newStore(t)
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
	})

	t.Run("timeline", func(t *testing.T) {
		s := newStore(t)
		c, events := newCase(1, "mayuan-1", base)
		want := cloneEvents(events)
		create(t, s, c, events)
		steps := [][]string{{"accepted"}, nil, {"session", "note", "photo"}, {"agreed"}}
		for i, actions := range steps {
			_, err := s.Update(ctx, c.ID, 0, func(c *mediation.Case) ([]timeline.Event, error) {
				var out []timeline.Event
				for _, a := range actions {
					at := base.Add(time.Duration(i+1) * time.Hour)
					if a == "note" {
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
		assert.Equal(t, normalEvents(want), normalEvents(evs), "the events in order, as sealed")
		assert.Equal(t, int64(len(want)), stored.Chain.Len)
		assert.NoError(t, timeline.Verify(string(c.ID), evs, stored.Chain), "stored events verify against the case's chain")
		// Another case's timeline is its own.
		d, devents := newCase(2, "mayuan-1", base)
		create(t, s, d, devents)
		evs, err = s.Events(ctx, d.ID)
		require.NoError(t, err)
		assert.Equal(t, normalEvents(devents), normalEvents(evs))
	})

	t.Run("concurrent writers", func(t *testing.T) {
		s := newStore(t)
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
				// Readers alongside the writers: reads never fail either.
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
		// Everyone holds version 1: exactly one wins, and every loser is
		// told so with a Conflict, never a lock error.
		wins := 0
		for _, err := range run(1) {
			if err == nil {
				wins++
				continue
			}
			assert.Truef(t, errors.Is(err, fourplusn.Conflict), "a loser gets a Conflict, got %v", err)
		}
		assert.Equal(t, 1, wins, "exactly one writer wins version 1")
		// Unversioned updates are serialized: every one succeeds and none
		// is lost.
		for _, err := range run(0) {
			assert.NoError(t, err)
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
	})

	t.Run("canceled context", func(t *testing.T) {
		s := newStore(t)
		c, events := newCase(1, "mayuan-1", base)
		create(t, s, c, events)
		canceled, cancel := context.WithCancel(ctx)
		cancel()
		d, devents := newCase(2, "mayuan-1", base)
		_, err := s.Create(canceled, d, devents, mediation.IdempotencyKey{})
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
	})

	t.Run("list", func(t *testing.T) { listFilters(t, newStore(t)) })
	t.Run("list agrees with Filter.Matches", func(t *testing.T) { listMatches(t, newStore(t)) })
	t.Run("list paging", func(t *testing.T) { listPaging(t, newStore(t)) })
	t.Run("list paging under inserts", func(t *testing.T) { listUnderInserts(t, newStore(t)) })
	t.Run("list invalid filter", func(t *testing.T) {
		s := newStore(t)
		for _, f := range []mediation.Filter{
			{},
			{Within: []grid.Path{grid.RootPath("gucheng")}},
			{Township: "gucheng", Limit: -1},
			{Township: "gucheng", Limit: mediation.MaxPage + 1},
			{Township: "gucheng", States: []mediation.State{99}},
			{Township: "gucheng", Grade: 99},
			{Township: "gucheng", Channel: 99},
		} {
			_, err := s.List(ctx, f)
			requireCode(t, err, fourplusn.Invalid, "%+v", f)
		}
	})
}

func ids(cases []*mediation.Case) []mediation.ID {
	out := make([]mediation.ID, len(cases))
	for i, c := range cases {
		out[i] = c.ID
	}
	return out
}

// cloneEvents copies events with their details, so that the suite's
// record of them is its own.
func cloneEvents(events []timeline.Event) []timeline.Event {
	out := slices.Clone(events)
	for i := range out {
		out[i].Details = maps.Clone(out[i].Details)
	}
	return out
}
