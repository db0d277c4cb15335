package work

import (
	"context"

	"github.com/fourplusn/fourplusn/timeline"
)

// Store is what a store of one kind of record — cases (R *mediation.Case)
// or hazards (R *hazard.Hazard) — does with the records and their
// timelines. mediation.Store and hazard.Store are this contract with their
// own listings.
//
// Implementations must be safe for concurrent use, and must save a record
// and the events of the same change in one atomic write: a record is never
// stored without its events, nor events without their record. Every record
// and event a store returns is the caller's to change: the store keeps no
// part of it, as it keeps no part of what it is given.
type Store[R any, ID ~string] interface {
	// Create stores a new record and its first events. With a non-empty
	// key, a second Create under the same key stores nothing: it returns
	// the record the first created if the fingerprints match, and a
	// Conflict error if they do not (the key was reused for another
	// request). What a kind of record is given by the store, it is given
	// in that same write: a case its number (see mediation.Store).
	Create(ctx context.Context, r R, events []timeline.Event, key IdempotencyKey) (R, error)
	// Get returns record id. Returns NotFound if there is none.
	Get(ctx context.Context, id ID) (R, error)
	// Update loads record id, and calls fn with a copy of it. If fn
	// returns an error, nothing is stored and Update returns that error.
	// Otherwise the store saves the changed record with its version raised
	// by one, together with the events fn returned, and returns the saved
	// record. A version other than 0 must equal the stored record's
	// version, or Update returns a Conflict error without calling fn.
	// Updates of one record are serialized: fn always sees the latest
	// version, so no update is lost. Returns NotFound if there is no
	// record id.
	Update(ctx context.Context, id ID, version int64, fn func(R) ([]timeline.Event, error)) (R, error)
	// Events returns the timeline of record id, in order. Returns NotFound
	// if there is no record id.
	Events(ctx context.Context, id ID) ([]timeline.Event, error)
}
