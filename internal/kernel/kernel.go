// Package kernel holds the steps the case and the hazard services share,
// written once: get a record, ask whether the actor may see it, present it
// as they may see it; act on it once the actor is authorized, and record
// the change on its timeline in the same write; list what lies within the
// actor's scope; hand open work over as the grid's administration decides.
//
// A service gives its Records the store it keeps and a Kind, which says
// what the kernel needs to know of one record: where it lies and who took
// it in, its timeline's head, how the actor may see it, how a handover
// moves it. The kernel holds no rule of mediation or of hazards; those
// stay in the transitions each service passes to Act.
package kernel

import (
	"context"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// Subject is a record as the grid sees it.
type Subject struct {
	ID       string
	Township grid.CellID
	// Handling is the cell that handles the record.
	Handling grid.Path
	// Location is where the record arose; zero for a case from outside
	// the township.
	Location grid.Path
	// Owner is the resident who applied or reported online, if one did.
	Owner string
	// Taker is the member who took the record in: a case's first
	// responder, a hazard's reporter. They keep sight of it wherever it
	// goes.
	Taker string
	// Accountable is the member who answers for the record now.
	Accountable string
	// Open reports whether the record is still somebody's work.
	Open bool
}

// Kind is what Records needs to know of one kind of record.
type Kind[R any] interface {
	// Subject returns r as the grid sees it.
	Subject(r R) Subject
	// Chain returns the head of r's timeline, which Record extends.
	Chain(r R) *timeline.Chain
	// Present returns r, which the store handed out and so is the
	// caller's to change, as actor may see it.
	Present(actor grid.Actor, r R) R
	// PresentEvents returns the events of r's timeline, which the store
	// handed out, as the viewer r was presented to may see them: r is as
	// Present returned it.
	PresentEvents(r R, events []timeline.Event) []timeline.Event
	// HandTo makes member answer for r in place of whoever does.
	HandTo(r R, member string)
	// Reassign makes cell handle r.
	Reassign(r R, cell grid.Path)
	// Relocate moves every cell of r that lies under from onto onto.
	Relocate(r R, from, onto grid.Path)
}

// Records are the stored records of one kind as a service works on them.
type Records[R any, ID ~string] struct {
	// Noun is what errors call a record: "case", "hazard".
	Noun   string
	Store  work.Store[R, ID]
	Policy *grid.Policy
	Kind   Kind[R]
	// Now is the service's clock.
	Now func() time.Time
	// Files, if set, holds the files the records' events add, which
	// CheckTimeline checks too.
	Files attachment.Files
	// Quota bounds each record's files; zero is attachment.DefaultQuota.
	Quota attachment.Quota
}

// Change is a transition: it checks the record's state and input and
// changes the record, returning the action and details of its event.
type Change[R any] func(r R, now time.Time) (action timeline.Action, details map[string]string, err error)

// Get returns record id as actor may see it. Returns Unauthorized without
// an actor and NotFound for a record the actor may not see.
func (rs Records[R, ID]) Get(ctx context.Context, actor grid.Actor, id ID) (R, error) {
	r, err := rs.Store.Get(ctx, id)
	if err == nil {
		err = rs.CanView(actor, r)
	}
	if err != nil {
		var zero R
		return zero, err
	}
	return rs.Kind.Present(actor, r), nil
}

// Timeline returns the events of record id, oldest first, after checking
// that actor may see it as Get does, and as they may see them.
func (rs Records[R, ID]) Timeline(ctx context.Context, actor grid.Actor, id ID) ([]timeline.Event, error) {
	r, err := rs.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	events, err := rs.Store.Events(ctx, id)
	if err != nil {
		return nil, err
	}
	return rs.Kind.PresentEvents(r, events), nil
}

// CheckTimeline checks the hash chain of record id's timeline against the head
// the record keeps, after checking that actor may see it as Get does, and
// with Files set, that every file its events add is there and hashes to
// the sum they record. Returns nil when intact and an error matching
// timeline.ErrBroken when not.
func (rs Records[R, ID]) CheckTimeline(ctx context.Context, actor grid.Actor, id ID) error {
	r, err := rs.Store.Get(ctx, id)
	if err != nil {
		return err
	}
	if err := rs.CanView(actor, r); err != nil {
		return err
	}
	events, err := rs.Store.Events(ctx, id)
	if err != nil {
		return err
	}
	if err := timeline.Verify(string(id), events, *rs.Kind.Chain(r)); err != nil || rs.Files == nil {
		return err
	}
	return attachment.Check(ctx, rs.Files, string(id), events)
}

// CanView reports whether actor may see r, as NotFound when not. Anyone
// who may view its handling cell (a resident: as its owner) or its
// location may see it, as may the member who took it in.
func (rs Records[R, ID]) CanView(actor grid.Actor, r R) error {
	if actor.Kind == grid.Anonymous {
		return grid.ErrNoActor
	}
	s := rs.Kind.Subject(r)
	if rs.Policy.Can(actor, grid.View, grid.Target{Cell: s.Handling, Owner: s.Owner}) == nil ||
		!s.Location.IsZero() && rs.Policy.Can(actor, grid.View, grid.Target{Cell: s.Location}) == nil ||
		actor.Kind == grid.Staff && actor.ID == s.Taker && actor.Township == s.Township {
		return nil
	}
	return fourplusn.Errorf(fourplusn.NotFound, "%s %s not found", rs.Noun, s.ID)
}

// Authorize checks that actor may do need at target to r: NotFound if
// they may not even see r, the policy's refusal otherwise.
func (rs Records[R, ID]) Authorize(actor grid.Actor, need grid.Action, target grid.Target, r R) error {
	if err := rs.CanView(actor, r); err != nil {
		return err
	}
	return rs.Policy.Can(actor, need, target)
}

// Act runs fn on record id at the given version (0 for whatever is
// current) once actor is authorized to do need at the target at returns
// for it. The change and its event are stored together, or not at all;
// the record is returned as actor may see it.
func (rs Records[R, ID]) Act(ctx context.Context, actor grid.Actor, id ID, version int64, need grid.Action, at func(R) grid.Target, fn Change[R]) (R, error) {
	return rs.act(ctx, actor, id, version, func(r R) error { return rs.Authorize(actor, need, at(r), r) }, fn)
}

// act is Act with what authorizes actor on the record as it is.
func (rs Records[R, ID]) act(ctx context.Context, actor grid.Actor, id ID, version int64, authorize func(R) error, fn Change[R]) (R, error) {
	r, err := rs.Store.Update(ctx, id, version, func(r R) ([]timeline.Event, error) {
		if err := authorize(r); err != nil {
			return nil, err
		}
		now := rs.Now().UTC()
		action, details, err := fn(r, now)
		if err != nil {
			return nil, err
		}
		return []timeline.Event{rs.Record(r, actor, action, "", now, details)}, nil
	})
	if err != nil {
		var zero R
		return zero, err
	}
	return rs.Kind.Present(actor, r), nil
}

// Record appends an event to r's timeline and returns it sealed. The
// channel is the intake channel of a record's first event, "" for the
// platform.
func (rs Records[R, ID]) Record(r R, actor grid.Actor, action timeline.Action, channel string, at time.Time, details map[string]string) timeline.Event {
	chain := rs.Kind.Chain(r)
	var e timeline.Event
	e, *chain = chain.Append(timeline.Event{
		Subject: rs.Kind.Subject(r).ID,
		At:      at,
		Actor:   actor.ID,
		Action:  action,
		Channel: channel,
		Details: details,
	})
	return e
}
