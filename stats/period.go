package stats

import (
	"fmt"
	"time"

	"github.com/fourplusn/fourplusn/work"
)

// Period is the length of a reporting period.
type Period uint8

// The reporting periods. Weeks begin on Monday.
const (
	Day Period = iota + 1
	Week
	Month
	Quarter
	Year
)

var periodNames = [...]string{"", "day", "week", "month", "quarter", "year"}

// String returns the period's stable name.
func (p Period) String() string {
	if p >= Day && p <= Year {
		return periodNames[p]
	}
	return fmt.Sprintf("period(%d)", p)
}

// ParsePeriod reads a period's stable name.
func ParsePeriod(s string) (Period, error) {
	for p := Day; p <= Year; p++ {
		if periodNames[p] == s {
			return p, nil
		}
	}
	return 0, fieldError("period", "unknown period %q", s)
}

// Range is a half-open span of time [From, To).
type Range struct {
	From, To time.Time
}

// Contains reports whether t lies in r.
func (r Range) Contains(t time.Time) bool { return !t.Before(r.From) && t.Before(r.To) }

// String shows the range in the township's zone.
func (r Range) String() string {
	return r.From.In(work.Zone).Format("2006-01-02 15:04") + " – " + r.To.In(work.Zone).Format("2006-01-02 15:04")
}

// Of returns the period of kind p that holds t.
func (p Period) Of(t time.Time) Range {
	t = t.In(work.Zone)
	y, m, d := t.Date()
	var from time.Time
	switch p {
	case Day:
		from = time.Date(y, m, d, 0, 0, 0, 0, work.Zone)
	case Week:
		back := (int(t.Weekday()) + 6) % 7 // days since Monday
		from = time.Date(y, m, d-back, 0, 0, 0, 0, work.Zone)
	case Month:
		from = time.Date(y, m, 1, 0, 0, 0, 0, work.Zone)
	case Quarter:
		from = time.Date(y, m-(m-1)%3, 1, 0, 0, 0, 0, work.Zone)
	case Year:
		from = time.Date(y, 1, 1, 0, 0, 0, 0, work.Zone)
	default:
		panic(fmt.Sprintf("stats: unknown period %d", p))
	}
	return Range{From: from, To: p.add(from, 1)}
}

// add moves a period start n periods on (or back, for negative n). Months
// and years are counted by calendar, so that the month after 31 January
// starts on 1 February.
func (p Period) add(from time.Time, n int) time.Time {
	switch p {
	case Day:
		return from.AddDate(0, 0, n)
	case Week:
		return from.AddDate(0, 0, 7*n)
	case Month:
		return from.AddDate(0, n, 0)
	case Quarter:
		return from.AddDate(0, 3*n, 0)
	}
	return from.AddDate(n, 0, 0)
}

// Previous returns the period just before r's (环比's base).
func (p Period) Previous(r Range) Range {
	from := p.add(r.From.In(work.Zone), -1)
	return Range{From: from, To: r.From}
}

// YearEarlier returns the same period a year before r's (同比's base): the
// same month of last year, the same quarter, the same day. For a week it is
// the week holding the day 52 weeks earlier, so weeks line up by weekday.
func (p Period) YearEarlier(r Range) Range {
	if p == Week {
		from := r.From.In(work.Zone).AddDate(0, 0, -52*7)
		return Range{From: from, To: from.AddDate(0, 0, 7)}
	}
	from := r.From.In(work.Zone).AddDate(-1, 0, 0)
	return Range{From: from, To: p.add(from, 1)}
}

// Series returns n consecutive periods of kind p ending with the one that
// holds t, oldest first.
func (p Period) Series(t time.Time, n int) []Range {
	out := make([]Range, n)
	r := p.Of(t)
	for i := n - 1; i >= 0; i-- {
		out[i] = r
		r = p.Previous(r)
	}
	return out
}
