// Package lease runs a piece of work in one process at a time among
// several that share a store: the pilot's watch — the deadline runner and
// the notification dispatcher — among the pilots on one database.
//
// A Leader takes a lease in the store (bunstore.Lease: a row with an
// expiry and a fencing token), renews it well before it runs out, and
// runs the work while it holds it, with the token it holds it by. When
// the holder dies, the lease runs out and another process's Leader takes
// it with a higher token; when the holder is only paused, it may wake
// still running the work, so the work's writes are fenced by the token
// (bunstore.Fence) and refused once the lease has moved on, and the
// Leader stops the work at its next renewal.
package lease

import (
	"context"
	"log/slog"
	"time"
)

// Store is a lease in a store shared by the processes, held by this one.
// bunstore.Lease implements it.
type Store interface {
	// Hold takes the lease until now plus its length if it is free or
	// expired, or renews it if this process holds it, and returns the
	// fencing token it holds it with, or 0 if another holds it.
	Hold(ctx context.Context, now time.Time) (int64, error)
	// Release gives the lease up if this process holds it.
	Release(ctx context.Context) error
}

// Leader runs work while it holds a lease; see the package comment.
type Leader struct {
	Lease Store
	// TTL is the length of the lease Lease takes; Run stops the work when
	// it could not renew the lease before it runs out.
	TTL time.Duration
	// Renew is how often Run holds the lease: often enough that a few
	// failed renewals in a row do not lose it, a third of TTL by default.
	Renew time.Duration
	// Now returns the current time; tests replace it.
	Now func() time.Time
	Log *slog.Logger
	// Leading, if set, is called with true when the process takes the
	// lease and starts the work, and with false when the work has stopped
	// after the lease was lost or Run ends.
	Leading func(bool)
}

// New returns a Leader of lease, taken for ttl and renewed every third of
// it, with the system clock and slog's default logger.
func New(lease Store, ttl time.Duration) *Leader {
	return &Leader{Lease: lease, TTL: ttl, Renew: ttl / 3, Now: time.Now, Log: slog.Default()}
}

// Run holds the lease every Renew until ctx is done and returns ctx's
// error. Each time it takes the lease it calls work in a goroutine with
// the token and a context cancelled when the lease is lost; it waits for
// work to return before it holds the lease again. When ctx is done it
// stops the work and releases the lease, so that another process takes it
// at once.
func (l *Leader) Run(ctx context.Context, work func(ctx context.Context, token int64)) error {
	var (
		token     int64 // the token the work runs with; 0 while it does not
		heldUntil time.Time
		cancel    context.CancelFunc
		done      chan struct{}
	)
	stop := func(why string, args ...any) {
		if token == 0 {
			return
		}
		cancel()
		<-done
		l.Log.WarnContext(ctx, "watch: lease lost, the work stopped: "+why, append([]any{"token", token}, args...)...)
		token = 0
		if l.Leading != nil {
			l.Leading(false)
		}
	}
	defer func() {
		stop("the process is stopping")
		// Released even though ctx is done, so another takes over now.
		rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer rcancel()
		if err := l.Lease.Release(rctx); err != nil {
			l.Log.WarnContext(ctx, "watch: release lease", "err", err)
		}
	}()
	t := time.NewTicker(l.Renew)
	defer t.Stop()
	for {
		now := l.Now()
		got, err := l.Lease.Hold(ctx, now)
		switch {
		case err != nil && ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			l.Log.WarnContext(ctx, "watch: hold lease", "err", err)
			// Stopped before the lease runs out, as seen from the others,
			// unless the next renewal may still come in time.
			if token != 0 && !now.Add(l.Renew).Before(heldUntil) {
				stop("could not renew it in time", "err", err)
			}
		case got == 0:
			stop("another process holds it")
		case got != token:
			stop("taken again with a new token", "new", got)
			token, heldUntil = got, now.Add(l.TTL)
			cancel, done = spawn(ctx, got, work)
			l.Log.InfoContext(ctx, "watch: lease taken, this process runs the watch", "token", got)
			if l.Leading != nil {
				l.Leading(true)
			}
		default:
			heldUntil = now.Add(l.TTL)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// spawn runs work with token in a goroutine, with a context of ctx's, and
// returns what cancels it and what is closed when it has returned.
func spawn(ctx context.Context, token int64, work func(ctx context.Context, token int64)) (context.CancelFunc, chan struct{}) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		work(ctx, token)
	}()
	return cancel, done
}
