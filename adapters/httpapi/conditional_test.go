package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIdempotentRegistration checks Idempotency-Key on POST /cases: the
// same key and body replay the same response, another body under the key
// is a conflict, and keys are scoped to the actor.
func TestIdempotentRegistration(t *testing.T) {
	e := newEnv(t)
	duty := e.as("gc-duty-1")
	first := duty.post("/api/v1/cases", walkIn(), "Idempotency-Key", "visit-2022-11-01-001")
	require.Equal(t, http.StatusCreated, first.Code, first)
	before := e.snapshot(t)

	again := duty.post("/api/v1/cases", walkIn(), "Idempotency-Key", "visit-2022-11-01-001")
	require.Equal(t, http.StatusCreated, again.Code, again)
	assert.Equal(t, string(first.Body), string(again.Body), "the same response, replayed")
	assert.Equal(t, first.Header.Get("ETag"), again.Header.Get("ETag"))
	assert.Equal(t, first.Header.Get("Location"), again.Header.Get("Location"))
	assert.Equal(t, before, e.snapshot(t), "nothing new stored")

	other := walkIn()
	other["facts"] = "另一件事。"
	res := duty.post("/api/v1/cases", other, "Idempotency-Key", "visit-2022-11-01-001")
	assert.Equal(t, http.StatusConflict, res.Code, res)
	assert.Equal(t, "conflict", res.errorCode())
	assert.Equal(t, before, e.snapshot(t))

	res = e.as("gc-duty-2").post("/api/v1/cases", walkIn(), "Idempotency-Key", "visit-2022-11-01-001")
	require.Equal(t, http.StatusCreated, res.Code, "another actor's key is another key: %s", res)
	assert.NotEqual(t, first.object(t)["id"], res.object(t)["id"])

	res = duty.post("/api/v1/cases", walkIn())
	require.Equal(t, http.StatusCreated, res.Code)
	assert.NotEqual(t, first.object(t)["id"], res.object(t)["id"], "without a key, a second case")
}

// TestIdempotentApplication checks Idempotency-Key on a resident's online
// application.
func TestIdempotentApplication(t *testing.T) {
	e := newEnv(t)
	r := e.asResident("r-1")
	first := r.post("/api/v1/applications", application(), "Idempotency-Key", "app-1")
	require.Equal(t, http.StatusCreated, first.Code, first)
	again := r.post("/api/v1/applications", application(), "Idempotency-Key", "app-1")
	require.Equal(t, http.StatusCreated, again.Code, again)
	assert.Equal(t, string(first.Body), string(again.Body))
	other := application()
	other["facts"] = "另一件事。"
	assert.Equal(t, http.StatusConflict, r.post("/api/v1/applications", other, "Idempotency-Key", "app-1").Code)
	res := e.asResident("r-2").post("/api/v1/applications", application(), "Idempotency-Key", "app-1")
	require.Equal(t, http.StatusCreated, res.Code)
	assert.NotEqual(t, first.object(t)["id"], res.object(t)["id"], "scoped to the resident")
}

// TestIdempotentHazardReport checks Idempotency-Key on POST /hazards.
func TestIdempotentHazardReport(t *testing.T) {
	e := newEnv(t)
	first := e.as("mayuan-head").post("/api/v1/hazards", hazardReport(), "Idempotency-Key", "h-1")
	require.Equal(t, http.StatusCreated, first.Code, first)
	again := e.as("mayuan-head").post("/api/v1/hazards", hazardReport(), "Idempotency-Key", "h-1")
	assert.Equal(t, string(first.Body), string(again.Body))
	other := hazardReport()
	other["description"] = "别的隐患。"
	assert.Equal(t, http.StatusConflict, e.as("mayuan-head").post("/api/v1/hazards", other, "Idempotency-Key", "h-1").Code)
}

// TestETagAndIfMatch checks that case responses carry the version as a
// quoted ETag, that an action with the current If-Match applies, that a
// stale one is 412 and changes nothing, that a state conflict under a
// current If-Match stays 409, and that without If-Match an action applies
// to whatever is current.
func TestETagAndIfMatch(t *testing.T) {
	e := newEnv(t)
	c := e.seedCase(t, "registered")
	url := "/api/v1/cases/" + string(c.ID)
	justice := e.as("gc-justice")

	res := justice.get(url)
	require.Equal(t, http.StatusOK, res.Code)
	assert.Equal(t, `"1"`, res.Header.Get("ETag"))

	res = justice.post(url+"/accept", nil, "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Equal(t, `"2"`, res.Header.Get("ETag"))
	assert.EqualValues(t, 2, res.object(t)["version"])

	before := e.snapshot(t)
	res = justice.post(url+"/escalate", map[string]any{"reason": "分歧大"}, "If-Match", `"1"`)
	assert.Equal(t, http.StatusPreconditionFailed, res.Code, res)
	assert.Equal(t, "precondition_failed", res.errorCode())
	assert.Equal(t, before, e.snapshot(t), "a stale version changes nothing")

	res = justice.post(url+"/accept", nil, "If-Match", `"2"`)
	assert.Equal(t, http.StatusConflict, res.Code, "current version, but an accepted case cannot be accepted: %s", res)

	res = justice.post(url+"/escalate", map[string]any{"reason": "分歧大"}, "If-Match", "*")
	require.Equal(t, http.StatusOK, res.Code, "* matches any version: %s", res)
	res = justice.post(url+"/return", map[string]any{"instructions": "继续调解"})
	require.Equal(t, http.StatusOK, res.Code, "without If-Match, the current version: %s", res)
	assert.Equal(t, `"4"`, res.Header.Get("ETag"))

	res = e.as("wuguiqiao-head").post(url+"/fail", map[string]any{"reason": "r", "route": "police"}, "If-Match", `"1"`)
	assert.Equal(t, http.StatusNotFound, res.Code, "a stale version does not reveal a case the actor may not see: %s", res)
	res = e.as("lz-secretary").post(url+"/fail", map[string]any{"reason": "r", "route": "police"}, "If-Match", `"4"`)
	assert.Equal(t, http.StatusNotFound, res.Code)
}

// TestHazardIfMatch checks If-Match on a hazard action.
func TestHazardIfMatch(t *testing.T) {
	e := newEnv(t)
	h := e.seedHazard(t, "open")
	url := "/api/v1/hazards/" + string(h.ID)
	res := e.as("mayuan-head").get(url)
	require.Equal(t, `"1"`, res.Header.Get("ETag"))
	res = e.as("mayuan-head").post(url+"/rectify", map[string]any{"evidence": "已处理"}, "If-Match", `"7"`)
	assert.Equal(t, http.StatusPreconditionFailed, res.Code, res)
	res = e.as("mayuan-head").post(url+"/rectify", map[string]any{"evidence": "已处理"}, "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Equal(t, `"2"`, res.Header.Get("ETag"))
	res = e.as("gc-east-head").post(url+"/verify", map[string]any{"passed": false, "notes": "电线仍外露"}, "If-Match", `"2"`)
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Equal(t, "open", res.object(t)["state"], "a failed verification reopens it")
	lead := e.seedHazard(t, "lead")
	res = e.as("mayuan-head").post("/api/v1/hazards/"+string(lead.ID)+"/convert", conversion(), "If-Match", `"9"`)
	assert.Equal(t, http.StatusPreconditionFailed, res.Code, res)
	res = e.as("mayuan-head").post("/api/v1/hazards/"+string(lead.ID)+"/convert", conversion(), "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, res.Code, res)
	out := res.object(t)
	assert.Equal(t, "converted", out["hazard"].(map[string]any)["state"])
	assert.True(t, strings.HasPrefix(out["case"].(map[string]any)["id"].(string), "C"))
}

// TestHazardReopen: reopening a rectified hazard sends it back to
// rectification, as a failed verification does, and only a rectified
// hazard can be reopened.
func TestHazardReopen(t *testing.T) {
	e := newEnv(t)
	h := e.seedHazard(t, "rectified")
	url := "/api/v1/hazards/" + string(h.ID)
	res := e.as("gc-east-head").post(url+"/reopen", map[string]any{"notes": "电线仍外露"})
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Equal(t, "open", res.object(t)["state"])
	res = e.as("gc-east-head").post(url+"/reopen", map[string]any{"notes": "again"})
	assert.Equal(t, http.StatusConflict, res.Code, "an open hazard is not reopened: %s", res)
}

// TestReview: the review of an online application accepts or rejects it;
// any other decision is refused, naming the field, and changes nothing.
func TestReview(t *testing.T) {
	e := newEnv(t)
	justice := e.as("gc-justice")
	c := e.seedCase(t, "registered")
	url := "/api/v1/cases/" + string(c.ID) + "/review"
	res := justice.post(url, map[string]any{"decision": "maybe"})
	require.Equal(t, http.StatusBadRequest, res.Code, res)
	assert.Equal(t, "decision", res.object(t)["error"].(map[string]any)["field"])
	res = justice.post(url, map[string]any{"decision": "accept"})
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Equal(t, "accepted", res.object(t)["state"])
	other := e.seedCase(t, "registered")
	res = justice.post("/api/v1/cases/"+string(other.ID)+"/review", map[string]any{"decision": "reject", "reason": "已起诉", "advice": "等待法院判决"})
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Equal(t, "rejected", res.object(t)["state"])
}
