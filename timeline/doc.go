// Package timeline keeps the timeline of a dispute case or a safety hazard:
// the append-only log of who did what to it, and when, from the first
// inquiry to the close. Cases (package mediation) and hazards (package
// hazard) use the same log.
//
// A timeline is evidence. When a party complains that a case was accepted
// late, or a hazard closed without a visit, the township answers from it, so
// it must be possible to show that nobody changed it afterwards: that no
// event was edited (its time included), deleted, reordered or moved from
// another case. For that the log is hash-chained. Each [Event] carries the
// SHA-256 of its own content, and that content includes the hash of the
// event before it, so each hash covers the whole timeline up to it. The
// owning record keeps a [Chain], the length and the last hash, and [Verify]
// checks events read back from storage against it. Changing any event
// changes its hash and so breaks the link to the next event or to the
// recorded head; dropping events at the end shows as a length that does not
// match.
//
// Appending is done with [Chain.Append], in the same write that stores the
// new event and the new Chain with its case or hazard:
//
//	e, next := c.Timeline.Append(timeline.Event{Subject: c.ID, At: now, Actor: actor.ID, Action: "accept"})
//	// store e and c with c.Timeline = next, together
//
// The encoding that is hashed is documented at [Event.AppendCanonical], so
// that an auditor can check an exported timeline with any SHA-256
// implementation, without this code.
//
// What the chain does not protect against: someone with write access to the
// store who rewrites the whole timeline from the first changed event on and
// stores the matching Chain with the record. Every hash is recomputable; none
// is secret. The remedy is to keep the head somewhere that person cannot
// write: anchor it elsewhere, for example by listing the Chain of every case
// and hazard in a signed daily report sent out of the system. A timeline
// whose head matches an anchored head was not changed before that anchor.
//
// Hashing uses the instant of At, in nanoseconds; a store must keep At to the
// nanosecond (or the caller must round At before appending), and Details as
// given, or the timeline it returns will not verify.
package timeline
