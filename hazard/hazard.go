package hazard

import (
	"slices"
	"time"

	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// Hazard is a safety hazard (安全隐患). Its fields are exported so that
// stores can save and load it; everyone else reads them and changes a hazard
// only through the Service, which keeps its state, its version and its
// timeline together.
type Hazard struct {
	ID       ID
	Version  int64 // raised by the store on every update
	Township grid.CellID

	Category Category
	Grade    work.Grade
	// Grading are the rules that gave it its grade and its handling cell
	// as they applied when it was reported (GradeReasons), and, once a
	// dispute lead became a case, a reason saying so. A hazard reported
	// before hazards kept their reasons has none: they are not made up
	// when it is read, since the rules may have changed since and whether
	// its reporter chose its grade was not recorded.
	Grading     []work.Reason
	Description string
	Photos      []string // references to photos of the hazard as found
	Channel     work.Channel
	ReferredBy  string // who passed a referral on (Report.ReferredBy)

	Location grid.Path // where it was found
	Handling grid.Path // the cell whose posts rectify it

	Reporter     string    // the actor who reported it (吹哨人)
	ReporterCell grid.Path // the post through which a member reported it; zero for a resident
	Owner        string    // the resident who reported it online, if any
	Contact      string    // the reporter's mobile number; personal data
	// Assignee is the member who took the hazard over (交接) from the one
	// who answered for it, when that one gave up their post; cleared when
	// it is next rectified.
	Assignee string

	State      State
	OnTheSpot  bool // rectified on the spot by the reporter (当场整改)
	ReportedAt time.Time
	RectifyDue time.Time // when the current rectification is due
	ReopenedAt time.Time // when a failed verification last reopened it
	Reopens    int       // how many verifications failed
	// RectifiedAt is when it was last rectified; VerifyDue when that
	// rectification is to be verified by.
	RectifiedAt    time.Time
	VerifyDue      time.Time
	ClosedAt       time.Time
	Rectifications []Rectification         // oldest first
	Verifications  []Verification          // oldest first
	Attachments    []attachment.Attachment // files attached, in the order attached

	Case        mediation.ID // the mediation case a dispute lead became
	ConvertedAt time.Time
	ConvertedBy string

	Chain timeline.Chain // the end of the hazard's timeline

	// Masked marks a copy presented to a viewer who may not see personal
	// data, with the reporter's contact masked. It is never stored.
	Masked bool `json:"-"`
}

// VerifyCell returns the cell whose posts verify the hazard's rectification:
// the parent of its handling cell, so that an upper post checks the work;
// the handling cell itself when that is a township, which has no parent.
func (h *Hazard) VerifyCell() grid.Path {
	if h.Handling.Level() <= 1 {
		return h.Handling
	}
	return h.Handling.Parent()
}

// Accountable returns who answers for the hazard's next step, when that is
// a person rather than a cell: for an open hazard, the member it was
// handed over to, if it was; else the member who last rectified it if a
// verification reopened it, otherwise the member who reported it if they
// did so through a post of the handling cell. It is "" when the posts of a
// cell answer together: an open hazard reported from elsewhere, and every
// rectified one, which the upper cell verifies.
func (h *Hazard) Accountable() string {
	if h.State != Open {
		return ""
	}
	if h.Assignee != "" {
		return h.Assignee
	}
	if n := len(h.Rectifications); n > 0 {
		return h.Rectifications[n-1].By
	}
	if h.Owner == "" && h.ReporterCell == h.Handling {
		return h.Reporter
	}
	return ""
}

// rectifySince is when the time allowed for the current rectification
// began: the report, or the failed verification that reopened the hazard.
func (h *Hazard) rectifySince() time.Time {
	if !h.ReopenedAt.IsZero() {
		return h.ReopenedAt
	}
	return h.ReportedAt
}

// Overdue reports whether the hazard is past its deadline at t: not
// rectified by RectifyDue, or not verified by VerifyDue.
func (h *Hazard) Overdue(t time.Time) bool {
	switch h.State {
	case Open:
		return t.After(h.RectifyDue)
	case Rectified:
		return t.After(h.VerifyDue)
	}
	return false
}

// Clone returns a deep copy of h, so that a store can hand out hazards
// without sharing memory with what it keeps.
func (h *Hazard) Clone() *Hazard {
	d := *h
	d.Grading = slices.Clone(h.Grading)
	d.Photos = slices.Clone(h.Photos)
	d.Attachments = slices.Clone(h.Attachments)
	d.Rectifications = slices.Clone(h.Rectifications)
	for i := range d.Rectifications {
		d.Rectifications[i].Photos = slices.Clone(h.Rectifications[i].Photos)
	}
	d.Verifications = slices.Clone(h.Verifications)
	return &d
}
