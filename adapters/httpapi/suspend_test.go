package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSuspendResume suspends an accepted case over the API and resumes
// it: each step applies to the version If-Match names, a stale one is
// 412, the case reads suspended and not overdue meanwhile, and on resume
// resolve_due moves by exactly the time it stood still.
func TestSuspendResume(t *testing.T) {
	e := newEnv(t)
	c := e.seedCase(t, "accepted")
	url := "/api/v1/cases/" + string(c.ID)
	justice := e.as("gc-justice")
	etag := justice.get(url).Header.Get("ETag")

	res := justice.post(url+"/suspend", map[string]any{"reason": "被申请人住院治疗"}, "If-Match", etag)
	require.Equal(t, http.StatusOK, res.Code, res)
	got := res.object(t)
	assert.Equal(t, true, got["suspended"])
	pauses := got["pauses"].([]any)
	require.Len(t, pauses, 1)
	assert.Equal(t, "被申请人住院治疗", pauses[0].(map[string]any)["reason"])
	assert.Nil(t, pauses[0].(map[string]any)["to"])

	assert.Equal(t, http.StatusPreconditionFailed, justice.post(url+"/resume", nil, "If-Match", etag).Code, "a stale If-Match")
	res = justice.post(url+"/suspend", map[string]any{"reason": "再次中止"})
	assert.Equal(t, http.StatusConflict, res.Code, res)

	e.clock.Advance(30 * 24 * time.Hour) // well past the week to resolve
	read := justice.get(url)
	assert.Equal(t, false, read.object(t)["overdue"], "a suspended case is not overdue")
	res = justice.post(url+"/resume", nil, "If-Match", read.Header.Get("ETag"))
	require.Equal(t, http.StatusOK, res.Code, res)
	got = res.object(t)
	assert.Equal(t, false, got["suspended"])
	due, err := time.Parse(time.RFC3339Nano, got["resolve_due"].(string))
	require.NoError(t, err)
	assert.Equal(t, 30*24*time.Hour, due.Sub(c.ResolveDue), "resolve_due moves by the time paused")
	assert.Equal(t, false, got["overdue"])

	assert.Equal(t, http.StatusConflict, justice.post(url+"/resume", nil).Code, "a case not suspended")
	assert.Equal(t, http.StatusConflict, justice.post("/api/v1/cases/"+string(e.seedCase(t, "registered").ID)+"/suspend", map[string]any{"reason": "等待"}).Code)
}
