package timeline

import (
	"crypto/sha256"
	"encoding/binary"
	"maps"
	"slices"
	"time"
)

// Action names what an event of a timeline records: a case accepted, a
// hazard rectified, a cell retired. Each kind of record defines its own
// actions, once, as constants of this type (mediation.ActionAccepted,
// hazard.ActionRectified, grid.LogCellRetired); everything that reads a
// timeline — the statistics, the notifications, the pages — names them by
// those constants.
type Action string

// Event is one entry of a timeline: who did what to a case or hazard, when.
// Seq, Prev and Hash are set by [Chain.Append]; an Event is sealed once it
// has them and must not be changed afterwards, or [Verify] reports it.
type Event struct {
	Subject string            // the ID of the case or hazard the timeline belongs to
	Seq     int64             // the 1-based position in the timeline
	At      time.Time         // when it happened, stored in UTC
	Actor   string            // the ID of the actor who did it
	Action  Action            // what was done
	Channel string            // the intake channel, or ""
	Details map[string]string // further facts; nil and empty are the same
	Prev    Hash              // the Hash of the event before, zero for the first
	Hash    Hash              // the SHA-256 of the canonical encoding
}

// canonicalTag opens every canonical encoding. It names the format and its
// version: a change to the encoding gets a new tag.
const canonicalTag = "fourplusn/timeline/v1"

// AppendCanonical appends the canonical encoding of e to dst and returns the
// extended slice. An event's Hash is the SHA-256 of these bytes. The encoding
// covers every field but Hash, so it covers Prev, and with it the whole
// timeline before e. It is the concatenation of
//
//	tag      str   the 21 ASCII bytes "fourplusn/timeline/v1"
//	Subject  str
//	Seq      u64   the int64 as two's complement
//	At       u64   At.Unix(): seconds since 1970-01-01T00:00:00Z, rounded
//	               down, as two's complement
//	         u64   At.Nanosecond(): the nanoseconds after that, 0 to 999999999
//	Actor    str
//	Action   str
//	Channel  str
//	Details  u64   the number n of entries, then n pairs of
//	               str key, str value, in ascending byte order of the keys
//	Prev     the 32 bytes of the hash, as they are
//
// where u64 is 8 bytes, most significant first, and str is the string's
// length in bytes as a u64 followed by its bytes, as they are: UTF-8 is
// neither checked nor normalised. At is encoded as an instant, so its time
// zone does not count, and a nil Details encodes as an empty one.
//
// For example, the first event of a timeline with Subject "c", Seq 1,
// At 1970-01-01T00:00:01.000000002Z, Actor "a", Action "x", Channel "" and
// Details {"k": "v"} encodes as the 146 bytes (in hexadecimal, spaced per
// field)
//
//	0000000000000015 666f7572706c75736e2f74696d656c696e652f7631
//	0000000000000001 63
//	0000000000000001
//	0000000000000001 0000000000000002
//	0000000000000001 61
//	0000000000000001 78
//	0000000000000000
//	0000000000000001 0000000000000001 6b 0000000000000001 76
//	0000000000000000000000000000000000000000000000000000000000000000
//
// and its Hash is
// 6f61884052f05bfc53f757e4652aa81a4553726f26ce59562a15b50a31749150.
func (e Event) AppendCanonical(dst []byte) []byte {
	dst = appendString(dst, canonicalTag)
	dst = appendString(dst, e.Subject)
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.Seq))
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.At.Unix()))
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.At.Nanosecond()))
	dst = appendString(dst, e.Actor)
	dst = appendString(dst, string(e.Action))
	dst = appendString(dst, e.Channel)
	dst = binary.BigEndian.AppendUint64(dst, uint64(len(e.Details)))
	var small [16]string // keeps the keys of a typical event off the heap
	keys := small[:0]
	for k := range e.Details {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		dst = appendString(dst, k)
		dst = appendString(dst, e.Details[k])
	}
	return append(dst, e.Prev[:]...)
}

func appendString(dst []byte, s string) []byte {
	dst = binary.BigEndian.AppendUint64(dst, uint64(len(s)))
	return append(dst, s...)
}

// sum returns the hash of e's content, using buf as scratch space, and buf
// (perhaps grown) for the next call.
func (e Event) sum(buf []byte) (Hash, []byte) {
	buf = e.AppendCanonical(buf[:0])
	return sha256.Sum256(buf), buf
}

// Chain is what the owner of a timeline keeps of it: the number of events
// and the Hash of the last, zero for an empty timeline. The zero Chain is an
// empty timeline. A case or hazard stores its Chain with itself, in the same
// write as the event that advanced it, and hands it to [Verify] as the
// timeline's expected end.
type Chain struct {
	Len  int64
	Head Hash
}

// Append seals e as the next event of the timeline c ends: it sets Seq to
// c.Len+1 and Prev to c.Head, whatever they were, converts At to UTC and
// computes Hash. It returns the sealed event and the chain that now ends
// with it; c itself is a value and is not changed.
//
// The sealed event has its own copy of Details: the caller may go on using
// the map it passed in without changing the event. Append validates
// nothing: the Subject, Actor and Action are the caller's to check, and an
// event whose Subject is not its timeline's fails [Verify].
func (c Chain) Append(e Event) (Event, Chain) {
	e.Seq = c.Len + 1
	e.Prev = c.Head
	e.At = e.At.UTC()
	e.Details = maps.Clone(e.Details)
	var scratch [512]byte // large enough for a typical event, and off the heap
	e.Hash, _ = e.sum(scratch[:0])
	return e, Chain{Len: e.Seq, Head: e.Hash}
}
