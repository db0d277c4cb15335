package stats

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// Service serves statistics to actors, within what the grid policy lets
// each see: figures of a cell need ViewStats there, the tracking view and
// recording imported indicators need Track. Unknown cells are NotFound.
// Build it with NewService.
type Service struct {
	c Config
}

// Config is what a Service serves from.
type Config struct {
	Source     Source     // the counts; required
	Indicators Indicators // imported indicators; required
	Cells      work.Cells
	Policy     *grid.Policy
	// Cases, Hazards and their rules feed the tracking view; Hazards may
	// be nil where hazards are not kept.
	Cases       mediation.Store
	CaseRules   mediation.Rules
	Hazards     hazard.Store
	HazardRules hazard.Rules
	// Ministry maps CaseRules' categories to the Ministry of Justice's
	// dispute types; nil means DefaultMinistryMap.
	Ministry MinistryMap
}

// NewService returns the statistics of c. It returns an error naming what
// is missing or invalid: every part is required but the hazards.
func NewService(c Config) (*Service, error) {
	switch {
	case c.Source == nil:
		return nil, errors.New("stats: Config.Source is required")
	case c.Indicators == nil:
		return nil, errors.New("stats: Config.Indicators is required")
	case c.Cells == nil:
		return nil, errors.New("stats: Config.Cells is required")
	case c.Policy == nil:
		return nil, errors.New("stats: Config.Policy is required")
	case c.Cases == nil:
		return nil, errors.New("stats: Config.Cases is required")
	}
	if err := c.CaseRules.Validate(); err != nil {
		return nil, fmt.Errorf("stats: case rules: %w", err)
	}
	if c.Ministry == nil {
		c.Ministry = DefaultMinistryMap()
	}
	if err := c.Ministry.Validate(c.CaseRules); err != nil {
		return nil, fmt.Errorf("stats: the Ministry's dispute types: %w", err)
	}
	if c.Hazards != nil {
		if err := c.HazardRules.Validate(); err != nil {
			return nil, fmt.Errorf("stats: hazard rules: %w", err)
		}
	}
	return &Service{c: c}, nil
}

// scope checks that actor may do action at cell and returns the query of
// cell's subtree.
func (s *Service) scope(ctx context.Context, actor grid.Actor, cell grid.CellID, action grid.Action) (Query, error) {
	c, err := s.c.Cells.Cell(ctx, cell)
	if err != nil {
		return Query{}, err
	}
	if err := s.c.Policy.Can(actor, action, grid.Target{Cell: c.Path}); err != nil {
		return Query{}, err
	}
	return Query{Township: c.Path.Township(), Within: []grid.Path{c.Path}}, nil
}

// Report returns the figures of cell's subtree for the period of kind p
// holding t, with the period before and the same period a year earlier.
// Needs ViewStats at cell.
func (s *Service) Report(ctx context.Context, actor grid.Actor, cell grid.CellID, p Period, t time.Time) (Report, error) {
	q, err := s.scope(ctx, actor, cell, grid.ViewStats)
	if err != nil {
		return Report{}, err
	}
	return NewReport(ctx, s.c.Source, q, p, t)
}

// Breakdown returns measure m over r in cell's subtree, grouped by a
// dimension (by cell at a level, category, channel, source, grade or
// department). Needs ViewStats at cell.
func (s *Service) Breakdown(ctx context.Context, actor grid.Actor, cell grid.CellID, m Measure, by Dimension, level grid.Level, r Range) ([]Count, error) {
	q, err := s.scope(ctx, actor, cell, grid.ViewStats)
	if err != nil {
		return nil, err
	}
	q.By, q.Level, q.Range = by, level, r
	return s.c.Source.Count(ctx, m, q)
}

// Series returns measure m in cell's subtree over n periods of kind p
// ending with the one holding t, with 环比 and 同比. Needs ViewStats at cell.
func (s *Service) Series(ctx context.Context, actor grid.Actor, cell grid.CellID, m Measure, p Period, t time.Time, n int) ([]Point, error) {
	q, err := s.scope(ctx, actor, cell, grid.ViewStats)
	if err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return Series(ctx, MeasureCounter(s.c.Source, m, q), p, t, n)
}

// IndicatorSeries returns indicator name summed over cell's subtree for n
// periods of kind p ending with the one holding t, with 环比 and 同比.
// Needs ViewStats at cell.
func (s *Service) IndicatorSeries(ctx context.Context, actor grid.Actor, cell grid.CellID, name string, p Period, t time.Time, n int) ([]Point, error) {
	q, err := s.scope(ctx, actor, cell, grid.ViewStats)
	if err != nil {
		return nil, err
	}
	return Series(ctx, IndicatorCounter(s.c.Indicators, name, p, q), p, t, n)
}

// RecordIndicator records an imported value for a cell. Needs Track at the
// cell: the posts that follow the township's work record what others
// report to it. Returns Invalid for a bad value.
func (s *Service) RecordIndicator(ctx context.Context, actor grid.Actor, v Indicator) error {
	if err := v.Validate(); err != nil {
		return err
	}
	if _, err := s.scope(ctx, actor, v.Cell.Cell(), grid.Track); err != nil {
		return err
	}
	return s.c.Indicators.Put(ctx, v)
}

// Tracking is the tracking view (跟踪问效) of cell's subtree at now: every
// deadline of its open cases and hazards that is at risk or overdue, the
// longest overdue first, with who answers for it. It reads only open work,
// a page at a time. Needs Track at cell.
func (s *Service) Tracking(ctx context.Context, actor grid.Actor, cell grid.CellID, now time.Time) ([]work.Deadline, error) {
	q, err := s.scope(ctx, actor, cell, grid.Track)
	if err != nil {
		return nil, err
	}
	due, err := s.caseDeadlines(ctx, q, now)
	if err != nil {
		return nil, err
	}
	if s.c.Hazards != nil {
		f := hazard.Filter{Township: q.Township, Within: q.Within, Limit: work.MaxPage, States: []hazard.State{hazard.Open, hazard.Rectified}}
		for {
			page, err := s.c.Hazards.List(ctx, f)
			if err != nil {
				return nil, err
			}
			due = append(due, s.c.HazardRules.Deadlines(now, page.Hazards...)...)
			if page.Next == "" {
				break
			}
			f.Before = page.Next
		}
	}
	return Tracking(due), nil
}

// caseDeadlines lists the deadlines of the open cases q selects.
func (s *Service) caseDeadlines(ctx context.Context, q Query, now time.Time) ([]work.Deadline, error) {
	f := mediation.Filter{
		Township: q.Township, Within: q.Within, Limit: work.MaxPage,
		States: []mediation.State{mediation.Registered, mediation.Accepted, mediation.Mediating, mediation.Agreed},
	}
	var due []work.Deadline
	for {
		page, err := s.c.Cases.List(ctx, f)
		if err != nil {
			return nil, err
		}
		due = append(due, s.c.CaseRules.Deadlines(now, page.Cases...)...)
		if page.Next == "" {
			break
		}
		f.Before = page.Next
	}
	return due, nil
}

// Tracking keeps the deadlines that are at risk or overdue, the earliest
// due first.
func Tracking(due []work.Deadline) []work.Deadline {
	out := slices.DeleteFunc(slices.Clone(due), func(d work.Deadline) bool { return d.Status == work.OnTime })
	slices.SortStableFunc(out, func(a, b work.Deadline) int { return a.Due.Compare(b.Due) })
	return out
}
