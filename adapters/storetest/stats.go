package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// Stores are the stores a statistics source reads, as Stats needs them:
// the suite writes records through Cases and Hazards and counts them
// through Source. Hazards may be nil for a source of cases only; the
// hazard measures are then not checked.
type Stores struct {
	Cases   mediation.Store
	Hazards hazard.Store
	Source  stats.Source
}

// caseMeasures are every case measure of the stats package.
var caseMeasures = []stats.Measure{
	stats.Registered, stats.Accepted, stats.Agreed, stats.Failed, stats.Withdrawn, stats.Rejected,
	stats.TransferredOut, stats.Escalated, stats.Outside, stats.RoutingDue, stats.RoutedOnTime,
	stats.Open, stats.Pending, stats.Participants, stats.Asked, stats.Content, stats.Recurred,
}

// hazardMeasures are every hazard measure of the stats package.
var hazardMeasures = []stats.Measure{
	stats.HazardsFound, stats.HazardsRectified, stats.HazardsOnTheSpot, stats.HazardsClosed, stats.HazardsConverted,
}

// Stats checks a stats.Source. It puts 300 random cases of two townships
// through the stores — most created and then moved to their final state by
// an Update, as the Service does — and 150 random hazards, and checks every
// measure under every grouping, for several subtrees of each township and
// several ranges, against the definitions: stats.TallyCase and
// stats.TallyHazard record by record, and stats.MeasureCase for the
// durations. The ranges include ones that begin or end exactly at a
// record's time and one that begins at the zero time. newStores is called
// once; the stores it returns must be empty.
func Stats(t *testing.T, newStores func(t *testing.T) Stores) {
	s := newStores(t)
	f := fillStats(t, s)
	for _, m := range f.measures {
		t.Run(string(m), func(t *testing.T) { statsCount(t, s.Source, f, m) })
	}
	t.Run("batch", func(t *testing.T) { statsBatch(t, s.Source, f) })
	t.Run("durations", func(t *testing.T) { statsDurations(t, s.Source, f) })
	t.Run("invalid queries", func(t *testing.T) { statsInvalidQueries(t, s.Source, f) })
}

// statsFixture is what Stats stored and the queries it asks about it.
type statsFixture struct {
	cases    []*mediation.Case // as stored
	hazards  []*hazard.Hazard  // as stored; none for a source of cases only
	measures []stats.Measure   // every measure of the records stored
	ranges   []stats.Range
	scopes   map[grid.CellID][][]grid.Path // subtrees to ask about, by township
	rng      *rand.Rand                    // the source the records were drawn from
}

// grouping is a way to group a count: by a dimension, and for ByCell at a
// level.
type grouping struct {
	by    stats.Dimension
	level grid.Level
}

// groupings returns every grouping of the stats package.
func groupings() []grouping {
	gs := []grouping{{stats.Total, 0}, {stats.ByCategory, 0}, {stats.ByChannel, 0}, {stats.BySource, 0}, {stats.ByGrade, 0}, {stats.ByDepartment, 0}}
	for l := grid.Level(1); l <= grid.MaxLevel; l++ {
		gs = append(gs, grouping{stats.ByCell, l})
	}
	return gs
}

// demoPaths returns the path of every cell of the demo grid.
func demoPaths(t *testing.T) []grid.Path {
	t.Helper()
	var paths []grid.Path
	for _, r := range demo.Tree.Roots() {
		paths = append(paths, r.Path)
		sub, err := demo.Tree.Descendants(r.ID)
		require.NoError(t, err)
		for _, c := range sub {
			paths = append(paths, c.Path)
		}
	}
	return paths
}

// fillStats puts Stats's random records in s and chooses the ranges and
// subtrees to ask about them.
func fillStats(t *testing.T, s Stores) *statsFixture {
	ctx := context.Background()
	f := &statsFixture{rng: rand.New(rand.NewPCG(7, 11)), measures: caseMeasures}
	rng := f.rng
	paths := demoPaths(t)
	for i := range 300 {
		c := randomCase(rng, i+1, paths)
		storeCase(t, s.Cases, rng, c)
		f.cases = append(f.cases, c)
	}
	if s.Hazards != nil {
		for i := range 150 {
			h := randomHazard(rng, i, paths[rng.IntN(len(paths))])
			_, err := s.Hazards.Create(ctx, h, nil, work.IdempotencyKey{})
			require.NoError(t, err)
			f.hazards = append(f.hazards, h)
		}
		f.measures = append(slices.Clone(f.measures), hazardMeasures...)
	}

	some := func() *mediation.Case { return f.cases[rng.IntN(len(f.cases))] }
	f.ranges = []stats.Range{
		april,
		stats.Quarter.Of(base),
		stats.Day.Of(base.Add(10 * 24 * time.Hour)),
		{From: time.Time{}, To: base.Add(200 * 24 * time.Hour)},
		{From: time.Unix(0, 0), To: base.Add(30 * 24 * time.Hour)},
	}
	// Ranges whose ends fall exactly on the cases' times, where "in the
	// range" and "before its end" are decided.
	for range 3 {
		a, b := some(), some()
		from, to := a.RegisteredAt, b.ResolvedAt
		if !b.AcceptedAt.IsZero() && rng.IntN(2) == 0 {
			to = b.AcceptedAt
		}
		if !from.Before(to) {
			from, to = to, from.Add(1)
		}
		if from.Equal(to) {
			to = to.Add(time.Hour)
		}
		f.ranges = append(f.ranges, stats.Range{From: from, To: to})
	}
	// And ranges that end exactly on an open case's deadline, where
	// pending turns overdue.
	for _, due := range []func(c *mediation.Case) time.Time{
		func(c *mediation.Case) time.Time { return c.AcceptDue },
		func(c *mediation.Case) time.Time { return c.ResolveDue },
	} {
		for _, c := range f.cases {
			end := due(c)
			if c.RegisteredAt.Before(end) && (c.ResolvedAt.IsZero() || c.ResolvedAt.After(end)) && (c.AcceptedAt.IsZero() == end.Equal(c.AcceptDue)) {
				f.ranges = append(f.ranges, stats.Range{From: c.RegisteredAt, To: end})
				break
			}
		}
	}
	f.scopes = map[grid.CellID][][]grid.Path{
		"gucheng": {
			{grid.RootPath("gucheng")},
			{demo.Path("gc-east")},
			{demo.Path("mayuan"), demo.Path("honggoumiao")},
			{demo.Path("mayuan-1"), demo.Path("mayuan-1-zhang")}, // overlapping subtrees count once
			{demo.Path("honggoumiao-2-tong")},
		},
		"linzhen": {{grid.RootPath("linzhen")}, {demo.Path("lz-qiaotou")}},
	}
	return f
}

// statsCount: Count of measure m, for each township, range and subtree and
// under every grouping, is the count by definition, group by group.
// Every grouping is asked over the whole township; a few over the
// subtrees, whose selection is the same whatever the grouping.
func statsCount(t *testing.T, src stats.Source, f *statsFixture, m stats.Measure) {
	ctx := context.Background()
	for _, town := range []grid.CellID{"gucheng", "linzhen"} {
		for ri, r := range f.ranges {
			for si, within := range f.scopes[town] {
				gs := groupings()
				if si > 0 {
					gs = []grouping{{stats.Total, 0}, {stats.ByDepartment, 0}, {stats.ByCell, min(within[0].Level()+1, grid.MaxLevel)}}
				}
				for _, g := range gs {
					q := stats.Query{Township: town, Within: within, Range: r, By: g.by, Level: g.level}
					got, err := src.Count(ctx, m, q)
					require.NoError(t, err)
					if len(got) == 0 {
						got = nil // no groups, however returned
					}
					assert.Equal(t, expected(m, q, f.cases, f.hazards), got, "%s range %d (%s) scope %d by %d level %d", town, ri, r, si, g.by, g.level)
				}
			}
		}
	}
}

// statsBatch: a stats.Batcher answers every measure under every grouping,
// over two subtrees of each township and every range, asked at once in a
// random order, as Count answers each, in the order asked; and refuses a
// batch with an unknown measure or an empty query as Invalid. A source
// that is not a Batcher skips it.
func statsBatch(t *testing.T, src stats.Source, f *statsFixture) {
	b, ok := src.(stats.Batcher)
	if !ok {
		t.Skip("the source is not a stats.Batcher")
	}
	var rs []stats.Request
	for _, m := range f.measures {
		for _, town := range []grid.CellID{"gucheng", "linzhen"} {
			for _, within := range f.scopes[town][:2] {
				for _, r := range f.ranges {
					for _, g := range groupings() {
						rs = append(rs, stats.Request{Measure: m, Query: stats.Query{Township: town, Within: within, Range: r, By: g.by, Level: g.level}})
					}
				}
			}
		}
	}
	// In a random order, so that a store shares its reads between
	// requests as it can.
	f.rng.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
	ctx := context.Background()
	got, err := b.CountBatch(ctx, rs)
	require.NoError(t, err)
	require.Len(t, got, len(rs))
	for i, r := range rs {
		if len(got[i]) == 0 {
			got[i] = nil
		}
		assert.Equal(t, expected(r.Measure, r.Query, f.cases, f.hazards), got[i], "request %d: %s %+v", i, r.Measure, r.Query)
	}
	_, err = b.CountBatch(ctx, []stats.Request{rs[0], {Measure: "cases.nonsense", Query: rs[0].Query}})
	requireCode(t, err, fourplusn.Invalid, "a batch with an unknown measure")
	_, err = b.CountBatch(ctx, []stats.Request{rs[0], {Measure: stats.Registered}})
	requireCode(t, err, fourplusn.Invalid, "a batch with an empty query")
}

// statsDurations: Durations of the time to accept and to resolve, for
// each township, range and subtree, are the durations by definition
// (stats.MeasureCase), in any order.
func statsDurations(t *testing.T, src stats.Source, f *statsFixture) {
	ctx := context.Background()
	for _, d := range []stats.Duration{stats.TimeToAccept, stats.TimeToResolve} {
		for _, town := range []grid.CellID{"gucheng", "linzhen"} {
			for ri, r := range f.ranges {
				for si, within := range f.scopes[town] {
					q := stats.Query{Township: town, Within: within, Range: r}
					got, err := src.Durations(ctx, d, q)
					require.NoError(t, err)
					var want []time.Duration
					for _, c := range f.cases {
						if v, ok := stats.MeasureCase(d, q, c); ok {
							want = append(want, v)
						}
					}
					slices.Sort(got)
					slices.Sort(want)
					if len(got) == 0 {
						got = nil
					}
					assert.Equal(t, want, got, "%s %s range %d scope %d", d, town, ri, si)
				}
			}
		}
	}
}

// statsInvalidQueries: Count and Durations refuse as Invalid an unknown
// measure or duration, and a query without a township, subtrees or range,
// with a subtree of another township, with ByCell but no level, or with
// an unknown grouping.
func statsInvalidQueries(t *testing.T, src stats.Source, f *statsFixture) {
	ctx := context.Background()
	good := stats.Query{Township: "gucheng", Within: []grid.Path{grid.RootPath("gucheng")}, Range: f.ranges[0]}
	_, err := src.Count(ctx, "cases.nonsense", good)
	requireCode(t, err, fourplusn.Invalid, "an unknown measure")
	_, err = src.Durations(ctx, "cases.nonsense", good)
	requireCode(t, err, fourplusn.Invalid, "an unknown duration")
	bad := []stats.Query{
		{},
		{Township: "gucheng", Range: f.ranges[0]},
		{Township: "gucheng", Within: good.Within},
		{Township: "gucheng", Within: []grid.Path{grid.RootPath("linzhen")}, Range: f.ranges[0]},
		{Township: "gucheng", Within: good.Within, Range: f.ranges[0], By: stats.ByCell},
		{Township: "gucheng", Within: good.Within, Range: f.ranges[0], By: 99},
	}
	for _, q := range bad {
		_, err := src.Count(ctx, stats.Registered, q)
		requireCode(t, err, fourplusn.Invalid, "%+v", q)
		_, err = src.Durations(ctx, stats.TimeToAccept, q)
		requireCode(t, err, fourplusn.Invalid, "%+v", q)
	}
}

// storeCase puts c in the store. Most cases are created as registered and
// brought to c's state by an Update, so that a store is seen to keep what
// it counts by up to date; their earlier team is replaced on the way.
func storeCase(t *testing.T, s mediation.Store, rng *rand.Rand, c *mediation.Case) {
	ctx := context.Background()
	first, _ := newCaseAt(0, c.Location, c.RegisteredAt)
	if rng.IntN(3) == 0 {
		*first = *c.Clone()
		first.Chain = timeline.Chain{}
		events := []timeline.Event{seal(first, mediation.ActionRegistered, c.RegisteredAt)}
		_, err := s.Create(ctx, first, events, work.IdempotencyKey{})
		require.NoError(t, err)
		*c = *first
		return
	}
	first.ID, first.TrackingCode, first.Township, first.Handling = c.ID, c.TrackingCode, c.Township, c.Handling
	first.Location, first.Outside = c.Location, c.Outside
	first.Chain = timeline.Chain{}
	events := []timeline.Event{seal(first, mediation.ActionRegistered, c.RegisteredAt)}
	first.Team = []mediation.Participant{{Department: "justice", Name: "先"}, {Department: "justice", Name: "后"}}
	_, err := s.Create(ctx, first, events, work.IdempotencyKey{})
	require.NoError(t, err)
	final := c.Clone()
	got, err := s.Update(ctx, c.ID, 1, func(stored *mediation.Case) ([]timeline.Event, error) {
		chain, version := stored.Chain, stored.Version
		*stored = *final.Clone()
		stored.Chain, stored.Version = chain, version
		return []timeline.Event{seal(stored, "moved", c.RegisteredAt.Add(time.Minute))}, nil
	})
	require.NoError(t, err)
	*c = *got
}

// expected computes a measure record by record, by definition.
func expected(m stats.Measure, q stats.Query, cases []*mediation.Case, hazards []*hazard.Hazard) []stats.Count {
	groups := map[string]int64{}
	add := func(k string, n int64) { groups[k] += n }
	if m.OfHazards() {
		for _, h := range hazards {
			stats.TallyHazard(m, q, h, add)
		}
	} else {
		for _, c := range cases {
			stats.TallyCase(m, q, c, add)
			if m == stats.Recurred {
				stats.TallyRecurred(q, c, cases, add)
			}
		}
	}
	var out []stats.Count
	for k, n := range groups {
		out = append(out, stats.Count{Key: k, N: n})
	}
	slices.SortFunc(out, func(a, b stats.Count) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// randomCase returns case n at a random cell with a random history, its
// fields set as the Service would set them, and now and then a zero
// deadline or a time exactly on another, where the definitions' edges lie.
func randomCase(rng *rand.Rand, n int, paths []grid.Path) *mediation.Case {
	h := func(n int) time.Duration {
		return time.Duration(1+rng.IntN(n))*time.Hour + time.Duration(rng.IntN(1000)) // nanoseconds count
	}
	at := base.Add(time.Duration(rng.IntN(120*24))*time.Hour + time.Duration(rng.IntN(1e6)))
	if rng.IntN(20) == 0 {
		at = stats.Month.Of(at).From // exactly at a period's start
	}
	if rng.IntN(10) == 0 {
		// A year before, where the recurrence window ends.
		at = at.Add(-stats.RecurrenceWindow)
	}
	c, _ := newCaseAt(n, paths[rng.IntN(len(paths))], at)
	// Applicants from a small pool, so that some come again: by phone, by
	// ID number, or with neither.
	c.Applicants[0].Phone = fmt.Sprintf("139%08d", rng.IntN(60))
	switch rng.IntN(4) {
	case 0:
		c.Applicants[0].Phone = ""
		fallthrough
	case 1:
		c.Applicants[0].IDCard = fmt.Sprintf("41172119800101%04d", rng.IntN(30))
	}
	c.Category = []mediation.Category{mediation.Neighbour, mediation.Injury, mediation.Homestead}[rng.IntN(3)]
	c.Channel = work.Channel(1 + rng.IntN(8))
	c.Grade = work.Grade(1 + rng.IntN(3))
	c.Escalations = rng.IntN(3) / 2
	if rng.IntN(8) == 0 {
		// Arose outside the township: it counts in its handling cell.
		c.Location, c.Outside = grid.Path{}, "确山县"
	}
	if rng.IntN(15) == 0 {
		c.AcceptDue = time.Time{}
	}
	for range rng.IntN(4) {
		c.Team = append(c.Team, mediation.Participant{Department: []string{"police", "justice", "grid", "partner"}[rng.IntN(4)], Name: "某"})
	}
	switch rng.IntN(8) {
	case 0: // still registered
	case 1:
		c.State, c.ResolvedAt, c.Rejection = mediation.Rejected, c.RegisteredAt.Add(h(30)), &mediation.Rejection{Reason: "r", Advice: "a"}
	case 2:
		c.State, c.ResolvedAt, c.TransferOut = mediation.TransferredOut, c.RegisteredAt.Add(h(30)), &mediation.OutsideBody{Name: "法院"}
	case 3:
		c.State, c.ResolvedAt, c.TransferOut = mediation.TransferredOut, c.AcceptDue, &mediation.OutsideBody{Name: "派出所"} // on the deadline
	default:
		c.State, c.AcceptedAt = mediation.Accepted, c.RegisteredAt.Add(h(40))
		if rng.IntN(10) == 0 && !c.AcceptDue.IsZero() {
			c.AcceptedAt = c.AcceptDue // accepted on the deadline itself
		}
		c.ResolveDue = c.AcceptedAt.Add(7 * 24 * time.Hour)
		if rng.IntN(15) == 0 {
			c.ResolveDue = time.Time{}
		}
		end := c.AcceptedAt.Add(h(300))
		switch rng.IntN(5) {
		case 0:
			c.State, c.ResolvedAt, c.Agreement = mediation.Agreed, end, &mediation.Agreement{Form: mediation.Oral}
			// Follow-up visits, each asking some of the parties, now and
			// then one exactly at a period's start.
			for v := range rng.IntN(3) {
				at := end.Add(h(200))
				if rng.IntN(10) == 0 {
					at = stats.Month.Of(at).From
				}
				f := mediation.FollowUp{At: at, By: "某", Performed: rng.IntN(2) == 0, Notes: fmt.Sprint("回访", v)}
				for range rng.IntN(3) {
					f.Satisfaction = append(f.Satisfaction, []mediation.Satisfaction{"", mediation.Satisfied, mediation.FairlySatisfied, mediation.Unsatisfied}[rng.IntN(4)])
				}
				c.FollowUps = append(c.FollowUps, f)
			}
		case 1:
			c.State, c.ResolvedAt, c.Failure = mediation.Failed, end, &mediation.Failure{Reason: "f", Route: mediation.RouteLitigation}
			if rng.IntN(4) == 0 {
				// agreed once, reopened, and failed: its agreement stays on file
				c.Agreement = &mediation.Agreement{Form: mediation.Oral}
			}
		case 2:
			c.State, c.ResolvedAt, c.Withdrawal = mediation.Withdrawn, end, "w"
		case 3:
			c.State = mediation.Mediating
		}
		// Now and then mediation stands still, a party awaited (中止):
		// the deadline stops with it.
		if c.ResolvedAt.IsZero() && rng.IntN(3) == 0 {
			c.Pauses = []mediation.Pause{{From: c.AcceptedAt.Add(h(20)), Reason: "等待当事人", By: "某"}}
		}
	}
	return c
}

func randomHazard(rng *rand.Rand, i int, at grid.Path) *hazard.Hazard {
	reported := base.Add(time.Duration(rng.IntN(120*24))*time.Hour + time.Duration(rng.IntN(1e6)))
	h := &hazard.Hazard{
		ID: hazard.ID(fmt.Sprintf("H%08d", i+1)), Version: 1, Township: at.Township(),
		Category: []hazard.Category{hazard.Fire, hazard.Electrical, hazard.DisputeLead}[rng.IntN(3)],
		Grade:    work.Grade(1 + rng.IntN(3)), Description: "隐患", Channel: work.Channel(1 + rng.IntN(8)),
		Location: at, Handling: at, Reporter: "m-1", State: hazard.Open, ReportedAt: reported,
		RectifyDue: reported.Add(72 * time.Hour),
	}
	switch rng.IntN(5) {
	case 0:
		h.State, h.OnTheSpot = hazard.Rectified, true
		h.Rectifications = []hazard.Rectification{{Evidence: "e", At: reported, By: "m-1"}}
	case 1:
		h.State = hazard.Closed
		h.Rectifications = []hazard.Rectification{{Evidence: "e", At: reported.Add(30 * time.Hour), By: "m-1"}}
		h.ClosedAt = reported.Add(60 * time.Hour)
	case 2:
		h.State, h.ConvertedAt, h.Case = hazard.Converted, reported.Add(5*time.Hour), "C1"
	}
	return h
}
