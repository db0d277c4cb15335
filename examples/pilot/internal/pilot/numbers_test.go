package pilot_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// numberLink is a link to a case named by its number.
var numberLink = regexp.MustCompile(`<a href="/cases/([^"/]+)" class="number">(?:已转为案件 )?([^<]+)</a>`)

// assertNumbered checks that body names at least one case, and every case
// it links to by the case's own number, not by its ID; it returns the IDs
// of the cases named.
func assertNumbered(t *testing.T, app *pilot.App, body, page string) []mediation.ID {
	t.Helper()
	links := numberLink.FindAllStringSubmatch(body, -1)
	require.NotEmpty(t, links, "%s names a case", page)
	var ids []mediation.ID
	for _, l := range links {
		c, err := app.DB.Cases().Get(context.Background(), mediation.ID(l[1]))
		require.NoError(t, err, page)
		assert.Equal(t, c.Number.String(), l[2], "%s names case %s by its number", page, l[1])
		assert.NotContains(t, body, ">"+l[1]+"<", "%s shows no ID as text", page)
		ids = append(ids, c.ID)
	}
	return ids
}

// TestCaseNumbersShown: wherever the pages name a case — the case list,
// the case's own page, the dashboard's overdue list, the duty console, the
// hazard board's converted leads, the resident's receipt and tracking
// page — they name it by its number, and link to it by its ID.
func TestCaseNumbersShown(t *testing.T) {
	app, ts := newPilot(t)
	ctx := context.Background()
	// A dispute lead reported by a village head and made a case.
	village, _ := app.Member("mayuan-head")
	lead, err := app.Hazards.Report(ctx, village.Actor(), hazard.Report{Category: hazard.DisputeLead, Location: "mayuan-1", Description: "两户因排水沟争吵，恐起冲突。"})
	require.NoError(t, err)
	_, _, err = app.Hazards.Convert(ctx, village.Actor(), lead.ID, lead.Version, hazard.Conversion{
		Category: mediation.Neighbour, Applicants: []mediation.Party{{Name: "周某", Phone: "13900006666"}}, Respondents: []mediation.Party{{Name: "吴某"}},
	})
	require.NoError(t, err)

	head := newClient(t, ts.URL)
	require.Equal(t, http.StatusSeeOther, head.login("gc-secretary", pilot.DemoPassword).StatusCode)
	_, body := head.get("/cases")
	ids := assertNumbered(t, app, body, "the case list")
	resp, body := head.get("/cases/" + string(ids[0]))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	c, err := app.DB.Cases().Get(ctx, ids[0])
	require.NoError(t, err)
	assert.Contains(t, body, "<h1>"+c.Number.String()+"</h1>", "the case page's title")
	assert.Contains(t, body, "<title>"+c.Number.String()+" · ")

	_, body = head.get("/dashboard")
	overdue := regexp.MustCompile(`(?s)<table class="list" id="overdue">.*?</table>`).FindString(body)
	assertNumbered(t, app, overdue, "the dashboard's overdue list")
	_, body = head.get("/hazards")
	assertNumbered(t, app, body, "the hazard board")

	duty := newClient(t, ts.URL)
	require.Equal(t, http.StatusSeeOther, duty.login("gc-duty-1", pilot.DemoPassword).StatusCode)
	_, body = duty.get("/console")
	assertNumbered(t, app, body, "the duty console")

	resident := newClient(t, ts.URL)
	_, body = resident.post("/apply", applyForm(resident, "numbers-form-key-01"))
	code := trackingCode.FindStringSubmatch(body)
	require.NotNil(t, code, body)
	applied, err := app.DB.Cases().GetByTrackingCode(ctx, code[1])
	require.NoError(t, err)
	require.False(t, applied.Number.IsZero())
	assert.Contains(t, body, `<strong id="number" class="number">`+applied.Number.String()+`</strong>`, "the receipt")
	_, body = resident.get("/track?code=" + url.QueryEscape(code[1]))
	assert.Contains(t, body, `<dd id="number" class="number">`+applied.Number.String()+`</dd>`, "the tracking page")
}

// TestCaseListFindsNumber: a number typed into the case list's search box,
// as people type it, goes straight to its case; one that names no case
// the member may see is said so in Chinese.
func TestCaseListFindsNumber(t *testing.T) {
	app, ts := newPilot(t)
	ctx := context.Background()
	head, _ := app.Member("mayuan-head")
	page, err := app.Cases.List(ctx, head.Actor(), mediation.Filter{Limit: 1})
	require.NoError(t, err)
	require.NotEmpty(t, page.Cases)
	c := page.Cases[0]
	n := c.Number
	// Another village's case, which the committee's head may not see.
	other, _ := app.Member("honggoumiao-head")
	theirs, err := app.Cases.List(ctx, other.Actor(), mediation.Filter{Limit: 1})
	require.NoError(t, err)
	require.NotEmpty(t, theirs.Cases)

	cl := newClient(t, ts.URL)
	require.Equal(t, http.StatusSeeOther, cl.login("mayuan-head", pilot.DemoPassword).StatusCode)
	typed := strings.NewReplacer("〔", "（", "〕", "）", "号", "").Replace(n.String())
	for _, q := range []string{n.String(), typed, " " + n.String() + " "} {
		resp, _ := cl.get("/cases?q=" + url.QueryEscape(q))
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, q)
		assert.Equal(t, "/cases/"+string(c.ID), resp.Header.Get("Location"), q)
	}
	for _, tt := range []struct {
		q      string
		status int
		says   string
	}{
		{n.Prefix + "〔2099〕1号", http.StatusNotFound, "未找到该案号的案件"},
		{theirs.Cases[0].Number.String(), http.StatusNotFound, "未找到该案号的案件"},
	} {
		resp, body := cl.get("/cases?q=" + url.QueryEscape(tt.q))
		assert.Equal(t, tt.status, resp.StatusCode, tt.q)
		assert.Contains(t, body, tt.says, tt.q)
		assert.True(t, marked(body, "q"), "%s: the box is marked", tt.q)
		assert.Contains(t, body, `value="`+strings.TrimSpace(tt.q)+`"`, "%s: what was typed stays", tt.q)
		assertChineseOnly(t, body)
	}
}

func TestParseCasePrefixes(t *testing.T) {
	for _, tt := range []struct {
		flag string
		want map[grid.CellID]string
		err  string
	}{
		{"", map[grid.CellID]string{}, ""},
		{"gucheng=古调", map[grid.CellID]string{"gucheng": "古调"}, ""},
		{" gucheng = 古调 , linzhen=邻调,", map[grid.CellID]string{"gucheng": "古调", "linzhen": "邻调"}, ""},
		{"古调", nil, "TOWNSHIP=PREFIX"},
		{"=古调", nil, "cell ID"},
		{"gucheng=", nil, "required"},
		{"gucheng=古调1", nil, "only Chinese characters or letters"},
		{"gucheng=古〔调〕", nil, "only Chinese characters or letters"},
		{"gucheng=古调,gucheng=城调", nil, "twice"},
	} {
		t.Run(tt.flag, func(t *testing.T) {
			got, err := pilot.ParseCasePrefixes(tt.flag)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestCasePrefix: a township given a prefix numbers its new cases with
// it; a prefix for a township the pilot does not serve stops the start.
func TestCasePrefix(t *testing.T) {
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "pilot.db")
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	app, _, err := pilot.Open(ctx, dsn, logger, pilot.Options{Demo: true, PasswordCost: bcrypt.MinCost, CasePrefixes: map[grid.CellID]string{gridtest.GuchengID: "城调"}})
	require.NoError(t, err)
	head, _ := app.Member("mayuan-head")
	c, err := app.Cases.Register(ctx, head.Actor(), mediation.Intake{
		Channel: work.ChannelWalkIn, Category: mediation.Neighbour, Location: "mayuan-1", Facts: "两家因排水沟堵塞互相指责。",
		Applicants: []mediation.Party{{Name: "王某某", Phone: "13900001111"}}, Respondents: []mediation.Party{{Name: "张某某"}},
	})
	require.NoError(t, err)
	assert.Equal(t, "城调", c.Number.Prefix)
	require.NoError(t, app.Close())

	_, _, err = pilot.Open(ctx, dsn, logger, pilot.Options{CasePrefixes: map[grid.CellID]string{"nowhere": "城调"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nowhere")
}
