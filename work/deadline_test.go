package work_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/fourplusn/fourplusn/work"
)

// TestRiskAt checks, over random deadlines and times, that a deadline is
// at risk or overdue exactly from its RiskAt on — what stores index it
// by — and overdue exactly after its due time.
func TestRiskAt(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 19))
	base := time.Date(2026, 12, 1, 0, 0, 0, 0, work.Zone)
	for range 10000 {
		since := base.Add(time.Duration(rnd.Int64N(int64(30 * 24 * time.Hour))))
		due := since.Add(time.Duration(1 + rnd.Int64N(int64(30*24*time.Hour))))
		atRisk := rnd.Float64()
		risk := work.RiskAt(since, due, atRisk)
		now := since.Add(time.Duration(rnd.Int64N(int64(2 * due.Sub(since)))))
		if rnd.IntN(4) == 0 {
			now = risk.Add(time.Duration(rnd.IntN(3)-1) * time.Nanosecond) // at the edge
		}
		status := work.StatusAt(now, since, due, atRisk)
		assert.Equal(t, !now.Before(risk), status != work.OnTime, "since %v due %v at risk %.3f now %v", since, due, atRisk, now)
		assert.Equal(t, now.After(due), status == work.Overdue)
		assert.False(t, risk.Before(since) || risk.After(due), "at risk within the time allowed")
	}
}
