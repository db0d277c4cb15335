package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// memberIDs returns the IDs of the members a listing holds, and each one's
// phone and whether they are active.
func memberIDs(t *testing.T, res *response) ([]string, map[string]string, map[string]bool) {
	t.Helper()
	require.Equal(t, http.StatusOK, res.Code, res)
	var list struct {
		Members []struct {
			ID, Phone string
			Active    bool
		}
	}
	res.decode(t, &list)
	var ids []string
	phones, active := map[string]string{}, map[string]bool{}
	for _, m := range list.Members {
		ids = append(ids, m.ID)
		phones[m.ID], active[m.ID] = m.Phone, m.Active
	}
	return ids, phones, active
}

// TestListMembers: the township's members, active and inactive, by ID,
// filtered by cell and by a prefix of the name or the login; phones whole
// for the head, masked for the admin post; nobody of another township.
func TestListMembers(t *testing.T) {
	e := newEnv(t)
	res := e.as("gc-admin").post("/api/v1/members/gc-land/deactivate", nil)
	require.Equal(t, http.StatusOK, res.Code, res)

	ids, phones, active := memberIDs(t, e.as("gc-secretary").get("/api/v1/members"))
	var want []string
	for _, m := range e.demo.Members {
		if m.Township == "gucheng" {
			want = append(want, string(m.ID))
		}
	}
	assert.ElementsMatch(t, want, ids)
	assert.IsIncreasing(t, ids, "by ID")
	assert.Equal(t, "13800000001", phones["gc-secretary"])
	assert.False(t, active["gc-land"], "who left stays listed")
	assert.True(t, active["gc-justice"])

	_, phones, _ = memberIDs(t, e.as("gc-admin").get("/api/v1/members"))
	assert.Equal(t, "13800000001", phones["gc-secretary"], "the admin post keeps the staff, and reaches them")
	assert.Equal(t, http.StatusForbidden, e.as("gc-duty-1").get("/api/v1/members").Code, "who keeps no staff lists none")

	ids, _, _ = memberIDs(t, e.as("gc-secretary").get("/api/v1/members?cell=mayuan"))
	assert.Equal(t, []string{"mayuan-aux", "mayuan-head", "mayuan-police", "mayuan-residents", "mayuan-security"}, ids)
	ids, _, _ = memberIDs(t, e.as("gc-secretary").get("/api/v1/members?q="+"%E9%A9%AC%E5%9B%AD%E4%B8%80")) // 马园一
	assert.Equal(t, []string{"mayuan-1-head"}, ids, "by a prefix of the name")
	ids, _, _ = memberIDs(t, e.as("gc-secretary").get("/api/v1/members?q=GC-D"))
	assert.Equal(t, []string{"gc-duty-1", "gc-duty-2"}, ids, "by a prefix of the login, in any case")
	ids, _, _ = memberIDs(t, e.as("gc-secretary").get("/api/v1/members?cell=mayuan&q=mayuan-p"))
	assert.Equal(t, []string{"mayuan-police"}, ids)
	ids, _, _ = memberIDs(t, e.as("lz-secretary").get("/api/v1/members"))
	assert.Equal(t, []string{"lz-qiaotou-police", "lz-secretary"}, ids)

	for query, status := range map[string]int{"cell=lz-qiaotou": http.StatusNotFound, "cell=nowhere": http.StatusNotFound, "cell=%E9%A9%AC": http.StatusBadRequest, "x=1": http.StatusBadRequest, "q=a&q=b": http.StatusBadRequest} {
		res := e.as("gc-secretary").get("/api/v1/members?" + query)
		assert.Equal(t, status, res.Code, "%s: %s", query, res)
	}
}

// TestEditMember: an edit changes the particulars given and keeps the
// others and the posts.
func TestEditMember(t *testing.T) {
	e := newEnv(t)
	before := e.demo.Member("gc-land")
	res := e.as("gc-secretary").do(http.MethodPatch, "/api/v1/members/gc-land", map[string]any{"phone": "13711112222", "body": "自然资源所"})
	require.Equal(t, http.StatusOK, res.Code, res)
	got := res.object(t)
	assert.Equal(t, before.Name, got["name"])
	assert.Equal(t, "13711112222", got["phone"])
	assert.Equal(t, "自然资源所", got["body"])
	assert.Equal(t, "partner", got["department"])
	assert.Len(t, got["posts"], 1)

	res = e.as("gc-secretary").do(http.MethodPatch, "/api/v1/members/gc-land", map[string]any{"department": "grid", "body": ""})
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.NotContains(t, res.object(t), "body", "a body cleared")

	res = e.as("gc-admin").get("/api/v1/grid/log?after=0&limit=500")
	require.Equal(t, http.StatusOK, res.Code, res)
	var log struct{ Events []eventOut }
	res.decode(t, &log)
	last := log.Events[len(log.Events)-1]
	assert.Equal(t, "member_edited", last.Action)
	assert.Equal(t, "gc-secretary", last.Actor)
	assert.Contains(t, last.Details["before"], "自然资源所")
}

// eventOut is an event of a log as the API writes it.
type eventOut struct {
	Seq               int64
	At, Actor, Action string
	Details           map[string]string
	Prev, Hash        string
}

// TestGridLogPages: the administration log read a page at a time holds
// every event once, in order, each continuing the chain of the one before.
func TestGridLogPages(t *testing.T) {
	e := newEnv(t)
	for i := range 7 {
		res := e.as("gc-admin").post("/api/v1/grid/cells", map[string]any{"id": fmt.Sprintf("mayuan-%d", 4+i), "parent": "mayuan", "name": fmt.Sprintf("马园%d组", 4+i)})
		require.Equal(t, http.StatusCreated, res.Code, res)
	}
	head := e.grid.Directory().Head("gucheng")
	var all []eventOut
	after := int64(0)
	for pages := 0; ; pages++ {
		require.Less(t, pages, 100)
		res := e.as("gc-secretary").get(fmt.Sprintf("/api/v1/grid/log?after=%d&limit=9", after))
		require.Equal(t, http.StatusOK, res.Code, res)
		var page struct {
			Township string
			Events   []eventOut
			Next     int64
		}
		res.decode(t, &page)
		assert.Equal(t, "gucheng", page.Township)
		all = append(all, page.Events...)
		if page.Next == 0 {
			assert.LessOrEqual(t, len(page.Events), 9)
			break
		}
		assert.Len(t, page.Events, 9)
		assert.Equal(t, page.Events[8].Seq, page.Next)
		after = page.Next
	}
	require.Len(t, all, int(head.Len))
	prev := ""
	for i, ev := range all {
		assert.Equal(t, int64(i+1), ev.Seq)
		if i > 0 {
			assert.Equal(t, prev, ev.Prev, "event %d continues the chain", ev.Seq)
		}
		prev = ev.Hash
	}
	assert.Equal(t, head.Head.String(), prev, "and ends where the township's log ends")
	assert.Equal(t, "township_founded", all[0].Action)
	assert.Equal(t, "cell_added", all[len(all)-1].Action)
	assert.Equal(t, "gc-admin", all[len(all)-1].Actor)

	res := e.as("gc-secretary").get("/api/v1/grid/log")
	var first struct{ Events []eventOut }
	res.decode(t, &first)
	assert.Len(t, first.Events, min(100, len(all)), "100 at a time by default")
	for query, field := range map[string]string{"limit=0": "limit", "limit=501": "limit", "after=-1": "after", "after=x": "after", "before=3": "before"} {
		res := e.as("gc-secretary").get("/api/v1/grid/log?" + query)
		assert.Equal(t, http.StatusBadRequest, res.Code, "%s: %s", query, res)
		assert.Equal(t, field, res.errorField(), query)
	}
}
