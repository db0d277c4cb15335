package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/outbox"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/work"
)

// Notifier delivers messages somewhere: a webhook, a WeCom group, the log.
type Notifier interface {
	// Name identifies the notifier in the outbox, which records which
	// notifiers already have a notification; it must stay the same
	// across restarts.
	Name() string
	// Notify delivers m, or returns why it could not. An error wrapped
	// by Permanent is not retried.
	Notify(ctx context.Context, m Message) error
}

// permanent marks an error that another attempt cannot cure.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent wraps err to tell the Dispatcher not to retry: the receiver
// refused the message itself (a 4xx answer, an invalid robot key), and
// sending it again would be refused again. The delivery is marked failed at
// once, for the duty officers to see.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

// IsPermanent reports whether err was marked by Permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}

// Directory finds a township's members, to resolve recipients to people.
// grid.Store implements it.
type Directory interface {
	Members(ctx context.Context, township grid.CellID) ([]grid.Member, error)
}

// Backoff is how long the Dispatcher waits between attempts: Base after
// the first failure, doubling after each further one up to Max, each wait
// drawn at random from its upper half (jitter), so that deliveries failed
// by one outage do not all come back at the same moment. After Attempts
// failed attempts a delivery is marked failed.
type Backoff struct {
	Base, Max time.Duration
	Attempts  int
}

// DefaultBackoff waits 30 seconds, then a minute, two, … up to an hour
// between attempts, and gives up after 12, some six hours after the first.
var DefaultBackoff = Backoff{Base: 30 * time.Second, Max: time.Hour, Attempts: 12}

// Delay returns the wait after the attempt-th failed attempt (1 for the
// first), given r, a random number in [0, 1).
func (b Backoff) Delay(attempt int, r float64) time.Duration {
	d := b.Base
	for i := 1; i < attempt && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	return d/2 + time.Duration(r*float64(d/2))
}

// Dispatcher delivers the outbox's notifications to every notifier, each
// exactly once when all goes well and at least once when it does not:
// a failed notifier is retried with backoff, and a notifier that has a
// notification is not asked again.
type Dispatcher struct {
	Outbox    outbox.Store
	Notifiers []Notifier
	// Directory resolves recipients to people, with Policy deciding which
	// posts may do a recipient's action. Without a Directory messages go
	// out with no contacts, to the whole group or receiver.
	Directory Directory
	Policy    *grid.Policy
	Backoff   Backoff
	// Lease is how long a claimed batch is held against other
	// dispatchers; what a batch has not attempted when it runs out is left
	// for the next claim.
	Lease time.Duration
	Batch int           // deliveries claimed at a time
	Poll  time.Duration // how often Run looks for due deliveries
	// Now returns the current time; tests replace it with a fake clock.
	Now func() time.Time
	// Rand returns the jitter in [0, 1); tests may fix it.
	Rand func() float64
	Log  *slog.Logger
}

// NewDispatcher returns a Dispatcher that delivers o's notifications to
// notifiers, resolving recipients through dir (nil for none) with policy,
// with DefaultBackoff, a two-minute lease, batches of 50, a poll every five
// seconds, the system clock and slog's default logger.
func NewDispatcher(o outbox.Store, dir Directory, policy *grid.Policy, notifiers ...Notifier) *Dispatcher {
	return &Dispatcher{
		Outbox: o, Notifiers: notifiers, Directory: dir, Policy: policy,
		Backoff: DefaultBackoff, Lease: 2 * time.Minute, Batch: 50, Poll: 5 * time.Second,
		Now: time.Now, Rand: rand.Float64, Log: slog.Default(),
	}
}

// Run delivers due notifications every Poll until ctx is done, and then
// returns ctx's error. Errors of the outbox are logged and retried at the
// next poll.
func (d *Dispatcher) Run(ctx context.Context) error {
	t := time.NewTicker(d.Poll)
	defer t.Stop()
	for {
		for {
			n, err := d.Deliver(ctx)
			if err != nil && ctx.Err() == nil {
				d.Log.ErrorContext(ctx, "notify: delivering", "err", err)
			}
			if err != nil || n < d.Batch {
				break // a full batch means more may be due at once
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Deliver claims one batch of due deliveries, attempts each at the
// notifiers that do not have it yet, records the results, and returns how
// many it claimed.
func (d *Dispatcher) Deliver(ctx context.Context) (int, error) {
	start := d.Now().UTC()
	batch, err := d.Outbox.Claim(ctx, start, d.Lease, d.Batch)
	if err != nil {
		return 0, fmt.Errorf("notify: claim deliveries: %w", err)
	}
	members := map[grid.CellID][]grid.Member{} // per township, for this batch
	var errs []error
	for _, dl := range batch {
		if d.Now().Sub(start) >= d.Lease {
			// Slow receivers used up the lease: the rest may be claimed
			// by another dispatcher now, and are left to whoever claims
			// them next rather than sent twice at once.
			break
		}
		if err := d.attempt(ctx, dl, members); err != nil {
			errs = append(errs, err)
			if fourplusn.ErrorCode(err) == fourplusn.Conflict {
				// The batch's claims were all made at once, so they are
				// all lost, or the watch has passed to another process
				// (a fenced outbox): the rest is someone else's to send.
				break
			}
		}
	}
	return len(batch), errors.Join(errs...)
}

// attempt tries delivery dl at each notifier that lacks it and records the
// outcome. Only an error recording it is returned: a notifier's failure is
// the outcome.
func (d *Dispatcher) attempt(ctx context.Context, dl outbox.Delivery, members map[grid.CellID][]grid.Member) error {
	n := dl.Notification
	m := Message{Notice: n, Attempt: dl.Attempts + 1}
	contacts, err := d.resolve(ctx, n, members)
	if err != nil {
		// The message still goes out, to the whole group: better unnamed
		// than unseen.
		d.Log.WarnContext(ctx, "notify: cannot resolve recipients", "key", n.Key, "err", err)
	}
	m.Contacts = contacts
	res := outbox.Result{Delivered: slices.Clone(dl.Delivered), State: outbox.Delivered}
	var failures []error
	final := false
	for _, nf := range d.Notifiers {
		if slices.Contains(dl.Delivered, nf.Name()) {
			continue
		}
		if err := nf.Notify(ctx, m); err != nil {
			failures = append(failures, fmt.Errorf("%s: %w", nf.Name(), err))
			final = final || IsPermanent(err)
			continue
		}
		res.Delivered = append(res.Delivered, nf.Name())
	}
	if len(failures) > 0 {
		res.LastError = errors.Join(failures...).Error()
		switch {
		case final || m.Attempt >= d.Backoff.Attempts:
			res.State = outbox.Failed
			d.Log.ErrorContext(ctx, "notify: delivery failed for good", "key", n.Key, "township", n.Township, "attempts", m.Attempt, "err", res.LastError)
		default:
			res.State = outbox.Pending
			res.NextAt = d.Now().UTC().Add(d.Backoff.Delay(m.Attempt, d.Rand()))
			d.Log.WarnContext(ctx, "notify: delivery failed, will retry", "key", n.Key, "attempt", m.Attempt, "next", res.NextAt, "err", res.LastError)
		}
	}
	if err := d.Outbox.Record(ctx, dl.ID, dl.Claim, res); err != nil {
		return fmt.Errorf("notify: record delivery %s: %w", n.Key, err)
	}
	return nil
}

// resolve returns the people n's recipients are now, each once, in the
// order of the recipients.
func (d *Dispatcher) resolve(ctx context.Context, n work.Notice, cache map[grid.CellID][]grid.Member) ([]Contact, error) {
	if d.Directory == nil {
		return nil, nil
	}
	ms, ok := cache[n.Township]
	if !ok {
		var err error
		if ms, err = d.Directory.Members(ctx, n.Township); err != nil {
			return nil, err
		}
		cache[n.Township] = ms
	}
	return Resolve(n.To, ms, d.Policy)
}

// Resolve returns the members among ms that recipients name, each once,
// in the order of the recipients: a member by ID, a resident by the phone
// number a notice is for (a Contact with only its Phone), or the members holding a
// post in exactly a recipient's cell, of its role if it names one, that
// may do its action there under policy if it names one. It returns an
// Invalid error for a recipient with an unknown action or a bad cell.
func Resolve(recipients []work.Recipient, ms []grid.Member, policy *grid.Policy) ([]Contact, error) {
	var out []Contact
	seen := map[grid.MemberID]bool{}
	add := func(m grid.Member) {
		if !seen[m.ID] {
			seen[m.ID] = true
			out = append(out, Contact{Member: string(m.ID), Name: m.Name, Phone: m.Phone})
		}
	}
	for i, r := range recipients {
		if r.Member != "" {
			for _, m := range ms {
				if string(m.ID) == r.Member {
					add(m)
				}
			}
			continue
		}
		if r.Phone != "" {
			out = append(out, Contact{Phone: r.Phone})
			continue
		}
		cell, err := grid.ParsePath(r.Cell)
		if err != nil || cell.IsZero() {
			return out, fourplusn.FieldError(fmt.Sprintf("to[%d].cell", i), "not a cell path: %q", r.Cell)
		}
		var action grid.Action
		if r.Action != "" {
			if action, err = grid.ParseAction(r.Action); err != nil {
				return out, fourplusn.WithField(fmt.Sprintf("to[%d].action", i), err)
			}
		}
		for _, m := range ms {
			for _, p := range m.Posts {
				if p.Cell != cell || r.Role != 0 && p.Role != r.Role {
					continue
				}
				if action != 0 && (policy == nil || policy.Can(grid.Actor{Kind: grid.Staff, ID: string(m.ID), Township: cell.Township(), Posts: []grid.Post{p}}, action, grid.Target{Cell: cell}) != nil) {
					continue
				}
				add(m)
				break
			}
		}
	}
	return out, nil
}
