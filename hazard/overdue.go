package hazard

import (
	"time"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/work"
)

// defaultReminders are the fractions of the time allowed at which whoever
// answers for a deadline is reminded: at half and at four fifths.
var defaultReminders = []float64{0.5, 0.8}

// Due returns what deadline d of a hazard, as Deadlines lists it, calls for
// at now (see work.DeadlineRule.Due), and false when nothing is due yet:
// at half and at four fifths of the time allowed, a reminder to whoever
// answers for it (see Hazard.Accountable), or when nobody in particular
// does, the posts of the cell that must rectify or verify; once it has
// passed, a notice to them and to those posts, and for a red hazard an
// alert to the duty officers.
func (r Rules) Due(d work.Deadline, now time.Time) (work.Step, bool) {
	action, ok := deadlineActions[d.Kind]
	if !ok {
		return work.Step{}, false
	}
	return work.DeadlineRule{
		SubjectKind: work.SubjectHazard, Noun: "隐患", What: deadlineWords[d.Kind],
		Action: action, Answers: work.AnswersFor(d.Accountable, d.Cell, action), Reminders: defaultReminders,
		Alert: d.Grade == work.Major,
	}.Due(d, now)
}

// deadlineActions are what the posts of a deadline's cell must do to meet
// it.
var deadlineActions = map[work.DeadlineKind]grid.Action{RectifyBy: grid.Rectify, VerifyBy: grid.Verify}

// deadlineWords name the deadlines in notices.
var deadlineWords = map[work.DeadlineKind]string{RectifyBy: "整改", VerifyBy: "验收"}
