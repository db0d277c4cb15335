package hazard

import (
	"context"

	"github.com/fourplusn/fourplusn/work"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
)

var _ grid.Work = (*Service)(nil)

// OpenWork returns the hazards of township still open or waiting for
// verification that q selects: those handled in the subtree of q.Within,
// or the open ones q.Member answers for. It asks no policy: the grid's
// Service has checked ManageGrid.
func (s *Service) OpenWork(ctx context.Context, township grid.CellID, q grid.WorkQuery) ([]grid.WorkItem, error) {
	f := Filter{Township: township, States: []State{Open, Rectified}, Limit: work.MaxPage}
	if q.Member != "" {
		f.Reporter, f.Within, f.States = string(q.Member), q.Scope, []State{Open}
	} else {
		f.Within = []grid.Path{q.Within}
	}
	var out []grid.WorkItem
	for {
		page, err := s.Store.List(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, h := range page.Hazards {
			switch {
			case q.Member != "" && h.Accountable() != string(q.Member),
				q.Member == "" && !q.Within.Contains(h.Handling):
				continue
			}
			out = append(out, grid.WorkItem{
				Kind: "hazard", ID: string(h.ID), Category: string(h.Category), Since: h.ReportedAt,
				Handling: h.Handling, Accountable: grid.MemberID(h.Accountable()), Via: h.Handling,
			})
		}
		if page.Next == "" {
			return out, nil
		}
		f.Before = page.Next
	}
}

// HandOver moves an open hazard as the grid's administration decided, as
// mediation.Service.HandOver moves a case: to a successor (who then
// answers for it as its Assignee), to a cell taking over a retired one's
// work, or with its moved subtree. Needs ManageGrid where it is handled.
func (s *Service) HandOver(ctx context.Context, actor grid.Actor, h grid.Handover) error {
	reason, err := fourplusn.MultilineText("reason", h.Reason, maxLongText)
	if err != nil {
		return err
	}
	h.Reason = reason
	_, err = s.Store.Update(ctx, ID(h.Item.ID), 0, func(z *Hazard) ([]timeline.Event, error) {
		if z.Township != actor.Township {
			return nil, fourplusn.Errorf(fourplusn.NotFound, "hazard %s not found", z.ID)
		}
		if err := s.Policy.Can(actor, grid.ManageGrid, grid.Target{Cell: z.Handling}); err != nil {
			return nil, err
		}
		if z.State != Open && z.State != Rectified {
			return nil, fourplusn.Errorf(fourplusn.Conflict, "hazard %s is finished; it is nobody's to hand over", z.ID)
		}
		var action timeline.Action
		var details map[string]string
		switch {
		case h.To != "":
			from := z.Accountable()
			if from != string(h.Item.Accountable) {
				return nil, fourplusn.Errorf(fourplusn.Conflict, "hazard %s is answered for by %q now, not %q", z.ID, from, h.Item.Accountable)
			}
			z.Assignee = string(h.To)
			action, details = work.ActionHandedOver, map[string]string{"from": from, "to": string(h.To)}
		case !h.Cell.IsZero():
			if h.Cell.Township() != z.Township {
				return nil, fourplusn.FieldError("cell", "cell %s is of another township", h.Cell)
			}
			action, details = work.ActionReassigned, map[string]string{"from": z.Handling.String(), "to": h.Cell.String()}
			z.Handling = h.Cell
		case !h.From.IsZero() && !h.Onto.IsZero():
			z.Location = grid.Rebase(z.Location, h.From, h.Onto)
			z.Handling = grid.Rebase(z.Handling, h.From, h.Onto)
			z.ReporterCell = grid.Rebase(z.ReporterCell, h.From, h.Onto)
			action, details = work.ActionRelocated, map[string]string{"from": h.From.String(), "to": h.Onto.String()}
		default:
			return nil, fourplusn.FieldError("handover", "a handover names a successor, a cell, or a moved subtree")
		}
		details["reason"] = h.Reason
		return []timeline.Event{z.record(actor, action, "", s.now(), details)}, nil
	})
	return err
}
