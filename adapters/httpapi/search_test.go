package httpapi_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/work"
)

// TestCaseSearch: GET /api/v1/cases takes q — a party's name, an agent's,
// words of the facts, the case number, the tracking code, and a phone
// number only for the posts that see the parties unmasked — and
// category, cell and dates of registration beside the other filters; bad
// input is 400 naming the parameter.
func TestCaseSearch(t *testing.T) {
	e := newEnv(t)
	c := e.seedCase(t, "mediating")
	day := c.RegisteredAt.In(work.Zone).Format("2006-01-02")
	find := func(member, query string) []string {
		t.Helper()
		res := e.as(member).get("/api/v1/cases?" + query)
		require.Equal(t, http.StatusOK, res.Code, "%s %s: %s", member, query, res)
		var page struct {
			Cases []struct {
				ID string `json:"id"`
			} `json:"cases"`
		}
		res.decode(t, &page)
		var out []string
		for _, c := range page.Cases {
			out = append(out, c.ID)
		}
		return out
	}
	found := []string{string(c.ID)}
	q := func(s string) string { return "q=" + url.QueryEscape(s) }
	for _, member := range []string{"mayuan-head", "mayuan-security"} {
		for _, query := range []string{q("王某某"), q(agent), q("院墙位置"), q(c.Number.String()), q(c.TrackingCode),
			"category=homestead", "cell=mayuan", "registered_from=" + day + "&registered_to=" + day,
			q("王某某") + "&state=mediating&category=homestead&cell=gc-east"} {
			assert.Equal(t, found, find(member, query), "%s finds it by %s", member, query)
		}
		for _, query := range []string{q("刘秀英"), q("院墙 漏水"), "category=family", "cell=wuguiqiao", "registered_to=2020-01-01", q("王某某") + "&state=agreed"} {
			assert.Empty(t, find(member, query), "%s does not by %s", member, query)
		}
	}
	phone := c.Applicants[0].Phone
	assert.Equal(t, found, find("mayuan-head", q(phone)), "the handling village's head sees the phones, and finds by them")
	assert.Empty(t, find("mayuan-security", q(phone)), "a grid worker sees them masked: a phone reveals nothing")
	assert.Empty(t, find("mayuan-security", q(c.Respondents[0].Phone)), "the respondent's neither")

	for _, tt := range []struct{ query, field string }{
		{q(strings.Repeat("王", 65)), "q"},
		{q("，。"), "q"},
		{"q=a&q=b", "q"},
		{"registered_from=2026-13-01", "registered_from"},
		{"registered_to=yesterday", "registered_to"},
		{"registered_from=2026-11-02&registered_to=2026-11-01", "registered_to"},
		{"category=lost", "category"},
		{"cell=atlantis", "cell"},
		{"state=lost", "state"},
	} {
		res := e.as("mayuan-head").get("/api/v1/cases?" + tt.query)
		require.Equal(t, http.StatusBadRequest, res.Code, "%s: %s", tt.query, res)
		var body struct {
			Error struct {
				Field string `json:"field"`
			} `json:"error"`
		}
		res.decode(t, &body)
		assert.Equal(t, tt.field, body.Error.Field, tt.query)
	}
}
