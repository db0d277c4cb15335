package hazard_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/work"
)

// TestReportValidation refuses bad reports, each naming its field, and
// stores nothing.
func TestReportValidation(t *testing.T) {
	staff := func(f *fixture) grid.Actor { return f.actor("mayuan-1-head") }
	resident := func(*fixture) grid.Actor { return grid.ResidentActor("r-1", "gucheng") }
	photos := func(n int) []string { return strings.Split(strings.Repeat("p.jpg ", n)[:6*n-1], " ") }
	for name, tc := range map[string]struct {
		actor func(*fixture) grid.Actor
		edit  func(*hazard.Report)
		code  fourplusn.Code
		field string
	}{
		"unknown category":          {staff, func(r *hazard.Report) { r.Category = "arson" }, fourplusn.Invalid, "category"},
		"no category":               {staff, func(r *hazard.Report) { r.Category = "" }, fourplusn.Invalid, "category"},
		"unknown grade":             {staff, func(r *hazard.Report) { r.Grade = 9 }, fourplusn.Invalid, "grade"},
		"no location":               {staff, func(r *hazard.Report) { r.Location = "" }, fourplusn.Invalid, "location"},
		"unknown location":          {staff, func(r *hazard.Report) { r.Location = "zhulizhuang" }, fourplusn.NotFound, "location"},
		"location elsewhere":        {staff, func(r *hazard.Report) { r.Location = "lz-qiaotou-1" }, fourplusn.Invalid, "location"},
		"resident's location":       {resident, func(r *hazard.Report) { r.Location = "lz-qiaotou" }, fourplusn.Invalid, "location"},
		"no description":            {staff, func(r *hazard.Report) { r.Description = "" }, fourplusn.Invalid, "description"},
		"long description":          {staff, func(r *hazard.Report) { r.Description = strings.Repeat("险", 5001) }, fourplusn.Invalid, "description"},
		"invalid description":       {staff, func(r *hazard.Report) { r.Description = "\xff\xfe" }, fourplusn.Invalid, "description"},
		"too many photos":           {staff, func(r *hazard.Report) { r.Photos = photos(21) }, fourplusn.Invalid, "photos"},
		"empty photo":               {staff, func(r *hazard.Report) { r.Photos = []string{""} }, fourplusn.Invalid, "photos[0]"},
		"long photo":                {staff, func(r *hazard.Report) { r.Photos = []string{"a.jpg", strings.Repeat("x", 501)} }, fourplusn.Invalid, "photos[1]"},
		"invalid photo":             {staff, func(r *hazard.Report) { r.Photos = []string{"\xff.jpg"} }, fourplusn.Invalid, "photos[0]"},
		"unknown channel":           {staff, func(r *hazard.Report) { r.Channel = 99 }, fourplusn.Invalid, "channel"},
		"member online":             {staff, func(r *hazard.Report) { r.Channel = work.ChannelOnline }, fourplusn.Invalid, "channel"},
		"resident walks in":         {resident, func(r *hazard.Report) { r.Channel = work.ChannelWalkIn }, fourplusn.Invalid, "channel"},
		"member's bad contact":      {staff, func(r *hazard.Report) { r.Contact = "12345" }, fourplusn.Invalid, "contact"},
		"resident without contact":  {resident, func(r *hazard.Report) { r.Contact = "" }, fourplusn.Invalid, "contact"},
		"resident's landline":       {resident, func(r *hazard.Report) { r.Contact = "0396-1234567" }, fourplusn.Invalid, "contact"},
		"on the spot, no evidence":  {staff, func(r *hazard.Report) { r.OnTheSpot = &hazard.Rectification{} }, fourplusn.Invalid, "on_the_spot.evidence"},
		"on the spot, many photos":  {staff, func(r *hazard.Report) { r.OnTheSpot = &hazard.Rectification{Evidence: "x", Photos: photos(21)} }, fourplusn.Invalid, "on_the_spot.photos"},
		"on the spot, empty photo":  {staff, func(r *hazard.Report) { r.OnTheSpot = &hazard.Rectification{Evidence: "x", Photos: []string{""}} }, fourplusn.Invalid, "on_the_spot.photos[0]"},
		"on the spot by a resident": {resident, func(r *hazard.Report) { r.OnTheSpot = &hazard.Rectification{Evidence: "x"} }, fourplusn.Invalid, "on_the_spot"},
		"long idempotency key":      {staff, func(r *hazard.Report) { r.IdempotencyKey = strings.Repeat("k", 129) }, fourplusn.Invalid, "idempotency_key"},
		"referrer of no referral":   {staff, func(r *hazard.Report) { r.ReferredBy = "12345热线" }, fourplusn.Invalid, "referred_by"},
		"long referrer": {staff, func(r *hazard.Report) {
			r.Channel, r.ReferredBy = work.ChannelReferral, strings.Repeat("热", 201)
		}, fourplusn.Invalid, "referred_by"},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			in := blockedDrain()
			in.Contact = "13900005555"
			tc.edit(&in)
			_, err := f.svc.Report(ctx, tc.actor(f), in)
			require.Error(t, err)
			assert.Equal(t, tc.code, fourplusn.ErrorCode(err), "%v", err)
			assert.Equal(t, tc.field, fourplusn.ErrorField(err), "%v", err)
			assert.Empty(t, f.all(t), "nothing stored after a refusal")
		})
	}
	// The limits themselves are allowed.
	f := newFixture(t)
	in := blockedDrain()
	in.Description = strings.Repeat("险", 5000)
	in.Photos = photos(20)
	in.Photos[0] = strings.Repeat("x", 500)
	_, err := f.svc.Report(ctx, f.actor("mayuan-1-head"), in)
	require.NoError(t, err)
}

// TestReportRouting checks grading and routing: the category's grade or the
// report's, and the handling cell at the grade's level or the location
// itself when it lies higher.
func TestReportRouting(t *testing.T) {
	f := newFixture(t)
	officer := f.actor("gc-duty-1")
	for _, c := range []struct {
		category hazard.Category
		grade    work.Grade
		location grid.CellID
		want     work.Grade
		handling string
		verify   string
	}{
		{hazard.Fire, 0, "mayuan-1-zhang", work.Major, "/gucheng/gc-east", "/gucheng"},
		{hazard.Gas, 0, "nanguan-2", work.Major, "/gucheng/gc-south", "/gucheng"},
		{hazard.Flood, 0, "zhaiwan-1", work.Ordinary, "/gucheng/gc-west/zhaiwan", "/gucheng/gc-west"},
		{hazard.Traffic, 0, "mayuan-1-zhang", work.Simple, "/gucheng/gc-east/mayuan/mayuan-1", "/gucheng/gc-east/mayuan"},
		{hazard.Other, work.Major, "mayuan-1", work.Major, "/gucheng/gc-east", "/gucheng"},
		{hazard.Fire, work.Simple, "mayuan-1", work.Simple, "/gucheng/gc-east/mayuan/mayuan-1", "/gucheng/gc-east/mayuan"},
		{hazard.Other, 0, "gc-east", work.Simple, "/gucheng/gc-east", "/gucheng"},
		{hazard.Fire, 0, "gucheng", work.Major, "/gucheng", "/gucheng"},
	} {
		h, err := f.svc.Report(ctx, officer, hazard.Report{Category: c.category, Grade: c.grade, Location: c.location, Description: "x"})
		require.NoError(t, err)
		assert.Equal(t, c.want, h.Grade, "%s at %s", c.category, c.location)
		assert.Equal(t, c.handling, h.Handling.String(), "%s at %s", c.category, c.location)
		assert.Equal(t, c.verify, h.VerifyCell().String(), "%s at %s", c.category, c.location)
		assert.Equal(t, "/gucheng", h.ReporterCell.String())
	}
	// The level-1 head verifies at the township itself.
	h, err := f.svc.Report(ctx, officer, hazard.Report{Category: hazard.Fire, Location: "gucheng", Description: "x", OnTheSpot: &hazard.Rectification{Evidence: "y"}})
	assert.ErrorIs(t, err, fourplusn.Forbidden, "the duty watch may not rectify")
	assert.Nil(t, h)
	h = must(t)(f.svc.Report(ctx, f.actor("gc-secretary"), hazard.Report{Category: hazard.Fire, Location: "gucheng", Description: "x", OnTheSpot: &hazard.Rectification{Evidence: "y"}}))
	h = must(t)(f.svc.Verify(ctx, f.actor("gc-secretary"), h.ID, 0, hazard.Verification{Passed: true}))
	assert.Equal(t, hazard.Closed, h.State)
}

// TestReportReferral records a referral's referrer on the hazard and in
// the report's event, and takes a referral that names none.
func TestReportReferral(t *testing.T) {
	f := newFixture(t)
	officer := f.actor("gc-duty-1")
	in := blockedDrain()
	in.Channel, in.ReferredBy = work.ChannelReferral, " 12345热线 "
	h := must(t)(f.svc.Report(ctx, officer, in))
	assert.Equal(t, "12345热线", h.ReferredBy)
	assert.Equal(t, officer.ID, h.Reporter, "the member who recorded it reported it")
	events, err := f.svc.Timeline(ctx, officer, h.ID)
	require.NoError(t, err)
	assert.Equal(t, "12345热线", events[0].Details["referred_by"])

	in.ReferredBy = ""
	h = must(t)(f.svc.Report(ctx, officer, in))
	assert.Empty(t, h.ReferredBy)
	events, err = f.svc.Timeline(ctx, officer, h.ID)
	require.NoError(t, err)
	assert.NotContains(t, events[0].Details, "referred_by")
}

// TestReportIdempotency retries a report under the same key.
func TestReportIdempotency(t *testing.T) {
	f := newFixture(t)
	head := f.actor("mayuan-1-head")
	in := blockedDrain()
	in.IdempotencyKey = "req-1"
	first := must(t)(f.svc.Report(ctx, head, in))
	again := must(t)(f.svc.Report(ctx, head, in))
	assert.Equal(t, first, again, "a retry returns the first hazard")
	assert.Len(t, f.all(t), 1)

	changed := in
	changed.Description = "另一处隐患"
	_, err := f.svc.Report(ctx, head, changed)
	assert.ErrorIs(t, err, fourplusn.Conflict, "a key reused for another report")
	_, err = f.svc.Report(ctx, f.actor("mayuan-2-head"), in)
	require.NoError(t, err, "keys are scoped to their actor")
	assert.Len(t, f.all(t), 2)
}

// TestRules checks the default rules and that Validate names what is wrong.
func TestRules(t *testing.T) {
	r := hazard.DefaultRules()
	require.NoError(t, r.Validate())
	assert.Equal(t, work.Major, r.Grade(hazard.Fire))
	assert.Equal(t, work.Major, r.Grade(hazard.Gas))
	for _, c := range []hazard.Category{hazard.Electrical, hazard.Structural, hazard.Flood} {
		assert.Equal(t, work.Ordinary, r.Grade(c), c)
	}
	for _, c := range []hazard.Category{hazard.Traffic, hazard.DisputeLead, hazard.Other, "unlisted"} {
		assert.Equal(t, work.Simple, r.Grade(c), c)
	}
	for _, c := range []struct {
		field string
		edit  func(*hazard.Rules)
	}{
		{"categories", func(r *hazard.Rules) { r.Categories = nil }},
		{"categories", func(r *hazard.Rules) { r.Categories["bad"] = 0 }},
		{"grades.major", func(r *hazard.Rules) { delete(r.Grades, work.Major) }},
		{"grades.simple.level", func(r *hazard.Rules) { r.Grades[work.Simple] = hazard.GradeRule{Level: 6, RectifyWithin: 1} }},
		{"grades.major.level", func(r *hazard.Rules) { r.Grades[work.Major] = hazard.GradeRule{Level: 4, RectifyWithin: 1} }},
		{"grades.ordinary.rectify_within", func(r *hazard.Rules) { r.Grades[work.Ordinary] = hazard.GradeRule{Level: 3} }},
		{"verify_within", func(r *hazard.Rules) { r.VerifyWithin = 0 }},
		{"at_risk", func(r *hazard.Rules) { r.AtRisk = 1 }},
		{"reminders[0]", func(r *hazard.Rules) { r.Reminders = []float64{0} }},
		{"reminders[1]", func(r *hazard.Rules) { r.Reminders = []float64{0.8, 0.5} }},
	} {
		r := hazard.DefaultRules()
		c.edit(&r)
		err := r.Validate()
		assert.Equal(t, c.field, fourplusn.ErrorField(err), "%v", err)
		_, err = hazard.NewService(hazard.Config{Store: memstore.NewHazards(), Cells: memstore.Grid{Tree: gridtest.Gucheng().Tree}, Policy: grid.DefaultPolicy(), Rules: r})
		assert.ErrorIs(t, err, fourplusn.Invalid, "the rules are at fault: %s", c.field)
	}
}

// TestStates checks the states' stable names.
func TestStates(t *testing.T) {
	var names []string
	for _, s := range hazard.States() {
		names = append(names, s.String())
		back, err := hazard.ParseState(s.String())
		require.NoError(t, err)
		assert.Equal(t, s, back)
	}
	assert.Equal(t, []string{"open", "rectified", "closed", "converted"}, names)
	_, err := hazard.ParseState("reopened")
	assert.Equal(t, "state", fourplusn.ErrorField(err))
	assert.Equal(t, "state(9)", hazard.State(9).String())
}

// TestTitles names the default categories and the states in Chinese, and
// a township's own category by its name; verified and converted hazards
// are the finished ones.
func TestTitles(t *testing.T) {
	var states []string
	for _, s := range hazard.States() {
		states = append(states, s.Title())
	}
	assert.Equal(t, []string{"待整改", "待验收", "已销号", "已转为案件"}, states)
	assert.Equal(t, "state(9)", hazard.State(9).Title())
	var finished []hazard.State
	for _, s := range hazard.States() {
		if s.Finished() {
			finished = append(finished, s)
		}
	}
	assert.Equal(t, []hazard.State{hazard.Closed, hazard.Converted}, finished)
	for c := range hazard.DefaultRules().Categories {
		assert.Regexp(t, `^\p{Han}+$`, c.Title(), c)
	}
	assert.Equal(t, "消防隐患", hazard.Fire.Title())
	assert.Equal(t, "井盖缺失", hazard.Category("井盖缺失").Title())
}

// TestNewService: a service is only built from what it needs, and keeps
// rules of its own that the caller's later changes do not reach.
func TestNewService(t *testing.T) {
	demo := gridtest.Gucheng()
	full := hazard.Config{Store: memstore.NewHazards(), Cells: memstore.Grid{Tree: demo.Tree}, Policy: grid.DefaultPolicy(), Rules: hazard.DefaultRules()}
	for name, edit := range map[string]func(*hazard.Config){
		"no store":  func(c *hazard.Config) { c.Store = nil },
		"no cells":  func(c *hazard.Config) { c.Cells = nil },
		"no policy": func(c *hazard.Config) { c.Policy = nil },
		"no rules":  func(c *hazard.Config) { c.Rules = hazard.Rules{} },
	} {
		c := full
		edit(&c)
		_, err := hazard.NewService(c)
		assert.Error(t, err, name)
	}
	svc, err := hazard.NewService(full)
	require.NoError(t, err)
	full.Rules.Categories[hazard.Traffic] = work.Major
	full.Rules.Reminders[0] = 0.1
	assert.Equal(t, hazard.DefaultRules(), svc.Rules(), "the service's rules are its own")
}
