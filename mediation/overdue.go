package mediation

import (
	"fmt"
	"time"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/work"
)

// Due returns what deadline d of a case, as Deadlines lists it, calls for
// at now (see work.DeadlineRule.Due), and false when nothing is due yet or
// the deadline is none the grid meets (the parties' window for court
// confirmation):
//   - at each of the Reminders' fractions of the time allowed (by default
//     half and four fifths), a reminder to whoever answers for it: its
//     accountable member, or for an application no member has reviewed,
//     the duty officers; otherwise the posts of the cell that may meet it;
//   - once it has passed, a notice to them and to those posts; an alert to
//     the duty officers of an application nobody accepted in time and of a
//     red case left overdue; and for a case not accepted or not resolved in
//     time, its submission upward (Service.AutoEscalate), which does
//     nothing to a case already waiting for review.
func (r Rules) Due(d work.Deadline, now time.Time) (work.Step, bool) {
	rule, ok := deadlineRules.For(d)
	if !ok {
		return work.Step{}, false
	}
	if d.Accountable == "" && d.Kind == AcceptBy {
		rule.Answers = work.ToDuty(d.Cell.Township())
	}
	rule.Alert = d.Kind == AcceptBy || d.Grade == work.Major
	rule.Escalate = d.Kind == AcceptBy || d.Kind == ResolveBy
	rule.Reminders = r.Reminders
	if d.Kind == AcceptBy {
		rule.AlertTitle = fmt.Sprintf("【值班预警】申请 %s 超期未受理", d.Named())
	}
	return rule.Due(d, now)
}

// deadlineRules are the rules of each deadline a post meets: the parties'
// window for court confirmation is none of them.
var deadlineRules = work.DeadlineRules{
	AcceptBy:        caseDeadline("受理", grid.Accept),
	ResolveBy:       caseDeadline("调处", grid.Mediate),
	FollowUpBy:      caseDeadline("回访", grid.Mediate),
	ReviewEscalated: caseDeadline("呈报审核", grid.ApproveEscalation),
}

// caseDeadline is the rule of a case's deadline for what, which the posts
// that may do action meet; the reminders are the township's Rules'.
func caseDeadline(what string, action grid.Action) work.DeadlineRule {
	return work.DeadlineRule{SubjectKind: work.SubjectCase, Noun: "纠纷", What: what, Action: action}
}
