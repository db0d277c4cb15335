package work

import (
	"time"
	_ "time/tzdata" // the township's time, on machines without a zone database
)

// Zone is where the township lives: Asia/Shanghai, the zone its people read
// times in, and where its days, weeks, months and years begin — a report
// for November counts what happened between midnight on 1 November and
// midnight on 1 December in Beijing time, not in UTC.
var Zone = mustLoad("Asia/Shanghai")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is linked in: this cannot fail
	}
	return loc
}

// ShowTime shows t as township staff read it: in Zone, to the minute.
func ShowTime(t time.Time) string {
	if t.IsZero() {
		return "（无）"
	}
	return t.In(Zone).Format("2006-01-02 15:04")
}
