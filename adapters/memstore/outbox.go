package memstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"sync"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/notify"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
)

// Outbox keeps notifications in memory until they are delivered. It
// implements notify.Outbox and is safe for concurrent use. Cases and
// hazards write into it, with each change, once EnableOutbox is called on
// their stores.
type Outbox struct {
	mu    sync.Mutex
	items []*outboxItem // in the order written; an item's ID is its index + 1
	byKey map[string]*outboxItem
}

type outboxItem struct {
	d     notify.Delivery
	until time.Time // the claim's lease
}

var _ notify.Outbox = (*Outbox)(nil)

// NewOutbox returns an empty outbox.
func NewOutbox() *Outbox { return &Outbox{byKey: map[string]*outboxItem{}} }

// EnableOutbox makes every change to a case write the notifications it
// causes (notify.CaseNotifications) into o, as part of the change: a
// change is kept with its notifications or not at all. Call it before the
// store is used.
func (s *Cases) EnableOutbox(o *Outbox) {
	s.t.changed = func(c *mediation.Case, events []timeline.Event) error {
		o.add(notify.CaseNotifications(c, events))
		return nil
	}
}

// EnableOutbox makes every change to a hazard write the notifications it
// causes (notify.HazardNotifications) into o; see Cases.EnableOutbox.
func (s *Hazards) EnableOutbox(o *Outbox) {
	s.t.changed = func(h *hazard.Hazard, events []timeline.Event) error {
		o.add(notify.HazardNotifications(h, events))
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
func (o *Outbox) add(ns []notify.Notification) {
	if len(ns) == 0 {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, n := range ns {
		if _, dup := o.byKey[n.Key]; dup {
			continue
		}
		it := &outboxItem{d: notify.Delivery{ID: int64(len(o.items) + 1), Notification: n, State: notify.Pending, CreatedAt: n.At}}
		o.items = append(o.items, it)
		o.byKey[n.Key] = it
	}
}

// Enqueue stores notifications due at once; see notify.Outbox.
func (o *Outbox) Enqueue(ctx context.Context, now time.Time, ns ...notify.Notification) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	o.add(ns)
	return nil
}

// Claim returns and holds up to limit due deliveries; see notify.Outbox.
func (o *Outbox) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]notify.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []notify.Delivery
	for _, it := range o.items {
		if len(out) == limit {
			break
		}
		if it.d.State != notify.Pending || it.d.NextAt.After(now) || it.until.After(now) {
			continue
		}
		it.until = now.Add(lease)
		it.d.Claim = newClaim()
		out = append(out, cloneDelivery(it.d))
	}
	return out, nil
}

// Record stores an attempt's result; see notify.Outbox.
func (o *Outbox) Record(ctx context.Context, id int64, claim string, r notify.Result) error {
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
// first; see notify.Outbox.
func (o *Outbox) Failures(ctx context.Context, township grid.CellID, limit int) ([]notify.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []notify.Delivery
	for i := len(o.items) - 1; i >= 0 && len(out) < limit; i-- {
		d := o.items[i].d
		if d.Notification.Township == township && (d.State == notify.Failed || d.State == notify.Pending && d.LastError != "") {
			out = append(out, cloneDelivery(d))
		}
	}
	return out, nil
}

// Find returns the delivery of the notification with key; see
// notify.Outbox.
func (o *Outbox) Find(ctx context.Context, key string) (notify.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return notify.Delivery{}, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	it, ok := o.byKey[key]
	if !ok {
		return notify.Delivery{}, fourplusn.Errorf(fourplusn.NotFound, "no notification has key %q", key)
	}
	return cloneDelivery(it.d), nil
}

func cloneDelivery(d notify.Delivery) notify.Delivery {
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
