package hazard_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// communities are Gucheng's eight communities and their villager groups.
var communities = []struct {
	id     grid.CellID
	groups int
}{
	{"mayuan", 3}, {"wuguiqiao", 2}, {"dayuzhuang", 2}, {"honggoumiao", 3},
	{"guchengjie", 2}, {"nanguan", 2}, {"xiaoyuzhuang", 2}, {"zhaiwan", 2},
}

// TestOnTheSpot follows the seed's figures: 25 hazards found, 25 rectified
// on the spot (当场整改). Each community's officer reports hazards in its
// villager groups with the evidence of what they did; every one is
// rectified at once, and the post above each handling cell verifies it.
func TestOnTheSpot(t *testing.T) {
	f := newFixture(t)
	categories := []hazard.Category{hazard.Fire, hazard.Electrical, hazard.Structural, hazard.Gas, hazard.Traffic, hazard.Flood, hazard.Other}
	var ids []hazard.ID
	for i := range 25 {
		c := communities[i%len(communities)]
		group := grid.CellID(fmt.Sprintf("%s-%d", c.id, i/len(communities)%c.groups+1))
		officer := f.actor(grid.MemberID(string(c.id) + "-police"))
		h, err := f.svc.Report(ctx, officer, hazard.Report{
			Category:    categories[i%len(categories)],
			Location:    group,
			Description: fmt.Sprintf("排查发现第%d处隐患", i+1),
			Photos:      []string{fmt.Sprintf("before-%02d.jpg", i+1)},
			OnTheSpot:   &hazard.Rectification{Evidence: "当场整改完毕", Photos: []string{fmt.Sprintf("after-%02d.jpg", i+1)}},
		})
		require.NoError(t, err, "hazard %d", i+1)
		assert.Equal(t, hazard.Rectified, h.State)
		assert.True(t, h.OnTheSpot)
		assert.True(t, h.RectifiedAt.Equal(h.ReportedAt))
		require.Len(t, h.Rectifications, 1)
		assert.Equal(t, string(c.id)+"-police", h.Rectifications[0].By)
		assert.True(t, h.Handling.Contains(h.Location))
		ids = append(ids, h.ID)
	}
	all := f.all(t)
	require.Len(t, all, 25)
	seen := map[grid.CellID]int{}
	for _, h := range all {
		assert.Equal(t, hazard.Rectified, h.State)
		assert.True(t, h.OnTheSpot)
		seen[h.Location.At(3)]++
	}
	assert.Len(t, seen, 8, "found across all eight communities")
	events := f.events(t, ids[0])
	require.Len(t, events, 2)
	assert.Equal(t, hazard.ActionReported, events[0].Action)
	assert.Equal(t, hazard.ActionRectified, events[1].Action)
	assert.Equal(t, "true", events[1].Details["on_the_spot"])

	// The post above each handling cell verifies: the community for a
	// group, the sector for a community, the township for a sector.
	for _, id := range ids {
		h := f.stored(t, id)
		verifier := f.actor("gc-secretary")
		if cell := h.VerifyCell(); cell.Level() > 1 {
			verifier = f.actor(grid.MemberID(string(cell.Cell()) + "-head"))
		}
		h, err := f.svc.Verify(ctx, verifier, id, h.Version, hazard.Verification{Passed: true, Notes: "复查合格"})
		require.NoError(t, err, "%s by %s", id, verifier.ID)
		assert.Equal(t, hazard.Closed, h.State)
		require.NoError(t, f.svc.CheckTimeline(ctx, verifier, id))
	}
	page, err := f.svc.List(ctx, f.actor("gc-secretary"), hazard.Filter{States: []hazard.State{hazard.Closed}, Limit: work.MaxPage})
	require.NoError(t, err)
	assert.Len(t, page.Hazards, 25)

	// Rectifying on the spot needs the right to rectify: the mediator may
	// blow the whistle but not rectify.
	_, err = f.svc.Report(ctx, f.actor("gc-mediator"), hazard.Report{
		Category: hazard.Other, Location: "mayuan-1", Description: "x",
		OnTheSpot: &hazard.Rectification{Evidence: "x"},
	})
	assert.ErrorIs(t, err, fourplusn.Forbidden)
	assert.Len(t, f.all(t), 25)
}

// TestStory2Conversion is the seed's second story seen from the whistle:
// 刘保柱, head of 洪沟庙 two group and the village's security director, blows
// the whistle on a quarrel over a homestead wall's spacing that is likely
// to end in a fight; the village's officer converts the lead into a
// mediation case, and the two records point at each other.
func TestStory2Conversion(t *testing.T) {
	f := newFixture(t)
	liu := f.actor("honggoumiao-security")
	h, err := f.svc.Report(ctx, liu, wallQuarrel())
	require.NoError(t, err)
	assert.Equal(t, hazard.Open, h.State)
	assert.Equal(t, work.Simple, h.Grade)
	assert.Equal(t, "/gucheng/gc-west/honggoumiao/honggoumiao-2", h.Handling.String())
	assert.Equal(t, "honggoumiao-security", h.Accountable(), "he reported it through his group's post")
	assert.Equal(t, work.ChannelScreening, h.Channel)

	// The first attempt registers the case, but the hazard changed in the
	// meantime: the update conflicts, the case exists and points at the
	// hazard, which is still open.
	racing := f.with(t, func(c *hazard.Config) {
		c.Store = &racingStore{Store: f.store, before: func() {
			_, err := f.store.Update(ctx, h.ID, 0, func(*hazard.Hazard) ([]timeline.Event, error) { return nil, nil })
			require.NoError(t, err)
		}}
	})
	police := f.actor("honggoumiao-police")
	_, _, err = racing.Convert(ctx, police, h.ID, h.Version, wallConversion())
	require.ErrorIs(t, err, fourplusn.Conflict)
	cases := f.allCases(t)
	require.Len(t, cases, 1)
	assert.Equal(t, string(h.ID), cases[0].Hazard)
	assert.Equal(t, hazard.Open, f.stored(t, h.ID).State)

	// The officer reloads and retries: the same case comes back.
	h = f.stored(t, h.ID)
	h, c, err := f.svc.Convert(ctx, police, h.ID, h.Version, wallConversion())
	require.NoError(t, err)
	assert.Equal(t, cases[0].ID, c.ID, "a retry returns the same case")
	assert.Len(t, f.allCases(t), 1, "and registers no second one")

	assert.Equal(t, hazard.Converted, h.State)
	assert.Equal(t, c.ID, h.Case)
	assert.Equal(t, "honggoumiao-police", h.ConvertedBy)
	assert.Equal(t, string(h.ID), c.Hazard)
	assert.True(t, c.Risks.Has(mediation.LikelyFight))
	assert.Equal(t, work.ChannelScreening, c.Channel)
	assert.Equal(t, h.Location, c.Location)
	assert.Equal(t, mediation.Homestead, c.Category)
	assert.Equal(t, work.Ordinary, c.Grade, "a homestead quarrel likely to end in a fight is yellow")
	assert.Equal(t, "honggoumiao-police", c.FirstResponder)
	assert.Equal(t, "仝家翻建院墙，赵家认为墙距不足、占用通道，双方多次争吵，扬言动手。", c.Facts)

	events := f.events(t, h.ID)
	assert.Equal(t, hazard.ActionConverted, events[len(events)-1].Action)
	assert.Equal(t, string(c.ID), events[len(events)-1].Details["case"])
	caseEvents, err := f.cases.Events(ctx, c.ID)
	require.NoError(t, err)
	assert.Equal(t, string(h.ID), caseEvents[0].Details["hazard"])

	// Converting again is a conflict, and registers nothing.
	_, _, err = f.svc.Convert(ctx, police, h.ID, 0, wallConversion())
	assert.ErrorIs(t, err, fourplusn.Conflict)
	assert.Len(t, f.allCases(t), 1)

	// Only dispute leads convert.
	drain := must(t)(f.svc.Report(ctx, f.actor("mayuan-1-head"), blockedDrain()))
	_, _, err = f.svc.Convert(ctx, f.actor("mayuan-1-head"), drain.ID, 0, wallConversion())
	assert.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err), "%v", err)
	assert.Equal(t, "category", fourplusn.ErrorField(err))
	assert.Len(t, f.allCases(t), 1)

	// A conversion mediation refuses names its field and changes nothing.
	lead := must(t)(f.svc.Report(ctx, liu, wallQuarrel()))
	bad := wallConversion()
	bad.Applicants[0].Phone = "12345"
	_, _, err = f.svc.Convert(ctx, police, lead.ID, 0, bad)
	assert.Equal(t, "applicants[0].phone", fourplusn.ErrorField(err))
	assert.Equal(t, hazard.Open, f.stored(t, lead.ID).State)
	// Facts default to the hazard's description.
	noFacts := wallConversion()
	noFacts.Facts = ""
	_, c, err = f.svc.Convert(ctx, police, lead.ID, 0, noFacts)
	require.NoError(t, err)
	assert.Equal(t, lead.Description, c.Facts)
	// A stale version is refused before any case is registered.
	other := must(t)(f.svc.Report(ctx, liu, wallQuarrel()))
	n := len(f.allCases(t))
	_, _, err = f.svc.Convert(ctx, police, other.ID, other.Version+1, wallConversion())
	assert.ErrorIs(t, err, fourplusn.Conflict)
	assert.Len(t, f.allCases(t), n)
}

// racingStore runs before once, just before the first Update: another
// change of the hazard that lands between Convert's registering the case
// and its updating the hazard.
type racingStore struct {
	hazard.Store
	before func()
}

func (s *racingStore) Update(ctx context.Context, id hazard.ID, version int64, fn func(*hazard.Hazard) ([]timeline.Event, error)) (*hazard.Hazard, error) {
	if s.before != nil {
		s.before()
		s.before = nil
	}
	return s.Store.Update(ctx, id, version, fn)
}

// TestNoConverter: a Service without a Converter refuses conversions.
func TestNoConverter(t *testing.T) {
	f := newFixture(t)
	svc := f.with(t, func(c *hazard.Config) { c.Converter = nil })
	h := must(t)(svc.Report(ctx, f.actor("honggoumiao-security"), wallQuarrel()))
	_, _, err := svc.Convert(ctx, f.actor("honggoumiao-police"), h.ID, 0, wallConversion())
	assert.Equal(t, fourplusn.Internal, fourplusn.ErrorCode(err))
}
