package hazard_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/timeline"
)

// situations are the states a hazard can be in, each reached through the
// Service from the wall quarrel (a dispute lead) in 洪沟庙 two group, handled
// at that group and verified at 洪沟庙.
var situations = []struct {
	name  string
	reach func(t *testing.T, f *fixture, h *hazard.Hazard) *hazard.Hazard
}{
	{"open", func(t *testing.T, f *fixture, h *hazard.Hazard) *hazard.Hazard { return h }},
	{"rectified", rectified},
	{"closed", func(t *testing.T, f *fixture, h *hazard.Hazard) *hazard.Hazard {
		h = rectified(t, f, h)
		return must(t)(f.svc.Verify(ctx, f.actor("honggoumiao-head"), h.ID, 0, hazard.Verification{Passed: true}))
	}},
	{"converted", func(t *testing.T, f *fixture, h *hazard.Hazard) *hazard.Hazard {
		h, _, err := f.svc.Convert(ctx, f.actor("honggoumiao-police"), h.ID, 0, wallConversion())
		require.NoError(t, err)
		return h
	}},
	{"reopened", func(t *testing.T, f *fixture, h *hazard.Hazard) *hazard.Hazard {
		h = rectified(t, f, h)
		return must(t)(f.svc.Verify(ctx, f.actor("honggoumiao-head"), h.ID, 0, hazard.Verification{Notes: "双方仍在争吵，未见调处记录"}))
	}},
}

func rectified(t *testing.T, f *fixture, h *hazard.Hazard) *hazard.Hazard {
	return must(t)(f.svc.Rectify(ctx, f.actor("honggoumiao-2-head"), h.ID, 0, hazard.Rectification{Evidence: "已上门劝解，双方同意暂停施工"}))
}

// transitions are every action, with valid input, done by actor a, and the
// state each leads to.
var transitions = []struct {
	name string
	want hazard.State
	do   func(f *fixture, a grid.Actor, h *hazard.Hazard) (*hazard.Hazard, error)
}{
	{"rectify", hazard.Rectified, func(f *fixture, a grid.Actor, h *hazard.Hazard) (*hazard.Hazard, error) {
		return f.svc.Rectify(ctx, a, h.ID, h.Version, hazard.Rectification{Evidence: "已整改", Photos: []string{"after.jpg"}})
	}},
	{"verify-pass", hazard.Closed, func(f *fixture, a grid.Actor, h *hazard.Hazard) (*hazard.Hazard, error) {
		return f.svc.Verify(ctx, a, h.ID, h.Version, hazard.Verification{Passed: true, Notes: "现场查看，整改到位"})
	}},
	{"verify-fail", hazard.Open, func(f *fixture, a grid.Actor, h *hazard.Hazard) (*hazard.Hazard, error) {
		return f.svc.Verify(ctx, a, h.ID, h.Version, hazard.Verification{Notes: "整改不到位"})
	}},
	{"convert", hazard.Converted, func(f *fixture, a grid.Actor, h *hazard.Hazard) (*hazard.Hazard, error) {
		h, _, err := f.svc.Convert(ctx, a, h.ID, h.Version, wallConversion())
		return h, err
	}},
}

// allowedIn lists, for each situation, the actions it allows.
var allowedIn = map[string]string{
	"open":      "rectify convert",
	"rectified": "verify-pass verify-fail",
	"closed":    "",
	"converted": "",
	"reopened":  "rectify convert",
}

func allows(situation, action string) bool {
	return strings.Contains(" "+allowedIn[situation]+" ", " "+action+" ")
}

// TestLifecycleTable tries every action in every situation. Allowed actions
// succeed with one new event and an intact timeline; every other action
// fails with Conflict and leaves the hazard, its timeline and the cases
// exactly as they were.
func TestLifecycleTable(t *testing.T) {
	require.Len(t, allowedIn, len(situations))
	for _, sit := range situations {
		for _, tr := range transitions {
			t.Run(sit.name+"/"+tr.name, func(t *testing.T) {
				f := newFixture(t)
				h := must(t)(f.svc.Report(ctx, f.actor("honggoumiao-security"), wallQuarrel()))
				h = sit.reach(t, f, h)
				before := f.stored(t, h.ID)
				eventsBefore := f.events(t, h.ID)
				casesBefore := len(f.allCases(t))
				f.clock.Advance(time.Hour)

				secretary := f.actor("gc-secretary") // the level-1 head may do anything in Gucheng
				got, err := tr.do(f, secretary, before)
				if allows(sit.name, tr.name) {
					require.NoError(t, err)
					assert.Equal(t, before.Version+1, got.Version)
					assert.Equal(t, tr.want, got.State)
					assert.Len(t, f.events(t, h.ID), len(eventsBefore)+1, "one event per change")
					require.NoError(t, f.svc.CheckTimeline(ctx, secretary, h.ID))
					return
				}
				require.Error(t, err)
				assert.Equal(t, fourplusn.Conflict, fourplusn.ErrorCode(err), "%v", err)
				assert.Equal(t, before, f.stored(t, h.ID), "a refused action changes nothing")
				assert.Equal(t, eventsBefore, f.events(t, h.ID))
				assert.Len(t, f.allCases(t), casesBefore, "a refused conversion registers no case")
			})
		}
	}
}

// TestReopenAndClose follows one hazard through a failed verification and a
// second rectification to closed, checking deadlines and the record.
func TestReopenAndClose(t *testing.T) {
	f := newFixture(t)
	reporter := f.actor("mayuan-1-head")
	h := must(t)(f.svc.Report(ctx, reporter, blockedDrain()))
	start := f.clock.Now()
	assert.Equal(t, hazard.Open, h.State)
	assert.Equal(t, "/gucheng/gc-east/mayuan/mayuan-1", h.Handling.String(), "green hazards stay in the villager group")
	assert.Equal(t, "/gucheng/gc-east/mayuan", h.VerifyCell().String())
	assert.True(t, h.RectifyDue.Equal(start.Add(72*time.Hour)))
	assert.Equal(t, "mayuan-1-head", h.Accountable(), "reported through a post of the handling cell")

	f.clock.Advance(24 * time.Hour)
	h = must(t)(f.svc.Rectify(ctx, reporter, h.ID, h.Version, hazard.Rectification{Evidence: "清理杂物", Photos: []string{"a.jpg", "b.jpg"}}))
	assert.Equal(t, hazard.Rectified, h.State)
	assert.True(t, h.VerifyDue.Equal(f.clock.Now().Add(72*time.Hour)))
	assert.Equal(t, "", h.Accountable(), "the community's posts verify it")

	// The group head may not verify his own work.
	_, err := f.svc.Verify(ctx, reporter, h.ID, h.Version, hazard.Verification{Passed: true})
	assert.ErrorIs(t, err, fourplusn.Forbidden)

	f.clock.Advance(24 * time.Hour)
	community := f.actor("mayuan-head")
	h = must(t)(f.svc.Verify(ctx, community, h.ID, h.Version, hazard.Verification{Notes: "排水沟下游仍堵"}))
	assert.Equal(t, hazard.Open, h.State)
	assert.Equal(t, 1, h.Reopens)
	assert.True(t, h.ReopenedAt.Equal(f.clock.Now()))
	assert.True(t, h.RectifyDue.Equal(f.clock.Now().Add(72*time.Hour)), "a new time to rectify")
	assert.Equal(t, "mayuan-1-head", h.Accountable(), "who rectified it answers for redoing it")

	h = must(t)(f.svc.Rectify(ctx, f.actor("mayuan-1-head"), h.ID, h.Version, hazard.Rectification{Evidence: "疏通下游涵管"}))
	// A stale version conflicts and changes nothing.
	_, err = f.svc.Verify(ctx, community, h.ID, h.Version-1, hazard.Verification{Passed: true})
	assert.ErrorIs(t, err, fourplusn.Conflict)
	h = must(t)(f.svc.Verify(ctx, community, h.ID, h.Version, hazard.Verification{Passed: true}))
	assert.Equal(t, hazard.Closed, h.State)
	assert.True(t, h.ClosedAt.Equal(f.clock.Now()))
	require.Len(t, h.Rectifications, 2)
	require.Len(t, h.Verifications, 2)
	assert.Equal(t, "mayuan-head", h.Verifications[1].By)
	assert.False(t, h.Verifications[0].Passed)
	assert.Equal(t, []string{"a.jpg", "b.jpg"}, h.Rectifications[0].Photos)

	events, err := f.svc.Timeline(ctx, community, h.ID)
	require.NoError(t, err)
	var actions []timeline.Action
	for _, e := range events {
		actions = append(actions, e.Action)
	}
	assert.Equal(t, []timeline.Action{hazard.ActionReported, hazard.ActionRectified, hazard.ActionVerificationFailed, hazard.ActionRectified, hazard.ActionVerified}, actions)
	assert.Equal(t, "screening", events[0].Channel, "a member's report defaults to the whistle")
	assert.Equal(t, "排水沟下游仍堵", events[2].Details["notes"])
	require.NoError(t, f.svc.CheckTimeline(ctx, community, h.ID))
}

// TestActionInput checks the input rules of the actions: each refusal names
// its field and changes nothing.
func TestActionInput(t *testing.T) {
	f := newFixture(t)
	head := f.actor("mayuan-1-head")
	h := must(t)(f.svc.Report(ctx, head, blockedDrain()))
	before := f.stored(t, h.ID)
	for name, tc := range map[string]struct {
		do    func() error
		field string
	}{
		"rectify without evidence": {func() error {
			_, err := f.svc.Rectify(ctx, head, h.ID, 0, hazard.Rectification{})
			return err
		}, "evidence"},
		"rectify with too many photos": {func() error {
			_, err := f.svc.Rectify(ctx, head, h.ID, 0, hazard.Rectification{Evidence: "x", Photos: make([]string, 21)})
			return err
		}, "photos"},
		"rectify with an empty photo": {func() error {
			_, err := f.svc.Rectify(ctx, head, h.ID, 0, hazard.Rectification{Evidence: "x", Photos: []string{"a.jpg", ""}})
			return err
		}, "photos[1]"},
		"failed verification without notes": {func() error {
			_, err := f.svc.Verify(ctx, f.actor("mayuan-head"), h.ID, 0, hazard.Verification{})
			return err
		}, "notes"},
		"verification with overlong notes": {func() error {
			_, err := f.svc.Verify(ctx, f.actor("mayuan-head"), h.ID, 0, hazard.Verification{Passed: true, Notes: strings.Repeat("很", 5001)})
			return err
		}, "notes"},
	} {
		t.Run(name, func(t *testing.T) {
			err := tc.do()
			require.Error(t, err)
			assert.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err), "%v", err)
			assert.Equal(t, tc.field, fourplusn.ErrorField(err))
			assert.Equal(t, before, f.stored(t, h.ID))
		})
	}
	_, err := f.svc.Rectify(ctx, head, "H9999999", 0, hazard.Rectification{Evidence: "x"})
	assert.ErrorIs(t, err, fourplusn.NotFound)
}
