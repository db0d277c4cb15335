package httpapi_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCaseNumbers: every answer that carries a case carries its number in
// the committee's form, the listing's items too, and the tracking lookup;
// GET /cases/by-number/{number} finds a case by its number as people type
// it, answers as GET /cases/{id} does, and tells a number given to no case
// from one the actor may not see no more than GET /cases/{id} does.
func TestCaseNumbers(t *testing.T) {
	e := newEnv(t)
	head := e.as("mayuan-head")
	first := head.post("/api/v1/cases", walkIn())
	require.Equal(t, http.StatusCreated, first.Code, first)
	second := head.post("/api/v1/cases", walkIn())
	require.Equal(t, http.StatusCreated, second.Code, second)

	var a, b struct {
		ID           string `json:"id"`
		Number       string `json:"number"`
		TrackingCode string `json:"tracking_code"`
	}
	first.decode(t, &a)
	second.decode(t, &b)
	// 古城办事处 has no prefix of its own: 古调, the default.
	assert.Equal(t, "古调〔2022〕1号", a.Number)
	assert.Equal(t, "古调〔2022〕2号", b.Number, "numbered in the order registered")

	var page struct {
		Cases []struct{ ID, Number string } `json:"cases"`
	}
	res := head.get("/api/v1/cases")
	require.Equal(t, http.StatusOK, res.Code, res)
	res.decode(t, &page)
	numbers := map[string]string{}
	for _, c := range page.Cases {
		numbers[c.ID] = c.Number
	}
	assert.Equal(t, map[string]string{a.ID: a.Number, b.ID: b.Number}, numbers, "the listing's items carry their numbers")

	res = e.anonymous().get("/api/v1/track/" + a.TrackingCode)
	require.Equal(t, http.StatusOK, res.Code, res)
	assert.Equal(t, a.Number, res.object(t)["number"], "the resident can name the case")

	byID := head.get("/api/v1/cases/" + a.ID)
	require.Equal(t, http.StatusOK, byID.Code, byID)
	for _, typed := range []string{a.Number, "古调(2022)1", "古调（２０２２）第0001号", " 古调 [2022] 1 号 "} {
		res := head.get("/api/v1/cases/by-number/" + url.PathEscape(typed))
		require.Equal(t, http.StatusOK, res.Code, "%q: %s", typed, res)
		assert.Equal(t, byID.Header.Get("ETag"), res.Header.Get("ETag"), typed)
		assert.JSONEq(t, string(byID.Body), string(res.Body), "%q: the case as GET /cases/{id} answers it", typed)
	}

	for _, tt := range []struct {
		name, who, number string
		status            int
	}{
		{"a number given to no case", "mayuan-head", "古调〔2022〕3号", http.StatusNotFound},
		{"another year", "mayuan-head", "古调〔2023〕1号", http.StatusNotFound},
		{"another prefix", "mayuan-head", "邻调〔2022〕1号", http.StatusNotFound},
		{"a case the actor may not see", "wuguiqiao-head", a.Number, http.StatusNotFound},
		{"another township's member", "lz-secretary", a.Number, http.StatusNotFound},
		{"anonymous", "", a.Number, http.StatusUnauthorized},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := e.clientFor(tt.who).get("/api/v1/cases/by-number/" + url.PathEscape(tt.number))
			require.Equal(t, tt.status, res.Code, res)
			assert.NotContains(t, string(res.Body), a.ID)
		})
	}
	t.Run("not found alike", func(t *testing.T) {
		unseen := e.as("wuguiqiao-head").get("/api/v1/cases/by-number/" + url.PathEscape(a.Number))
		unknown := e.as("wuguiqiao-head").get("/api/v1/cases/by-number/" + url.PathEscape("古调〔2022〕99号"))
		assert.Equal(t, unknown.errorCode(), unseen.errorCode())
		assert.Equal(t, errorMessage(t, unknown, "古调〔2022〕99号"), errorMessage(t, unseen, a.Number), "the answer does not tell which numbers were given")
	})

	for _, typed := range []string{"58", "古调2022-58", "古调〔22〕58号", "古调〔2022〕0号", "古调〔2022〕号", "古 调1〔2022〕5号"} {
		res := head.get("/api/v1/cases/by-number/" + url.PathEscape(typed))
		require.Equal(t, http.StatusBadRequest, res.Code, "%q: %s", typed, res)
		assert.Equal(t, "number", res.errorField(), typed)
	}
}

// errorMessage returns the message of an error answer, with the number it
// names taken out, for comparing two answers.
func errorMessage(t *testing.T, r *response, number string) string {
	t.Helper()
	var body struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	r.decode(t, &body)
	return strings.ReplaceAll(body.Error.Message, number, "…")
}

// TestCaseNumberDocumented: the OpenAPI document says what a case's
// number is, where a case is described.
func TestCaseNumberDocumented(t *testing.T) {
	e := newEnv(t)
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Required   []string                  `json:"required"`
				Properties map[string]map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	res := e.anonymous().get("/api/v1/openapi.json")
	require.Equal(t, http.StatusOK, res.Code, res)
	res.decode(t, &doc)
	for _, name := range []string{"Case", "Track"} {
		s := doc.Components.Schemas[name]
		require.Contains(t, s.Properties, "number", name)
		assert.Contains(t, s.Required, "number", name)
		assert.Equal(t, "string", s.Properties["number"]["type"], name)
		assert.Contains(t, s.Properties["number"]["description"], "古调〔2026〕58号", name)
	}
}
