package pilot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// TestBrowserPlanSession plans a session on a phone (390 × 844): a time
// in the past is refused in Chinese beside its input, with what was typed
// kept; a good one is listed with its invitees and a link to its
// invitation, an iCalendar file that parses back with a VEVENT per
// session and an ATTENDEE per invitee; cancelled, its invitation becomes
// a cancellation.
func TestBrowserPlanSession(t *testing.T) {
	exe := chromium(t)
	app, ts := newPilot(t)
	dir := screenshots(t)
	_, tab := browser(t, exe)
	base := ts.URL
	phone := chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)

	head, _ := app.Member("mayuan-head")
	ctx := context.Background()
	c, err := app.Cases.Register(ctx, head.Actor(), mediation.Intake{
		Channel: work.ChannelWalkIn, Category: mediation.Neighbour, Location: grid.CellID("mayuan-1"), Facts: "两家因排水沟堵塞互相指责。",
		Applicants: []mediation.Party{{Name: "王某某", Phone: "13900001111"}}, Respondents: []mediation.Party{{Name: "张某某"}},
	})
	require.NoError(t, err)
	c, err = app.Cases.Accept(ctx, head.Actor(), c.ID, c.Version)
	require.NoError(t, err)
	_, err = app.Cases.Join(ctx, head.Actor(), c.ID, 0, mediation.Participant{Department: "grid", MemberID: string(head.ID), Name: head.Name, Role: "社区书记"})
	require.NoError(t, err)

	login(t, tab, base, "mayuan-head")
	page := base + "/cases/" + string(c.ID)
	do(t, tab, "the case page", phone, chromedp.Navigate(page))
	assert.Contains(t, text(t, tab, "main"), "尚未安排。", "no session planned yet")
	past := app.Now().Add(-24 * time.Hour).In(work.Zone).Format("2006-01-02T15:04")
	do(t, tab, "a time in the past",
		chromedp.SetValue(chromedp.CSS("#plan-start"), past),
		chromedp.SetValue(chromedp.CSS("#plan-place"), "village_committee"),
		chromedp.SendKeys(chromedp.CSS("#plan-place-note"), "马园村委会议室"),
		chromedp.Click(chromedp.CSS(`#plan-team input[value="0"]`)),
		chromedp.Click(chromedp.CSS(`#plan-parties input[value="0"]`)),
		chromedp.Click(chromedp.CSS(`#plan-parties input[value="1"]`)),
	)
	assert.GreaterOrEqual(t, submit(t, tab, "plan it", "#do-plan"), int64(400))
	assert.Contains(t, text(t, tab, "#plan-start-error"), "须在现在之后")
	checked, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll("#plan-form input:checked").length`))
	require.NoError(t, err)
	assert.Equal(t, 3, checked, "the invitees ticked are kept")
	shotOf(t, tab, dir, "plan-form-refused-phone", "#plan-form")

	start := app.Now().Add(48 * time.Hour).In(work.Zone).Truncate(time.Minute)
	do(t, tab, "a time ahead", chromedp.SetValue(chromedp.CSS("#plan-start"), start.Format("2006-01-02T15:04")),
		chromedp.SetValue(chromedp.CSS("#plan-minutes"), "120"))
	click(t, tab, "plan it", "#do-plan")
	planned := text(t, tab, "#planned")
	assert.Contains(t, planned, "村委会（马园村委会议室）")
	assert.Contains(t, planned, "邀请："+head.Name+"、王某某、张某某")
	assert.Contains(t, planned, "待举行")
	assert.Contains(t, planned, "下载日历邀请（.ics）")
	assert.Contains(t, text(t, tab, "#timeline"), "安排调解会")
	shotOf(t, tab, dir, "plan-session-phone", "#planned")
	shot(t, tab, dir, "plan-session-page-phone")
	width, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	require.NoError(t, err)
	assert.LessOrEqual(t, width, 390, "nothing wider than the phone")

	invitation := func() *ics.Calendar {
		t.Helper()
		body, err := chromedp.Run(tab, chromedp.Evaluate[string](`(() => {
			const x = new XMLHttpRequest();
			x.open("GET", document.querySelector("#planned a.ics").href, false);
			x.send();
			return x.getResponseHeader("Content-Type") + "\n" + x.responseText;
		})()`))
		require.NoError(t, err)
		kind, cal, _ := strings.Cut(body, "\n")
		assert.Equal(t, "text/calendar; charset=utf-8", kind)
		parsed, err := ics.ParseCalendar(strings.NewReader(cal))
		require.NoError(t, err)
		return parsed
	}
	cal := invitation()
	require.Len(t, cal.Events(), 1)
	ev := cal.Events()[0]
	got, err := ev.GetStartAt()
	require.NoError(t, err)
	assert.Equal(t, start.UTC(), got)
	end, err := ev.GetEndAt()
	require.NoError(t, err)
	assert.Equal(t, start.Add(2*time.Hour).UTC(), end)
	assert.Len(t, ev.Attendees(), 3)
	assert.Equal(t, "CONFIRMED", ev.GetProperty(ics.ComponentPropertyStatus).Value)

	do(t, tab, "why it is called off", chromedp.SendKeys(chromedp.CSS(".cancel-session input[name=reason]"), "被申请人外出务工"))
	click(t, tab, "cancel it", ".cancel-session button")
	assert.Contains(t, text(t, tab, "#planned"), "已取消：被申请人外出务工")
	cal = invitation()
	var method string
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == string(ics.PropertyMethod) {
			method = p.Value
		}
	}
	assert.Equal(t, "CANCEL", method)
	assert.Equal(t, "1", cal.Events()[0].GetProperty(ics.ComponentPropertySequence).Value)
	shotOf(t, tab, dir, "plan-session-cancelled-phone", "#planned")
}
