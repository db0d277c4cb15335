package mediation_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
)

// planning returns an accepted case of the fixture with a member of the
// grid on its team, and the plan of a session tomorrow at the village
// committee to which that member and both parties are invited.
func planning(t *testing.T, f *fixture) (*mediation.Case, mediation.SessionPlan) {
	t.Helper()
	head := f.actor("mayuan-1-head")
	c := accepted(t, f, must(t)(f.svc.Register(ctx, head, neighbourDispute())))
	c = must(t)(f.svc.Join(ctx, head, c.ID, 0, mediation.Participant{Department: "grid", MemberID: "mayuan-1-head", Name: "马园一组组长"}))
	start := f.clock.Now().Add(24 * time.Hour)
	return c, mediation.SessionPlan{Start: start, Duration: 2 * time.Hour, Place: mediation.PlaceVillageCommittee, PlaceNote: "马园村委会议室",
		Team: []int{0}, Parties: []int{0, 1}, Note: "请双方带齐宅基地证明。"}
}

func TestPlanSessionRules(t *testing.T) {
	f := newFixture(t)
	head := f.actor("mayuan-1-head")
	c, plan := planning(t, f)

	for _, tc := range []struct {
		name  string
		edit  func(p *mediation.SessionPlan)
		field string
	}{
		{"in the past", func(p *mediation.SessionPlan) { p.Start = f.clock.Now().Add(-time.Minute) }, "start"},
		{"now", func(p *mediation.SessionPlan) { p.Start = f.clock.Now() }, "start"},
		{"beyond a year", func(p *mediation.SessionPlan) { p.Start = f.clock.Now().AddDate(1, 1, 0) }, "start"},
		{"ending before it begins", func(p *mediation.SessionPlan) { p.End = p.Start.Add(-time.Hour) }, "end"},
		{"a day long", func(p *mediation.SessionPlan) { p.Duration = 24 * time.Hour }, "end"},
		{"no one invited", func(p *mediation.SessionPlan) { p.Team, p.Parties = nil, nil }, "team"},
		{"a party not on the case", func(p *mediation.SessionPlan) { p.Parties = []int{2} }, "parties[0]"},
		{"a member invited twice", func(p *mediation.SessionPlan) { p.Team = []int{0, 0} }, "team[1]"},
		{"no place", func(p *mediation.SessionPlan) { p.Place = 0 }, "place"},
	} {
		p := plan
		tc.edit(&p)
		_, err := f.svc.PlanSession(ctx, head, c.ID, 0, p)
		assert.ErrorIs(t, err, fourplusn.Invalid, tc.name)
		assert.Equal(t, tc.field, fourplusn.ErrorField(err), tc.name)
	}
	assert.Empty(t, f.stored(t, c.ID).Planned, "a refused plan changes nothing")

	c = must(t)(f.svc.PlanSession(ctx, head, c.ID, c.Version, plan))
	require.Len(t, c.Planned, 1)
	p := c.Planned[0]
	uid := p.UID
	assert.Equal(t, string(c.ID)+"-1@fourplusn", uid)
	assert.Equal(t, 0, p.Sequence)
	assert.Equal(t, plan.Start.UTC(), p.Start)
	assert.Equal(t, plan.Start.Add(2*time.Hour).UTC(), p.End, "the duration gives the end")
	assert.Equal(t, mediation.Accepted, c.State, "planning a session is not holding one")

	// Re-planning the session keeps its UID and raises its sequence.
	plan.UID, plan.Start, plan.Place = uid, plan.Start.Add(time.Hour), mediation.PlaceStation
	c = must(t)(f.svc.PlanSession(ctx, head, c.ID, c.Version, plan))
	require.Len(t, c.Planned, 1)
	assert.Equal(t, uid, c.Planned[0].UID)
	assert.Equal(t, 1, c.Planned[0].Sequence)
	assert.Equal(t, mediation.PlaceStation, c.Planned[0].Place)

	c = must(t)(f.svc.CancelPlannedSession(ctx, head, c.ID, c.Version, uid, "被申请人外出务工"))
	assert.True(t, c.Planned[0].Cancelled)
	assert.Equal(t, 2, c.Planned[0].Sequence)
	_, err := f.svc.CancelPlannedSession(ctx, head, c.ID, 0, uid, "再取消一次")
	assert.ErrorIs(t, err, fourplusn.Conflict, "a cancelled session cannot be cancelled again")
	_, err = f.svc.PlanSession(ctx, head, c.ID, 0, plan)
	assert.ErrorIs(t, err, fourplusn.Conflict, "nor planned again")
	_, err = f.svc.CancelPlannedSession(ctx, head, c.ID, 0, "nothing@fourplusn", "没有这次")
	assert.ErrorIs(t, err, fourplusn.NotFound)
	assert.Equal(t, "uid", fourplusn.ErrorField(err))
	_, err = f.svc.CancelPlannedSession(ctx, head, c.ID, 0, uid, "")
	assert.Equal(t, "reason", fourplusn.ErrorField(err))

	events, err := f.svc.Timeline(ctx, head, c.ID)
	require.NoError(t, err)
	var actions []string
	for _, e := range events {
		actions = append(actions, string(e.Action))
	}
	assert.Equal(t, []string{"registered", "accepted", "team.joined", "session.planned", "session.planned", "session.cancelled"}, actions)
	assert.Equal(t, "1", events[4].Details["sequence"])
	assert.Equal(t, "被申请人外出务工", events[5].Details["reason"])
}

func TestPlanSessionPermissions(t *testing.T) {
	f := newFixture(t)
	c, plan := planning(t, f)
	// Planning is mediating: who may record a session may plan one.
	for _, a := range []grid.Actor{f.actor("mayuan-2-head"), f.actor("mayuan-1-zhang-elder"), grid.ResidentActor("r-2", "gucheng")} {
		_, err := f.svc.PlanSession(ctx, a, c.ID, 0, plan)
		assert.ErrorIs(t, err, fourplusn.NotFound, "%s does not learn the case exists", a.ID)
	}
	_, err := f.svc.PlanSession(ctx, grid.Actor{}, c.ID, 0, plan)
	assert.ErrorIs(t, err, fourplusn.Unauthorized)
	c = must(t)(f.svc.PlanSession(ctx, f.actor("gc-land"), c.ID, 0, plan))
	assert.Equal(t, "gc-land", c.Planned[0].By, "a partner of the team plans too")
	_, err = f.svc.CancelPlannedSession(ctx, f.actor("mayuan-2-head"), c.ID, 0, c.Planned[0].UID, "不来了")
	assert.ErrorIs(t, err, fourplusn.NotFound)
	c = must(t)(f.svc.CancelPlannedSession(ctx, f.actor("mayuan-head"), c.ID, 0, c.Planned[0].UID, "改期"))
	assert.True(t, c.Planned[0].Cancelled, "the cell above may cancel")

	registered := must(t)(f.svc.Register(ctx, f.actor("mayuan-1-head"), neighbourDispute()))
	plan.Team = nil
	_, err = f.svc.PlanSession(ctx, f.actor("mayuan-1-head"), registered.ID, 0, plan)
	assert.ErrorIs(t, err, fourplusn.Conflict, "a case not accepted has no sessions planned")
}

func TestRecordPlannedSession(t *testing.T) {
	f := newFixture(t)
	head := f.actor("mayuan-1-head")
	c, plan := planning(t, f)
	c = must(t)(f.svc.PlanSession(ctx, head, c.ID, 0, plan))
	uid := c.Planned[0].UID
	f.clock.Advance(25 * time.Hour)
	held := session(f.clock.Now(), mediation.PlaceVillageCommittee, mediation.Progress)
	held.Planned = uid
	c = must(t)(f.svc.RecordSession(ctx, head, c.ID, 0, held))
	assert.Equal(t, 1, c.Planned[0].Held)
	assert.Equal(t, uid, c.Sessions[0].Planned)
	_, err := f.svc.RecordSession(ctx, head, c.ID, 0, held)
	assert.ErrorIs(t, err, fourplusn.Conflict, "a planned session is held once")
	held.Planned = "nothing@fourplusn"
	_, err = f.svc.RecordSession(ctx, head, c.ID, 0, held)
	assert.Equal(t, "session.planned", fourplusn.ErrorField(err))
	_, err = f.svc.CancelPlannedSession(ctx, head, c.ID, 0, uid, "已经开过")
	assert.ErrorIs(t, err, fourplusn.Conflict, "a session held is not cancelled")
}

// members names the demo's members for the calendar.
func (f *fixture) members(id string) (string, string, bool) {
	m := f.demo.Member(grid.MemberID(id))
	return m.Name, m.Phone, m.ID != ""
}

// parseCalendar writes c's calendar with o and parses it back.
func parseCalendar(t *testing.T, c *mediation.Case, o mediation.CalendarOptions) (*ics.Calendar, string) {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, c.WriteCalendar(&buf, o))
	cal, err := ics.ParseCalendar(strings.NewReader(buf.String()))
	require.NoError(t, err)
	return cal, buf.String()
}

// property returns the value of cal's property p, "" if it has none.
func property(cal *ics.Calendar, p ics.Property) string {
	for _, cp := range cal.CalendarProperties {
		if cp.IANAToken == string(p) {
			return cp.Value
		}
	}
	return ""
}

func TestWriteCalendar(t *testing.T) {
	f := newFixture(t)
	head := f.actor("mayuan-1-head")
	c, plan := planning(t, f)
	c = must(t)(f.svc.PlanSession(ctx, head, c.ID, 0, plan))
	stamp := f.clock.Now()
	f.clock.Advance(time.Minute)
	second := plan
	second.Start, second.Parties = plan.Start.Add(48*time.Hour), []int{1}
	c = must(t)(f.svc.PlanSession(ctx, head, c.ID, 0, second))
	o := mediation.CalendarOptions{Member: f.members}

	cal, text := parseCalendar(t, c, o)
	assert.Equal(t, "REQUEST", property(cal, ics.PropertyMethod))
	assert.Equal(t, "2.0", property(cal, ics.PropertyVersion))
	assert.NotEmpty(t, property(cal, ics.PropertyProductId))
	events := cal.Events()
	require.Len(t, events, 2)
	e := events[0]
	assert.Equal(t, c.Planned[0].UID, e.Id())
	assert.Equal(t, stamp.UTC(), value(t)(e.GetDtStampTime()))
	assert.Equal(t, plan.Start.UTC(), value(t)(e.GetStartAt()))
	assert.Equal(t, plan.Start.Add(2*time.Hour).UTC(), value(t)(e.GetEndAt()))
	assert.Equal(t, "村委会 马园村委会议室", e.GetProperty(ics.ComponentPropertyLocation).Value)
	assert.Equal(t, "调解会："+c.Number.String(), e.GetProperty(ics.ComponentPropertySummary).Value)
	assert.Equal(t, "0", e.GetProperty(ics.ComponentPropertySequence).Value)
	assert.Equal(t, "CONFIRMED", e.GetProperty(ics.ComponentPropertyStatus).Value)
	attendees := e.Attendees()
	require.Len(t, attendees, 3, "the member and both parties")
	assert.Equal(t, "tel:+86"+f.demo.Member("mayuan-1-head").Phone, attendees[0].Value)
	assert.Equal(t, "tel:+8613900001111", attendees[1].Value)
	assert.Equal(t, []string{"王某某"}, attendees[1].ICalParameters["CN"])
	assert.Equal(t, []string{f.demo.Member("mayuan-1-head").Name}, e.GetProperty(ics.ComponentPropertyOrganizer).ICalParameters["CN"])
	assert.Len(t, events[1].Attendees(), 2)
	assert.Contains(t, text, "\r\n", "lines end in CRLF")

	// The cancelled session leaves the list, and its own invitation
	// becomes a cancellation with its sequence raised.
	c = must(t)(f.svc.CancelPlannedSession(ctx, head, c.ID, 0, c.Planned[0].UID, "改期"))
	cal, _ = parseCalendar(t, c, o)
	require.Len(t, cal.Events(), 1)
	assert.Equal(t, c.Planned[1].UID, cal.Events()[0].Id())
	o.Session = c.Planned[0].UID
	cal, _ = parseCalendar(t, c, o)
	assert.Equal(t, "CANCEL", property(cal, ics.PropertyMethod))
	require.Len(t, cal.Events(), 1)
	assert.Equal(t, "CANCELLED", cal.Events()[0].GetProperty(ics.ComponentPropertyStatus).Value)
	assert.Equal(t, "1", cal.Events()[0].GetProperty(ics.ComponentPropertySequence).Value)
	o.Session = "nothing@fourplusn"
	assert.ErrorIs(t, c.WriteCalendar(&bytes.Buffer{}, o), fourplusn.NotFound)
}

func TestWriteCalendarMasked(t *testing.T) {
	f := newFixture(t)
	c, plan := planning(t, f)
	c = must(t)(f.svc.PlanSession(ctx, f.actor("mayuan-1-head"), c.ID, 0, plan))
	seen := must(t)(f.svc.Get(ctx, f.actor("gc-land"), c.ID))
	require.True(t, seen.Masked)
	cal, text := parseCalendar(t, seen, mediation.CalendarOptions{Member: f.members})
	attendees := cal.Events()[0].Attendees()
	require.Len(t, attendees, 3, "masking hides who they are, not that they are invited")
	assert.Equal(t, []string{seen.Applicants[0].Name}, attendees[1].ICalParameters["CN"])
	assert.Equal(t, "王**", seen.Applicants[0].Name)
	assert.True(t, strings.HasSuffix(attendees[1].Value, "@fourplusn.invalid"), attendees[1].Value)
	for _, personal := range []string{"王某某", "张某某", "13900001111", "13900002222", "1111"} {
		assert.NotContains(t, text, personal)
	}
}

// value returns a function that fails t on an error and returns the time.
func value(t *testing.T) func(time.Time, error) time.Time {
	return func(v time.Time, err error) time.Time {
		t.Helper()
		require.NoError(t, err)
		return v
	}
}
