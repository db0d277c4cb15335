package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// agreementOf returns the answer of GET /cases/{id}/agreement to who,
// with the query ("" or "?…") and the headers given.
func (e *env) agreementOf(who, id, query string, headers ...string) *response {
	return e.as(who).get("/api/v1/cases/"+id+"/agreement"+query, headers...)
}

// TestWrittenAgreementOverHTTP follows a written agreement's life: the
// draft prints with blank lines and no marks; the marks, the respondent's
// by his agent, are recorded and the agreement is in effect; a copy
// printed then shows them.
func TestWrittenAgreementOverHTTP(t *testing.T) {
	e := newEnv(t)
	c := e.seedCase(t, "mediating")
	id := string(c.ID)
	res := e.agreementOf("gc-justice", id, "")
	assert.Equal(t, http.StatusNotFound, res.Code, "no draft, no agreement: %s", res)

	res = e.as("gc-justice").post("/api/v1/cases/"+id+"/agreement/draft", draftBody(), "If-Match", fmt.Sprintf("%q", fmt.Sprint(c.Version)))
	require.Equal(t, http.StatusOK, res.Code, res)
	var body struct {
		Number string `json:"number"`
		Draft  struct {
			State, Number, MediatorPost string
			Revision                    int
		} `json:"draft"`
		Agreement any `json:"agreement"`
	}
	res.decode(t, &body)
	assert.Equal(t, "draft", body.Draft.State)
	assert.Equal(t, 1, body.Draft.Revision)
	assert.Equal(t, body.Number, body.Draft.Number, "numbered as the case is, not as typed")
	assert.Nil(t, body.Agreement, "nothing in effect yet")

	res = e.agreementOf("gc-justice", id, "")
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Equal(t, "text/html; charset=utf-8", res.Header.Get("Content-Type"), "the printable page by default")
	page := string(res.Body)
	assert.Contains(t, page, "人民调解协议书")
	assert.Contains(t, page, body.Number)
	assert.Contains(t, page, "<td>"+applicant+"</td><td><span class=\"blank\"></span></td>", "a blank line to sign on")
	assert.NotContains(t, page, "按指印</td>", "no marks on a draft")

	res = e.as("gc-justice").post("/api/v1/cases/"+id+"/agreement/signing", signingBody(), "If-Match", res.Header.Get("ETag"))
	require.Equal(t, http.StatusOK, res.Code, res)
	var signed struct {
		State     string `json:"state"`
		Draft     any    `json:"draft"`
		Agreement struct {
			State      string `json:"state"`
			Revision   int    `json:"revision"`
			SealedAt   string `json:"sealed_at"`
			Signatures []struct{ Party, Agent, Mark string }
		} `json:"agreement"`
	}
	res.decode(t, &signed)
	assert.Equal(t, "agreed", signed.State)
	assert.Nil(t, signed.Draft)
	assert.Equal(t, "in_effect", signed.Agreement.State)
	assert.Equal(t, 1, signed.Agreement.Revision)
	assert.Equal(t, "2022-11-01T01:00:00Z", signed.Agreement.SealedAt)
	require.Len(t, signed.Agreement.Signatures, 2)
	assert.Equal(t, agent, signed.Agreement.Signatures[1].Agent, "the respondent's son signed for him")

	res = e.agreementOf("gc-justice", id, "")
	require.Equal(t, http.StatusOK, res.Code, res)
	page = string(res.Body)
	assert.Contains(t, page, "<td>"+applicant+"</td><td>按指印</td>", "a copy printed now shows the marks")
	assert.Contains(t, page, agent, "and who signed for the respondent")
	assert.NotContains(t, page, "<td>"+applicant+"</td><td><span class=\"blank\"></span></td>")

	for _, ask := range [][]string{{"?format=text"}, {"", "Accept", "text/plain"}, {"", "Accept", "text/plain, text/html;q=0.5"}} {
		res = e.agreementOf("gc-justice", id, ask[0], ask[1:]...)
		require.Equal(t, http.StatusOK, res.Code, res)
		assert.Equal(t, "text/plain; charset=utf-8", res.Header.Get("Content-Type"), ask)
		assert.Contains(t, string(res.Body), "人民调解协议书")
		assert.NotContains(t, string(res.Body), "<td>")
	}
	res = e.agreementOf("gc-justice", id, "", "Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	assert.Equal(t, "text/html; charset=utf-8", res.Header.Get("Content-Type"), "a browser gets the page")
	res = e.agreementOf("gc-justice", id, "?format=pdf")
	assert.Equal(t, http.StatusBadRequest, res.Code)
	assert.Equal(t, "format", res.errorField())
}

// TestAgreementRefusalsOverHTTP checks that what the agreement's rules
// refuse is named: each missing particular, the stale revision, the
// agent without authority, the revision of one in effect.
func TestAgreementRefusalsOverHTTP(t *testing.T) {
	e := newEnv(t)

	c := e.seedCase(t, "mediating")
	bare := map[string]any{"reason": "核对", "respondents": []any{map[string]any{"name": respondent}}}
	res := e.as("gc-justice").post("/api/v1/cases/"+string(c.ID)+"/corrections", bare)
	require.Equal(t, http.StatusOK, res.Code, "the respondent's particulars are optional at intake: %s", res)
	res = e.as("gc-justice").post("/api/v1/cases/"+string(c.ID)+"/agreement/draft", draftBody())
	assert.Equal(t, http.StatusBadRequest, res.Code)
	assert.ElementsMatch(t, []string{
		"respondents[0].sex", "respondents[0].ethnicity", "respondents[0].age", "respondents[0].occupation",
		"respondents[0].address", "respondents[0].phone",
	}, res.errorFields(t), "every particular the agreement states, named at once: %s", res)

	c = e.seedCase(t, "drafted")
	sg := signingBody()
	sg["revision"] = 2
	res = e.as("gc-justice").post("/api/v1/cases/"+string(c.ID)+"/agreement/signing", sg)
	assert.Equal(t, http.StatusConflict, res.Code, "no such revision: %s", res)
	sg = signingBody()
	sg["marks"].([]any)[0].(map[string]any)["agent"] = "路人某"
	sg["marks"].([]any)[1].(map[string]any)["mark"] = "stamped"
	res = e.as("gc-justice").post("/api/v1/cases/"+string(c.ID)+"/agreement/signing", sg)
	assert.Equal(t, http.StatusBadRequest, res.Code)
	assert.Equal(t, []string{"signing.marks[1].mark"}, res.errorFields(t), "an unknown mark is named: %s", res)
	sg["marks"].([]any)[1].(map[string]any)["mark"] = "signed"
	res = e.as("gc-justice").post("/api/v1/cases/"+string(c.ID)+"/agreement/signing", sg)
	assert.Equal(t, []string{"signing.marks[0].agent"}, res.errorFields(t), "only an agent with special authority signs: %s", res)

	c = e.seedCase(t, "agreed")
	res = e.as("gc-justice").post("/api/v1/cases/"+string(c.ID)+"/agreement/draft", draftBody())
	assert.Equal(t, http.StatusConflict, res.Code, "an agreement in effect is superseded, not revised: %s", res)
	res = e.as("gc-justice").post("/api/v1/cases/"+string(c.ID)+"/agreement/supersede", map[string]any{"reason": "改约", "draft": draftBody()})
	require.Equal(t, http.StatusOK, res.Code, res)
	var superseding struct {
		Draft struct {
			Supersedes      int    `json:"supersedes"`
			SupersedeReason string `json:"supersede_reason"`
		} `json:"draft"`
	}
	res.decode(t, &superseding)
	assert.Equal(t, 1, superseding.Draft.Supersedes)
	assert.Equal(t, "改约", superseding.Draft.SupersedeReason)

	res = e.as("gc-justice").post("/api/v1/cases/"+string(c.ID)+"/corrections", map[string]any{
		"reason": "核对", "applicants": []any{map[string]any{"name": applicant, "phone": "13900001111", "ethnicity": "火星族", "sex": "other",
			"agents": []any{map[string]any{"name": "某", "kind": "friend", "authority": "total", "authorised_on": "2022-10-31"}}}},
	})
	assert.Equal(t, http.StatusBadRequest, res.Code)
	assert.ElementsMatch(t, []string{
		"applicants[0].sex", "applicants[0].ethnicity", "applicants[0].agents[0].kind", "applicants[0].agents[0].authority",
	}, res.errorFields(t), "every enumeration that does not read, at once: %s", res)
}

// TestCorrectionsOverHTTP checks that a correction is answered with the
// case as corrected, and that its timeline event shows each field before
// and after, masked for a reader who may not see personal data.
func TestCorrectionsOverHTTP(t *testing.T) {
	e := newEnv(t)
	c := e.seedCase(t, "accepted")
	res := e.as("gc-justice").post("/api/v1/cases/"+string(c.ID)+"/corrections", correctionBody())
	require.Equal(t, http.StatusOK, res.Code, res)
	var corrected struct {
		Respondents []struct {
			Phone, Ethnicity string
			Agents           []struct {
				AuthorisedOn string `json:"authorised_on"`
			}
		} `json:"respondents"`
	}
	res.decode(t, &corrected)
	require.Len(t, corrected.Respondents, 1)
	assert.Equal(t, "13900002223", corrected.Respondents[0].Phone)
	assert.Equal(t, "汉族", corrected.Respondents[0].Ethnicity, "汉 reads as 汉族")
	require.Len(t, corrected.Respondents[0].Agents, 1)
	assert.Equal(t, "2022-10-31", corrected.Respondents[0].Agents[0].AuthorisedOn)

	details := func(who string) map[string]string {
		t.Helper()
		res := e.as(who).get("/api/v1/cases/" + string(c.ID) + "/timeline")
		require.Equal(t, http.StatusOK, res.Code, res)
		var tl struct {
			Events []struct {
				Action  string            `json:"action"`
				Details map[string]string `json:"details"`
			} `json:"events"`
		}
		res.decode(t, &tl)
		for _, ev := range tl.Events {
			if ev.Action == "corrected" {
				return ev.Details
			}
		}
		t.Fatalf("no correction on the timeline")
		return nil
	}
	full := details("gc-justice")
	assert.Equal(t, "13900002222", full["respondents[0].phone.before"])
	assert.Equal(t, "13900002223", full["respondents[0].phone.after"])
	assert.Equal(t, "当事人提供身份证件后核对更正", full["reason"])
	masked := details("gc-land")
	assert.Equal(t, "139****2222", masked["respondents[0].phone.before"], "the partner sees the phone masked")
	assert.Equal(t, "139****2223", masked["respondents[0].phone.after"])
	assert.Equal(t, full["respondents[0].occupation.after"], masked["respondents[0].occupation.after"], "what is not personal data shows as it is")
	for k, v := range masked {
		assert.False(t, strings.Contains(v, "13900002223") || strings.Contains(v, "110105197001010011"), "%s leaks %q", k, v)
	}
}
