package pilot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
)

// TestSeedWrittenAgreements checks that the demo's stories settled in
// writing end with a written agreement drafted, signed by every party,
// the mediator — a person, with his post — and the committee, and in
// effect: printed now, it shows who signed.
func TestSeedWrittenAgreements(t *testing.T) {
	app, _ := newPilot(t)
	ctx := context.Background()
	secretary, ok := app.Member("gc-secretary")
	require.True(t, ok)
	page, err := app.Cases.List(ctx, secretary.Actor(), mediation.Filter{Limit: 100})
	require.NoError(t, err)
	mediators := map[string]string{}
	for _, c := range page.Cases {
		a := c.Agreement
		if a == nil || a.Form != mediation.Written {
			continue
		}
		mediators[a.Mediator] = a.MediatorPost
		assert.Equal(t, mediation.InEffect, a.State())
		assert.Empty(t, a.Unsigned(), "every party signed")
		assert.False(t, a.MediatorSignedAt.IsZero())
		assert.True(t, a.Sealed)
		events, err := app.Cases.Timeline(ctx, secretary.Actor(), c.ID)
		require.NoError(t, err)
		var acts []timeline.Action
		for _, e := range events {
			if e.Action == mediation.ActionDrafted || e.Action == mediation.ActionSigning {
				acts = append(acts, e.Action)
			}
		}
		assert.Equal(t, []timeline.Action{mediation.ActionDrafted, mediation.ActionSigning}, acts, "drafted, then signed")
		var b strings.Builder
		require.NoError(t, a.RenderHTML(&b, c))
		assert.Contains(t, b.String(), "<td>"+a.Parties[0].Name+"</td><td>签名</td>")
	}
	assert.Equal(t, map[string]string{"高敬": "司法所长", "孙某": "人民调解员"}, mediators, "the stories' two written agreements")
}

// TestSeedClosedCasesHaveCompleteFiles checks that the demo's stories that
// end closed were closed with a complete 卷宗: every party identified and
// given the notice of rights and duties, nothing required missing.
func TestSeedClosedCasesHaveCompleteFiles(t *testing.T) {
	app, _ := newPilot(t)
	ctx := context.Background()
	secretary, ok := app.Member("gc-secretary")
	require.True(t, ok)
	page, err := app.Cases.List(ctx, secretary.Actor(), mediation.Filter{Limit: 100})
	require.NoError(t, err)
	closed := 0
	for _, c := range page.Cases {
		if c.State != mediation.Closed {
			continue
		}
		closed++
		f, err := app.Cases.CaseFile(ctx, secretary.Actor(), c.ID)
		require.NoError(t, err)
		assert.Empty(t, f.Lacking(), "case %s", c.ID)
		assert.Len(t, c.Rights, len(c.Parties()), "every party given the notice once")
	}
	assert.Equal(t, 2, closed, "the injury claim and the walk-in are closed")
}
