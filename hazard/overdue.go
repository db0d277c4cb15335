package hazard

import (
	"time"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/work"
)

// Due returns what deadline d of a hazard, as Deadlines lists it, calls for
// at now (see work.DeadlineRule.Due), and false when nothing is due yet:
// at each of the Reminders' fractions of the time allowed (by default half
// and four fifths), a reminder to whoever
// answers for it (see Hazard.Accountable), or when nobody in particular
// does, the posts of the cell that must rectify or verify; once it has
// passed, a notice to them and to those posts, and for a red hazard an
// alert to the duty officers.
func (r Rules) Due(d work.Deadline, now time.Time) (work.Step, bool) {
	rule, ok := deadlineRules.For(d)
	if !ok {
		return work.Step{}, false
	}
	rule.Alert, rule.Reminders = d.Grade == work.Major, r.Reminders
	return rule.Due(d, now)
}

// deadlineRules are the rules of each deadline of a hazard; the reminders
// are the township's Rules'.
var deadlineRules = work.DeadlineRules{
	RectifyBy: {SubjectKind: work.SubjectHazard, Noun: "隐患", What: "整改", Action: grid.Rectify},
	VerifyBy:  {SubjectKind: work.SubjectHazard, Noun: "隐患", What: "验收", Action: grid.Verify},
}
