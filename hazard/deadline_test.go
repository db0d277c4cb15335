package hazard_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/work"
)

// TestDeadlines checks the rectify and verify deadlines of a green hazard
// (three days for each) on both sides of each boundary: at risk from 80% of
// the time allowed, overdue only after the due time.
func TestDeadlines(t *testing.T) {
	f := newFixture(t)
	rules := f.svc.Rules()
	head := f.actor("mayuan-1-head")
	h := must(t)(f.svc.Report(ctx, head, blockedDrain()))
	reported := f.clock.Now()
	const atRisk = 57*time.Hour + 36*time.Minute // 80% of 72 hours

	one := func(now time.Time, h *hazard.Hazard) work.Deadline {
		t.Helper()
		ds := rules.Deadlines(now, h)
		require.Len(t, ds, 1)
		return ds[0]
	}
	d := one(reported, h)
	assert.Equal(t, work.Deadline{
		Subject: string(h.ID), Kind: hazard.RectifyBy, Since: reported.UTC(), Due: reported.Add(72 * time.Hour).UTC(),
		RiskAt: reported.Add(atRisk).UTC(), Status: work.OnTime, Accountable: "mayuan-1-head", Cell: f.demo.Path("mayuan-1"), Grade: work.Simple,
	}, d)
	for _, c := range []struct {
		after time.Duration
		want  work.Status
	}{
		{0, work.OnTime},
		{atRisk - time.Second, work.OnTime},
		{atRisk, work.AtRisk},
		{72 * time.Hour, work.AtRisk},
		{72*time.Hour + time.Nanosecond, work.Overdue},
		{30 * 24 * time.Hour, work.Overdue},
	} {
		assert.Equal(t, c.want, one(reported.Add(c.after), h).Status, "rectify, %v after the report", c.after)
	}
	assert.False(t, h.Overdue(reported.Add(72*time.Hour)))
	assert.True(t, h.Overdue(reported.Add(72*time.Hour+time.Nanosecond)))

	f.clock.Advance(24 * time.Hour)
	h = must(t)(f.svc.Rectify(ctx, head, h.ID, 0, hazard.Rectification{Evidence: "清理"}))
	rectifiedAt := f.clock.Now()
	d = one(rectifiedAt, h)
	assert.Equal(t, hazard.VerifyBy, d.Kind)
	assert.Equal(t, "/gucheng/gc-east/mayuan", d.Cell.String(), "the community verifies")
	assert.Equal(t, "", d.Accountable, "a cell, not a person")
	assert.True(t, d.Since.Equal(rectifiedAt))
	assert.True(t, d.Due.Equal(rectifiedAt.Add(72*time.Hour)))
	for _, c := range []struct {
		after time.Duration
		want  work.Status
	}{
		{atRisk - time.Second, work.OnTime},
		{atRisk, work.AtRisk},
		{72 * time.Hour, work.AtRisk},
		{72*time.Hour + time.Nanosecond, work.Overdue},
	} {
		assert.Equal(t, c.want, one(rectifiedAt.Add(c.after), h).Status, "verify, %v after rectification", c.after)
	}

	// A failed verification starts a new time to rectify.
	f.clock.Advance(10 * time.Hour)
	h = must(t)(f.svc.Verify(ctx, f.actor("mayuan-head"), h.ID, 0, hazard.Verification{Notes: "仍堵"}))
	reopened := f.clock.Now()
	d = one(reopened, h)
	assert.Equal(t, hazard.RectifyBy, d.Kind)
	assert.True(t, d.Since.Equal(reopened))
	assert.True(t, d.Due.Equal(reopened.Add(72*time.Hour)))
	assert.Equal(t, work.AtRisk, one(reopened.Add(atRisk), h).Status)

	// Closed and converted hazards have nothing due.
	h = must(t)(f.svc.Rectify(ctx, head, h.ID, 0, hazard.Rectification{Evidence: "疏通"}))
	h = must(t)(f.svc.Verify(ctx, f.actor("mayuan-head"), h.ID, 0, hazard.Verification{Passed: true}))
	lead := must(t)(f.svc.Report(ctx, f.actor("honggoumiao-security"), wallQuarrel()))
	lead, _, err := f.svc.Convert(ctx, f.actor("honggoumiao-police"), lead.ID, 0, wallConversion())
	require.NoError(t, err)
	assert.Empty(t, rules.Deadlines(f.clock.Now(), h, lead))
}

// TestDeadlinesOrder lists deadlines of several grades most urgent first.
func TestDeadlinesOrder(t *testing.T) {
	f := newFixture(t)
	officer := f.actor("mayuan-police")
	report := func(c hazard.Category) *hazard.Hazard {
		in := blockedDrain()
		in.Category = c
		return must(t)(f.svc.Report(ctx, officer, in))
	}
	fire := report(hazard.Fire)         // red: 15 days, at the sector
	wiring := report(hazard.Electrical) // yellow: 7 days, at the community
	drain := report(hazard.Other)       // green: 3 days, at the group
	f.clock.Advance(time.Hour)
	spot := must(t)(f.svc.Report(ctx, officer, hazard.Report{
		Category: hazard.Traffic, Location: "mayuan-2", Description: "路口警示牌倒伏",
		OnTheSpot: &hazard.Rectification{Evidence: "已扶正加固"},
	})) // rectified: verify within 3 days, an hour later than the drain

	ds := f.svc.Rules().Deadlines(f.clock.Now(), fire, wiring, spot, drain)
	require.Len(t, ds, 4)
	var order []string
	for _, d := range ds {
		order = append(order, d.Subject)
	}
	assert.Equal(t, []string{string(drain.ID), string(spot.ID), string(wiring.ID), string(fire.ID)}, order)
	assert.Equal(t, "/gucheng/gc-east", ds[3].Cell.String(), "red hazards go to the sector")
	assert.Equal(t, work.Major, ds[3].Grade)
	assert.Equal(t, "", ds[3].Accountable, "reported from the community, handled at the sector")
	assert.Equal(t, "mayuan-police", ds[2].Accountable, "reported through a post of the handling cell")
	assert.Equal(t, hazard.VerifyBy, ds[1].Kind)
}
