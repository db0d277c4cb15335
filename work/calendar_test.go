package work_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/work"
)

func day(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, work.Zone)
	if err != nil {
		panic(err)
	}
	return t
}

// TestWorking2026 checks the days around the 2026 Spring Festival and
// National Day as the State Council's notice sets them: the make-up
// Saturdays and Sunday worked, every day of the holidays off, the weekdays
// either side worked.
func TestWorking2026(t *testing.T) {
	cal := work.ChinaCalendar()
	for _, tc := range []struct {
		date    string
		working bool
	}{
		{"2026-02-13", true},  // Friday before
		{"2026-02-14", true},  // Saturday, make-up day
		{"2026-02-15", false}, // 腊月二十八, Sunday: the holiday begins
		{"2026-02-16", false}, // 除夕, Monday
		{"2026-02-17", false}, // 正月初一
		{"2026-02-20", false}, // Friday within it
		{"2026-02-21", false},
		{"2026-02-23", false}, // 正月初七, Monday: the last day
		{"2026-02-24", true},  // back at work
		{"2026-02-27", true},
		{"2026-02-28", true}, // Saturday, make-up day
		{"2026-03-01", false},
		{"2026-09-19", false}, // an ordinary Saturday
		{"2026-09-20", true},  // Sunday, make-up day
		{"2026-09-25", false}, // 中秋节, Friday
		{"2026-09-26", false},
		{"2026-09-28", true},
		{"2026-09-30", true},
		{"2026-10-01", false}, // 国庆节, Thursday
		{"2026-10-05", false}, // Monday within it
		{"2026-10-07", false}, // Wednesday: the last day
		{"2026-10-08", true},
		{"2026-10-10", true},  // Saturday, make-up day
		{"2026-10-11", false}, // Sunday
		{"2026-01-04", true},  // Sunday worked for 元旦
		{"2026-05-09", true},  // Saturday worked for 劳动节
		{"2025-01-26", true},  // 2025: Sunday worked for 春节
		{"2025-10-08", false}, // 2025: the eighth day of 国庆节、中秋节
		{"2027-02-08", false}, // 2027: 正月初三, statutory
		{"2027-10-04", true},  // 2027: no notice yet, so an ordinary Monday
	} {
		for _, clock := range []string{"00:00", "23:59"} {
			assert.Equal(t, tc.working, cal.Working(day(tc.date+" "+clock)), tc.date+" "+clock)
			assert.Equal(t, tc.working, cal.Working(day(tc.date+" "+clock).UTC()), "%s %s read in UTC", tc.date, clock)
		}
	}
}

// TestAddWorkingDays2026 counts deadlines across the 2026 Spring Festival
// and National Day: the holidays do not count, the make-up days do, and a
// limit ends at 24:00 of its last working day.
func TestAddWorkingDays2026(t *testing.T) {
	cal := work.ChinaCalendar()
	for _, tc := range []struct {
		from string
		n    int
		due  string // the midnight that ends the limit
	}{
		{"2026-02-12 15:00", 1, "2026-02-14 00:00"},  // Friday 13th
		{"2026-02-13 09:00", 1, "2026-02-15 00:00"},  // Saturday 14th is worked
		{"2026-02-13 09:00", 2, "2026-02-25 00:00"},  // then the holiday: Tuesday 24th
		{"2026-02-14 18:00", 1, "2026-02-25 00:00"},  // from the make-up day itself
		{"2026-02-17 10:00", 1, "2026-02-25 00:00"},  // registered on 初一
		{"2026-02-17 10:00", 5, "2026-03-01 00:00"},  // 24–27 and the make-up Saturday 28th
		{"2026-02-17 10:00", 6, "2026-03-03 00:00"},  // Sunday 1 March is off again
		{"2026-02-10 08:00", 7, "2026-02-27 00:00"},  // 11, 12, 13, the make-up 14th, 24, 25, 26
		{"2026-09-18 16:00", 1, "2026-09-21 00:00"},  // Friday: Sunday 20th is worked
		{"2026-09-24 12:00", 1, "2026-09-29 00:00"},  // over 中秋节 to Monday 28th
		{"2026-09-29 09:00", 2, "2026-10-09 00:00"},  // 30th, then over 国庆节 to 8th
		{"2026-09-30 09:00", 3, "2026-10-11 00:00"},  // 8th, 9th and the make-up Saturday 10th
		{"2026-10-03 09:00", 20, "2026-11-04 00:00"}, // 8, 9, 10, then three weeks and 2 and 3 November
		{"2026-10-09 23:59", 0, "2026-10-09 23:59"},
	} {
		got := cal.AddWorkingDays(day(tc.from), tc.n)
		assert.Equal(t, day(tc.due), got, "%s + %d working days", tc.from, tc.n)
		assert.Equal(t, tc.n, cal.WorkingDaysBetween(day(tc.from), got), "%s to %s", tc.from, tc.due)
	}
}

// TestCalendarProperties checks, from random times over the years shipped
// with a random township day added, that AddWorkingDays ends at the
// midnight after a working day, that exactly n working days lie before
// it, that it grows with n, and that WorkingDaysBetween agrees with
// counting day by day.
func TestCalendarProperties(t *testing.T) {
	rnd := rand.New(rand.NewPCG(20, 26))
	cal := work.ChinaCalendar()
	require.NoError(t, cal.Add(work.Day{Date: "2026-03-16", Name: "庙会"}))
	base := day("2025-01-01 00:00")
	span := int64(3 * 365 * 24 * time.Hour)
	for range 3000 {
		from := base.Add(time.Duration(rnd.Int64N(span)))
		n := rnd.IntN(40)
		due := cal.AddWorkingDays(from, n)
		assert.Equal(t, n, cal.WorkingDaysBetween(from, due))
		if n == 0 {
			continue
		}
		assert.True(t, due.After(from))
		assert.Zero(t, due.In(work.Zone).Hour()*60+due.In(work.Zone).Minute(), "ends at midnight: %v", due)
		assert.True(t, cal.Working(due.Add(-time.Minute)), "the last day is worked: %v", due)
		assert.True(t, cal.AddWorkingDays(from, n+1).After(due))
		assert.Equal(t, n-1, cal.WorkingDaysBetween(from, due.Add(-time.Nanosecond)))

		to := from.Add(time.Duration(rnd.Int64N(int64(60 * 24 * time.Hour))))
		count := 0
		for d := time.Date(from.In(work.Zone).Year(), from.In(work.Zone).Month(), from.In(work.Zone).Day()+1, 0, 0, 0, 0, work.Zone); !d.AddDate(0, 0, 1).After(to); d = d.AddDate(0, 0, 1) {
			if cal.Working(d) {
				count++
			}
		}
		assert.Equal(t, count, cal.WorkingDaysBetween(from, to), "%v to %v", from, to)
		assert.Zero(t, cal.WorkingDaysBetween(to, from))
	}
}

// TestShippedDays checks the data against the notices' own totals: the
// days off and the make-up days each year, and every make-up day a
// weekend day.
func TestShippedDays(t *testing.T) {
	off, worked := map[int]int{}, map[int]int{}
	for _, d := range work.ChinaCalendar().Days() {
		at := day(d.Date + " 12:00")
		if d.Working {
			worked[at.Year()]++
			assert.Contains(t, []time.Weekday{time.Saturday, time.Sunday}, at.Weekday(), d.Date)
		} else {
			off[at.Year()]++
		}
	}
	// 2025: 1+8+3+5+3+8; 2026: 3+9+3+5+3+3+7; 2027: the statutory 13 days.
	assert.Equal(t, map[int]int{2025: 28, 2026: 33, 2027: 13}, off)
	assert.Equal(t, map[int]int{2025: 5, 2026: 6}, worked)
}

// TestCalendarAddRemove checks a township's own days: added, replacing
// what the calendar said, removed, and refused when they make no sense.
func TestCalendarAddRemove(t *testing.T) {
	cal := work.NewCalendar()
	assert.True(t, cal.Working(day("2026-03-16 09:00")))
	require.NoError(t, cal.Add(work.Day{Date: "2026-03-16", Name: " 庙会 "}))
	assert.False(t, cal.Working(day("2026-03-16 09:00")))
	assert.Equal(t, []work.Day{{Date: "2026-03-16", Name: "庙会"}}, cal.Days())
	require.NoError(t, cal.Add(work.Day{Date: "2026-03-14", Working: true, Name: "补班"}))
	assert.True(t, cal.Working(day("2026-03-14 09:00")))

	clone := cal.Clone()
	require.NoError(t, cal.Remove("2026-03-16"))
	assert.True(t, cal.Working(day("2026-03-16 09:00")))
	assert.False(t, clone.Working(day("2026-03-16 09:00")), "a clone keeps its own days")
	assert.Equal(t, fourplusn.NotFound, fourplusn.ErrorCode(cal.Remove("2026-03-16")))

	for _, bad := range []work.Day{
		{Date: "2026-3-16", Name: "庙会"},
		{Date: "2026-02-30", Name: "庙会"},
		{Date: "2026-03-17", Name: ""},
		{Date: "2026-03-17", Working: true, Name: "补班"}, // a Tuesday
	} {
		err := cal.Add(bad)
		assert.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err), "%+v", bad)
	}
	assert.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(cal.Remove("16 March")))
}

// TestCalendarJSON checks that a calendar reads back what it writes, so
// that rules holding one survive a round trip and compare by their JSON.
func TestCalendarJSON(t *testing.T) {
	cal := work.ChinaCalendar()
	b, err := json.Marshal(cal)
	require.NoError(t, err)
	var back work.Calendar
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, cal.Days(), back.Days())
	again, err := json.Marshal(&back)
	require.NoError(t, err)
	assert.Equal(t, string(b), string(again))
	assert.Error(t, json.Unmarshal([]byte(`[{"date":"2026-03-17","working":true,"name":"补班"}]`), &back))
}
