package pilot_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
	"github.com/fourplusn/fourplusn/mediation"
)

// TestRegisterAndRoute: the duty officer registers a walk-in dispute and
// routes it in one step; the page says so once, the case waits for the
// committee chosen, which accepts it once.
func TestRegisterAndRoute(t *testing.T) {
	app, ts := newPilot(t)
	duty := newClient(t, ts.URL)
	require.Equal(t, http.StatusSeeOther, duty.login("gc-duty-1", pilot.DemoPassword).StatusCode)
	_, page := duty.get("/console")
	assert.Contains(t, page, `href="/cases/new"`, "the console offers the registration")

	form := url.Values{
		"csrf": {duty.csrf()}, "key": {"register-key-0001"}, "channel": {"walk_in"}, "name": {"刘秀英"}, "phone": {"13912340000"},
		"respondent": {"王某"}, "category": {"neighbour"}, "location": {"mayuan-1"}, "risk": {""}, "facts": {"邻居占道堆放柴草。"}, "route": {"mayuan"},
	}
	resp, body := duty.post("/cases/new", form)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	at := resp.Header.Get("Location")
	_, page = duty.get(at)
	assert.Contains(t, page, "，已分派至马园村委，等待其受理。", "the registration confirms itself")
	assert.Contains(t, page, `<strong id="case-state">待马园村委受理</strong>`)
	_, again := duty.get(at)
	assert.NotContains(t, again, `id="flash"`, "shown once")
	assert.NotContains(t, again, `id="do-accept"`, "not the duty officer's to accept")

	id := mediation.ID(strings.TrimPrefix(at, "/cases/"))
	c, err := app.DB.Cases().Get(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, "/gucheng/gc-east/mayuan", c.Handling.String())

	// The rules' choice when none is picked: a simple dispute stays in
	// the group.
	form.Set("key", "register-key-0002")
	form.Set("route", "")
	resp, _ = duty.post("/cases/new", form)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, page = duty.get(resp.Header.Get("Location"))
	assert.Contains(t, page, "按规则分派至马园一组，等待其受理。")

	// A mistake keeps what was typed and says what is wrong in Chinese.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("key", "register-key-0003")
	bad.Set("route", "lz-qiaotou")
	resp, page = duty.post("/cases/new", bad)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, page, "填写有误，请修改以下各项后重新提交：分派至。")
	assert.Contains(t, page, "邻居占道堆放柴草。", "what was typed is kept")

	// The committee accepts it once, and is told what comes next.
	head := newClient(t, ts.URL)
	require.Equal(t, http.StatusSeeOther, head.login("mayuan-head", pilot.DemoPassword).StatusCode)
	resp, _ = head.post(at+"/accept", url.Values{"csrf": {head.csrf()}, "version": {strconv.FormatInt(c.Version, 10)}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, page = head.get(at)
	assert.Contains(t, page, "已受理，办结时限")
	assert.Contains(t, page, `<strong id="case-state">马园村委已受理，待调解</strong>`)
	assert.Contains(t, page, "登记 · 周某", "the duty officer by name")
}

// TestStaleFormKeepsInput: a form posted on an earlier version of the
// case is shown again as typed, with the new version and what changed
// meanwhile, in Chinese.
func TestStaleFormKeepsInput(t *testing.T) {
	app, ts := newPilot(t)
	c := newClient(t, ts.URL)
	form := url.Values{
		"csrf": {c.csrf()}, "key": {"stale-key-0123456789"}, "name": {"刘秀英"}, "phone": {"13912345678"},
		"respondent": {"王某"}, "consent": {mediation.CurrentPrivacyNotice.Version}, "category": {"neighbour"}, "location": {"mayuan"}, "facts": {"占道。"},
	}
	resp, body := c.post("/apply", form)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	code := trackingCode.FindStringSubmatch(body)[1]
	got, err := app.DB.Cases().GetByTrackingCode(context.Background(), code)
	require.NoError(t, err)
	at := "/cases/" + string(got.ID)

	head := newClient(t, ts.URL)
	require.Equal(t, http.StatusSeeOther, head.login("mayuan-head", pilot.DemoPassword).StatusCode)
	stale := strconv.FormatInt(got.Version, 10)
	resp, _ = head.post(at+"/accept", url.Values{"csrf": {head.csrf()}, "version": {stale}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	head.get(at) // the flash

	// A second form of the same page, built on the version before.
	resp, page := head.post(at+"/join", url.Values{"csrf": {head.csrf()}, "version": {stale}, "department": {"police"}, "name": {"马园民警"}, "role": {"社区民警"}})
	assert.Equal(t, http.StatusConflict, resp.StatusCode)
	assert.Contains(t, page, `id="changed"`, "what changed meanwhile")
	assert.Contains(t, page, "受理 · 马园村委书记")
	assert.Contains(t, page, "您填写的内容已保留")
	assert.Contains(t, page, `value="马园民警"`, "what was typed is kept")
	assert.Contains(t, page, `name="version" value="`+strconv.FormatInt(got.Version+1, 10)+`"`, "the form carries the new version")
	assert.NotContains(t, page, "was changed", "never the English")

	// Resubmitted, it goes through.
	resp, _ = head.post(at+"/join", url.Values{"csrf": {head.csrf()}, "version": {strconv.FormatInt(got.Version+1, 10)}, "department": {"police"}, "name": {"马园民警"}, "role": {"社区民警"}})
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)

	// The resident is named in the timeline as the applicant, masked.
	_, page = head.get(at)
	assert.Contains(t, page, "登记 · 申请人 刘**")
	assert.NotContains(t, page, "r-stale-key")

	// A step the state does not admit names the state.
	resp, page = head.post(at+"/accept", url.Values{"csrf": {head.csrf()}, "version": {strconv.FormatInt(got.Version+2, 10)}})
	assert.Equal(t, http.StatusConflict, resp.StatusCode)
	assert.Contains(t, page, "该案件现为“马园村委已受理，待调解”，不能进行此操作。")
}
