package kernel

import (
	"context"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// maxReason is the longest reason a handover may give, in characters:
// room for the reasons the grid's administration writes, which name two
// cells or members of up to a hundred characters each.
const maxReason = 500

// HandOver moves open record h.Item.ID as the grid's administration
// decided: to a successor who answers for it in place of the member who
// did (交接), to a cell that takes over the work of a retired one, or with
// its subtree to where that moved. Each is an event on the record's
// timeline, with the handover's reason. Needs ManageGrid where the record
// is handled; returns NotFound for a record of another township, Conflict
// for one that has ended or whose member has changed since it was listed,
// and Invalid for a handover that names nothing to do.
func (rs Records[R, ID]) HandOver(ctx context.Context, actor grid.Actor, h grid.Handover) error {
	reason, err := fourplusn.Text("reason", h.Reason, maxReason)
	if err != nil {
		return err
	}
	_, err = rs.Store.Update(ctx, ID(h.Item.ID), 0, func(r R) ([]timeline.Event, error) {
		s := rs.Kind.Subject(r)
		if s.Township != actor.Township {
			return nil, fourplusn.Errorf(fourplusn.NotFound, "%s %s not found", rs.Noun, s.ID)
		}
		if err := rs.Policy.Can(actor, grid.ManageGrid, grid.Target{Cell: s.Handling}); err != nil {
			return nil, err
		}
		if !s.Open {
			return nil, fourplusn.Errorf(fourplusn.Conflict, "%s %s has ended; it is nobody's to hand over", rs.Noun, s.ID)
		}
		action, details, err := rs.move(r, s, h)
		if err != nil {
			return nil, err
		}
		details["reason"] = reason
		return []timeline.Event{rs.Record(r, actor, action, "", rs.Now().UTC(), details)}, nil
	})
	return err
}

// move changes r, which the grid sees as s, as h says, and returns the
// event's action and details.
func (rs Records[R, ID]) move(r R, s Subject, h grid.Handover) (timeline.Action, map[string]string, error) {
	switch {
	case h.To != "":
		if s.Accountable != string(h.Item.Accountable) {
			return "", nil, fourplusn.Errorf(fourplusn.Conflict, "%s %s is answered for by %q now, not %q", rs.Noun, s.ID, s.Accountable, h.Item.Accountable)
		}
		rs.Kind.HandTo(r, string(h.To))
		return work.ActionHandedOver, map[string]string{"from": s.Accountable, "to": string(h.To)}, nil
	case !h.Cell.IsZero():
		if h.Cell.Township() != s.Township {
			return "", nil, fourplusn.FieldError("cell", "cell %s is of another township", h.Cell)
		}
		rs.Kind.Reassign(r, h.Cell)
		return work.ActionReassigned, map[string]string{"from": s.Handling.String(), "to": h.Cell.String()}, nil
	case !h.From.IsZero() && !h.Onto.IsZero():
		rs.Kind.Relocate(r, h.From, h.Onto)
		return work.ActionRelocated, map[string]string{"from": h.From.String(), "to": h.Onto.String()}, nil
	}
	return "", nil, fourplusn.FieldError("handover", "a handover names a successor, a cell, or a moved subtree")
}
