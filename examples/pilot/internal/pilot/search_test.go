package pilot_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// TestCaseListSearch: the case list's search box finds cases by a party's
// name of three characters or two, by words of the facts and, for the
// posts that see the parties unmasked only, by a phone number; the
// filters narrow it; the next page keeps the search and the filters; and
// bad input is marked in Chinese.
func TestCaseListSearch(t *testing.T) {
	app, ts := newPilot(t)
	ctx := context.Background()
	police, _ := app.Member("mayuan-police")
	c, err := app.Cases.Register(ctx, police.Actor(), mediation.Intake{
		Channel: work.ChannelWalkIn, Category: mediation.Neighbour,
		Applicants:  []mediation.Party{{Name: "刘秀英", Phone: "13812340001", Address: "马园一组"}},
		Respondents: []mediation.Party{{Name: "王芳", Address: "马园一组"}},
		Facts:       "楼上漏水浸湿了刘秀英家的房顶。",
		Location:    "mayuan-1",
	})
	require.NoError(t, err)
	// The seed's first story: 章某某 against 李某某, an injury.
	head, _ := app.Member("mayuan-head")
	seeded, err := app.Cases.List(ctx, head.Actor(), mediation.Filter{Query: "章某某"})
	require.NoError(t, err)
	require.NotEmpty(t, seeded.Cases, "the seed's case")
	story := seeded.Cases[0]

	cl := newClient(t, ts.URL)
	require.Equal(t, http.StatusSeeOther, cl.login("mayuan-head", pilot.DemoPassword).StatusCode)
	link := func(c *mediation.Case) string { return `href="/cases/` + string(c.ID) + `"` }
	list := func(cl *client, query string) string {
		t.Helper()
		resp, body := cl.get("/cases?" + query)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", query, body)
		assertChineseOnly(t, body)
		return body
	}
	q := func(s string) string { return "q=" + url.QueryEscape(s) }
	body := list(cl, q("刘秀英"))
	assert.Contains(t, body, link(c), "a name of three characters")
	assert.NotContains(t, body, link(story))
	assert.Contains(t, body, `value="刘秀英"`, "what was typed stays in the box")
	assert.Contains(t, list(cl, q("王芳")), link(c), "a name of two characters")
	assert.Contains(t, list(cl, q("漏水 房顶")), link(c), "words of the facts")
	assert.Contains(t, list(cl, q("章某某")), link(story), "the seed's case")
	assert.Contains(t, list(cl, q("章某某")+"&category=injury"), link(story), "with its category")
	assert.NotContains(t, list(cl, q("章某某")+"&category=family"), link(story), "not with another")
	assert.Contains(t, list(cl, q("13812340001")), link(c), "the village's head sees the phones")
	body = list(cl, q("没有这个人"))
	assert.Contains(t, body, "没有符合条件的案件")

	worker := newClient(t, ts.URL)
	require.Equal(t, http.StatusSeeOther, worker.login("mayuan-security", pilot.DemoPassword).StatusCode)
	assert.Contains(t, list(worker, q("刘秀英")), link(c), "a grid worker finds the name")
	assert.NotContains(t, list(worker, q("13812340001")), link(c), "but never by a phone they see masked")

	for range 51 {
		_, err := app.Cases.Register(ctx, police.Actor(), mediation.Intake{
			Channel: work.ChannelWalkIn, Category: mediation.Neighbour,
			Applicants: []mediation.Party{{Name: "赵某", Phone: "13812340002"}}, Respondents: []mediation.Party{{Name: "钱某"}},
			Facts: "夜间噪音扰民。", Location: "mayuan-1",
		})
		require.NoError(t, err)
	}
	body = list(cl, q("噪音")+"&category=neighbour")
	next := regexp.MustCompile(`<a href="(/cases\?[^"]*)">下一页</a>`).FindStringSubmatch(body)
	require.NotNil(t, next, "a second page")
	more, err := url.Parse(html.UnescapeString(next[1]))
	require.NoError(t, err)
	assert.Equal(t, "噪音", more.Query().Get("q"), "the next page keeps the search")
	assert.Equal(t, "neighbour", more.Query().Get("category"), "and the filters")
	assert.Equal(t, 1, strings.Count(list(cl, more.RawQuery), `class="number"`), "the 51st case on the second page")

	for _, tt := range []struct{ query, field string }{
		{q(strings.Repeat("刘", 65)), "q"},
		{q("，，"), "q"},
		{"from=2026-13-01", "from"},
		{"from=2026-11-02&to=2026-11-01", "to"},
		{"category=lost", "category"},
		{"cell=atlantis", "cell"},
	} {
		resp, body := cl.get("/cases?" + tt.query)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, tt.query)
		assert.True(t, marked(body, tt.field), "%s: %s is marked", tt.query, tt.field)
		assertChineseOnly(t, body)
	}
}
