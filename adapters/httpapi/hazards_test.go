package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gradingOut is a hazard's or a case's grading as the API writes it.
type gradingOut struct {
	Grade   string
	Grading []struct{ Code, Grade, Text string }
}

// codes returns the codes of g's reasons, in order.
func (g gradingOut) codes() []string {
	var out []string
	for _, r := range g.Grading {
		out = append(out, r.Code)
	}
	return out
}

// TestHazardGradingOut: a hazard says in the API which rules gave it its
// grade and its handling cell, in Chinese, with the grade each demands —
// when it is reported, read and listed, and once a dispute lead it was
// became a case.
func TestHazardGradingOut(t *testing.T) {
	e := newEnv(t)
	in := hazardReport()
	in["grade"] = "major"
	res := e.as("mayuan-head").post("/api/v1/hazards", in)
	require.Equal(t, http.StatusCreated, res.Code, res)
	var reported gradingOut
	res.decode(t, &reported)
	assert.Equal(t, "major", reported.Grade)
	require.Equal(t, []string{"category", "reported", "level"}, reported.codes())
	assert.Equal(t, "simple", reported.Grading[0].Grade, "the category's default")
	assert.Equal(t, "类别“其他隐患”默认等级为绿色·简易", reported.Grading[0].Text)
	assert.Equal(t, "major", reported.Grading[1].Grade, "the reporter's, which prevails")
	assert.Equal(t, "上报人定为红色·重大，高于类别默认等级，按上报人所定", reported.Grading[1].Text)
	assert.Empty(t, reported.Grading[2].Grade, "where it is handled demands no grade")
	assert.Equal(t, "红色·重大隐患由二级网格办理", reported.Grading[2].Text)

	id := res.object(t)["id"].(string)
	res = e.as("gc-secretary").get("/api/v1/hazards/" + id)
	require.Equal(t, http.StatusOK, res.Code, res)
	var read gradingOut
	res.decode(t, &read)
	assert.Equal(t, reported, read, "as read")
	res = e.as("gc-secretary").get("/api/v1/hazards")
	require.Equal(t, http.StatusOK, res.Code, res)
	var page struct{ Hazards []gradingOut }
	res.decode(t, &page)
	require.NotEmpty(t, page.Hazards)
	assert.Equal(t, reported, page.Hazards[0], "as listed")

	lead := e.seedHazard(t, "lead")
	res = e.as("mayuan-head").post("/api/v1/hazards/"+string(lead.ID)+"/convert", conversion())
	require.Equal(t, http.StatusOK, res.Code, res)
	var converted struct{ Hazard, Case gradingOut }
	res.decode(t, &converted)
	assert.Equal(t, []string{"category", "reported", "level", "converted"}, converted.Hazard.codes())
	assert.Contains(t, converted.Hazard.Grading[3].Text, "转为矛盾纠纷调解案件")
	assert.NotEmpty(t, converted.Case.Grading, "the case's own reasons")
}
