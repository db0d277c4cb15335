package lease_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/adapters/lease"
)

// Two processes' leaders on one database: one runs the work at a time;
// when it stops, the other takes the lease, with a higher token, and runs
// the work.
func TestLeader(t *testing.T) {
	ctx := context.Background()
	db, err := bunstore.Open(ctx, filepath.Join(t.TempDir(), "lease.db"))
	require.NoError(t, err)
	defer db.Close()

	var running, most atomic.Int64
	var mu sync.Mutex
	var tokens []int64
	type instance struct {
		cancel  context.CancelFunc
		done    chan struct{}
		leading atomic.Bool
	}
	start := func(holder string) *instance {
		const ttl = 600 * time.Millisecond
		l := lease.New(db.Lease("watch", holder, ttl), ttl)
		l.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
		in := &instance{done: make(chan struct{})}
		l.Leading = in.leading.Store
		var c context.Context
		c, in.cancel = context.WithCancel(ctx)
		go func() {
			defer close(in.done)
			l.Run(c, func(ctx context.Context, token int64) {
				n := running.Add(1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				mu.Lock()
				tokens = append(tokens, token)
				mu.Unlock()
				<-ctx.Done()
				running.Add(-1)
			})
		}()
		return in
	}
	a, b := start("a"), start("b")
	require.Eventually(t, func() bool { return a.leading.Load() || b.leading.Load() }, 10*time.Second, 10*time.Millisecond, "one takes the lease")
	leader, other := a, b
	if b.leading.Load() {
		leader, other = b, a
	}
	assert.False(t, other.leading.Load(), "only one leads")

	leader.cancel()
	<-leader.done
	assert.False(t, leader.leading.Load(), "a stopped leader says so")
	require.Eventually(t, other.leading.Load, 10*time.Second, 10*time.Millisecond, "the other takes over")
	other.cancel()
	<-other.done

	assert.Equal(t, int64(1), most.Load(), "the work never ran twice at once")
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, tokens, 2)
	assert.Greater(t, tokens[1], tokens[0], "the new holder's token is higher")
}
