package pilot_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
)

// chromium returns the path of an installed Chromium, or skips the test
// with the reason when there is none. In CI (CI set), a missing Chromium
// fails the test instead: .ci/run installs it.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no Chromium installed (looked for chromium, chromium-browser, google-chrome); .ci/run installs Debian's chromium")
	}
	t.Skip("browser tests skipped: no Chromium installed (looked for chromium, chromium-browser, google-chrome); on Debian: apt-get install chromium")
	return ""
}

// newPilot starts the pilot on a fresh SQLite file with the demo
// township, as "go run ./examples/pilot -demo" does.
func newPilot(t testing.TB) (*pilot.App, *httptest.Server) {
	t.Helper()
	app, ts, seeded := startPilot(t, pilot.Options{Demo: true, PasswordCost: bcrypt.MinCost}, pilot.ServerOptions{})
	require.True(t, seeded, "a fresh database is seeded")
	return app, ts
}

// startPilot starts the pilot on a fresh SQLite file with opts and
// sopts, and reports whether it loaded the demo.
func startPilot(t testing.TB, opts pilot.Options, sopts pilot.ServerOptions) (*pilot.App, *httptest.Server, bool) {
	t.Helper()
	app, seeded, err := pilot.Open(context.Background(), filepath.Join(t.TempDir(), "pilot.db"), slog.New(slog.NewTextHandler(io.Discard, nil)), opts)
	require.NoError(t, err)
	srv, err := pilot.NewServer(app, sopts)
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		srv.Shutdown()
		ts.Close()
		app.Close()
	})
	return app, ts, seeded
}

// screenshots returns the directory the browser test writes its
// screenshots to: $PILOT_SCREENSHOTS if set, else a new temporary
// directory that outlives the test, named in the log.
func screenshots(t *testing.T) string {
	dir := os.Getenv("PILOT_SCREENSHOTS")
	if dir == "" {
		var err error
		dir, err = os.MkdirTemp("", "pilot-screenshots-")
		require.NoError(t, err)
	} else {
		require.NoError(t, os.MkdirAll(dir, 0o755))
	}
	t.Logf("screenshots of each step are written to %s", dir)
	return dir
}

// browser starts a headless Chromium with a fresh profile and returns two
// tabs with separate cookies: the resident's phone and the staff's desk.
func browser(t *testing.T, exe string) (resident, staff context.Context) {
	profile, err := os.MkdirTemp("", "pilot-chromium-")
	require.NoError(t, err)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(profile),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	root, cancelRoot := chromedp.NewContext(alloc)
	require.NoError(t, chromedp.Do(root), "start Chromium")
	resident, cancelResident := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	staff, cancelStaff := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	// Open the tabs now, on their own contexts: a tab opened by a step's
	// context with a timeout would close when that step ends.
	require.NoError(t, chromedp.Do(resident), "open the resident's tab")
	require.NoError(t, chromedp.Do(staff), "open the staff's tab")
	t.Cleanup(func() {
		cancelStaff()
		cancelResident()
		cancelRoot()
		cancelAlloc()
		// Chromium's helpers may still write for a moment after it exits.
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	return resident, staff
}

// printDocument prints the document the tab shows — the agreement, the
// notice of rights, the case file — through Chromium to a PDF, which must start as one does and hold a page at
// least, and keeps it and the first page as seen at A4 width (794 CSS
// pixels) as name.pdf and name.png. It returns the page's text.
func printDocument(t *testing.T, ctx context.Context, dir, name string) string {
	t.Helper()
	do(t, ctx, "A4 viewport", chromedp.EmulateViewport(794, 1123), chromedp.WaitVisible(chromedp.CSS(".sheet")))
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err, "screenshot %s", name)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
	pdf, err := chromedp.Run(ctx, chromedp.Action[[]byte](func(ctx context.Context, _ *chromedp.Target) ([]byte, error) {
		res, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{})
		if err != nil {
			return nil, err
		}
		return res.Data, nil
	}))
	require.NoError(t, err, "print %s to PDF", name)
	require.True(t, bytes.HasPrefix(pdf, []byte("%PDF")), "a PDF")
	assert.GreaterOrEqual(t, len(pdfPage.FindAll(pdf, -1)), 1, "a page at least")
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".pdf"), pdf, 0o644))
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	require.NoError(t, err)
	do(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	return body
}

// blanks counts the blank lines to sign on of the document the tab shows.
func blanks(t *testing.T, ctx context.Context) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".signatures .blank").length`))
	require.NoError(t, err)
	return n
}

// pdfPage matches a page object of a PDF, not the page tree's.
var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// shotOf writes a PNG screenshot of the element sel of the tab.
func shotOf(t *testing.T, ctx context.Context, dir, name, sel string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	require.NoError(t, err, "screenshot %s", name)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
}

// shot writes a full-page PNG screenshot of the tab.
func shot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err, "screenshot %s", name)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
}

func do(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, actions...); err != nil {
		// Say where the browser was and what it showed.
		dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		url, _ := chromedp.Run(dctx, chromedp.Location())
		body, _ := chromedp.Run(dctx, chromedp.Text(chromedp.CSS("main")))
		t.Fatalf("%s: %v\nat %s showing:\n%s", step, err, url, body)
	}
}

// click clicks what navigates to another page, and waits for that page
// to load: a query started before the new page would look at the old one.
func click(t *testing.T, ctx context.Context, step, sel string) {
	t.Helper()
	status := submit(t, ctx, step, sel)
	require.Less(t, status, int64(400), "%s: status %d", step, status)
}

// submit clicks what navigates to another page, waits for that page to
// load, and returns its status, which may be a refusal's.
func submit(t *testing.T, ctx context.Context, step, sel string) int64 {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(tctx, chromedp.Click(chromedp.CSS(sel)))
	require.NoError(t, err, step)
	return resp.Status
}

// send clicks what sends a form with files chosen, which upload.js posts
// itself to show its progress, and waits until the element seen, on the
// page that answers, is visible. It returns the answer's status. A
// redirect is followed as a navigation, but a page answered in place (a
// refusal, a receipt) is written over the form without one, so
// RunResponse would wait for it in vain.
func send(t *testing.T, ctx context.Context, step, sel, seen string) int64 {
	t.Helper()
	lctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	answers := make(chan int64, 1)
	require.NoError(t, chromedp.Listen(lctx, func(ev any) {
		if ev, ok := ev.(*network.EventResponseReceived); ok && ev.Type == network.ResourceTypeXHR && ev.Response.Status != 0 {
			select {
			case answers <- ev.Response.Status:
			default:
			}
		}
	}))
	do(t, ctx, step, chromedp.Click(chromedp.CSS(sel)), chromedp.WaitVisible(chromedp.CSS(seen)))
	select {
	case status := <-answers:
		return status
	default:
		t.Fatalf("%s: the form was not sent by upload.js", step)
		return 0
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	require.NoError(t, err, "text of %s", sel)
	return strings.TrimSpace(s)
}

func login(t *testing.T, ctx context.Context, base, id string) {
	t.Helper()
	do(t, ctx, "login as "+id,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#login-id"), id),
		chromedp.SendKeys(chromedp.CSS("#password"), pilot.DemoPassword),
	)
	click(t, ctx, "login as "+id, "#login-submit")
	do(t, ctx, "signed in as "+id, chromedp.WaitVisible(chromedp.CSS("span.me")))
}

// TestBrowserFlow follows one dispute through the pilot in a real browser:
// a resident applies on a phone and gets a tracking code; the duty officer,
// whose console is open, sees it arrive without reloading, waiting for
// the group the rules chose, and routes it to the village committee
// instead; the committee's head accepts it, once,
// records a session, corrects the respondent's particulars, drafts a
// written agreement, prints it with blank lines to sign on, records the
// marks made on the paper and prints it signed; and the level-1 head's
// dashboard counts the new case and its agreement.
func TestBrowserFlow(t *testing.T) {
	exe := chromium(t)
	app, ts := newPilot(t)
	dir := screenshots(t)
	residentTab, staffTab := browser(t, exe)
	base := ts.URL

	// The figures before, as the level-1 head's dashboard counts them.
	secretary, _ := app.Member("gc-secretary")
	before, err := app.Stats.Report(context.Background(), secretary.Actor(), gridtest.GuchengID, stats.Month, time.Now())
	require.NoError(t, err)

	// The duty officer opens the console and waits for the live stream.
	do(t, staffTab, "desk viewport", chromedp.EmulateViewport(1280, 900))
	login(t, staffTab, base, "gc-duty-1")
	do(t, staffTab, "console is live", chromedp.Navigate(base+"/console"), chromedp.WaitVisible(chromedp.CSS("#live.on")))
	shot(t, staffTab, dir, "01-console-before")

	// A resident applies from a phone.
	do(t, residentTab, "apply",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(base+"/apply"),
		chromedp.SendKeys(chromedp.CSS("#name"), "试点申请人"),
		chromedp.SendKeys(chromedp.CSS("#phone"), "13912345678"),
		chromedp.SetValue(chromedp.CSS("#applicant-sex"), "female"),
		chromedp.SetValue(chromedp.CSS("#applicant-ethnicity"), "回族"),
		chromedp.SendKeys(chromedp.CSS("#applicant-age"), "46"),
		chromedp.SendKeys(chromedp.CSS("#applicant-occupation"), "农民"),
		chromedp.SendKeys(chromedp.CSS("#address"), "马园一组"),
		chromedp.SendKeys(chromedp.CSS("#respondent"), "试点被申请人"),
		chromedp.SetValue(chromedp.CSS("#category"), "neighbour"),
		chromedp.SetValue(chromedp.CSS("#location"), "mayuan-1"),
		chromedp.SendKeys(chromedp.CSS("#facts"), "邻居在公共过道堆放柴草，多次协商未果。"),
		// The privacy notice, folded on a phone, opened and read.
		chromedp.Click(chromedp.CSS("#privacy-notice summary")),
		chromedp.WaitVisible(chromedp.CSS("#privacy-notice p")),
	)
	shot(t, residentTab, dir, "02-resident-apply-notice")
	// Without the box ticked the browser holds the form back; without
	// the browser's check, the page refuses it in Chinese.
	do(t, residentTab, "submit without consent",
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#consent").removeAttribute("required")`),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#consent-error")),
	)
	assert.Contains(t, text(t, residentTab, "#consent-error"), "个人信息处理告知")
	do(t, residentTab, "consent",
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#privacy-notice").open = false`),
		chromedp.Click(chromedp.CSS("#consent")),
	)
	shot(t, residentTab, dir, "02-resident-apply")
	click(t, residentTab, "submit", "#submit")
	code := text(t, residentTab, "#code")
	require.NotEmpty(t, code, "a tracking code")
	number, err := mediation.ParseNumber(text(t, residentTab, "#number"))
	require.NoError(t, err, "the receipt gives the case's number")
	assert.Equal(t, "古调", number.Prefix, "古城办事处's")
	shot(t, residentTab, dir, "03-resident-code")
	click(t, residentTab, "track", "#track")
	assert.Equal(t, "待马园一组受理", text(t, residentTab, "#state"))
	assert.Equal(t, number.String(), text(t, residentTab, "#number"), "the tracking page names the case by its number")

	// It arrives at the console without a reload: the page's own list
	// is replaced by the live update.
	item := fmt.Sprintf(`article[data-code=%q]`, code)
	do(t, staffTab, "the application arrives live", chromedp.WaitVisible(chromedp.CSS(item)))
	url, err := chromedp.Run(staffTab, chromedp.Location())
	require.NoError(t, err)
	assert.Equal(t, base+"/console", url, "no navigation happened")
	shot(t, staffTab, dir, "04-console-arrived")
	id, err := chromedp.Run(staffTab, chromedp.AttributeValue(chromedp.CSS(item), "id"))
	require.NoError(t, err)
	caseID := strings.TrimPrefix(id.Value, "case-")
	assert.Equal(t, number.String(), text(t, staffTab, item+" a.number"), "the console names the case by its number")

	// The duty officer does not accept what the rules gave a group: they
	// route it, at the console, to the village committee, which then
	// accepts it once.
	assert.Equal(t, "待马园一组受理", text(t, staffTab, item+" .turn"), "whose turn it is")
	do(t, staffTab, "no accepting for the group", chromedp.WaitNotPresent(chromedp.CSS(item+" button.accept")))
	do(t, staffTab, "route to the committee", chromedp.SetValue(chromedp.CSS(item+` select[name=to]`), "mayuan"))
	click(t, staffTab, "route", item+" button.route-btn")
	assert.Equal(t, "已分派至马园村委，等待其受理。", text(t, staffTab, "#flash"), "the routing confirms itself")
	assert.Equal(t, "待马园村委受理", text(t, staffTab, item+" .turn"), "routed: waiting for the committee to accept")
	do(t, staffTab, "open the case", chromedp.Navigate(base+"/cases/"+caseID))
	assert.Equal(t, number.String(), text(t, staffTab, "h1"), "the case page is titled by its number")
	assert.Equal(t, "待马园村委受理", text(t, staffTab, "#case-state"), "routed: waiting for the committee to accept")
	shot(t, staffTab, dir, "05-routed")

	// The committee's head, on a phone, finds it in the case list by its
	// number, then accepts, records a session and an agreement.
	click(t, staffTab, "logout", `form[action="/logout"] button`)
	login(t, staffTab, base, "mayuan-head")
	do(t, staffTab, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile), chromedp.Navigate(base+"/cases"))
	row := fmt.Sprintf(`a.number[href="/cases/%s"]`, caseID)
	assert.Equal(t, number.String(), text(t, staffTab, row), "the case list names the case by its number")
	shot(t, staffTab, dir, "05b-case-list-phone")
	do(t, staffTab, "search by a name", chromedp.SendKeys(chromedp.CSS("#q"), "章某某"))
	click(t, staffTab, "search", "#find button")
	assert.Contains(t, text(t, staffTab, "table.list"), "人身损害赔偿", "the seed's case of 章某某 is found")
	shot(t, staffTab, dir, "05b2-case-search-phone")
	do(t, staffTab, "back to the list", chromedp.Navigate(base+"/cases"))
	do(t, staffTab, "find by number", chromedp.SendKeys(chromedp.CSS("#q"), number.String()))
	click(t, staffTab, "find", "#find button")
	url, err = chromedp.Run(staffTab, chromedp.Location())
	require.NoError(t, err)
	assert.Equal(t, base+"/cases/"+caseID, url, "the number goes straight to its case")
	shot(t, staffTab, dir, "05c-case-phone")
	do(t, staffTab, "desk viewport", chromedp.EmulateViewport(1280, 900))
	click(t, staffTab, "head accepts", "#do-accept")
	// Before mediating, the head tells both parties their rights and
	// duties, in writing, and records it: both are ticked, never told.
	do(t, staffTab, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	manner, err := chromedp.Run(staffTab, chromedp.Evaluate[string](`document.querySelector("#rights-manner").selectedOptions[0].textContent`))
	require.NoError(t, err)
	assert.Equal(t, "书面告知并签收", manner, "in writing unless told otherwise")
	checked, err := chromedp.Run(staffTab, chromedp.Evaluate[int](`document.querySelectorAll("#rights-form input[name=party]:checked").length`))
	require.NoError(t, err)
	assert.Equal(t, 2, checked, "both parties ticked")
	shotOf(t, staffTab, dir, "05d-rights-phone", "#rights-form")
	// The notice prints first, with a blank line for each to sign for it.
	click(t, staffTab, "print the notice of rights", "#print-rights-notice")
	assert.Positive(t, blanks(t, staffTab), "lines to sign on")
	blank := printDocument(t, staffTab, dir, "rights-notice-blank")
	assert.Contains(t, blank, "人民调解权利义务告知书")
	assert.Contains(t, blank, "古城办事处人民调解委员会")
	do(t, staffTab, "back to the case", chromedp.Navigate(base+"/cases/"+caseID))
	click(t, staffTab, "give the notice of rights", "#do-rights")
	rights := text(t, staffTab, "#rights-form")
	assert.Regexp(t, `(^|\n)申请人 试点申请人\s+已告知（书面，\d+月\d+日）`, rights)
	assert.Regexp(t, `被申请人 试点被申请人\s+已告知（书面，\d+月\d+日）`, rights)
	assert.Contains(t, text(t, staffTab, "#timeline"), "书面告知申请人试点申请人、被申请人试点被申请人")
	// Printed now, it says how and when each was told.
	click(t, staffTab, "print the notice given", "#print-rights-notice")
	assert.Zero(t, blanks(t, staffTab), "no blank line once told")
	given := printDocument(t, staffTab, dir, "rights-notice")
	assert.Regexp(t, `试点被申请人\s*已书面告知并签收\s*\d{4}年`, given, "how and when the respondent was told")
	do(t, staffTab, "back to the case", chromedp.Navigate(base+"/cases/"+caseID))
	do(t, staffTab, "desk viewport", chromedp.EmulateViewport(1280, 900))
	do(t, staffTab, "session",
		chromedp.SetValue(chromedp.CSS("#session-place"), "village_committee"),
		chromedp.SendKeys(chromedp.CSS("#session-notes"), "在村委会听取双方意见，约定清理过道。"),
		chromedp.SetValue(chromedp.CSS("#session-outcome"), "settled"),
	)
	click(t, staffTab, "save the session", "#do-session")
	assert.Equal(t, "马园村委调解中", text(t, staffTab, "#case-state"))
	assert.Contains(t, text(t, staffTab, "#sessions"), "约定清理过道")
	shot(t, staffTab, dir, "06-session")
	// The respondent's particulars, which a written agreement states,
	// are added by a correction, on the phone.
	do(t, staffTab, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	do(t, staffTab, "correct the respondent",
		chromedp.Click(chromedp.CSS("details:has(#correct-respondent0) > summary")),
		chromedp.SetValue(chromedp.CSS("#correct-respondent0-sex"), "male"),
		chromedp.SetValue(chromedp.CSS("#correct-respondent0-ethnicity"), "汉族"),
		chromedp.SendKeys(chromedp.CSS("#correct-respondent0-age"), "52"),
		chromedp.SendKeys(chromedp.CSS("#correct-respondent0-occupation"), "个体经营"),
		chromedp.SendKeys(chromedp.CSS("#correct-respondent0-phone"), "13987654321"),
		chromedp.SendKeys(chromedp.CSS("#correct-respondent0-address"), "马园一组"),
		chromedp.SendKeys(chromedp.CSS("#correct-respondent0-reason"), "调解时当面核实被申请人身份"),
	)
	shotOf(t, staffTab, dir, "07a-correct-phone", "details:has(#correct-respondent0)")
	click(t, staffTab, "save the correction", "#correct-respondent0-save")
	timeline := text(t, staffTab, "#timeline")
	assert.Contains(t, timeline, "更正", "the correction is on the timeline")
	assert.Contains(t, timeline, "被申请人民族：（空） → 汉族", "with the field before and after")
	assert.Contains(t, timeline, "理由：调解时当面核实被申请人身份")

	// The head drafts the written agreement; nobody has signed it yet.
	do(t, staffTab, "draft",
		chromedp.SendKeys(chromedp.CSS("#draft-disputes"), "公共过道堆放柴草"),
		chromedp.SendKeys(chromedp.CSS("#draft-terms"), "被申请人三日内清理过道，今后不再堆放。"),
		chromedp.SendKeys(chromedp.CSS("#draft-amount"), "200"),
	)
	shotOf(t, staffTab, dir, "07b-draft-phone", "#draft-form")
	click(t, staffTab, "save the draft", "#do-draft")
	assert.Equal(t, "马园村委调解中", text(t, staffTab, "#case-state"), "a draft binds nobody")
	assert.Contains(t, text(t, staffTab, "#draft-summary"), "第1稿")

	// The draft prints on A4 with blank lines to sign on.
	click(t, staffTab, "print the draft", "#print-agreement")
	draft := printDocument(t, staffTab, dir, "agreement-draft")
	assert.Contains(t, draft, "人民调解协议书")
	assert.Contains(t, draft, "试点申请人")
	assert.Contains(t, draft, "回族", "the applicant's particulars as applied")
	assert.Contains(t, draft, "贰佰元", "the amount in words")
	assert.Contains(t, draft, "马园村委书记", "the mediator")
	assert.Positive(t, blanks(t, staffTab), "blank lines to sign on")

	// The parties sign the paper; the head records the marks, and the
	// agreement takes effect.
	do(t, staffTab, "back to the case", chromedp.Navigate(base+"/cases/"+caseID))
	do(t, staffTab, "signing",
		chromedp.WaitVisible(chromedp.CSS("#signing-form")),
		chromedp.SetValue(chromedp.CSS("#sign-mark-0"), "signed"),
		chromedp.SetValue(chromedp.CSS("#sign-mark-1"), "fingerprinted"),
		chromedp.Click(chromedp.CSS("#sign-mediator")),
		chromedp.Click(chromedp.CSS("#sign-sealed")),
	)
	shotOf(t, staffTab, dir, "07c-signing-phone", "#signing-form")
	click(t, staffTab, "save the signing", "#do-signing")
	assert.Equal(t, "已达成协议，待回访", text(t, staffTab, "#case-state"))
	assert.Contains(t, text(t, staffTab, "#timeline"), "协议生效")
	assert.NotRegexp(t, `[A-Za-z]`, text(t, staffTab, "#timeline"), "no English word on the timeline")
	shotOf(t, staffTab, dir, "07d-timeline-phone", "#timeline")

	// Printed now, it shows the marks.
	click(t, staffTab, "print the signed agreement", "#print-agreement")
	assert.Zero(t, blanks(t, staffTab), "no blank line to sign on")
	signed := printDocument(t, staffTab, dir, "agreement-signed")
	assert.Regexp(t, `试点被申请人\s*按指印`, signed, "the respondent's mark")
	assert.Regexp(t, `委员会（盖章）　?\d{4}年`, signed, "the committee's seal, dated")
	do(t, staffTab, "back to the case", chromedp.Navigate(base+"/cases/"+caseID))

	// A week on, the head visits and records the follow-up, then closes
	// the case: refused while the parties' ID cards are not registered,
	// closed once they are. The ages typed give way to the dates of
	// birth the numbers hold.
	do(t, staffTab, "follow-up", chromedp.SendKeys(chromedp.CSS("#followup-notes"), "过道已清理，双方满意。"))
	click(t, staffTab, "record the follow-up", "#do-followup")
	do(t, staffTab, "close", chromedp.SendKeys(chromedp.CSS("#close-note"), "调解成功，协议已履行。"))
	assert.EqualValues(t, http.StatusConflict, submit(t, staffTab, "close, refused", "#do-close"))
	assert.Equal(t, "卷宗缺少必备材料：当事人身份证明。请补齐后再结案。", text(t, staffTab, "#close-message"))
	assert.Equal(t, "已达成协议，已回访，待结案", text(t, staffTab, "#case-state"), "not closed")
	assert.Equal(t, "结案前须补齐：当事人身份证明", text(t, staffTab, "#casefile-lacking"))
	shotOf(t, staffTab, dir, "08a-close-refused-phone", "#close-message")
	shotOf(t, staffTab, dir, "08a-casefile-lacking-phone", "#casefile")
	for _, p := range []struct{ form, id string }{
		{"correct-applicant0", "411725197903050020"},
		{"correct-respondent0", "411725197308120039"},
	} {
		do(t, staffTab, "register the ID card of "+p.form,
			chromedp.Click(chromedp.CSS("details:has(#"+p.form+") > summary")),
			chromedp.Clear(chromedp.CSS("#"+p.form+"-age")),
			chromedp.SendKeys(chromedp.CSS("#"+p.form+"-id-card"), p.id),
			chromedp.SendKeys(chromedp.CSS("#"+p.form+"-reason"), "补登身份证号"),
		)
		click(t, staffTab, "save the ID card of "+p.form, "#"+p.form+"-save")
	}
	do(t, staffTab, "close again", chromedp.SendKeys(chromedp.CSS("#close-note"), "调解成功，协议已履行。"))
	click(t, staffTab, "close", "#do-close")
	assert.Equal(t, "已结案", text(t, staffTab, "#case-state"))
	file := text(t, staffTab, "#casefile")
	for _, item := range []string{"存档 申请书*", "存档 权利义务告知书*", "存档 当事人身份证明*", "存档 调解记录*", "存档 调解协议书*", "存档 回访记录*", "存档 封底*"} {
		assert.Contains(t, file, item)
	}
	shotOf(t, staffTab, dir, "08b-casefile-phone", "#casefile")
	// The whole file prints: its cover, its contents, each item present.
	click(t, staffTab, "print the case file", "#print-casefile")
	printed := printDocument(t, staffTab, dir, "casefile-cover")
	for _, want := range []string{"卷内目录", "人民调解权利义务告知书", "调解记录", "人民调解协议书", "回访记录", "马园村委书记"} {
		assert.Contains(t, printed, want)
	}
	do(t, staffTab, "A4 viewport", chromedp.EmulateViewport(794, 1123))
	shotOf(t, staffTab, dir, "casefile", "section.contents")
	do(t, staffTab, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	do(t, staffTab, "desk viewport", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/cases/"+caseID))

	// The level-1 head's dashboard counts the new case and its agreement.
	click(t, staffTab, "logout", `form[action="/logout"] button`)
	login(t, staffTab, base, "gc-secretary")
	do(t, staffTab, "dashboard", chromedp.Navigate(base+"/dashboard"), chromedp.WaitVisible(chromedp.CSS("#kpi-registered")))
	registered, err := strconv.ParseInt(text(t, staffTab, "#kpi-registered"), 10, 64)
	require.NoError(t, err)
	agreed, err := strconv.ParseInt(text(t, staffTab, "#kpi-agreed"), 10, 64)
	require.NoError(t, err)
	assert.Equal(t, before.Current.Registered+1, registered, "the new application is counted")
	assert.Equal(t, before.Current.Agreed+1, agreed, "its agreement is counted")
	shot(t, staffTab, dir, "10-dashboard")

	// Printed, the dashboard leaves the picker, the buttons and the
	// menus off the paper and unfolds every rate's definition.
	do(t, staffTab, "A4 viewport", chromedp.EmulateViewport(794, 1123))
	pdf, err := chromedp.Run(staffTab, chromedp.Action[[]byte](func(ctx context.Context, _ *chromedp.Target) ([]byte, error) {
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			return nil, err
		}
		res, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{})
		if err != nil {
			return nil, err
		}
		return res.Data, nil
	}))
	require.NoError(t, err, "print the dashboard")
	require.True(t, bytes.HasPrefix(pdf, []byte("%PDF")), "a PDF")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "10-dashboard-print.pdf"), pdf, 0o644))
	onPaper, err := chromedp.Run(staffTab, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#period-picker, #exports, #print, .top, footer")].filter(e => e.getClientRects().length > 0).map(e => e.id || e.className)`))
	require.NoError(t, err)
	assert.Empty(t, onPaper, "only the figures are printed")
	folded, err := chromedp.Run(staffTab, chromedp.Evaluate[int](`[...document.querySelectorAll("details.rate")].filter(d => !d.open).length`))
	require.NoError(t, err)
	rates, err := chromedp.Run(staffTab, chromedp.Evaluate[int](`document.querySelectorAll("details.rate").length`))
	require.NoError(t, err)
	assert.Positive(t, rates, "the rates are shown with their definitions")
	assert.Zero(t, folded, "every rate's definition is printed")
	shot(t, staffTab, dir, "10-dashboard-print")
	do(t, staffTab, "screen media", chromedp.Action[chromedp.Void](func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		return chromedp.Void{}, err
	}))

	// On a phone the dashboard fits the screen's width, says what 环比 and
	// 同比 compare and unfolds a rate's definition.
	do(t, staffTab, "dashboard on a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(base+"/dashboard"), chromedp.WaitVisible(chromedp.CSS("#compare")),
		chromedp.Click(chromedp.CSS("#rate-resolution summary")), chromedp.WaitVisible(chromedp.CSS("#rate-resolution p")))
	assert.Contains(t, text(t, staffTab, "#compare"), "环比（")
	assert.Contains(t, text(t, staffTab, "#compare"), "同比（")
	assert.Contains(t, text(t, staffTab, "#rate-resolution"), "化解件数 ÷（化解件数 + 调解不成件数）")
	wide, err := chromedp.Run(staffTab, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	require.NoError(t, err)
	assert.LessOrEqual(t, wide, 390, "nothing wider than the phone")
	shot(t, staffTab, dir, "11-dashboard-phone")
	// The map of the communities, within the phone's width.
	mapWidth, err := chromedp.Run(staffTab, chromedp.Evaluate[float64](`document.querySelector("#cell-map svg").getBoundingClientRect().right`))
	require.NoError(t, err)
	assert.LessOrEqual(t, mapWidth, 390.0, "the map fits the phone")
	shotOf(t, staffTab, dir, "12-dashboard-map-phone", "#cell-map")
}
