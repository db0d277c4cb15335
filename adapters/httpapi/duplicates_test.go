package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dispute is a registration of the same drainage quarrel, through a
// channel, retold in that channel's words.
func dispute(channel, facts string) map[string]any {
	return map[string]any{
		"channel": channel, "category": "neighbour", "facts": facts, "location": "mayuan-1",
		"applicants":  []map[string]any{{"name": "王某某", "phone": "13900001111"}},
		"respondents": []map[string]any{{"name": "张某某"}},
	}
}

// candidates returns the candidates of GET /cases/{id}/duplicates, by
// the IDs of their cases.
func candidates(t *testing.T, c *client, id string) map[string]map[string]any {
	t.Helper()
	res := c.get("/api/v1/cases/" + id + "/duplicates")
	require.Equal(t, http.StatusOK, res.Code, res)
	out := map[string]map[string]any{}
	for _, x := range res.object(t)["candidates"].([]any) {
		cand := x.(map[string]any)
		out[cand["case"].(map[string]any)["id"].(string)] = cand
	}
	return out
}

// codes returns the codes of a candidate's reasons.
func codes(cand map[string]any) []string {
	var out []string
	for _, r := range cand["reasons"].([]any) {
		out = append(out, r.(map[string]any)["code"].(string))
	}
	return out
}

// TestDuplicatesAcrossChannels registers one drainage quarrel at the
// station and again through the grid head: each is offered as the
// other's duplicate with its reasons, masked as the viewer sees it; only
// the member who registered it or the duty officer decides, and the
// errors name the field at fault. Linked, the duplicate is closed and the
// kept case records the other arrival; a third arrival kept apart is no
// longer offered either way.
func TestDuplicatesAcrossChannels(t *testing.T) {
	e := newEnv(t)
	station, head, police, duty := e.as("mayuan-security"), e.as("mayuan-head"), e.as("mayuan-police"), e.as("gc-duty-1")
	res := station.post("/api/v1/cases", dispute("walk_in", "两家因排水沟堵塞互相指责，雨天污水流进王家院子。"))
	require.Equal(t, http.StatusCreated, res.Code, res)
	a := res.object(t)["id"].(string)
	res = head.post("/api/v1/cases", dispute("grid_head", "王家反映张家把排水沟堵塞了，雨天污水流进院子，两家互相指责。"))
	require.Equal(t, http.StatusCreated, res.Code, res)
	b := res.object(t)["id"].(string)

	found := candidates(t, head, b)
	require.Contains(t, found, a)
	assert.Subset(t, codes(found[a]), []string{"dup:phone", "dup:cell", "dup:name", "dup:facts", "dup:category"})
	assert.Contains(t, candidates(t, station, a), b, "each is the other's candidate")
	for _, viewer := range []string{"mayuan-security", "mayuan-head", "gc-east-head"} {
		c := e.as(viewer)
		asGet := c.get("/api/v1/cases/" + a).object(t)
		cand := candidates(t, c, b)[a]["case"].(map[string]any)
		assert.Equal(t, asGet["masked"], cand["masked"], "%s: masked as GET masks it", viewer)
		assert.Equal(t, asGet["applicants"], cand["applicants"], "%s: the parties as GET shows them", viewer)
	}
	assert.Equal(t, http.StatusNotFound, e.as("wuguiqiao-head").get("/api/v1/cases/"+b+"/duplicates").Code, "a case the caller may not see")

	for _, tc := range []struct {
		name   string
		c      *client
		body   map[string]any
		status int
		field  string
	}{
		{"not the registrar, no Dedupe", police, map[string]any{"into": a}, http.StatusForbidden, ""},
		{"into missing", head, map[string]any{}, http.StatusBadRequest, "into"},
		{"into itself", head, map[string]any{"into": b}, http.StatusBadRequest, "into"},
		{"into not seen", head, map[string]any{"into": "C999999999"}, http.StatusNotFound, "into"},
	} {
		res := tc.c.post("/api/v1/cases/"+b+"/duplicate-of", tc.body)
		assert.Equal(t, tc.status, res.Code, "%s: %s", tc.name, res)
		assert.Equal(t, tc.field, res.errorField(), tc.name)
	}
	res = head.post("/api/v1/cases/"+b+"/duplicate-of", map[string]any{"into": a})
	require.Equal(t, http.StatusOK, res.Code, res)
	linked := res.object(t)
	assert.Equal(t, a, linked["duplicate_of"])
	assert.Equal(t, "closed", linked["state"])
	kept := station.get("/api/v1/cases/" + a).object(t)
	require.Len(t, kept["also_received"], 1)
	receipt := kept["also_received"].([]any)[0].(map[string]any)
	assert.Equal(t, b, receipt["case"])
	assert.Equal(t, "grid_head", receipt["channel"])
	assert.Equal(t, "mayuan-head", receipt["first_responder"])
	assert.Empty(t, candidates(t, head, b), "a linked duplicate has none")
	assert.NotContains(t, candidates(t, station, a), b, "a linked duplicate is offered no more")
	assert.Equal(t, http.StatusOK, head.post("/api/v1/cases/"+b+"/duplicate-of", map[string]any{"into": a}).Code, "a retry")
	assert.Len(t, station.get("/api/v1/cases/" + a).object(t)["also_received"], 1, "a retry records the arrival once")

	res = duty.post("/api/v1/cases", dispute("wecom", "企业微信群里反映：王某某与张某某因排水沟堵塞互相指责，雨天污水流进院子。"))
	require.Equal(t, http.StatusCreated, res.Code, res)
	c := res.object(t)["id"].(string)
	require.Contains(t, candidates(t, duty, c), a)
	for _, tc := range []struct {
		name   string
		c      *client
		body   map[string]any
		status int
		field  string
	}{
		{"no reason", duty, map[string]any{"other": a}, http.StatusBadRequest, "reason"},
		{"other itself", duty, map[string]any{"other": c, "reason": "不同"}, http.StatusBadRequest, "other"},
		{"other not seen", duty, map[string]any{"other": "C999999999", "reason": "不同"}, http.StatusNotFound, "other"},
		{"not the registrar, no Dedupe", police, map[string]any{"other": a, "reason": "不同"}, http.StatusForbidden, ""},
	} {
		res := tc.c.post("/api/v1/cases/"+c+"/kept-apart", tc.body)
		assert.Equal(t, tc.status, res.Code, "%s: %s", tc.name, res)
		assert.Equal(t, tc.field, res.errorField(), tc.name)
	}
	res = duty.post("/api/v1/cases/"+c+"/kept-apart", map[string]any{"other": a, "reason": "这次是另一条排水沟，在村东头"})
	require.Equal(t, http.StatusOK, res.Code, res)
	apart := res.object(t)["kept_apart"].([]any)
	require.Len(t, apart, 1)
	assert.Equal(t, a, apart[0].(map[string]any)["case"])
	assert.Equal(t, "这次是另一条排水沟，在村东头", apart[0].(map[string]any)["reason"])
	assert.NotContains(t, candidates(t, duty, c), a, "kept apart: not offered")
	assert.NotContains(t, candidates(t, station, a), c, "nor the other way")
	assert.Equal(t, http.StatusConflict, duty.post("/api/v1/cases/"+c+"/kept-apart", map[string]any{"other": a, "reason": "再说一次"}).Code, "a pair kept apart already")
}
