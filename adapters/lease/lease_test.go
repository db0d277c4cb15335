package lease_test

import (
	"context"
	"fmt"
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
	"github.com/fourplusn/fourplusn/adapters/notify"
	"github.com/fourplusn/fourplusn/work"
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

// sender records the keys it is asked to send, and calls first before
// the first.
type sender struct {
	sent  []string
	first func()
}

func (s *sender) Name() string { return "recorder" }

func (s *sender) Notify(_ context.Context, m notify.Message) error {
	if len(s.sent) == 0 && s.first != nil {
		s.first()
	}
	s.sent = append(s.sent, m.Notice.Key)
	return nil
}

// A paused leader's dispatcher that wakes in the middle of a batch, after
// another process took the watch, sends at most the message it was
// sending, and stops: its record of it is refused, and so is every
// further one, so the rest of the batch is left to the new leader, which
// claims it at once.
func TestStaleDispatcher(t *testing.T) {
	ctx := context.Background()
	db, err := bunstore.Open(ctx, filepath.Join(t.TempDir(), "lease.db"))
	require.NoError(t, err)
	defer db.Close()
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	const ttl = 15 * time.Second
	a, b := db.Lease("watch", "a", ttl), db.Lease("watch", "b", ttl)
	ta, err := a.Hold(ctx, t0)
	require.NoError(t, err)
	out := db.Outbox().Fenced(bunstore.Fence{Lease: "watch", Token: ta})
	var ns []work.Notice
	for i := range 3 {
		ns = append(ns, work.Notice{Key: fmt.Sprintf("n%d", i), Township: "gucheng", SubjectKind: work.SubjectCase, Subject: "c1", Kind: work.NoticeReminder, At: t0})
	}
	require.NoError(t, out.Enqueue(ctx, t0, ns...))

	var tb int64
	var holdErr error
	old := &sender{first: func() {
		// a was paused past its lease while it sent: b took the watch.
		tb, holdErr = b.Hold(ctx, t0.Add(ttl+time.Second))
	}}
	d := notify.NewDispatcher(out, nil, nil, old)
	d.Now = func() time.Time { return t0 }
	d.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	_, err = d.Deliver(ctx)
	require.NoError(t, holdErr)
	require.Greater(t, tb, ta)
	require.ErrorIs(t, err, bunstore.ErrFenced)
	assert.Equal(t, []string{"n0"}, old.sent, "the stale leader sent only what it was sending")

	fresh := &sender{}
	d = notify.NewDispatcher(db.Outbox().Fenced(bunstore.Fence{Lease: "watch", Token: tb}), nil, nil, fresh)
	d.Now = func() time.Time { return t0.Add(ttl + 2*time.Second) }
	n, err := d.Deliver(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.Equal(t, []string{"n0", "n1", "n2"}, fresh.sent, "the new leader sends all three at once, the one the old one sent again")
}
