package stats_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
)

// span is a range written as two local times; an end marked "+" is just
// after that time: the elapsed part of a period holds the instant now.
type span struct{ from, to string }

func (s span) rng() stats.Range {
	to, ok := strings.CutSuffix(s.to, "+")
	r := stats.Range{From: at(s.from), To: at(to)}
	if ok {
		r.To = r.To.Add(time.Nanosecond)
	}
	return r
}

func assertRange(t *testing.T, want span, got stats.Range, what string) {
	t.Helper()
	w := want.rng()
	assert.True(t, got.From.Equal(w.From) && got.To.Equal(w.To), "%s: want %s – %s, got %s", what, want.from, want.to, got)
}

// TestBasisLikeForLike: a period in progress is compared by its elapsed
// part with the same span of the period before and of the same period a
// year earlier, clamped where a base is shorter; an ended period is
// compared whole.
func TestBasisLikeForLike(t *testing.T) {
	tests := []struct {
		name                    string
		p                       stats.Period
		t, now                  time.Time
		partial                 bool
		whole, cur, prev, yearE span
	}{
		{"day 1 of a month in progress", stats.Month, at("2026-12-01 10:00"), at("2026-12-01 10:00"), true,
			span{"2026-12-01 00:00", "2027-01-01 00:00"}, span{"2026-12-01 00:00", "2026-12-01 10:00+"},
			span{"2026-11-01 00:00", "2026-11-01 10:00+"}, span{"2025-12-01 00:00", "2025-12-01 10:00+"}},
		{"day 3: the issue's December against the whole of November", stats.Month, at("2026-12-03 22:11"), at("2026-12-03 22:11"), true,
			span{"2026-12-01 00:00", "2027-01-01 00:00"}, span{"2026-12-01 00:00", "2026-12-03 22:11+"},
			span{"2026-11-01 00:00", "2026-11-03 22:11+"}, span{"2025-12-01 00:00", "2025-12-03 22:11+"}},
		{"day 31 against a 30-day month: all of it", stats.Month, at("2026-12-31 15:00"), at("2026-12-31 15:00"), true,
			span{"2026-12-01 00:00", "2027-01-01 00:00"}, span{"2026-12-01 00:00", "2026-12-31 15:00+"},
			span{"2026-11-01 00:00", "2026-12-01 00:00"}, span{"2025-12-01 00:00", "2025-12-31 15:00+"}},
		{"day 31 of March against a common February", stats.Month, at("2023-03-31 08:00"), at("2023-03-31 08:00"), true,
			span{"2023-03-01 00:00", "2023-04-01 00:00"}, span{"2023-03-01 00:00", "2023-03-31 08:00+"},
			span{"2023-02-01 00:00", "2023-03-01 00:00"}, span{"2022-03-01 00:00", "2022-03-31 08:00+"}},
		{"day 29 of March against a leap February", stats.Month, at("2024-03-29 08:00"), at("2024-03-29 08:00"), true,
			span{"2024-03-01 00:00", "2024-04-01 00:00"}, span{"2024-03-01 00:00", "2024-03-29 08:00+"},
			span{"2024-02-01 00:00", "2024-02-29 08:00+"}, span{"2023-03-01 00:00", "2023-03-29 08:00+"}},
		{"29 February against a common year's February", stats.Month, at("2024-02-29 10:00"), at("2024-02-29 10:00"), true,
			span{"2024-02-01 00:00", "2024-03-01 00:00"}, span{"2024-02-01 00:00", "2024-02-29 10:00+"},
			span{"2024-01-01 00:00", "2024-01-29 10:00+"}, span{"2023-02-01 00:00", "2023-03-01 00:00"}},
		{"28 February of a common year", stats.Month, at("2023-02-28 10:00"), at("2023-02-28 10:00"), true,
			span{"2023-02-01 00:00", "2023-03-01 00:00"}, span{"2023-02-01 00:00", "2023-02-28 10:00+"},
			span{"2023-01-01 00:00", "2023-01-28 10:00+"}, span{"2022-02-01 00:00", "2022-02-28 10:00+"}},
		{"Shanghai midnight: 16:30 UTC is 00:30 on 1 December", stats.Month, time.Date(2026, 11, 30, 16, 30, 0, 0, time.UTC), time.Date(2026, 11, 30, 16, 30, 0, 0, time.UTC), true,
			span{"2026-12-01 00:00", "2027-01-01 00:00"}, span{"2026-12-01 00:00", "2026-12-01 00:30+"},
			span{"2026-11-01 00:00", "2026-11-01 00:30+"}, span{"2025-12-01 00:00", "2025-12-01 00:30+"}},
		{"a minute before Shanghai midnight is still November", stats.Month, time.Date(2026, 11, 30, 15, 59, 0, 0, time.UTC), time.Date(2026, 11, 30, 15, 59, 0, 0, time.UTC), true,
			span{"2026-11-01 00:00", "2026-12-01 00:00"}, span{"2026-11-01 00:00", "2026-11-30 23:59+"},
			span{"2026-10-01 00:00", "2026-10-30 23:59+"}, span{"2025-11-01 00:00", "2025-11-30 23:59+"}},
		{"a quarter in progress: the same month and day of the quarter before", stats.Quarter, at("2026-02-10 08:00"), at("2026-02-10 08:00"), true,
			span{"2026-01-01 00:00", "2026-04-01 00:00"}, span{"2026-01-01 00:00", "2026-02-10 08:00+"},
			span{"2025-10-01 00:00", "2025-11-10 08:00+"}, span{"2025-01-01 00:00", "2025-02-10 08:00+"}},
		{"31 May in a quarter: April–May against January–February", stats.Quarter, at("2026-05-31 12:00"), at("2026-05-31 12:00"), true,
			span{"2026-04-01 00:00", "2026-07-01 00:00"}, span{"2026-04-01 00:00", "2026-05-31 12:00+"},
			span{"2026-01-01 00:00", "2026-03-01 00:00"}, span{"2025-04-01 00:00", "2025-05-31 12:00+"}},
		{"a year in progress", stats.Year, at("2026-03-05 09:00"), at("2026-03-05 09:00"), true,
			span{"2026-01-01 00:00", "2027-01-01 00:00"}, span{"2026-01-01 00:00", "2026-03-05 09:00+"},
			span{"2025-01-01 00:00", "2025-03-05 09:00+"}, span{"2025-01-01 00:00", "2025-03-05 09:00+"}},
		{"a leap year on 29 February", stats.Year, at("2024-02-29 12:00"), at("2024-02-29 12:00"), true,
			span{"2024-01-01 00:00", "2025-01-01 00:00"}, span{"2024-01-01 00:00", "2024-02-29 12:00+"},
			span{"2023-01-01 00:00", "2023-03-01 00:00"}, span{"2023-01-01 00:00", "2023-03-01 00:00"}},
		{"a week in progress: Monday to Wednesday", stats.Week, at("2026-12-02 10:00"), at("2026-12-02 10:00"), true,
			span{"2026-11-30 00:00", "2026-12-07 00:00"}, span{"2026-11-30 00:00", "2026-12-02 10:00+"},
			span{"2026-11-23 00:00", "2026-11-25 10:00+"}, span{"2025-12-01 00:00", "2025-12-03 10:00+"}},
		{"a day in progress", stats.Day, at("2026-12-02 10:00"), at("2026-12-02 10:00"), true,
			span{"2026-12-02 00:00", "2026-12-03 00:00"}, span{"2026-12-02 00:00", "2026-12-02 10:00+"},
			span{"2026-12-01 00:00", "2026-12-01 10:00+"}, span{"2025-12-02 00:00", "2025-12-02 10:00+"}},
		{"an ended month: whole against whole", stats.Month, at("2026-11-15 00:00"), at("2026-12-03 10:00"), false,
			span{"2026-11-01 00:00", "2026-12-01 00:00"}, span{"2026-11-01 00:00", "2026-12-01 00:00"},
			span{"2026-10-01 00:00", "2026-11-01 00:00"}, span{"2025-11-01 00:00", "2025-12-01 00:00"}},
		{"an ended leap February against a whole common one", stats.Month, at("2024-02-10 00:00"), at("2024-03-01 00:00"), false,
			span{"2024-02-01 00:00", "2024-03-01 00:00"}, span{"2024-02-01 00:00", "2024-03-01 00:00"},
			span{"2024-01-01 00:00", "2024-02-01 00:00"}, span{"2023-02-01 00:00", "2023-03-01 00:00"}},
		{"a future month: whole", stats.Month, at("2027-02-10 00:00"), at("2026-12-03 10:00"), false,
			span{"2027-02-01 00:00", "2027-03-01 00:00"}, span{"2027-02-01 00:00", "2027-03-01 00:00"},
			span{"2027-01-01 00:00", "2027-02-01 00:00"}, span{"2026-02-01 00:00", "2026-03-01 00:00"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.p.Basis(tc.t, tc.now)
			assert.Equal(t, tc.p, b.Period)
			assert.Equal(t, tc.partial, b.Partial)
			assertRange(t, tc.whole, b.Whole, "whole")
			assertRange(t, tc.cur, b.Current, "current")
			assertRange(t, tc.prev, b.Previous, "previous (环比)")
			assertRange(t, tc.yearE, b.YearEarlier, "a year earlier (同比)")
		})
	}
	// At the instant a period begins its elapsed part is that instant, not
	// an empty span.
	b := stats.Month.Basis(at("2026-12-01 00:00"), at("2026-12-01 00:00"))
	assert.True(t, b.Partial)
	assertRange(t, span{"2026-12-01 00:00", "2026-12-01 00:00+"}, b.Current, "current")
	assertRange(t, span{"2026-11-01 00:00", "2026-11-01 00:00+"}, b.Previous, "previous")
}

// TestRangeBasis: a range of days is compared with as many days before it
// and the same dates a year earlier, by its elapsed part while in
// progress; a range not of whole days, reversed or too long is refused.
func TestRangeBasis(t *testing.T) {
	tests := []struct {
		name             string
		r                span
		now              time.Time
		partial          bool
		cur, prev, yearE span
	}{
		{"ten ended days", span{"2026-12-01 00:00", "2026-12-11 00:00"}, at("2026-12-20 00:00"), false,
			span{"2026-12-01 00:00", "2026-12-11 00:00"}, span{"2026-11-21 00:00", "2026-12-01 00:00"}, span{"2025-12-01 00:00", "2025-12-11 00:00"}},
		{"from 29 February", span{"2024-02-29 00:00", "2024-03-02 00:00"}, at("2024-06-01 00:00"), false,
			span{"2024-02-29 00:00", "2024-03-02 00:00"}, span{"2024-02-27 00:00", "2024-02-29 00:00"}, span{"2023-02-28 00:00", "2023-03-02 00:00"}},
		{"a leap February", span{"2024-02-01 00:00", "2024-03-01 00:00"}, at("2024-06-01 00:00"), false,
			span{"2024-02-01 00:00", "2024-03-01 00:00"}, span{"2024-01-03 00:00", "2024-02-01 00:00"}, span{"2023-02-01 00:00", "2023-03-01 00:00"}},
		{"in progress", span{"2026-12-01 00:00", "2026-12-31 00:00"}, at("2026-12-03 10:00"), true,
			span{"2026-12-01 00:00", "2026-12-03 10:00+"}, span{"2026-11-01 00:00", "2026-11-03 10:00+"}, span{"2025-12-01 00:00", "2025-12-03 10:00+"}},
		{"in progress on 29 February", span{"2024-02-20 00:00", "2024-03-10 00:00"}, at("2024-02-29 10:00"), true,
			span{"2024-02-20 00:00", "2024-02-29 10:00+"}, span{"2024-02-01 00:00", "2024-02-10 10:00+"}, span{"2023-02-20 00:00", "2023-02-28 10:00+"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := stats.RangeBasis(tc.r.rng(), tc.now)
			require.NoError(t, err)
			assert.Equal(t, stats.Period(0), b.Period)
			assert.Equal(t, tc.partial, b.Partial)
			assertRange(t, tc.r, b.Whole, "whole")
			assertRange(t, tc.cur, b.Current, "current")
			assertRange(t, tc.prev, b.Previous, "previous (环比)")
			assertRange(t, tc.yearE, b.YearEarlier, "a year earlier (同比)")
		})
	}
	for name, r := range map[string]span{
		"reversed":          {"2026-12-10 00:00", "2026-12-01 00:00"},
		"empty":             {"2026-12-10 00:00", "2026-12-10 00:00"},
		"not from midnight": {"2026-12-01 08:00", "2026-12-10 00:00"},
		"not to midnight":   {"2026-12-01 00:00", "2026-12-10 08:00"},
		"too long":          {"2025-01-01 00:00", "2026-03-01 00:00"},
	} {
		_, err := stats.RangeBasis(r.rng(), at("2026-12-03 10:00"))
		assert.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err), name)
	}
}

// TestReportLikeForLike: on the third of December the month is compared
// with the first three days of November, not all of it — the issue's
// −67% of one day against a whole month.
func TestReportLikeForLike(t *testing.T) {
	tw := newTownship(t)
	for _, day := range []string{"2026-11-01 09:00", "2026-11-02 09:00", "2026-11-15 09:00", "2026-11-28 09:00", "2026-12-01 09:00", "2026-12-03 08:00", "2025-12-02 09:00"} {
		tw.now = at(day)
		tw.register(t, "mayuan-1")
	}
	secretary := tw.demo.Member("gc-secretary").Actor()
	registered := func(f stats.Figures) float64 { return float64(f.Registered) }

	tw.now = at("2026-12-03 10:00")
	r, err := tw.stats.Report(ctx, secretary, "gucheng", stats.Month, tw.now)
	require.NoError(t, err)
	assert.True(t, r.Partial)
	assert.Equal(t, int64(2), r.Current.Registered, "1 and 3 December")
	assert.Equal(t, int64(2), r.Previous.Registered, "1 and 2 November, not the month's 4")
	assert.Equal(t, int64(1), r.YearEarlier.Registered, "2 December a year earlier")
	assert.Equal(t, 0.0, r.MoM(registered).Ratio, "环比 flat, like for like")
	assert.Equal(t, 1.0, r.YoY(registered).Ratio, "同比 doubled")

	// Read in January, December is whole against the whole of November.
	tw.now = at("2027-01-02 10:00")
	r, err = tw.stats.Report(ctx, secretary, "gucheng", stats.Month, at("2026-12-15 00:00"))
	require.NoError(t, err)
	assert.False(t, r.Partial)
	assert.Equal(t, int64(4), r.Previous.Registered)
	assertRange(t, span{"2026-11-01 00:00", "2026-12-01 00:00"}, r.Previous.Range, "November whole")

	// A range of days.
	b, err := stats.RangeBasis(span{"2026-11-01 00:00", "2026-11-16 00:00"}.rng(), tw.now)
	require.NoError(t, err)
	r, err = tw.stats.ReportOn(ctx, secretary, "gucheng", b)
	require.NoError(t, err)
	assert.Equal(t, int64(3), r.Current.Registered)
	assert.Equal(t, stats.Period(0), r.Period)
}

// TestDefinitions: each rate counts what its definition says.
func TestDefinitions(t *testing.T) {
	tw := newTownship(t)
	tw.now = at("2023-04-03 09:00")
	tw.resolve(t, "mayuan-1")
	tw.resolve(t, "mayuan-1")
	head := tw.demo.Member("mayuan-2-head").Actor()
	failing := tw.register(t, "mayuan-2")
	_, err := tw.cases.Accept(ctx, head, failing.ID, 0)
	require.NoError(t, err)
	_, err = tw.cases.Fail(ctx, head, failing.ID, 0, mediation.Failure{Reason: "分歧大", Route: mediation.RouteLitigation})
	require.NoError(t, err)
	withdrawn := tw.register(t, "mayuan-2")
	_, err = tw.cases.Withdraw(ctx, head, withdrawn.ID, 0, "当事人撤回申请")
	require.NoError(t, err)
	tw.register(t, "mayuan-3") // open, and past its time limit by the range's end
	tw.now = at("2023-04-04 20:00")
	tw.register(t, "mayuan-3") // open, within its time limit

	q := stats.Query{Township: "gucheng", Within: []grid.Path{grid.RootPath("gucheng")}, Range: span{"2023-04-01 00:00", "2023-04-05 00:00"}.rng()}
	f, err := stats.Compute(ctx, tw.source, q)
	require.NoError(t, err)
	tests := []struct {
		name string
		got  stats.Rate
		want stats.Rate
	}{
		// 化解率: agreed of those mediated to a conclusion; the withdrawn
		// case and the open ones count neither way.
		{"resolution = agreed / (agreed + failed)", f.Resolution, stats.Rate{Num: 2, Den: 3}},
		// 化解率动态保持: agreed of everything concluded or past its time
		// limit; the case still within its limit does not count against it.
		{"dynamic = agreed / (agreed + failed + overdue open)", f.Dynamic, stats.Rate{Num: 2, Den: 4}},
		{"escalation = escalated / registered", f.Escalation, stats.Rate{Num: 0, Den: 6}},
		{"rectification of no hazards is undefined", f.Rectification, stats.Rate{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, tc.got) })
	}
	assert.Equal(t, int64(1), f.Withdrawn)
	assert.Equal(t, int64(2), f.Open)
	assert.False(t, f.Rectification.Defined(), "no denominator: neither 0% nor 100%")
}
