package pilot_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// TestRightsFormAndClosing gives the notice of rights through the case
// page's form, once orally and once again in writing, and checks what the
// page and its timeline say of it; then closes the case, refused in
// Chinese while the parties' ID cards are missing, and closed once they
// are registered.
func TestRightsFormAndClosing(t *testing.T) {
	app, ts := newPilot(t)
	ctx := context.Background()
	c := headClient(t, ts.URL)
	kase, page, token := openCase(t, app, c)
	m, ok := app.Member("mayuan-head")
	require.True(t, ok)
	head := m.Actor()
	post := func(action string, form url.Values) (*http.Response, string) {
		t.Helper()
		stored, err := app.DB.Cases().Get(ctx, kase.ID)
		require.NoError(t, err)
		form.Set("csrf", token)
		form.Set("version", strconv.FormatInt(stored.Version, 10))
		return c.post(page+"/"+action, form)
	}

	resp, body := c.get(page)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `id="rights-party-0" checked> 申请人 测试甲</label>`, "a party never told is ticked")
	assert.Contains(t, body, `id="rights-party-1" checked> 被申请人 测试乙</label>`)

	yesterday := time.Now().In(work.Zone).AddDate(0, 0, -1)
	told := "口头，" + yesterday.Format("1月2日")
	resp, body = post("rights", url.Values{"party": {"测试乙"}, "manner": {"oral"}, "at": {yesterday.Format("2006-01-02") + "T09:30"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	_, body = c.get(page)
	assert.Contains(t, body, `id="rights-party-0" checked> 申请人 测试甲</label>`)
	assert.Contains(t, body, `id="rights-party-1"> 被申请人 测试乙 <span class="signed">已告知（`+told+`）</span></label>`, "told, so not ticked again")
	assert.Contains(t, body, "结案前须补齐：权利义务告知书、当事人身份证明")

	resp, body = post("rights", url.Values{"party": {"测试甲", "测试乙"}, "manner": {"written"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	_, body = c.get(page)
	assert.Regexp(t, `被申请人 测试乙 <span class="signed">已告知（`+told+`；书面，\d+月\d+日）</span>`, body, "each time kept")
	assert.Contains(t, body, `告知权利义务 · `)
	assert.Contains(t, body, `<span class="note">口头告知被申请人测试乙</span>`)
	assert.Contains(t, body, `<span class="note">书面告知申请人测试甲、被申请人测试乙</span>`)
	assert.Contains(t, body, "结案前须补齐：当事人身份证明")
	assertChineseOnly(t, body)

	stored, err := app.DB.Cases().Get(ctx, kase.ID)
	require.NoError(t, err)
	done, err := app.Cases.RecordAgreement(ctx, head, kase.ID, stored.Version, mediation.Agreement{
		Form: mediation.Oral, Facts: kase.Facts, Disputes: "院墙位置", Terms: "院墙后退半米。", Mediator: m.Name,
	})
	require.NoError(t, err)
	_, err = app.Cases.FollowUp(ctx, head, kase.ID, done.Version, mediation.FollowUp{Performed: true, Notes: "已后退。"})
	require.NoError(t, err)

	resp, body = post("close", url.Values{"note": {"调解成功"}})
	require.Equal(t, http.StatusConflict, resp.StatusCode, body)
	assert.Contains(t, body, `<p class="error" id="close-message">卷宗缺少必备材料：当事人身份证明。请补齐后再结案。</p>`)
	assert.Contains(t, body, `value="调解成功"`, "the note typed is kept")
	assertChineseOnly(t, body)
	stored, err = app.DB.Cases().Get(ctx, kase.ID)
	require.NoError(t, err)
	assert.Equal(t, mediation.Agreed, stored.State, "not closed")

	parties := stored.Parties()
	parties[0].Age, parties[0].IDCard = 0, "110105197501010018"
	parties[1].Age, parties[1].IDCard = 0, "110105197702020036"
	_, err = app.Cases.Correct(ctx, head, kase.ID, stored.Version, mediation.Correction{
		Reason: "补登身份证号", Applicants: parties[:1], Respondents: parties[1:],
	})
	require.NoError(t, err)
	resp, body = post("close", url.Values{"note": {"调解成功"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	_, body = c.get(page)
	assert.Contains(t, body, `<strong id="case-state">已结案</strong>`)
	assert.NotContains(t, body, "结案前须补齐")
	assert.NotContains(t, body, `id="rights-form"`, "a closed case is given no notice")
}

// TestPrintedNoticeAndFile checks the two documents the case page prints
// besides the agreement: the notice of rights, with a blank line for the
// party not yet told and how the other was, and the whole case file with
// its contents page, members named; each under the policy of a page that
// runs no script, and each shown only to those who may see the case.
func TestPrintedNoticeAndFile(t *testing.T) {
	app, ts := newPilot(t)
	c := headClient(t, ts.URL)
	kase, page, token := openCase(t, app, c)
	resp, body := c.post(page+"/rights", url.Values{"csrf": {token}, "version": {strconv.FormatInt(kase.Version, 10)}, "party": {"测试甲"}, "manner": {"written"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)

	_, body = c.get(page)
	assert.Contains(t, body, `<a href="`+page+`/rights-notice" id="print-rights-notice" class="button">打印告知书</a>`)
	assert.Contains(t, body, `<a href="`+page+`/file/print" id="print-casefile" class="button">打印卷宗</a>`)

	resp, notice := c.get(page + "/rights-notice")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; form-action 'none'", resp.Header.Get("Content-Security-Policy"))
	assert.Contains(t, notice, "人民调解权利义务告知书")
	assert.Contains(t, notice, "古城办事处人民调解委员会", "the committee named")
	assert.Regexp(t, `<tr><td>申请人</td><td>测试甲</td><td>[^<]+</td><td>\d{4}年`, notice, "told: how and when")
	assert.Contains(t, notice, `<tr><td>被申请人</td><td>测试乙</td><td><span class="blank"></span></td>`, "not told: a blank line")
	assert.NotContains(t, notice, "<script")

	resp, file := c.get(page + "/file/print")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; form-action 'none'", resp.Header.Get("Content-Security-Policy"))
	assert.Contains(t, file, "卷内目录")
	assert.Contains(t, file, "古城办事处人民调解委员会")
	assert.Contains(t, file, "马园村委书记", "who recorded what, by name")
	assert.NotContains(t, file, "mayuan-head", "no member's ID")
	assert.NotContains(t, file, "<script")

	other := newClient(t, ts.URL)
	require.Equal(t, http.StatusSeeOther, other.login("wuguiqiao-head", pilot.DemoPassword).StatusCode)
	for _, path := range []string{page, page + "/rights-notice", page + "/file/print"} {
		resp, _ := other.get(path)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, "%s for another village", path)
	}
	anonymous := newClient(t, ts.URL)
	resp, _ = anonymous.get(page + "/file/print")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "to the login page")
}
