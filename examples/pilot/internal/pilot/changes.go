package pilot

import (
	"context"
	"sync"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
)

// changeFeed tells of the changes committed to the store by any process
// sharing it (bunstore.DB.Subscribe: LISTEN/NOTIFY on PostgreSQL, this
// process alone on SQLite). It is how several pilots behind one load
// balancer hear each other's changes.
type changeFeed interface {
	Subscribe(heard func(bunstore.Change)) (cancel func())
}

var _ changeFeed = (*bunstore.DB)(nil)

// gridFollower reloads the app's grid whenever a change of a grid or
// roster is heard, through whichever process made it, so that every
// instance's tree is the stored one. Reloads run one at a time on a
// goroutine of their own; a change heard during one asks for one more,
// which starts after that change committed and so reads it.
type gridFollower struct {
	cancel func()
	wake   chan struct{}
	stop   context.CancelFunc
	wg     sync.WaitGroup
}

// followGrid starts reloading a's grid on each grid change feed tells of.
func (a *App) followGrid(feed changeFeed) *gridFollower {
	ctx, stop := context.WithCancel(context.Background())
	f := &gridFollower{wake: make(chan struct{}, 1), stop: stop}
	f.cancel = feed.Subscribe(func(c bunstore.Change) {
		if c.Topic != bunstore.TopicGrid && c.Topic != bunstore.TopicAll {
			return
		}
		select {
		case f.wake <- struct{}{}:
		default: // a reload is asked for already, and will read this change
		}
	})
	f.wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-f.wake:
			}
			if err := a.Grid.Reload(ctx); err != nil && ctx.Err() == nil {
				a.Logger.ErrorContext(ctx, "pilot: reload the grid after a change heard", "err", err)
			}
		}
	})
	return f
}

// close stops following and waits for a reload under way.
func (f *gridFollower) close() {
	if f == nil {
		return
	}
	f.cancel()
	f.stop()
	f.wg.Wait()
}

// nudgeConsoles makes every change of a case, a hazard or the grid heard
// by the feed, through any process, reach the open duty consoles of hub.
// The returned cancel stops it.
func nudgeConsoles(feed changeFeed, hub *Hub) (cancel func()) {
	return feed.Subscribe(func(bunstore.Change) { hub.Publish() })
}
