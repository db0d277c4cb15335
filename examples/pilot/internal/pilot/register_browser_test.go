package pilot_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
)

// TestBrowserRegisterAndRoute registers a walk-in dispute on a phone
// (390 × 844) as the duty officer, routing it in the same step; the case
// page confirms it and says whose turn it is, and the committee's head
// accepts it once.
func TestBrowserRegisterAndRoute(t *testing.T) {
	exe := chromium(t)
	_, ts := newPilot(t)
	dir := screenshots(t)
	_, tab := browser(t, exe)
	base := ts.URL
	phone := chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)

	do(t, tab, "phone", phone)
	login(t, tab, base, "gc-duty-1")
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
	wide, err := chromedp.Run(tab, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	assert.NoError(t, err)
	assert.False(t, wide, "the form fits a phone's width")
	shot(t, tab, dir, "pilot-register")
	click(t, tab, "register and route", "#register-submit")
	assert.Contains(t, text(t, tab, "#flash"), "已分派至马园村委，等待其受理。")
	assert.Equal(t, "待马园村委受理", text(t, tab, "#case-state"))
	do(t, tab, "no accepting for the committee", chromedp.WaitNotPresent(chromedp.CSS("#do-accept")))
	shot(t, tab, dir, "pilot-registered")
	url, err := chromedp.Run(tab, chromedp.Location())
	assert.NoError(t, err)

	click(t, tab, "logout", `form[action="/logout"] button`)
	login(t, tab, base, "mayuan-head")
	do(t, tab, "the case", chromedp.Navigate(url))
	click(t, tab, "accept", "#do-accept")
	assert.Contains(t, text(t, tab, "#flash"), "已受理")
	assert.Equal(t, "马园村委已受理，待调解", text(t, tab, "#case-state"))
	shot(t, tab, dir, "pilot-accepted")
}
