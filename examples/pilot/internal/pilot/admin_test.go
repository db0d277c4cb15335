package pilot_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/roster"
	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
)

// csrfOf returns the CSRF token of the form on the page at path.
func (c *client) csrfOf(path string) string {
	c.t.Helper()
	_, body := c.get(path)
	m := csrfField.FindStringSubmatch(body)
	require.NotNil(c.t, m, "%s carries a CSRF token", path)
	return m[1]
}

// upload posts a file in the form field "roster" with the page's fields.
func (c *client) upload(path, page, name string, file []byte, fields url.Values) (*http.Response, string) {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fields.Set("csrf", c.csrfOf(page))
	for k, vs := range fields {
		for _, v := range vs {
			require.NoError(c.t, mw.WriteField(k, v))
		}
	}
	fw, err := mw.CreateFormFile("roster", name)
	require.NoError(c.t, err)
	_, err = fw.Write(file)
	require.NoError(c.t, err)
	require.NoError(c.t, mw.Close())
	resp, err := c.http.Post(c.base+path, mw.FormDataContentType(), &buf)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return resp, string(b)
}

const qiaobeiCSV = "网格编号,网格名称,层级,上级网格编号\n" +
	"qiaobei,桥北街道,1,\nqb-east,东片区,2,qiaobei\ndongzhuang,东庄村委,3,qb-east\n\n" +
	"账号,姓名,手机号,部门,所属单位,岗位,岗位所在网格编号\n" +
	"qb-secretary,程书记,13700000001,网格,,网格长,qiaobei\n" +
	"dz-head,邓主任,13700000003,网格,,网格长,dongzhuang\n"

var otpCell = regexp.MustCompile(`<code>([^<]+)</code></td><td>[^<]*</td><td>[^<]*</td><td><code class="otp">([^<]+)</code>`)

// otps reads the one-time passwords a page shows, by member.
func otps(body string) map[string]string {
	out := map[string]string{}
	for _, m := range otpCell.FindAllStringSubmatch(body, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// TestSetupPage follows a first start without the demo: every page leads
// to the setup; the code is asked for; a bad roster is refused with every
// problem and sets nothing up; a good one is shown, then set up, and its
// members' one-time passwords are shown once; a member signs in with one
// and must choose a password before anything else.
func TestSetupPage(t *testing.T) {
	app, ts := newEmptyPilot(t)
	code, _ := app.SetupCode()
	c := newClient(t, ts.URL)

	for _, path := range []string{"/", "/cases", "/login", "/admin"} {
		resp, _ := c.get(path)
		assert.Equal(t, http.StatusSeeOther, resp.StatusCode, path)
		assert.Equal(t, "/setup", resp.Header.Get("Location"), path)
	}
	resp, _ := c.get("/api/v1/cases")
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	resp, _ = c.get("/healthz")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	resp, _ = c.get("/setup/roster-template.xlsx")
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the template is there to be filled in first")

	// Without the code, nothing.
	var body string
	resp, _ = c.upload("/setup/roster", "/setup", "花名册.csv", []byte(qiaobeiCSV), url.Values{})
	assert.Equal(t, "/setup", resp.Header.Get("Location"), "the roster needs the code first")
	resp, body = c.post("/setup", url.Values{"csrf": {c.csrfOf("/setup")}, "code": {"AAAA-BBBB-CCCC"}})
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Contains(t, body, "设置码不正确")
	resp, _ = c.post("/setup", url.Values{"csrf": {c.csrfOf("/setup")}, "code": {strings.ToLower(strings.ReplaceAll(code, "-", " "))}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, "the code, typed in lower case with spaces")
	other := newClient(t, ts.URL)
	resp, _ = other.post("/setup/demo", url.Values{"csrf": {other.csrfOf("/setup")}})
	assert.Equal(t, "/setup", resp.Header.Get("Location"), "another browser has not given the code")
	assert.True(t, app.NeedsSetup())

	// A roster with problems: all of them, and nothing set up.
	bad := strings.Replace(strings.Replace(qiaobeiCSV, "13700000003", "1370000", 1), "dongzhuang,东庄村委,3", "dongzhuang,东庄村委,4", 1)
	resp, body = c.upload("/setup/roster", "/setup", "花名册.csv", []byte(bad), url.Values{})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "未导入任何内容")
	assert.Contains(t, body, "人员 第 8 行 C 列")
	assert.Contains(t, body, "网格 第 4 行 C 列")
	assert.True(t, app.NeedsSetup())

	resp, body = c.upload("/setup/roster", "/setup", "花名册.csv", []byte(qiaobeiCSV), url.Values{})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, "程书记（qb-secretary）")
	assert.True(t, app.NeedsSetup(), "shown, not yet set up")
	resp, body = c.post("/setup/confirm", url.Values{"csrf": {c.csrfOf("/setup")}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	passwords := otps(body)
	require.Len(t, passwords, 2)
	assert.False(t, app.NeedsSetup())
	_, ok := app.SetupCode()
	assert.False(t, ok)
	resp, _ = c.get("/setup")
	assert.Equal(t, "/login", resp.Header.Get("Location"), "the setup is over")

	// The one-time password signs in only to choose a password.
	head := newClient(t, ts.URL)
	_, loginPage := head.get("/login")
	assert.NotContains(t, loginPage, "演示账号")
	resp, body = head.post("/login", url.Values{"csrf": {head.csrfOf("/login")}, "login": {"dz-head"}, "password": {passwords["dz-head"]}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "设置您自己的密码")
	resp, _ = head.get("/cases")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "no session yet")
	form := url.Values{"csrf": {head.csrfOf("/login")}, "login": {"dz-head"}, "onetime": {passwords["dz-head"]}, "new": {"13700000003"}, "again": {"13700000003"}}
	resp, body = head.post("/login/password", form)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "不能是您的手机号或姓名")
	form.Set("new", "东庄村委会主任的新密码")
	form.Set("again", "东庄村委会主任的新密码?")
	_, body = head.post("/login/password", form)
	assert.Contains(t, body, "两次输入的新密码不一致")
	form.Set("again", "东庄村委会主任的新密码")
	resp, _ = head.post("/login/password", form)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, _ = head.get("/cases")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	again := newClient(t, ts.URL)
	assert.Equal(t, http.StatusUnauthorized, again.login("dz-head", passwords["dz-head"]).StatusCode, "the one-time password is spent")
	assert.Equal(t, http.StatusSeeOther, again.login("dz-head", "东庄村委会主任的新密码").StatusCode)
}

// TestSetupDemo: the setup page's second way loads the demo township, and
// only then does the login page show the demo password.
func TestSetupDemo(t *testing.T) {
	app, ts := newEmptyPilot(t)
	code, _ := app.SetupCode()
	c := newClient(t, ts.URL)
	c.post("/setup", url.Values{"csrf": {c.csrfOf("/setup")}, "code": {code}})
	resp, _ := c.post("/setup/demo", url.Values{"csrf": {c.csrfOf("/setup")}})
	require.Equal(t, "/login", resp.Header.Get("Location"))
	assert.True(t, app.Demo())
	_, body := c.get("/login")
	assert.Contains(t, body, "演示账号")
	assert.Contains(t, body, pilot.DemoPassword)
	assert.Equal(t, http.StatusSeeOther, c.login("gc-secretary", pilot.DemoPassword).StatusCode)
}

// TestAdminPages: the administration is for those who may manage the
// grid; a member added there gets a one-time password and acts at once; a
// deactivated one loses their session and tokens at once; a bad field is
// named in Chinese and what was typed kept.
func TestAdminPages(t *testing.T) {
	app, ts := newPilot(t)
	head := newClient(t, ts.URL)
	head.login("mayuan-head", pilot.DemoPassword)
	resp, body := head.get("/admin")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, body, "网格管理仅限")
	_, body = head.get("/cases")
	assert.NotContains(t, body, `href="/admin"`, "no link to what the post may not use")

	admin := newClient(t, ts.URL)
	admin.login("gc-admin", pilot.DemoPassword)
	resp, body = admin.get("/admin")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "马园村委")
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))

	form := url.Values{"csrf": {admin.csrfOf("/admin/members/new")}, "id": {"mayuan-new"}, "name": {"马新"}, "phone": {"1390000"},
		"department": {"grid"}, "role": {"grid_worker"}, "cell": {"mayuan-1"}}
	resp, body = admin.post("/admin/members", form)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "手机号应为 11 位手机号码")
	assert.Contains(t, body, `value="马新"`, "what was typed is kept")
	form.Set("name", "   ")
	_, body = admin.post("/admin/members", form)
	assert.Contains(t, body, "手机号应为 11 位手机号码", "every field at fault at once")
	assert.Contains(t, body, "请填写名称或姓名")
	form.Set("name", "马新")
	form.Set("phone", "13900001234")
	resp, body = admin.post("/admin/members", form)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	otp := otps(body)["mayuan-new"]
	require.NotEmpty(t, otp)

	member := newClient(t, ts.URL)
	resp, body = member.post("/login/password", url.Values{"csrf": {member.csrfOf("/login")}, "login": {"mayuan-new"}, "onetime": {otp}, "new": {"马园一组网格员的密码"}, "again": {"马园一组网格员的密码"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	resp, _ = member.get("/cases")
	require.Equal(t, http.StatusOK, resp.StatusCode, "the new member works at once")
	token, _, err := app.IssueToken(context.Background(), "mayuan-new", "测试", 0)
	require.NoError(t, err)
	api := func() int {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/cases", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return res.StatusCode
	}
	require.Equal(t, http.StatusOK, api())

	resp, _ = admin.post("/admin/members/mayuan-new/deactivate", url.Values{"csrf": {admin.csrfOf("/admin")}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, body = admin.get(resp.Header.Get("Location"))
	assert.Contains(t, body, "已停用：其登录和接口令牌即刻失效")
	_, body = admin.get("/admin/members/mayuan-new?done=" + url.QueryEscape("请致电某某领取新密码"))
	assert.NotContains(t, body, "请致电", "a link cannot make the page say anything")
	resp, _ = member.get("/cases")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "the session ends at once")
	assert.Equal(t, http.StatusUnauthorized, api(), "and the token")
	assert.Equal(t, http.StatusUnauthorized, newClient(t, ts.URL).login("mayuan-new", "马园一组网格员的密码").StatusCode)

	// A reset gives a new one-time password; the old password stops.
	resp, body = admin.post("/admin/members/mayuan-1-head/password", url.Values{"csrf": {admin.csrfOf("/admin")}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotEmpty(t, otps(body)["mayuan-1-head"])
	assert.Equal(t, http.StatusUnauthorized, newClient(t, ts.URL).login("mayuan-1-head", pilot.DemoPassword).StatusCode)
}

// TestAdminRoster: the township's roster exported, changed in the file,
// and imported shows exactly the difference, applies it once, and a
// second apply of the same upload is refused.
func TestAdminRoster(t *testing.T) {
	app, ts := newPilot(t)
	admin := newClient(t, ts.URL)
	admin.login("gc-secretary", pilot.DemoPassword)
	resp, file := admin.get("/admin/roster.xlsx")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Disposition"), "attachment")
	r, err := roster.Read(strings.NewReader(file))
	require.NoError(t, err)
	dir := app.Grid.Directory()
	want, err := grid.RosterOf(dir.Tree(), gridtest.GuchengID, dir.Members(gridtest.GuchengID))
	require.NoError(t, err)
	assert.Equal(t, want, r, "the export is the roster as it stands")

	// A new villager group, in the file.
	r.Cells = append(r.Cells, grid.Spec{ID: "mayuan-4", Parent: "mayuan", Name: "马园四组", Level: 4})
	r.Members = append(r.Members, grid.MemberSpec{ID: "mayuan-4-head", Name: "马园四组组长", Phone: "13900004444", Department: grid.DeptGrid,
		Posts: []grid.PostSpec{{Role: grid.GridHead, Cell: "mayuan-4"}}})
	var buf bytes.Buffer
	require.NoError(t, roster.Write(&buf, r, grid.DefaultTitles))
	resp, body := admin.upload("/admin/roster", "/admin/roster", "花名册.xlsx", buf.Bytes(), url.Values{})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, "新增网格（1）")
	assert.Contains(t, body, "新增人员（1）")
	assert.NotContains(t, body, "撤销网格")
	key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(body)
	baseLen := regexp.MustCompile(`name="base_len" value="([^"]+)"`).FindStringSubmatch(body)
	baseHead := regexp.MustCompile(`name="base_head" value="([^"]+)"`).FindStringSubmatch(body)
	require.NotNil(t, key)
	_, err = app.Grid.Directory().Tree().Cell("mayuan-4")
	require.Error(t, err, "shown, not applied")

	apply := url.Values{"csrf": {admin.csrfOf("/admin/roster")}, "key": {key[1]}, "base_len": {baseLen[1]}, "base_head": {baseHead[1]}}
	resp, body = admin.post("/admin/roster/apply", apply)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.NotEmpty(t, otps(body)["mayuan-4-head"], "the new member's one-time password")
	_, err = app.Grid.Directory().Tree().Cell("mayuan-4")
	assert.NoError(t, err)
	resp, body = admin.post("/admin/roster/apply", apply)
	assert.Equal(t, http.StatusConflict, resp.StatusCode)
	assert.Contains(t, body, "已导入或已过期")
}
