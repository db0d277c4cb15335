package bunstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// hearWait bounds how long a test waits for a change to be heard: far
// above the milliseconds a NOTIFY takes, far below the consoles' 15 s
// heartbeat, which is what would otherwise bring the change.
const hearWait = 10 * time.Second

// heard subscribes to db's changes, skipping TopicAll, and returns the
// channel they arrive on. On PostgreSQL it waits until the listener hears,
// which it tells by TopicAll, so that what the test writes next is heard.
func heard(t *testing.T, db *bunstore.DB) <-chan bunstore.Change {
	t.Helper()
	ch := make(chan bunstore.Change, 100)
	connected := make(chan struct{})
	first := true
	cancel := db.Subscribe(func(c bunstore.Change) {
		if c.Topic == bunstore.TopicAll {
			if first {
				first = false
				close(connected)
			}
			return
		}
		ch <- c
	})
	t.Cleanup(cancel)
	if db.Postgres() {
		select {
		case <-connected:
		case <-time.After(hearWait):
			t.Fatal("the listener did not connect")
		}
	}
	return ch
}

// next returns the next change on ch.
func next(t *testing.T, ch <-chan bunstore.Change) bunstore.Change {
	t.Helper()
	began := time.Now()
	select {
	case c := <-ch:
		t.Logf("heard %s %s, waited %v after the write returned", c.Topic, c.ID, time.Since(began))
		return c
	case <-time.After(hearWait):
		t.Fatalf("no change heard within %v", hearWait)
		return bunstore.Change{}
	}
}

// A change committed through one handle is heard by the subscribers of
// another handle on the same database — another process — on
// PostgreSQL, and by this handle's own on SQLite, where one process
// writes. Each write is heard once it commits, in commit order; a write
// that rolls back is not heard at all.
func TestChangesHeardEverywhere(t *testing.T) {
	ctx := context.Background()
	onEachEngine(t, func(t *testing.T, dsn string) {
		open := func() *bunstore.DB {
			db, err := bunstore.Open(ctx, dsn)
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			return db
		}
		writer := open()
		listener := writer
		if writer.Postgres() {
			listener = open()
		}
		ch := heard(t, listener)

		c, events := testCase(1)
		_, err := writer.Cases().Create(ctx, c, events, work.IdempotencyKey{})
		require.NoError(t, err)
		assert.Equal(t, bunstore.Change{Topic: bunstore.TopicCase, ID: string(c.ID)}, next(t, ch))

		// Refused by the domain: rolled back, never heard. The next
		// change heard is the update after it.
		refused := errors.New("refused")
		_, err = writer.Cases().Update(ctx, c.ID, 1, func(*mediation.Case) ([]timeline.Event, error) { return nil, refused })
		require.ErrorIs(t, err, refused)
		other, events := testCase(2)
		_, err = writer.Cases().Create(ctx, other, events, work.IdempotencyKey{})
		require.NoError(t, err)
		assert.Equal(t, bunstore.Change{Topic: bunstore.TopicCase, ID: string(other.ID)}, next(t, ch))

		_, err = writer.Cases().Update(ctx, c.ID, 1, func(c *mediation.Case) ([]timeline.Event, error) {
			c.Facts = "changed"
			return nil, nil
		})
		require.NoError(t, err)
		assert.Equal(t, bunstore.Change{Topic: bunstore.TopicCase, ID: string(c.ID)}, next(t, ch))

		// The grid: founding the demo's townships is a change of each.
		_, err = gridtest.Gucheng().Found(ctx, writer.Grid())
		require.NoError(t, err)
		townships := map[string]bool{}
		for range 2 {
			g := next(t, ch)
			assert.Equal(t, bunstore.TopicGrid, g.Topic)
			townships[g.ID] = true
		}
		assert.Equal(t, map[string]bool{string(gridtest.GuchengID): true, string(gridtest.NeighbourID): true}, townships)

		// The reader sees what it heard of.
		got, err := listener.Cases().Get(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, "changed", got.Facts)
	})
}
