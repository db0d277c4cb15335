package pilot_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/mediation"
)

// TestApplyFormParticulars checks that the applicant's particulars are
// registered as typed, and that those at fault are each marked, with the
// rest of the form, and nothing stored.
func TestApplyFormParticulars(t *testing.T) {
	app, ts := newPilot(t)
	c := newClient(t, ts.URL)
	for _, tc := range []struct {
		name   string
		set    map[string]string
		marked []string // ids of the inputs at fault; none: registered
		labels string
	}{
		{"all given", map[string]string{
			"applicants[0].sex": "female", "applicants[0].ethnicity": "回族", "applicants[0].birth_date": "1980-05-06",
			"applicants[0].occupation": "农民", "applicants[0].agents[0].name": "测试代理人", "applicants[0].agents[0].kind": "near_relative",
			"applicants[0].agents[0].authority": "special", "applicants[0].agents[0].powers": "代为签署调解协议",
		}, nil, ""},
		{"an ID card, an age, an ethnicity and the powers of a special agent typed in the second row wrong", map[string]string{
			"applicants[0].id_card": "110101198001010000", "applicants[0].age": "二十", "applicants[0].ethnicity": "火星族",
			"applicants[0].agents[1].name": "测试代理人", "applicants[0].agents[1].kind": "lawyer", "applicants[0].agents[1].authority": "special",
		}, []string{"applicant-id-card", "applicant-age", "applicant-ethnicity", "applicant-agent0-powers"}, "申请人民族、申请人年龄、申请人身份证号码、申请人委托事项和权限"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			before := countCases(t, app)
			form := applyForm(c, "form-key-"+strconv.Itoa(len(tc.marked))+"-particulars")
			for k, v := range tc.set {
				form.Set(k, v)
			}
			resp, body := c.post("/apply", form)
			if tc.marked == nil {
				require.Equal(t, http.StatusOK, resp.StatusCode, body)
				require.Equal(t, before+1, countCases(t, app))
				return
			}
			require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
			for _, id := range tc.marked {
				assert.True(t, marked(body, id), "%s is marked", id)
			}
			assert.Contains(t, body, tc.labels, "the message names each field in Chinese, in the form's order")
			assert.Contains(t, body, `<option value="special" selected>`, "what was chosen is kept")
			assertChineseOnly(t, body)
			assert.Equal(t, before, countCases(t, app), "nothing stored")
		})
	}
	m, _ := app.Member("gc-secretary")
	page, err := app.Cases.List(context.Background(), m.Actor(), mediation.Filter{Limit: 1})
	require.NoError(t, err)
	got := page.Cases[0].Applicants[0]
	assert.Equal(t, mediation.Female, got.Sex)
	assert.Equal(t, "回族", got.Ethnicity.String())
	assert.Equal(t, "1980-05-06", got.BirthDate.Format("2006-01-02"))
	require.Len(t, got.Agents, 1)
	assert.Equal(t, mediation.SpecialAuthority, got.Agents[0].Authority)
	assert.False(t, got.Agents[0].Date.IsZero(), "an undated authorisation is dated today")
}

// TestCorrectionForm checks that a party's correction form marks the
// inputs at fault of that party's form alone, and that a correction made
// shows on the timeline, before and after, in Chinese.
func TestCorrectionForm(t *testing.T) {
	app, ts := newPilot(t)
	c := headClient(t, ts.URL)
	kase, page, token := openCase(t, app, c)
	form := url.Values{
		"csrf": {token}, "version": {strconv.FormatInt(kase.Version, 10)}, "party": {"respondents[0]"},
		"respondents[0].name": {"测试乙"}, "respondents[0].sex": {"male"}, "respondents[0].ethnicity": {"汉族"},
		"respondents[0].age": {"48"}, "respondents[0].occupation": {"农民"}, "respondents[0].phone": {"1390000"},
		"respondents[0].address": {"马园一组"}, "reason": {""},
	}
	resp, body := c.post(page+"/correct", form)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	assert.True(t, marked(body, "correct-respondent0-reason"), "the reason is marked")
	assert.Contains(t, body, `value="1390000"`, "what was typed is kept")
	assertChineseOnly(t, body)
	form.Set("reason", "当事人电话号码登记有误")
	resp, body = c.post(page+"/correct", form)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	assert.True(t, marked(body, "correct-respondent0-phone"), "the phone is marked")
	assert.False(t, marked(body, "correct-applicant0-phone"), "the applicant's form is not")
	assert.Contains(t, body, "被申请人手机号码", "named in Chinese")
	assertChineseOnly(t, body)

	form.Set("respondents[0].phone", "13900003333")
	form.Set("respondents[0].sex", "female")
	resp, body = c.post(page+"/correct", form)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	stored, err := app.DB.Cases().Get(context.Background(), kase.ID)
	require.NoError(t, err)
	assert.Equal(t, "13900003333", stored.Respondents[0].Phone)
	assert.Equal(t, "13900001111", stored.Applicants[0].Phone, "the other side as it was")
	_, body = c.get(page)
	assert.Contains(t, body, "被申请人手机号码：13900002222 → 13900003333")
	assert.Contains(t, body, "被申请人性别：男 → 女")
	assert.Contains(t, body, "理由：当事人电话号码登记有误")
}

// TestAgreementPage checks the agreement's life through the case page's
// forms as a client without a browser sees it: no agreement to print at
// first; a draft prints as the A4 document with blank lines, under a
// policy that lets its own styles apply and runs no script; a signing
// that marks the draft of another revision is refused and stores
// nothing; the marks recorded put it in effect, and it prints signed.
func TestAgreementPage(t *testing.T) {
	app, ts := newPilot(t)
	c := headClient(t, ts.URL)
	kase, page, token := openCase(t, app, c)
	resp, body := c.get(page + "/agreement")
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Contains(t, body, "该案件尚无调解协议")

	resp, body = c.post(page+"/draft", url.Values{
		"csrf": {token}, "version": {strconv.FormatInt(kase.Version, 10)}, "facts": {"两家因院墙位置争执。"}, "disputes": {"院墙位置"},
		"terms": {"院墙后退0.3米。"}, "manner": {"当面履行"}, "place": {"村委会"}, "perform_by": {"2030-01-31"}, "number": {"古调字〔2026〕第1号"}, "mediator": {"马某某"}, "mediator_post": {"村委书记"},
	})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	resp, body = c.get(page + "/agreement")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; form-action 'none'", resp.Header.Get("Content-Security-Policy"))
	assert.Contains(t, body, "人民调解协议书")
	assert.Contains(t, body, `class="blank"`, "lines to sign on")
	assert.Contains(t, body, "马某某（村委书记）")
	assert.NotContains(t, body, "<script")

	stored, err := app.DB.Cases().Get(context.Background(), kase.ID)
	require.NoError(t, err)
	sign := url.Values{
		"csrf": {token}, "version": {strconv.FormatInt(stored.Version, 10)}, "revision": {"2"},
		"party[0]": {"测试甲"}, "mark[0]": {"signed"}, "party[1]": {"测试乙"}, "mark[1]": {"fingerprinted"},
		"mediator_signed": {"1"}, "sealed": {"1"},
	}
	resp, body = c.post(page+"/signing", sign)
	require.Equal(t, http.StatusConflict, resp.StatusCode, "revision 2 was never drafted")
	assert.Contains(t, body, "请打印最新一稿协议书重新签署", "what to do, in Chinese")
	assertChineseOnly(t, body)
	sign.Set("revision", "1")
	resp, body = c.post(page+"/signing", sign)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	stored, err = app.DB.Cases().Get(context.Background(), kase.ID)
	require.NoError(t, err)
	require.NotNil(t, stored.Agreement)
	assert.Equal(t, mediation.InEffect, stored.Agreement.State())
	assert.Equal(t, mediation.Agreed, stored.State)
	_, body = c.get(page + "/agreement")
	assert.Contains(t, body, "按指印")
	assert.NotContains(t, body, `class="blank"`, "no blank line once signed")
}
