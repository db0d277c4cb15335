package memstore

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"sync"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/timeline"
)

// record is what a table needs of the records it keeps: a way to copy them,
// so that nothing the table holds is shared with its callers.
type record[T any] interface {
	*T
	Clone() *T
}

// table is a versioned, concurrency-safe collection of records of one kind
// with their timelines, idempotency keys and secondary codes. Cases and
// hazards are both kept in one; the kinds differ only in how a record's ID,
// version and code are read, which the accessor functions give.
type table[T any, P record[T]] struct {
	kind    string // "case", "hazard": for error messages
	id      func(P) string
	version func(P) *int64
	code    func(P) string // a unique secondary code (a tracking code), or ""

	mu      sync.RWMutex
	records map[string]P
	order   []string // IDs in ascending order
	events  map[string][]timeline.Event
	codes   map[string]string // code → ID
	keys    map[string]keyed  // scope + "\x00" + key → the record it created
	// changed, if set, is called under the lock with each change before it
	// is kept, and its error refuses the change: the outbox hook.
	changed func(P, []timeline.Event) error
	// numbering, if set, numbers the records of a kind that has numbers.
	numbering *numbering[P]
}

// numbering is how a kind of record is numbered: in series, each from 1
// and gapless. A table gives a new record its series' next number when it
// stores it, under its lock, and no number to a record it refuses.
type numbering[P any] struct {
	series func(P) string           // the series r is numbered in
	give   func(r P, seq int) error // sets r's number, or refuses it
	// keep copies the number of a stored record onto its update: a
	// record keeps the number it was given.
	keep func(from, to P)

	last map[string]int    // series → the last number given
	ids  map[string]string // series + "\x00" + number → ID
}

// key is where number seq of series is indexed.
func (n *numbering[P]) key(series string, seq int) string {
	return series + "\x00" + strconv.Itoa(seq)
}

type keyed struct {
	id          string
	fingerprint string
}

func newTable[T any, P record[T]](kind string, id func(P) string, version func(P) *int64, code func(P) string) *table[T, P] {
	return &table[T, P]{
		kind: kind, id: id, version: version, code: code,
		records: map[string]P{}, events: map[string][]timeline.Event{}, codes: map[string]string{}, keys: map[string]keyed{},
	}
}

// create stores r and its first events, or under an idempotency key already
// seen, returns the record that key created.
func (t *table[T, P]) create(ctx context.Context, r P, events []timeline.Event, scope, key, fingerprint string) (P, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	k := scope + "\x00" + key
	if key != "" {
		if prior, ok := t.keys[k]; ok {
			if prior.fingerprint != fingerprint {
				return nil, fourplusn.Errorf(fourplusn.Conflict, "idempotency key %q was already used for another request", key)
			}
			return P(t.records[prior.id].Clone()), nil
		}
	}
	id, code := t.id(r), t.code(r)
	if _, dup := t.records[id]; dup {
		return nil, fourplusn.Errorf(fourplusn.Conflict, "%s %s already exists", t.kind, id)
	}
	if _, dup := t.codes[code]; dup && code != "" {
		return nil, fourplusn.Errorf(fourplusn.Conflict, "tracking code %s is already in use", code)
	}
	r = P(r.Clone()) // numbered here, not in the caller's hands
	var series string
	if n := t.numbering; n != nil {
		series = n.series(r)
		if err := n.give(r, n.last[series]+1); err != nil {
			return nil, err
		}
	}
	if err := t.change(r, events); err != nil {
		return nil, err
	}
	if n := t.numbering; n != nil {
		n.last[series]++
		n.ids[n.key(series, n.last[series])] = id
	}
	t.records[id] = r
	i, _ := slices.BinarySearch(t.order, id)
	t.order = slices.Insert(t.order, i, id)
	t.events[id] = cloneEvents(events)
	if code != "" {
		t.codes[code] = id
	}
	if key != "" {
		t.keys[k] = keyed{id: id, fingerprint: fingerprint}
	}
	return P(r.Clone()), nil
}

func (t *table[T, P]) get(ctx context.Context, id string) (P, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	r, ok := t.records[id]
	if !ok {
		return nil, fourplusn.Errorf(fourplusn.NotFound, "%s %s not found", t.kind, id)
	}
	return P(r.Clone()), nil
}

func (t *table[T, P]) getByCode(ctx context.Context, code string) (P, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t.mu.RLock()
	id, ok := t.codes[code]
	t.mu.RUnlock()
	if !ok || code == "" {
		return nil, fourplusn.Errorf(fourplusn.NotFound, "no %s has tracking code %q", t.kind, code)
	}
	return t.get(ctx, id)
}

// getByNumber returns the record numbered seq in series.
func (t *table[T, P]) getByNumber(ctx context.Context, series string, seq int) (P, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t.mu.RLock()
	id, ok := t.numbering.ids[t.numbering.key(series, seq)]
	t.mu.RUnlock()
	if !ok {
		return nil, fourplusn.Errorf(fourplusn.NotFound, "no %s has number %d of its series", t.kind, seq)
	}
	return t.get(ctx, id)
}

// update runs fn on a copy of record id under the table's lock, and stores
// the result with its events unless fn fails. A non-zero version must match.
func (t *table[T, P]) update(ctx context.Context, id string, version int64, fn func(P) ([]timeline.Event, error)) (P, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	cur, ok := t.records[id]
	if !ok {
		return nil, fourplusn.Errorf(fourplusn.NotFound, "%s %s not found", t.kind, id)
	}
	if v := *t.version(cur); version != 0 && version != v {
		return nil, fourplusn.Errorf(fourplusn.Conflict, "%s %s was changed (now version %d, not %d): reload it and try again", t.kind, id, v, version)
	}
	next := P(cur.Clone())
	events, err := fn(next)
	if err != nil {
		return nil, err
	}
	if n := t.numbering; n != nil {
		n.keep(cur, next)
	}
	*t.version(next) = *t.version(cur) + 1
	if err := t.change(next, events); err != nil {
		return nil, err
	}
	t.records[id] = P(next.Clone())
	t.events[id] = append(t.events[id], cloneEvents(events)...)
	return next, nil
}

// list returns, newest first, up to limit records with IDs below before (or
// from the newest, if before is "") that match, and the cursor of the next
// page.
func (t *table[T, P]) list(ctx context.Context, before string, limit int, match func(P) bool) ([]P, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	end := len(t.order)
	if before != "" {
		end, _ = slices.BinarySearch(t.order, before)
	}
	var out []P
	for i := end - 1; i >= 0; i-- {
		r := t.records[t.order[i]]
		if !match(r) {
			continue
		}
		if len(out) == limit {
			return out, t.id(out[len(out)-1]), nil
		}
		out = append(out, P(r.Clone()))
	}
	return out, "", nil
}

// each calls fn on every record, oldest first, under the read lock; fn must
// not keep the record.
func (t *table[T, P]) each(ctx context.Context, fn func(P)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	for _, id := range t.order {
		fn(t.records[id])
	}
	return nil
}

func (t *table[T, P]) timeline(ctx context.Context, id string) ([]timeline.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	events, ok := t.events[id]
	if !ok {
		return nil, fourplusn.Errorf(fourplusn.NotFound, "%s %s not found", t.kind, id)
	}
	return cloneEvents(events), nil
}

func cloneEvents(events []timeline.Event) []timeline.Event {
	out := slices.Clone(events)
	for i := range out {
		out[i].Details = maps.Clone(out[i].Details)
	}
	return out
}
