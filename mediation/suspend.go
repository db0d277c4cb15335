package mediation

import (
	"context"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
)

// Pause is a time mediation stood still (中止) while a party was awaited:
// one in hospital, away for work, a party's agent not yet appointed. The
// time to resolve does not run during it.
type Pause struct {
	From   time.Time
	To     time.Time // when mediation resumed; zero while it stands still
	Reason string
	By     string // the actor who suspended it
}

// Suspended reports whether mediation of the case stands still: it is
// accepted or in mediation, and its last pause has not ended.
func (c *Case) Suspended() bool {
	return (c.State == Accepted || c.State == Mediating) && c.openPause() != nil
}

// openPause returns the case's pause that has not ended, if any.
func (c *Case) openPause() *Pause {
	if n := len(c.Pauses); n > 0 && c.Pauses[n-1].To.IsZero() {
		return &c.Pauses[n-1]
	}
	return nil
}

// Suspend stops mediation of an accepted case while a party is awaited,
// for the reason given; until Resume, the time to resolve does not run
// and the case is never overdue. Needs Mediate at the handling cell.
// Returns Conflict for a case already suspended or not accepted or in
// mediation.
func (s *Service) Suspend(ctx context.Context, actor grid.Actor, id ID, version int64, reason string) (*Case, error) {
	reason, err := fourplusn.Text("reason", reason, maxShortText)
	if err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, grid.Mediate, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		switch {
		case !in(c, Accepted, Mediating):
			return "", nil, conflict(c, "suspended")
		case c.Suspended():
			return "", nil, fourplusn.Errorf(fourplusn.Conflict, "case %s is suspended already", c.ID)
		case len(c.Pauses) >= maxPauses:
			return "", nil, invalid("reason", "the case was already suspended %d times", maxPauses)
		}
		c.Pauses = append(c.Pauses, Pause{From: now, Reason: reason, By: actor.ID})
		return ActionSuspended, map[string]string{"reason": reason}, nil
	})
}

// Resume takes up a suspended case's mediation again: its time to resolve
// runs on from where it stood, so the deadline moves by exactly the time
// it stood still. Needs Mediate at the handling cell. Returns Conflict
// for a case not suspended.
func (s *Service) Resume(ctx context.Context, actor grid.Actor, id ID, version int64) (*Case, error) {
	return s.act(ctx, actor, id, version, grid.Mediate, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		if !c.Suspended() {
			return "", nil, fourplusn.Errorf(fourplusn.Conflict, "case %s is not suspended", c.ID)
		}
		paused := c.endPause(now)
		return ActionResumed, map[string]string{"paused": paused.String(), "resolve_due": c.ResolveDue.Format(time.RFC3339)}, nil
	})
}

// endPause ends the case's open pause at now and moves its time to resolve
// by the time it stood still, which it returns; 0 when no pause is open.
// An action that takes the case out of mediation ends its pause too.
func (c *Case) endPause(now time.Time) time.Duration {
	p := c.openPause()
	if p == nil {
		return 0
	}
	p.To = now
	paused := now.Sub(p.From)
	c.ResolveDue = c.ResolveDue.Add(paused)
	return paused
}
