package mediation

import (
	"fmt"
	"slices"
	"time"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/work"
)

// The deadlines a case runs against.
const (
	AcceptBy        work.DeadlineKind = "accept"             // to be accepted (受理)
	ResolveBy       work.DeadlineKind = "resolve"            // to reach an outcome
	FollowUpBy      work.DeadlineKind = "follow_up"          // to visit after the agreement
	CourtConfirmBy  work.DeadlineKind = "court_confirmation" // the parties' window for 司法确认
	ReviewEscalated work.DeadlineKind = "review_escalation"  // for the upper level to review a submission
)

// Deadlines lists what is due on cases at now, most urgent first: what must
// be accepted, resolved, followed up or reviewed, each on time, at risk or
// overdue, with who is accountable. Reminders and the level 1–2 tracking
// view (跟踪问效) are built on it. It is a pure function of its arguments.
func (r Rules) Deadlines(now time.Time, cases ...*Case) []work.Deadline {
	var out []work.Deadline
	add := func(c *Case, kind work.DeadlineKind, since, due time.Time, who string, cell grid.Path) {
		out = append(out, work.Deadline{
			Subject: string(c.ID), Name: c.Number.String(), Kind: kind, Since: since, Due: due,
			RiskAt: work.RiskAt(since, due, r.AtRisk), Lapses: kind == CourtConfirmBy, Status: r.status(now, since, due),
			Accountable: who, Cell: cell, Grade: c.Grade,
		})
	}
	for _, c := range cases {
		switch c.State {
		case Registered:
			add(c, AcceptBy, c.RegisteredAt, c.AcceptDue, c.Accountable(), c.Handling)
		case Accepted, Mediating:
			if !c.Suspended() { // a suspended case's time to resolve stands still
				add(c, ResolveBy, c.AcceptedAt, c.ResolveDue, c.Accountable(), c.Handling)
			}
		case Agreed:
			if len(c.FollowUps) == 0 {
				add(c, FollowUpBy, c.ResolvedAt, r.followUpDue(c), c.Accountable(), c.Handling)
			}
			if due := c.Agreement.CourtConfirmationDeadline(); !due.IsZero() && now.Before(due) {
				add(c, CourtConfirmBy, c.Agreement.EffectiveAt, due, c.Accountable(), c.Handling)
			}
		}
		if e := c.Escalation; e != nil {
			add(c, ReviewEscalated, e.At, r.Grades[c.Grade].acceptDue(e.At, r.Calendar), "", e.To)
		}
	}
	slices.SortStableFunc(out, func(a, b work.Deadline) int { return a.Due.Compare(b.Due) })
	return out
}

// followUpDue is when an agreement should first be visited: by its
// performance deadline, or a week after it took effect if it has none.
func (r Rules) followUpDue(c *Case) time.Time {
	if !c.Agreement.PerformBy.IsZero() {
		return c.Agreement.PerformBy
	}
	return c.Agreement.EffectiveAt.Add(7 * 24 * time.Hour)
}

func (r Rules) status(now, since, due time.Time) work.Status {
	return work.StatusAt(now, since, due, r.AtRisk)
}

// escalationDue reports whether c must be submitted upward at now, and why:
// a passed deadline, a grade above its level, or stalled mediation. A case
// at level 1, or with an escalation already waiting, is never due.
func (r Rules) escalationDue(c *Case, now time.Time) (string, bool) {
	if !c.State.Open() || c.Escalation != nil || c.Handling.Level() == 1 {
		return "", false
	}
	if c.Overdue(now) {
		if c.State == Registered {
			return fmt.Sprintf("not accepted by %s", c.AcceptDue.Format(time.RFC3339)), true
		}
		return fmt.Sprintf("not resolved by %s", c.ResolveDue.Format(time.RFC3339)), true
	}
	if reason, ok := r.outgrown(c); ok {
		return reason, true
	}
	return r.stalled(c)
}

// outgrown reports whether c's grade belongs to a level above its handling
// cell.
func (r Rules) outgrown(c *Case) (string, bool) {
	if l := r.Grades[c.Grade].Level; l < c.Handling.Level() && !c.OutOfJurisdiction() {
		return fmt.Sprintf("grade %s is handled at level %d", c.Grade, l), true
	}
	return "", false
}

// stalled reports whether c's last FailedSessions sessions all made no
// progress and the case can still go up.
func (r Rules) stalled(c *Case) (string, bool) {
	n := len(c.Sessions)
	if n < r.FailedSessions || c.Handling.Level() == 1 || c.Escalation != nil {
		return "", false
	}
	for _, s := range c.Sessions[n-r.FailedSessions:] {
		if s.Outcome != NoProgress {
			return "", false
		}
	}
	return fmt.Sprintf("%d sessions in a row without progress", r.FailedSessions), true
}
