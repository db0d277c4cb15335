package mediation_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// TestPermissions tries every action on a case handled at 马园 one group
// (level 4) by actors in every grid relation to it. Each row spells out the
// outcome per relation: "ok", or the error code.
//
//	same       the group's head
//	below      a household head below the group, who may not see up
//	above      the community head, one level up
//	sibling    the head of 马园 two group
//	township   the level-1 head of the neighbouring township
//	partner    the land office, an N-partner at level 1: takes part, decides nothing
//	resident   a resident who did not apply
//	anonymous  nobody
func TestPermissions(t *testing.T) {
	relations := []struct {
		name  string
		actor func(f *fixture) grid.Actor
	}{
		{"same", func(f *fixture) grid.Actor { return f.actor("mayuan-1-head") }},
		{"below", func(f *fixture) grid.Actor { return f.actor("mayuan-1-zhang-elder") }},
		{"above", func(f *fixture) grid.Actor { return f.actor("mayuan-head") }},
		{"sibling", func(f *fixture) grid.Actor { return f.actor("mayuan-2-head") }},
		{"township", func(f *fixture) grid.Actor { return f.actor("lz-secretary") }},
		{"partner", func(f *fixture) grid.Actor { return f.actor("gc-land") }},
		{"resident", func(f *fixture) grid.Actor { return grid.ResidentActor("r-9", "gucheng") }},
		{"anonymous", func(f *fixture) grid.Actor { return grid.Actor{} }},
	}
	const (
		ok = ""
		NF = fourplusn.NotFound
		FB = fourplusn.Forbidden
		UA = fourplusn.Unauthorized
	)
	table := map[string][8]fourplusn.Code{
		//                 same  below above sibling township partner resident anonymous
		"get":          {ok, NF, ok, NF, NF, ok, NF, UA},
		"timeline":     {ok, NF, ok, NF, NF, ok, NF, UA},
		"accept":       {ok, NF, ok, NF, NF, FB, NF, UA},
		"reject":       {ok, NF, ok, NF, NF, FB, NF, UA},
		"join":         {ok, NF, ok, NF, NF, ok, NF, UA},
		"session":      {ok, NF, ok, NF, NF, ok, NF, UA},
		"agreement":    {ok, NF, ok, NF, NF, ok, NF, UA},
		"draft":        {ok, NF, ok, NF, NF, ok, NF, UA},
		"sign":         {ok, NF, ok, NF, NF, ok, NF, UA},
		"supersede":    {ok, NF, ok, NF, NF, ok, NF, UA},
		"fail":         {ok, NF, ok, NF, NF, ok, NF, UA},
		"withdraw":     {ok, NF, ok, NF, NF, ok, NF, UA},
		"escalate":     {ok, NF, ok, NF, NF, FB, NF, UA},
		"approve":      {FB, NF, ok, NF, NF, FB, NF, UA}, // reviewed one level up, at 马园
		"return":       {FB, NF, ok, NF, NF, FB, NF, UA},
		"transfer":     {ok, NF, ok, NF, NF, FB, NF, UA},
		"transfer_out": {ok, NF, ok, NF, NF, FB, NF, UA},
		"extend":       {ok, NF, ok, NF, NF, ok, NF, UA},
		"suspend":      {ok, NF, ok, NF, NF, ok, NF, UA},
		"resume":       {ok, NF, ok, NF, NF, ok, NF, UA},
		"raise_risk":   {ok, NF, ok, NF, NF, ok, NF, UA},
		"follow_up":    {ok, NF, ok, NF, NF, ok, NF, UA},
		"close":        {ok, NF, ok, NF, NF, FB, NF, UA},
		"correct":      {ok, NF, ok, NF, NF, ok, NF, UA},
		"rights":       {ok, NF, ok, NF, NF, ok, NF, UA},
		// Who sees the parties masked may not rewrite them.
		"correct_parties": {ok, NF, ok, NF, NF, FB, NF, UA},
	}
	type action struct {
		name string
		do   func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error)
	}
	actions := []action{
		{"get", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
			return f.svc.Get(ctx, a, c.ID)
		}},
		{"timeline", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
			_, err := f.svc.Timeline(ctx, a, c.ID)
			return c, err
		}},
	}
	for _, tr := range transitions {
		actions = append(actions, action(tr))
	}
	require.Len(t, table, len(actions))
	for _, act := range actions {
		// Put the case where the action is allowed.
		situation := "registered"
		for _, sit := range situations {
			if allows(sit.name, act.name) {
				situation = sit.name
				break
			}
		}
		for i, rel := range relations {
			t.Run(act.name+"/"+rel.name, func(t *testing.T) {
				f := newFixture(t)
				c := must(t)(f.svc.Register(ctx, f.actor("mayuan-1-head"), neighbourDispute()))
				for _, sit := range situations {
					if sit.name == situation {
						c = sit.reach(t, f, c)
					}
				}
				before := f.stored(t, c.ID)
				_, err := act.do(f, rel.actor(f), before)
				want := table[act.name][i]
				if want == ok {
					require.NoError(t, err)
					return
				}
				require.Error(t, err)
				assert.Equal(t, want, fourplusn.ErrorCode(err), "%v", err)
				assert.Equal(t, before, f.stored(t, c.ID), "a refused action changes nothing")
			})
		}
	}
}

// TestResidentsSeeOnlyTheirOwn applies online as a resident, and checks what
// the resident, another resident and the staff see.
func TestResidentsSeeOnlyTheirOwn(t *testing.T) {
	f := newFixture(t)
	me := grid.ResidentActor("r-1", "gucheng")
	in := neighbourDispute()
	in.Channel, in.Consent = work.ChannelOnline, mediation.CurrentPrivacyNotice.Version
	c, err := f.svc.Register(ctx, me, in)
	require.NoError(t, err)
	assert.Equal(t, "r-1", c.Applicant)
	assert.Equal(t, "", c.FirstResponder, "no member has received it yet")
	assert.Equal(t, "", c.Accountable(), "the duty watch holds it")

	got, err := f.svc.Get(ctx, me, c.ID)
	require.NoError(t, err)
	assert.Equal(t, "139****1111", got.Applicants[0].Phone, "residents see personal data masked")
	assert.Equal(t, "王**", got.Applicants[0].Name)
	assert.True(t, got.Masked, "a masked copy says so")
	_, err = f.svc.Get(ctx, grid.ResidentActor("r-2", "gucheng"), c.ID)
	assert.ErrorIs(t, err, fourplusn.NotFound)
	_, err = f.svc.Accept(ctx, me, c.ID, 0)
	assert.ErrorIs(t, err, fourplusn.Forbidden)

	page, err := f.svc.List(ctx, me, mediation.Filter{})
	require.NoError(t, err)
	require.Len(t, page.Cases, 1)
	page, err = f.svc.List(ctx, grid.ResidentActor("r-2", "gucheng"), mediation.Filter{})
	require.NoError(t, err)
	assert.Empty(t, page.Cases)

	// The duty officer reviews it, and becomes its first responder.
	duty := f.actor("gc-duty-1")
	got, err = f.svc.Get(ctx, duty, c.ID)
	require.NoError(t, err)
	assert.Equal(t, "13900001111", got.Applicants[0].Phone, "the duty watch sees personal data in full")
	assert.False(t, got.Masked)
	c, err = f.svc.Accept(ctx, duty, c.ID, c.Version)
	require.NoError(t, err)
	assert.Equal(t, "gc-duty-1", c.FirstResponder)

	// A partner may view, but sees personal data masked.
	got, err = f.svc.Get(ctx, f.actor("gc-land"), c.ID)
	require.NoError(t, err)
	assert.Equal(t, "139****1111", got.Applicants[0].Phone)

	// The resident withdraws their own application.
	c, err = f.svc.Withdraw(ctx, me, c.ID, 0, "已私下和解")
	require.NoError(t, err)
	assert.Equal(t, mediation.Withdrawn, c.State)

	// Residents apply only online, and members never do.
	in.Channel = work.ChannelWalkIn
	_, err = f.svc.Register(ctx, me, in)
	assert.Equal(t, "channel", fourplusn.ErrorField(err))
	in.Channel = work.ChannelOnline
	_, err = f.svc.Register(ctx, duty, in)
	assert.Equal(t, "channel", fourplusn.ErrorField(err))
	_, err = f.svc.Register(ctx, grid.Actor{}, neighbourDispute())
	assert.ErrorIs(t, err, fourplusn.Unauthorized)
}
