package stats_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

var ctx = context.Background()

// township is the demo township with a mediation service and a statistics
// service over one memory store, and a clock the tests set.
type township struct {
	demo    *gridtest.Demo
	cases   *mediation.Service
	hazards *hazard.Service
	stats   *stats.Service
	source  stats.Source
	store   *memstore.Cases
	now     time.Time
	mu      sync.Mutex
}

func newTownship(t *testing.T) *township {
	demo := gridtest.Gucheng()
	store := memstore.NewCases()
	cells := memstore.Grid{Tree: demo.Tree}
	policy := grid.DefaultPolicy()
	tw := &township{demo: demo, store: store}
	now := func() time.Time { return tw.now }
	// next numbers IDs in the order they are made.
	var n int
	next := func(prefix string) string {
		tw.mu.Lock()
		defer tw.mu.Unlock()
		n++
		return fmt.Sprintf("%s%07d", prefix, n)
	}
	svc, err := mediation.NewService(mediation.Config{
		Store: store, Cells: cells, Policy: policy, Rules: mediation.DefaultRules(), Now: now,
		NewID: func() mediation.ID { return mediation.ID(next("C")) },
	})
	require.NoError(t, err)
	tw.cases = svc
	hazards := memstore.NewHazards()
	tw.hazards, err = hazard.NewService(hazard.Config{
		Store: hazards, Cells: cells, Policy: policy, Rules: hazard.DefaultRules(), Converter: svc, Now: now,
		NewID: func() hazard.ID { return hazard.ID(next("H")) },
	})
	require.NoError(t, err)
	tw.source = memstore.Stats{Cases: store, Hazards: hazards}
	tw.stats, err = stats.NewService(stats.Config{
		Source: tw.source, Indicators: memstore.NewIndicators(), Cells: cells, Policy: policy,
		Cases: store, CaseRules: mediation.DefaultRules(), Hazards: hazards, HazardRules: hazard.DefaultRules(), Now: now,
	})
	require.NoError(t, err)
	return tw
}

// resolve registers a neighbours' dispute in group (a level-4 cell) at the
// clock's time, has the group head accept it an hour later and mediate it
// to an agreement a day after that, then sets the clock back.
func (tw *township) resolve(t *testing.T, group grid.CellID) *mediation.Case {
	start := tw.now
	defer func() { tw.now = start }()
	c := tw.register(t, group)
	head := tw.demo.Member(grid.MemberID(string(group) + "-head")).Actor()
	tw.now = tw.now.Add(time.Hour)
	c, err := tw.cases.Accept(ctx, head, c.ID, 0)
	require.NoError(t, err)
	tw.now = tw.now.Add(24 * time.Hour)
	c, err = tw.cases.RecordSession(ctx, head, c.ID, 0, mediation.Session{At: tw.now, Place: mediation.PlaceHome, Attendees: []string{"组长"}, Notes: "调解", Outcome: mediation.Settled})
	require.NoError(t, err)
	c, err = tw.cases.RecordAgreement(ctx, head, c.ID, 0, mediation.Agreement{Form: mediation.Oral, Facts: "争吵", Disputes: "琐事", Terms: "和好", Mediator: "组长"})
	require.NoError(t, err)
	return c
}

func (tw *township) register(t *testing.T, group grid.CellID) *mediation.Case {
	head := tw.demo.Member(grid.MemberID(string(group) + "-head")).Actor()
	c, err := tw.cases.Register(ctx, head, mediation.Intake{
		Channel:     work.ChannelScreening,
		Category:    mediation.Neighbour,
		Applicants:  []mediation.Party{{Name: "甲某", Phone: "13900000001"}},
		Respondents: []mediation.Party{{Name: "乙某"}},
		Facts:       "邻里琐事争吵",
		Location:    group,
	})
	require.NoError(t, err)
	return c
}

var (
	pilots = []grid.CellID{"mayuan-1", "wuguiqiao-1", "dayuzhuang-1"}
	all8   = []grid.CellID{"mayuan-1", "wuguiqiao-1", "dayuzhuang-1", "honggoumiao-1", "guchengjie-1", "nanguan-1", "xiaoyuzhuang-1", "zhaiwan-1"}
)

// TestSeedFigures reproduces what the seed reports: 102 disputes screened
// with the resolution rate kept at 100%; the mechanism piloted in three
// communities, then rolled out to eight; rural property crime down 35%,
// "three vehicles" theft down 33% and telecom fraud down 46% month on month.
// countOnly hides a Source's CountBatch.
type countOnly struct{ stats.Source }

func TestSeedFigures(t *testing.T) {
	tw := newTownship(t)
	secretary := tw.demo.Member("gc-secretary").Actor()

	// March 2023: the pilots, 6 disputes in each of the 3 communities.
	tw.now = at("2023-03-01 09:00")
	for i := range 18 {
		tw.resolve(t, pilots[i%3])
		tw.now = tw.now.Add(4 * time.Hour)
	}
	// April and May: all 8 communities, 42 disputes a month.
	for _, month := range []string{"2023-04-01 09:00", "2023-05-01 09:00"} {
		tw.now = at(month)
		for i := range 42 {
			tw.resolve(t, all8[i%8])
			tw.now = tw.now.Add(12 * time.Hour)
		}
	}
	// 25 hazards found by the grid heads in May, each rectified on the spot.
	tw.now = at("2023-05-02 10:00")
	for i := range 25 {
		group := all8[i%8]
		_, err := tw.hazards.Report(ctx, tw.demo.Member(grid.MemberID(string(group)+"-head")).Actor(), hazard.Report{
			Category: hazard.Electrical, Location: group, Description: "私拉乱接电线",
			OnTheSpot: &hazard.Rectification{Evidence: "已拆除并重新规范布线"},
		})
		require.NoError(t, err)
		tw.now = tw.now.Add(time.Hour)
	}
	end := at("2023-05-31 23:00")
	since := stats.Range{From: at("2023-03-01 00:00"), To: at("2023-06-01 00:00")}
	q := stats.Query{Township: "gucheng", Within: []grid.Path{grid.RootPath("gucheng")}, Range: since}
	f, err := stats.Compute(ctx, tw.source, q)
	require.NoError(t, err)
	assert.Equal(t, int64(102), f.Registered, "102 disputes screened")
	assert.Equal(t, int64(102), f.Agreed)
	assert.Equal(t, 1.0, f.Resolution.Value(), "resolution rate 100%")
	assert.Equal(t, 1.0, f.Dynamic.Value(), "kept at 100%")
	assert.Equal(t, int64(102), f.Sources["own"], "all from the grid's own screening")
	assert.Equal(t, stats.Quantiles{N: 102, Median: time.Hour, P90: time.Hour}, f.TimeToAccept)
	assert.Equal(t, 1.0, f.FirstInquiry.Value())
	assert.Equal(t, int64(25), f.HazardsFound, "25 hazards found")
	assert.Equal(t, int64(25), f.HazardsOnTheSpot, "25 rectified on the spot")
	assert.Equal(t, 1.0, f.OnTheSpot.Value())
	assert.Equal(t, 1.0, f.Rectification.Value())
	// A Source that answers no batch gets the same figures, a Count each.
	one, err := stats.Compute(ctx, countOnly{tw.source}, q)
	require.NoError(t, err)
	assert.Equal(t, f, one)

	communities := func(month string) int {
		counts, err := tw.stats.Breakdown(ctx, secretary, "gucheng", stats.Registered, stats.ByCell, 3, stats.Month.Of(at(month)))
		require.NoError(t, err)
		return len(counts)
	}
	assert.Equal(t, 3, communities("2023-03-15 00:00"), "piloted in 3 communities")
	assert.Equal(t, 8, communities("2023-05-15 00:00"), "rolled out to 8")

	// The police's incident counts, recorded per community and month.
	for _, ind := range []struct {
		name       string
		april, may int64
		wantMoMPct int
	}{
		{stats.RuralPropertyCrime, 20, 13, -35},
		{stats.ThreeVehicleTheft, 9, 6, -33},
		{stats.TelecomFraud, 13, 7, -46},
	} {
		record := func(month string, total int64) {
			// Spread the township's total over the communities, so that the
			// figure is a roll-up.
			for i, c := range []grid.CellID{"mayuan", "honggoumiao"} {
				v := total / 2
				if i == 0 {
					v = total - total/2
				}
				require.NoError(t, tw.stats.RecordIndicator(ctx, secretary, stats.Indicator{
					Name: ind.name, Cell: tw.demo.Path(c), Period: stats.Month, Start: at(month), Value: v,
				}))
			}
		}
		record("2023-04-01 00:00", ind.april)
		record("2023-05-01 00:00", ind.may)
		points, err := tw.stats.IndicatorSeries(ctx, secretary, "gucheng", ind.name, stats.Month, end, 2)
		require.NoError(t, err)
		require.Len(t, points, 2)
		assert.Equal(t, ind.may, points[1].N)
		pct, ok := points[1].MoM.Percent()
		assert.True(t, ok)
		assert.Equal(t, ind.wantMoMPct, pct, ind.name)
		_, ok = points[0].YoY.Percent()
		assert.False(t, ok, "nothing a year earlier: 同比 undefined")
	}

	// 环比 of disputes screened, read in June: 42 in the whole of May
	// against 42 in the whole of April.
	tw.now = at("2023-06-01 09:00")
	r, err := tw.stats.Report(ctx, secretary, "gucheng", stats.Month, end)
	require.NoError(t, err)
	assert.False(t, r.Partial, "May has ended")
	assert.Equal(t, int64(42), r.Current.Registered)
	assert.Equal(t, int64(42), r.Previous.Registered)
	change := r.MoM(func(f stats.Figures) float64 { return float64(f.Registered) })
	assert.Equal(t, 0.0, change.Ratio)
	assert.Equal(t, int64(0), r.YearEarlier.Registered)
	assert.False(t, r.YoY(func(f stats.Figures) float64 { return float64(f.Registered) }).Defined)
}

func TestRollupsAndEmpty(t *testing.T) {
	tw := newTownship(t)
	tw.now = at("2023-04-03 09:00")
	for i := range 16 {
		tw.resolve(t, all8[i%8])
	}
	failing := tw.register(t, "mayuan-2")
	head := tw.demo.Member("mayuan-2-head").Actor()
	_, err := tw.cases.Accept(ctx, head, failing.ID, 0)
	require.NoError(t, err)
	_, err = tw.cases.Fail(ctx, head, failing.ID, 0, mediation.Failure{Reason: "分歧大", Route: mediation.RouteLitigation})
	require.NoError(t, err)
	stillOpen := tw.register(t, "mayuan-3")
	april := stats.Month.Of(tw.now)

	count := func(cell grid.CellID, m stats.Measure) int64 {
		q := stats.Query{Township: "gucheng", Within: []grid.Path{tw.demo.Path(cell)}, Range: april}
		f, err := stats.Compute(ctx, tw.source, q)
		require.NoError(t, err)
		switch m {
		case stats.Registered:
			return f.Registered
		case stats.Open:
			return f.Open
		}
		return f.Failed
	}
	township := count("gucheng", stats.Registered)
	assert.Equal(t, int64(18), township)
	assert.Equal(t, township, count("gc-east", stats.Registered)+count("gc-west", stats.Registered)+count("gc-south", stats.Registered), "sectors add up to the township")
	assert.Equal(t, count("gc-east", stats.Registered), count("mayuan", stats.Registered)+count("wuguiqiao", stats.Registered)+count("guchengjie", stats.Registered), "communities add up to their sector")
	assert.Equal(t, int64(2+2), count("mayuan", stats.Registered), "two resolved in 马园一组, one failed, one open")
	assert.Equal(t, int64(1), count("mayuan", stats.Failed))
	assert.Equal(t, int64(1), count("mayuan", stats.Open))

	q := stats.Query{Township: "gucheng", Within: []grid.Path{tw.demo.Path("mayuan")}, Range: april}
	f, err := stats.Compute(ctx, tw.source, q)
	require.NoError(t, err)
	assert.Equal(t, stats.Rate{Num: 2, Den: 3}, f.Resolution)

	// The escalation rate per community: one of 马园's four cases went up.
	_, err = tw.cases.Escalate(ctx, tw.demo.Member("mayuan-3-head").Actor(), stillOpen.ID, 0, "需村委协调")
	require.NoError(t, err)
	secretary := tw.demo.Member("gc-secretary").Actor()
	escalated, err := tw.stats.Breakdown(ctx, secretary, "gucheng", stats.Escalated, stats.ByCell, 3, april)
	require.NoError(t, err)
	registered, err := tw.stats.Breakdown(ctx, secretary, "gucheng", stats.Registered, stats.ByCell, 3, april)
	require.NoError(t, err)
	rates := stats.Rates(escalated, registered)
	assert.Len(t, rates, 8)
	assert.Equal(t, stats.Rate{Num: 1, Den: 4}, rates["mayuan"])
	assert.Equal(t, stats.Rate{Num: 0, Den: 2}, rates["nanguan"])

	// A month with nothing: zeros, and rates undefined rather than 0 or 100%.
	q.Range = stats.Month.Of(at("2023-01-15 00:00"))
	f, err = stats.Compute(ctx, tw.source, q)
	require.NoError(t, err)
	assert.Zero(t, f.Registered)
	assert.False(t, f.Resolution.Defined())
	assert.False(t, f.Escalation.Defined())
	assert.Equal(t, stats.Quantiles{}, f.TimeToResolve)

	// The neighbouring township's subtree holds none of Gucheng's cases.
	_, err = stats.Compute(ctx, tw.source, stats.Query{Township: "gucheng", Within: []grid.Path{tw.demo.Path("lz-qiaotou")}, Range: april})
	assert.Equal(t, "within", fourplusn.ErrorField(err))
	f, err = stats.Compute(ctx, tw.source, stats.Query{Township: "linzhen", Within: []grid.Path{tw.demo.Path("lz-qiaotou")}, Range: april})
	require.NoError(t, err)
	assert.Zero(t, f.Registered)
}

func TestStatsPermissions(t *testing.T) {
	tw := newTownship(t)
	r := stats.Month.Of(at("2023-04-01 00:00"))
	tests := []struct {
		member grid.MemberID
		cell   grid.CellID
		want   fourplusn.Code
	}{
		{"gc-secretary", "gucheng", ""},
		{"gc-secretary", "mayuan-1", ""},
		{"gc-east-head", "gc-east", ""},
		{"gc-east-head", "mayuan", ""},
		{"gc-east-head", "gc-west", fourplusn.Forbidden},
		{"gc-east-head", "gucheng", fourplusn.Forbidden},
		{"mayuan-head", "mayuan", ""},
		{"mayuan-1-head", "mayuan-1", fourplusn.Forbidden}, // level-4 heads see no statistics
		{"gc-justice", "gucheng", ""},
		{"lz-secretary", "gucheng", fourplusn.Forbidden},
		{"gc-secretary", "nowhere", fourplusn.NotFound},
	}
	for _, tc := range tests {
		t.Run(string(tc.member)+"@"+string(tc.cell), func(t *testing.T) {
			_, err := tw.stats.Breakdown(ctx, tw.demo.Member(tc.member).Actor(), tc.cell, stats.Registered, stats.Total, 0, r)
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.Equal(t, tc.want, fourplusn.ErrorCode(err), "%v", err)
		})
	}
	_, err := tw.stats.Breakdown(ctx, grid.Actor{}, "gucheng", stats.Registered, stats.Total, 0, r)
	assert.Equal(t, fourplusn.Unauthorized, fourplusn.ErrorCode(err))
	_, err = tw.stats.Breakdown(ctx, grid.ResidentActor("r", "gucheng"), "gucheng", stats.Registered, stats.Total, 0, r)
	assert.Equal(t, fourplusn.Forbidden, fourplusn.ErrorCode(err))
}

func TestTracking(t *testing.T) {
	tw := newTownship(t)
	tw.now = at("2023-04-03 09:00")
	old := tw.register(t, "mayuan-1")
	tw.now = tw.now.Add(10 * time.Hour)
	recent := tw.register(t, "mayuan-2")
	tw.now = tw.now.Add(2 * time.Hour)
	tw.register(t, "wuguiqiao-1")           // fresh: on time
	west := tw.register(t, "honggoumiao-1") // another sector

	now := at("2023-04-04 08:00") // old is 23 h in (at risk), recent 13 h
	// tracking is the whole view, in one page.
	tracking := func(member string, cell grid.CellID, now time.Time) ([]work.Deadline, error) {
		p, err := tw.stats.TrackingPage(ctx, tw.demo.Member(grid.MemberID(member)).Actor(), cell, now, stats.TrackOptions{Limit: work.MaxPage})
		return p.Deadlines, err
	}
	due, err := tracking("gc-east-head", "gc-east", now)
	require.NoError(t, err)
	require.Len(t, due, 1)
	assert.Equal(t, string(old.ID), due[0].Subject)
	assert.Equal(t, work.AtRisk, due[0].Status)
	assert.Equal(t, "mayuan-1-head", due[0].Accountable)

	now = at("2023-04-05 09:00")
	due, err = tracking("gc-secretary", "gucheng", now)
	require.NoError(t, err)
	require.Len(t, due, 4, "every open case is overdue by now")
	assert.Equal(t, string(old.ID), due[0].Subject, "oldest first")
	assert.Equal(t, string(recent.ID), due[1].Subject)
	for _, d := range due {
		assert.Equal(t, work.Overdue, d.Status)
	}
	_, err = tracking("mayuan-head", "mayuan", now)
	assert.Equal(t, fourplusn.Forbidden, fourplusn.ErrorCode(err), "tracking is for levels 1 and 2")

	// A hazard left unrectified past its three days joins the view.
	tw.now = at("2023-04-03 09:00")
	h, err := tw.hazards.Report(ctx, tw.demo.Member("mayuan-1-head").Actor(), hazard.Report{
		Category: hazard.Other, Location: "mayuan-1", Description: "路边井盖缺失",
	})
	require.NoError(t, err)
	due, err = tracking("gc-east-head", "gc-east", at("2023-04-06 10:00"))
	require.NoError(t, err)
	var subjects []string
	for _, d := range due {
		subjects = append(subjects, d.Subject)
	}
	assert.Contains(t, subjects, string(h.ID))
	assert.NotContains(t, subjects, string(west.ID), "the west sector's case stays out of the east sector's view")
}

// TestNewService: a Service is built whole or not at all.
func TestNewService(t *testing.T) {
	ok := stats.Config{
		Source: memstore.Stats{}, Indicators: memstore.NewIndicators(), Cells: memstore.Grid{Tree: gridtest.Gucheng().Tree},
		Policy: grid.DefaultPolicy(), Cases: memstore.NewCases(), CaseRules: mediation.DefaultRules(),
	}
	_, err := stats.NewService(ok)
	require.NoError(t, err, "hazards are optional")
	for name, break_ := range map[string]func(*stats.Config){
		"no source":        func(c *stats.Config) { c.Source = nil },
		"no indicators":    func(c *stats.Config) { c.Indicators = nil },
		"no cells":         func(c *stats.Config) { c.Cells = nil },
		"no policy":        func(c *stats.Config) { c.Policy = nil },
		"no cases":         func(c *stats.Config) { c.Cases = nil },
		"bad case rules":   func(c *stats.Config) { c.CaseRules = mediation.Rules{} },
		"bad hazard rules": func(c *stats.Config) { c.Hazards = memstore.NewHazards() },
	} {
		t.Run(name, func(t *testing.T) {
			c := ok
			break_(&c)
			_, err := stats.NewService(c)
			assert.Error(t, err)
		})
	}
}
