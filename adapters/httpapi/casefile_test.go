package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/work"
)

// TestCaseFileOverHTTP checks GET /cases/{id}/file: the thirteen items in
// the Ministry's order, each with its status, whether it is required and
// what it is made from; the parties masked for those who may not see them.
func TestCaseFileOverHTTP(t *testing.T) {
	e := newEnv(t)
	c := e.seedCase(t, "agreed") // an online application, agreed orally
	type item struct {
		Order    int     `json:"order"`
		Name     string  `json:"name"`
		Required bool    `json:"required"`
		Status   string  `json:"status"`
		Summary  string  `json:"summary"`
		Events   []int64 `json:"events"`
	}
	file := func(who string) map[string]item {
		t.Helper()
		res := e.as(who).get("/api/v1/cases/" + string(c.ID) + "/file")
		require.Equal(t, http.StatusOK, res.Code, res)
		var body struct {
			Items   []item   `json:"items"`
			Lacking []string `json:"lacking"`
		}
		res.decode(t, &body)
		assert.Equal(t, []string{"权利义务告知书", "当事人身份证明", "回访记录"}, body.Lacking, "what keeps it from being closed; not the back cover, which closing makes")
		require.Len(t, body.Items, 13)
		out := map[string]item{}
		for i, it := range body.Items {
			require.Equal(t, i+1, it.Order)
			out[it.Name] = it
		}
		return out
	}

	items := file("gc-justice")
	assert.Equal(t, item{Order: 1, Name: "申请书", Required: true, Status: "present",
		Summary: "申请人：王某某；被申请人：张某某；登记于" + c.RegisteredAt.In(work.Zone).Format("2006年1月2日"), Events: []int64{1}}, items["申请书"])
	assert.Equal(t, "missing", items["权利义务告知书"].Status)
	assert.Equal(t, item{Order: 3, Name: "当事人身份证明", Required: true, Status: "missing", Summary: "未登记身份证号：张某某", Events: []int64{}}, items["当事人身份证明"])
	assert.Equal(t, "present", items["授权委托书"].Status)
	assert.Equal(t, "present", items["调解记录"].Status)
	assert.Equal(t, item{Order: 8, Name: "调解协议书", Status: "not_applicable", Summary: "口头协议，不制作协议书", Events: []int64{}}, items["调解协议书"])
	assert.Equal(t, "missing", items["封底"].Status, "not closed yet")

	masked := file("mayuan-security")
	assert.NotContains(t, masked["当事人身份证明"].Summary, "张某某")
	assert.Contains(t, masked["当事人身份证明"].Summary, "张**")
}

// TestPrintedFileOverHTTP checks GET /cases/{id}/file?format=html and GET
// /cases/{id}/rights-notice: HTML pages with the file's contents and the
// law's text, naming the township's committee, the parties in full for
// the justice office and masked for a grid worker, with the same
// permission checks as the file in JSON (see the matrix).
func TestPrintedFileOverHTTP(t *testing.T) {
	e := newEnv(t)
	c := e.seedCase(t, "agreed")
	caseURL := "/api/v1/cases/" + string(c.ID)
	res := e.as("gc-justice").post(caseURL+"/rights", map[string]any{"parties": []string{applicant}, "manner": "written"})
	require.Equal(t, http.StatusOK, res.Code, res)

	page := func(who, target string) string {
		t.Helper()
		res := e.as(who).get(target)
		require.Equal(t, http.StatusOK, res.Code, res)
		assert.Equal(t, "text/html; charset=utf-8", res.Header.Get("Content-Type"))
		assert.Equal(t, "no-store", res.Header.Get("Cache-Control"), "it holds personal data")
		assert.Contains(t, res.Header.Get("Content-Security-Policy"), "default-src 'none'")
		stored, err := e.st.cases.Get(context.Background(), c.ID)
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf(`"%d"`, stored.Version), res.Header.Get("ETag"), "the version of the case it prints")
		return string(res.Body)
	}
	for _, tc := range []struct {
		name, target string
		holds        []string
	}{
		{"file", caseURL + "/file?format=html", []string{"<html", "卷内目录", "权利义务告知书", "调解记录", "古城办事处人民调解委员会"}},
		{"notice", caseURL + "/rights-notice", []string{"<html", "人民调解权利义务告知书", "古城办事处人民调解委员会", "人民调解法"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			full := page("gc-justice", tc.target)
			for _, s := range tc.holds {
				assert.Contains(t, full, s)
			}
			assert.Contains(t, full, applicant, "the justice office prints the parties in full")
			assert.Contains(t, full, respondent)
			assert.NotContains(t, full, "gc-justice", "members print by name")

			masked := page("mayuan-security", tc.target)
			for _, s := range tc.holds {
				assert.Contains(t, masked, s)
			}
			assert.NotContains(t, masked, applicant, "a grid worker's copy is masked")
			assert.NotContains(t, masked, respondent)
			assert.NotContains(t, masked, "13900001111")
			assert.Contains(t, masked, "王**")
		})
	}

	e.t = t
	res = e.as("gc-justice").get(caseURL + "/file")
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Equal(t, "application/json; charset=utf-8", res.Header.Get("Content-Type"), "JSON stays the default")
	res = e.as("gc-justice").get(caseURL + "/file?format=json")
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Contains(t, string(res.Body), `"items"`)
}
