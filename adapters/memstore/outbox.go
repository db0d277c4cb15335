package memstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"sync"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/outbox"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// Outbox keeps notices in memory until they are delivered. It implements
// outbox.Store and is safe for concurrent use. Cases and hazards write into
// it, with each change, once EnableOutbox is called on their stores.
type Outbox struct {
	mu    sync.Mutex
	items []*outboxItem // in the order written; an item's ID is its index + 1
	byKey map[string]*outboxItem
}

type outboxItem struct {
	d     outbox.Delivery
	until time.Time // the claim's lease
}

var _ outbox.Store = (*Outbox)(nil)

// NewOutbox returns an empty outbox.
func NewOutbox() *Outbox { return &Outbox{byKey: map[string]*outboxItem{}} }

// EnableOutbox makes every change to a case write the notices it causes
// into o, as part of the change: a change is kept with its notices or not
// at all. notices is the rule of who is told what (mediation.Notices).
// Call it before the store is used.
func (s *Cases) EnableOutbox(o *Outbox, notices func(*mediation.Case, []timeline.Event) []work.Notice) {
	writeNotices(s.t, o, notices)
}

// EnableOutbox makes every change to a hazard write the notices it causes
// into o; notices is the rule of who is told what (hazard.Notices). See
// Cases.EnableOutbox.
func (s *Hazards) EnableOutbox(o *Outbox, notices func(*hazard.Hazard, []timeline.Event) []work.Notice) {
	writeNotices(s.t, o, notices)
}

// writeNotices makes every change kept in t write the notices it causes
// into o.
func writeNotices[T any, P record[T]](t *table[T, P], o *Outbox, notices func(P, []timeline.Event) []work.Notice) {
	t.changed = func(r P, events []timeline.Event) error {
		o.add(notices(r, events))
		return nil
	}
}

// change calls the table's hook, if it has one, on a change about to be
// kept.
func (t *table[T, P]) change(r P, events []timeline.Event) error {
	if t.changed == nil {
		return nil
	}
	return t.changed(r, events)
}

// add stores ns, due at once, skipping keys already stored.
func (o *Outbox) add(ns []work.Notice) {
	if len(ns) == 0 {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, n := range ns {
		if _, dup := o.byKey[n.Key]; dup {
			continue
		}
		it := &outboxItem{d: outbox.Delivery{ID: int64(len(o.items) + 1), Notification: n, State: outbox.Pending, CreatedAt: n.At}}
		o.items = append(o.items, it)
		o.byKey[n.Key] = it
	}
}

// Enqueue stores notices due at once; see outbox.Store.
func (o *Outbox) Enqueue(ctx context.Context, now time.Time, ns ...work.Notice) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	o.add(ns)
	return nil
}

// Claim returns and holds up to limit due deliveries; see outbox.Store.
func (o *Outbox) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]outbox.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []outbox.Delivery
	for _, it := range o.items {
		if len(out) == limit {
			break
		}
		if it.d.State != outbox.Pending || it.d.NextAt.After(now) || it.until.After(now) {
			continue
		}
		it.until = now.Add(lease)
		it.d.Claim = newClaim()
		out = append(out, cloneDelivery(it.d))
	}
	return out, nil
}

// Record stores an attempt's result; see outbox.Store.
func (o *Outbox) Record(ctx context.Context, id int64, claim string, r outbox.Result) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if id < 1 || id > int64(len(o.items)) {
		return fourplusn.Errorf(fourplusn.NotFound, "delivery %d not found", id)
	}
	it := o.items[id-1]
	if claim == "" || it.d.Claim != claim {
		return fourplusn.Errorf(fourplusn.Conflict, "delivery %d is no longer held by this dispatcher", id)
	}
	it.d.State, it.d.Delivered, it.d.LastError, it.d.NextAt = r.State, slices.Clone(r.Delivered), r.LastError, r.NextAt
	it.d.Attempts++
	it.d.Claim, it.until = "", time.Time{}
	return nil
}

// Failures returns the township's failed and failing deliveries, newest
// first; see outbox.Store.
func (o *Outbox) Failures(ctx context.Context, township grid.CellID, limit int) ([]outbox.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []outbox.Delivery
	for i := len(o.items) - 1; i >= 0 && len(out) < limit; i-- {
		d := o.items[i].d
		if d.Notification.Township == township && (d.State == outbox.Failed || d.State == outbox.Pending && d.LastError != "") {
			out = append(out, cloneDelivery(d))
		}
	}
	return out, nil
}

// Find returns the delivery of the notice with key; see
// outbox.Store.
func (o *Outbox) Find(ctx context.Context, key string) (outbox.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return outbox.Delivery{}, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	it, ok := o.byKey[key]
	if !ok {
		return outbox.Delivery{}, fourplusn.Errorf(fourplusn.NotFound, "no notification has key %q", key)
	}
	return cloneDelivery(it.d), nil
}

func cloneDelivery(d outbox.Delivery) outbox.Delivery {
	d.Delivered = slices.Clone(d.Delivered)
	d.Notification.To = slices.Clone(d.Notification.To)
	return d
}

// newClaim returns a random claim token.
func newClaim() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
