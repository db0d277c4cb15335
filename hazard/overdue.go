package hazard

import (
	"time"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/work"
)

// Due returns what deadline d of a hazard, as Deadlines lists it, calls for
// at now (see work.DeadlineRule.Due), and false when nothing is due yet:
// at half and at four fifths of the time allowed, a reminder to whoever
// answers for it (see Hazard.Accountable), or when nobody in particular
// does, the posts of the cell that must rectify or verify; once it has
// passed, a notice to them and to those posts, and for a red hazard an
// alert to the duty officers.
func (r Rules) Due(d work.Deadline, now time.Time) (work.Step, bool) {
	rule, ok := deadlineRules.For(d)
	if !ok {
		return work.Step{}, false
	}
	rule.Alert = d.Grade == work.Major
	return rule.Due(d, now)
}

// deadlineRules are the rules of each deadline of a hazard, with the
// default reminders.
var deadlineRules = work.DeadlineRules{
	RectifyBy: {SubjectKind: work.SubjectHazard, Noun: "隐患", What: "整改", Action: grid.Rectify, Reminders: work.DefaultReminders()},
	VerifyBy:  {SubjectKind: work.SubjectHazard, Noun: "隐患", What: "验收", Action: grid.Verify, Reminders: work.DefaultReminders()},
}
