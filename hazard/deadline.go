package hazard

import (
	"slices"
	"time"

	"github.com/fourplusn/fourplusn/work"
)

// The deadlines a hazard runs against. They are work.DeadlineKind
// values so that one tracking view lists cases' and hazards' deadlines
// together.
const (
	RectifyBy work.DeadlineKind = "rectify" // to be rectified (整改)
	VerifyBy  work.DeadlineKind = "verify"  // for the upper post to verify the rectification (验收)
)

// Deadlines lists what is due on hazards at now, most urgent first: what
// must be rectified and what must be verified, each on time, at risk or
// overdue, with who is accountable (see Hazard.Accountable) and the cell
// that must act. Closed and converted hazards have nothing due. It is a
// pure function of its arguments.
func (r Rules) Deadlines(now time.Time, hazards ...*Hazard) []work.Deadline {
	var out []work.Deadline
	for _, h := range hazards {
		d := work.Deadline{Subject: string(h.ID), Grade: h.Grade, Accountable: h.Accountable()}
		switch h.State {
		case Open:
			d.Kind, d.Since, d.Due, d.Cell = RectifyBy, h.rectifySince(), h.RectifyDue, h.Handling
		case Rectified:
			d.Kind, d.Since, d.Due, d.Cell = VerifyBy, h.RectifiedAt, h.VerifyDue, h.VerifyCell()
		default:
			continue
		}
		d.RiskAt, d.Status = work.RiskAt(d.Since, d.Due, r.AtRisk), work.StatusAt(now, d.Since, d.Due, r.AtRisk)
		out = append(out, d)
	}
	slices.SortStableFunc(out, func(a, b work.Deadline) int { return a.Due.Compare(b.Due) })
	return out
}
