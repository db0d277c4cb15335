package pilot_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/fourplusn/fourplusn/adapters/inbox"
	"github.com/fourplusn/fourplusn/adapters/outbox"
	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// client is a browser without JavaScript: a cookie jar that does not
// follow redirects, so that the tests see them.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func newClient(t *testing.T, base string) *client {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &client{t: t, base: base, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) get(path string) (*http.Response, string) {
	c.t.Helper()
	resp, err := c.http.Get(c.base + path)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return resp, string(b)
}

func (c *client) post(path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	resp, err := c.http.PostForm(c.base+path, form)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return resp, string(b)
}

// csrf returns the token the pages write into their forms.
func (c *client) csrf() string {
	c.t.Helper()
	_, body := c.get("/login")
	m := csrfField.FindStringSubmatch(body)
	require.NotNil(c.t, m, "the login form carries a CSRF token")
	return m[1]
}

func (c *client) login(id, password string) *http.Response {
	c.t.Helper()
	resp, _ := c.post("/login", url.Values{"csrf": {c.csrf()}, "login": {id}, "password": {password}})
	return resp
}

func TestLoginSessionCookie(t *testing.T) {
	_, ts := newPilot(t)
	c := newClient(t, ts.URL)
	resp := c.login("gc-duty-1", pilot.DemoPassword)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/console", resp.Header.Get("Location"), "the watch lands on its console")
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "fpn_session" {
			session = ck
		}
	}
	require.NotNil(t, session)
	assert.True(t, session.HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, session.SameSite)

	resp, _ = c.get("/console")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	resp = c.login("gc-secretary", pilot.DemoPassword)
	assert.Equal(t, "/dashboard", resp.Header.Get("Location"), "a level-1 head lands on the dashboard")

	// Logging out ends the session on the server, not only in the browser.
	token := c.csrf()
	resp, _ = c.post("/logout", url.Values{"csrf": {token}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, _ = c.get("/dashboard")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.True(t, strings.HasPrefix(resp.Header.Get("Location"), "/login"))
}

func TestStaffPagesNeedLogin(t *testing.T) {
	_, ts := newPilot(t)
	c := newClient(t, ts.URL)
	for _, p := range []string{"/console", "/cases", "/hazards", "/dashboard"} {
		resp, _ := c.get(p)
		assert.Equal(t, http.StatusSeeOther, resp.StatusCode, p)
		assert.Equal(t, "/login?next="+url.QueryEscape(p), resp.Header.Get("Location"), p)
	}
	resp, _ := c.get("/console/events")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "no stream without a session")
}

func TestWrongPassword(t *testing.T) {
	_, ts := newPilot(t)
	c := newClient(t, ts.URL)
	for _, tc := range []struct{ name, id, password string }{
		{"wrong password", "gc-duty-1", "guess"},
		{"no such account", "nobody", pilot.DemoPassword},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := c.login(tc.id, tc.password)
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			for _, ck := range resp.Cookies() {
				assert.NotEqual(t, "fpn_session", ck.Name, "no session")
			}
		})
	}
}

// TestLoginLimits: wrong passwords lock the account they were tried on,
// from however many addresses they came, and only that account: the others
// behind the same office address sign in. The per-address limit is looser,
// for an office of many staff, and still stops a flood.
func TestLoginLimits(t *testing.T) {
	proxies, err := pilot.ParseProxies("127.0.0.1,::1")
	require.NoError(t, err)
	app, ts, _ := startPilot(t, pilot.Options{Demo: true, PasswordCost: bcrypt.MinCost}, pilot.ServerOptions{Proxies: proxies})
	_ = app
	from := func(c *client, addr string) *client {
		c.http.Transport = headerTransport{"X-Forwarded-For", addr}
		return c
	}

	t.Run("five wrong passwords lock the account, and only it", func(t *testing.T) {
		office := from(newClient(t, ts.URL), "203.0.113.7")
		for i := range 5 {
			resp, body := office.post("/login", url.Values{"csrf": {office.csrf()}, "login": {"gc-duty-2"}, "password": {"guess"}})
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "try %d", i+1)
			if i == 4 {
				assert.Contains(t, body, "账号已暂时锁定", "the fifth locks it, and says so")
			}
		}
		resp, body := office.post("/login", url.Values{"csrf": {office.csrf()}, "login": {"gc-duty-2"}, "password": {pilot.DemoPassword}})
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "even the right password waits")
		assert.Contains(t, body, "账号已暂时锁定")
		colleague := from(newClient(t, ts.URL), "203.0.113.7")
		assert.Equal(t, http.StatusSeeOther, colleague.login("gc-duty-1", pilot.DemoPassword).StatusCode, "a colleague behind the same address signs in")
	})

	t.Run("two hundred guesses from forty addresses lock it", func(t *testing.T) {
		locked := 0
		for i := range 200 {
			c := from(newClient(t, ts.URL), fmt.Sprintf("198.51.100.%d", i%40+1))
			_, body := c.post("/login", url.Values{"csrf": {c.csrf()}, "login": {"gc-secretary"}, "password": {fmt.Sprintf("guess-%d", i)}})
			if strings.Contains(body, "账号已暂时锁定") {
				locked++
			}
		}
		assert.Greater(t, locked, 190, "locked after the fifth, whatever the address")
		resp := from(newClient(t, ts.URL), "198.51.100.99").login("gc-secretary", pilot.DemoPassword)
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	})

	t.Run("a flood from one address is cut off", func(t *testing.T) {
		c := from(newClient(t, ts.URL), "192.0.2.50")
		statuses := map[int]int{}
		for i := range 40 {
			statuses[c.login(fmt.Sprintf("nobody-%d", i), "guess").StatusCode]++
		}
		assert.Equal(t, 30, statuses[http.StatusUnauthorized], "thirty tries a minute")
		assert.Equal(t, 10, statuses[http.StatusTooManyRequests], "then refused")
		other := from(newClient(t, ts.URL), "192.0.2.51")
		assert.Equal(t, http.StatusSeeOther, other.login("mayuan-head", pilot.DemoPassword).StatusCode, "another address is not")
	})
}

// headerTransport adds a header to every request, as a proxy in front of
// the pilot would.
type headerTransport struct{ key, value string }

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(h.key, h.value)
	return http.DefaultTransport.RoundTrip(r)
}

func TestCSRF(t *testing.T) {
	_, ts := newPilot(t)
	c := newClient(t, ts.URL)
	token := c.csrf()
	form := url.Values{"login": {"gc-duty-1"}, "password": {pilot.DemoPassword}}
	for _, tc := range []struct{ name, token string }{{"missing", ""}, {"wrong", token[:len(token)-1] + "x"}} {
		t.Run(tc.name, func(t *testing.T) {
			f := url.Values{"csrf": {tc.token}}
			for k, v := range form {
				f[k] = v
			}
			resp, _ := c.post("/login", f)
			assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		})
	}
	// Another browser's token does not fit this browser's cookie.
	other := newClient(t, ts.URL)
	f := url.Values{"csrf": {other.csrf()}}
	for k, v := range form {
		f[k] = v
	}
	resp, _ := c.post("/login", f)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	// A staff action is refused the same way, and changes nothing.
	require.Equal(t, http.StatusSeeOther, c.login("gc-duty-1", pilot.DemoPassword).StatusCode)
	resp, _ = c.post("/cases/x/accept", url.Values{"version": {"1"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}

var trackingCode = regexp.MustCompile(`id="code">([^<]+)<`)

// TestApplyAndTrack applies as a resident, retries the same form, and
// looks the application up: one case, and no personal data on the
// public page.
func TestApplyAndTrack(t *testing.T) {
	app, ts := newPilot(t)
	c := newClient(t, ts.URL)
	form := url.Values{
		"csrf": {c.csrf()}, "key": {"form-key-0123456789"}, "name": {"测试申请人"}, "phone": {"13912345678"},
		"respondent": {"测试对方"}, "consent": {mediation.CurrentPrivacyNotice.Version}, "category": {"debt"}, "location": {"nanguan-1"}, "facts": {"借款未还。"}, "claim": {"1500.5"},
	}
	resp, body := c.post("/apply", form)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	m := trackingCode.FindStringSubmatch(body)
	require.NotNil(t, m)
	_, again := c.post("/apply", form)
	assert.Equal(t, m[1], trackingCode.FindStringSubmatch(again)[1], "a resubmitted form is the same application")

	got, err := app.DB.Cases().GetByTrackingCode(context.Background(), m[1])
	require.NoError(t, err)
	assert.Equal(t, work.ChannelOnline, got.Channel)
	assert.Equal(t, int64(150050), got.Claims[0].Amount, "yuan to fen")
	assert.Equal(t, "/gucheng/gc-south/nanguan/nanguan-1", got.Handling.String())

	resp, page := c.get("/track?code=" + url.QueryEscape(m[1]))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, page, "待南关一组受理", "whose turn it is")
	assert.NotContains(t, page, "13912345678")
	assert.NotContains(t, page, "测试申请人")
	resp, _ = c.get("/track?code=nope")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)

	t.Run("invalid", func(t *testing.T) {
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("key", "form-key-other-0001")
		bad.Set("phone", "12345")
		resp, body := c.post("/apply", bad)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.Contains(t, body, "phone", "the message names the field")
	})
}

// TestCaseListScope checks that a village head's list holds only cases
// of the village, and the township head's holds those of every village.
func TestCaseListScope(t *testing.T) {
	_, ts := newPilot(t)
	for _, tc := range []struct {
		member       string
		sees, misses []string
	}{
		{"mayuan-head", []string{"马园"}, []string{"洪沟庙", "吴桂桥", "朗陵"}},
		{"honggoumiao-head", []string{"洪沟庙"}, []string{"马园", "吴桂桥"}},
		{"gc-secretary", []string{"马园", "洪沟庙", "吴桂桥", "朗陵"}, nil},
	} {
		t.Run(tc.member, func(t *testing.T) {
			c := newClient(t, ts.URL)
			require.Equal(t, http.StatusSeeOther, c.login(tc.member, pilot.DemoPassword).StatusCode)
			_, body := c.get("/cases")
			rows := regexp.MustCompile(`(?s)<tbody>(.*)</tbody>`).FindStringSubmatch(body)
			require.NotNil(t, rows)
			for _, s := range tc.sees {
				assert.Contains(t, rows[1], s)
			}
			for _, s := range tc.misses {
				assert.NotContains(t, rows[1], s)
			}
		})
	}
}

// TestDashboard shows the level-1 head's dashboard with its charts drawn
// on the server, every rate with its numerator and denominator, 环比 and
// 同比 labelled with the days they compare, the crime indicators only
// where they are recorded, a picked range of days, and refuses it to a
// village head.
func TestDashboard(t *testing.T) {
	app, ts := newPilot(t)
	c := newClient(t, ts.URL)
	require.Equal(t, http.StatusSeeOther, c.login("gc-secretary", pilot.DemoPassword).StatusCode)
	resp, body := c.get("/dashboard")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 3, strings.Count(body, "<svg"), "two charts and the map, drawn on the server")
	// The map of Gucheng's eight communities from the seed's boundaries,
	// labelled in Chinese, coloured by their open work.
	_, mapSVG, ok := strings.Cut(body, `id="cell-map"><svg`)
	require.True(t, ok, "the map is on the dashboard")
	mapSVG, _, _ = strings.Cut(mapSVG, "</svg>")
	assert.Equal(t, 8, strings.Count(mapSVG, "<path "), "one shape per community")
	assert.Contains(t, mapSVG, ">马园村委</text>")
	assert.Contains(t, mapSVG, "办理中的纠纷和隐患")
	assert.NotContains(t, mapSVG, "http://www.w3.org/1999/xlink", "nothing linked, nothing fetched")
	assert.Contains(t, body, "−35%", "the seed's fall in rural property crime")
	assert.Contains(t, body, `class="overdue"`, "the overdue list")
	secretary, _ := app.Member("gc-secretary")
	due, err := app.Stats.TrackingPage(context.Background(), secretary.Actor(), "gucheng", app.Now(), stats.TrackOptions{Limit: work.MaxPage})
	require.NoError(t, err)
	total := due.Total()
	require.Positive(t, total.Overdue, "the seed has work overdue")
	assert.Contains(t, body, fmt.Sprintf(`<span class="count" id="overdue-count">%d</span>`, total.Overdue), "the count of the whole view")
	assert.Contains(t, body, fmt.Sprintf("逾期%d项，临期%d项", total.Overdue, total.AtRisk))
	assert.Equal(t, min(int(total.Overdue), 20), strings.Count(body, `<tr class="overdue">`), "the longest overdue, a page of them")

	// The month in progress against the same days of the month before and
	// of the same month a year earlier, so labelled.
	now := app.Now().In(work.Zone)
	prev := now.AddDate(0, 0, -now.Day()+1).AddDate(0, -1, 0)
	lastDay := min(now.Day(), prev.AddDate(0, 1, -1).Day())
	assert.Contains(t, body, fmt.Sprintf("环比（%d月1日", now.Month()), body)
	assert.Regexp(t, fmt.Sprintf(`对比 (%d年)?%d月1日(—%d日)?）`, prev.Year(), prev.Month(), lastDay), body)
	assert.Contains(t, body, fmt.Sprintf("同比（%d年%d月1日", now.Year(), now.Month()))
	assert.Contains(t, body, fmt.Sprintf("对比 %d年%d月1日", now.Year()-1, now.Month()))
	// Rates with what they divide, or a dash when there is nothing to.
	report, err := app.Stats.Report(context.Background(), mustMember(t, app, "gc-secretary").Actor(), gridtest.GuchengID, stats.Month, now)
	require.NoError(t, err)
	res := report.Current.Resolution
	if res.Defined() {
		assert.Contains(t, body, fmt.Sprintf("%.1f%%（化解%d件 / 调解终结%d件）", res.Value()*100, res.Num, res.Den))
	} else {
		assert.Contains(t, body, "化解率</span> <span class=\"value\">—（无可计算的案件）")
	}
	dyn := report.Current.Dynamic
	require.True(t, dyn.Defined(), "the demo has concluded cases")
	assert.Contains(t, body, fmt.Sprintf("化解率动态保持</span> <span class=\"value\">%.1f%%（累计化解%d件 / 累计调解终结及逾期未结%d件）", dyn.Value()*100, dyn.Num, dyn.Den))
	assert.Contains(t, body, "化解件数 ÷（化解件数 &#43; 调解不成件数）", "the definition at hand")
	assert.NotContains(t, body, "100.0%（化解0件", "never 100% of nothing")

	// A range of days reaching back over the demo's six weeks shows the
	// communities, named in the period line.
	from, to := now.AddDate(0, 0, -60).Format(time.DateOnly), now.Format(time.DateOnly)
	resp, body = c.get("/dashboard?period=range&from=" + from + "&to=" + to)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "马园村委", "by community")
	assert.Contains(t, body, "（进行中，截至", "the range ends today")
	resp, body = c.get("/dashboard?period=quarter")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, fmt.Sprintf("%d年第%d季度", now.Year(), (now.Month()+2)/3))
	resp, body = c.get("/dashboard?period=range&from=" + to + "&to=" + from)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "截止日期须不早于起始日期")

	// The police's counts are the township's: the sector shows none, not
	// zeros that have not changed.
	e := newClient(t, ts.URL)
	require.Equal(t, http.StatusSeeOther, e.login("gc-east-head", pilot.DemoPassword).StatusCode)
	resp, body = e.get("/dashboard")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "本级没有录入治安指标")
	assert.NotContains(t, body, "农村侵财类案件")

	v := newClient(t, ts.URL)
	require.Equal(t, http.StatusSeeOther, v.login("mayuan-1-head", pilot.DemoPassword).StatusCode)
	resp, _ = v.get("/dashboard")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}

func mustMember(t *testing.T, app *pilot.App, id string) grid.Member {
	t.Helper()
	m, ok := app.Member(id)
	require.True(t, ok, id)
	return m
}

// TestConsoleShowsFailedNotifications: a notification that failed for good
// is listed on the duty console, with why, until someone deals with it.
func TestConsoleShowsFailedNotifications(t *testing.T) {
	app, ts := newPilot(t)
	ctx := context.Background()
	now := time.Now()
	box := app.DB.Outbox()
	require.NoError(t, box.Enqueue(ctx, now, work.Notice{
		Key: "test-failure", Township: gridtest.GuchengID, SubjectKind: work.SubjectCase, Subject: "C1",
		Kind: work.NoticeAlert, Action: "accept", Title: "【超时未受理】测试通知", Text: "测试", At: now,
		To: []work.Recipient{work.ToDuty(gridtest.GuchengID)},
	}))
	claimed, err := box.Claim(ctx, now, time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	require.NoError(t, box.Record(ctx, claimed[0].ID, claimed[0].Claim, outbox.Result{State: outbox.Failed, LastError: "webhook answered 410"}))

	c := newClient(t, ts.URL)
	c.login("gc-duty-1", pilot.DemoPassword)
	resp, body := c.get("/console")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "未送达的通知")
	assert.Contains(t, body, "【超时未受理】测试通知")
	assert.Contains(t, body, "webhook answered 410")
}

// TestConsoleShowsUnregisteredMessages: a message from the chat channel
// that could not be registered is listed on the duty console, as it came,
// for the township's watch, but not for a village head, who may not read
// the township's inbox; the API lists it for a token of the watch.
func TestConsoleShowsUnregisteredMessages(t *testing.T) {
	app, ts := newPilot(t)
	ctx := context.Background()
	box := app.DB.ChannelMessages()
	m, _, err := box.Receive(ctx, inbox.Message{
		ID: "in-1", Channel: work.ChannelWeCom, SourceID: "msg-1", Sender: "wx-wang", Received: time.Now(),
		Body: "王某 13900001111 马园一组 院墙被推倒", Status: inbox.Received,
	})
	require.NoError(t, err)
	m.Status, m.Error = inbox.Failed, "database is locked"
	require.NoError(t, box.Settle(ctx, m))

	duty := newClient(t, ts.URL)
	duty.login("gc-duty-1", pilot.DemoPassword)
	resp, body := duty.get("/console")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "待人工登记的渠道消息")
	assert.Contains(t, body, "王某 13900001111 马园一组 院墙被推倒")
	assert.Contains(t, body, "database is locked")

	head := newClient(t, ts.URL)
	head.login("mayuan-head", pilot.DemoPassword)
	resp, body = head.get("/console")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotContains(t, body, "待人工登记的渠道消息")
	assert.NotContains(t, body, "13900001111")

	token, _, err := app.IssueToken(ctx, "gc-duty-1", "", 0)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/inbox", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	got, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, res.StatusCode, string(got))
	assert.Contains(t, string(got), `"source_id":"msg-1"`)
}

// TestCasePageGrading: the case page says, unfolded on request, which
// rules gave the case its grade and where it is handled.
func TestCasePageGrading(t *testing.T) {
	app, ts := newPilot(t)
	c := newClient(t, ts.URL)
	require.Equal(t, http.StatusSeeOther, c.login("gc-secretary", pilot.DemoPassword).StatusCode)
	secretary, _ := app.Member("gc-secretary")
	page, err := app.Cases.List(context.Background(), secretary.Actor(), mediation.Filter{Limit: 1})
	require.NoError(t, err)
	require.NotEmpty(t, page.Cases)
	kase := page.Cases[0]
	require.NotEmpty(t, kase.Grading)
	resp, body := c.get("/cases/" + string(kase.ID))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "定级与分派依据")
	for _, r := range kase.Grading {
		assert.Contains(t, body, r.Text)
	}
}
