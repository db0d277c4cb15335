package mediation

import (
	"slices"
	"time"

	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// Case is a dispute case. Its fields are exported so that stores can save
// and load it; everyone else reads them and changes a case only through the
// Service, which keeps its state, its version and its timeline together.
type Case struct {
	ID           ID
	Number       Number // what people call it and file it by: 古调〔2026〕58号
	TrackingCode string // what a resident quotes to follow their case; secret-ish
	Version      int64  // raised by the store on every update
	Township     grid.CellID

	Channel     work.Channel
	ReferredBy  string
	Category    Category
	Applicants  []Party
	Respondents []Party
	Facts       string
	Claims      []Claim
	Risks       RiskFlags
	Grade       work.Grade
	// Grading are the rules that gave it its grade and its handling
	// cell, as they applied when it was registered or given new risks.
	Grading []work.Reason
	Hazard  string // the hazard report it grew from, if any

	Location grid.Path // where it arose; zero when outside the township
	Outside  string    // where it arose, in words, when outside the township
	Handling grid.Path // the cell whose posts handle it

	FirstResponder     string    // the actor who first registered or reviewed it
	FirstResponderCell grid.Path // the post through which they did
	Applicant          string    // the resident who applied online, if any
	Consent            *Consent  // the applicant's consent to the privacy notice, for an online application

	State        State
	RegisteredAt time.Time
	AcceptedAt   time.Time
	AcceptedBy   string
	ResolvedAt   time.Time // when it reached agreed, failed, withdrawn, rejected or transferred out
	ClosedAt     time.Time
	AcceptDue    time.Time
	ResolveDue   time.Time

	Escalation  *Escalation // the escalation waiting for review, if any
	Escalations int         // how many times it was submitted upward
	Transfers   int         // how many times it was transferred to another cell
	Extensions  []Extension
	Pauses      []Pause // the times mediation stood still while a party was awaited, oldest first
	Team        []Participant
	Sessions    []Session
	Planned     []PlannedSession // sessions fixed for a time, with their invitations, in the order first planned
	Agreement   *Agreement       // the agreement in effect: an oral one, or a written one signed in full
	Draft       *Agreement       // a written agreement drafted and not yet in effect
	Superseded  []Agreement      // agreements once in effect that later ones replaced, oldest first
	Failure     *Failure
	Rejection   *Rejection
	Withdrawal  string
	TransferOut *OutsideBody
	FollowUps   []FollowUp
	Attachments []attachment.Attachment // files attached, in the order attached
	Rights      []RightsGiven           // the notice of rights and duties given to each party, in the order given

	// DuplicateOf is the case this one was linked to as the same dispute
	// received again; it was closed so (see LinkDuplicate) and counts in
	// no figure.
	DuplicateOf  ID        `json:",omitempty"`
	AlsoReceived []Receipt `json:",omitempty"` // the duplicates linked to this case, in the order linked
	KeptApart    []Apart   `json:",omitempty"` // the likely duplicates decided to be other disputes

	Chain timeline.Chain // the end of the case's timeline

	// Masked marks a copy presented to a viewer who may not see personal
	// data, with the parties' particulars masked. It is never stored.
	Masked bool `json:"-"`
}

// OutOfJurisdiction reports whether the dispute arose outside the township
// and is handled by its first responder under first-inquiry responsibility.
func (c *Case) OutOfJurisdiction() bool { return c.Location.IsZero() }

// Accountable returns who answers for the case now: the first responder
// until a competent handler has accepted it, then that handler. It is ""
// for an online application no member has yet reviewed: the duty watch
// answers for those.
func (c *Case) Accountable() string {
	if c.AcceptedBy != "" {
		return c.AcceptedBy
	}
	return c.FirstResponder
}

// Parties returns a copy of the applicants followed by the respondents.
func (c *Case) Parties() []Party {
	return ownAgents(slices.Concat(c.Applicants, c.Respondents))
}

// Overdue reports whether the case is past its deadline at t: not accepted
// by AcceptDue, or not resolved by ResolveDue and not suspended, which
// stops that deadline.
func (c *Case) Overdue(t time.Time) bool {
	switch c.State {
	case Registered:
		return t.After(c.AcceptDue)
	case Accepted, Mediating:
		return !c.Suspended() && t.After(c.ResolveDue)
	}
	return false
}

// Clone returns a deep copy of c, so that a store can hand out cases without
// sharing memory with what it keeps.
func (c *Case) Clone() *Case {
	d := *c
	d.Applicants = cloneParties(c.Applicants)
	d.Respondents = cloneParties(c.Respondents)
	d.Claims = slices.Clone(c.Claims)
	d.Extensions = slices.Clone(c.Extensions)
	d.Pauses = slices.Clone(c.Pauses)
	d.Team = slices.Clone(c.Team)
	d.Sessions = slices.Clone(c.Sessions)
	for i := range d.Sessions {
		d.Sessions[i].Attendees = slices.Clone(c.Sessions[i].Attendees)
	}
	d.Planned = clonePlanned(c.Planned)
	d.FollowUps = slices.Clone(c.FollowUps)
	d.Attachments = slices.Clone(c.Attachments)
	d.Grading = slices.Clone(c.Grading)
	d.Rights = slices.Clone(c.Rights)
	d.AlsoReceived = slices.Clone(c.AlsoReceived)
	d.KeptApart = slices.Clone(c.KeptApart)
	d.Escalation = clonePtr(c.Escalation)
	d.Failure = clonePtr(c.Failure)
	d.Rejection = clonePtr(c.Rejection)
	d.TransferOut = clonePtr(c.TransferOut)
	d.Consent = clonePtr(c.Consent)
	d.Agreement = c.Agreement.clone()
	d.Draft = c.Draft.clone()
	if c.Superseded != nil {
		d.Superseded = make([]Agreement, len(c.Superseded))
		for i := range c.Superseded {
			d.Superseded[i] = *c.Superseded[i].clone()
		}
	}
	return &d
}

// lastRevision returns the revision of c's latest agreement text, draft
// or not; 0 if it has none.
func (c *Case) lastRevision() int {
	n := 0
	for _, a := range c.agreements() {
		n = max(n, a.Revision)
	}
	return n
}

// agreements returns every agreement of c: the superseded ones, the one
// in effect and the draft, each that there is, in that order.
func (c *Case) agreements() []*Agreement {
	var out []*Agreement
	for i := range c.Superseded {
		out = append(out, &c.Superseded[i])
	}
	for _, a := range []*Agreement{c.Agreement, c.Draft} {
		if a != nil {
			out = append(out, a)
		}
	}
	return out
}

// cloneParties returns a copy of ps sharing no memory with it.
func cloneParties(ps []Party) []Party { return ownAgents(slices.Clone(ps)) }

// ownAgents gives each of ps, a copy of parties, its own copy of their
// agents, and returns ps.
func ownAgents(ps []Party) []Party {
	for i := range ps {
		ps[i].Agents = slices.Clone(ps[i].Agents)
	}
	return ps
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// target is the case as the grid policy sees it: its handling cell and the
// resident who owns it.
func (c *Case) target() grid.Target {
	return grid.Target{Cell: c.Handling, Owner: c.Applicant}
}
