package mediation

import (
	"context"

	"github.com/fourplusn/fourplusn/work"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
)

var _ grid.Work = (*Service)(nil)

// Ended reports whether a case in state s needs nobody any more: closed,
// or rejected at review. Every other case, waiting for its follow-up or
// its closing included, is open work someone answers for.
func (s State) Ended() bool { return s == Closed || s == Rejected }

// unended lists the states of open work.
func unended() []State {
	var out []State
	for _, st := range States() {
		if !st.Ended() {
			out = append(out, st)
		}
	}
	return out
}

// OpenWork returns the cases of township that are not ended and that q
// selects: those handled in the subtree of q.Within, or those q.Member
// answers for. It is what the grid's administration asks before a change
// that could leave cases behind, and asks no policy: the grid's Service
// has checked ManageGrid.
func (s *Service) OpenWork(ctx context.Context, township grid.CellID, q grid.WorkQuery) ([]grid.WorkItem, error) {
	f := Filter{Township: township, States: unended(), Limit: work.MaxPage}
	if q.Member != "" {
		f.FirstResponder, f.Within = string(q.Member), q.Scope
	} else {
		f.Within = []grid.Path{q.Within}
	}
	var out []grid.WorkItem
	for {
		page, err := s.Store.List(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, c := range page.Cases {
			switch {
			case q.Member != "" && c.Accountable() != string(q.Member),
				q.Member == "" && !q.Within.Contains(c.Handling):
				continue
			}
			out = append(out, workItem(c))
		}
		if page.Next == "" {
			return out, nil
		}
		f.Before = page.Next
	}
}

func workItem(c *Case) grid.WorkItem {
	via := c.FirstResponderCell
	if c.AcceptedBy != "" {
		via = c.Handling
	}
	return grid.WorkItem{
		Kind: "case", ID: string(c.ID), Category: string(c.Category), Since: c.RegisteredAt,
		Handling: c.Handling, Accountable: grid.MemberID(c.Accountable()), Via: via,
	}
}

// HandOver moves an open case as the grid's administration decided: to a
// successor who answers for it in place of the member who did (交接), to a
// cell that takes over the work of a retired one, or with its subtree to
// where that moved. Each is an event on the case's timeline. Needs
// ManageGrid where the case is handled; returns NotFound for a case of
// another township, Conflict for an ended case or one whose member has
// changed since it was listed, and Invalid for a handover that names
// nothing to do.
func (s *Service) HandOver(ctx context.Context, actor grid.Actor, h grid.Handover) error {
	reason, err := fourplusn.Text("reason", h.Reason, maxShortText)
	if err != nil {
		return err
	}
	h.Reason = reason
	_, err = s.Store.Update(ctx, ID(h.Item.ID), 0, func(c *Case) ([]timeline.Event, error) {
		if c.Township != actor.Township {
			return nil, fourplusn.Errorf(fourplusn.NotFound, "case %s not found", c.ID)
		}
		if err := s.Policy.Can(actor, grid.ManageGrid, c.target()); err != nil {
			return nil, err
		}
		if c.State.Ended() {
			return nil, fourplusn.Errorf(fourplusn.Conflict, "case %s has ended; it is nobody's to hand over", c.ID)
		}
		action, details, err := handOver(c, h)
		if err != nil {
			return nil, err
		}
		details["reason"] = h.Reason
		return []timeline.Event{c.record(actor, action, "", s.now(), details)}, nil
	})
	return err
}

// handOver changes c as h says and returns the event's action and details.
func handOver(c *Case, h grid.Handover) (timeline.Action, map[string]string, error) {
	switch {
	case h.To != "":
		from := c.Accountable()
		if from != string(h.Item.Accountable) {
			return "", nil, fourplusn.Errorf(fourplusn.Conflict, "case %s is answered for by %q now, not %q", c.ID, from, h.Item.Accountable)
		}
		if c.AcceptedBy != "" {
			c.AcceptedBy = string(h.To)
		} else {
			c.FirstResponder = string(h.To)
		}
		return work.ActionHandedOver, map[string]string{"from": from, "to": string(h.To)}, nil
	case !h.Cell.IsZero():
		if h.Cell.Township() != c.Township {
			return "", nil, fourplusn.FieldError("cell", "cell %s is of another township", h.Cell)
		}
		from := c.Handling
		c.Handling = h.Cell
		if c.Escalation != nil && from == c.Escalation.From {
			c.Escalation.From = h.Cell
		}
		return work.ActionReassigned, map[string]string{"from": from.String(), "to": h.Cell.String()}, nil
	case !h.From.IsZero() && !h.Onto.IsZero():
		c.Location = grid.Rebase(c.Location, h.From, h.Onto)
		c.Handling = grid.Rebase(c.Handling, h.From, h.Onto)
		c.FirstResponderCell = grid.Rebase(c.FirstResponderCell, h.From, h.Onto)
		if e := c.Escalation; e != nil {
			e.From, e.To = grid.Rebase(e.From, h.From, h.Onto), grid.Rebase(e.To, h.From, h.Onto)
		}
		return work.ActionRelocated, map[string]string{"from": h.From.String(), "to": h.Onto.String()}, nil
	}
	return "", nil, fourplusn.FieldError("handover", "a handover names a successor, a cell, or a moved subtree")
}
