package bunstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

// trackWorld is a township's cases and hazards in every stage, made
// through the services on a database, with the statistics served from it
// through its index of open deadlines and without.
type trackWorld struct {
	demo          *gridtest.Demo
	cases         *mediation.Service
	hazards       *hazard.Service
	now           *time.Time
	indexed, read *stats.Service
}

// newTrackWorld builds the services on db, by rules, starting at day0.
func newTrackWorld(t *testing.T, db *bunstore.DB, rules mediation.Rules, hrules hazard.Rules, day0 time.Time) *trackWorld {
	t.Helper()
	w := &trackWorld{demo: gridtest.Gucheng(), now: &day0}
	clock := func() time.Time { return *w.now }
	cells, policy := memstore.Grid{Tree: w.demo.Tree}, grid.DefaultPolicy()
	var err error
	w.cases, err = mediation.NewService(mediation.Config{Store: db.Cases(), Cells: cells, Policy: policy, Rules: rules, Now: clock})
	require.NoError(t, err)
	w.hazards, err = hazard.NewService(hazard.Config{Store: db.Hazards(), Cells: cells, Policy: policy, Rules: hrules, Converter: w.cases, Now: clock})
	require.NoError(t, err)
	c := stats.Config{Source: db.Stats(), Indicators: db.Indicators(), Cells: cells, Policy: policy,
		Cases: db.Cases(), CaseRules: rules, Hazards: db.Hazards(), HazardRules: hrules}
	w.read, err = stats.NewService(c)
	require.NoError(t, err)
	c.Tracker = db.Tracker()
	w.indexed, err = stats.NewService(c)
	require.NoError(t, err)
	return w
}

// fill makes n cases and n/3 hazards, each taken a random way through its
// life, a few hours to days apart, from the world's clock on.
func (w *trackWorld) fill(t *testing.T, rng *rand.Rand, n int) {
	t.Helper()
	ctx := context.Background()
	later := func() { *w.now = w.now.Add(time.Duration(rng.IntN(12)) * time.Hour) }
	heads := []string{"mayuan-1-head", "mayuan-head", "honggoumiao-security"}
	locations := []grid.CellID{"mayuan-1", "mayuan", "honggoumiao-2"}
	actor := func(id string) grid.Actor { return w.demo.Member(grid.MemberID(id)).Actor() }
	for i := range n {
		k := rng.IntN(len(heads))
		later()
		c, err := w.cases.Register(ctx, actor(heads[k]), mediation.Intake{
			Channel: work.ChannelGridHead, Category: mediation.Neighbour, Location: locations[k],
			Applicants: []mediation.Party{{Name: fmt.Sprintf("甲%d", i), Sex: mediation.Female, Ethnicity: mediation.Han, Age: 45, Occupation: "农民",
				Phone: "13900001111", Address: "马园一组"}},
			Respondents: []mediation.Party{{Name: "乙某", Sex: mediation.Male, Ethnicity: mediation.Han, Age: 50, Occupation: "农民",
				Phone: "13900002222", Address: "马园一组"}},
			Facts: "两家因排水沟堵塞互相指责。",
		})
		require.NoError(t, err)
		if rng.IntN(5) == 0 {
			continue // never accepted
		}
		handler := actor(heads[k])
		later()
		c, err = w.cases.Accept(ctx, handler, c.ID, c.Version)
		require.NoError(t, err)
		if k == 0 && rng.IntN(3) == 0 {
			later()
			_, err = w.cases.Escalate(ctx, handler, c.ID, c.Version, "双方分歧较大")
			require.NoError(t, err)
			continue // waiting for review
		}
		if rng.IntN(4) == 0 {
			continue // accepted
		}
		later()
		c, err = w.cases.RecordSession(ctx, handler, c.ID, c.Version, mediation.Session{At: *w.now, Place: mediation.PlaceHome, Attendees: []string{"甲"}, Notes: "调解", Outcome: mediation.Progress})
		require.NoError(t, err)
		switch rng.IntN(4) {
		case 0:
			continue // mediating
		case 1:
			later()
			// Written, it opens the window for a court's confirmation.
			a := mediation.Agreement{Form: mediation.Written, Facts: c.Facts, Disputes: "排水", Responsibilities: "各负其责", Terms: "疏通排水沟",
				Manner: "当场疏通", Place: "村委会", PerformBy: w.now.Add(time.Duration(1+rng.IntN(20)) * 24 * time.Hour),
				Mediator: "高敬", MediatorSignedAt: *w.now, Committee: "古城办事处人民调解委员会", Sealed: true}
			for _, p := range c.Parties() {
				a.Signatures = append(a.Signatures, mediation.Signature{Party: p.Name, Mark: mediation.Signed, At: *w.now})
			}
			_, err = w.cases.RecordAgreement(ctx, handler, c.ID, c.Version, a)
		case 2:
			later()
			_, err = w.cases.RecordAgreement(ctx, handler, c.ID, c.Version, mediation.Agreement{Form: mediation.Oral, Facts: "f", Disputes: "d", Terms: "t", Mediator: "m"})
		case 3:
			later()
			_, err = w.cases.Fail(ctx, handler, c.ID, c.Version, mediation.Failure{Reason: "分歧", Route: mediation.RouteLitigation})
		}
		require.NoError(t, err, "case %d", i)
	}
	for i := range n / 3 {
		k := rng.IntN(2)
		head, verifier := actor([]string{"mayuan-1-head", "honggoumiao-security"}[k]), actor([]string{"mayuan-head", "honggoumiao-head"}[k])
		later()
		h, err := w.hazards.Report(ctx, head, hazard.Report{Category: hazard.Other, Location: []grid.CellID{"mayuan-1", "honggoumiao-2"}[k],
			Description: fmt.Sprintf("第%d处排水沟堵塞。", i)})
		require.NoError(t, err)
		if rng.IntN(3) == 0 {
			continue
		}
		later()
		h, err = w.hazards.Rectify(ctx, head, h.ID, h.Version, hazard.Rectification{Evidence: "已疏通"})
		require.NoError(t, err)
		if rng.IntN(2) == 0 {
			later()
			_, err = w.hazards.Verify(ctx, verifier, h.ID, h.Version, hazard.Verification{Passed: rng.IntN(3) > 0, Notes: "仍有积水"})
			require.NoError(t, err)
		}
	}
}

// compare checks, at times across the world's span and in several
// subtrees, that the tracking view through the index is the view read
// from the records, page by page, with and without the deadlines only at
// risk.
func (w *trackWorld) compare(t *testing.T, rng *rand.Rand, from, to time.Time) {
	t.Helper()
	ctx := context.Background()
	sys := grid.SystemActor(gridtest.GuchengID)
	cells := []grid.CellID{gridtest.GuchengID, "mayuan-1", "gc-west"}
	seen := 0
	kinds := map[work.DeadlineKind]bool{}
	// Sixteen times, a sixteenth of the span apart give or take, so that each
	// window at risk of a few days is seen.
	const times = 16
	step := to.Sub(from) / times
	for i := range times {
		at := from.Add(time.Duration(i)*step + time.Duration(rng.Int64N(int64(step))))
		for _, cell := range cells {
			for _, overdue := range []bool{false, true} {
				whole := stats.TrackOptions{OverdueOnly: overdue, Limit: work.MaxPage}
				want, err := w.read.TrackingPage(ctx, sys, cell, at, whole)
				require.NoError(t, err)
				require.True(t, want.Next.IsZero(), "the whole view in a page")
				got, err := w.indexed.TrackingPage(ctx, sys, cell, at, whole)
				require.NoError(t, err)
				assert.Equal(t, utc(want), utc(got), "at %v in %s, overdue only %v", at, cell, overdue)
				seen += len(want.Deadlines)
				for _, c := range want.Counts {
					kinds[c.Kind] = true
				}
				// Page by page, the same deadlines and the same counts.
				o := stats.TrackOptions{OverdueOnly: overdue, Limit: 4}
				var paged []work.Deadline
				for {
					p, err := w.indexed.TrackingPage(ctx, sys, cell, at, o)
					require.NoError(t, err)
					assert.Equal(t, want.Counts, p.Counts)
					paged = append(paged, utc(p).Deadlines...)
					if p.Next.IsZero() {
						break
					}
					o.After = p.Next
				}
				assert.Equal(t, utc(want).Deadlines, paged, "at %v in %s, overdue only %v, by pages", at, cell, overdue)
			}
		}
	}
	assert.Greater(t, seen, 100, "the views compared held deadlines")
	for _, k := range []work.DeadlineKind{mediation.AcceptBy, mediation.ResolveBy, mediation.FollowUpBy, mediation.CourtConfirmBy,
		mediation.ReviewEscalated, hazard.RectifyBy, hazard.VerifyBy} {
		assert.True(t, kinds[k], "deadlines %s were compared", k)
	}
}

// utc is p with its times in UTC, as the two sources may give them in
// other zones.
func utc(p stats.TrackPage) stats.TrackPage {
	for i, d := range p.Deadlines {
		d.Since, d.Due, d.RiskAt = d.Since.UTC(), d.Due.UTC(), d.RiskAt.UTC()
		p.Deadlines[i] = d
	}
	p.Next.Due = p.Next.Due.UTC()
	return p
}

// TestTrackerMatchesRecords checks the index of open deadlines against
// the definition (stats.TrackDeadlines over every open record), on both
// engines: as kept by each change; made again after a program that keeps
// no index changed records; and made again by other rules.
func TestTrackerMatchesRecords(t *testing.T) {
	ctx := context.Background()
	onEachEngine(t, func(t *testing.T, dsn string) {
		db, err := bunstore.Open(ctx, dsn)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		rules, hrules := mediation.DefaultRules(), hazard.DefaultRules()
		require.NoError(t, db.EnableTracking(ctx, rules, hrules))
		day0 := time.Date(2026, 1, 5, 9, 0, 0, 0, work.Zone)
		rng := rand.New(rand.NewPCG(19, 1))
		w := newTrackWorld(t, db, rules, hrules, day0)
		w.fill(t, rng, 90)
		w.compare(t, rng, day0, w.now.Add(40*24*time.Hour))

		// Another program, keeping no index, registers and settles cases.
		other, err := bunstore.Open(ctx, dsn)
		require.NoError(t, err)
		t.Cleanup(func() { other.Close() })
		start := *w.now
		newTrackWorld(t, other, rules, hrules, start).fill(t, rng, 30)
		require.NoError(t, db.EnableTracking(ctx, rules, hrules), "made again")
		if db.Postgres() {
			// Analyzed as it is made again, not planned for the table
			// as the last analysis saw it.
			n, err := db.Estimated(ctx, "open_deadlines")
			require.NoError(t, err)
			assert.Positive(t, n, "open_deadlines analyzed when made again")
		}
		w.compare(t, rng, start, start.Add(60*24*time.Hour))

		// Other rules: at risk from half the time allowed.
		rules.AtRisk, hrules.AtRisk = 0.5, 0.5
		require.NoError(t, db.EnableTracking(ctx, rules, hrules))
		w = newTrackWorld(t, db, rules, hrules, start)
		w.compare(t, rng, day0, start.Add(60*24*time.Hour))
	})
}
