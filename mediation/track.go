package mediation

import (
	"context"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// TrackRecord is what whoever holds a case's tracking code may see of it:
// where it stands and when each step was taken, and nothing personal — no
// names, no facts, no one who acted — and its number, so that the
// resident can name the case to the committee, on the phone or on paper.
type TrackRecord struct {
	Number       Number
	State        State
	Category     Category
	Grade        work.Grade
	Handling     grid.Path
	RegisteredAt time.Time
	AcceptedAt   time.Time
	ResolvedAt   time.Time
	ClosedAt     time.Time
	AcceptDue    time.Time // while it waits to be accepted
	ResolveDue   time.Time // while it is being mediated
	Sessions     int
	Steps        []Step // the timeline, oldest first
}

// Step is one step of a case's timeline as a tracking code's holder sees
// it: what was done, and when.
type Step struct {
	At     time.Time
	Action timeline.Action
}

// ValidTrackingCode reports whether code has a tracking code's form: 4 to
// 64 ASCII letters, digits, '-' or '_'. Anything else names no case, and
// is refused before a store is asked.
func ValidTrackingCode(code string) bool {
	if len(code) < 4 || len(code) > 64 {
		return false
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// errNoCode is the one answer to a code that names no case, whatever the
// reason, so that the answer tells nothing about which codes exist.
var errNoCode = &fourplusn.Error{Code: fourplusn.NotFound, Message: "no case has this tracking code"}

// Track returns the progress of the case whose tracking code is code: the
// public lookup of a resident's application, which needs no actor — the
// code is the proof. Returns NotFound for a code that is malformed or
// names no case.
func (s *Service) Track(ctx context.Context, code string) (TrackRecord, error) {
	if !ValidTrackingCode(code) {
		return TrackRecord{}, errNoCode
	}
	c, err := s.store.GetByTrackingCode(ctx, code)
	if fourplusn.ErrorCode(err) == fourplusn.NotFound {
		return TrackRecord{}, errNoCode
	}
	if err != nil {
		return TrackRecord{}, err
	}
	events, err := s.store.Events(ctx, c.ID)
	if err != nil {
		return TrackRecord{}, err
	}
	p := TrackRecord{
		Number: c.Number, State: c.State, Category: c.Category, Grade: c.Grade, Handling: c.Handling,
		RegisteredAt: c.RegisteredAt, AcceptedAt: c.AcceptedAt, ResolvedAt: c.ResolvedAt, ClosedAt: c.ClosedAt,
		Sessions: len(c.Sessions), Steps: make([]Step, len(events)),
	}
	switch c.State {
	case Registered:
		p.AcceptDue = c.AcceptDue
	case Accepted, Mediating:
		p.ResolveDue = c.ResolveDue
	}
	for i, e := range events {
		p.Steps[i] = Step{At: e.At, Action: e.Action}
	}
	return p, nil
}
