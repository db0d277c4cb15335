package work

import (
	"time"

	"github.com/fourplusn/fourplusn/grid"
)

// DeadlineKind is what a deadline is for: each kind of work names its
// own (mediation.AcceptBy, hazard.RectifyBy, …).
type DeadlineKind string

// Status is how a deadline stands at a given time.
type Status string

// The statuses of a deadline.
const (
	OnTime  Status = "on_time"
	AtRisk  Status = "at_risk" // past the rules' AtRisk fraction of the time allowed
	Overdue Status = "overdue"
)

// Deadline is one thing due on one case or hazard, and who answers for it.
// Cases and hazards share it so that one tracking view lists both.
type Deadline struct {
	Subject string // the case's or hazard's ID
	Name    string // what people call the subject, a case's number; "" when it is known by its ID
	Kind    DeadlineKind
	Since   time.Time // when the time allowed began
	Due     time.Time
	RiskAt  time.Time // when it comes to be at risk: see RiskAt
	// Lapses is set for a deadline that is a window rather than a duty —
	// the parties' time to ask a court to confirm their agreement: past
	// due it is gone, not overdue.
	Lapses      bool
	Status      Status
	Accountable string    // the actor who answers for it; "" for the duty watch
	Cell        grid.Path // the cell that must act
	Grade       Grade
}

// Named returns what people call the deadline's subject: its Name, or
// its ID when it has none.
func (d Deadline) Named() string {
	if d.Name != "" {
		return d.Name
	}
	return d.Subject
}

// StatusAt returns how a deadline that runs from since to due stands at
// now: overdue after due, at risk once the fraction atRisk of the time
// allowed has passed, on time before.
func StatusAt(now, since, due time.Time, atRisk float64) Status {
	switch {
	case now.After(due):
		return Overdue
	case !now.Before(RiskAt(since, due, atRisk)):
		return AtRisk
	}
	return OnTime
}

// RiskAt returns when a deadline that runs from since to due comes to be
// at risk: once the fraction atRisk of the time allowed has passed. Stores
// index deadlines by it, so that what is at risk or overdue is found
// without reading what is not.
func RiskAt(since, due time.Time, atRisk float64) time.Time {
	return since.Add(time.Duration(atRisk * float64(due.Sub(since))))
}
