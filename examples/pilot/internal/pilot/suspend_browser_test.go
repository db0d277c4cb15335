package pilot_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
)

// TestBrowserSuspendResume registers a dispute, accepts it and suspends
// its mediation on a phone (390 × 844): the case page shows it suspended,
// with the reason, and offers only to resume; resuming says how far the
// time to resolve moved, and the timeline records both steps.
func TestBrowserSuspendResume(t *testing.T) {
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
		chromedp.SendKeys(chromedp.CSS("#facts"), "邻居在公共通道堆放柴草，影响通行，双方多次争吵。"),
		chromedp.SetValue(chromedp.CSS("#route"), "mayuan"),
	)
	click(t, tab, "register and route", "#register-submit")
	click(t, tab, "accept", "#do-accept")
	do(t, tab, "no resuming a case not suspended", chromedp.WaitNotPresent(chromedp.CSS("#do-resume")))

	do(t, tab, "the reason", chromedp.SendKeys(chromedp.CSS("#suspend-reason"), "被申请人外出务工，春节后返乡"))
	click(t, tab, "suspend", "#do-suspend")
	assert.Contains(t, text(t, tab, "#flash"), "已中止调解")
	assert.Equal(t, "中止·等待当事人", text(t, tab, "#suspended-badge"))
	assert.Contains(t, text(t, tab, ".facts"), "被申请人外出务工，春节后返乡（中止期间办结时限不计）")
	assert.Contains(t, text(t, tab, "body"), "中止调解")
	do(t, tab, "no suspending twice", chromedp.WaitNotPresent(chromedp.CSS("#do-suspend")))
	wide, err := chromedp.Run(tab, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	assert.NoError(t, err)
	assert.False(t, wide, "the page fits a phone's width")
	shot(t, tab, dir, "pilot-suspended")
	shotOf(t, tab, dir, "pilot-suspended-facts", "dl.facts")
	shotOf(t, tab, dir, "pilot-suspended-resume", "#resume-form")

	click(t, tab, "resume", "#do-resume")
	assert.Contains(t, text(t, tab, "#flash"), "已恢复调解，办结时限顺延至")
	do(t, tab, "no badge", chromedp.WaitNotPresent(chromedp.CSS("#suspended-badge")))
	assert.Contains(t, text(t, tab, "body"), "恢复调解")
	do(t, tab, "suspend offered again", chromedp.WaitVisible(chromedp.CSS("#do-suspend")))
	shot(t, tab, dir, "pilot-resumed")
}
