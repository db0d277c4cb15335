package timeline

import (
	"fmt"

	"github.com/fourplusn/fourplusn"
)

// ErrBroken is the error every [BreakError] wraps, so that
// errors.Is(err, ErrBroken) reports a broken timeline. It is a
// [fourplusn.Internal] error: a broken timeline is an integrity failure of
// the store, not a fault of the input, and its details are for the logs.
var ErrBroken error = &fourplusn.Error{Code: fourplusn.Internal, Message: "timeline broken"}

// BreakError reports where and how a timeline differs from its chain.
type BreakError struct {
	Subject string // the case or hazard whose timeline is broken
	Seq     int64  // the position of the first fault; 0 when the expected Chain itself is impossible
	Reason  string
}

// Error describes the break, as in "timeline of case-7 broken at event 3:
// hash does not match its content".
func (e *BreakError) Error() string {
	return fmt.Sprintf("timeline of %s broken at event %d: %s", e.Subject, e.Seq, e.Reason)
}

// Unwrap returns [ErrBroken].
func (e *BreakError) Unwrap() error { return ErrBroken }

// Verify checks that events are exactly the timeline of subject that ends
// as want: events 1 to want.Len in order, each with Subject subject, Seq its
// position, Prev the Hash of the event before it (zero for the first) and
// Hash the hash of its own content, the last one's Hash being want.Head.
//
// It returns nil if they are, and otherwise a *[BreakError] at the first
// fault found: an edited event fails at its position (its content no
// longer matches its Hash, or its Hash no longer matches the next event's
// Prev); a deleted, duplicated or reordered event fails at the first
// position that holds the wrong event; an event from another timeline fails
// where it was spliced in; a truncated timeline fails at the first missing
// event and an extended one at the first event beyond want.Len.
func Verify(subject string, events []Event, want Chain) error {
	broken := func(seq int64, format string, args ...any) error {
		return &BreakError{Subject: subject, Seq: seq, Reason: fmt.Sprintf(format, args...)}
	}
	if want.Len < 0 || want.Len == 0 && !want.Head.IsZero() {
		return broken(0, "the expected chain is impossible (length %d, head %s)", want.Len, want.Head)
	}
	var prev Hash
	var scratch [512]byte // as in Append; grows on the heap only for a large event
	buf := scratch[:0]
	for i, e := range events {
		seq := int64(i) + 1
		var sum Hash
		sum, buf = e.sum(buf)
		switch {
		case e.Subject != subject:
			return broken(seq, "found an event of %s in its place", e.Subject)
		case e.Seq != seq:
			return broken(seq, "found event %d in its place", e.Seq)
		case e.Prev != prev:
			return broken(seq, "previous hash does not match the event before it")
		case e.Hash != sum:
			return broken(seq, "hash does not match its content")
		}
		prev = e.Hash
	}
	n := int64(len(events))
	switch {
	case n < want.Len:
		return broken(n+1, "missing: the timeline has %d events, want %d", n, want.Len)
	case n > want.Len:
		return broken(want.Len+1, "beyond the end: the timeline has %d events, want %d", n, want.Len)
	case prev != want.Head:
		return broken(n, "hash does not match the recorded head")
	}
	return nil
}
