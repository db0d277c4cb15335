package httpapi_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/grid/gridtest"
)

// exported returns Gucheng's roster as its head exports it.
func (e *env) exported(t testing.TB) string {
	t.Helper()
	res := e.as("gc-secretary").get("/api/v1/grid/roster.xlsx")
	require.Equal(t, http.StatusOK, res.Code, res)
	return string(res.Body)
}

// plan is the answer about a roster sent.
type plan struct {
	Base struct {
		Len  int64
		Head string
	}
	Applied           bool
	Changes           int
	AddCells          []struct{ ID, Path string }                          `json:"add_cells"`
	RenameCells       []struct{ Before, After struct{ ID, Name string } }  `json:"rename_cells"`
	MoveCells         []struct{ Before, After struct{ ID, Path string } }  `json:"move_cells"`
	RetireCells       []struct{ ID string }                                `json:"retire_cells"`
	AddMembers        []struct{ ID, Phone string }                         `json:"add_members"`
	EditMembers       []struct{ Before, After struct{ ID, Phone string } } `json:"edit_members"`
	DeactivateMembers []struct{ ID string }                                `json:"deactivate_members"`
	Grants            []map[string]string
	Revokes           []map[string]string
	Blocked           []map[string]any
}

func (p plan) base() string { return fmt.Sprintf("base_len=%d&base_head=%s", p.Base.Len, p.Base.Head) }

// sendRoster sends roster as who, to see the plan or, with base, to apply
// it.
func (e *env) sendRoster(who, roster, base string) *response {
	target := "/api/v1/grid/roster"
	if base != "" {
		target += "?" + base
	}
	return e.as(who).post(target, raw{"text/csv", []byte(roster)})
}

// TestRosterPlanThenApply: a roster exported, changed and sent back is
// answered with exactly what it would change, changing nothing; applied on
// the base that answer gave it changes the grid at once, and applied on a
// stale base it is refused.
func TestRosterPlanThenApply(t *testing.T) {
	e := newEnv(t)
	res := e.as("gc-admin").get("/api/v1/grid/roster.xlsx")
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Equal(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", res.Header.Get("Content-Type"))
	assert.Equal(t, "attachment; filename*=utf-8''%E5%8F%A4%E5%9F%8E%E5%8A%9E%E4%BA%8B%E5%A4%84%E8%8A%B1%E5%90%8D%E5%86%8C.xlsx", res.Header.Get("Content-Disposition"), "古城办事处花名册.xlsx")
	roster := string(res.Body)
	assert.Contains(t, roster, "member,gc-secretary,郭某,13800000001,grid,,grid_head@gucheng", "phones in full: the roster is the register")
	assert.NotContains(t, roster, "lz-", "only the township's own")

	// 马园四组 added with its head, 南关社区 renamed, 小余庄 moved to the
	// east sector, 高敬's phone changed, 郑某 of the land office gone.
	changed := strings.NewReplacer(
		"cell,nanguan,3,gc-south,南关社区", "cell,nanguan,3,gc-south,南关新区社区",
		"cell,xiaoyuzhuang,3,gc-south,", "cell,xiaoyuzhuang,3,gc-east,",
		"member,gc-justice,高敬,13800000002,", "member,gc-justice,高敬,13711112222,",
	).Replace(roster)
	var kept []string
	for line := range strings.Lines(changed) {
		if !strings.HasPrefix(line, "member,gc-land,") {
			kept = append(kept, line)
		}
	}
	changed = strings.Join(kept, "") + "cell,mayuan-4,4,mayuan,马园四组\nmember,mayuan-4-head,马园四组组长,13912345678,grid,,grid_head@mayuan-4\n"

	before := e.gridStored(t)
	res = e.sendRoster("gc-admin", changed, "")
	require.Equal(t, http.StatusOK, res.Code, res)
	var p plan
	res.decode(t, &p)
	head := e.grid.Directory().Head(gridtest.GuchengID)
	assert.Equal(t, head.Len, p.Base.Len)
	assert.Equal(t, head.Head.String(), p.Base.Head)
	assert.False(t, p.Applied)
	assert.Equal(t, 6, p.Changes)
	require.Len(t, p.AddCells, 1)
	assert.Equal(t, "/gucheng/gc-east/mayuan/mayuan-4", p.AddCells[0].Path)
	require.Len(t, p.RenameCells, 1)
	assert.Equal(t, "南关新区社区", p.RenameCells[0].After.Name)
	require.Len(t, p.MoveCells, 1)
	assert.Equal(t, "/gucheng/gc-east/xiaoyuzhuang", p.MoveCells[0].After.Path)
	require.Len(t, p.AddMembers, 1)
	assert.Equal(t, "13912345678", p.AddMembers[0].Phone, "the admin post keeps the staff, and reaches them")
	require.Len(t, p.EditMembers, 1)
	assert.Equal(t, "13711112222", p.EditMembers[0].After.Phone)
	require.Len(t, p.DeactivateMembers, 1)
	assert.Equal(t, "gc-land", p.DeactivateMembers[0].ID)
	assert.Empty(t, p.Grants, "a new member's posts come with them")
	assert.Empty(t, p.RetireCells)
	assert.Empty(t, p.Blocked)
	assert.Equal(t, before, e.gridStored(t), "a plan changes nothing")

	// Someone else changes the grid meanwhile: the plan is stale.
	res = e.as("gc-secretary").post("/api/v1/grid/cells", map[string]any{"id": "mayuan-5", "parent": "mayuan", "name": "马园五组"})
	require.Equal(t, http.StatusCreated, res.Code, res)
	stale := e.gridStored(t)
	res = e.sendRoster("gc-admin", changed, p.base())
	assert.Equal(t, http.StatusConflict, res.Code, res)
	assert.Equal(t, stale, e.gridStored(t))

	res = e.sendRoster("gc-admin", changed, "")
	require.Equal(t, http.StatusOK, res.Code, res)
	var again plan
	res.decode(t, &again)
	assert.Equal(t, []struct{ ID string }{{"mayuan-5"}}, again.RetireCells, "the roster does not list the cell added meanwhile")
	res = e.sendRoster("gc-admin", changed, again.base())
	require.Equal(t, http.StatusOK, res.Code, res)
	var applied plan
	res.decode(t, &applied)
	assert.True(t, applied.Applied)
	assert.Equal(t, 7, applied.Changes)

	res = e.as("gc-secretary").get("/api/v1/grid/cells/mayuan-4")
	assert.Equal(t, http.StatusOK, res.Code, "the grid is the roster's at once: %s", res)
	res = e.as("gc-secretary").get("/api/v1/grid/cells/nanguan")
	assert.Equal(t, "南关新区社区", res.object(t)["cell"].(map[string]any)["name"])
	res = e.as("gc-land").get("/api/v1/grid/cells")
	assert.Equal(t, http.StatusUnauthorized, res.Code, "the member the roster dropped signs in no more: %s", res)
	res = e.sendRoster("gc-admin", e.exported(t), "")
	require.Equal(t, http.StatusOK, res.Code, res)
	var none plan
	res.decode(t, &none)
	assert.Zero(t, none.Changes, "the roster exported after applying changes nothing")

	res = e.as("gc-admin").get("/api/v1/grid/log?after=" + fmt.Sprint(again.Base.Len))
	require.Equal(t, http.StatusOK, res.Code, res)
	var log struct {
		Events []struct{ Action, Actor string }
	}
	res.decode(t, &log)
	require.Len(t, log.Events, 1+applied.Changes)
	assert.Equal(t, "roster_imported", log.Events[0].Action)
	assert.Equal(t, "gc-admin", log.Events[0].Actor)
}

// TestRosterBlocked: a roster that drops a member answering for an open
// case is shown with the case in the way, and refused when applied, with
// the case listed.
func TestRosterBlocked(t *testing.T) {
	e := newEnv(t)
	id := e.walkInAt(t, "mayuan-police", "mayuan-1")
	var kept []string
	for line := range strings.Lines(e.exported(t)) {
		if !strings.HasPrefix(line, "member,mayuan-police,") {
			kept = append(kept, line)
		}
	}
	roster := strings.Join(kept, "")
	res := e.sendRoster("gc-admin", roster, "")
	require.Equal(t, http.StatusOK, res.Code, res)
	var p plan
	res.decode(t, &p)
	require.Len(t, p.Blocked, 1)
	assert.Equal(t, id, p.Blocked[0]["id"])
	assert.Equal(t, "mayuan-police", p.Blocked[0]["accountable"])

	before := e.gridStored(t)
	res = e.sendRoster("gc-admin", roster, p.base())
	require.Equal(t, http.StatusConflict, res.Code, res)
	items := res.errorItems(t)
	require.Len(t, items, 1)
	assert.Equal(t, id, items[0]["id"])
	assert.Equal(t, before, e.gridStored(t))
}

// TestRosterRefusals: a file that holds no roster is answered with every
// problem placed in it; a file of another type, too large, or none at all,
// and a base half given, are refused before it is read; and nothing
// changes.
func TestRosterRefusals(t *testing.T) {
	e := newEnv(t)
	good := e.exported(t)
	before := e.gridStored(t)

	var body struct {
		Error struct {
			Code     string
			Problems []struct {
				Sheet, Column, Message string
				Row                    int
			}
		}
	}
	lines := strings.Count(good, "\n")
	res := e.sendRoster("gc-admin", good+"member,x-1,某,1234,grid,,grid_worker@mayuan\nmember,x-2,某,13912345678,grid,,boss@mayuan;grid_worker@nowhere\n", "")
	require.Equal(t, http.StatusBadRequest, res.Code, res)
	res.decode(t, &body)
	assert.Equal(t, "invalid", body.Error.Code)
	require.Len(t, body.Error.Problems, 3, "every problem at once")
	for i, want := range []struct {
		row    int
		column string
	}{{lines + 1, "A"}, {lines + 2, "G"}, {lines + 2, "G"}} {
		assert.Equal(t, "人员", body.Error.Problems[i].Sheet)
		assert.Equal(t, want.row, body.Error.Problems[i].Row)
		assert.Equal(t, want.column, body.Error.Problems[i].Column)
		assert.NotEmpty(t, body.Error.Problems[i].Message)
	}

	res = e.sendRoster("lz-secretary", good, "")
	assert.Equal(t, http.StatusBadRequest, res.Code, "another township's roster: %s", res)
	assert.Equal(t, "cells", res.errorField())

	for name, tc := range map[string]struct {
		body        raw
		query       string
		status      int
		code, field string
	}{
		"JSON":               {raw{"application/json", []byte(`{}`)}, "", http.StatusUnsupportedMediaType, "unsupported_media_type", ""},
		"no content type":    {raw{"", []byte(good)}, "", http.StatusUnsupportedMediaType, "unsupported_media_type", ""},
		"empty":              {raw{"text/csv", nil}, "", http.StatusBadRequest, "invalid", ""},
		"too large":          {raw{"text/csv; charset=utf-8", bytes.Repeat([]byte("x"), 20<<20+1)}, "", http.StatusRequestEntityTooLarge, "too_large", ""},
		"base_len alone":     {raw{"text/csv", []byte(good)}, "base_len=3", http.StatusBadRequest, "invalid", "base_head"},
		"base_head alone":    {raw{"text/csv", []byte(good)}, "base_head=" + strings.Repeat("0", 64), http.StatusBadRequest, "invalid", "base_len"},
		"base_head not hex":  {raw{"text/csv", []byte(good)}, "base_len=3&base_head=xyz", http.StatusBadRequest, "invalid", "base_head"},
		"base_len negative":  {raw{"text/csv", []byte(good)}, "base_len=-1&base_head=" + strings.Repeat("0", 64), http.StatusBadRequest, "invalid", "base_len"},
		"unknown parameter":  {raw{"text/csv", []byte(good)}, "base=1", http.StatusBadRequest, "invalid", "base"},
		"base_head repeated": {raw{"text/csv", []byte(good)}, "base_len=1&base_head=a&base_head=b", http.StatusBadRequest, "invalid", "base_head"},
	} {
		t.Run(name, func(t *testing.T) {
			target := "/api/v1/grid/roster"
			if tc.query != "" {
				target += "?" + tc.query
			}
			res := e.as("gc-admin").post(target, tc.body)
			assert.Equal(t, tc.status, res.Code, res)
			assert.Equal(t, tc.code, res.errorCode())
			assert.Equal(t, tc.field, res.errorField())
		})
	}
	assert.Equal(t, before, e.gridStored(t))
}
