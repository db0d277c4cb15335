package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRightsOverHTTP checks POST /cases/{id}/rights and the case's rights:
// each giving listed with the party by name, the manner, when and by whom,
// the name masked for those who may not see the parties in full; and the
// timeline naming the parties by place, never by name.
func TestRightsOverHTTP(t *testing.T) {
	e := newEnv(t)
	c := e.seedCase(t, "accepted")
	caseURL := "/api/v1/cases/" + string(c.ID)
	res := e.as("gc-justice").post(caseURL+"/rights", map[string]any{"parties": []string{respondent}, "manner": "oral", "at": "2022-11-01T01:30:00Z"})
	require.Equal(t, http.StatusOK, res.Code, res)
	res = e.as("gc-justice").post(caseURL+"/rights", map[string]any{"parties": []string{applicant, respondent}, "manner": "written"})
	require.Equal(t, http.StatusOK, res.Code, res)

	type given struct{ Party, Manner, At, By string }
	rights := func(who string) []given {
		t.Helper()
		res := e.as(who).get(caseURL)
		require.Equal(t, http.StatusOK, res.Code, res)
		var body struct{ Rights []given }
		res.decode(t, &body)
		return body.Rights
	}
	now := e.clock.Now().UTC().Format("2006-01-02T15:04:05Z")
	assert.Equal(t, []given{
		{Party: respondent, Manner: "oral", At: "2022-11-01T01:30:00Z", By: "gc-justice"},
		{Party: applicant, Manner: "written", At: now, By: "gc-justice"},
		{Party: respondent, Manner: "written", At: now, By: "gc-justice"},
	}, rights("gc-justice"), "in the order recorded, the respondent given it again")

	masked := rights("mayuan-security")
	require.Len(t, masked, 3)
	for _, g := range masked {
		assert.NotContains(t, []string{applicant, respondent}, g.Party, "masked for a grid worker")
	}
	assert.Equal(t, "张**", masked[0].Party)

	res = e.as("gc-justice").get(caseURL + "/timeline")
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Contains(t, string(res.Body), `"action":"rights.given"`)
	assert.NotContains(t, string(res.Body), respondent, "the timeline names parties by place")
}

// TestCloseRefusedForAnIncompleteFile checks that closing a case whose
// file lacks required items is a 409 listing them in error.missing, as
// the file's lacking does, and changes nothing.
func TestCloseRefusedForAnIncompleteFile(t *testing.T) {
	e := newEnv(t)
	c := e.seedCase(t, "failed") // accepted, the respondent's ID card not registered, the notice given to nobody
	caseURL := "/api/v1/cases/" + string(c.ID)
	before := e.snapshot(t)
	res := e.as("gc-justice").post(caseURL+"/close", map[string]any{"note": "已引导诉讼"})
	require.Equal(t, http.StatusConflict, res.Code, res)
	var refusal struct {
		Error struct {
			Code    string
			Message string
			Missing []string
		}
	}
	res.decode(t, &refusal)
	assert.Equal(t, "conflict", refusal.Error.Code)
	assert.Equal(t, []string{"权利义务告知书", "当事人身份证明"}, refusal.Error.Missing)
	assert.Equal(t, before, e.snapshot(t), "nothing stored")

	res = e.as("gc-justice").get(caseURL + "/file")
	require.Equal(t, http.StatusOK, res.Code, res)
	var file struct{ Lacking []string }
	res.decode(t, &file)
	assert.Equal(t, refusal.Error.Missing, file.Lacking)

	res = e.as("gc-justice").post(caseURL+"/rights", map[string]any{"parties": []string{applicant, respondent}, "manner": "written"})
	require.Equal(t, http.StatusOK, res.Code, res)
	res = e.as("gc-justice").post(caseURL+"/close", nil)
	require.Equal(t, http.StatusConflict, res.Code, res)
	res.decode(t, &refusal)
	assert.Equal(t, []string{"当事人身份证明"}, refusal.Error.Missing, "only the ID card is left")
}
