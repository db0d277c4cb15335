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
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

// The tally answers the measures of whole days; the records answer them
// directly. On cases made by the Service at times crowded around
// midnights in Shanghai — where a day's bucket begins — and changed after
// they were stored, the two must agree for every midnight and every range
// of whole days, in total and by cell.
func TestTallyMatchesRecords(t *testing.T) {
	ctx := context.Background()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			db := e.open(t)
			demo := gridtest.Gucheng()
			var now time.Time
			svc, err := mediation.NewService(mediation.Config{
				Store: db.Cases(), Cells: memstore.Grid{Tree: demo.Tree}, Policy: grid.DefaultPolicy(), Rules: mediation.DefaultRules(),
				Now: func() time.Time { return now },
			})
			require.NoError(t, err)
			rng := rand.New(rand.NewPCG(7, 11))
			day0 := time.Date(2025, 12, 20, 0, 0, 0, 0, work.Zone)
			// near returns a time on or just around a midnight, the first
			// within 50 days of day0, the next a few days after the last.
			near := func(after time.Time) time.Time {
				from, days := day0, 50
				if !after.IsZero() {
					from, days = day0.AddDate(0, 0, dayIndex(day0, after)), 6
				}
				for {
					at := from.AddDate(0, 0, rng.IntN(days))
					switch rng.IntN(4) {
					case 1:
						at = at.Add(-time.Nanosecond)
					case 2:
						at = at.Add(time.Duration(rng.IntN(24)) * time.Hour)
					}
					if at.After(after) {
						return at
					}
				}
			}
			heads := []string{"mayuan-1-head", "mayuan-head", "honggoumiao-security"}
			locations := []grid.CellID{"mayuan-1", "mayuan", "honggoumiao-2"}
			for i := range 120 {
				k := rng.IntN(len(heads))
				head := demo.Member(grid.MemberID(heads[k])).Actor()
				now = near(time.Time{})
				c, err := svc.Register(ctx, head, mediation.Intake{
					Channel: work.ChannelGridHead, Category: mediation.Neighbour, Location: locations[k],
					Applicants:  []mediation.Party{{Name: fmt.Sprintf("甲%d", i), Phone: "13900001111"}},
					Respondents: []mediation.Party{{Name: "乙某"}}, Facts: "排水沟",
				})
				require.NoError(t, err)
				if rng.IntN(4) == 0 {
					continue // never accepted
				}
				handler := demo.Member("gc-secretary").Actor()
				now = near(now)
				if c, err = svc.Accept(ctx, handler, c.ID, c.Version); err != nil {
					t.Fatalf("accept case %d: %v", i, err)
				}
				for range rng.IntN(3) {
					dept := []string{"police", "justice", "grid", "mediation_committee", "partner"}[rng.IntN(5)]
					if c, err = svc.Join(ctx, handler, c.ID, c.Version, mediation.Participant{Department: dept, Body: "土地所", Name: "某人"}); err != nil {
						t.Fatalf("team of case %d: %v", i, err)
					}
				}
				now = near(now)
				if c, err = svc.RecordSession(ctx, handler, c.ID, c.Version, mediation.Session{At: now, Place: mediation.PlaceHome, Attendees: []string{"甲"}, Notes: "调解", Outcome: mediation.Progress}); err != nil {
					t.Fatalf("session of case %d: %v", i, err)
				}
				// Now and then mediation stands still, a party awaited, and
				// some of those resume.
				if rng.IntN(4) == 0 {
					now = near(now)
					if c, err = svc.Suspend(ctx, handler, c.ID, c.Version, "等待当事人"); err != nil {
						t.Fatalf("suspend case %d: %v", i, err)
					}
					if rng.IntN(2) == 0 {
						continue // still suspended
					}
					now = near(now)
					if c, err = svc.Resume(ctx, handler, c.ID, c.Version); err != nil {
						t.Fatalf("resume case %d: %v", i, err)
					}
				}
				switch rng.IntN(4) {
				case 0:
					now = near(now)
					_, err = svc.RecordAgreement(ctx, handler, c.ID, c.Version, mediation.Agreement{Form: mediation.Oral, Facts: "f", Disputes: "d", Terms: "t", Mediator: "m"})
				case 1:
					now = near(now)
					_, err = svc.Fail(ctx, handler, c.ID, c.Version, mediation.Failure{Reason: "分歧", Route: mediation.RouteLitigation})
				case 2:
					now = near(now)
					_, err = svc.Withdraw(ctx, handler, c.ID, c.Version, "和解")
				}
				require.NoError(t, err, "case %d", i)
			}

			within := [][]grid.Path{{grid.RootPath(gridtest.GuchengID)}, {demo.Path("mayuan-1")}, {demo.Path("gc-east")}, {demo.Path("gc-west")}}
			compare := func(m stats.Measure, r stats.Range) {
				for _, w := range within {
					for _, by := range []struct {
						by    stats.Dimension
						level grid.Level
					}{{stats.Total, 0}, {stats.ByCell, 3}, {stats.ByCell, 4}, {stats.ByDepartment, 0}} {
						if by.by == stats.ByDepartment && m != stats.Participants {
							continue
						}
						q := stats.Query{Township: gridtest.GuchengID, Within: w, Range: r, By: by.by, Level: by.level}
						require.True(t, bunstore.UsesTally(m, q))
						tally, records, err := db.Stats().CountWays(ctx, m, q)
						require.NoError(t, err)
						assert.Equal(t, records, tally, "%s over %v within %v by %v", m, r, w, by)
					}
				}
			}
			zero := time.Date(1970, 1, 1, 0, 0, 0, 0, work.Zone)
			// Both engines count through the same SQL but for its
			// dialect: PostgreSQL, whose many thousand round trips took
			// four minutes of the package's ten on a loaded machine, is
			// asked of every third day, SQLite of every day.
			step := 1
			if e.name == "PostgreSQL" {
				step = 3
			}
			for d := -1; d <= 75; d += step {
				end := day0.AddDate(0, 0, d)
				compare(stats.Open, stats.Range{From: zero, To: end})
				compare(stats.Pending, stats.Range{From: zero, To: end})
				compare(stats.Agreed, stats.Range{From: zero, To: end})
				compare(stats.Failed, stats.Range{From: end.AddDate(0, 0, -rng.IntN(40)), To: end})
				compare(stats.Agreed, stats.Month.Of(end))
				from := end.AddDate(0, 0, -rng.IntN(40))
				for _, m := range []stats.Measure{stats.Registered, stats.Accepted, stats.Escalated, stats.Outside, stats.Participants,
					stats.Withdrawn, stats.Rejected, stats.TransferredOut} {
					compare(m, stats.Range{From: from, To: end})
				}
				// Ranges that begin or end within a day — a period in
				// progress up to now, compared like for like — and ranges
				// within one day.
				odd := end.Add(time.Duration(rng.Int64N(int64(24 * time.Hour))))
				oddFrom := from.Add(time.Duration(rng.Int64N(int64(24 * time.Hour))))
				compare(stats.Open, stats.Range{From: zero, To: odd})
				compare(stats.Pending, stats.Range{From: zero, To: odd})
				for _, m := range []stats.Measure{stats.Registered, stats.Accepted, stats.Agreed, stats.Failed, stats.Participants, stats.Escalated} {
					for _, r := range []stats.Range{{From: oddFrom, To: odd}, {From: end, To: odd}, {From: end.Add(time.Duration(rng.IntN(12)) * time.Hour), To: odd}} {
						if r.From.Before(r.To) {
							compare(m, r)
						}
					}
				}
			}
		})
	}
}

// dayIndex is the number of whole days in Shanghai from day0 to t's day.
func dayIndex(day0, t time.Time) int {
	y, m, d := t.In(work.Zone).Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, work.Zone).Sub(day0).Hours() / 24)
}
