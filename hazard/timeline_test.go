package hazard_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/timeline"
)

// tamperedStore serves a hazard's events after passing them through
// tamper, as a store someone edited behind the Service's back would.
type tamperedStore struct {
	hazard.Store
	tamper func([]timeline.Event) []timeline.Event
}

func (s tamperedStore) Events(ctx context.Context, id hazard.ID) ([]timeline.Event, error) {
	events, err := s.Store.Events(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.tamper(events), nil
}

// TestTimelineTampering builds a hazard's timeline of five events, then
// edits, deletes, reorders and truncates it: timeline.Verify and the
// Service's CheckTimeline both report each change as a broken timeline,
// and an untouched timeline checks out.
func TestTimelineTampering(t *testing.T) {
	f := newFixture(t)
	head, community := f.actor("mayuan-1-head"), f.actor("mayuan-head")
	h := must(t)(f.svc.Report(ctx, head, blockedDrain()))
	h = must(t)(f.svc.Rectify(ctx, head, h.ID, 0, hazard.Rectification{Evidence: "清理"}))
	h = must(t)(f.svc.Verify(ctx, community, h.ID, 0, hazard.Verification{Notes: "仍堵"}))
	h = must(t)(f.svc.Rectify(ctx, head, h.ID, 0, hazard.Rectification{Evidence: "疏通"}))
	h = must(t)(f.svc.Verify(ctx, community, h.ID, 0, hazard.Verification{Passed: true}))
	events := f.events(t, h.ID)
	require.Len(t, events, 5)
	assert.Equal(t, timeline.Chain{Len: 5, Head: events[4].Hash}, h.Chain)
	require.NoError(t, timeline.Verify(string(h.ID), events, h.Chain))
	require.NoError(t, f.svc.CheckTimeline(ctx, community, h.ID))

	for name, tamper := range map[string]func([]timeline.Event) []timeline.Event{
		"edit an action": func(e []timeline.Event) []timeline.Event {
			e[2].Action = "verification.passed"
			return e
		},
		"edit a time": func(e []timeline.Event) []timeline.Event {
			e[1].At = e[1].At.Add(-48 * time.Hour) // rectified "in time"
			return e
		},
		"edit a detail": func(e []timeline.Event) []timeline.Event {
			e[2].Details["notes"] = "合格"
			return e
		},
		"edit the actor": func(e []timeline.Event) []timeline.Event {
			e[4].Actor = "gc-secretary"
			return e
		},
		"delete the failed verification": func(e []timeline.Event) []timeline.Event { return slices.Delete(e, 2, 3) },
		"reorder":                        func(e []timeline.Event) []timeline.Event { e[1], e[2] = e[2], e[1]; return e },
		"truncate":                       func(e []timeline.Event) []timeline.Event { return e[:3] },
		"move from another hazard": func(e []timeline.Event) []timeline.Event {
			e[0].Subject = "H0000099"
			return e
		},
	} {
		t.Run(name, func(t *testing.T) {
			tampered := tamper(f.events(t, h.ID))
			err := timeline.Verify(string(h.ID), tampered, h.Chain)
			require.ErrorIs(t, err, timeline.ErrBroken)

			svc := f.with(t, func(c *hazard.Config) { c.Store = tamperedStore{Store: f.store, tamper: tamper} })
			err = svc.CheckTimeline(ctx, community, h.ID)
			require.ErrorIs(t, err, timeline.ErrBroken)
			assert.Equal(t, fourplusn.Internal, fourplusn.ErrorCode(err))
		})
	}
	// The stored timeline itself was never touched.
	require.NoError(t, f.svc.CheckTimeline(ctx, community, h.ID))
}
