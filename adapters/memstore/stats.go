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
	var ofCases, ofHazards []int
	for i, r := range rs {
		if err := r.Measure.Validate(); err != nil {
			return nil, err
		}
		if err := r.Query.Validate(); err != nil {
			return nil, err
		}
		groups[i] = map[string]int64{}
		if r.Measure.OfHazards() {
			ofHazards = append(ofHazards, i)
		} else {
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
