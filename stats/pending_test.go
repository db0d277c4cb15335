package stats_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
)

// TestPendingWhileSuspended: a case is pending while it is open and
// within its deadline, and its deadline does not run while its mediation
// stands still (中止) — a suspended case past the day it was due is
// pending, not overdue, until it resumes with its deadline moved.
func TestPendingWhileSuspended(t *testing.T) {
	accepted := at("2026-03-02 09:00")
	due := at("2026-04-01 09:00")
	end := at("2026-04-10 00:00") // after the deadline
	q := stats.Query{Township: "gucheng", Within: []grid.Path{grid.RootPath("gucheng")}, Range: stats.Range{From: at("2026-01-01 00:00"), To: end}}
	for _, tc := range []struct {
		name    string
		state   mediation.State
		pauses  []mediation.Pause
		resolve string // the deadline, if not due
		want    int64
	}{
		{"accepted, past its deadline", mediation.Accepted, nil, "", 0},
		{"suspended before its deadline, still", mediation.Mediating, []mediation.Pause{{From: at("2026-03-20 10:00")}}, "", 1},
		{"suspended after its deadline, still", mediation.Accepted, []mediation.Pause{{From: at("2026-04-05 10:00")}}, "", 1},
		{"resumed, the deadline moved past the end", mediation.Mediating,
			[]mediation.Pause{{From: at("2026-03-20 10:00"), To: at("2026-04-05 10:00")}}, "2026-04-17 09:00", 1},
		{"resumed, the deadline moved but passed", mediation.Mediating,
			[]mediation.Pause{{From: at("2026-03-20 10:00"), To: at("2026-03-25 10:00")}}, "2026-04-06 09:00", 0},
	} {
		c := &mediation.Case{
			ID: "C", Township: "gucheng", State: tc.state, Location: grid.RootPath("gucheng"),
			RegisteredAt: at("2026-03-01 10:00"), AcceptDue: at("2026-03-04 10:00"), AcceptedAt: accepted,
			ResolveDue: due, Pauses: tc.pauses,
		}
		if tc.resolve != "" {
			c.ResolveDue = at(tc.resolve)
		}
		var n int64
		stats.TallyCase(stats.Pending, q, c, func(_ string, k int64) { n += k })
		assert.Equal(t, tc.want, n, tc.name)
	}
}

// TestOutcomeAfterReopen: an agreed case reopened keeps its agreement on
// file; if it then fails or is withdrawn, that is how it ended.
func TestOutcomeAfterReopen(t *testing.T) {
	agreement := &mediation.Agreement{Form: mediation.Oral}
	for _, tc := range []struct {
		name string
		c    mediation.Case
		want stats.Measure
	}{
		{"agreed", mediation.Case{State: mediation.Agreed, Agreement: agreement}, stats.Agreed},
		{"reopened, then failed", mediation.Case{State: mediation.Failed, Agreement: agreement, Failure: &mediation.Failure{Reason: "分歧"}}, stats.Failed},
		{"reopened, then withdrawn", mediation.Case{State: mediation.Withdrawn, Agreement: agreement, Withdrawal: "和解"}, stats.Withdrawn},
		{"reopened, failed and closed", mediation.Case{State: mediation.Closed, Agreement: agreement, Failure: &mediation.Failure{Reason: "分歧"}}, stats.Failed},
		{"still open", mediation.Case{State: mediation.Mediating}, ""},
	} {
		assert.Equal(t, tc.want, stats.Outcome(&tc.c), tc.name)
	}
}
