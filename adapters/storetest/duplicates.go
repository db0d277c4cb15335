package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
)

// casesNearby: Nearby finds, newest first, the cases of the township
// registered in the window that share an applicant's phone or ID number
// or arose under the cell near — and only those, as NearbyQuery.Nearby
// says — leaves out a linked duplicate found only by its cell, and
// follows a case as an update links it.
func casesNearby(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	const phone, idcard = "13700003333", "410102197001011234"
	day := 24 * time.Hour
	add := func(n int, cell grid.CellID, at time.Time, edit func(c *mediation.Case)) *mediation.Case {
		c, events := newCase(n, cell, at)
		c.Applicants[0].Phone = fmt.Sprintf("139%08d", n)
		if edit != nil {
			edit(c)
		}
		return create(t, s, c, events)
	}
	byPhone := add(1, "gc-west", base, func(c *mediation.Case) { c.Applicants[0].Phone = phone })
	sibling := add(2, "mayuan-2", base.Add(time.Hour), nil)
	add(3, "gc-west", base.Add(2*time.Hour), nil)                                                    // far, no number shared
	add(4, "mayuan-1", base.Add(-40*day), func(c *mediation.Case) { c.Applicants[0].Phone = phone }) // before the window
	add(5, "mayuan-1", base.Add(3*time.Hour), func(c *mediation.Case) { c.DuplicateOf = caseID(2) })
	byIDCard := add(6, "gc-west", base.Add(4*time.Hour), func(c *mediation.Case) { c.Applicants[0].IDCard = idcard })
	add(7, "lz-qiaotou-1", base.Add(5*time.Hour), func(c *mediation.Case) { c.Applicants[0].Phone = phone }) // another township
	add(8, "mayuan-1", base.Add(31*day), nil)                                                                // after the window
	add(9, "gc-west", base.Add(6*time.Hour), func(c *mediation.Case) { c.Respondents[0].Phone = phone })

	q := mediation.NearbyQuery{
		Township: "gucheng", Phones: []string{phone}, IDCards: []string{idcard}, Near: demo.Path("mayuan"),
		From: base.Add(-30 * day), To: base.Add(30 * day), Limit: 50,
	}
	ids := func(q mediation.NearbyQuery) []mediation.ID {
		t.Helper()
		cases, err := s.Nearby(ctx, q)
		require.NoError(t, err)
		out := []mediation.ID{}
		for _, c := range cases {
			assert.True(t, q.Nearby(c), "case %s does not answer the query", c.ID)
			out = append(out, c.ID)
		}
		return out
	}
	assert.Equal(t, []mediation.ID{byIDCard.ID, sibling.ID, byPhone.ID}, ids(q),
		"newest first: by ID number, the sibling cell, by phone; not far, linked, outside the window or township, nor a respondent's phone")

	limited := q
	limited.Limit = 2
	assert.Equal(t, []mediation.ID{byIDCard.ID, sibling.ID}, ids(limited), "at most Limit, the newest")

	cellOnly := q
	cellOnly.Phones, cellOnly.IDCards = nil, nil
	assert.Equal(t, []mediation.ID{sibling.ID}, ids(cellOnly), "by cell alone")

	none := mediation.NearbyQuery{Township: "gucheng", From: q.From, To: q.To, Limit: 50}
	assert.Equal(t, []mediation.ID{}, ids(none), "nothing asked, nothing found")

	_, err := s.Update(ctx, sibling.ID, 0, func(c *mediation.Case) ([]timeline.Event, error) {
		c.DuplicateOf, c.State = byPhone.ID, mediation.Closed
		return []timeline.Event{seal(c, mediation.ActionLinked, base.Add(7*time.Hour))}, nil
	})
	require.NoError(t, err)
	assert.Equal(t, []mediation.ID{}, ids(cellOnly), "a case linked as a duplicate is no longer found by its cell")
}
