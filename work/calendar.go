package work

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/fourplusn/fourplusn"
)

// dateLayout is how a Day's date is written: the township's calendar day,
// in Zone.
const dateLayout = "2006-01-02"

// maxDayName bounds a day's name: 春节, 国庆节, a township's own 庙会.
const maxDayName = 40

// Day is one day a Calendar treats otherwise than the weekly rule does: a
// day off (a public holiday, or a township's own), or a weekend day that
// is worked (调休上班).
type Day struct {
	Date    string `json:"date"`    // the day in Zone, written 2006-01-02
	Working bool   `json:"working"` // worked although it falls on a weekend
	Name    string `json:"name"`    // why: 春节, 国庆节 (调休上班), …
}

// Calendar says which days are working days in the township: Monday to
// Friday, save the days it lists off, and the weekend days it lists worked.
// Deadlines counted in working days (法定工作日) run on it, so that a week
// of Spring Festival does not eat a week of the time to accept a case, and
// a make-up Saturday counts as the working day it is.
//
// A Calendar is not safe for concurrent change: a township sets its days
// up before use, then only reads it. It is written to JSON as the list of
// its days, so that rules holding one stay comparable by their JSON.
type Calendar struct {
	days map[civil]Day
}

// civil is a day of the calendar, as a comparable key.
type civil struct {
	year  int
	month time.Month
	day   int
}

// civilOf returns the day t falls on in Zone.
func civilOf(t time.Time) civil {
	y, m, d := t.In(Zone).Date()
	return civil{y, m, d}
}

// start returns the midnight in Zone that begins the day after c shifted
// by days; time.Date normalises the day of the month.
func (c civil) start(days int) time.Time {
	return time.Date(c.year, c.month, c.day+days, 0, 0, 0, 0, Zone)
}

func (c civil) weekend() bool {
	wd := c.start(0).Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// NewCalendar returns a calendar of weekends only, with no holidays: a
// township's own, or a test's, starts from it.
func NewCalendar() *Calendar { return &Calendar{days: map[civil]Day{}} }

// ChinaCalendar returns a new calendar with the State Council's public
// holidays and make-up working days of the years shipped (see
// stateCouncilDays), which a township may then change.
func ChinaCalendar() *Calendar {
	c := NewCalendar()
	for _, d := range stateCouncilDays() {
		if err := c.Add(d); err != nil {
			panic(fmt.Sprintf("work: the shipped calendar is wrong: %v", err)) // the data is checked by its tests
		}
	}
	return c
}

// Add lists day d, replacing what the calendar said of its date. Returns
// Invalid for a date not written 2006-01-02, a missing or overlong name,
// and a working day on a weekday, which would change nothing.
func (c *Calendar) Add(d Day) error {
	at, err := parseDay(d.Date)
	if err != nil {
		return err
	}
	name, err := fourplusn.Text("name", d.Name, maxDayName)
	if err != nil {
		return err
	}
	if d.Working && !at.weekend() {
		return fourplusn.FieldError("date", "%s is a weekday and a working day already", d.Date)
	}
	d.Name = name
	c.days[at] = d
	return nil
}

// Remove takes date back to the weekly rule. Returns Invalid for a date
// not written 2006-01-02 and NotFound for a date the calendar does not list.
func (c *Calendar) Remove(date string) error {
	at, err := parseDay(date)
	if err != nil {
		return err
	}
	if _, ok := c.days[at]; !ok {
		return fourplusn.Errorf(fourplusn.NotFound, "the calendar lists no day %s", date)
	}
	delete(c.days, at)
	return nil
}

func parseDay(date string) (civil, error) {
	t, err := time.ParseInLocation(dateLayout, date, Zone)
	if err != nil {
		return civil{}, fourplusn.FieldError("date", "%q is not a day written 2006-01-02", date)
	}
	return civilOf(t), nil
}

// Days returns the days the calendar lists, by date.
func (c *Calendar) Days() []Day {
	return slices.SortedFunc(maps.Values(c.days), func(a, b Day) int { return cmp.Compare(a.Date, b.Date) })
}

// Clone returns a copy of c that shares nothing with it.
func (c *Calendar) Clone() *Calendar { return &Calendar{days: maps.Clone(c.days)} }

// Working reports whether the day t falls on in Zone is a working day.
func (c *Calendar) Working(t time.Time) bool { return c.working(civilOf(t)) }

func (c *Calendar) working(d civil) bool {
	if listed, ok := c.days[d]; ok {
		return listed.Working
	}
	return !d.weekend()
}

// AddWorkingDays returns when n working days after t run out, counted as
// the law counts a time limit (民事诉讼法 art. 85): the day of t is not
// counted, and the limit ends at 24:00 of its last working day — the
// midnight, in Zone, that begins the following day. n of 0 returns t.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	if n <= 0 {
		return t
	}
	day := civilOf(t)
	for i := 1; ; i++ {
		if d := civilOf(day.start(i)); c.working(d) {
			if n--; n == 0 {
				return day.start(i + 1)
			}
		}
	}
}

// WorkingDaysBetween returns how many whole working days lie between from
// and to: the days after from's own whose 24:00 is not after to, so that
// WorkingDaysBetween(t, AddWorkingDays(t, n)) is n. It is 0 when to is not
// after from.
func (c *Calendar) WorkingDaysBetween(from, to time.Time) int {
	n, day := 0, civilOf(from)
	for i := 1; !day.start(i + 1).After(to); i++ {
		if c.working(civilOf(day.start(i))) {
			n++
		}
	}
	return n
}

// MarshalJSON writes the calendar as the list of its days.
func (c *Calendar) MarshalJSON() ([]byte, error) {
	return json.Marshal(c.Days())
}

// UnmarshalJSON reads a list of days written by MarshalJSON, checking
// each as Add does.
func (c *Calendar) UnmarshalJSON(b []byte) error {
	var days []Day
	if err := json.Unmarshal(b, &days); err != nil {
		return fmt.Errorf("calendar: %w", err)
	}
	c.days = map[civil]Day{}
	for _, d := range days {
		if err := c.Add(d); err != nil {
			return fmt.Errorf("calendar: %w", err)
		}
	}
	return nil
}
