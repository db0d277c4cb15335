package stats

import "math"

// Change compares a figure with its value in a base period: 环比 when the
// base is the period before, 同比 when it is the same period a year earlier.
type Change struct {
	Current, Base float64
	// Ratio is (Current − Base) / Base: −0.35 means down 35%. It is NaN
	// when it is undefined; see Defined.
	Ratio float64
	// Defined is false when the base is zero and the current value is not:
	// growth from nothing has no ratio. When both are zero the change is
	// defined and Ratio is 0: nothing happened in either period.
	Defined bool
}

// Compare returns the change from base to current.
func Compare(current, base float64) Change {
	c := Change{Current: current, Base: base, Defined: true}
	switch {
	case base == 0 && current == 0:
		c.Ratio = 0
	case base == 0:
		c.Ratio, c.Defined = math.NaN(), false
	default:
		c.Ratio = (current - base) / base
	}
	return c
}

// Percent returns the change in whole percent, rounded half away from zero
// (−35 for −0.35), and false when the change is undefined.
func (c Change) Percent() (int, bool) {
	if !c.Defined {
		return 0, false
	}
	return int(math.Round(c.Ratio * 100)), true
}

// Rate is a share: Num out of Den. Its value is undefined (NaN) when Den is
// zero — a rate of nothing is not 0% and not 100%.
type Rate struct {
	Num, Den int64
}

// Value returns Num/Den, or NaN when Den is zero.
func (r Rate) Value() float64 {
	if r.Den == 0 {
		return math.NaN()
	}
	return float64(r.Num) / float64(r.Den)
}

// Defined reports whether the rate has a denominator.
func (r Rate) Defined() bool { return r.Den != 0 }

// Rates pairs grouped counts into rates by key: num over den, for each key
// of den — the escalation rate of every community, say, from the counts of
// escalated and of registered cases grouped by cell.
func Rates(num, den []Count) map[string]Rate {
	out := make(map[string]Rate, len(den))
	for _, d := range den {
		out[d.Key] = Rate{Den: d.N}
	}
	for _, n := range num {
		r := out[n.Key]
		r.Num = n.N
		out[n.Key] = r
	}
	return out
}
