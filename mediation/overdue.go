package mediation

import (
	"fmt"
	"time"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/work"
)

// defaultReminders are the fractions of the time allowed at which whoever
// answers for a deadline is reminded: at half and at four fifths.
var defaultReminders = []float64{0.5, 0.8}

// Due returns what deadline d of a case, as Deadlines lists it, calls for
// at now (see work.DeadlineRule.Due), and false when nothing is due yet or
// the deadline is none the grid meets (the parties' window for court
// confirmation):
//   - at half and at four fifths of the time allowed, a reminder to whoever
//     answers for it: its accountable member, or for an application no
//     member has reviewed, the duty officers; otherwise the posts of the
//     cell that may meet it;
//   - once it has passed, a notice to them and to those posts; an alert to
//     the duty officers of an application nobody accepted in time and of a
//     red case left overdue; and for a case not accepted or not resolved in
//     time, its submission upward (Service.AutoEscalate), which does
//     nothing to a case already waiting for review.
func (r Rules) Due(d work.Deadline, now time.Time) (work.Step, bool) {
	action, ok := deadlineActions[d.Kind]
	if !ok {
		return work.Step{}, false
	}
	answers := work.AnswersFor(d.Accountable, d.Cell, action)
	if d.Accountable == "" && d.Kind == AcceptBy {
		answers = work.ToDuty(d.Cell.Township())
	}
	rule := work.DeadlineRule{
		SubjectKind: work.SubjectCase, Noun: "纠纷", What: deadlineWords[d.Kind],
		Action: action, Answers: answers, Reminders: defaultReminders,
		Alert:    d.Kind == AcceptBy || d.Grade == work.Major,
		Escalate: d.Kind == AcceptBy || d.Kind == ResolveBy,
	}
	if d.Kind == AcceptBy {
		rule.AlertTitle = fmt.Sprintf("【值班预警】申请 %s 超期未受理", d.Subject)
	}
	return rule.Due(d, now)
}

// deadlineActions are what the posts of a deadline's cell must do to meet
// it. The parties' window for court confirmation has none: no post meets
// it.
var deadlineActions = map[work.DeadlineKind]grid.Action{
	AcceptBy: grid.Accept, ResolveBy: grid.Mediate, FollowUpBy: grid.Mediate, ReviewEscalated: grid.ApproveEscalation,
}

// deadlineWords name the deadlines in notices.
var deadlineWords = map[work.DeadlineKind]string{
	AcceptBy: "受理", ResolveBy: "调处", FollowUpBy: "回访", ReviewEscalated: "呈报审核",
}
