package stats_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
)

// TestRecurs holds the recurrence rule at its edges: the same phone or ID
// number of an applicant, a case of the same township registered before,
// and no further back than the window.
func TestRecurs(t *testing.T) {
	now := at("2026-03-01 10:00")
	earlier := func(phone, id string) *mediation.Case {
		return &mediation.Case{ID: "E", Township: "gucheng", RegisteredAt: now.Add(-stats.RecurrenceWindow), Applicants: []mediation.Party{{Phone: phone, IDCard: id}}}
	}
	c := &mediation.Case{ID: "C", Township: "gucheng", RegisteredAt: now, Applicants: []mediation.Party{{Phone: "13900000001", IDCard: "411721198001010011"}}}
	for _, tc := range []struct {
		name string
		d    func() *mediation.Case
		want bool
	}{
		{"same phone, exactly the window before", func() *mediation.Case { return earlier("13900000001", "") }, true},
		{"same ID number", func() *mediation.Case { return earlier("", "411721198001010011") }, true},
		{"another applicant", func() *mediation.Case { return earlier("13900000002", "411721198001010029") }, false},
		{"no numbers at all", func() *mediation.Case { return earlier("", "") }, false},
		{"a nanosecond too early", func() *mediation.Case {
			d := earlier("13900000001", "")
			d.RegisteredAt = d.RegisteredAt.Add(-1)
			return d
		}, false},
		{"registered after", func() *mediation.Case {
			d := earlier("13900000001", "")
			d.RegisteredAt = now.Add(1)
			return d
		}, false},
		{"at the same instant", func() *mediation.Case {
			d := earlier("13900000001", "")
			d.RegisteredAt = now
			return d
		}, false},
		{"another township", func() *mediation.Case {
			d := earlier("13900000001", "")
			d.Township = "other"
			return d
		}, false},
	} {
		assert.Equal(t, tc.want, stats.Recurs(c, tc.d()), tc.name)
	}
	assert.False(t, stats.Recurs(c, c), "not itself")
}
