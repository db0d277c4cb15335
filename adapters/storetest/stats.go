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

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
)

// Stores are the stores a statistics source reads.
type Stores struct {
	Cases   mediation.Store
	Hazards hazard.Store
	Source  stats.Source
}

// Stats checks a stats.Source: for random cases and hazards put through
// the stores, every measure under every grouping and several ranges must
// equal the definition in stats.TallyCase and stats.TallyHazard, and every
// duration stats.MeasureCase.
func Stats(t *testing.T, newStores func(t *testing.T) Stores) {
	ctx := context.Background()
	s := newStores(t)
	rng := rand.New(rand.NewPCG(7, 11))
	var cells []grid.Cell
	for _, r := range demo.Tree.Roots() {
		sub, _ := demo.Tree.Descendants(r.ID)
		cells = append(cells, append([]grid.Cell{r}, sub...)...)
	}
	var cases []*mediation.Case
	for i := range 300 {
		cell := cells[rng.IntN(len(cells))]
		at := base.Add(time.Duration(rng.IntN(120*24)) * time.Hour)
		c, events := newCase(i+1, cell.ID, at)
		randomHistory(rng, c)
		_, err := s.Cases.Create(ctx, c, events, mediation.IdempotencyKey{})
		require.NoError(t, err)
		cases = append(cases, c)
	}
	var hazards []*hazard.Hazard
	if s.Hazards != nil {
		for i := range 150 {
			h := randomHazard(rng, i, cells[rng.IntN(len(cells))].Path)
			_, err := s.Hazards.Create(ctx, h, nil, mediation.IdempotencyKey{})
			require.NoError(t, err)
			hazards = append(hazards, h)
		}
	}
	measures := []stats.Measure{stats.Registered, stats.Accepted, stats.Agreed, stats.Failed, stats.Withdrawn, stats.Rejected,
		stats.TransferredOut, stats.Escalated, stats.Outside, stats.RoutingDue, stats.RoutedOnTime, stats.Open, stats.Pending,
		stats.Participants}
	if s.Hazards != nil {
		measures = append(measures, stats.HazardsFound, stats.HazardsRectified, stats.HazardsOnTheSpot, stats.HazardsClosed, stats.HazardsConverted)
	}
	ranges := []stats.Range{
		stats.Month.Of(base.Add(40 * 24 * time.Hour)),
		stats.Quarter.Of(base),
		{From: time.Unix(0, 0), To: base.Add(200 * 24 * time.Hour)},
		stats.Day.Of(base.Add(10 * 24 * time.Hour)),
	}
	scopes := [][]grid.Path{{grid.RootPath("gucheng")}, {demo.Path("gc-east")}, {demo.Path("mayuan"), demo.Path("honggoumiao")}, {demo.Path("mayuan-1-zhang")}}
	dims := []struct {
		by    stats.Dimension
		level grid.Level
	}{{stats.Total, 0}, {stats.ByCell, 2}, {stats.ByCell, 3}, {stats.ByCell, 4}, {stats.ByCategory, 0}, {stats.ByChannel, 0}, {stats.BySource, 0}, {stats.ByGrade, 0}, {stats.ByDepartment, 0}}
	for _, m := range measures {
		for ri, r := range ranges {
			for si, within := range scopes {
				for _, d := range dims {
					q := stats.Query{Township: "gucheng", Within: within, Range: r, By: d.by, Level: d.level}
					name := fmt.Sprintf("%s/range%d/scope%d/by%d-%d", m, ri, si, d.by, d.level)
					got, err := s.Source.Count(ctx, m, q)
					require.NoError(t, err, name)
					if len(got) == 0 {
						got = nil // no groups, however returned
					}
					assert.Equal(t, expected(m, q, cases, hazards), got, name)
				}
			}
		}
	}
	for _, d := range []stats.Duration{stats.TimeToAccept, stats.TimeToResolve} {
		for _, r := range ranges {
			q := stats.Query{Township: "gucheng", Within: []grid.Path{grid.RootPath("gucheng")}, Range: r}
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
			assert.Equal(t, want, got, string(d))
		}
	}
	_, err := s.Source.Count(ctx, "cases.nonsense", stats.Query{Township: "gucheng", Within: scopes[0], Range: ranges[0]})
	assert.Error(t, err)
	_, err = s.Source.Count(ctx, stats.Registered, stats.Query{})
	assert.Error(t, err)
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

// randomHistory moves c along a random path of its lifecycle, setting the
// fields stores index, as the Service would.
func randomHistory(rng *rand.Rand, c *mediation.Case) {
	h := func(n int) time.Duration { return time.Duration(1+rng.IntN(n)) * time.Hour }
	c.Category = []mediation.Category{mediation.Neighbour, mediation.Injury, mediation.Homestead}[rng.IntN(3)]
	c.Channel = mediation.Channel(1 + rng.IntN(8))
	c.Grade = mediation.Grade(1 + rng.IntN(3))
	c.Escalations = rng.IntN(2)
	if rng.IntN(10) == 0 {
		c.Location, c.Outside = grid.Path{}, "确山县"
	}
	for range rng.IntN(4) {
		c.Team = append(c.Team, mediation.Participant{Department: []string{"police", "justice", "grid", "partner"}[rng.IntN(4)], Name: "某"})
	}
	switch rng.IntN(7) {
	case 0: // still registered
	case 1:
		c.State, c.ResolvedAt, c.Rejection = mediation.Rejected, c.RegisteredAt.Add(h(30)), &mediation.Rejection{Reason: "r", Advice: "a"}
	case 2:
		c.State, c.ResolvedAt, c.TransferOut = mediation.TransferredOut, c.RegisteredAt.Add(h(30)), &mediation.OutsideBody{Name: "法院"}
	default:
		c.State, c.AcceptedAt = mediation.Accepted, c.RegisteredAt.Add(h(40))
		c.ResolveDue = c.AcceptedAt.Add(7 * 24 * time.Hour)
		end := c.AcceptedAt.Add(h(300))
		switch rng.IntN(4) {
		case 0:
			c.State, c.ResolvedAt, c.Agreement = mediation.Agreed, end, &mediation.Agreement{Form: mediation.Oral}
		case 1:
			c.State, c.ResolvedAt, c.Failure = mediation.Failed, end, &mediation.Failure{Reason: "f", Route: mediation.RouteLitigation}
		case 2:
			c.State, c.ResolvedAt, c.Withdrawal = mediation.Withdrawn, end, "w"
		}
	}
}

func randomHazard(rng *rand.Rand, i int, at grid.Path) *hazard.Hazard {
	reported := base.Add(time.Duration(rng.IntN(120*24)) * time.Hour)
	h := &hazard.Hazard{
		ID: hazard.ID(fmt.Sprintf("H%08d", i+1)), Version: 1, Township: at.Township(),
		Category: []hazard.Category{hazard.Fire, hazard.Electrical, hazard.DisputeLead}[rng.IntN(3)],
		Grade:    mediation.Grade(1 + rng.IntN(3)), Description: "隐患", Channel: mediation.ChannelScreening,
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
	s := newStore(t)
	april := stats.Month.Of(base.Add(40 * 24 * time.Hour))
	put := func(name string, cell grid.CellID, start time.Time, v int64) {
		require.NoError(t, s.Put(ctx, stats.Indicator{Name: name, Cell: demo.Path(cell), Period: stats.Month, Start: start, Value: v}))
	}
	put(stats.TelecomFraud, "mayuan", april.From, 5)
	put(stats.TelecomFraud, "mayuan", april.From, 7) // replaces
	put(stats.TelecomFraud, "honggoumiao", april.From, 3)
	put(stats.TelecomFraud, "lz-qiaotou", april.From, 100)
	put(stats.TelecomFraud, "mayuan", stats.Month.Previous(april).From, 11)
	put(stats.ThreeVehicleTheft, "mayuan", april.From, 2)
	sum := func(within []grid.Path, r stats.Range) int64 {
		n, err := s.Sum(ctx, stats.TelecomFraud, stats.Month, stats.Query{Township: "gucheng", Within: within, Range: r})
		require.NoError(t, err)
		return n
	}
	assert.Equal(t, int64(10), sum([]grid.Path{grid.RootPath("gucheng")}, april), "a roll-up of the township, replaced values once")
	assert.Equal(t, int64(7), sum([]grid.Path{demo.Path("gc-east")}, april))
	assert.Equal(t, int64(11), sum([]grid.Path{grid.RootPath("gucheng")}, stats.Month.Previous(april)))
	assert.Equal(t, int64(0), sum([]grid.Path{demo.Path("mayuan-1")}, april), "a value recorded above the subtree does not count")
	assert.Error(t, s.Put(ctx, stats.Indicator{Name: "x", Cell: demo.Path("mayuan"), Period: stats.Month, Start: april.From.Add(time.Hour)}), "a start that is not a period start")
}
