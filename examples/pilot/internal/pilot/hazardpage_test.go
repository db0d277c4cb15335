package pilot_test

import (
	"context"
	"image/color"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// memberClient returns a browser with member id logged in.
func memberClient(t *testing.T, base, id string) *client {
	t.Helper()
	c := newClient(t, base)
	require.Equal(t, http.StatusSeeOther, c.login(id, pilot.DemoPassword).StatusCode, id)
	return c
}

// storedHazard returns hazard id as stored.
func storedHazard(t *testing.T, app *pilot.App, id hazard.ID) *hazard.Hazard {
	t.Helper()
	h, err := app.DB.Hazards().Get(context.Background(), id)
	require.NoError(t, err)
	return h
}

// newestHazard returns the hazard reported last, as the township's head
// sees it.
func newestHazard(t *testing.T, app *pilot.App) *hazard.Hazard {
	t.Helper()
	secretary, _ := app.Member("gc-secretary")
	page, err := app.Hazards.List(context.Background(), secretary.Actor(), hazard.Filter{Limit: 1})
	require.NoError(t, err)
	require.NotEmpty(t, page.Hazards)
	return page.Hazards[0]
}

// electricalHazard reports, as 马园's grid worker, an open electrical
// hazard in 马园一组, which 马园村委 rectifies and the east sector verifies.
func electricalHazard(t *testing.T, app *pilot.App) *hazard.Hazard {
	t.Helper()
	worker, _ := app.Member("mayuan-security")
	h, err := app.Hazards.Report(context.Background(), worker.Actor(), hazard.Report{
		Category: hazard.Electrical, Location: "mayuan-1", Description: "仓库私拉电线，线头裸露。",
	})
	require.NoError(t, err)
	return h
}

// TestReportHazard checks the whistle report form: a member's refused
// report marked in Chinese and recorded nowhere; a report with a photo and
// a file that is not one, recorded with the photo, the other named in
// Chinese; its photo served as the case's are, to those who see it only.
func TestReportHazard(t *testing.T) {
	app, ts := newPilot(t)
	worker := memberClient(t, ts.URL, "mayuan-security")
	_, body := worker.get("/hazards")
	assert.Contains(t, body, `href="/hazards/new"`)
	assert.Contains(t, body, `<div class="chart-box" id="cell-map"><svg`, "the board's map")
	assert.Contains(t, body, "各网格办理中的隐患")
	resp, body := worker.get("/hazards/new")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `accept="image/*" multiple`)
	assert.Contains(t, body, `id="on_the_spot"`, "a worker who may rectify may rectify on the spot")
	before := newestHazard(t, app).ID

	resp, body = worker.postFiles("/hazards/new", "/hazards/new", "photos", nil, url.Values{
		"key": {"report-form-1"}, "category": {"electrical"}, "location": {"mayuan-1"}, "description": {" "}, "contact": {"123"},
	})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.True(t, marked(body, "description"), "the description is marked")
	assert.True(t, marked(body, "contact"), "the contact is marked")
	assert.Contains(t, body, "填写有误，请修改以下各项后重新提交：隐患情况、联系电话。")
	assertChineseOnly(t, body)
	assert.Equal(t, before, newestHazard(t, app).ID, "nothing is reported")

	resp, body = worker.postFiles("/hazards/new", "/hazards/new", "photos",
		[]upload{{"电线.jpg", photo(t, 800, 600, color.RGBA{0x90, 0x50, 0x30, 0xff})}, {"说明.txt", []byte("线头裸露")}},
		url.Values{"key": {"report-form-2"}, "category": {"electrical"}, "location": {"mayuan-1"}, "description": {"仓库私拉电线，线头裸露。"}})
	require.Equal(t, http.StatusOK, resp.StatusCode, "the hazard's page names the file refused")
	assert.Contains(t, body, "以下文件未能上传：“说明.txt”：只接受JPEG、PNG、WebP照片或PDF文件。")
	assertChineseOnly(t, body)
	h := newestHazard(t, app)
	require.NotEqual(t, before, h.ID, "the report is recorded")
	require.Len(t, h.Attachments, 1)
	assert.Equal(t, "", h.Attachments[0].Of, "the photo is of the hazard as found")
	page := "/hazards/" + string(h.ID)
	assert.Contains(t, body, `<img src="`+page+`/attachments/1/thumbnail" alt="照片1"`)
	assert.Contains(t, body, "<h3>发现时</h3>")

	for _, path := range []string{"/attachments/1", "/attachments/1/thumbnail"} {
		resp, _ := worker.get(page + path)
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		assert.Equal(t, attachment.JPEG, resp.Header.Get("Content-Type"), path)
		assert.Equal(t, "private, no-store", resp.Header.Get("Cache-Control"), path)
		assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "sandbox", path)
	}
	resp, _ = newClient(t, ts.URL).get(page + "/attachments/1")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "no file without signing in")
	resp, _ = memberClient(t, ts.URL, "wuguiqiao-head").get(page + "/attachments/1/thumbnail")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "another village's head sees no file of the hazard")

	// The duty console shows the report's first photo.
	_, body = memberClient(t, ts.URL, "gc-duty-1").get("/console")
	assert.Contains(t, body, `<img src="`+page+`/attachments/1/thumbnail" alt="现场照片"`)
}

// TestReportHazardOnTheSpot checks a report rectified on the spot: it
// waits for verification, with the after-photo as its first
// rectification's.
func TestReportHazardOnTheSpot(t *testing.T) {
	app, ts := newPilot(t)
	worker := memberClient(t, ts.URL, "mayuan-security")
	fields := url.Values{"key": {"spot-form-1"}, "category": {"electrical"}, "location": {"mayuan-1"}, "description": {"插线板浸水。"}, "on_the_spot": {"1"}}
	resp, body := worker.postFiles("/hazards/new", "/hazards/new", "after", []upload{{"已处理.jpg", photo(t, 640, 480, color.RGBA{0x30, 0x80, 0x30, 0xff})}}, fields)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "on the spot needs what was done")
	assert.True(t, marked(body, "evidence"), body)
	assertChineseOnly(t, body)

	fields.Set("evidence", "已断电并更换插线板。")
	resp, body = worker.postFiles("/hazards/new", "/hazards/new", "after", []upload{{"已处理.jpg", photo(t, 640, 480, color.RGBA{0x30, 0x80, 0x30, 0xff})}}, fields)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	h := newestHazard(t, app)
	assert.Equal(t, "/hazards/"+string(h.ID), resp.Header.Get("Location"))
	assert.Equal(t, hazard.Rectified, h.State)
	assert.True(t, h.OnTheSpot)
	require.Len(t, h.Attachments, 1)
	assert.Equal(t, "rectification:1", h.Attachments[0].Of)
	_, body = worker.get("/hazards/" + string(h.ID))
	assert.Contains(t, body, "第1次整改（当场整改）")
	assert.Contains(t, body, "<h3>第1次整改</h3>")
}

// TestResidentReportsHazard checks the report a resident makes online: a
// phone number is required of them, and their photo is attached.
func TestResidentReportsHazard(t *testing.T) {
	app, ts := newPilot(t)
	resident := newClient(t, ts.URL)
	_, body := resident.get("/")
	assert.Contains(t, body, `href="/report"`)
	resp, body := resident.get("/report")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotContains(t, body, `id="on_the_spot"`, "a resident does not rectify")
	fields := url.Values{"key": {"resident-report-1"}, "category": {"fire"}, "location": {"mayuan-1"}, "description": {"楼道堆放杂物。"}}
	resp, body = resident.postFiles("/report", "/report", "photos", nil, fields)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.True(t, marked(body, "contact"), "a resident gives a phone number")
	assertChineseOnly(t, body)

	fields.Set("contact", "13912345678")
	resp, body = resident.postFiles("/report", "/report", "photos", []upload{{"楼道.jpg", photo(t, 640, 480, color.RGBA{0x60, 0x60, 0x60, 0xff})}}, fields)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, "您的隐患报告已收到")
	h := newestHazard(t, app)
	assert.NotEmpty(t, h.Owner, "the resident owns their report")
	assert.Equal(t, "13912345678", h.Contact)
	require.Len(t, h.Attachments, 1)

	// The head of the village sees the contact masked as the domain
	// presents it to those who may not see personal data.
	_, body = memberClient(t, ts.URL, "mayuan-security").get("/hazards/" + string(h.ID))
	assert.NotContains(t, body, "13912345678")
}

// TestRectifyAndVerifyForms checks the hazard page's forms: only the posts
// that may rectify or verify see them, others are refused; refusals are
// marked in Chinese; a rectification takes its after-photo, a failed
// verification reopens the hazard, a passed one closes it with its photo.
func TestRectifyAndVerifyForms(t *testing.T) {
	app, ts := newPilot(t)
	h := electricalHazard(t, app)
	page := "/hazards/" + string(h.ID)
	ver := func() string { return strconv.FormatInt(storedHazard(t, app, h.ID).Version, 10) }
	pic := []upload{{"整改后.jpg", photo(t, 640, 480, color.RGBA{0x20, 0x70, 0x90, 0xff})}}

	group := memberClient(t, ts.URL, "mayuan-1-head") // the villager group's head: sees it, may not rectify it
	resp, body := group.get(page)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotContains(t, body, `id="rectify-form"`)
	assert.NotContains(t, body, `id="verify-form"`)
	resp, _ = group.postFiles(page+"/rectify", page, "photos", nil, url.Values{"version": {ver()}, "evidence": {"已整改"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Equal(t, hazard.Open, storedHazard(t, app, h.ID).State, "nothing changed")

	head := memberClient(t, ts.URL, "mayuan-head")
	_, body = head.get(page)
	assert.Contains(t, body, `id="rectify-form"`)
	assert.Contains(t, body, `id="rectify-photos" accept="image/*" multiple`)
	assert.NotContains(t, body, `id="verify-form"`, "the village does not verify its own work")
	resp, body = head.postFiles(page+"/rectify", page, "photos", pic, url.Values{"version": {ver()}, "evidence": {""}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.True(t, marked(body, "rectify-evidence") || strings.Contains(body, `id="rectify-evidence-error"`), "the evidence is marked")
	assert.Contains(t, body, "整改情况")
	assertChineseOnly(t, body)
	assert.Empty(t, storedHazard(t, app, h.ID).Attachments, "no photo without the rectification")

	resp, body = head.postFiles(page+"/rectify", page, "photos", pic, url.Values{"version": {ver()}, "evidence": {"已拆除私拉电线，规范布线。"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	stored := storedHazard(t, app, h.ID)
	assert.Equal(t, hazard.Rectified, stored.State)
	require.Len(t, stored.Attachments, 1)
	assert.Equal(t, "rectification:1", stored.Attachments[0].Of)
	resp, _ = head.postFiles(page+"/verify", page, "photos", nil, url.Values{"version": {ver()}, "result": {"passed"}})
	assert.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, resp.StatusCode, "the village may not verify")

	sector := memberClient(t, ts.URL, "gc-east-head")
	_, body = sector.get(page)
	assert.Contains(t, body, `id="verify-form"`)
	assert.NotContains(t, body, `id="rectify-form"`)
	for _, tc := range []struct {
		name   string
		fields url.Values
		want   string
	}{
		{"no result", url.Values{"notes": {"看过"}}, "验收结果"},
		{"failed without notes", url.Values{"result": {"failed"}}, "验收意见"},
	} {
		tc.fields.Set("version", ver())
		resp, body := sector.postFiles(page+"/verify", page, "photos", nil, tc.fields)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, tc.name)
		assert.Contains(t, body, "填写有误，请修改以下各项后重新提交："+tc.want+"。", tc.name)
		assertChineseOnly(t, body)
	}
	resp, body = sector.postFiles(page+"/verify", page, "photos", nil, url.Values{"version": {ver()}, "result": {"failed"}, "notes": {"配电箱未加锁。"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	stored = storedHazard(t, app, h.ID)
	assert.Equal(t, hazard.Open, stored.State, "a failed verification reopens it")
	assert.Equal(t, 1, stored.Reopens)

	resp, _ = head.postFiles(page+"/rectify", page, "photos", nil, url.Values{"version": {ver()}, "evidence": {"配电箱已加锁。"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, body = sector.postFiles(page+"/verify", page, "photos", pic, url.Values{"version": {ver()}, "result": {"passed"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	stored = storedHazard(t, app, h.ID)
	assert.Equal(t, hazard.Closed, stored.State)
	require.Len(t, stored.Attachments, 2)
	assert.Equal(t, "verification:2", stored.Attachments[1].Of)

	_, body = sector.get(page)
	assert.Contains(t, body, "已销号")
	for _, want := range []string{"<h3>第1次整改</h3>", "<h3>第2次验收</h3>", "验收未通过", "验收通过", "配电箱未加锁。", "上报隐患", "添加附件"} {
		assert.Contains(t, body, want)
	}
	assert.NotContains(t, body, `id="verify-form"`, "a closed hazard takes no verification")
	assertChineseOnly(t, body)
}

// TestReportFromBelowKeepsReport checks that a member who reports from a
// post that may not rectify at the handling cell adds the report's photos
// still: they are the whistle-blower's.
func TestReportFromBelowKeepsReport(t *testing.T) {
	app, ts := newPilot(t)
	group := memberClient(t, ts.URL, "mayuan-1-head")
	before := newestHazard(t, app).ID
	resp, body := group.postFiles("/hazards/new", "/hazards/new", "photos",
		[]upload{{"电线.jpg", photo(t, 640, 480, color.RGBA{0x90, 0x50, 0x30, 0xff})}},
		url.Values{"key": {"below-form-1"}, "category": {"electrical"}, "location": {"mayuan-1"}, "description": {"电线裸露。"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, "to the hazard's page, nothing refused: %s", body)
	h := newestHazard(t, app)
	require.NotEqual(t, before, h.ID, "the report is recorded")
	assert.Equal(t, "/hazards/"+string(h.ID), resp.Header.Get("Location"))
	require.Len(t, h.Attachments, 1, "the group's head adds the photos of what they reported, though the village rectifies it")
	assert.Equal(t, "mayuan-1-head", h.Attachments[0].AddedBy)
}

// TestHazardPageGrading: the hazard's page says, unfolded on request,
// which rules gave the hazard its grade and where it is handled, the
// reporter's grade over the category's among them; a hazard stored before
// hazards kept their reasons shows none.
func TestHazardPageGrading(t *testing.T) {
	app, ts := newPilot(t)
	ctx := context.Background()
	worker, _ := app.Member("mayuan-security")
	h, err := app.Hazards.Report(ctx, worker.Actor(), hazard.Report{
		Category: hazard.Other, Grade: work.Major, Location: "mayuan-1", Description: "村道旁高压线杆倾斜。",
	})
	require.NoError(t, err)
	require.Len(t, h.Grading, 3)
	secretary := memberClient(t, ts.URL, "gc-secretary")
	resp, body := secretary.get("/hazards/" + string(h.ID))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `<details class="grading" id="grading"><summary>定级与分派依据</summary>`)
	for _, r := range h.Grading {
		assert.Contains(t, body, "<li>"+r.Text+"</li>")
	}
	assertChineseOnly(t, body)

	_, err = app.DB.Hazards().Update(ctx, h.ID, 0, func(h *hazard.Hazard) ([]timeline.Event, error) {
		h.Grading = nil
		return nil, nil
	})
	require.NoError(t, err)
	resp, body = secretary.get("/hazards/" + string(h.ID))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotContains(t, body, "定级与分派依据", "no reasons, no block")
}
