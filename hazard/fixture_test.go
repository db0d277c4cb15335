package hazard_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/files"
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

var ctx = context.Background()

// shanghai is the zone the township lives in; the fixture's clock starts at
// 9 a.m. there on 20 March 2023.
var shanghai = time.FixedZone("CST", 8*3600)

// clock is a fake clock the tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fixture is a hazard Service over memstore on the demo township, with a
// fake clock and sequential IDs, converting dispute leads through a real
// mediation Service over its own memstore.
type fixture struct {
	svc       *hazard.Service
	config    hazard.Config // svc's
	store     *memstore.Hazards
	mediation *mediation.Service
	cases     *memstore.Cases
	demo      *gridtest.Demo
	clock     *clock
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	demo := gridtest.Gucheng()
	cells := memstore.Grid{Tree: demo.Tree}
	clk := &clock{now: time.Date(2023, 3, 20, 9, 0, 0, 0, shanghai)}

	cases := memstore.NewCases()
	var mu sync.Mutex
	nc, nh := 0, 0
	med, err := mediation.NewService(mediation.Config{
		Store: cases, Cells: cells, Policy: grid.DefaultPolicy(), Rules: mediation.DefaultRules(), Now: clk.Now,
		NewID: func() mediation.ID {
			mu.Lock()
			defer mu.Unlock()
			nc++
			return mediation.ID(fmt.Sprintf("C%07d", nc))
		},
		NewTrackingCode: func() string {
			mu.Lock()
			defer mu.Unlock()
			return fmt.Sprintf("TRK%07d", nc)
		},
	})
	require.NoError(t, err)

	store := memstore.NewHazards()
	dir, err := files.Open(t.TempDir())
	require.NoError(t, err)
	config := hazard.Config{
		Files: dir,
		Store: store, Cells: cells, Policy: grid.DefaultPolicy(), Rules: hazard.DefaultRules(), Converter: med, Now: clk.Now,
		NewID: func() hazard.ID {
			mu.Lock()
			defer mu.Unlock()
			nh++
			return hazard.ID(fmt.Sprintf("H%07d", nh))
		},
	}
	svc, err := hazard.NewService(config)
	require.NoError(t, err)
	return &fixture{svc: svc, config: config, store: store, mediation: med, cases: cases, demo: demo, clock: clk}
}

// with returns a service as the fixture's, but for what change makes
// different: another store, no converter.
func (f *fixture) with(t testing.TB, change func(*hazard.Config)) *hazard.Service {
	t.Helper()
	c := f.config
	change(&c)
	svc, err := hazard.NewService(c)
	require.NoError(t, err)
	return svc
}

// actor returns the demo member id as an actor.
func (f *fixture) actor(id grid.MemberID) grid.Actor { return f.demo.Member(id).Actor() }

// stored returns the hazard as stored, unmasked, for assertions.
func (f *fixture) stored(t testing.TB, id hazard.ID) *hazard.Hazard {
	t.Helper()
	h, err := f.store.Get(ctx, id)
	require.NoError(t, err)
	return h
}

// events returns the hazard's stored timeline.
func (f *fixture) events(t testing.TB, id hazard.ID) []timeline.Event {
	t.Helper()
	events, err := f.store.Events(ctx, id)
	require.NoError(t, err)
	return events
}

// all returns every hazard stored in Gucheng, newest first.
func (f *fixture) all(t testing.TB) []*hazard.Hazard {
	t.Helper()
	page, err := f.store.List(ctx, hazard.Filter{Township: gridtest.GuchengID, Within: []grid.Path{grid.RootPath(gridtest.GuchengID)}, Limit: work.MaxPage})
	require.NoError(t, err)
	return page.Hazards
}

// allCases returns every mediation case stored in Gucheng.
func (f *fixture) allCases(t testing.TB) []*mediation.Case {
	t.Helper()
	page, err := f.cases.List(ctx, mediation.Filter{Township: gridtest.GuchengID, Within: []grid.Path{grid.RootPath(gridtest.GuchengID)}, Limit: work.MaxPage})
	require.NoError(t, err)
	return page.Cases
}

// blockedDrain is a valid report of a green hazard in 马园 one group: a
// blocked drain by the road.
func blockedDrain() hazard.Report {
	return hazard.Report{
		Category:    hazard.Other,
		Location:    "mayuan-1",
		Description: "路边排水沟被杂物堵塞，雨天积水漫入农户院内。",
		Photos:      []string{"photos/2023/03/drain-1.jpg"},
	}
}

// wallQuarrel is a dispute lead in 洪沟庙 two group: the seed's second
// story, a quarrel over the spacing of a homestead wall.
func wallQuarrel() hazard.Report {
	return hazard.Report{
		Category:    hazard.DisputeLead,
		Location:    "honggoumiao-2",
		Description: "仝、赵两家因宅基地院墙间距发生争吵，双方情绪激动，可能引发打架斗殴。",
	}
}

// wallConversion is what a post adds to make the wall quarrel a case.
func wallConversion() hazard.Conversion {
	return hazard.Conversion{
		Category:    mediation.Homestead,
		Applicants:  []mediation.Party{{Name: "仝某某", Sex: mediation.Male, Age: 52, Phone: "13900002222", Address: "洪沟庙二组"}},
		Respondents: []mediation.Party{{Name: "赵某某", Sex: mediation.Male, Age: 49, Address: "洪沟庙二组"}},
		Facts:       "仝家翻建院墙，赵家认为墙距不足、占用通道，双方多次争吵，扬言动手。",
		Risks:       mediation.LikelyFight,
	}
}

func must(t testing.TB) func(*hazard.Hazard, error) *hazard.Hazard {
	return func(h *hazard.Hazard, err error) *hazard.Hazard {
		t.Helper()
		require.NoError(t, err)
		return h
	}
}
