package bunstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"
)

// sweepEvery is how often a Limits removes the buckets that are full again.
const sweepEvery = time.Minute

// Limits keeps rate limits in the database (table rate_buckets), so that
// every process sharing it counts a client's requests together: behind a
// load balancer, a client that spreads its requests over the instances
// gets no more than from one. Each limit is a generic cell rate algorithm
// (GCRA) decided in one upsert, so concurrent requests of one client,
// through any process, are each counted. It is safe for concurrent use.
type Limits struct {
	db    *DB
	swept atomic.Int64 // Unix microseconds of the last sweep
}

// Limits returns the database's shared rate limits.
func (db *DB) Limits() *Limits { return &Limits{db: db} }

// limitUpsert counts one request of a key under GCRA: the bucket's
// theoretical arrival time (tat) moves on by one interval from the later
// of itself and now, unless that would put it more than burst intervals
// ahead of now; then no row is written and none returned, which refuses
// the request. Arguments: key, now+interval for a new bucket, then now,
// now, interval, now, now, interval, now, burst*interval.
const limitUpsert = "INSERT INTO rate_buckets (key, tat) VALUES (?, ?) " +
	"ON CONFLICT (key) DO UPDATE SET tat = CASE WHEN rate_buckets.tat > ? THEN rate_buckets.tat ELSE ? END + ? " +
	"WHERE (CASE WHEN rate_buckets.tat > ? THEN rate_buckets.tat ELSE ? END) + ? - ? <= ? " +
	"RETURNING tat"

// Allow reports whether key may make one more request at now, under a
// sustained rate of one request each interval in bursts of up to burst,
// and counts it if so. A burst below 1 counts as 1. Every sweepEvery the
// buckets that are full again are removed, so the table holds only the
// clients seen within the last burst intervals and sweepEvery.
func (l *Limits) Allow(ctx context.Context, key string, interval time.Duration, burst int, now time.Time) (bool, error) {
	burst = max(burst, 1)
	t := max(interval.Microseconds(), 1)
	n := now.UnixMicro()
	var tat int64
	err := l.db.write.QueryRowContext(ctx, limitUpsert, key, n+t, n, n, t, n, n, t, n, int64(burst)*t).Scan(&tat)
	allowed := err == nil
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	if err != nil {
		return false, fmt.Errorf("bunstore: count a request of %s: %w", key, unavailable(err))
	}
	if last := l.swept.Load(); n-last >= sweepEvery.Microseconds() && l.swept.CompareAndSwap(last, n) {
		// The request is decided; a failed sweep only leaves rows for
		// the next one.
		if _, err := l.db.write.ExecContext(ctx, "DELETE FROM rate_buckets WHERE tat < ?", n); err != nil {
			slog.WarnContext(ctx, "bunstore: sweep the rate limits", "err", err)
		}
	}
	return allowed, nil
}
