package stats

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/fourplusn/fourplusn/work"
)

// Quantiles summarises a set of durations.
type Quantiles struct {
	N      int
	Median time.Duration
	P90    time.Duration
}

// Summarize returns the median and 90th percentile of ds by the nearest-rank
// method (the smallest value with at least that share of values at or
// below it), so both are durations that actually occurred. It sorts ds.
func Summarize(ds []time.Duration) Quantiles {
	if len(ds) == 0 {
		return Quantiles{}
	}
	slices.Sort(ds)
	rank := func(p float64) time.Duration {
		i := int(p*float64(len(ds))+0.999999999) - 1 // ceil(p·n) − 1
		return ds[max(0, min(i, len(ds)-1))]
	}
	return Quantiles{N: len(ds), Median: rank(0.5), P90: rank(0.9)}
}

// Figures are a period's figures for a subtree.
type Figures struct {
	Range Range

	Registered     int64 // disputes screened (排查)
	Accepted       int64
	Agreed         int64 // resolved by agreement (化解)
	Failed         int64
	Withdrawn      int64
	Rejected       int64
	TransferredOut int64
	Open           int64 // in progress at the period's end
	Escalated      int64
	Outside        int64 // from outside the township, handled under first-inquiry responsibility

	// Resolution is the resolution rate (化解率): of the cases whose
	// mediation concluded in the period, the share that ended in an
	// agreement — Agreed / (Agreed + Failed). Withdrawn, rejected and
	// transferred-out cases were not mediated to a conclusion and do not
	// count.
	Resolution Rate
	// Dynamic is the dynamic resolution rate (化解率动态保持) at the
	// period's end: of every case registered so far that was mediated to
	// a conclusion or is past its deadline, the share resolved by
	// agreement. A case still within its time limit does not count against
	// it, so the rate stays at 100% exactly while every dispute is resolved
	// in time.
	Dynamic Rate
	// Escalation is the share of the period's cases submitted upward.
	Escalation Rate
	// FirstInquiry is first-inquiry compliance: of the period's cases that
	// were routed or due to be, the share accepted, rejected or handed on
	// by their acceptance deadline.
	FirstInquiry Rate
	// Satisfaction is the satisfaction rate (满意率): of the parties asked
	// at the follow-up visits of the period, the share who answered 满意
	// or 基本满意. A party asked at two visits counts twice.
	Satisfaction Rate
	// Recurrence is the recurrence rate (重复纠纷率): of the period's
	// cases, the share whose applicants had a case of the township
	// registered in the 12 months before (see Recurs).
	Recurrence Rate

	TimeToAccept  Quantiles
	TimeToResolve Quantiles

	HazardsFound     int64 // safety hazards found (排查隐患)
	HazardsRectified int64 // of those, rectified by the period's end
	HazardsOnTheSpot int64 // of those, rectified on the spot (当场整改)
	// Rectification and OnTheSpot are the shares of the period's hazards
	// rectified by its end, and rectified on the spot.
	Rectification Rate
	OnTheSpot     Rate

	Participation map[string]int64 // 4+N team members by department
	Sources       map[string]int64
	Channels      map[string]int64
	Categories    map[string]int64
}

// Compute returns the figures of q's subtrees over q.Range from one
// CountAll of every count they need and a Durations of each duration —
// never a pass over every record. q.By and q.Level are ignored.
func Compute(ctx context.Context, src Source, q Query) (Figures, error) {
	q.By, q.Level = Total, 0
	if err := q.Validate(); err != nil {
		return Figures{}, err
	}
	// Since the start of 1970 in the deployment's zone: every record, and a
	// range whose ends are local midnights, as every period's are.
	sofar := q
	sofar.Range.From = time.Date(1970, 1, 1, 0, 0, 0, 0, work.Zone)
	f := Figures{Range: q.Range}
	var routedOnTime, routingDue, agreedSoFar, failedSoFar, pendingSoFar, asked, content, recurred int64
	totals := []struct {
		m   Measure
		q   Query
		out *int64
	}{
		{Registered, q, &f.Registered}, {Accepted, q, &f.Accepted}, {Agreed, q, &f.Agreed},
		{Failed, q, &f.Failed}, {Withdrawn, q, &f.Withdrawn}, {Rejected, q, &f.Rejected},
		{TransferredOut, q, &f.TransferredOut}, {Open, q, &f.Open}, {Escalated, q, &f.Escalated},
		{Outside, q, &f.Outside}, {RoutedOnTime, q, &routedOnTime}, {RoutingDue, q, &routingDue},
		{Agreed, sofar, &agreedSoFar}, {Failed, sofar, &failedSoFar}, {Pending, sofar, &pendingSoFar},
		{HazardsFound, q, &f.HazardsFound}, {HazardsRectified, q, &f.HazardsRectified},
		{HazardsOnTheSpot, q, &f.HazardsOnTheSpot}, {Asked, q, &asked}, {Content, q, &content}, {Recurred, q, &recurred},
	}
	grouped := []struct {
		m   Measure
		by  Dimension
		out *map[string]int64
	}{
		{Participants, ByDepartment, &f.Participation}, {Registered, BySource, &f.Sources},
		{Registered, ByChannel, &f.Channels}, {Registered, ByCategory, &f.Categories},
	}
	rs := make([]Request, 0, len(totals)+len(grouped))
	for _, t := range totals {
		rs = append(rs, Request{t.m, t.q})
	}
	for _, g := range grouped {
		by := q
		by.By = g.by
		rs = append(rs, Request{g.m, by})
	}
	counts, err := CountAll(ctx, src, rs)
	if err != nil {
		return Figures{}, err
	}
	for i, t := range totals {
		for _, c := range counts[i] {
			*t.out += c.N
		}
	}
	for i, g := range grouped {
		out := make(map[string]int64)
		for _, c := range counts[len(totals)+i] {
			out[c.Key] = c.N
		}
		*g.out = out
	}
	f.Resolution = Rate{Num: f.Agreed, Den: f.Agreed + f.Failed}
	f.Escalation = Rate{Num: f.Escalated, Den: f.Registered}
	f.FirstInquiry = Rate{Num: routedOnTime, Den: routingDue}
	// Open counts what is open at the range's end, whatever its start: it
	// is f.Open.
	unresolved := failedSoFar + f.Open - pendingSoFar
	f.Dynamic = Rate{Num: agreedSoFar, Den: agreedSoFar + unresolved}
	f.Rectification = Rate{Num: f.HazardsRectified, Den: f.HazardsFound}
	f.OnTheSpot = Rate{Num: f.HazardsOnTheSpot, Den: f.HazardsFound}
	f.Satisfaction = Rate{Num: content, Den: asked}
	f.Recurrence = Rate{Num: recurred, Den: f.Registered}

	for _, d := range []struct {
		d   Duration
		out *Quantiles
	}{{TimeToAccept, &f.TimeToAccept}, {TimeToResolve, &f.TimeToResolve}} {
		ds, err := src.Durations(ctx, d.d, q)
		if err != nil {
			return Figures{}, err
		}
		*d.out = Summarize(ds)
	}
	return f, nil
}

// Report is a period's figures compared like for like (see Basis) with
// those of the period before (for 环比) and of the same period a year
// earlier (for 同比). Each Figures' Range is the span it counts.
type Report struct {
	Period Period // the kind of period, or 0 for a range of days
	Whole  Range  // the period or range reported on
	// Partial is true while Whole is in progress: Current counts its
	// elapsed part, the others the same span of theirs.
	Partial                        bool
	Current, Previous, YearEarlier Figures
}

// MoM returns the period-over-period change (环比) of the figure pick reads.
func (r Report) MoM(pick func(Figures) float64) Change {
	return Compare(pick(r.Current), pick(r.Previous))
}

// YoY returns the year-over-year change (同比) of the figure pick reads.
func (r Report) YoY(pick func(Figures) float64) Change {
	return Compare(pick(r.Current), pick(r.YearEarlier))
}

// NewReport computes the report b describes for q's subtrees. The three
// spans are computed at once, each on its own goroutine: a SQL store
// answers them on separate connections.
func NewReport(ctx context.Context, src Source, q Query, b Basis) (Report, error) {
	r := Report{Period: b.Period, Whole: b.Whole, Partial: b.Partial}
	spans := []struct {
		rng Range
		out *Figures
	}{{b.Current, &r.Current}, {b.Previous, &r.Previous}, {b.YearEarlier, &r.YearEarlier}}
	errs := make([]error, len(spans))
	var wg sync.WaitGroup
	for i, x := range spans {
		q := q
		q.Range = x.rng
		wg.Go(func() { *x.out, errs[i] = Compute(ctx, src, q) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return Report{}, err
		}
	}
	return r, nil
}

// Point is one period of a series, with its changes.
type Point struct {
	Range Range
	N     int64
	MoM   Change // against the period before
	YoY   Change // against the same period a year earlier
}

// Counter counts something over each of several ranges: a measure of a
// Source, or an indicator's recorded values.
type Counter func(ctx context.Context, rs []Range) ([]int64, error)

// MeasureCounter counts measure m of src over q's subtrees, every range
// in one call when src is a Batcher (see CountAll).
func MeasureCounter(src Source, m Measure, q Query) Counter {
	return func(ctx context.Context, rs []Range) ([]int64, error) {
		reqs := make([]Request, len(rs))
		for i, r := range rs {
			q.Range, q.By = r, Total
			reqs[i] = Request{Measure: m, Query: q}
		}
		counts, err := CountAll(ctx, src, reqs)
		if err != nil {
			return nil, err
		}
		out := make([]int64, len(rs))
		for i, cs := range counts {
			for _, c := range cs {
				out[i] += c.N
			}
		}
		return out, nil
	}
}

// Series returns the n periods of kind p ending with the one holding t,
// oldest first, each with its 环比 and 同比 changes. It asks count once,
// for every period it needs once: the n periods, the one before them, and
// those a year earlier that are not among them.
func Series(ctx context.Context, count Counter, p Period, t time.Time, n int) ([]Point, error) {
	if n < 1 || n > 400 {
		return nil, fieldError("n", "a series has 1 to 400 periods")
	}
	// n+1 consecutive periods give each point its previous one.
	ranges := p.Series(t, n+1)
	index := make(map[Range]int, len(ranges))
	ask := slices.Clone(ranges)
	for i, r := range ranges {
		index[r] = i
	}
	agos := make([]Range, n)
	for i, r := range ranges[1:] {
		agos[i] = p.YearEarlier(r)
		if _, ok := index[agos[i]]; !ok {
			index[agos[i]] = len(ask)
			ask = append(ask, agos[i])
		}
	}
	counts, err := count(ctx, ask)
	if err != nil {
		return nil, err
	}
	points := make([]Point, n)
	for i, r := range ranges[1:] {
		cur, prev, ago := counts[i+1], counts[i], counts[index[agos[i]]]
		points[i] = Point{Range: r, N: cur, MoM: Compare(float64(cur), float64(prev)), YoY: Compare(float64(cur), float64(ago))}
	}
	return points, nil
}
