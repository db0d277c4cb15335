package memstore

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
)

// Stats answers the statistics package's queries over the records in
// memory, in one pass over them per query or per batch of queries. A nil
// store counts as empty.
type Stats struct {
	Cases   *Cases
	Hazards *Hazards
}

var _ stats.Source = Stats{}

var _ stats.Batcher = Stats{}

// Count returns the counts of m under q; see stats.Source.
func (s Stats) Count(ctx context.Context, m stats.Measure, q stats.Query) ([]stats.Count, error) {
	counts, err := s.CountBatch(ctx, []stats.Request{{Measure: m, Query: q}})
	if err != nil {
		return nil, err
	}
	return counts[0], nil
}

// CountBatch returns, for each request, what Count returns for it, in one
// pass over the cases and one over the hazards; see stats.Batcher.
func (s Stats) CountBatch(ctx context.Context, rs []stats.Request) ([][]stats.Count, error) {
	groups := make([]map[string]int64, len(rs))
	var ofCases, ofHazards, recurred []int
	for i, r := range rs {
		if err := r.Measure.Validate(); err != nil {
			return nil, err
		}
		if err := r.Query.Validate(); err != nil {
			return nil, err
		}
		groups[i] = map[string]int64{}
		switch {
		case r.Measure.OfHazards():
			ofHazards = append(ofHazards, i)
		case r.Measure == stats.Recurred:
			recurred = append(recurred, i)
		default:
			ofCases = append(ofCases, i)
		}
	}
	adds := make([]func(string, int64), len(rs))
	for i := range rs {
		adds[i] = func(key string, n int64) { groups[i][key] += n }
	}
	if s.Cases != nil && len(ofCases) > 0 {
		err := s.Cases.t.each(ctx, func(c *mediation.Case) {
			for _, i := range ofCases {
				stats.TallyCase(rs[i].Measure, rs[i].Query, c, adds[i])
			}
		})
		if err != nil {
			return nil, err
		}
	}
	if s.Cases != nil && len(recurred) > 0 {
		if err := s.Cases.recurred(ctx, rs, recurred, adds); err != nil {
			return nil, err
		}
	}
	if s.Hazards != nil && len(ofHazards) > 0 {
		err := s.Hazards.t.each(ctx, func(h *hazard.Hazard) {
			for _, i := range ofHazards {
				stats.TallyHazard(rs[i].Measure, rs[i].Query, h, adds[i])
			}
		})
		if err != nil {
			return nil, err
		}
	}
	out := make([][]stats.Count, len(rs))
	for i, g := range groups {
		counts := make([]stats.Count, 0, len(g))
		for k, n := range g {
			counts = append(counts, stats.Count{Key: k, N: n})
		}
		slices.SortFunc(counts, func(a, b stats.Count) int { return strings.Compare(a.Key, b.Key) })
		out[i] = counts
	}
	return out, nil
}

// recurred answers the Recurred requests of rs at the indexes is: one pass
// collects the cases by their applicants' phone and ID numbers, and each
// case is then compared with those sharing one. The cases are the stored
// copies, which an update replaces and never changes.
func (s *Cases) recurred(ctx context.Context, rs []stats.Request, is []int, adds []func(string, int64)) error {
	var all []*mediation.Case
	by := map[string][]*mediation.Case{}
	err := s.t.each(ctx, func(c *mediation.Case) {
		all = append(all, c)
		for _, p := range c.Applicants {
			for _, k := range []string{"phone:" + p.Phone, "id:" + p.IDCard} {
				if !strings.HasSuffix(k, ":") && !slices.Contains(by[k], c) {
					by[k] = append(by[k], c)
				}
			}
		}
	})
	if err != nil {
		return err
	}
	for _, c := range all {
		var near []*mediation.Case
		for _, p := range c.Applicants {
			near = append(append(near, by["phone:"+p.Phone]...), by["id:"+p.IDCard]...)
		}
		for _, i := range is {
			stats.TallyRecurred(rs[i].Query, c, near, adds[i])
		}
	}
	return nil
}

// Durations returns the durations d of the records q selects; see
// stats.Source.
func (s Stats) Durations(ctx context.Context, d stats.Duration, q stats.Query) ([]time.Duration, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	var out []time.Duration
	if s.Cases == nil {
		return nil, nil
	}
	err := s.Cases.t.each(ctx, func(c *mediation.Case) {
		if v, ok := stats.MeasureCase(d, q, c); ok {
			out = append(out, v)
		}
	})
	return out, err
}

// Indicators keeps indicator values in memory. It implements
// stats.Indicators and is safe for concurrent use.
type Indicators struct {
	mu     sync.RWMutex
	values map[indicatorKey]stats.Indicator
}

type indicatorKey struct {
	name, cell string
	period     stats.Period
	start      int64
}

var _ stats.Indicators = (*Indicators)(nil)

// NewIndicators returns an empty indicator store.
func NewIndicators() *Indicators {
	return &Indicators{values: map[indicatorKey]stats.Indicator{}}
}

// Put records v, replacing the value of the same name, cell, period and
// start. Returns Invalid for a bad value.
func (s *Indicators) Put(ctx context.Context, v stats.Indicator) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := v.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.values[indicatorKey{v.Name, v.Cell.String(), v.Period, v.Start.Unix()}] = v
	return nil
}

// Sum adds up the values of name for q's subtrees; see stats.Indicators.
func (s *Indicators) Sum(ctx context.Context, name string, p stats.Period, q stats.Query) (int64, error) {
	sum, _, err := s.sum(ctx, name, p, q)
	return sum, err
}

// Recorded counts the values of name for q's subtrees; see
// stats.Indicators.
func (s *Indicators) Recorded(ctx context.Context, name string, p stats.Period, q stats.Query) (int64, error) {
	_, n, err := s.sum(ctx, name, p, q)
	return n, err
}

// sum adds up and counts the values of name for q's subtrees.
func (s *Indicators) sum(ctx context.Context, name string, p stats.Period, q stats.Query) (sum, n int64, err error) {
	if err := ctx.Err(); err != nil {
		return 0, 0, err
	}
	if err := q.Validate(); err != nil {
		return 0, 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, v := range s.values {
		if v.Name == name && v.Period == p && q.Range.Contains(v.Start) && q.Selects(v.Cell.Township(), v.Cell) {
			sum += v.Value
			n++
		}
	}
	return sum, n, nil
}
