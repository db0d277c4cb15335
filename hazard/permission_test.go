package hazard_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
)

// residentLead is a dispute lead in 马园 one group reported online by
// resident r-1: green, so handled at the group and verified at 马园.
func residentLead() hazard.Report {
	return hazard.Report{
		Category:    hazard.DisputeLead,
		Location:    "mayuan-1",
		Description: "邻居两家为排水沟吵了好几次，最近越吵越凶。",
		Contact:     "139 0000 3333",
	}
}

// TestPermissions tries every action on a hazard handled at 马园 one group
// (level 4), reported online by resident r-1, by actors in every grid
// relation to it. Each row spells out the outcome per relation: "ok", or
// the error code.
//
//	same       the group's head
//	below      a household head below the group, who may not see up
//	above      the community head, one level up
//	sibling    the head of 马园 two group
//	township   the level-1 head of the neighbouring township
//	partner    the land office, an N-partner at level 1: sees, reports, decides nothing
//	owner      r-1, the resident who reported it
//	resident   r-2, another resident of Gucheng
//	system     Gucheng's scheduled work
//	anonymous  nobody
//
// "report" reports a new hazard at the same cell (a resident with a
// contact), which the neighbouring township's head may not do: the cell is
// not in their township.
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
		{"owner", func(f *fixture) grid.Actor { return grid.ResidentActor("r-1", "gucheng") }},
		{"resident", func(f *fixture) grid.Actor { return grid.ResidentActor("r-2", "gucheng") }},
		{"system", func(f *fixture) grid.Actor { return grid.SystemActor("gucheng") }},
		{"anonymous", func(f *fixture) grid.Actor { return grid.Actor{} }},
	}
	const (
		ok = ""
		IV = fourplusn.Invalid
		NF = fourplusn.NotFound
		FB = fourplusn.Forbidden
		UA = fourplusn.Unauthorized
	)
	table := map[string][10]fourplusn.Code{
		//                   same below above sibling township partner owner resident system anonymous
		"report":         {ok, ok, ok, ok, IV, ok, ok, ok, FB, UA},
		"get":            {ok, NF, ok, NF, NF, ok, ok, NF, ok, UA},
		"timeline":       {ok, NF, ok, NF, NF, ok, ok, NF, ok, UA},
		"check_timeline": {ok, NF, ok, NF, NF, ok, ok, NF, ok, UA},
		"rectify":        {ok, NF, ok, NF, NF, FB, FB, NF, FB, UA},
		"verify":         {FB, NF, ok, NF, NF, FB, FB, NF, FB, UA}, // verified one level up, at 马园
		"convert":        {ok, NF, ok, NF, NF, FB, FB, NF, FB, UA},
		// A photo of the hazard; the resident who reported it adds theirs.
		"attach": {ok, NF, ok, NF, NF, FB, ok, NF, FB, UA},
		// The after-photo of a rectification.
		"attach_rectification": {ok, NF, ok, NF, NF, FB, FB, NF, FB, UA},
	}
	actions := []struct {
		name      string
		rectified bool // the action needs the hazard rectified first
		do        func(f *fixture, a grid.Actor, h *hazard.Hazard) error
	}{
		{"report", false, func(f *fixture, a grid.Actor, h *hazard.Hazard) error {
			in := blockedDrain()
			if a.Kind == grid.Resident {
				in.Contact = "13900004444"
			}
			_, err := f.svc.Report(ctx, a, in)
			return err
		}},
		{"get", false, func(f *fixture, a grid.Actor, h *hazard.Hazard) error {
			_, err := f.svc.Get(ctx, a, h.ID)
			return err
		}},
		{"timeline", false, func(f *fixture, a grid.Actor, h *hazard.Hazard) error {
			_, err := f.svc.Timeline(ctx, a, h.ID)
			return err
		}},
		{"check_timeline", false, func(f *fixture, a grid.Actor, h *hazard.Hazard) error {
			return f.svc.CheckTimeline(ctx, a, h.ID)
		}},
		{"rectify", false, func(f *fixture, a grid.Actor, h *hazard.Hazard) error {
			_, err := f.svc.Rectify(ctx, a, h.ID, h.Version, hazard.Rectification{Evidence: "已劝解"})
			return err
		}},
		{"verify", true, func(f *fixture, a grid.Actor, h *hazard.Hazard) error {
			_, err := f.svc.Verify(ctx, a, h.ID, h.Version, hazard.Verification{Passed: true})
			return err
		}},
		{"convert", false, func(f *fixture, a grid.Actor, h *hazard.Hazard) error {
			_, _, err := f.svc.Convert(ctx, a, h.ID, h.Version, wallConversion())
			return err
		}},
		{"attach", false, func(f *fixture, a grid.Actor, h *hazard.Hazard) error {
			_, err := f.svc.Attach(ctx, a, h.ID, h.Version, attachment.Upload{Kind: attachment.Photo, File: photo(1)})
			return err
		}},
		{"attach_rectification", true, func(f *fixture, a grid.Actor, h *hazard.Hazard) error {
			_, err := f.svc.Attach(ctx, a, h.ID, h.Version, attachment.Upload{Kind: attachment.ProofOfPerformance, Of: "rectification:1", File: photo(2)})
			return err
		}},
	}
	require.Len(t, table, len(actions))
	for _, act := range actions {
		for i, rel := range relations {
			t.Run(act.name+"/"+rel.name, func(t *testing.T) {
				f := newFixture(t)
				h := must(t)(f.svc.Report(ctx, grid.ResidentActor("r-1", "gucheng"), residentLead()))
				if act.rectified {
					h = must(t)(f.svc.Rectify(ctx, f.actor("mayuan-1-head"), h.ID, 0, hazard.Rectification{Evidence: "已劝解"}))
				}
				before := f.stored(t, h.ID)
				eventsBefore := f.events(t, h.ID)
				err := act.do(f, rel.actor(f), before)
				want := table[act.name][i]
				if want == ok {
					require.NoError(t, err)
					return
				}
				require.Error(t, err)
				assert.Equal(t, want, fourplusn.ErrorCode(err), "%v", err)
				assert.Equal(t, before, f.stored(t, h.ID), "a refused action changes nothing")
				assert.Equal(t, eventsBefore, f.events(t, h.ID))
				assert.Len(t, f.all(t), 1, "a refused report stores nothing")
				assert.Empty(t, f.allCases(t), "a refused conversion registers no case")
			})
		}
	}
}

// TestWhoSeesWhat checks the viewing rules beyond the grid: the reporter
// sees their own report, the owner theirs, and personal data is masked
// for those who may not see it.
func TestWhoSeesWhat(t *testing.T) {
	f := newFixture(t)
	owner := grid.ResidentActor("r-1", "gucheng")
	h := must(t)(f.svc.Report(ctx, owner, residentLead()))
	assert.Equal(t, "r-1", h.Owner)
	assert.Equal(t, "r-1", h.Reporter)
	assert.Equal(t, "13900003333", h.Contact, "stored in normal form, returned in full to its reporter")
	assert.Equal(t, "online", h.Channel.String())
	assert.True(t, h.ReporterCell.IsZero())
	assert.Equal(t, "", h.Accountable(), "no post reported it: the group's posts answer together")

	for _, c := range []struct {
		who     grid.Actor
		contact string
	}{
		{f.actor("mayuan-1-head"), "13900003333"}, // a grid head sees personal data down to level 4
		{f.actor("mayuan-police"), "13900003333"},
		{f.actor("gc-land"), "139****3333"}, // a partner sees it masked
		{owner, "139****3333"},              // residents see personal data masked, as in mediation
		{grid.SystemActor("gucheng"), "139****3333"},
	} {
		got, err := f.svc.Get(ctx, c.who, h.ID)
		require.NoError(t, err, c.who.ID)
		assert.Equal(t, c.contact, got.Contact, c.who.ID)
		assert.Equal(t, c.contact != h.Contact, got.Masked, "%s: a masked copy says so, and only a masked one", c.who.ID)
	}
	assert.Equal(t, "13900003333", f.stored(t, h.ID).Contact, "masking never reaches the store")

	// The household elder blows the whistle on the group's drain: handled
	// above his cell, but he still sees what he reported, and may not act.
	elder := f.actor("mayuan-1-zhang-elder")
	mine := must(t)(f.svc.Report(ctx, elder, blockedDrain()))
	assert.Equal(t, "/gucheng/gc-east/mayuan/mayuan-1/mayuan-1-zhang", mine.ReporterCell.String())
	_, err := f.svc.Get(ctx, elder, mine.ID)
	require.NoError(t, err)
	_, err = f.svc.Rectify(ctx, elder, mine.ID, 0, hazard.Rectification{Evidence: "x"})
	assert.ErrorIs(t, err, fourplusn.Forbidden)
	_, err = f.svc.Get(ctx, elder, h.ID)
	assert.ErrorIs(t, err, fourplusn.NotFound)

	// Lists: each sees what they may.
	list := func(a grid.Actor, filter hazard.Filter) []hazard.ID {
		page, err := f.svc.List(ctx, a, filter)
		require.NoError(t, err)
		var ids []hazard.ID
		for _, h := range page.Hazards {
			ids = append(ids, h.ID)
		}
		return ids
	}
	assert.Equal(t, []hazard.ID{h.ID}, list(owner, hazard.Filter{}))
	assert.Empty(t, list(grid.ResidentActor("r-2", "gucheng"), hazard.Filter{}))
	assert.Equal(t, []hazard.ID{mine.ID}, list(elder, hazard.Filter{}), "the elder's own report")
	assert.Equal(t, []hazard.ID{mine.ID, h.ID}, list(f.actor("mayuan-1-head"), hazard.Filter{}))
	assert.Empty(t, list(f.actor("mayuan-2-head"), hazard.Filter{}))
	assert.Empty(t, list(f.actor("lz-secretary"), hazard.Filter{}))
	assert.Equal(t, []hazard.ID{h.ID}, list(f.actor("mayuan-head"), hazard.Filter{Category: hazard.DisputeLead}))
	page, err := f.svc.List(ctx, f.actor("gc-land"), hazard.Filter{})
	require.NoError(t, err)
	for _, got := range page.Hazards {
		if got.Contact != "" {
			assert.Equal(t, "139****3333", got.Contact, "lists mask as Get does")
		}
	}
	_, err = f.svc.List(ctx, grid.Actor{}, hazard.Filter{})
	assert.ErrorIs(t, err, fourplusn.Unauthorized)
	_, err = f.svc.List(ctx, owner, hazard.Filter{Limit: 1000})
	assert.Equal(t, "limit", fourplusn.ErrorField(err))
}
