package mediation_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/mediation"
)

// TestReopen reopens an agreed case only when its last follow-up visit
// found the agreement unperformed or a party unsatisfied; the reopened
// case is in mediation again, open, with the reason in its timeline.
func TestReopen(t *testing.T) {
	const (
		sat     = mediation.Satisfied
		fair    = mediation.FairlySatisfied
		unsat   = mediation.Unsatisfied
		unasked = mediation.Satisfaction("")
	)
	for _, tc := range []struct {
		name      string
		visits    []mediation.FollowUp
		reopens   bool
		asked, ok int
	}{
		{name: "performed, both satisfied", visits: []mediation.FollowUp{{Performed: true, Satisfaction: []mediation.Satisfaction{sat, fair}}}, asked: 2, ok: 2},
		{name: "performed, nobody asked", visits: []mediation.FollowUp{{Performed: true}}},
		{name: "performed, one unsatisfied", visits: []mediation.FollowUp{{Performed: true, Satisfaction: []mediation.Satisfaction{sat, unsat}}}, reopens: true, asked: 2, ok: 1},
		{name: "not performed, both satisfied", visits: []mediation.FollowUp{{Satisfaction: []mediation.Satisfaction{sat, sat}}}, reopens: true, asked: 2, ok: 2},
		{name: "respondent alone asked, unsatisfied", visits: []mediation.FollowUp{{Performed: true, Satisfaction: []mediation.Satisfaction{unasked, unsat}}}, reopens: true, asked: 1},
		{name: "an unsatisfied visit, then a satisfied one", visits: []mediation.FollowUp{
			{Performed: true, Satisfaction: []mediation.Satisfaction{unsat}}, {Performed: true, Satisfaction: []mediation.Satisfaction{sat, sat}},
		}, asked: 2, ok: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			head := f.actor("mayuan-1-head")
			c := agreed(t, f, must(t)(f.svc.Register(ctx, head, neighbourDispute())))
			for _, v := range tc.visits {
				v.Notes = "回访"
				c = must(t)(f.svc.FollowUp(ctx, head, c.ID, c.Version, v))
			}
			last := c.FollowUps[len(c.FollowUps)-1]
			asked, ok := last.Asked()
			assert.Equal(t, tc.asked, asked)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.reopens, c.Reopenable())
			r, err := f.svc.Reopen(ctx, head, c.ID, c.Version, " 协议未履行 ")
			if !tc.reopens {
				assert.Equal(t, fourplusn.Conflict, fourplusn.ErrorCode(err))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, mediation.Mediating, r.State)
			assert.True(t, r.ResolvedAt.IsZero(), "open again")
			assert.True(t, r.ResolveDue.After(f.clock.Now()), "a fresh time to resolve")
			assert.NotNil(t, r.Agreement, "the agreement stays on the file")
			events, err := f.svc.Timeline(ctx, head, c.ID)
			require.NoError(t, err)
			e := events[len(events)-1]
			assert.Equal(t, mediation.ActionReopened, e.Action)
			assert.Equal(t, "协议未履行", e.Details["reason"])
			require.NoError(t, f.svc.CheckTimeline(ctx, f.actor("gc-secretary"), c.ID))
			_, err = f.svc.Reopen(ctx, head, c.ID, r.Version, "再次")
			assert.Equal(t, fourplusn.Conflict, fourplusn.ErrorCode(err), "a case in mediation is not reopened")
		})
	}
}

// TestFollowUpSatisfactionChecked refuses an unknown degree and more
// answers than the case has parties.
func TestFollowUpSatisfactionChecked(t *testing.T) {
	f := newFixture(t)
	head := f.actor("mayuan-1-head")
	c := agreed(t, f, must(t)(f.svc.Register(ctx, head, neighbourDispute())))
	n := len(c.Parties())
	for _, s := range [][]mediation.Satisfaction{{"happy"}, make([]mediation.Satisfaction, n+1)} {
		_, err := f.svc.FollowUp(ctx, head, c.ID, c.Version, mediation.FollowUp{Performed: true, Satisfaction: s, Notes: "回访"})
		assert.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err), "%v", s)
	}
	for _, s := range mediation.Satisfactions() {
		assert.True(t, s.Valid())
		assert.NotEqual(t, "未询问", s.Title())
	}
}
