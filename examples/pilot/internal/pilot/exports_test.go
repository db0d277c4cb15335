package pilot_test

import (
	"bytes"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
	"github.com/fourplusn/fourplusn/work"
)

// exportLink returns the address of the export button id on a dashboard
// page, and the number the page shows in its KPI of registered disputes.
func exportLink(t *testing.T, page, id string) (string, string) {
	t.Helper()
	link := regexp.MustCompile(`href="([^"]+)" id="` + id + `"`).FindStringSubmatch(page)
	require.NotNil(t, link, "the page has button %s", id)
	kpi := regexp.MustCompile(`id="kpi-registered">(\d+)<`).FindStringSubmatch(page)
	require.NotNil(t, kpi, "the page shows how many disputes were registered")
	return html.UnescapeString(link[1]), kpi[1]
}

// TestExports downloads the dashboard's and the case list's workbooks as
// the township head sees them: the report and the Ministry's table of the
// period the dashboard's picker shows — a month in progress, a quarter, a
// range of days — with the figures the dashboard shows, the police's
// counts 未录入 for a sector as the dashboard leaves them out, the register
// of every case of the demo; a bad period is refused as the dashboard
// refuses it, and the statistics to a village head, with pages in Chinese.
func TestExports(t *testing.T) {
	_, ts := newPilot(t)
	c := newClient(t, ts.URL)
	require.Equal(t, http.StatusSeeOther, c.login("gc-secretary", pilot.DemoPassword).StatusCode)
	_, list := c.get("/cases")
	assert.Contains(t, list, `id="export-cases">导出台账<`)

	open := func(path string) *excelize.File {
		t.Helper()
		resp, body := c.get(path)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		assert.Equal(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", resp.Header.Get("Content-Type"))
		f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
		require.NoError(t, err, path)
		t.Cleanup(func() { f.Close() })
		return f
	}
	cell := func(f *excelize.File, sheet, axis string) string {
		t.Helper()
		v, err := f.GetCellValue(sheet, axis)
		require.NoError(t, err)
		return v
	}
	today := time.Now().In(work.Zone)
	for _, tt := range []struct {
		name, query, title string
		partial            bool
	}{
		{"the month in progress", "", today.Format("2006年1月"), true},
		{"a quarter that has ended", "?cell=gucheng&period=quarter&at=" + today.AddDate(0, -3, 0).Format(time.DateOnly), "季度", false},
		{"a range of days that has ended", "?cell=gucheng&period=range&from=" + today.AddDate(0, 0, -40).Format(time.DateOnly) + "&to=" + today.AddDate(0, 0, -1).Format(time.DateOnly), "至", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, dashboard := c.get("/dashboard" + tt.query)
			require.Equal(t, http.StatusOK, resp.StatusCode, dashboard)
			assert.Contains(t, dashboard, `id="export-report">导出统计报表<`)
			assert.Contains(t, dashboard, `id="export-ministry">导出司法部统计表<`)
			assert.NotContains(t, dashboard, "Excel")
			report, registered := exportLink(t, dashboard, "export-report")
			assert.Contains(t, report, "cell=gucheng")
			f := open(report)
			assert.Equal(t, []string{"主要指标", "比率", "分网格", "外部指标"}, f.GetSheetList())
			assert.Contains(t, cell(f, "主要指标", "A1"), tt.title)
			assert.Equal(t, tt.partial, strings.Contains(cell(f, "主要指标", "B5"), "本期尚未结束"), cell(f, "主要指标", "B5"))
			assert.Equal(t, "排查纠纷（登记）", cell(f, "主要指标", "A7"))
			assert.Equal(t, registered, cell(f, "主要指标", "B7"), "the report counts what the dashboard shows")

			ministry, _ := exportLink(t, dashboard, "export-ministry")
			m := open(ministry)
			assert.Equal(t, []string{"人民调解工作统计表", "类别对照"}, m.GetSheetList())
			assert.Equal(t, cell(f, "主要指标", "B2"), cell(m, "人民调解工作统计表", "B2"), "the same span")
			assert.Equal(t, cell(f, "主要指标", "D2"), cell(m, "人民调解工作统计表", "D2"))
		})
	}

	// The month's police counts are the township's: a sector has none.
	f := open("/dashboard/report.xlsx?cell=gucheng")
	assert.Equal(t, "13", cell(f, "外部指标", "B5"), "the seed's 农村侵财类案件 this month")
	_, sector := c.get("/dashboard?cell=gc-east")
	assert.NotContains(t, sector, `id="indicators"`)
	f = open("/dashboard/report.xlsx?cell=gc-east")
	assert.Equal(t, "农村侵财类案件", cell(f, "外部指标", "A5"))
	assert.Equal(t, "未录入", cell(f, "外部指标", "B5"), "not 0")

	// A bad period, as the dashboard says it.
	for _, bad := range []string{"?period=fortnight", "?period=range&from=2026-01-01", "?period=range&from=2026-03-01&to=2026-01-01"} {
		_, want := c.get("/dashboard" + bad)
		msg := regexp.MustCompile(`<p class="error"[^>]*>([^<]+)<`).FindStringSubmatch(want)
		require.NotNil(t, msg, "the dashboard says what is wrong with %s", bad)
		for _, path := range []string{"/dashboard/report.xlsx", "/dashboard/ministry.xlsx"} {
			resp, body := c.get(path + bad)
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode, path+bad)
			assert.Contains(t, body, msg[1], path+bad)
		}
	}

	rows, err := open("/cases.xlsx").GetRows("案件台账")
	require.NoError(t, err)
	assert.Greater(t, len(rows), 2, "the demo's cases, a row each")
	assert.Equal(t, "案件编号", rows[0][0])

	v := newClient(t, ts.URL)
	require.Equal(t, http.StatusSeeOther, v.login("mayuan-1-head", pilot.DemoPassword).StatusCode)
	resp, body := v.get("/dashboard/report.xlsx?cell=gucheng")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.True(t, strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html"), "an error page, not a workbook")
	assert.Contains(t, body, "看板供一、二级网格长及值班人员查看。", "why, in Chinese, as the dashboard says it")
	resp, _ = v.get("/cases.xlsx")
	assert.Equal(t, http.StatusOK, resp.StatusCode, "a village head exports the register of the cases they see")
}

// TestBrowserExportButtons shows the export buttons on the dashboard and
// the case list on a phone.
func TestBrowserExportButtons(t *testing.T) {
	exe := chromium(t)
	_, ts := newPilot(t)
	dir := screenshots(t)
	_, staff := browser(t, exe)
	do(t, staff, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	login(t, staff, ts.URL, "gc-secretary")
	do(t, staff, "dashboard", chromedp.Navigate(ts.URL+"/dashboard"), chromedp.WaitVisible(chromedp.CSS("#export-ministry")))
	shotOf(t, staff, dir, "export-dashboard", "main")
	do(t, staff, "case list", chromedp.Navigate(ts.URL+"/cases"), chromedp.WaitVisible(chromedp.CSS("#export-cases")))
	shotOf(t, staff, dir, "export-cases", "main")
}
