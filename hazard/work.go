package hazard

import (
	"context"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/internal/kernel"
	"github.com/fourplusn/fourplusn/work"
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
	return kernel.OpenWork(ctx, q, func(ctx context.Context, after ID) ([]*Hazard, ID, error) {
		f.Before = after
		page, err := s.store.List(ctx, f)
		return page.Hazards, page.Next, err
	}, workItem)
}

func workItem(h *Hazard) grid.WorkItem {
	return grid.WorkItem{
		Kind: "hazard", ID: string(h.ID), Category: string(h.Category), Since: h.ReportedAt,
		Handling: h.Handling, Accountable: grid.MemberID(h.Accountable()), Via: h.Handling,
	}
}

// HandOver moves an open hazard as the grid's administration decided, as
// mediation.Service.HandOver moves a case: to a successor (who then
// answers for it as its Assignee), to a cell taking over a retired one's
// work, or with its moved subtree. Needs ManageGrid where it is handled.
func (s *Service) HandOver(ctx context.Context, actor grid.Actor, h grid.Handover) error {
	return s.records.HandOver(ctx, actor, h)
}
