package stats_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, work.Zone)
	if err != nil {
		panic(err)
	}
	return t
}

func TestPeriodBoundaries(t *testing.T) {
	tests := []struct {
		name     string
		p        stats.Period
		t        time.Time
		from, to string
	}{
		// 23:30 UTC on 31 October is 07:30 on 1 November in Beijing.
		{"Shanghai midnight, not UTC", stats.Month, time.Date(2022, 10, 31, 23, 30, 0, 0, time.UTC), "2022-11-01 00:00", "2022-12-01 00:00"},
		{"a minute before Shanghai midnight", stats.Month, time.Date(2022, 10, 31, 15, 59, 0, 0, time.UTC), "2022-10-01 00:00", "2022-11-01 00:00"},
		{"Shanghai midnight exactly", stats.Day, time.Date(2022, 10, 31, 16, 0, 0, 0, time.UTC), "2022-11-01 00:00", "2022-11-02 00:00"},
		{"month end", stats.Month, at("2023-01-31 23:59"), "2023-01-01 00:00", "2023-02-01 00:00"},
		{"February of a leap year", stats.Month, at("2024-02-29 12:00"), "2024-02-01 00:00", "2024-03-01 00:00"},
		{"year end", stats.Year, at("2022-12-31 23:59"), "2022-01-01 00:00", "2023-01-01 00:00"},
		{"new year", stats.Year, at("2023-01-01 00:00"), "2023-01-01 00:00", "2024-01-01 00:00"},
		{"quarter", stats.Quarter, at("2023-06-30 23:59"), "2023-04-01 00:00", "2023-07-01 00:00"},
		{"fourth quarter", stats.Quarter, at("2022-11-15 08:00"), "2022-10-01 00:00", "2023-01-01 00:00"},
		{"week from Monday", stats.Week, at("2023-03-20 09:00"), "2023-03-20 00:00", "2023-03-27 00:00"}, // a Monday
		{"week on Sunday", stats.Week, at("2023-03-26 23:00"), "2023-03-20 00:00", "2023-03-27 00:00"},
		{"week across a year", stats.Week, at("2023-01-01 10:00"), "2022-12-26 00:00", "2023-01-02 00:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.p.Of(tc.t)
			assert.True(t, r.From.Equal(at(tc.from)), "from %s", r.From.In(work.Zone))
			assert.True(t, r.To.Equal(at(tc.to)), "to %s", r.To.In(work.Zone))
			assert.True(t, r.Contains(tc.t))
			assert.False(t, r.Contains(r.To))
		})
	}
}

func TestPreviousAndYearEarlier(t *testing.T) {
	march := stats.Month.Of(at("2023-03-20 09:00"))
	prev := stats.Month.Previous(march)
	assert.True(t, prev.From.Equal(at("2023-02-01 00:00")))
	assert.True(t, prev.To.Equal(march.From))
	ago := stats.Month.YearEarlier(march)
	assert.True(t, ago.From.Equal(at("2022-03-01 00:00")))
	assert.True(t, ago.To.Equal(at("2022-04-01 00:00")))
	jan := stats.Month.Of(at("2023-01-05 00:00"))
	assert.True(t, stats.Month.Previous(jan).From.Equal(at("2022-12-01 00:00")), "环比 of January is December")
	q1 := stats.Quarter.Of(at("2023-02-01 00:00"))
	assert.True(t, stats.Quarter.Previous(q1).From.Equal(at("2022-10-01 00:00")))
	w := stats.Week.Of(at("2023-03-22 00:00"))
	wAgo := stats.Week.YearEarlier(w)
	assert.Equal(t, time.Monday, wAgo.From.In(work.Zone).Weekday())
	assert.Equal(t, 7*24*time.Hour, wAgo.To.Sub(wAgo.From))

	series := stats.Month.Series(at("2023-03-20 09:00"), 3)
	require.Len(t, series, 3)
	assert.True(t, series[0].From.Equal(at("2023-01-01 00:00")))
	assert.True(t, series[2].To.Equal(at("2023-04-01 00:00")))
	for i := 1; i < len(series); i++ {
		assert.True(t, series[i].From.Equal(series[i-1].To), "consecutive")
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name          string
		current, base float64
		percent       int
		defined       bool
	}{
		{"down 35%", 13, 20, -35, true},
		{"down 33%", 6, 9, -33, true},
		{"down 46%", 7, 13, -46, true},
		{"up", 15, 10, 50, true},
		{"flat", 4, 4, 0, true},
		{"nothing in either", 0, 0, 0, true},
		{"from nothing", 5, 0, 0, false},
		{"to nothing", 0, 5, -100, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := stats.Compare(tc.current, tc.base)
			assert.Equal(t, tc.defined, c.Defined)
			p, ok := c.Percent()
			assert.Equal(t, tc.defined, ok)
			assert.Equal(t, tc.percent, p)
			if !tc.defined {
				assert.True(t, math.IsNaN(c.Ratio))
			}
		})
	}
	assert.True(t, math.IsNaN(stats.Rate{}.Value()), "a rate of nothing is undefined")
	assert.False(t, stats.Rate{}.Defined())
	assert.Equal(t, 1.0, stats.Rate{Num: 102, Den: 102}.Value())
}

func TestSummarize(t *testing.T) {
	h := time.Hour
	assert.Equal(t, stats.Quantiles{}, stats.Summarize(nil))
	assert.Equal(t, stats.Quantiles{N: 1, Median: h, P90: h}, stats.Summarize([]time.Duration{h}))
	ds := make([]time.Duration, 10)
	for i := range ds {
		ds[len(ds)-1-i] = time.Duration(i+1) * h // 10h … 1h, unsorted
	}
	assert.Equal(t, stats.Quantiles{N: 10, Median: 5 * h, P90: 9 * h}, stats.Summarize(ds))
	ds = []time.Duration{3 * h, 1 * h, 2 * h}
	assert.Equal(t, stats.Quantiles{N: 3, Median: 2 * h, P90: 3 * h}, stats.Summarize(ds))
}
