package bunstore

import (
	"math"
	"time"
)

// zeroTime is the stored form of the zero time.Time: the smallest BIGINT,
// below every other stored time, as Go's zero time is before every other.
const zeroTime int64 = math.MinInt64

// The instants Unix nanoseconds can hold: from 1677-09-21 to 2262-04-11.
var (
	minNanos = time.Unix(0, math.MinInt64+1)
	maxNanos = time.Unix(0, math.MaxInt64)
)

// timeColumn returns the stored form of t: Unix nanoseconds in UTC, which
// compare and sort the same on SQLite and PostgreSQL and keep every bit of
// Go's precision, so that the stores' SQL compares times exactly as the
// Go definitions do. The zero time is zeroTime. Times outside 1677–2262,
// which no record of this domain holds, are clamped to the ends of the
// range; the JSON copy of the record keeps them exactly.
func timeColumn(t time.Time) int64 {
	switch {
	case t.IsZero():
		return zeroTime
	case t.Before(minNanos):
		return math.MinInt64 + 1
	case t.After(maxNanos):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// timeFromColumn reads a time stored by timeColumn, in UTC.
func timeFromColumn(n int64) time.Time {
	if n == zeroTime {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
