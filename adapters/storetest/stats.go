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
	stats.Open, stats.Pending, stats.Participants,
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
// record's time and one that begins at the zero time.
func Stats(t *testing.T, newStores func(t *testing.T) Stores) {
	ctx := context.Background()
	s := newStores(t)
	rng := rand.New(rand.NewPCG(7, 11))
	var paths []grid.Path
	for _, r := range demo.Tree.Roots() {
		paths = append(paths, r.Path)
		sub, err := demo.Tree.Descendants(r.ID)
		require.NoError(t, err)
		for _, c := range sub {
			paths = append(paths, c.Path)
		}
	}
	var cases []*mediation.Case
	for i := range 300 {
		c := randomCase(rng, i+1, paths)
		storeCase(t, s.Cases, rng, c)
		cases = append(cases, c)
	}
	var hazards []*hazard.Hazard
	if s.Hazards != nil {
		for i := range 150 {
			h := randomHazard(rng, i, paths[rng.IntN(len(paths))])
			_, err := s.Hazards.Create(ctx, h, nil, mediation.IdempotencyKey{})
			require.NoError(t, err)
			hazards = append(hazards, h)
		}
	}

	some := func() *mediation.Case { return cases[rng.IntN(len(cases))] }
	ranges := []stats.Range{
		stats.Month.Of(base.Add(40 * 24 * time.Hour)),
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
		ranges = append(ranges, stats.Range{From: from, To: to})
	}
	// And ranges that end exactly on an open case's deadline, where
	// pending turns overdue.
	for _, due := range []func(c *mediation.Case) time.Time{
		func(c *mediation.Case) time.Time { return c.AcceptDue },
		func(c *mediation.Case) time.Time { return c.ResolveDue },
	} {
		for _, c := range cases {
			end := due(c)
			if c.RegisteredAt.Before(end) && (c.ResolvedAt.IsZero() || c.ResolvedAt.After(end)) && (c.AcceptedAt.IsZero() == end.Equal(c.AcceptDue)) {
				ranges = append(ranges, stats.Range{From: c.RegisteredAt, To: end})
				break
			}
		}
	}
	scopes := map[grid.CellID][][]grid.Path{
		"gucheng": {
			{grid.RootPath("gucheng")},
			{demo.Path("gc-east")},
			{demo.Path("mayuan"), demo.Path("honggoumiao")},
			{demo.Path("mayuan-1"), demo.Path("mayuan-1-zhang")}, // overlapping subtrees count once
			{demo.Path("honggoumiao-2-tong")},
		},
		"linzhen": {{grid.RootPath("linzhen")}, {demo.Path("lz-qiaotou")}},
	}
	type dim struct {
		by    stats.Dimension
		level grid.Level
	}
	dims := []dim{{stats.Total, 0}, {stats.ByCategory, 0}, {stats.ByChannel, 0}, {stats.BySource, 0}, {stats.ByGrade, 0}, {stats.ByDepartment, 0}}
	for l := grid.Level(1); l <= grid.MaxLevel; l++ {
		dims = append(dims, dim{stats.ByCell, l})
	}
	measures := caseMeasures
	if s.Hazards != nil {
		measures = append(slices.Clone(measures), hazardMeasures...)
	}
	for _, m := range measures {
		t.Run(string(m), func(t *testing.T) {
			for _, town := range []grid.CellID{"gucheng", "linzhen"} {
				for ri, r := range ranges {
					for si, within := range scopes[town] {
						// Every grouping over the whole township; a few
						// over the subtrees, whose selection is the
						// same whatever the grouping.
						ds := dims
						if si > 0 {
							ds = []dim{{stats.Total, 0}, {stats.ByDepartment, 0}, {stats.ByCell, min(within[0].Level()+1, grid.MaxLevel)}}
						}
						for _, d := range ds {
							q := stats.Query{Township: town, Within: within, Range: r, By: d.by, Level: d.level}
							got, err := s.Source.Count(ctx, m, q)
							require.NoError(t, err)
							if len(got) == 0 {
								got = nil // no groups, however returned
							}
							assert.Equal(t, expected(m, q, cases, hazards), got, "%s range %d (%s) scope %d by %d level %d", town, ri, r, si, d.by, d.level)
						}
					}
				}
			}
		})
	}
	t.Run("batch", func(t *testing.T) {
		b, ok := s.Source.(stats.Batcher)
		if !ok {
			t.Skip("the source is not a stats.Batcher")
		}
		// Every measure under every grouping, over two scopes of each
		// township and every range, asked at once in a random order, so
		// that a store shares its reads between requests as it can.
		var rs []stats.Request
		for _, m := range measures {
			for _, town := range []grid.CellID{"gucheng", "linzhen"} {
				for _, within := range scopes[town][:2] {
					for _, r := range ranges {
						for _, d := range dims {
							rs = append(rs, stats.Request{Measure: m, Query: stats.Query{Township: town, Within: within, Range: r, By: d.by, Level: d.level}})
						}
					}
				}
			}
		}
		rng.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
		got, err := b.CountBatch(ctx, rs)
		require.NoError(t, err)
		require.Len(t, got, len(rs))
		for i, r := range rs {
			if len(got[i]) == 0 {
				got[i] = nil
			}
			assert.Equal(t, expected(r.Measure, r.Query, cases, hazards), got[i], "request %d: %s %+v", i, r.Measure, r.Query)
		}
		_, err = b.CountBatch(ctx, []stats.Request{rs[0], {Measure: "cases.nonsense", Query: rs[0].Query}})
		requireCode(t, err, fourplusn.Invalid, "a batch with an unknown measure")
		_, err = b.CountBatch(ctx, []stats.Request{rs[0], {Measure: stats.Registered}})
		requireCode(t, err, fourplusn.Invalid, "a batch with an empty query")
	})
	t.Run("durations", func(t *testing.T) {
		for _, d := range []stats.Duration{stats.TimeToAccept, stats.TimeToResolve} {
			for _, town := range []grid.CellID{"gucheng", "linzhen"} {
				for ri, r := range ranges {
					for si, within := range scopes[town] {
						q := stats.Query{Township: town, Within: within, Range: r}
						got, err := s.Source.Durations(ctx, d, q)
						require.NoError(t, err)
						var want []time.Duration
						for _, c := range cases {
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
	})
	t.Run("invalid queries", func(t *testing.T) {
		good := stats.Query{Township: "gucheng", Within: []grid.Path{grid.RootPath("gucheng")}, Range: ranges[0]}
		_, err := s.Source.Count(ctx, "cases.nonsense", good)
		requireCode(t, err, fourplusn.Invalid, "an unknown measure")
		_, err = s.Source.Durations(ctx, "cases.nonsense", good)
		requireCode(t, err, fourplusn.Invalid, "an unknown duration")
		bad := []stats.Query{
			{},
			{Township: "gucheng", Range: ranges[0]},
			{Township: "gucheng", Within: good.Within},
			{Township: "gucheng", Within: []grid.Path{grid.RootPath("linzhen")}, Range: ranges[0]},
			{Township: "gucheng", Within: good.Within, Range: ranges[0], By: stats.ByCell},
			{Township: "gucheng", Within: good.Within, Range: ranges[0], By: 99},
		}
		for _, q := range bad {
			_, err := s.Source.Count(ctx, stats.Registered, q)
			requireCode(t, err, fourplusn.Invalid, "%+v", q)
			_, err = s.Source.Durations(ctx, stats.TimeToAccept, q)
			requireCode(t, err, fourplusn.Invalid, "%+v", q)
		}
	})
}

// storeCase puts c in the store. Most cases are created as registered and
// brought to c's state by an Update, so that a store is seen to keep what
// it counts by up to date; their earlier team is replaced on the way.
func storeCase(t *testing.T, s mediation.Store, rng *rand.Rand, c *mediation.Case) {
	ctx := context.Background()
	first, events := newCaseAt(0, c.Location, c.RegisteredAt)
	if rng.IntN(3) == 0 {
		*first = *c.Clone()
		first.Chain = timeline.Chain{}
		events = []timeline.Event{seal(first, "registered", c.RegisteredAt)}
		_, err := s.Create(ctx, first, events, mediation.IdempotencyKey{})
		require.NoError(t, err)
		*c = *first
		return
	}
	first.ID, first.TrackingCode, first.Township, first.Handling = c.ID, c.TrackingCode, c.Township, c.Handling
	first.Location, first.Outside = c.Location, c.Outside
	first.Chain = timeline.Chain{}
	events = []timeline.Event{seal(first, "registered", c.RegisteredAt)}
	first.Team = []mediation.Participant{{Department: "justice", Name: "先"}, {Department: "justice", Name: "后"}}
	_, err := s.Create(ctx, first, events, mediation.IdempotencyKey{})
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
	c, _ := newCaseAt(n, paths[rng.IntN(len(paths))], at)
	c.Category = []mediation.Category{mediation.Neighbour, mediation.Injury, mediation.Homestead}[rng.IntN(3)]
	c.Channel = mediation.Channel(1 + rng.IntN(8))
	c.Grade = mediation.Grade(1 + rng.IntN(3))
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
		case 1:
			c.State, c.ResolvedAt, c.Failure = mediation.Failed, end, &mediation.Failure{Reason: "f", Route: mediation.RouteLitigation}
		case 2:
			c.State, c.ResolvedAt, c.Withdrawal = mediation.Withdrawn, end, "w"
		case 3:
			c.State = mediation.Mediating
		}
	}
	return c
}

func randomHazard(rng *rand.Rand, i int, at grid.Path) *hazard.Hazard {
	reported := base.Add(time.Duration(rng.IntN(120*24))*time.Hour + time.Duration(rng.IntN(1e6)))
	h := &hazard.Hazard{
		ID: hazard.ID(fmt.Sprintf("H%08d", i+1)), Version: 1, Township: at.Township(),
		Category: []hazard.Category{hazard.Fire, hazard.Electrical, hazard.DisputeLead}[rng.IntN(3)],
		Grade:    mediation.Grade(1 + rng.IntN(3)), Description: "隐患", Channel: mediation.Channel(1 + rng.IntN(8)),
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

// Indicators checks a stats.Indicators.
func Indicators(t *testing.T, newStore func(t *testing.T) stats.Indicators) {
	ctx := context.Background()
	april := stats.Month.Of(base.Add(40 * 24 * time.Hour))
	march := stats.Month.Previous(april)
	put := func(t *testing.T, s stats.Indicators, name string, cell grid.Path, p stats.Period, start time.Time, v int64) {
		t.Helper()
		require.NoError(t, s.Put(ctx, stats.Indicator{Name: name, Cell: cell, Period: p, Start: start, Value: v}))
	}
	sum := func(t *testing.T, s stats.Indicators, name string, p stats.Period, town grid.CellID, within []grid.Path, r stats.Range) int64 {
		t.Helper()
		n, err := s.Sum(ctx, name, p, stats.Query{Township: town, Within: within, Range: r})
		require.NoError(t, err)
		return n
	}
	gucheng := []grid.Path{grid.RootPath("gucheng")}

	t.Run("put replaces", func(t *testing.T) {
		s := newStore(t)
		assert.Equal(t, int64(0), sum(t, s, stats.TelecomFraud, stats.Month, "gucheng", gucheng, april), "nothing recorded")
		put(t, s, stats.TelecomFraud, demo.Path("mayuan"), stats.Month, april.From, 5)
		put(t, s, stats.TelecomFraud, demo.Path("mayuan"), stats.Month, april.From, 7)
		assert.Equal(t, int64(7), sum(t, s, stats.TelecomFraud, stats.Month, "gucheng", gucheng, april))
		put(t, s, stats.TelecomFraud, demo.Path("mayuan"), stats.Month, april.From.UTC(), 8) // the same instant in another zone
		assert.Equal(t, int64(8), sum(t, s, stats.TelecomFraud, stats.Month, "gucheng", gucheng, april))
		put(t, s, stats.TelecomFraud, demo.Path("mayuan"), stats.Month, april.From, 0)
		assert.Equal(t, int64(0), sum(t, s, stats.TelecomFraud, stats.Month, "gucheng", gucheng, april))
	})

	t.Run("sum over subtrees", func(t *testing.T) {
		s := newStore(t)
		put(t, s, stats.TelecomFraud, demo.Path("mayuan"), stats.Month, april.From, 7)
		put(t, s, stats.TelecomFraud, demo.Path("mayuan-1"), stats.Month, april.From, 1)
		put(t, s, stats.TelecomFraud, sibling(demo.Path("mayuan-1"), "x"), stats.Month, april.From, 1000)
		put(t, s, stats.TelecomFraud, demo.Path("honggoumiao"), stats.Month, april.From, 3)
		put(t, s, stats.TelecomFraud, demo.Path("lz-qiaotou"), stats.Month, april.From, 100)
		put(t, s, stats.TelecomFraud, grid.RootPath("gucheng"), stats.Month, april.From, 20)
		put(t, s, stats.ThreeVehicleTheft, demo.Path("mayuan"), stats.Month, april.From, 2)
		assert.Equal(t, int64(1031), sum(t, s, stats.TelecomFraud, stats.Month, "gucheng", gucheng, april), "the township rolls up")
		assert.Equal(t, int64(1008), sum(t, s, stats.TelecomFraud, stats.Month, "gucheng", []grid.Path{demo.Path("gc-east")}, april))
		assert.Equal(t, int64(1), sum(t, s, stats.TelecomFraud, stats.Month, "gucheng", []grid.Path{demo.Path("mayuan-1")}, april),
			"a value recorded above the subtree, or beside it, does not count")
		assert.Equal(t, int64(1011), sum(t, s, stats.TelecomFraud, stats.Month, "gucheng", []grid.Path{demo.Path("mayuan-1"), demo.Path("gc-west"), demo.Path("mayuan")}, april),
			"overlapping subtrees count each value once")
		assert.Equal(t, int64(100), sum(t, s, stats.TelecomFraud, stats.Month, "linzhen", []grid.Path{grid.RootPath("linzhen")}, april), "townships apart")
		assert.Equal(t, int64(2), sum(t, s, stats.ThreeVehicleTheft, stats.Month, "gucheng", gucheng, april), "names apart")
	})

	t.Run("periods and ranges", func(t *testing.T) {
		s := newStore(t)
		mayuan := demo.Path("mayuan")
		put(t, s, stats.TelecomFraud, mayuan, stats.Month, march.From, 11)
		put(t, s, stats.TelecomFraud, mayuan, stats.Month, april.From, 7)
		put(t, s, stats.TelecomFraud, mayuan, stats.Month, april.To, 13) // May
		put(t, s, stats.TelecomFraud, mayuan, stats.Day, april.From, 1000)
		put(t, s, stats.TelecomFraud, mayuan, stats.Quarter, stats.Quarter.Of(april.From).From, 2000)
		assert.Equal(t, int64(7), sum(t, s, stats.TelecomFraud, stats.Month, "gucheng", gucheng, april), "a range holds its start, not its end")
		assert.Equal(t, int64(11), sum(t, s, stats.TelecomFraud, stats.Month, "gucheng", gucheng, march))
		assert.Equal(t, int64(31), sum(t, s, stats.TelecomFraud, stats.Month, "gucheng", gucheng, stats.Range{From: march.From, To: april.To.Add(time.Second)}))
		assert.Equal(t, int64(1000), sum(t, s, stats.TelecomFraud, stats.Day, "gucheng", gucheng, april), "periods of one kind only")
		assert.Equal(t, int64(2000), sum(t, s, stats.TelecomFraud, stats.Quarter, "gucheng", gucheng, stats.Quarter.Of(april.From)))
	})

	t.Run("invalid", func(t *testing.T) {
		s := newStore(t)
		mayuan := demo.Path("mayuan")
		for _, v := range []stats.Indicator{
			{Name: "", Cell: mayuan, Period: stats.Month, Start: april.From},
			{Name: "x", Period: stats.Month, Start: april.From},
			{Name: "x", Cell: mayuan, Period: 99, Start: april.From},
			{Name: "x", Cell: mayuan, Period: stats.Month, Start: april.From.Add(time.Hour)},
			{Name: "x", Cell: mayuan, Period: stats.Month, Start: april.From, Value: -1},
		} {
			requireCode(t, s.Put(ctx, v), fourplusn.Invalid, "%+v", v)
		}
		assert.Equal(t, int64(0), sum(t, s, "x", stats.Month, "gucheng", gucheng, april), "nothing invalid was stored")
		_, err := s.Sum(ctx, "x", stats.Month, stats.Query{Township: "gucheng", Range: april})
		requireCode(t, err, fourplusn.Invalid, "a query without subtrees")
	})
}
