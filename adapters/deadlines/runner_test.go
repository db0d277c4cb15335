package deadlines_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/deadlines"
	"github.com/fourplusn/fourplusn/adapters/notify/notifytest"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

var ctx = context.Background()

func runner(env *notifytest.Env) *deadlines.Runner {
	r := deadlines.New(env.Cases, env.Hazards, env.Actions, env.Outbox, gridtest.GuchengID)
	r.Now, r.Log = env.Clock.Now, slog.New(slog.DiscardHandler)
	return r
}

// register registers a green neighbour dispute at 马园 one group, which
// its group head handles: a day to accept, a day to resolve.
func register(t *testing.T, env *notifytest.Env) *mediation.Case {
	t.Helper()
	c, err := env.Cases.Register(ctx, env.Demo.Member("mayuan-1-head").Actor(), mediation.Intake{
		Channel: work.ChannelGridHead, Category: mediation.Neighbour, Location: "mayuan-1",
		Applicants:  []mediation.Party{{Name: "章某", Phone: "13800138000"}},
		Respondents: []mediation.Party{{Name: "李某"}}, Facts: "邻居占道",
	})
	require.NoError(t, err)
	return c
}

// accepted registers a case and has its group head accept it at once.
func accepted(t *testing.T, env *notifytest.Env) *mediation.Case {
	t.Helper()
	c, err := env.Cases.Accept(ctx, env.Demo.Member("mayuan-1-head").Actor(), register(t, env).ID, 0)
	require.NoError(t, err)
	require.Equal(t, 24*time.Hour, c.ResolveDue.Sub(c.AcceptedAt), "the fixture's premise: a day to resolve")
	return c
}

// key is the runner's key of a step of case c's resolve deadline.
func key(c *mediation.Case, step string) string {
	return fmt.Sprintf("case/%s/resolve/%d/%s", c.ID, c.AcceptedAt.UnixNano(), step)
}

func tick(t *testing.T, r *deadlines.Runner) deadlines.Report {
	t.Helper()
	rep, err := r.Tick(ctx)
	require.NoError(t, err)
	return rep
}

func found(t *testing.T, env *notifytest.Env, key string) (work.Notice, bool) {
	t.Helper()
	d, err := env.Outbox.Find(ctx, key)
	if fourplusn.ErrorCode(err) == fourplusn.NotFound {
		return work.Notice{}, false
	}
	require.NoError(t, err)
	return d.Notification, true
}

func escalations(t *testing.T, env *notifytest.Env, id mediation.ID) int {
	t.Helper()
	events, err := env.CaseStore.Events(ctx, id)
	require.NoError(t, err)
	n := 0
	for _, e := range events {
		if e.Action == "escalation.submitted" {
			n++
		}
	}
	return n
}

// TestReminders: each threshold of the time allowed is reminded of exactly
// once, the passed deadline escalates the case exactly once, and a
// restarted runner does none of it again.
func TestReminders(t *testing.T) {
	notifytest.Run(t, func(t *testing.T, env *notifytest.Env) {
		c := accepted(t, env)
		r := runner(env)
		steps := []struct {
			at   time.Duration // after acceptance
			want deadlines.Report
			key  string
		}{
			{time.Hour, deadlines.Report{}, ""},
			{12 * time.Hour, deadlines.Report{Reminders: 1}, "50%"},
			{18 * time.Hour, deadlines.Report{}, ""},
			{19*time.Hour + 12*time.Minute, deadlines.Report{Reminders: 1}, "80%"},
			{24 * time.Hour, deadlines.Report{}, ""}, // due, not yet past
			{24*time.Hour + time.Second, deadlines.Report{Overdue: 1, Escalations: 1}, fmt.Sprintf("due-%d", c.ResolveDue.UnixNano())},
		}
		for _, s := range steps {
			env.Clock.Advance(c.AcceptedAt.Add(s.at).Sub(env.Clock.Now()))
			assert.Equal(t, s.want, tick(t, r), "first tick at %s", s.at)
			assert.Equal(t, deadlines.Report{}, tick(t, r), "second tick at %s: nothing twice", s.at)
			if s.key == "" {
				continue
			}
			n, ok := found(t, env, key(c, s.key))
			require.True(t, ok, s.key)
			assert.Equal(t, []work.Recipient{work.ToMember("mayuan-1-head")}, n.To[:1], "whoever accepted answers for it")
		}
		n, _ := found(t, env, key(c, fmt.Sprintf("due-%d", c.ResolveDue.UnixNano())))
		assert.Equal(t, work.NoticeOverdue, n.Kind)
		assert.Contains(t, n.To, work.ToPosts(c.Handling, grid.Mediate), "the cell's posts hear of a passed deadline too")
		assert.Equal(t, 1, escalations(t, env, c.ID))

		env = env.Reopen(t)
		env.Clock.Advance(time.Hour)
		assert.Equal(t, deadlines.Report{}, tick(t, runner(env)), "a restarted runner remembers")
		assert.Equal(t, 1, escalations(t, env, c.ID))
	})
}

// forgetful is a State whose first Record fails, as a runner does that
// stops between acting and recording.
type forgetful struct {
	deadlines.State
	failed bool
}

func (f *forgetful) Record(ctx context.Context, township grid.CellID, key, subject string, at time.Time) error {
	if !f.failed {
		f.failed = true
		return errors.New("the process died")
	}
	return f.State.Record(ctx, township, key, subject, at)
}

// TestStateByTownship: the runner records a step under the township of
// the case it is about, and a step's key is its township's: the same key
// recorded in another township is another step, and acts on nothing of
// the first's.
func TestStateByTownship(t *testing.T) {
	notifytest.Run(t, func(t *testing.T, env *notifytest.Env) {
		c := accepted(t, env)
		env.Clock.Advance(12 * time.Hour)
		assert.Equal(t, deadlines.Report{Reminders: 1}, tick(t, runner(env)))
		half := key(c, "50%")

		acted, err := env.Actions.Acted(ctx, gridtest.GuchengID, []string{half, key(c, "80%")})
		require.NoError(t, err)
		assert.Equal(t, map[string]bool{half: true}, acted, "recorded in the case's township")
		acted, err = env.Actions.Acted(ctx, gridtest.NeighbourID, []string{half})
		require.NoError(t, err)
		assert.Empty(t, acted, "not in another township")

		later := key(c, "80%")
		require.NoError(t, env.Actions.Record(ctx, gridtest.NeighbourID, later, string(c.ID), env.Clock.Now()))
		require.NoError(t, env.Actions.Record(ctx, gridtest.NeighbourID, later, string(c.ID), env.Clock.Now()), "recorded again: nothing changes")
		env.Clock.Advance(7*time.Hour + 12*time.Minute)
		assert.Equal(t, deadlines.Report{Reminders: 1}, tick(t, runner(env)), "another township's record of the key does not stop this one's step")
		acted, err = env.Actions.Acted(ctx, gridtest.GuchengID, []string{half, later})
		require.NoError(t, err)
		assert.Equal(t, map[string]bool{half: true, later: true}, acted)
	})
}

// TestEscalationAcrossRestart: a runner escalates an overdue case and stops
// before recording it; the restarted runner acts again, and the case is
// still escalated exactly once, with one overdue notice.
func TestEscalationAcrossRestart(t *testing.T) {
	notifytest.Run(t, func(t *testing.T, env *notifytest.Env) {
		c := accepted(t, env)
		r := runner(env)
		r.State = &forgetful{State: env.Actions}
		env.Clock.Advance(25 * time.Hour)
		rep, err := r.Tick(ctx)
		require.Error(t, err)
		assert.Equal(t, 1, rep.Escalations)

		env = env.Reopen(t)
		rep = tick(t, runner(env))
		assert.Zero(t, rep.Escalations, "AutoEscalate finds the escalation waiting")
		assert.Equal(t, deadlines.Report{}, tick(t, runner(env)))
		assert.Equal(t, 1, escalations(t, env, c.ID))
		_, ok := found(t, env, key(c, fmt.Sprintf("due-%d", c.ResolveDue.UnixNano())))
		assert.True(t, ok)
	})
}

// TestDutyAlert: an online application nobody accepted in time alerts the
// duty officers, who also answer for it.
func TestDutyAlert(t *testing.T) {
	notifytest.Run(t, func(t *testing.T, env *notifytest.Env) {
		c, err := env.Cases.Register(ctx, grid.ResidentActor("r1", gridtest.GuchengID), mediation.Intake{
			Channel: work.ChannelOnline, Consent: mediation.CurrentPrivacyNotice.Version, Category: mediation.Neighbour, Location: "mayuan-1",
			Applicants:  []mediation.Party{{Name: "章某", Phone: "13800138000"}},
			Respondents: []mediation.Party{{Name: "李某"}}, Facts: "邻居占道",
		})
		require.NoError(t, err)
		r := runner(env)
		env.Clock.Advance(c.AcceptDue.Sub(env.Clock.Now()) + time.Minute)
		rep := tick(t, r)
		assert.Equal(t, 1, rep.Alerts)
		base := fmt.Sprintf("case/%s/accept/%d/due-%d", c.ID, c.RegisteredAt.UnixNano(), c.AcceptDue.UnixNano())
		alert, ok := found(t, env, base+"/duty")
		require.True(t, ok)
		assert.Equal(t, work.NoticeAlert, alert.Kind)
		assert.Equal(t, []work.Recipient{work.ToDuty(gridtest.GuchengID)}, alert.To)
		overdue, ok := found(t, env, base)
		require.True(t, ok)
		assert.Equal(t, work.ToDuty(gridtest.GuchengID), overdue.To[0], "nobody reviewed it: the watch answers")
		assert.Zero(t, tick(t, r).Alerts, "once")
	})
}

// TestExtensionPausesClock: an extension agreed by both parties moves the
// reminders with the deadline; none is sent at the old moments, and the
// extended deadline is acted on when it passes.
func TestExtensionPausesClock(t *testing.T) {
	notifytest.Run(t, func(t *testing.T, env *notifytest.Env) {
		c := accepted(t, env)
		r := runner(env)
		env.Clock.Advance(10 * time.Hour)
		c, err := env.Cases.Extend(ctx, env.Demo.Member("mayuan-1-head").Actor(), c.ID, 0, mediation.Extension{Days: 3, Reason: "双方同意延期", Consent: true})
		require.NoError(t, err)
		for _, h := range []time.Duration{12, 20, 25} { // the old 50%, 80%, due
			env.Clock.Advance(c.AcceptedAt.Add(h * time.Hour).Sub(env.Clock.Now()))
			assert.Equal(t, deadlines.Report{}, tick(t, r), "%dh", h)
		}
		env.Clock.Advance(c.AcceptedAt.Add(48 * time.Hour).Sub(env.Clock.Now()))
		assert.Equal(t, deadlines.Report{Reminders: 1}, tick(t, r), "half of four days")
		_, ok := found(t, env, key(c, "50%"))
		assert.True(t, ok)
		env.Clock.Advance(c.ResolveDue.Sub(env.Clock.Now()) + time.Second)
		assert.Equal(t, 1, tick(t, r).Overdue)
		_, ok = found(t, env, key(c, fmt.Sprintf("due-%d", c.ResolveDue.UnixNano())))
		assert.True(t, ok)
	})
}

// TestBacklog: a runner that first looks when four fifths have passed
// sends that reminder only, never the stale one for half.
func TestBacklog(t *testing.T) {
	notifytest.Run(t, func(t *testing.T, env *notifytest.Env) {
		c := accepted(t, env)
		env.Clock.Advance(20 * time.Hour)
		assert.Equal(t, deadlines.Report{Reminders: 1}, tick(t, runner(env)))
		_, ok := found(t, env, key(c, "80%"))
		assert.True(t, ok)
		_, ok = found(t, env, key(c, "50%"))
		assert.False(t, ok)
		env.Clock.Advance(time.Hour)
		assert.Equal(t, deadlines.Report{}, tick(t, runner(env)))
	})
}

// TestHazardReminders: a hazard's rectification is reminded of, to the
// posts of its cell when nobody in particular answers.
func TestHazardReminders(t *testing.T) {
	notifytest.Run(t, func(t *testing.T, env *notifytest.Env) {
		h, err := env.Hazards.Report(ctx, env.Demo.Member("mayuan-police").Actor(), hazard.Report{
			Category: hazard.Other, Grade: work.Simple, Location: "mayuan-1", Description: "路灯损坏",
		})
		require.NoError(t, err)
		env.Clock.Advance(h.RectifyDue.Sub(h.ReportedAt) / 2)
		assert.Equal(t, deadlines.Report{Reminders: 1}, tick(t, runner(env)))
		n, ok := found(t, env, fmt.Sprintf("hazard/%s/rectify/%d/50%%", h.ID, h.ReportedAt.UnixNano()))
		require.True(t, ok)
		assert.Equal(t, []work.Recipient{work.ToPosts(h.Handling, grid.Rectify)}, n.To)
	})
}

// TestRun: a running runner acts on its first tick, and stops when its
// context ends.
func TestRun(t *testing.T) {
	env := notifytest.Engines()[0].New(t)
	c := accepted(t, env)
	env.Clock.Advance(13 * time.Hour)
	r := runner(env)
	r.Interval = time.Millisecond
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- r.Run(runCtx) }()
	require.Eventually(t, func() bool {
		_, err := env.Outbox.Find(ctx, key(c, "50%"))
		return err == nil
	}, 5*time.Second, time.Millisecond)
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
}

// Run tells Ticked of each tick once it is done, with when it began and
// ended by the runner's clock: the first, at once, has sent the reminder
// due, and the clock moved during a tick shows in its end.
func TestRunTicked(t *testing.T) {
	notifytest.Run(t, func(t *testing.T, env *notifytest.Env) {
		c := accepted(t, env)
		env.Clock.Advance(13 * time.Hour)
		r := runner(env)
		r.Interval = time.Millisecond
		type pass struct{ began, ended time.Time }
		var ticks []pass
		run, stop := context.WithCancel(ctx)
		defer stop()
		r.Ticked = func(began, ended time.Time, err error) {
			if run.Err() != nil {
				return // a tick the ticker started as Run was stopped
			}
			// Run calls it on its own goroutine: the test's.
			require.NoError(t, err)
			if len(ticks) == 0 {
				_, sent := found(t, env, key(c, "50%"))
				assert.True(t, sent, "the first tick is done when it is told")
			}
			ticks = append(ticks, pass{began, ended})
			env.Clock.Advance(time.Minute)
			if len(ticks) == 3 {
				stop()
			}
		}
		assert.ErrorIs(t, r.Run(run), context.Canceled)
		require.Len(t, ticks, 3)
		for i, tk := range ticks {
			assert.False(t, tk.ended.Before(tk.began), "tick %d", i)
			if i > 0 {
				assert.Equal(t, time.Minute, tk.began.Sub(ticks[i-1].ended), "tick %d began after the clock moved", i)
			}
		}
	})
}
