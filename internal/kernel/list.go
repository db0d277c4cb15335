package kernel

import (
	"context"
	"slices"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/work"
)

// Scope is whose records a listing holds: the records of Township that
// lie in one of the Within subtrees, by their handling cell or their
// location, or that Taker took in; of those, when Owner is set, only the
// ones that resident owns.
type Scope struct {
	Township grid.CellID
	Within   []grid.Path
	Taker    string
	Owner    string
}

// Holds reports whether the scope holds s.
func (sc Scope) Holds(s Subject) bool {
	switch {
	case s.Township != sc.Township, sc.Owner != "" && s.Owner != sc.Owner:
		return false
	case sc.Taker != "" && s.Taker == sc.Taker:
		return true
	}
	return slices.ContainsFunc(sc.Within, func(p grid.Path) bool {
		return p.Contains(s.Handling) || p.Contains(s.Location)
	})
}

// List lists what actor may see through list, which is given the scope of
// the actor's sight: their township, the subtrees they may view, what they
// took in as a member, and, for a resident, only their own records (for
// anyone else, owner's, if owner is set). It returns the records list
// returned, each as the actor may see it. Returns Unauthorized without an
// actor.
func (rs Records[R, ID]) List(ctx context.Context, actor grid.Actor, owner string, list func(context.Context, Scope) ([]R, error)) error {
	sc := Scope{Township: actor.Township, Within: rs.Policy.Scope(actor, grid.View), Owner: owner}
	switch actor.Kind {
	case grid.Anonymous:
		return grid.ErrNoActor
	case grid.Resident:
		sc.Owner = actor.ID
	case grid.Staff:
		sc.Taker = actor.ID
	}
	found, err := list(ctx, sc)
	if err != nil {
		return err
	}
	for i, r := range found {
		found[i] = rs.Kind.Present(actor, r)
	}
	return nil
}

// OpenWork collects the open work that q selects from the pages list
// returns, each after the cursor it is given ("" for the first page): the
// records handled in the subtree of q.Within, or the ones q.Member answers
// for. It asks no policy: the grid's Service has checked ManageGrid.
func OpenWork[R any, ID ~string](ctx context.Context, q grid.WorkQuery, list func(ctx context.Context, after ID) ([]R, ID, error), item func(R) grid.WorkItem) ([]grid.WorkItem, error) {
	var out []grid.WorkItem
	var after ID
	for {
		page, next, err := list(ctx, after)
		if err != nil {
			return nil, err
		}
		for _, r := range page {
			it := item(r)
			switch {
			case q.Member != "" && it.Accountable != q.Member,
				q.Member == "" && !q.Within.Contains(it.Handling):
				continue
			}
			out = append(out, it)
		}
		if next == "" {
			return out, nil
		}
		after = next
	}
}

// CheckListing checks what every listing's filter has: a township, a
// page size of at most work.MaxPage, a known grade if any and known
// states. It names the field at fault.
func CheckListing[S interface {
	~uint8
	Valid() bool
}](township grid.CellID, grade work.Grade, limit int, states []S) error {
	switch {
	case township == "":
		return fourplusn.FieldError("township", "required")
	case limit < 0 || limit > work.MaxPage:
		return fourplusn.FieldError("limit", "must be between 1 and %d", work.MaxPage)
	case grade != 0 && !grade.Valid():
		return fourplusn.FieldError("grade", "unknown grade %d", grade)
	}
	for _, s := range states {
		if !s.Valid() {
			return fourplusn.FieldError("states", "unknown state %d", s)
		}
	}
	return nil
}

// PageSize returns the number of records a page holds for a filter's
// limit: the limit, or work.DefaultPage when it is 0.
func PageSize(limit int) int {
	if limit == 0 {
		return work.DefaultPage
	}
	return limit
}
