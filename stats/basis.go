package stats

import (
	"time"

	"github.com/fourplusn/fourplusn/work"
)

// MaxRangeDays is the longest range of days a report covers: a little over
// a leap year, so that any year or twelve months fit.
const MaxRangeDays = 400

// Basis is what a report compares, like for like. A period that has ended
// is compared whole with the whole period before (环比) and the whole same
// period a year earlier (同比). A period in progress is compared by its
// elapsed part: 1 to 3 December up to now against 1 to 3 November up to
// the same time of day, and against 1 to 3 December a year earlier — never
// a few days against a whole month.
type Basis struct {
	// Period is the kind of period reported on, or 0 for a range of days.
	Period Period
	// Whole is the period or range reported on.
	Whole Range
	// Partial is true while Whole is in progress: Current is then its
	// elapsed part, up to and including now, and the bases the same span
	// of theirs.
	Partial bool
	// Current is the span the figures are of, Previous and YearEarlier the
	// spans they are compared with.
	Current, Previous, YearEarlier Range
}

// Basis returns what the report of the period of kind p that holds t
// compares, as of now.
//
// In a period in progress the bases end as far into their period as now
// is into its own: on the same day of the month, of the quarter's month
// or of the year's month, or after as many days for a day or week, at the
// same time of day. Where a base period is shorter the span is clamped to
// its end: the 31st of a month is compared with the whole of a 30-day
// month before it, 29 February with the whole of a common year's
// February.
func (p Period) Basis(t, now time.Time) Basis {
	whole := p.Of(t)
	b := Basis{Period: p, Whole: whole, Current: whole, Previous: p.Previous(whole), YearEarlier: p.YearEarlier(whole)}
	if !whole.Contains(now) {
		return b
	}
	cut := elapsed(now)
	b.Partial = true
	b.Current.To = cut
	b.Previous.To = p.sameOffset(whole, b.Previous, cut)
	b.YearEarlier.To = p.sameOffset(whole, b.YearEarlier, cut)
	return b
}

// RangeBasis returns what the report of a range of whole days compares, as
// of now: r against as many days just before it (环比) and against the same
// dates a year earlier (同比, 29 February standing for 28 February). While r
// is in progress its elapsed part is compared with the same number of days
// and the same time of day of each base. r must begin and end at midnights
// in work.Zone and span 1 to MaxRangeDays days.
func RangeBasis(r Range, now time.Time) (Basis, error) {
	from, to := r.From.In(work.Zone), r.To.In(work.Zone)
	switch {
	case !from.Before(to):
		return Basis{}, fieldError("to", "the range must end after it begins")
	case !isMidnight(from):
		return Basis{}, fieldError("from", "%s is not a midnight in %s", from.Format(time.RFC3339), work.Zone)
	case !isMidnight(to):
		return Basis{}, fieldError("to", "%s is not a midnight in %s", to.Format(time.RFC3339), work.Zone)
	}
	days := daysBetween(from, to)
	if days > MaxRangeDays {
		return Basis{}, fieldError("to", "a range spans at most %d days", MaxRangeDays)
	}
	whole := Range{From: from, To: to}
	b := Basis{
		Whole: whole, Current: whole,
		Previous:    Range{From: from.AddDate(0, 0, -days), To: from},
		YearEarlier: Range{From: yearBack(from), To: yearBack(to.AddDate(0, 0, -1)).AddDate(0, 0, 1)},
	}
	if !whole.Contains(now) {
		return b, nil
	}
	cut := elapsed(now)
	b.Partial = true
	b.Current.To = cut
	b.Previous.To = Day.sameOffset(whole, b.Previous, cut)
	b.YearEarlier.To = clampTo(atClockOf(yearBack(cut), cut), b.YearEarlier)
	return b, nil
}

// elapsed returns the end of the elapsed part of r at now, which r holds:
// just after now, so that what happened at now itself counts and the span
// is never empty.
func elapsed(now time.Time) time.Time { return now.Add(time.Nanosecond) }

// sameOffset returns the time in base as far into it as t is into cur (see
// Basis), clamped to base's end.
func (p Period) sameOffset(cur, base Range, t time.Time) time.Time {
	t = t.In(work.Zone)
	from, bf := cur.From.In(work.Zone), base.From.In(work.Zone)
	var day time.Time
	switch p {
	case Day, Week:
		day = bf.AddDate(0, 0, daysBetween(from, t))
	default:
		months := (t.Year()-from.Year())*12 + int(t.Month()) - int(from.Month())
		month := time.Date(bf.Year(), bf.Month()+time.Month(months), 1, 0, 0, 0, 0, work.Zone)
		next := month.AddDate(0, 1, 0)
		if t.Day() > daysBetween(month, next) {
			// The base month has no such day: all of it has elapsed.
			return clampTo(next, base)
		}
		day = month.AddDate(0, 0, t.Day()-1)
	}
	return clampTo(atClockOf(day, t), base)
}

// atClockOf returns day's date at t's time of day, in work.Zone.
func atClockOf(day, t time.Time) time.Time {
	y, m, d := day.In(work.Zone).Date()
	t = t.In(work.Zone)
	return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), work.Zone)
}

// clampTo returns t, or r's end if t lies beyond it.
func clampTo(t time.Time, r Range) time.Time {
	if t.After(r.To) {
		return r.To
	}
	return t
}

// yearBack returns the same date a year before t's at t's time of day, 29
// February going to 28 February.
func yearBack(t time.Time) time.Time {
	t = t.In(work.Zone)
	y, m, d := t.Date()
	if m == time.February && d == 29 {
		d = 28
	}
	return time.Date(y-1, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), work.Zone)
}

// daysBetween counts the calendar days from a's date to b's, in work.Zone.
func daysBetween(a, b time.Time) int {
	date := func(t time.Time) time.Time {
		y, m, d := t.In(work.Zone).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return int(date(b).Sub(date(a)) / (24 * time.Hour))
}

// isMidnight reports whether t is a midnight in work.Zone.
func isMidnight(t time.Time) bool {
	t = t.In(work.Zone)
	return t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
}
