package hazard

import (
	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/internal/kernel"
	"github.com/fourplusn/fourplusn/timeline"
)

// kind tells the kernel what it needs to know of a hazard.
type kind struct{ policy *grid.Policy }

func (kind) Subject(h *Hazard) kernel.Subject { return h.subject() }

func (kind) Chain(h *Hazard) *timeline.Chain { return &h.Chain }

// Present masks the reporter's contact unless the actor may see personal
// data at the handling cell.
func (k kind) Present(actor grid.Actor, h *Hazard) *Hazard {
	if h.Contact == "" || actor.Kind == grid.Staff && k.policy.Can(actor, grid.ViewPersonal, grid.Target{Cell: h.Handling}) == nil {
		return h
	}
	h.Masked = true
	h.Contact = fourplusn.MaskPhone(h.Contact)
	return h
}

// PresentEvents returns the events as they are: a hazard's events hold no
// personal data, its reporter's contact included.
func (kind) PresentEvents(_ *Hazard, events []timeline.Event) []timeline.Event { return events }

// HandTo makes member the hazard's Assignee.
func (kind) HandTo(h *Hazard, member string) { h.Assignee = member }

func (kind) Reassign(h *Hazard, cell grid.Path) { h.Handling = cell }

func (kind) Relocate(h *Hazard, from, onto grid.Path) {
	h.Location = grid.Rebase(h.Location, from, onto)
	h.Handling = grid.Rebase(h.Handling, from, onto)
	h.ReporterCell = grid.Rebase(h.ReporterCell, from, onto)
}

// subject is h as the grid sees it. A hazard is open work until it is
// verified or converted.
func (h *Hazard) subject() kernel.Subject {
	return kernel.Subject{
		ID: string(h.ID), Township: h.Township, Handling: h.Handling, Location: h.Location,
		Owner: h.Owner, Taker: h.Reporter, Accountable: h.Accountable(), Open: !h.State.Finished(),
	}
}
