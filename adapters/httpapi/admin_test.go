package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
)

// head returns Gucheng's head as the grid has them now, to seed through
// the grid's service.
func (e *env) head() grid.Actor {
	m, _ := e.grid.Directory().Member("gc-secretary")
	return m.Actor()
}

// seedCell returns a new cell below 马园, where nobody holds a post and no
// work is handled.
func (e *env) seedCell(t testing.TB) grid.CellID {
	t.Helper()
	c, err := e.grid.AddCell(ctx, e.head(), grid.Spec{ID: grid.CellID(fmt.Sprintf("cell-%d", seq.Add(1))), Parent: "mayuan", Name: "新建网格"})
	require.NoError(t, err)
	return c.ID
}

// seedMember returns a new member, a grid worker and a mediator in 马园
// who answers for no work.
func (e *env) seedMember(t testing.TB) grid.MemberID {
	t.Helper()
	mayuan := e.demo.Path("mayuan")
	m, err := e.grid.AddMember(ctx, e.head(), grid.Member{
		ID: grid.MemberID(fmt.Sprintf("worker-%d", seq.Add(1))), Name: "新网格员", Phone: "13912340000", Department: grid.DeptGrid,
		Posts: []grid.Post{{Role: grid.GridWorker, Cell: mayuan}, {Role: grid.Mediator, Cell: mayuan}},
	})
	require.NoError(t, err)
	return m.ID
}

// seedToken returns the ID of a new API token of member id, or an ID of no
// token for an actor who is not a member.
func (e *env) seedToken(t testing.TB, id string) string {
	t.Helper()
	m, ok := e.grid.Directory().Member(grid.MemberID(id))
	if !ok {
		return "tok-none"
	}
	_, tokenID, err := e.accounts.issueToken(ctx, m, "另一台设备")
	require.NoError(t, err)
	return tokenID
}

// errorItems returns the open work an error response lists.
func (r *response) errorItems(t testing.TB) []map[string]any {
	t.Helper()
	var e struct {
		Error struct {
			Items []map[string]any `json:"items"`
		} `json:"error"`
	}
	r.decode(t, &e)
	return e.Error.Items
}

// gridStored is everything the grid's store holds of both townships: what
// a refused change must leave as it was.
func (e *env) gridStored(t testing.TB) []any {
	t.Helper()
	cells, err := e.st.grid.Cells(ctx)
	require.NoError(t, err)
	out := []any{cells}
	for _, id := range []grid.CellID{gridtest.GuchengID, gridtest.NeighbourID} {
		members, err := e.st.grid.Members(ctx, id)
		require.NoError(t, err)
		log, err := e.st.grid.Log(ctx, id, 0, 0)
		require.NoError(t, err)
		out = append(out, members, log)
	}
	return out
}

// walkInAt has member by register over the API a neighbours' quarrel that
// arose in cell, and returns the case's ID.
func (e *env) walkInAt(t testing.TB, by string, cell grid.CellID) string {
	t.Helper()
	body := walkIn()
	body["location"] = string(cell)
	res := e.as(by).post("/api/v1/cases", body)
	require.Equal(t, http.StatusCreated, res.Code, res)
	return res.object(t)["id"].(string)
}

// lastEvent returns the last event of case id's timeline, read over the
// API by the township's head.
func (e *env) lastEvent(t testing.TB, id string) map[string]any {
	t.Helper()
	res := e.as("gc-secretary").get("/api/v1/cases/" + id + "/timeline")
	require.Equal(t, http.StatusOK, res.Code, res)
	var tl struct {
		Events []map[string]any `json:"events"`
	}
	res.decode(t, &tl)
	require.NotEmpty(t, tl.Events)
	return tl.Events[len(tl.Events)-1]
}

// newMember is a mediator of 马园 to add over the API.
func newMember(id string) map[string]any {
	return map[string]any{
		"id": id, "name": "马调解", "phone": "13912345678", "department": "mediation_committee",
		"posts": []map[string]any{{"role": "mediator", "cell": "mayuan"}},
	}
}

// TestAddedMemberActsAtOnce: a member added by the admin post is answered
// with their one-time password, signs in with it and acts at once through
// their new post, with no restart; the admin, who may not see personal
// data, sees the phone masked, the township's head sees it whole.
func TestAddedMemberActsAtOnce(t *testing.T) {
	e := newEnv(t)
	c := e.seedCase(t, "registered")
	res := e.as("gc-admin").post("/api/v1/members", newMember("mayuan-mediator"))
	require.Equal(t, http.StatusCreated, res.Code, res)
	assert.Equal(t, "/api/v1/members/mayuan-mediator", res.Header.Get("Location"))
	var added struct {
		Member struct {
			ID, Phone string
			Active    bool
			Posts     []struct{ Role, Cell string }
		}
		OTP string `json:"one_time_password"`
	}
	res.decode(t, &added)
	assert.Equal(t, "13912345678", added.Member.Phone, "who keeps the staff reaches them")
	assert.True(t, added.Member.Active)
	assert.Equal(t, []struct{ Role, Cell string }{{"mediator", "/gucheng/gc-east/mayuan"}}, added.Member.Posts)
	require.NotEmpty(t, added.OTP)
	assert.NotContains(t, e.logs.String(), added.OTP, "the password is not logged")

	res = e.as("gc-secretary").get("/api/v1/members/mayuan-mediator")
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Equal(t, "13912345678", res.object(t)["phone"], "the head sees it whole")

	m, ok := e.grid.Directory().Member("mayuan-mediator")
	require.True(t, ok)
	token, _, err := e.accounts.signIn(ctx, m, added.OTP, "手机")
	require.NoError(t, err)
	mediator := &client{e: e, token: token}
	res = mediator.post("/api/v1/cases/"+string(c.ID)+"/accept", nil)
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Equal(t, "mayuan-mediator", res.object(t)["accepted_by"])

	res = e.as("gc-secretary").get("/api/v1/grid/cells/mayuan/members")
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Contains(t, string(res.Body), `"id":"mayuan-mediator"`, "the cell lists its new member")

	res = e.as("gc-admin").post("/api/v1/members", newMember("mayuan-mediator"))
	assert.Equal(t, http.StatusConflict, res.Code, "an ID taken: %s", res)
	res = e.as("gc-admin").post("/api/v1/members", newMember("lz-secretary"))
	assert.Equal(t, http.StatusConflict, res.Code, "IDs are the deployment's: %s", res)
	res = e.as("mayuan-head").post("/api/v1/members", newMember("x-1"))
	assert.Equal(t, http.StatusForbidden, res.Code, "a post without ManageGrid: %s", res)
}

// TestGrantedPostCountsAtOnce: a member granted a post acts through it on
// their next request, with the token they had; once it is revoked, they
// no longer do.
func TestGrantedPostCountsAtOnce(t *testing.T) {
	e := newEnv(t)
	c := e.seedCase(t, "registered")
	worker := e.as("mayuan-security")
	accept := "/api/v1/cases/" + string(c.ID) + "/accept"
	res := worker.post(accept, nil)
	require.Equal(t, http.StatusForbidden, res.Code, "a grid worker does not accept cases: %s", res)

	res = e.as("gc-admin").post("/api/v1/members/mayuan-security/posts", map[string]any{"role": "mediator", "cell": "mayuan"})
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Len(t, res.object(t)["posts"], 2)
	res = worker.post(accept, nil)
	require.Equal(t, http.StatusOK, res.Code, "the same token, the new post: %s", res)

	other := e.seedCase(t, "registered")
	res = e.as("gc-admin").post("/api/v1/members/mayuan-security/posts/revoke", map[string]any{"role": "mediator", "cell": "mayuan"})
	require.Equal(t, http.StatusOK, res.Code, "the case he accepted he still reaches as the village's worker: %s", res)
	res = worker.post("/api/v1/cases/"+string(other.ID)+"/accept", nil)
	assert.Equal(t, http.StatusForbidden, res.Code, "the post revoked counts at once: %s", res)

	res = e.as("gc-admin").post("/api/v1/members/mayuan-security/posts", map[string]any{"role": "mediator", "cell": "lz-qiaotou"})
	assert.Equal(t, http.StatusNotFound, res.Code, "another township's cell: %s", res)
	assert.Equal(t, "cell", res.errorField())
	res = e.as("gc-admin").post("/api/v1/members/lz-qiaotou-police/posts", map[string]any{"role": "mediator", "cell": "mayuan"})
	assert.Equal(t, http.StatusNotFound, res.Code, "another township's member: %s", res)
}

// TestRevokeWithOpenCases: revoking a post its holder answers for open
// cases through is refused with the cases listed, and changes nothing;
// named a successor, the cases pass to them, each timeline recording the
// handover.
func TestRevokeWithOpenCases(t *testing.T) {
	e := newEnv(t)
	admin := e.as("gc-admin")
	res := admin.post("/api/v1/members/mayuan-police/posts", map[string]any{"role": "community_police", "cell": "wuguiqiao"})
	require.Equal(t, http.StatusOK, res.Code, res)
	first := e.walkInAt(t, "mayuan-police", "mayuan-1")
	second := e.walkInAt(t, "mayuan-police", "mayuan-2")

	before := e.gridStored(t)
	revoke := "/api/v1/members/mayuan-police/posts/revoke"
	res = admin.post(revoke, map[string]any{"role": "community_police", "cell": "mayuan"})
	require.Equal(t, http.StatusConflict, res.Code, res)
	assert.Equal(t, "conflict", res.errorCode())
	items := res.errorItems(t)
	require.Len(t, items, 2)
	var ids []string
	for _, it := range items {
		ids = append(ids, it["id"].(string))
		assert.Equal(t, "case", it["kind"])
		assert.Equal(t, "neighbour", it["category"])
		assert.Equal(t, "mayuan-police", it["accountable"])
		assert.NotEmpty(t, it["since"])
		assert.Contains(t, it["handling"], "/gucheng/gc-east/mayuan")
	}
	assert.ElementsMatch(t, []string{first, second}, ids)
	assert.Equal(t, before, e.gridStored(t), "a refused revocation changes nothing")

	res = admin.post(revoke, map[string]any{"role": "community_police", "cell": "mayuan", "successor": "wuguiqiao-head"})
	assert.Equal(t, http.StatusBadRequest, res.Code, "a successor who may not see the cases: %s", res)
	assert.Equal(t, "successor", res.errorField())

	res = admin.post(revoke, map[string]any{"role": "community_police", "cell": "mayuan", "successor": "mayuan-aux"})
	require.Equal(t, http.StatusOK, res.Code, res)
	for _, id := range []string{first, second} {
		ev := e.lastEvent(t, id)
		assert.Equal(t, "handed_over", ev["action"])
		assert.Equal(t, "gc-admin", ev["actor"])
		details := ev["details"].(map[string]any)
		assert.Equal(t, "mayuan-police", details["from"])
		assert.Equal(t, "mayuan-aux", details["to"])
		res := e.as("mayuan-aux").get("/api/v1/cases/" + id)
		require.Equal(t, http.StatusOK, res.Code, res)
		assert.Equal(t, "mayuan-aux", res.object(t)["first_responder"])
	}
}

// TestDeactivateWithOpenWork: a member who leaves with open work is kept
// until a successor is named; then they hold no post, their token and
// their account stop working, and they stay on record, inactive.
func TestDeactivateWithOpenWork(t *testing.T) {
	e := newEnv(t)
	admin := e.as("gc-admin")
	res := admin.post("/api/v1/members", newMember("mayuan-mediator"))
	require.Equal(t, http.StatusCreated, res.Code, res)
	var added struct {
		OTP string `json:"one_time_password"`
	}
	res.decode(t, &added)
	m, _ := e.grid.Directory().Member("mayuan-mediator")
	token, _, err := e.accounts.signIn(ctx, m, added.OTP, "手机")
	require.NoError(t, err)
	mediator := &client{e: e, token: token}
	c := e.seedCase(t, "registered")
	require.Equal(t, http.StatusOK, mediator.post("/api/v1/cases/"+string(c.ID)+"/accept", nil).Code)

	deactivate := "/api/v1/members/mayuan-mediator/deactivate"
	res = admin.post(deactivate, nil)
	require.Equal(t, http.StatusConflict, res.Code, res)
	items := res.errorItems(t)
	require.Len(t, items, 1)
	assert.Equal(t, string(c.ID), items[0]["id"])
	assert.Equal(t, http.StatusOK, mediator.get("/api/v1/cases/"+string(c.ID)).Code, "still active")

	res = admin.post(deactivate, map[string]any{"successor": "mayuan-head"})
	require.Equal(t, http.StatusOK, res.Code, res)
	left := res.object(t)
	assert.Equal(t, false, left["active"])
	assert.Empty(t, left["posts"])
	assert.Equal(t, "handed_over", e.lastEvent(t, string(c.ID))["action"])

	res = mediator.get("/api/v1/grid/cells")
	assert.Equal(t, http.StatusUnauthorized, res.Code, "a member who left signs in nowhere: %s", res)
	_, _, err = e.accounts.signIn(ctx, m, added.OTP, "电脑")
	assert.Error(t, err, "their account is disabled")
	res = e.as("gc-secretary").get("/api/v1/members/mayuan-mediator")
	require.Equal(t, http.StatusOK, res.Code, "they stay on record: %s", res)
	assert.Equal(t, false, res.object(t)["active"])
	res = admin.post(deactivate, nil)
	assert.Equal(t, http.StatusConflict, res.Code, "already inactive: %s", res)
	res = admin.post("/api/v1/members/mayuan-mediator/password", nil)
	assert.Equal(t, http.StatusConflict, res.Code, "no password for a member who left: %s", res)
}

// TestRetireWithTakeover: a cell with open work is retired only when
// another cell takes the work over; the tree shows it retired at once,
// and it takes no new cells.
func TestRetireWithTakeover(t *testing.T) {
	e := newEnv(t)
	admin := e.as("gc-admin")
	id := e.walkInAt(t, "mayuan-head", "mayuan-3")
	res := e.as("gc-secretary").get("/api/v1/cases/" + id)
	require.Equal(t, "/gucheng/gc-east/mayuan/mayuan-3", res.object(t)["handling"], "a simple case is handled by its group")

	retire := "/api/v1/grid/cells/mayuan-3/retire"
	res = admin.post(retire, nil)
	assert.Equal(t, http.StatusConflict, res.Code, "its head still holds a post there: %s", res)
	assert.Empty(t, res.errorItems(t))
	res = admin.post("/api/v1/members/mayuan-3-head/deactivate", nil)
	require.Equal(t, http.StatusOK, res.Code, res)

	res = admin.post(retire, map[string]any{})
	require.Equal(t, http.StatusConflict, res.Code, res)
	items := res.errorItems(t)
	require.Len(t, items, 1)
	assert.Equal(t, id, items[0]["id"])
	res = admin.post(retire, map[string]any{"takeover": "lz-qiaotou"})
	assert.Equal(t, http.StatusNotFound, res.Code, "another township's cell: %s", res)
	assert.Equal(t, "takeover", res.errorField())

	res = admin.post(retire, map[string]any{"takeover": "mayuan"})
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Equal(t, true, res.object(t)["retired"])
	res = e.as("gc-secretary").get("/api/v1/cases/" + id)
	assert.Equal(t, "/gucheng/gc-east/mayuan", res.object(t)["handling"])
	ev := e.lastEvent(t, id)
	assert.Equal(t, "reassigned", ev["action"])

	res = e.as("mayuan-head").get("/api/v1/grid/cells/mayuan")
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Contains(t, string(res.Body), `"id":"mayuan-3","name":"马园三组","level":4,"title":"村民组·楼栋","path":"/gucheng/gc-east/mayuan/mayuan-3","parent":"mayuan","retired":true`, "the tree shows it at once")
	res = admin.post("/api/v1/grid/cells", map[string]any{"id": "mayuan-3-x", "parent": "mayuan-3", "name": "新户"})
	assert.Equal(t, http.StatusConflict, res.Code, "a retired cell takes no new cells: %s", res)
}

// TestCellChangesShowAtOnce: a cell added, renamed and moved is read so at
// once by every route; a change with a bad name changes nothing, not even
// the move asked with it.
func TestCellChangesShowAtOnce(t *testing.T) {
	e := newEnv(t)
	admin := e.as("gc-secretary")
	res := admin.post("/api/v1/grid/cells", map[string]any{"id": "mayuan-4", "parent": "mayuan", "name": "马园四组"})
	require.Equal(t, http.StatusCreated, res.Code, res)
	assert.Equal(t, "/api/v1/grid/cells/mayuan-4", res.Header.Get("Location"))
	assert.Equal(t, "/gucheng/gc-east/mayuan/mayuan-4", res.object(t)["path"])
	// The new cell takes cases at once.
	e.walkInAt(t, "mayuan-head", "mayuan-4")

	before := e.gridStored(t)
	res = admin.do(http.MethodPatch, "/api/v1/grid/cells/mayuan-4", map[string]any{"parent": "wuguiqiao", "name": ""})
	assert.Equal(t, http.StatusBadRequest, res.Code, res)
	assert.Equal(t, "name", res.errorField())
	assert.Equal(t, before, e.gridStored(t), "neither the move nor the rename")

	res = admin.do(http.MethodPatch, "/api/v1/grid/cells/mayuan-4", map[string]any{"parent": "wuguiqiao", "name": "吴桂桥三组"})
	require.Equal(t, http.StatusOK, res.Code, res)
	got := res.object(t)
	assert.Equal(t, "吴桂桥三组", got["name"])
	assert.Equal(t, "/gucheng/gc-east/wuguiqiao/mayuan-4", got["path"])
	res = e.as("wuguiqiao-head").get("/api/v1/grid/cells/wuguiqiao")
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Contains(t, string(res.Body), `"name":"吴桂桥三组"`, "the tree follows at once")
	res = e.as("wuguiqiao-head").get("/api/v1/grid/cells")
	assert.Contains(t, string(res.Body), `"path":"/gucheng/gc-east/wuguiqiao/mayuan-4"`)

	res = admin.do(http.MethodPatch, "/api/v1/grid/cells/mayuan-4", map[string]any{"parent": "gc-west"})
	assert.Equal(t, http.StatusBadRequest, res.Code, "levels stay: %s", res)
	assert.Equal(t, "parent", res.errorField())
	res = admin.do(http.MethodPatch, "/api/v1/grid/cells/lz-qiaotou", map[string]any{"name": "改名"})
	assert.Equal(t, http.StatusNotFound, res.Code, res)
}

// TestAdminBadBodies: bodies of the administration routes with unknown
// fields, wrong types, bad values and missing fields are refused naming
// the field, and nothing of the grid changes.
func TestAdminBadBodies(t *testing.T) {
	for _, st := range []stores{memStores(), sqliteStores(t)} {
		t.Run(st.name, func(t *testing.T) { adminBadBodies(t, newEnvOn(t, st)) })
	}
}

func adminBadBodies(t *testing.T, e *env) {
	member := func(change func(map[string]any)) map[string]any {
		m := newMember("mayuan-mediator")
		change(m)
		return m
	}
	post := func(role, cell string) []map[string]any { return []map[string]any{{"role": role, "cell": cell}} }
	before := e.gridStored(t)
	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		field              string
	}{
		{"unknown field", "POST", "/api/v1/members", member(func(m map[string]any) { m["login"] = "x" }), 400, "login"},
		{"name a number", "POST", "/api/v1/members", member(func(m map[string]any) { m["name"] = 5 }), 400, "name"},
		{"posts an object", "POST", "/api/v1/members", member(func(m map[string]any) { m["posts"] = map[string]any{} }), 400, "posts"},
		{"bad phone", "POST", "/api/v1/members", member(func(m map[string]any) { m["phone"] = "1390000" }), 400, "phone"},
		{"unknown role", "POST", "/api/v1/members", member(func(m map[string]any) { m["posts"] = post("boss", "mayuan") }), 400, "posts[0].role"},
		{"unknown department", "POST", "/api/v1/members", member(func(m map[string]any) { m["department"] = "army" }), 400, "department"},
		{"no name", "POST", "/api/v1/members", member(func(m map[string]any) { delete(m, "name") }), 400, "name"},
		{"no ID", "POST", "/api/v1/members", member(func(m map[string]any) { delete(m, "id") }), 400, "id"},
		{"login with a space", "POST", "/api/v1/members", member(func(m map[string]any) { m["id"] = "ma yuan" }), 400, "id"},
		{"no posts", "POST", "/api/v1/members", member(func(m map[string]any) { delete(m, "posts") }), 400, "posts"},
		{"a post without a cell", "POST", "/api/v1/members", member(func(m map[string]any) { m["posts"] = post("mediator", "") }), 400, "posts[0].cell"},
		{"a cell that cannot be", "POST", "/api/v1/members", member(func(m map[string]any) { m["posts"] = post("mediator", "马园") }), 400, "posts[0].cell"},
		{"a cell of another township", "POST", "/api/v1/members", member(func(m map[string]any) { m["posts"] = post("mediator", "lz-qiaotou") }), 404, "posts[0].cell"},
		{"a partner without a body", "POST", "/api/v1/members", member(func(m map[string]any) { m["department"] = "partner" }), 400, "body"},
		{"not JSON", "POST", "/api/v1/members", "{", 400, ""},

		{"cell: unknown field", "POST", "/api/v1/grid/cells", map[string]any{"id": "mayuan-4", "parent": "mayuan", "name": "四组", "level": 4}, 400, "level"},
		{"cell: no parent", "POST", "/api/v1/grid/cells", map[string]any{"id": "mayuan-4", "name": "四组"}, 400, "parent"},
		{"cell: no name", "POST", "/api/v1/grid/cells", map[string]any{"id": "mayuan-4", "parent": "mayuan"}, 400, "name"},
		{"cell: bad ID", "POST", "/api/v1/grid/cells", map[string]any{"id": "马园/4", "parent": "mayuan", "name": "四组"}, 400, "id"},
		{"cell: below level 5", "POST", "/api/v1/grid/cells", map[string]any{"id": "x", "parent": "mayuan-1-li", "name": "四组"}, 400, "parent"},
		{"cell: unknown parent", "POST", "/api/v1/grid/cells", map[string]any{"id": "x", "parent": "nowhere", "name": "四组"}, 404, "parent"},
		{"cell: name a number", "PATCH", "/api/v1/grid/cells/mayuan-1", map[string]any{"name": 1}, 400, "name"},
		{"cell: name too long", "PATCH", "/api/v1/grid/cells/mayuan-1", map[string]any{"name": string(make([]rune, 101))}, 400, "name"},
		{"cell: nothing to change", "PATCH", "/api/v1/grid/cells/mayuan-1", map[string]any{}, 400, ""},
		{"cell: takeover a number", "POST", "/api/v1/grid/cells/mayuan-1-li/retire", map[string]any{"takeover": 1}, 400, "takeover"},
		{"cell: the township retired", "POST", "/api/v1/grid/cells/gucheng/retire", nil, 400, "id"},

		{"edit: bad phone", "PATCH", "/api/v1/members/gc-land", map[string]any{"phone": "110"}, 400, "phone"},
		{"edit: unknown department", "PATCH", "/api/v1/members/gc-land", map[string]any{"department": "army"}, 400, "department"},
		{"edit: empty name", "PATCH", "/api/v1/members/gc-land", map[string]any{"name": ""}, 400, "name"},
		{"edit: nothing to change", "PATCH", "/api/v1/members/gc-land", map[string]any{}, 400, ""},
		{"grant: unknown role", "POST", "/api/v1/members/gc-land/posts", map[string]any{"role": "boss", "cell": "mayuan"}, 400, "role"},
		{"grant: no cell", "POST", "/api/v1/members/gc-land/posts", map[string]any{"role": "partner"}, 400, "cell"},
		{"grant: held already", "POST", "/api/v1/members/gc-land/posts", map[string]any{"role": "partner", "cell": "gucheng"}, 409, ""},
		{"revoke: no role", "POST", "/api/v1/members/gc-land/posts/revoke", map[string]any{"cell": "gucheng"}, 400, "role"},
		{"revoke: the last post", "POST", "/api/v1/members/gc-land/posts/revoke", map[string]any{"role": "partner", "cell": "gucheng"}, 400, "post"},
		{"revoke: a post not held", "POST", "/api/v1/members/gc-land/posts/revoke", map[string]any{"role": "mediator", "cell": "gucheng"}, 404, ""},
		{"deactivate: successor a number", "POST", "/api/v1/members/gc-land/deactivate", map[string]any{"successor": 1}, 400, "successor"},
		{"deactivate: unknown field", "POST", "/api/v1/members/gc-land/deactivate", map[string]any{"successr": "gc-governance"}, 400, "successr"},
		{"no such member", "PATCH", "/api/v1/members/nobody", map[string]any{"name": "某"}, 404, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			res := e.as("gc-secretary").do(tc.method, tc.path, tc.body)
			assert.Equal(t, tc.status, res.Code, res)
			assert.Equal(t, tc.field, res.errorField(), res)
		})
	}
	assert.Equal(t, before, e.gridStored(t), "nothing changed")
}

// TestCaseGradingOut: a case says in the API which rules gave it its
// grade and its handling cell, in Chinese, with the grade each demands.
func TestCaseGradingOut(t *testing.T) {
	e := newEnv(t)
	id := e.walkInAt(t, "gc-duty-1", "mayuan-1")
	res := e.as("gc-secretary").get("/api/v1/cases/" + id)
	require.Equal(t, http.StatusOK, res.Code, res)
	var c struct {
		Grade   string
		Grading []struct{ Code, Grade, Text string }
	}
	res.decode(t, &c)
	require.Len(t, c.Grading, 2)
	assert.Equal(t, "category", c.Grading[0].Code)
	assert.Equal(t, c.Grade, c.Grading[0].Grade)
	assert.Contains(t, c.Grading[0].Text, "邻里纠纷")
	assert.Equal(t, "level", c.Grading[1].Code)
	assert.Empty(t, c.Grading[1].Grade, "where it is handled demands no grade")
}
