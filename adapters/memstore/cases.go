package memstore

import (
	"context"
	"slices"
	"strconv"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// Cases keeps dispute cases and their timelines in memory. It implements
// mediation.Store and is safe for concurrent use; updates of all cases are
// serialized.
type Cases struct {
	t *table[mediation.Case, *mediation.Case]
}

var _ mediation.Store = (*Cases)(nil)

// NewCases returns an empty case store.
func NewCases() *Cases {
	t := newTable("case",
		func(c *mediation.Case) string { return string(c.ID) },
		func(c *mediation.Case) *int64 { return &c.Version },
		func(c *mediation.Case) string { return c.TrackingCode },
	)
	t.numbering = &numbering[*mediation.Case]{
		series: func(c *mediation.Case) string { return numberSeries(c.Township, c.Number.Year) },
		give: func(c *mediation.Case, seq int) (err error) {
			c.Number, err = c.Number.WithSeq(seq)
			return err
		},
		keep: func(from, to *mediation.Case) { to.Number = from.Number },
		last: map[string]int{}, ids: map[string]string{},
	}
	return &Cases{t: t}
}

// numberSeries names the series of a township's case numbers of a year.
func numberSeries(township grid.CellID, year int) string {
	return string(township) + "\x00" + strconv.Itoa(year)
}

// Create stores a new case and its first events, and gives it its number
// under the store's lock; see mediation.Store.
func (s *Cases) Create(ctx context.Context, c *mediation.Case, events []timeline.Event, key work.IdempotencyKey) (*mediation.Case, error) {
	return s.t.create(ctx, c, events, key.Scope, key.Key, key.Fingerprint)
}

// Get returns case id. Returns NotFound if there is none.
func (s *Cases) Get(ctx context.Context, id mediation.ID) (*mediation.Case, error) {
	return s.t.get(ctx, string(id))
}

// GetByTrackingCode returns the case with the tracking code. Returns
// NotFound if there is none.
func (s *Cases) GetByTrackingCode(ctx context.Context, code string) (*mediation.Case, error) {
	return s.t.getByCode(ctx, code)
}

// GetByNumber returns township's case numbered n. Returns NotFound if
// there is none.
func (s *Cases) GetByNumber(ctx context.Context, township grid.CellID, n mediation.Number) (*mediation.Case, error) {
	c, err := s.t.getByNumber(ctx, numberSeries(township, n.Year), n.Seq)
	if err != nil && fourplusn.ErrorCode(err) != fourplusn.NotFound {
		return nil, err
	}
	if err != nil || c.Number != n { // a number is its prefix too
		return nil, fourplusn.Errorf(fourplusn.NotFound, "no case of %s is numbered %s", township, n)
	}
	return c, nil
}

// ByApplicantPhone returns, newest first, up to work.MaxPage cases one
// of whose applicants gave phone; see mediation.Store.
func (s *Cases) ByApplicantPhone(ctx context.Context, phone string) ([]*mediation.Case, error) {
	cases, _, err := s.t.list(ctx, "", work.MaxPage, func(c *mediation.Case) bool {
		return slices.ContainsFunc(c.Applicants, func(p mediation.Party) bool { return p.Phone == phone })
	})
	return cases, err
}

// Nearby returns, newest first, up to q.Limit cases that may be
// duplicates of one; see mediation.Store.
func (s *Cases) Nearby(ctx context.Context, q mediation.NearbyQuery) ([]*mediation.Case, error) {
	cases, _, err := s.t.list(ctx, "", max(q.Limit, 1), q.Nearby)
	return cases, err
}

// Update changes case id through fn; see mediation.Store.
func (s *Cases) Update(ctx context.Context, id mediation.ID, version int64, fn func(*mediation.Case) ([]timeline.Event, error)) (*mediation.Case, error) {
	return s.t.update(ctx, string(id), version, fn)
}

// List returns the cases matching f, newest first; see mediation.Store.
func (s *Cases) List(ctx context.Context, f mediation.Filter) (mediation.Page, error) {
	if err := f.Validate(); err != nil {
		return mediation.Page{}, err
	}
	cases, next, err := s.t.list(ctx, string(f.Before), f.PageSize(), f.Matches)
	return mediation.Page{Cases: cases, Next: mediation.ID(next)}, err
}

// Events returns the timeline of case id. Returns NotFound if there is none.
func (s *Cases) Events(ctx context.Context, id mediation.ID) ([]timeline.Event, error) {
	return s.t.timeline(ctx, string(id))
}

// Grid serves the grid's cells from a tree, for work.Cells. The tree
// must not change while the Grid is in use.
type Grid struct {
	Tree *grid.Tree
}

// Cell returns the cell id. Returns NotFound if there is none.
func (g Grid) Cell(ctx context.Context, id grid.CellID) (grid.Cell, error) {
	if err := ctx.Err(); err != nil {
		return grid.Cell{}, err
	}
	return g.Tree.Cell(id)
}
