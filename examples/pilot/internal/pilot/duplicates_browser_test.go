package pilot_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// registerDispute fills in and sends the registration form on tab.
func registerDispute(t *testing.T, tab context.Context, base, channel, phone, facts string) {
	t.Helper()
	do(t, tab, "the registration form", chromedp.Navigate(base+"/cases/new"), chromedp.WaitVisible(chromedp.CSS("#register-submit")))
	do(t, tab, "the dispute",
		chromedp.SetValue(chromedp.CSS("#channel"), channel),
		chromedp.SendKeys(chromedp.CSS("#name"), "刘秀英"),
		chromedp.SendKeys(chromedp.CSS("#phone"), phone),
		chromedp.SendKeys(chromedp.CSS("#respondent"), "王某"),
		chromedp.SetValue(chromedp.CSS("#category"), "neighbour"),
		chromedp.SetValue(chromedp.CSS("#location"), "mayuan-1"),
		chromedp.SendKeys(chromedp.CSS("#facts"), facts),
		chromedp.SetValue(chromedp.CSS("#route"), "mayuan"),
	)
	click(t, tab, "register", "#register-submit")
}

// fits reports whether tab's page fits a phone's width.
func fits(t *testing.T, tab context.Context) {
	t.Helper()
	wide, err := chromedp.Run(tab, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	require.NoError(t, err)
	assert.False(t, wide, "the page fits a phone's width")
}

// TestBrowserDuplicates registers one quarrel at the station and again
// from the WeCom group, on phones (390 × 844): right after the second
// registration its page shows the first under 可能重复的案件 with the
// reasons, and so does the duty officer's console; merging links the
// later into the earlier, whose page then says it was received through
// WeCom too, while the later says it was merged, with a link, and in
// place of its actions, that none can be taken on it there. A third
// registration, another quarrel of the same family, is kept apart with a
// reason and is offered no more.
func TestBrowserDuplicates(t *testing.T) {
	exe := chromium(t)
	_, ts := newPilot(t)
	dir := screenshots(t)
	duty, head := browser(t, exe)
	base := ts.URL
	phone := chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)

	do(t, head, "phone", phone)
	login(t, head, base, "mayuan-head")
	registerDispute(t, head, base, "walk_in", "13912340000", "邻居在公共通道堆放柴草，影响通行，双方多次争吵。")
	assert.NotContains(t, text(t, head, "#flash"), "可能重复", "the first arrival has none")
	first, err := chromedp.Run(head, chromedp.Location())
	require.NoError(t, err)

	do(t, duty, "phone", phone)
	login(t, duty, base, "gc-duty-1")
	registerDispute(t, duty, base, "wecom", "13912340000", "群里反映：邻居把柴草堆放在公共通道上，影响通行，两家吵了好几次。")
	assert.Contains(t, text(t, duty, "#flash"), "发现1件可能重复的案件", "shown to the registrar at registration")
	second, err := chromedp.Run(duty, chromedp.Location())
	require.NoError(t, err)
	block := text(t, duty, "#duplicates")
	for _, want := range []string{"可能重复的案件", "来访", "刘秀英", "当事人手机号码相同", "发生在同一网格", "事实描述相近", "合并为同一案件", "不是重复"} {
		assert.Contains(t, block, want)
	}
	fits(t, duty)
	shot(t, duty, dir, "pilot-duplicates")
	shotOf(t, duty, dir, "pilot-duplicates-block", "#duplicates")

	do(t, duty, "the console", chromedp.Navigate(base+"/console"), chromedp.WaitVisible(chromedp.CSS(".duplicates")))
	assert.Contains(t, text(t, duty, "#console-list"), "可能重复的案件")
	fits(t, duty)
	shot(t, duty, dir, "pilot-duplicates-console")

	do(t, duty, "back to the second case", chromedp.Navigate(second), chromedp.WaitVisible(chromedp.CSS("#duplicates")))
	click(t, duty, "merge", "#duplicates .dup-merge")
	assert.Contains(t, text(t, duty, "#flash"), "已并入")
	assert.Contains(t, text(t, duty, "#also-received"), "另经企业微信渠道受理")
	assert.Contains(t, text(t, duty, "#also-received"), "首问责任人 ")
	do(t, duty, "no candidates left", chromedp.WaitNotPresent(chromedp.CSS("#duplicates")))
	fits(t, duty)
	shot(t, duty, dir, "pilot-duplicates-kept")
	do(t, duty, "the merged case", chromedp.Navigate(second), chromedp.WaitVisible(chromedp.CSS("#merged-into")))
	assert.Contains(t, text(t, duty, "#merged-into"), "已并入")
	href, err := chromedp.Run(duty, chromedp.AttributeValue(chromedp.CSS("#merged-into a"), "href"))
	require.NoError(t, err)
	assert.Equal(t, first, base+href.Value, "the link leads to the case that stays")
	// Nothing can be done on the merged case: no empty panel of actions,
	// but a line that says why, and where the work goes on.
	assert.Contains(t, text(t, duty, "#no-actions"), "本件已合并至")
	assert.Contains(t, text(t, duty, "#no-actions"), "请到该案件中办理")
	href, err = chromedp.Run(duty, chromedp.AttributeValue(chromedp.CSS("#no-actions a"), "href"))
	require.NoError(t, err)
	assert.Equal(t, first, base+href.Value)
	panels, err := chromedp.Run(duty, chromedp.Evaluate[int](`document.querySelectorAll(".actions-panel").length`))
	require.NoError(t, err)
	assert.Zero(t, panels, "no panel of actions")
	fits(t, duty)
	shot(t, duty, dir, "pilot-duplicates-merged")

	registerDispute(t, head, base, "walk_in", "13912340000", "邻居在公共通道停放三轮车，影响通行，双方争吵。")
	assert.Contains(t, text(t, head, "#flash"), "可能重复")
	do(t, head, "the reason", chromedp.SendKeys(chromedp.CSS("#duplicates .dup-reason"), "是另一件事：三轮车，不是柴草"))
	click(t, head, "keep apart", "#duplicates .dup-keep")
	assert.Contains(t, text(t, head, "#flash"), "已记为不是重复")
	do(t, head, "no candidates left", chromedp.WaitNotPresent(chromedp.CSS("#duplicates")))
	assert.Contains(t, text(t, head, "body"), "核对为不是重复")
	assert.Contains(t, text(t, head, "body"), "是另一件事：三轮车，不是柴草")
	fits(t, head)
	shot(t, head, dir, "pilot-duplicates-apart")
}
