package pilot_test

import (
	"context"
	"image/color"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/mediation"
)

// TestBrowserAttachments follows files attached to a case in a real
// browser, on a phone's screen (390 × 844): a resident applies with two
// photos; the duty officer's case page shows both as thumbnails; the
// village committee's head adds a scanned IOU as evidence, listed by name
// and size; a text file is refused in Chinese.
func TestBrowserAttachments(t *testing.T) {
	exe := chromium(t)
	app, ts := newPilot(t)
	dir := screenshots(t)
	residentTab, staffTab := browser(t, exe)
	base := ts.URL
	files := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(files, name)
		require.NoError(t, os.WriteFile(p, data, 0o600))
		return p
	}
	photos := []string{
		write("过道1.jpg", photo(t, 1200, 900, color.RGBA{0x8a, 0x6a, 0x3a, 0xff})),
		write("过道2.jpg", photo(t, 900, 1200, color.RGBA{0x4a, 0x7a, 0x4a, 0xff})),
	}
	phone := chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)

	do(t, residentTab, "apply with photos",
		phone,
		chromedp.Navigate(base+"/apply"),
		chromedp.SendKeys(chromedp.CSS("#name"), "试点申请人"),
		chromedp.SendKeys(chromedp.CSS("#phone"), "13912345678"),
		chromedp.SendKeys(chromedp.CSS("#respondent"), "试点被申请人"),
		chromedp.SetValue(chromedp.CSS("#category"), "neighbour"),
		chromedp.SetValue(chromedp.CSS("#location"), "mayuan-1"),
		chromedp.SendKeys(chromedp.CSS("#facts"), "邻居在公共过道堆放柴草，多次协商未果。"),
		chromedp.SetUploadFiles(chromedp.CSS("#photos"), photos),
		chromedp.Click(chromedp.CSS("#consent")),
	)
	assert.Equal(t, "过道1.jpg，过道2.jpg", text(t, residentTab, `.file-name[data-for~="photos"]`), "the photos chosen are named")
	shotOf(t, residentTab, dir, "att-01-apply-photos-phone", "#apply .file")
	assert.EqualValues(t, 200, send(t, residentTab, "submit", "#submit", "#code"), "the receipt")
	assert.Equal(t, "已随申请上传照片 2 张。", text(t, residentTab, "#photos-added"))
	code := text(t, residentTab, "#code")

	// The case, found by its tracking code.
	secretary, _ := app.Member("gc-secretary")
	page, err := app.Cases.List(context.Background(), secretary.Actor(), mediation.Filter{Limit: 1})
	require.NoError(t, err)
	kase := page.Cases[0]
	require.Equal(t, code, kase.TrackingCode)
	casePage := base + "/cases/" + string(kase.ID)

	// thumbnails counts the thumbnails the tab shows, and those its
	// browser loaded.
	thumbnails := func() (shown, loaded int) {
		t.Helper()
		do(t, staffTab, "thumbnails load", chromedp.Poll[chromedp.Void](`Array.from(document.querySelectorAll("#attachment-photos img")).every(i => i.complete)`))
		shown, err := chromedp.Run(staffTab, chromedp.Evaluate[int](`document.querySelectorAll("#attachment-photos img").length`))
		require.NoError(t, err)
		loaded, err = chromedp.Run(staffTab, chromedp.Evaluate[int](`Array.from(document.querySelectorAll("#attachment-photos img")).filter(i => i.naturalWidth > 0).length`))
		require.NoError(t, err)
		return shown, loaded
	}
	login(t, staffTab, base, "gc-duty-1")
	do(t, staffTab, "the duty officer opens the case", phone, chromedp.Navigate(casePage))
	shown, loaded := thumbnails()
	assert.Equal(t, 2, shown, "both photos")
	assert.Equal(t, 2, loaded, "both thumbnails served")
	assert.NotContains(t, text(t, staffTab, "#attachments"), "上传附件", "the duty officer does not mediate")

	// Accepted and routed to 马园, whose head mediates it.
	ctx := context.Background()
	duty, _ := app.Member("gc-duty-1")
	head, _ := app.Member("mayuan-head")
	c, err := app.Cases.Accept(ctx, duty.Actor(), kase.ID, kase.Version)
	require.NoError(t, err)
	c, err = app.Cases.Transfer(ctx, duty.Actor(), c.ID, c.Version, "mayuan", "按管辖分派")
	require.NoError(t, err)
	_, err = app.Cases.Accept(ctx, head.Actor(), c.ID, c.Version)
	require.NoError(t, err)
	click(t, staffTab, "logout", `form[action="/logout"] button`)
	login(t, staffTab, base, "mayuan-head")
	do(t, staffTab, "the head adds the IOU",
		phone,
		chromedp.Navigate(casePage),
		chromedp.SetUploadFiles(chromedp.CSS("#attach-file"), []string{write("欠条扫描件.pdf", scan)}),
		chromedp.SetValue(chromedp.CSS("#attach-kind"), "evidence"),
	)
	click(t, staffTab, "upload", "#do-attach")
	assert.Contains(t, text(t, staffTab, "#attachment-documents"), "证据材料3（PDF，77 字节）")
	shown, loaded = thumbnails()
	assert.Equal(t, 2, shown)
	assert.Equal(t, 2, loaded)
	width, err := chromedp.Run(staffTab, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	require.NoError(t, err)
	assert.LessOrEqual(t, width, 390, "nothing wider than the phone")
	shotOf(t, staffTab, dir, "att-02-case-attachments-phone", "#attachments")

	do(t, staffTab, "a text file", chromedp.SetUploadFiles(chromedp.CSS("#attach-file"), []string{write("说明.txt", []byte("不是照片"))}))
	assert.EqualValues(t, 400, send(t, staffTab, "upload, refused", "#do-attach", "#attach-message"))
	assert.Equal(t, "以下文件未能上传：“说明.txt”：只接受JPEG、PNG、WebP照片或PDF文件。", text(t, staffTab, "#attach-message"))
	shotOf(t, staffTab, dir, "att-03-refused-phone", "#attach-form")
	// The refusal, written in place of the page, runs its scripts again.
	do(t, staffTab, "choose again", chromedp.SetUploadFiles(chromedp.CSS("#attach-file"), []string{write("欠条扫描件2.pdf", scan)}))
	assert.Equal(t, "欠条扫描件2.pdf", text(t, staffTab, `.file-name[data-for~="attach-file"]`))
}
