package fourplusn

import "time"

// Window is the span of time in which a date a person gives must lie:
// when a session was held, by when an agreement is performed. A date far
// outside it (9999-12-31, 0001-01-01) is a slip of the keyboard, and one
// stored would wreck every deadline and figure computed from it. Each
// field that takes a date has its window, named by the package that owns
// the field; From and To are inclusive.
type Window struct {
	From, To time.Time
}

// Check returns an Invalid error naming field unless t lies within w.
func (w Window) Check(field string, t time.Time) error {
	if t.Before(w.From) || t.After(w.To) {
		return FieldError(field, "must lie between %s and %s", w.From.UTC().Format(time.DateOnly), w.To.UTC().Format(time.DateOnly))
	}
	return nil
}
