package stats_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

// deadline is a deadline of subject running from since to due, at risk
// from risk.
func deadline(subject string, kind work.DeadlineKind, since, risk, due string) work.Deadline {
	return work.Deadline{Subject: subject, Kind: kind, Since: at(since), RiskAt: at(risk), Due: at(due)}
}

func TestTrackDeadlines(t *testing.T) {
	now := at("2026-12-10 12:00")
	due := []work.Deadline{
		deadline("C3", "resolve", "2026-11-01 09:00", "2026-11-25 09:00", "2026-12-01 09:00"),                                                                 // overdue
		deadline("C1", "accept", "2026-12-09 09:00", "2026-12-10 09:00", "2026-12-11 09:00"),                                                                  // at risk
		deadline("C2", "accept", "2026-12-10 09:00", "2026-12-10 12:00", "2026-12-11 09:00"),                                                                  // at risk from now
		deadline("C4", "accept", "2026-12-10 10:00", "2026-12-10 12:01", "2026-12-11 10:00"),                                                                  // on time, a minute from risk
		deadline("C5", "resolve", "2026-11-05 09:00", "2026-11-29 09:00", "2026-12-10 12:00"),                                                                 // due now: at risk, not yet overdue
		deadline("C1", "resolve", "2026-11-01 09:00", "2026-11-25 09:00", "2026-12-01 09:00"),                                                                 // overdue, the same time as C3's
		{Subject: "C6", Kind: "court_confirmation", Since: at("2026-11-01 09:00"), RiskAt: at("2026-11-25 09:00"), Due: at("2026-12-01 09:00"), Lapses: true}, // gone
		{Subject: "C7", Kind: "court_confirmation", Since: at("2026-11-12 09:00"), RiskAt: at("2026-12-06 09:00"), Due: at("2026-12-12 09:00"), Lapses: true}, // at risk
	}
	p := stats.TrackDeadlines(due, now, stats.TrackOptions{})
	assert.Equal(t, []stats.TrackCount{{Kind: "accept", AtRisk: 2}, {Kind: "court_confirmation", AtRisk: 1}, {Kind: "resolve", AtRisk: 1, Overdue: 2}}, p.Counts)
	assert.Equal(t, stats.TrackCount{AtRisk: 4, Overdue: 2}, p.Total())
	var order []string
	for _, d := range p.Deadlines {
		order = append(order, d.Subject+"/"+string(d.Kind)+"/"+string(d.Status))
	}
	assert.Equal(t, []string{"C1/resolve/overdue", "C3/resolve/overdue", "C5/resolve/at_risk", "C1/accept/at_risk", "C2/accept/at_risk", "C7/court_confirmation/at_risk"}, order,
		"the earliest due first; then by subject and kind")
	assert.True(t, p.Next.IsZero())

	overdue := stats.TrackDeadlines(due, now, stats.TrackOptions{OverdueOnly: true})
	assert.Equal(t, p.Counts, overdue.Counts, "the counts hold what the page leaves out")
	assert.Len(t, overdue.Deadlines, 2)

	// Pages of two, each after the cursor of the one before, give the whole.
	var paged []work.Deadline
	o := stats.TrackOptions{Limit: 2}
	for n := 0; ; n++ {
		require.Less(t, n, 5)
		page := stats.TrackDeadlines(due, now, o)
		assert.LessOrEqual(t, len(page.Deadlines), 2)
		paged = append(paged, page.Deadlines...)
		if page.Next.IsZero() {
			break
		}
		after, err := stats.ParseTrackCursor(page.Next.String())
		require.NoError(t, err)
		assert.Equal(t, page.Next, after, "the cursor as the API writes and reads it")
		o.After = after
	}
	assert.Equal(t, p.Deadlines, paged)
}

func TestParseTrackCursor(t *testing.T) {
	c := stats.TrackCursor{Due: time.Date(2026, 12, 1, 1, 2, 3, 4, time.UTC), Subject: "C0193.x", Kind: "accept"}
	got, err := stats.ParseTrackCursor(c.String())
	require.NoError(t, err)
	assert.Equal(t, c, got)
	zero, err := stats.ParseTrackCursor("")
	require.NoError(t, err)
	assert.True(t, zero.IsZero())
	for _, bad := range []string{"x", "1.accept", "1..C1", ".accept.C1", "12a.accept.C1", "1.accept."} {
		_, err := stats.ParseTrackCursor(bad)
		assert.ErrorIs(t, err, fourplusn.Invalid, bad)
		assert.Equal(t, "after", fourplusn.ErrorField(err), bad)
	}
}

// FuzzParseTrackCursor: whatever the cursor a client sends, it is read or
// refused as Invalid, and what is read writes back as itself.
func FuzzParseTrackCursor(f *testing.F) {
	f.Add("1764550923000000004.accept.C1")
	f.Add("")
	f.Add("-1.review_escalation.H9")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := stats.ParseTrackCursor(s)
		if err != nil {
			if fourplusn.ErrorCode(err) != fourplusn.Invalid {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		again, err := stats.ParseTrackCursor(c.String())
		if err != nil || again != c {
			t.Fatalf("%q read as %+v, written %q, read again as %+v, %v", s, c, c.String(), again, err)
		}
	})
}
