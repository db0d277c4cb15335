// Package outbox is what stands between the stores that keep notices until
// they are delivered and the dispatchers that deliver them: the Store a
// store implements (bunstore.Outbox, memstore.Outbox), and the Delivery it
// keeps of each notice. A store writes the notices a change causes into
// its outbox in the transaction of the change, as the domain decides them
// (mediation.Notices, hazard.Notices); a dispatcher (package
// adapters/notify) claims what is due, delivers it and records how it
// went; the deadline runner (package adapters/deadlines) enqueues what a
// deadline calls for.
package outbox

import (
	"context"
	"time"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/work"
)

// State is where a notice stands in the outbox.
type State string

// The states of a delivery. Do not change the values: they are stored.
const (
	Pending   State = "pending"   // waiting for its first or next attempt
	Delivered State = "delivered" // every notifier has it
	Failed    State = "failed"    // given up on: the duty officers must see to it
)

// Delivery is a notice in the outbox with the state of its delivery.
type Delivery struct {
	ID           int64 // the outbox's own, in the order notices were written
	Notification work.Notice
	State        State
	Attempts     int       // attempts made so far
	Delivered    []string  // the names of the notifiers that have it
	NextAt       time.Time // when it is due, while pending
	LastError    string    // why the last attempt failed, if it did
	CreatedAt    time.Time
	// Claim is the token of the dispatcher holding the delivery, set by
	// Claim and required by Record.
	Claim string
}

// Result is what an attempt at a delivery came to, for Store.Record.
type Result struct {
	State     State     // Pending to try again at NextAt, Delivered, or Failed
	Delivered []string  // every notifier that has it now
	LastError string    // "" when the attempt succeeded
	NextAt    time.Time // when to try again, for Pending
}

// Store keeps notices until they are delivered. Implementations must be
// safe for concurrent use, by several dispatchers too.
type Store interface {
	// Enqueue stores notices outside any change (the deadline runner's),
	// due at once. A notice whose Key is already stored is skipped, so
	// enqueuing is idempotent.
	Enqueue(ctx context.Context, now time.Time, ns ...work.Notice) error
	// Claim returns up to limit pending deliveries due at now, oldest
	// first, that no other dispatcher holds, and holds them until
	// now+lease: until then no Claim returns them again. Each carries a
	// new claim token.
	Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Delivery, error)
	// Record stores the result of an attempt at delivery id, counts the
	// attempt and releases the claim. It returns a Conflict error, and
	// stores nothing, if claim no longer holds the delivery (its lease ran
	// out and another dispatcher claimed it).
	Record(ctx context.Context, id int64, claim string, r Result) error
	// Failures returns, newest first, up to limit deliveries of township
	// that failed for good or whose last attempt failed: what the duty
	// officers must see.
	Failures(ctx context.Context, township grid.CellID, limit int) ([]Delivery, error)
	// Find returns the delivery of the notice with key, or a NotFound
	// error.
	Find(ctx context.Context, key string) (Delivery, error)
}
