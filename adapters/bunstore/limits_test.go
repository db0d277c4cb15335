package bunstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
)

// The rate limits hold across handles on one database — across
// processes: a client spreading its requests over two gets the burst and
// the rate of one, and no more.
func TestLimitsShared(t *testing.T) {
	ctx := context.Background()
	onEachEngine(t, func(t *testing.T, dsn string) {
		open := func() *bunstore.Limits {
			db, err := bunstore.Open(ctx, dsn)
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			return db.Limits()
		}
		a, b := open(), open()
		const burst = 5
		every := 2 * time.Second
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		allow := func(l *bunstore.Limits, key string, at time.Time) bool {
			ok, err := l.Allow(ctx, key, every, burst, at)
			require.NoError(t, err)
			return ok
		}

		tests := []struct {
			name string
			at   time.Duration // after now
			on   *bunstore.Limits
			key  string
			want bool
		}{
			{"the first of the burst", 0, a, "apply 10.0.0.1", true},
			{"the burst goes on through the other", 0, b, "apply 10.0.0.1", true},
			{"third", 0, a, "apply 10.0.0.1", true},
			{"fourth", 0, b, "apply 10.0.0.1", true},
			{"the burst's last", 0, a, "apply 10.0.0.1", true},
			{"past the burst, through the one", 0, a, "apply 10.0.0.1", false},
			{"past the burst, through the other", 0, b, "apply 10.0.0.1", false},
			{"another client has its own", 0, b, "apply 10.0.0.2", true},
			{"another limit has its own", 0, b, "track 10.0.0.1", true},
			{"not yet one interval on", every - time.Millisecond, b, "apply 10.0.0.1", false},
			{"one interval on, one more", every, a, "apply 10.0.0.1", true},
			{"and only one", every, b, "apply 10.0.0.1", false},
			{"a long wait refills the burst", 100 * every, b, "apply 10.0.0.1", true},
		}
		for _, tt := range tests {
			assert.Equal(t, tt.want, allow(tt.on, tt.key, now.Add(tt.at)), tt.name)
		}
		for i := 1; i < burst; i++ {
			assert.True(t, allow(a, "apply 10.0.0.1", now.Add(100*every)), "the refilled burst, request %d", i+1)
		}
		assert.False(t, allow(b, "apply 10.0.0.1", now.Add(100*every)), "past the refilled burst")
	})
}

// The table keeps only the buckets not yet full again: a sweep, at most
// once a minute, removes the others, so a flood of addresses does not grow
// it without bound.
func TestLimitsSwept(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t)
	l := db.Limits()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	count := func() int {
		var n int
		require.NoError(t, db.Bun().QueryRowContext(ctx, "SELECT count(*) FROM rate_buckets").Scan(&n))
		return n
	}
	for i := range 50 {
		_, err := l.Allow(ctx, "apply 10.0.1."+string(rune('a'+i%26))+string(rune('a'+i/26)), time.Second, 3, now)
		require.NoError(t, err)
	}
	assert.Equal(t, 50, count())
	// Two minutes on, every bucket is full again; one request sweeps
	// them and keeps its own.
	_, err := l.Allow(ctx, "apply 10.0.2.1", time.Second, 3, now.Add(2*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, 1, count())
}

// Requests of one client racing through two handles are each counted:
// of many at one instant, exactly the burst is allowed.
func TestLimitsRace(t *testing.T) {
	ctx := context.Background()
	onEachEngine(t, func(t *testing.T, dsn string) {
		var ls [2]*bunstore.Limits
		for i := range ls {
			db, err := bunstore.Open(ctx, dsn)
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			ls[i] = db.Limits()
		}
		const burst, tries = 5, 40
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		type result struct {
			ok  bool
			err error
		}
		results := make(chan result, tries)
		for i := range tries {
			go func() {
				ok, err := ls[i%2].Allow(ctx, "apply 10.0.0.9", time.Minute, burst, now)
				results <- result{ok, err}
			}()
		}
		n := 0
		for range tries {
			r := <-results
			require.NoError(t, r.err)
			if r.ok {
				n++
			}
		}
		assert.Equal(t, burst, n)
	})
}
