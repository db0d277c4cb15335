package pilot_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
)

// TestBrowserFollowUpReopen takes a dispute to an oral agreement on a
// phone (390 × 844), records a follow-up visit asking each party's
// satisfaction, the respondent unsatisfied, and reopens the case: the
// form offers reopening only after such a visit, the timeline records the
// answers and the reason, and the case is in mediation again. The
// dashboard counts the answers in its satisfaction rate, and defines it
// and the recurrence rate.
func TestBrowserFollowUpReopen(t *testing.T) {
	exe := chromium(t)
	_, ts := newPilot(t)
	dir := screenshots(t)
	_, tab := browser(t, exe)
	base := ts.URL

	do(t, tab, "phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	login(t, tab, base, "mayuan-head")
	do(t, tab, "the console", chromedp.Navigate(base+"/console"), chromedp.WaitVisible(chromedp.CSS("#new-case")))
	click(t, tab, "register", "#new-case")
	do(t, tab, "the dispute",
		chromedp.SetValue(chromedp.CSS("#channel"), "walk_in"),
		chromedp.SendKeys(chromedp.CSS("#name"), "刘秀英"),
		chromedp.SendKeys(chromedp.CSS("#phone"), "13912340000"),
		chromedp.SendKeys(chromedp.CSS("#respondent"), "王某"),
		chromedp.SetValue(chromedp.CSS("#category"), "neighbour"),
		chromedp.SetValue(chromedp.CSS("#location"), "mayuan-1"),
		chromedp.SendKeys(chromedp.CSS("#facts"), "王某建房占用刘家排水沟，雨天积水。"),
		chromedp.SetValue(chromedp.CSS("#route"), "mayuan"),
	)
	click(t, tab, "register and route", "#register-submit")
	click(t, tab, "accept", "#do-accept")
	do(t, tab, "session",
		chromedp.SetValue(chromedp.CSS("#session-place"), "village_committee"),
		chromedp.SendKeys(chromedp.CSS("#session-notes"), "听取双方意见。"),
		chromedp.SetValue(chromedp.CSS("#session-outcome"), "settled"),
	)
	click(t, tab, "save the session", "#do-session")
	do(t, tab, "oral agreement",
		chromedp.SendKeys(chromedp.CSS("#oral-disputes"), "排水沟"),
		chromedp.SendKeys(chromedp.CSS("#oral-terms"), "王某十日内疏通排水沟。"),
	)
	click(t, tab, "record the agreement", "#do-oral")
	do(t, tab, "no reopening before a visit", chromedp.WaitNotPresent(chromedp.CSS("#do-reopen")))

	do(t, tab, "the visit",
		chromedp.Click(chromedp.CSS(`input[name="performed"]`)),
		chromedp.SetValue(chromedp.CSS("#followup-satisfaction-0"), "unsatisfied"),
		chromedp.SetValue(chromedp.CSS("#followup-satisfaction-1"), "fairly_satisfied"),
		chromedp.SendKeys(chromedp.CSS("#followup-notes"), "排水沟未疏通，申请人不满意。"),
	)
	shotOf(t, tab, dir, "pilot-followup-satisfaction", `form[action$="/followup"]`)
	click(t, tab, "record the follow-up", "#do-followup")
	assert.Contains(t, text(t, tab, "#flash"), "可重新调解")
	assert.Contains(t, text(t, tab, "#timeline"), "协议未履行；询问满意度2人，满意及基本满意1人")
	do(t, tab, "the reason", chromedp.SendKeys(chromedp.CSS("#reopen-reason"), "王某未按期疏通排水沟"))
	wide, err := chromedp.Run(tab, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	assert.NoError(t, err)
	assert.False(t, wide, "the page fits a phone's width")
	shotOf(t, tab, dir, "pilot-reopen-form", "#reopen-form")

	click(t, tab, "reopen", "#do-reopen")
	assert.Contains(t, text(t, tab, "#flash"), "已重新进入调解")
	assert.Contains(t, text(t, tab, "#case-state"), "调解中")
	timeline := text(t, tab, "#timeline")
	assert.Contains(t, timeline, "重新调解")
	assert.Contains(t, timeline, "理由：王某未按期疏通排水沟")
	assert.NotRegexp(t, `[A-Za-z]`, timeline, "no English word on the timeline")
	do(t, tab, "no reopening twice", chromedp.WaitNotPresent(chromedp.CSS("#do-reopen")))
	shot(t, tab, dir, "pilot-reopened")

	do(t, tab, "the dashboard",
		chromedp.Navigate(base+"/dashboard"), chromedp.WaitVisible(chromedp.CSS("#rate-satisfaction")),
		chromedp.Click(chromedp.CSS("#rate-satisfaction summary")), chromedp.WaitVisible(chromedp.CSS("#rate-satisfaction p")))
	rate := text(t, tab, "#rate-satisfaction")
	assert.Contains(t, rate, "满意率")
	assert.Contains(t, rate, "满意及基本满意1人 / 回访询问2人", "the seeded visits ask nobody; this one asked two")
	assert.Contains(t, rate, "（满意人数 + 基本满意人数）÷ 询问人数")
	shotOf(t, tab, dir, "pilot-dashboard-satisfaction", "#rate-satisfaction")
	do(t, tab, "the recurrence rate", chromedp.Click(chromedp.CSS("#rate-recurrence summary")), chromedp.WaitVisible(chromedp.CSS("#rate-recurrence p")))
	assert.Contains(t, text(t, tab, "#rate-recurrence"), "重复纠纷件数 ÷ 本期登记件数")
	shotOf(t, tab, dir, "pilot-dashboard-recurrence", "#rate-recurrence")
}
