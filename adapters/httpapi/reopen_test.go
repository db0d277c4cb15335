package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFollowUpSatisfactionAndReopen records a follow-up visit with each
// party's satisfaction over the API and reads it back; an unknown degree
// is 400 naming the answer; a case whose visit found everyone satisfied
// and the agreement performed is 409 to reopen, one with a party
// unsatisfied reopens into mediation. /stats/summary counts the answers
// in its satisfaction rate, and the second case of the same applicant in
// its recurrence rate.
func TestFollowUpSatisfactionAndReopen(t *testing.T) {
	e := newEnv(t)
	justice := e.as("gc-justice")
	url := "/api/v1/cases/" + string(e.seedCase(t, "agreed").ID)

	res := justice.post(url+"/follow-ups", map[string]any{"performed": true, "satisfaction": []string{"satisfied", "happy"}, "notes": "回访"})
	require.Equal(t, http.StatusBadRequest, res.Code, res)
	assert.Contains(t, string(res.Body), "satisfaction[1]")

	res = justice.post(url+"/follow-ups", map[string]any{"performed": true, "satisfaction": []string{"satisfied", "fairly_satisfied"}, "notes": "院墙已后退。"})
	require.Equal(t, http.StatusOK, res.Code, res)
	visits := res.object(t)["follow_ups"].([]any)
	require.Len(t, visits, 1)
	assert.Equal(t, []any{"satisfied", "fairly_satisfied"}, visits[0].(map[string]any)["satisfaction"])
	assert.Equal(t, http.StatusConflict, justice.post(url+"/reopen", map[string]any{"reason": "再调"}).Code, "nothing to reopen for")

	e.clock.Advance(time.Hour) // the same applicant comes again
	url = "/api/v1/cases/" + string(e.seedCase(t, "reopenable").ID)
	res = justice.post(url+"/reopen", map[string]any{"reason": "被申请人认为院墙仍占地"})
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Equal(t, "mediating", res.object(t)["state"])
	res = justice.get(url + "/timeline")
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Contains(t, string(res.Body), `"reopened"`)
	assert.Contains(t, string(res.Body), "被申请人认为院墙仍占地")

	var summary struct {
		Current struct {
			Satisfaction, Recurrence struct{ Num, Den int64 }
		}
	}
	res = e.as("gc-secretary").get("/api/v1/stats/summary?cell=gucheng&period=month")
	require.Equal(t, http.StatusOK, res.Code, res)
	res.decode(t, &summary)
	assert.Equal(t, struct{ Num, Den int64 }{3, 4}, summary.Current.Satisfaction, "满意, 基本满意; then 满意, 不满意")
	assert.Equal(t, struct{ Num, Den int64 }{1, 2}, summary.Current.Recurrence, "the second case's applicant had the first")
}
