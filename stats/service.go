package stats

import (
	"context"
	"errors"
	"fmt"
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
	// Tracker, if set, answers TrackingPage from an index of open
	// deadlines kept by the same rules; without it TrackingPage reads
	// every open case and hazard of the scope.
	Tracker Tracker
	// Now is the clock that tells a period in progress from one that has
	// ended (see Basis); nil means time.Now.
	Now func() time.Time
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
	if c.Now == nil {
		c.Now = time.Now
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
// holding t, with the period before and the same period a year earlier,
// like for like as of the service's clock (see Period.Basis). Needs
// ViewStats at cell.
func (s *Service) Report(ctx context.Context, actor grid.Actor, cell grid.CellID, p Period, t time.Time) (Report, error) {
	return s.ReportOn(ctx, actor, cell, p.Basis(t, s.c.Now()))
}

// ReportOn returns the figures of cell's subtree that b compares: a
// period's (Period.Basis) or a range of days' (RangeBasis). Needs
// ViewStats at cell.
func (s *Service) ReportOn(ctx context.Context, actor grid.Actor, cell grid.CellID, b Basis) (Report, error) {
	q, err := s.scope(ctx, actor, cell, grid.ViewStats)
	if err != nil {
		return Report{}, err
	}
	return NewReport(ctx, s.c.Source, q, b)
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

// IndicatorReport is an indicator's values summed over the spans of a
// report's Basis, for 环比 and 同比 beside the grid's own figures.
type IndicatorReport struct {
	Name                           string
	Current, Previous, YearEarlier int64
	// Recorded counts the values recorded for the subtree over the three
	// spans. None means the indicator is not kept there — a township-wide
	// count has no share in a sector — rather than that it was zero.
	Recorded int64
}

// MoM returns the indicator's period-over-period change (环比).
func (r IndicatorReport) MoM() Change { return Compare(float64(r.Current), float64(r.Previous)) }

// YoY returns the indicator's year-over-year change (同比).
func (r IndicatorReport) YoY() Change { return Compare(float64(r.Current), float64(r.YearEarlier)) }

// IndicatorReport sums indicator name's values of kind kind (the period
// they are recorded for: monthly police counts, say) recorded for cell's
// subtree and starting in each span of b. Needs ViewStats at cell.
func (s *Service) IndicatorReport(ctx context.Context, actor grid.Actor, cell grid.CellID, name string, kind Period, b Basis) (IndicatorReport, error) {
	q, err := s.scope(ctx, actor, cell, grid.ViewStats)
	if err != nil {
		return IndicatorReport{}, err
	}
	out := IndicatorReport{Name: name}
	for _, x := range []struct {
		rng Range
		out *int64
	}{{b.Current, &out.Current}, {b.Previous, &out.Previous}, {b.YearEarlier, &out.YearEarlier}} {
		q.Range = x.rng
		if *x.out, err = s.c.Indicators.Sum(ctx, name, kind, q); err != nil {
			return IndicatorReport{}, err
		}
		n, err := s.c.Indicators.Recorded(ctx, name, kind, q)
		if err != nil {
			return IndicatorReport{}, err
		}
		out.Recorded += n
	}
	return out, nil
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

// openDeadlines lists the deadlines of the open cases and hazards q
// selects, as they stand at now, reading them a page at a time.
func (s *Service) openDeadlines(ctx context.Context, q Query, now time.Time) ([]work.Deadline, error) {
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
	return due, nil
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
