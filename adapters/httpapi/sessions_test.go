package httpapi_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// plannedCase is the JSON of a case's planned sessions.
type plannedCase struct {
	Planned []struct {
		UID       string `json:"uid"`
		Sequence  int    `json:"sequence"`
		Cancelled bool   `json:"cancelled"`
	} `json:"planned_sessions"`
}

// calendarOf fetches the calendar of case id as actor and parses it back.
func calendarOf(t *testing.T, e *env, actor, id, query string) (*ics.Calendar, string) {
	t.Helper()
	res := e.as(actor).get("/api/v1/cases/" + id + "/sessions.ics" + query)
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Equal(t, "text/calendar; charset=utf-8", res.Header.Get("Content-Type"))
	assert.Equal(t, "no-store", res.Header.Get("Cache-Control"), "it holds personal data")
	cal, err := ics.ParseCalendar(bytes.NewReader(res.Body))
	require.NoError(t, err)
	return cal, string(res.Body)
}

// method returns cal's METHOD.
func method(cal *ics.Calendar) string {
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == string(ics.PropertyMethod) {
			return p.Value
		}
	}
	return ""
}

func TestPlannedSessionsInCalendars(t *testing.T) {
	e := newEnv(t)
	c := e.seedCase(t, "planned")
	id := string(c.ID)
	start := e.clock.Now().Add(48 * time.Hour).UTC()

	// Plan a second session, inviting 高敬 and both parties.
	res := e.as("gc-justice").post("/api/v1/cases/"+id+"/sessions/planned", map[string]any{
		"start": start.Format(time.RFC3339), "minutes": 90, "place": "station", "place_note": "古城司法所", "team": []int{0}, "parties": []int{0, 1},
	}, "If-Match", fmt.Sprintf(`"%d"`, c.Version))
	require.Equal(t, http.StatusOK, res.Code, res)
	var got plannedCase
	res.decode(t, &got)
	require.Len(t, got.Planned, 2)
	uid := got.Planned[1].UID

	cal, _ := calendarOf(t, e, "gc-justice", id, "")
	assert.Equal(t, "REQUEST", method(cal))
	require.Len(t, cal.Events(), 2)
	ev := cal.Events()[1]
	assert.Equal(t, uid, ev.Id())
	at, err := ev.GetStartAt()
	require.NoError(t, err)
	assert.Equal(t, start, at)
	end, err := ev.GetEndAt()
	require.NoError(t, err)
	assert.Equal(t, start.Add(90*time.Minute), end)
	stamp, err := ev.GetDtStampTime()
	require.NoError(t, err)
	assert.Equal(t, e.clock.Now().UTC().Truncate(time.Second), stamp)
	assert.Equal(t, "派出所·司法所 古城司法所", ev.GetProperty(ics.ComponentPropertyLocation).Value)
	assert.Equal(t, "0", ev.GetProperty(ics.ComponentPropertySequence).Value)
	attendees := ev.Attendees()
	require.Len(t, attendees, 3)
	assert.Equal(t, []string{"高敬"}, attendees[0].ICalParameters["CN"])
	assert.Equal(t, []string{applicant}, attendees[1].ICalParameters["CN"])
	assert.Equal(t, "tel:+8613900001111", attendees[1].Value)

	// Masked as the case JSON masks the parties.
	masked := e.as("gc-land").get("/api/v1/cases/" + id).object(t)
	name := masked["applicants"].([]any)[0].(map[string]any)["name"].(string)
	cal, text := calendarOf(t, e, "gc-land", id, "?session="+url.QueryEscape(uid))
	attendees = cal.Events()[0].Attendees()
	require.Len(t, attendees, 3)
	assert.Equal(t, []string{name}, attendees[1].ICalParameters["CN"])
	assert.NotContains(t, text, applicant)
	assert.NotContains(t, text, "13900001111")

	// Re-planned, then cancelled: the sequence rises each time, and the
	// session's own invitation becomes a cancellation.
	res = e.as("gc-justice").post("/api/v1/cases/"+id+"/sessions/planned", map[string]any{
		"uid": uid, "start": start.Add(time.Hour).Format(time.RFC3339), "minutes": 60, "place": "station", "parties": []int{0},
	})
	require.Equal(t, http.StatusOK, res.Code, res)
	path := "/api/v1/cases/" + id + "/sessions/planned/" + url.PathEscape(uid) + "/cancel"
	res = e.as("gc-justice").post(path, map[string]any{"reason": "被申请人外出"})
	require.Equal(t, http.StatusOK, res.Code, res)
	cal, _ = calendarOf(t, e, "gc-justice", id, "?session="+url.QueryEscape(uid))
	assert.Equal(t, "CANCEL", method(cal))
	assert.Equal(t, "2", cal.Events()[0].GetProperty(ics.ComponentPropertySequence).Value)
	assert.Equal(t, "CANCELLED", cal.Events()[0].GetProperty(ics.ComponentPropertyStatus).Value)
	cal, _ = calendarOf(t, e, "gc-justice", id, "")
	assert.Len(t, cal.Events(), 1, "the whole list leaves the cancelled one out")

	// The refusals.
	for _, tc := range []struct {
		name, target string
		body         any
		code         int
		field        string
	}{
		{"cancelled twice", path, map[string]any{"reason": "再取消"}, http.StatusConflict, ""},
		{"no such session", "/api/v1/cases/" + id + "/sessions/planned/nothing/cancel", map[string]any{"reason": "取消"}, http.StatusNotFound, "uid"},
		{"no reason", path, map[string]any{}, http.StatusBadRequest, "reason"},
		{"in the past", "/api/v1/cases/" + id + "/sessions/planned", map[string]any{"start": "2022-10-01T01:00:00Z", "minutes": 60, "place": "home", "parties": []int{0}}, http.StatusBadRequest, "start"},
		{"unknown place", "/api/v1/cases/" + id + "/sessions/planned", map[string]any{"start": start.Format(time.RFC3339), "minutes": 60, "place": "moon", "parties": []int{0}}, http.StatusBadRequest, "place"},
		{"a stranger to the case", "/api/v1/cases/" + id + "/sessions/planned", map[string]any{"start": start.Format(time.RFC3339), "minutes": 60, "place": "home", "parties": []int{5}}, http.StatusBadRequest, "parties[0]"},
		{"an unknown member", "/api/v1/cases/" + id + "/sessions/planned", map[string]any{"start": start.Format(time.RFC3339), "minutes": 60, "place": "home", "parties": []int{0}, "when": "soon"}, http.StatusBadRequest, "when"},
	} {
		res := e.as("gc-justice").post(tc.target, tc.body)
		assert.Equal(t, tc.code, res.Code, "%s: %s", tc.name, res)
		if tc.field != "" {
			assert.Equal(t, tc.field, res.errorField(), tc.name)
		}
	}
	res = e.as("gc-justice").post("/api/v1/cases/"+id+"/sessions/planned", map[string]any{"start": start.Format(time.RFC3339), "minutes": 60, "place": "home", "parties": []int{0}}, "If-Match", `"1"`)
	assert.Equal(t, http.StatusPreconditionFailed, res.Code, "a stale version: %s", res)
	res = e.as("gc-justice").get("/api/v1/cases/" + id + "/sessions.ics?session=nothing")
	assert.Equal(t, http.StatusNotFound, res.Code, res)
	assert.Equal(t, "session", res.errorField())
	res = e.as("gc-justice").get("/api/v1/cases/" + id + "/sessions.ics?format=ics")
	assert.Equal(t, http.StatusBadRequest, res.Code, res)
	res = e.as("wuguiqiao-head").get("/api/v1/cases/" + id + "/sessions.ics")
	assert.Equal(t, http.StatusNotFound, res.Code, "who may not see the case does not learn it exists")
}
