package mediation_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// TestSuspendResume suspends an accepted case while a party is awaited:
// it is never overdue meanwhile, the deadlines leave out its time to
// resolve, and on resume that deadline moves by exactly the time it stood
// still; both steps are in the timeline.
func TestSuspendResume(t *testing.T) {
	f := newFixture(t)
	head := f.actor("mayuan-1-head")
	c := accepted(t, f, must(t)(f.svc.Register(ctx, head, neighbourDispute())))
	due := c.ResolveDue
	rules := f.svc.Rules()

	f.clock.Advance(3 * time.Hour)
	c = must(t)(f.svc.Suspend(ctx, head, c.ID, c.Version, " 被申请人住院治疗 "))
	assert.True(t, c.Suspended())
	require.Len(t, c.Pauses, 1)
	assert.True(t, f.clock.Now().Equal(c.Pauses[0].From))
	assert.True(t, c.Pauses[0].To.IsZero())
	assert.Equal(t, "被申请人住院治疗", c.Pauses[0].Reason)
	assert.Equal(t, "mayuan-1-head", c.Pauses[0].By)
	assert.True(t, due.Equal(c.ResolveDue), "suspending moves nothing yet")

	_, err := f.svc.Suspend(ctx, head, c.ID, 0, "再次中止")
	assert.Equal(t, fourplusn.Conflict, fourplusn.ErrorCode(err))

	const paused = 10*24*time.Hour + 7*time.Minute
	f.clock.Advance(paused)
	now := f.clock.Now()
	require.True(t, now.After(due))
	assert.False(t, c.Overdue(now), "a suspended case is not overdue")
	for _, d := range rules.Deadlines(now, c) {
		assert.NotEqual(t, mediation.ResolveBy, d.Kind, "a suspended case's time to resolve stands still")
	}
	page, err := f.svc.List(ctx, head, mediation.Filter{OverdueAt: now})
	require.NoError(t, err)
	assert.Empty(t, page.Cases)

	c = must(t)(f.svc.Resume(ctx, head, c.ID, c.Version))
	assert.False(t, c.Suspended())
	assert.Equal(t, paused, c.ResolveDue.Sub(due), "the deadline moves by exactly the time paused")
	assert.True(t, now.Equal(c.Pauses[0].To))
	assert.False(t, c.Overdue(now))
	ds := rules.Deadlines(now, c)
	require.Len(t, ds, 1)
	assert.Equal(t, mediation.ResolveBy, ds[0].Kind)
	assert.True(t, c.ResolveDue.Equal(ds[0].Due))
	assert.True(t, c.Overdue(c.ResolveDue.Add(time.Nanosecond)))

	_, err = f.svc.Resume(ctx, head, c.ID, 0)
	assert.Equal(t, fourplusn.Conflict, fourplusn.ErrorCode(err), "a case not suspended cannot resume")

	events, err := f.svc.Timeline(ctx, head, c.ID)
	require.NoError(t, err)
	n := len(events)
	assert.Equal(t, mediation.ActionSuspended, events[n-2].Action)
	assert.Equal(t, "被申请人住院治疗", events[n-2].Details["reason"])
	assert.Equal(t, mediation.ActionResumed, events[n-1].Action)
	assert.Equal(t, paused.String(), events[n-1].Details["paused"])
	assert.Equal(t, c.ResolveDue.Format(time.RFC3339), events[n-1].Details["resolve_due"])

	_, err = f.svc.Suspend(ctx, head, c.ID, 0, " ")
	assert.Equal(t, "reason", fourplusn.ErrorField(err))
}

// TestSuspendEndsWithMediation checks that a case leaving mediation while
// suspended — withdrawn, transferred — ends its pause, so that it is not
// taken for suspended once it is accepted again.
func TestSuspendEndsWithMediation(t *testing.T) {
	f := newFixture(t)
	head := f.actor("mayuan-1-head")
	c := accepted(t, f, must(t)(f.svc.Register(ctx, head, neighbourDispute())))
	c = must(t)(f.svc.Suspend(ctx, head, c.ID, 0, "当事人外出务工未归"))
	f.clock.Advance(time.Hour)
	c = must(t)(f.svc.Transfer(ctx, head, c.ID, 0, "mayuan-2", "当事人住二组"))
	assert.True(t, f.clock.Now().Equal(c.Pauses[0].To))
	c = must(t)(f.svc.Accept(ctx, f.actor("mayuan-2-head"), c.ID, 0))
	assert.False(t, c.Suspended())
	assert.True(t, c.Overdue(c.ResolveDue.Add(time.Second)))
}

// TestWorkingDayDeadlines sets the grades' deadlines in working days and
// registers and accepts cases around the 2026 Spring Festival and
// National Day: the holidays do not count, the make-up days do, and an
// extension by both parties' consent still adds calendar days.
func TestWorkingDayDeadlines(t *testing.T) {
	rules := mediation.DefaultRules()
	for g, r := range rules.Grades {
		r.AcceptWorkingDays, r.ResolveWorkingDays = 1, 5
		rules.Grades[g] = r
	}
	demo := gridtest.Gucheng()
	clk := &clock{}
	svc, err := mediation.NewService(mediation.Config{
		Store: memstore.NewCases(), Cells: memstore.Grid{Tree: demo.Tree}, Policy: grid.DefaultPolicy(), Rules: rules, Now: clk.Now,
	})
	require.NoError(t, err)
	head := demo.Member("mayuan-1-head").Actor()
	at := func(s string) time.Time {
		when, err := time.ParseInLocation("2006-01-02 15:04", s, work.Zone)
		require.NoError(t, err)
		return when
	}
	for _, tc := range []struct{ registered, acceptDue, accepted, resolveDue string }{
		// Friday 13 February: Saturday 14th is worked; then five working days
		// from Tuesday 24th, with Saturday 28th among them.
		{"2026-02-13 16:00", "2026-02-15 00:00", "2026-02-14 10:00", "2026-03-01 00:00"},
		// On 除夕: Tuesday 24th is the first working day; accepted then, the
		// 25th to the 28th and Monday 2 March.
		{"2026-02-16 09:00", "2026-02-25 00:00", "2026-02-24 09:00", "2026-03-03 00:00"},
		// 30 September: over 国庆节 to the 8th; the make-up Saturday 10th counts.
		{"2026-09-30 17:00", "2026-10-09 00:00", "2026-10-08 09:00", "2026-10-15 00:00"},
	} {
		clk.now = at(tc.registered)
		c := must(t)(svc.Register(ctx, head, minimalDispute()))
		assert.True(t, at(tc.acceptDue).Equal(c.AcceptDue), "%s: accept by %v", tc.registered, c.AcceptDue)
		clk.now = at(tc.accepted)
		c = must(t)(svc.Accept(ctx, head, c.ID, 0))
		assert.True(t, at(tc.resolveDue).Equal(c.ResolveDue), "%s: resolve by %v", tc.accepted, c.ResolveDue)
		c = must(t)(svc.Extend(ctx, head, c.ID, 0, mediation.Extension{Days: 3, Reason: "双方同意延期", Consent: true}))
		assert.Equal(t, 3*24*time.Hour, c.ResolveDue.Sub(at(tc.resolveDue)), "an extension counts calendar days")
	}

	rules.Calendar = nil
	assert.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(rules.Validate()), "working days need a calendar")
	r := rules.Grades[work.Simple]
	r.AcceptWorkingDays = -1
	rules.Grades[work.Simple] = r
	rules.Calendar = work.ChinaCalendar()
	assert.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(rules.Validate()))
}
