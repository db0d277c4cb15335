package mediation

import (
	"slices"

	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/internal/kernel"
	"github.com/fourplusn/fourplusn/timeline"
)

// kind tells the kernel what it needs to know of a case.
type kind struct{ policy *grid.Policy }

func (kind) Subject(c *Case) kernel.Subject { return c.subject() }

func (kind) Chain(c *Case) *timeline.Chain { return &c.Chain }

// Present masks the parties' personal data unless the actor may see
// personal data at the case's handling cell.
func (k kind) Present(actor grid.Actor, c *Case) *Case {
	if actor.Kind == grid.Staff && k.policy.Can(actor, grid.ViewPersonal, c.target()) == nil {
		return c
	}
	c.Masked = true
	// Identity documents are personal data: to a masked viewer they are
	// not there.
	c.Attachments = slices.DeleteFunc(slices.Clone(c.Attachments), func(a attachment.Attachment) bool { return a.Kind.Personal() })
	maskParties(c.Applicants, c.RegisteredAt)
	maskParties(c.Respondents, c.RegisteredAt)
	for _, a := range c.agreements() {
		a.mask()
	}
	return c
}

// PresentEvents masks the personal particulars a correction's details
// hold, before and after, when the case was presented masked. No other
// event of a case holds personal data. A masked event no longer hashes
// to its seal: CheckTimeline checks the stored ones.
func (kind) PresentEvents(c *Case, events []timeline.Event) []timeline.Event {
	if !c.Masked {
		return events
	}
	for i := range events {
		if events[i].Action == ActionCorrected {
			events[i].Details = maskCorrection(events[i].Details)
		}
	}
	return events
}

// HandTo makes member answer for c: its accepting handler once one has
// accepted it, its first responder before.
func (kind) HandTo(c *Case, member string) {
	if c.AcceptedBy != "" {
		c.AcceptedBy = member
	} else {
		c.FirstResponder = member
	}
}

// Reassign moves c to cell, and its escalation's origin with it.
func (kind) Reassign(c *Case, cell grid.Path) {
	if c.Escalation != nil && c.Handling == c.Escalation.From {
		c.Escalation.From = cell
	}
	c.Handling = cell
}

func (kind) Relocate(c *Case, from, onto grid.Path) {
	c.Location = grid.Rebase(c.Location, from, onto)
	c.Handling = grid.Rebase(c.Handling, from, onto)
	c.FirstResponderCell = grid.Rebase(c.FirstResponderCell, from, onto)
	if e := c.Escalation; e != nil {
		e.From, e.To = grid.Rebase(e.From, from, onto), grid.Rebase(e.To, from, onto)
	}
}

// subject is c as the grid sees it.
func (c *Case) subject() kernel.Subject {
	return kernel.Subject{
		ID: string(c.ID), Township: c.Township, Handling: c.Handling, Location: c.Location,
		Owner: c.Applicant, Taker: c.FirstResponder, Accountable: c.Accountable(), Open: !c.State.Ended(),
	}
}
