package pilot_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/crypto/bcrypt"

	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// newEmptyPilot starts the pilot on a fresh SQLite file without the demo,
// as a real township's first start.
func newEmptyPilot(t *testing.T) (*pilot.App, *httptest.Server) {
	t.Helper()
	app, ts, seeded := startPilot(t, pilot.Options{PasswordCost: bcrypt.MinCost}, pilot.ServerOptions{})
	require.False(t, seeded, "nothing is loaded without -demo")
	return app, ts
}

// qiaobeiRoster writes the roster of a small township, 桥北街道, as its
// office would fill the template in Excel, and returns the file's path.
func qiaobeiRoster(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	require.NoError(t, f.SetSheetName("Sheet1", "网格"))
	cells := [][]any{
		{"网格编号", "网格名称", "层级", "上级网格编号"},
		{"qiaobei", "桥北街道", 1, ""},
		{"qb-east", "东片区", 2, "qiaobei"},
		{"qb-west", "西片区", 2, "qiaobei"},
		{"dongzhuang", "东庄村委", 3, "qb-east"},
		{"dongzhuang-1", "东庄一组", 4, "dongzhuang"},
		{"xizhuang", "西庄村委", 3, "qb-west"},
		{"xizhuang-1", "西庄一组", 4, "xizhuang"},
	}
	for i, row := range cells {
		require.NoError(t, f.SetSheetRow("网格", cellName(t, 1, i+1), &row))
	}
	_, err := f.NewSheet("人员")
	require.NoError(t, err)
	members := [][]any{
		{"账号", "姓名", "手机号", "部门", "所属单位", "岗位", "岗位所在网格编号"},
		{"qb-secretary", "程书记", "13700000001", "网格", "", "网格长", "qiaobei"},
		{"qb-duty", "方值班", "13700000002", "公安", "", "值班员", "qiaobei"},
		{"dz-head", "邓主任", "13700000003", "网格", "", "网格长", "dongzhuang"},
		{"dz-police", "丁民警", "13700000004", "公安", "", "社区民警", "dongzhuang"},
		{"xz-head", "徐主任", "13700000005", "网格", "", "网格长", "xizhuang"},
	}
	for i, row := range members {
		require.NoError(t, f.SetSheetRow("人员", cellName(t, 1, i+1), &row))
	}
	path := filepath.Join(t.TempDir(), "桥北花名册.xlsx")
	require.NoError(t, f.SaveAs(path))
	return path
}

func cellName(t *testing.T, col, row int) string {
	name, err := excelize.CoordinatesToCellName(col, row)
	require.NoError(t, err)
	return name
}

// otpOf reads a member's one-time password from the passwords page.
func otpOf(t *testing.T, ctx context.Context, member string) string {
	t.Helper()
	rows := text(t, ctx, "#passwords")
	for _, line := range strings.Split(rows, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), member) {
			fields := strings.Fields(line)
			return fields[len(fields)-1]
		}
	}
	t.Fatalf("no one-time password of %s in:\n%s", member, rows)
	return ""
}

// firstLogin signs member in with their one-time password and chooses pw.
func firstLogin(t *testing.T, ctx context.Context, base, member, otp, pw string) {
	t.Helper()
	do(t, ctx, "first login of "+member,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#login-id"), member),
		chromedp.SendKeys(chromedp.CSS("#password"), otp),
	)
	click(t, ctx, "sign in with the one-time password", "#login-submit")
	do(t, ctx, "asked for a password", chromedp.WaitVisible(chromedp.CSS("#password-form")),
		chromedp.SendKeys(chromedp.CSS("#new"), pw), chromedp.SendKeys(chromedp.CSS("#again"), pw))
	click(t, ctx, "choose the password", "#password-submit")
	do(t, ctx, "signed in as "+member, chromedp.WaitVisible(chromedp.CSS("span.me")))
}

// TestBrowserSetup sets a real township up on an empty pilot in a real
// browser: the setup code, the township's roster as an Excel file, the
// one-time passwords; a village head signs in with theirs, is made to
// choose a password and sees only their village; the township's head adds
// a member and grants them a post, and the member acts there at once; the
// head revokes the post while the member handles a case there, naming a
// successor, and the case's timeline shows the handover.
func TestBrowserSetup(t *testing.T) {
	exe := chromium(t)
	app, ts := newEmptyPilot(t)
	dir := screenshots(t)
	phone, desk := browser(t, exe)
	base := ts.URL
	code, ok := app.SetupCode()
	require.True(t, ok)

	// Every page leads to the setup while nothing is set up.
	do(t, desk, "desk viewport", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/cases"), chromedp.WaitVisible(chromedp.CSS("#setup-code")))
	do(t, desk, "a wrong code", chromedp.SendKeys(chromedp.CSS("#code"), "AAAA-BBBB-CCCC"))
	_, err := chromedp.RunResponse(desk, chromedp.Click(chromedp.CSS("#code-submit")))
	require.NoError(t, err)
	assert.Contains(t, text(t, desk, "#message"), "设置码不正确")
	do(t, desk, "the code", chromedp.SendKeys(chromedp.CSS("#code"), strings.ToLower(code)))
	click(t, desk, "give the code", "#code-submit")
	shot(t, desk, dir, "setup-01-ways")

	// The roster, made in Excel, uploaded and checked.
	do(t, desk, "choose the roster", chromedp.SetUploadFiles(chromedp.CSS("#roster-file"), []string{qiaobeiRoster(t)}))
	assert.EqualValues(t, 200, send(t, desk, "check the roster", "#roster-submit", "#preview"), "the roster checked")
	preview := text(t, desk, "#preview")
	assert.Contains(t, preview, "桥北街道")
	assert.Contains(t, preview, "程书记（qb-secretary）", "who will manage the grid")
	shot(t, desk, dir, "setup-02-preview")
	click(t, desk, "confirm", "#confirm-submit")
	shot(t, desk, dir, "setup-03-passwords")
	secretaryOTP, headOTP := otpOf(t, desk, "qb-secretary"), otpOf(t, desk, "dz-head")
	_, ok = app.SetupCode()
	assert.False(t, ok, "the setup code is spent")

	// Cases in both villages, for the heads to see.
	resident := grid.ResidentActor("r-1", "qiaobei")
	east, err := app.Cases.Register(context.Background(), resident, mediation.Intake{Channel: work.ChannelOnline, Consent: mediation.CurrentPrivacyNotice.Version, Category: mediation.Neighbour, Location: "dongzhuang-1",
		Applicants: []mediation.Party{{Name: "东庄甲", Phone: "13912345678"}}, Respondents: []mediation.Party{{Name: "东庄乙"}}, Facts: "东庄邻里因排水沟争吵。"})
	require.NoError(t, err)
	west, err := app.Cases.Register(context.Background(), resident, mediation.Intake{Channel: work.ChannelOnline, Consent: mediation.CurrentPrivacyNotice.Version, Category: mediation.Neighbour, Location: "xizhuang-1",
		Applicants: []mediation.Party{{Name: "西庄甲", Phone: "13912345679"}}, Respondents: []mediation.Party{{Name: "西庄乙"}}, Facts: "西庄邻里因宅基地争吵。"})
	require.NoError(t, err)

	// The village head, on a phone, with the one-time password: a weak
	// password is refused, with the rule; their own is taken.
	do(t, phone, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(base+"/login"), chromedp.SendKeys(chromedp.CSS("#login-id"), "dz-head"), chromedp.SendKeys(chromedp.CSS("#password"), headOTP))
	assert.NotContains(t, text(t, phone, "main"), "演示账号", "no demo password outside the demo")
	click(t, phone, "sign in", "#login-submit")
	do(t, phone, "a common password", chromedp.SendKeys(chromedp.CSS("#new"), "1234567890"), chromedp.SendKeys(chromedp.CSS("#again"), "1234567890"))
	_, err = chromedp.RunResponse(phone, chromedp.Click(chromedp.CSS("#password-submit")))
	require.NoError(t, err)
	assert.Contains(t, text(t, phone, "#message"), "常被猜中")
	shot(t, phone, dir, "setup-04-first-password")
	do(t, phone, "a good password", chromedp.SendKeys(chromedp.CSS("#new"), "东庄村委会2026年"), chromedp.SendKeys(chromedp.CSS("#again"), "东庄村委会2026年"))
	click(t, phone, "choose it", "#password-submit")
	do(t, phone, "cases", chromedp.Navigate(base+"/cases"))
	list := text(t, phone, "main")
	assert.Contains(t, list, east.Number.String(), "their village's case, by its number")
	assert.NotContains(t, list, string(east.ID), "not by its ID")
	assert.NotContains(t, list, west.Number.String(), "not another village's")
	assert.Equal(t, "桥调", east.Number.Prefix, "桥北街道's default prefix")
	assert.NotContains(t, text(t, phone, "header"), "网格管理", "no administration for a village head")
	shot(t, phone, dir, "setup-05-village-cases")
	// The number said on the phone, typed as it comes, finds the case.
	do(t, phone, "find by number", chromedp.SendKeys(chromedp.CSS("#q"), fmt.Sprintf("桥调(%d)%d", east.Number.Year, east.Number.Seq)))
	click(t, phone, "find", "#find button")
	assert.Equal(t, east.Number.String(), text(t, phone, "h1"), "the case's page, titled by its number")
	shot(t, phone, dir, "setup-05b-case-by-number")

	// The township's head signs in and adds a member to 东庄.
	firstLogin(t, desk, base, "qb-secretary", secretaryOTP, "桥北街道程书记的密码")
	do(t, desk, "administration", chromedp.Navigate(base+"/admin"), chromedp.WaitVisible(chromedp.CSS("#tree")))
	assert.Contains(t, text(t, desk, "#tree"), "东庄村委")
	shot(t, desk, dir, "setup-06-admin-tree")
	click(t, desk, "new member", "#add-member")
	do(t, desk, "the new member",
		chromedp.SendKeys(chromedp.CSS("#new-id"), "dz-worker"),
		chromedp.SendKeys(chromedp.CSS("#new-name"), "董网格员"),
		chromedp.SendKeys(chromedp.CSS("#new-phone"), "13700000006"),
		chromedp.SetValue(chromedp.CSS("#new-role"), "grid_worker"),
		chromedp.SetValue(chromedp.CSS("#new-cell"), "dongzhuang"),
	)
	click(t, desk, "save", "#new-submit")
	workerOTP := otpOf(t, desk, "dz-worker")

	// …and grants them a police post in 西庄, which takes effect at once.
	do(t, desk, "the member's page", chromedp.Navigate(base+"/admin/members/dz-worker"),
		chromedp.SetValue(chromedp.CSS("#grant select[name=role]"), "community_police"),
		chromedp.SetValue(chromedp.CSS("#grant select[name=cell]"), "xizhuang"))
	click(t, desk, "grant", "#grant button")
	assert.Contains(t, text(t, desk, "#posts"), "西庄村委")

	firstLogin(t, phone, base, "dz-worker", workerOTP, "东庄一组的网格工作2026")
	do(t, phone, "the west case", chromedp.Navigate(base+"/cases/"+string(west.ID)))
	click(t, phone, "accept it through the new post", "#do-accept")
	assert.Equal(t, "西庄一组已受理，待调解", text(t, phone, "#case-state"))

	// The head revokes the post: the case needs someone; named, it is
	// handed over and its timeline says so.
	do(t, desk, "the member's page", chromedp.Navigate(base+"/admin/members/dz-worker"))
	revoke := `#posts li:nth-child(2) form`
	_, err = chromedp.RunResponse(desk, chromedp.Click(chromedp.CSS(revoke+" button")))
	require.NoError(t, err)
	assert.Contains(t, text(t, desk, "#message"), "需要有人接手")
	assert.Contains(t, text(t, desk, "#blocked"), "邻里纠纷")
	shot(t, desk, dir, "setup-07-blocked")
	do(t, desk, "name a successor", chromedp.SetValue(chromedp.CSS(revoke+" select[name=successor]"), "xz-head"))
	click(t, desk, "revoke with a successor", revoke+" button")
	assert.NotContains(t, text(t, desk, "#posts"), "西庄村委 · 社区民警")
	if m, ok := app.Member("dz-worker"); assert.True(t, ok) {
		assert.Len(t, m.Posts, 1, "the post is revoked at once")
	}
	c, err := app.DB.Cases().Get(context.Background(), west.ID)
	require.NoError(t, err)
	assert.Equal(t, "xz-head", c.AcceptedBy)
	do(t, desk, "the case", chromedp.Navigate(base+"/cases/"+string(west.ID)))
	assert.Contains(t, text(t, desk, "main"), "工作交接")
	shot(t, desk, dir, "setup-08-handover")

	// The log keeps every change, its chain intact.
	do(t, desk, "the log", chromedp.Navigate(base+"/admin/log"))
	assert.Contains(t, text(t, desk, "#intact"), "日志完整")
	assert.Contains(t, text(t, desk, "#log"), "撤销岗位")
	shot(t, desk, dir, "setup-09-log")
}
