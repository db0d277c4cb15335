package pilot_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
)

// TestExports downloads the dashboard's and the case list's workbooks as
// the township head sees them — the report, the Ministry's table, the
// register of every case of the demo — and refuses the statistics to a
// village head with a page in Chinese.
func TestExports(t *testing.T) {
	_, ts := newPilot(t)
	c := newClient(t, ts.URL)
	require.Equal(t, http.StatusSeeOther, c.login("gc-secretary", pilot.DemoPassword).StatusCode)
	_, dashboard := c.get("/dashboard")
	assert.Regexp(t, `href="/dashboard/report.xlsx\?[^"]*cell=gucheng[^"]*period=month`, dashboard, "with the picked period")
	assert.Contains(t, dashboard, "导出司法部统计表")
	_, list := c.get("/cases")
	assert.Contains(t, list, "导出台账")

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
	assert.Equal(t, []string{"主要指标", "比率", "分网格", "外部指标"}, open("/dashboard/report.xlsx?cell=gucheng").GetSheetList())
	assert.Equal(t, []string{"人民调解工作统计表", "类别对照"}, open("/dashboard/ministry.xlsx?cell=gucheng").GetSheetList())
	rows, err := open("/cases.xlsx").GetRows("案件台账")
	require.NoError(t, err)
	assert.Greater(t, len(rows), 2, "the demo's cases, a row each")
	assert.Equal(t, "案件编号", rows[0][0])

	v := newClient(t, ts.URL)
	require.Equal(t, http.StatusSeeOther, v.login("mayuan-1-head", pilot.DemoPassword).StatusCode)
	resp, body := v.get("/dashboard/report.xlsx?cell=gucheng")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.True(t, strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html"), "an error page, not a workbook")
	assert.Contains(t, body, "您所在岗位的角色和层级不能进行此操作。", "why, in Chinese")
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
