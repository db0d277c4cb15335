package pilot_test

import (
	"image/color"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/hazard"
)

// TestBrowserHazard follows a hazard through the pilot in a real browser,
// on a phone's screen (390 × 844): 马园's grid worker blows the whistle on
// bare wires with a photo, and the page says why the hazard is yellow and
// goes to the village committee; the duty console shows it; the village
// committee's head rectifies it with
// an after-photo; the east sector's head, the upper post, verifies it; the
// hazard's page then shows each photo where it belongs.
func TestBrowserHazard(t *testing.T) {
	exe := chromium(t)
	app, ts := newPilot(t)
	dir := screenshots(t)
	_, tab := browser(t, exe)
	base := ts.URL
	files := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(files, name)
		require.NoError(t, os.WriteFile(p, data, 0o600))
		return p
	}
	phone := chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)
	narrow := func(step string) {
		t.Helper()
		width, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		require.NoError(t, err)
		assert.LessOrEqual(t, width, 390, "%s: nothing wider than the phone", step)
	}
	// thumbnails counts the thumbnails of the photos of part sel that the
	// browser loaded.
	thumbnails := func(sel string) int {
		t.Helper()
		do(t, tab, "thumbnails load", chromedp.Poll[chromedp.Void](`Array.from(document.querySelectorAll("`+sel+` img")).every(i => i.complete)`))
		n, err := chromedp.Run(tab, chromedp.Evaluate[int](`Array.from(document.querySelectorAll("`+sel+` img")).filter(i => i.naturalWidth > 0).length`))
		require.NoError(t, err)
		return n
	}

	login(t, tab, base, "mayuan-security")
	do(t, tab, "the worker opens the whistle report", phone, chromedp.Navigate(base+"/hazards"))
	click(t, tab, "to the report", "#new-hazard")
	do(t, tab, "the worker fills in the report",
		chromedp.SetValue(chromedp.CSS("#category"), "electrical"),
		chromedp.SetValue(chromedp.CSS("#location"), "mayuan-1"),
		chromedp.SendKeys(chromedp.CSS("#description"), "马园一组仓库私拉电线，线头裸露，雨天易漏电。"),
		chromedp.SetUploadFiles(chromedp.CSS("#photos"), []string{write("线头.jpg", photo(t, 1200, 900, color.RGBA{0x9a, 0x5a, 0x2a, 0xff}))}),
	)
	assert.Equal(t, "线头.jpg", text(t, tab, `.file-name[data-for~="photos"]`))
	narrow("the report form")
	shot(t, tab, dir, "hazard-01-report-phone")
	click(t, tab, "blow the whistle", "#submit")
	assert.Equal(t, "待整改", text(t, tab, "#hazard-state"))
	assert.Equal(t, 1, thumbnails("#photos-found"), "the photo as found")
	h := newestHazard(t, app)
	// Why it is yellow and why the village committee has it, unfolded.
	do(t, tab, "unfold the grading", chromedp.Click(chromedp.CSS("#grading summary")), chromedp.WaitVisible(chromedp.CSS("#grading li")))
	assert.Equal(t, "类别“用电隐患”默认等级为黄色·一般\n黄色·一般隐患由三级网格办理", text(t, tab, "#grading ul"))
	narrow("the grading")
	shot(t, tab, dir, "hazard-01a-grading-phone")
	page := base + "/hazards/" + string(h.ID)
	click(t, tab, "logout", `form[action="/logout"] button`)

	// The duty console lists the new report with its photo.
	login(t, tab, base, "gc-duty-1")
	do(t, tab, "the duty console", phone, chromedp.Navigate(base+"/console"))
	item := `[id='hazard-` + string(h.ID) + `']` // the ID holds a dot
	assert.Equal(t, 1, thumbnails(item), "the report's photo on the console")
	narrow("the console")
	shotOf(t, tab, dir, "hazard-01b-console-phone", item)
	click(t, tab, "logout", `form[action="/logout"] button`)

	login(t, tab, base, "mayuan-head")
	do(t, tab, "the village head rectifies",
		phone,
		chromedp.Navigate(page),
		chromedp.SendKeys(chromedp.CSS("#rectify-evidence"), "已拆除私拉电线，由电工规范布线并加装漏电保护器。"),
		chromedp.SetUploadFiles(chromedp.CSS("#rectify-photos"), []string{write("整改后.jpg", photo(t, 900, 1200, color.RGBA{0x3a, 0x7a, 0x9a, 0xff}))}),
	)
	shotOf(t, tab, dir, "hazard-02-rectify-phone", "#rectify-form")
	click(t, tab, "rectified", "#do-rectify")
	assert.Equal(t, "待验收", text(t, tab, "#hazard-state"))
	assert.Equal(t, 1, thumbnails("#photos-rectification-1"), "the after-photo")
	click(t, tab, "logout", `form[action="/logout"] button`)

	login(t, tab, base, "gc-east-head")
	do(t, tab, "the sector head verifies",
		phone,
		chromedp.Navigate(page),
		chromedp.Click(chromedp.CSS("#verify-passed")),
		chromedp.SendKeys(chromedp.CSS("#verify-notes"), "现场查看，布线规范。"),
		chromedp.SetUploadFiles(chromedp.CSS("#verify-photos"), []string{write("验收.jpg", photo(t, 1200, 900, color.RGBA{0x4a, 0x9a, 0x4a, 0xff}))}),
	)
	shotOf(t, tab, dir, "hazard-03-verify-phone", "#verify-form")
	click(t, tab, "verified", "#do-verify")
	assert.Equal(t, "已销号", text(t, tab, "#hazard-state"))
	for _, sel := range []string{"#photos-found", "#photos-rectification-1", "#photos-verification-1"} {
		assert.Equal(t, 1, thumbnails(sel), sel)
	}
	assert.Contains(t, text(t, tab, "#timeline"), "验收通过")
	narrow("the hazard's page")
	shot(t, tab, dir, "pilot-hazard")
	assert.Equal(t, hazard.Closed, storedHazard(t, app, h.ID).State)

	// The board links to the page.
	do(t, tab, "the board", chromedp.Navigate(base+"/hazards"), chromedp.WaitVisible(chromedp.CSS(`a[href="/hazards/`+string(h.ID)+`"]`)))
}
