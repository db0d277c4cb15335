package pilot_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// englishMessages are words of the domain's messages, which are for the
// API's clients: a page must show none of them.
var englishMessages = []string{"required", "longer than", "holds a", "not valid", "must be", "at least", "is not", "unknown", "write the amount"}

// assertChineseOnly checks that a page shows no message of the domain's.
func assertChineseOnly(t *testing.T, body string) {
	t.Helper()
	text := regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(body, " ")
	for _, w := range englishMessages {
		assert.NotContains(t, text, w, "the page shows the domain's English message")
	}
}

// marked reports whether the input with the given id is marked at fault,
// with its message beside it.
func marked(body, id string) bool {
	return regexp.MustCompile(`id="`+regexp.QuoteMeta(id)+`"[^>]* class="invalid" aria-invalid="true" aria-describedby="`+regexp.QuoteMeta(id)+`-error"`).MatchString(body) &&
		strings.Contains(body, `<span class="field-error" id="`+id+`-error">`)
}

// applyForm is a valid application form with key.
func applyForm(c *client, key string) url.Values {
	return url.Values{
		"csrf": {c.csrf()}, "key": {key}, "name": {"测试申请人"}, "phone": {"13912345678"}, "address": {"南关一组"},
		"respondent": {"测试对方"}, "consent": {mediation.CurrentPrivacyNotice.Version}, "category": {"debt"}, "location": {"nanguan-1"}, "facts": {"借款未还。"}, "claim": {"1500.5"},
	}
}

// countCases returns how many cases the township head sees.
func countCases(t *testing.T, app *pilot.App) int {
	t.Helper()
	m, ok := app.Member("gc-secretary")
	require.True(t, ok)
	page, err := app.Cases.List(context.Background(), m.Actor(), mediation.Filter{Limit: work.MaxPage})
	require.NoError(t, err)
	return len(page.Cases)
}

// TestApplyFormMarksEveryField checks that an application with several
// mistakes is shown again as typed, with every input at fault marked and
// named in Chinese, and nothing stored.
func TestApplyFormMarksEveryField(t *testing.T) {
	app, ts := newPilot(t)
	c := newClient(t, ts.URL)
	before := countCases(t, app)
	form := applyForm(c, "form-key-many-mistakes")
	form.Set("name", "   ")
	form.Set("phone", "12345")
	form.Set("facts", "借款\x00未还")
	resp, body := c.post("/apply", form)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	for _, id := range []string{"name", "phone", "facts"} {
		assert.True(t, marked(body, id), "%s is marked", id)
	}
	for _, id := range []string{"address", "respondent", "claim", "location", "category"} {
		assert.False(t, marked(body, id), "%s is not marked", id)
	}
	assert.Contains(t, body, "申请人姓名、手机号码、纠纷经过", "the message names each field in Chinese")
	assert.Contains(t, body, `value="南关一组"`, "what was typed is kept")
	assert.Contains(t, body, `value="1500.5"`)
	assert.Contains(t, body, `value="12345"`)
	assert.Contains(t, body, `value="form-key-many-mistakes"`, "the same form, so that its retry is the same application")
	assertChineseOnly(t, body)
	assert.Equal(t, before, countCases(t, app), "nothing stored")
}

// TestApplyFormMoney checks that the claim is read only as plain decimal
// yuan, and that a claim the form cannot read is shown with every other
// mistake at once.
func TestApplyFormMoney(t *testing.T) {
	app, ts := newPilot(t)
	c := newClient(t, ts.URL)
	for i, tc := range []struct {
		claim string
		fen   int64 // -1: refused
	}{
		{"0x1p-2", -1}, {"1_000", -1}, {"1e3", -1}, {"-5", -1}, {"1,000", -1}, {"3000.505", -1}, {"Inf", -1}, {"1 000", -1},
		{"3000", 300000}, {"1500.5", 150050}, {"３０００．５", 300050}, {" 26000.00 ", 2600000},
	} {
		t.Run(tc.claim, func(t *testing.T) {
			c.t = t
			before := countCases(t, app)
			form := applyForm(c, "form-key-money-"+string(rune('a'+i)))
			form.Set("claim", tc.claim)
			resp, body := c.post("/apply", form)
			if tc.fen < 0 {
				require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
				assert.True(t, marked(body, "claim"), "the claim is marked")
				assert.Contains(t, body, "请求金额")
				assertChineseOnly(t, body)
				assert.Equal(t, before, countCases(t, app), "nothing stored")
				return
			}
			require.Equal(t, http.StatusOK, resp.StatusCode, body)
			code := trackingCode.FindStringSubmatch(body)
			require.NotNil(t, code)
			got, err := app.DB.Cases().GetByTrackingCode(context.Background(), code[1])
			require.NoError(t, err)
			assert.Equal(t, tc.fen, got.Claims[0].Amount)
		})
	}
	t.Run("a bad claim with other mistakes", func(t *testing.T) {
		c.t = t
		form := applyForm(c, "form-key-money-and-more")
		form.Set("claim", "0x1p-2")
		form.Set("name", "王\u202e某")
		form.Del("location")
		resp, body := c.post("/apply", form)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
		for _, id := range []string{"claim", "name", "location"} {
			assert.True(t, marked(body, id), "%s is marked", id)
		}
		assertChineseOnly(t, body)
	})
}

// TestApplyStoresCleanedText checks that what the form stores is the
// text as the rule cleaned it.
func TestApplyStoresCleanedText(t *testing.T) {
	app, ts := newPilot(t)
	c := newClient(t, ts.URL)
	form := applyForm(c, "form-key-cleaned-text")
	form.Set("name", "\u3000测试申请人 ")
	form.Set("facts", " 借款未还。\r\n多次催要。 ")
	resp, body := c.post("/apply", form)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	got, err := app.DB.Cases().GetByTrackingCode(context.Background(), trackingCode.FindStringSubmatch(body)[1])
	require.NoError(t, err)
	assert.Equal(t, "测试申请人", got.Applicants[0].Name)
	assert.Equal(t, "借款未还。\n多次催要。", got.Facts)
}

// mediatingCase registers a homestead quarrel in 马园一组 through 马园's
// head, who accepts it and holds a first session, and returns it.
func mediatingCase(t *testing.T, app *pilot.App) *mediation.Case {
	t.Helper()
	ctx := context.Background()
	m, ok := app.Member("mayuan-head")
	require.True(t, ok)
	head := m.Actor()
	c, err := app.Cases.Register(ctx, head, mediation.Intake{
		Channel: work.ChannelWalkIn, Category: mediation.Homestead, Location: grid.CellID("mayuan-1"),
		Applicants: []mediation.Party{{Name: "测试甲", Sex: mediation.Male, Ethnicity: mediation.Han, Age: 50, Occupation: "农民",
			Phone: "13900001111", Address: "马园一组"}},
		Respondents: []mediation.Party{{Name: "测试乙", Sex: mediation.Male, Ethnicity: mediation.Han, Age: 48, Occupation: "农民",
			Phone: "13900002222", Address: "马园一组"}},
		Facts: "两家因院墙位置争执。",
	})
	require.NoError(t, err)
	c, err = app.Cases.Accept(ctx, head, c.ID, 0)
	require.NoError(t, err)
	c, err = app.Cases.RecordSession(ctx, head, c.ID, 0, mediation.Session{
		At: time.Now(), Place: mediation.PlaceHome, Attendees: []string{m.Name}, Notes: "听取双方意见。", Outcome: mediation.Progress,
	})
	require.NoError(t, err)
	return c
}

// headClient returns a browser with 马园's head logged in.
func headClient(t *testing.T, base string) *client {
	t.Helper()
	c := newClient(t, base)
	require.Equal(t, http.StatusSeeOther, c.login("mayuan-head", pilot.DemoPassword).StatusCode)
	return c
}

// openCase opens, as c, a new case in mediation, and returns it, its page
// and the page's CSRF token.
func openCase(t *testing.T, app *pilot.App, c *client) (*mediation.Case, string, string) {
	t.Helper()
	kase := mediatingCase(t, app)
	page := "/cases/" + string(kase.ID)
	_, body := c.get(page)
	token := csrfField.FindStringSubmatch(body)
	require.NotNil(t, token, "the case page carries a CSRF token")
	return kase, page, token[1]
}

// TestCaseFormsMarkEveryField checks that the case page's forms, refused,
// show the case again with what was typed and every input at fault marked
// and named in Chinese, and change nothing.
func TestCaseFormsMarkEveryField(t *testing.T) {
	app, ts := newPilot(t)
	c := headClient(t, ts.URL)
	kase, page, token := openCase(t, app, c)
	version := func(t *testing.T) string {
		t.Helper()
		stored, err := app.DB.Cases().Get(context.Background(), kase.ID)
		require.NoError(t, err)
		return strconv.FormatInt(stored.Version, 10)
	}
	for _, tc := range []struct {
		name   string
		action string
		form   url.Values
		marked []string // ids of the inputs at fault
		labels string   // the message's list of the fields at fault
		kept   []string // what was typed, as the page must show it
	}{
		{"a draft agreement with three mistakes", "draft", url.Values{
			"facts": {"两家因院墙位置争执。"}, "disputes": {"   "}, "terms": {"院墙\u202e后退"}, "amount": {"1_000"}, "manner": {"分期支付"}, "place": {"村委会"},
			"perform_by": {time.Now().AddDate(0, 1, 0).Format(time.DateOnly)}, "mediator": {"马书记"},
		}, []string{"draft-disputes", "draft-terms", "draft-amount"}, "争议事项、协议内容、赔偿金额", []string{`value="1_000"`, `value="分期支付"`}},
		{"a session without notes or attendees", "session", url.Values{
			"place": {"field"}, "place_note": {"东地头"}, "attendees": {"  "}, "notes": {"\u3000"}, "outcome": {"no_progress"},
		}, []string{"session-attendees", "session-notes"}, "参加人员、调解情况", []string{`value="东地头"`, `<option value="no_progress" selected>`, `<option value="field" selected>`}},
		{"an escalation for no reason", "escalate", url.Values{"reason": {"   "}}, []string{"escalate-reason"}, "呈报理由", nil},
		{"a team member named by spaces", "join", url.Values{"department": {"partner"}, "name": {"  "}, "body": {"土地所\a"}, "role": {"所长"}},
			[]string{"join-name", "join-body"}, "姓名、N方单位或关系", []string{`value="所长"`, `<option value="partner" selected>`}},
		{"a notice of rights given to no one", "rights", url.Values{"manner": {"written"}}, []string{"rights-party"}, "告知对象",
			[]string{`id="rights-party-0">`, `id="rights-party-1">`}},
		{"a notice of rights given to someone else", "rights", url.Values{"party": {"测试甲", "某某"}, "manner": {"oral"}}, []string{"rights-party"}, "告知对象",
			[]string{`id="rights-party-0" checked>`, `id="rights-party-1">`, `<option value="oral" selected>`}},
		{"a notice of rights given somehow", "rights", url.Values{"party": {"测试乙"}, "manner": {"by pigeon"}}, []string{"rights-manner"}, "告知方式",
			[]string{`id="rights-party-0">`, `id="rights-party-1" checked>`}},
		{"a notice of rights given at no time", "rights", url.Values{"party": {"测试甲"}, "manner": {"written"}, "at": {"昨天下午"}}, []string{"rights-at"}, "告知时间",
			[]string{`value="昨天下午"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			v := version(t)
			tc.form.Set("csrf", token)
			tc.form.Set("version", v)
			resp, body := c.post(page+"/"+tc.action, tc.form)
			require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
			for _, id := range tc.marked {
				assert.True(t, marked(body, id), "%s is marked", id)
			}
			assert.Equal(t, len(tc.marked), strings.Count(body, `class="invalid"`), "only the inputs at fault are marked")
			assert.Contains(t, body, `id="`+tc.action+`-message"`)
			assert.Contains(t, body, tc.labels, "the fields at fault, in Chinese")
			for _, k := range tc.kept {
				assert.Contains(t, body, k, "what was typed is kept")
			}
			assertChineseOnly(t, body)
			assert.Equal(t, v, version(t), "nothing stored")
		})
	}
}

// TestAgreementFormMoney checks that the agreement's amount is read as
// plain decimal yuan only.
func TestAgreementFormMoney(t *testing.T) {
	app, ts := newPilot(t)
	c := headClient(t, ts.URL)
	for _, tc := range []struct {
		amount string
		fen    int64 // -1: refused
	}{
		{"0x1p-2", -1}, {"1e4", -1}, {"30000.001", -1}, {"0", -1}, {"30000", 3000000}, {"３００００．５", 3000050},
	} {
		t.Run(tc.amount, func(t *testing.T) {
			c.t = t
			kase, page, token := openCase(t, app, c)
			resp, body := c.post(page+"/draft", url.Values{
				"csrf": {token}, "version": {strconv.FormatInt(kase.Version, 10)}, "facts": {"两家因院墙位置争执。"}, "disputes": {"院墙位置"},
				"terms": {"院墙后退0.3米。"}, "amount": {tc.amount}, "manner": {"当面履行"}, "place": {"村委会"},
				"perform_by": {time.Now().AddDate(0, 1, 0).Format(time.DateOnly)}, "mediator": {"马书记"},
			})
			stored, err := app.DB.Cases().Get(context.Background(), kase.ID)
			require.NoError(t, err)
			if tc.fen < 0 {
				require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
				assert.True(t, marked(body, "draft-amount"), "the amount is marked")
				assertChineseOnly(t, body)
				assert.Nil(t, stored.Draft, "nothing stored")
				return
			}
			require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
			require.NotNil(t, stored.Draft)
			assert.Equal(t, tc.fen, stored.Draft.Total())
		})
	}
}

// TestErrorPageChineseOnly checks that an error page for input the forms
// above do not handle names the field in Chinese and shows no English.
func TestErrorPageChineseOnly(t *testing.T) {
	app, ts := newPilot(t)
	c := headClient(t, ts.URL)
	_, page, token := openCase(t, app, c)
	resp, body := c.post(page+"/escalate", url.Values{"csrf": {token}, "reason": {"分歧大"}})
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	assert.Contains(t, body, "案件版本")
	assertChineseOnly(t, body)
}
