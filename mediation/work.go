package mediation

import (
	"context"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/internal/kernel"
	"github.com/fourplusn/fourplusn/work"
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
	return kernel.OpenWork(ctx, q, func(ctx context.Context, after ID) ([]*Case, ID, error) {
		f.Before = after
		page, err := s.store.List(ctx, f)
		return page.Cases, page.Next, err
	}, workItem)
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
	return s.records.HandOver(ctx, actor, h)
}
