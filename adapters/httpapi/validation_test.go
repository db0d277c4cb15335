package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/mediation"
)

// TestTextRuleOverHTTP sends text the text rule refuses, on the memory
// store and on SQLite: each is a 400 naming its fields, never a 500 from
// a database that refuses it later (mediation's TestTextRuleOnEveryStore
// runs the rule on PostgreSQL too), and nothing is stored; text that
// passes is stored cleaned.
func TestTextRuleOverHTTP(t *testing.T) {
	for _, st := range []stores{memStores(), sqliteStores(t)} {
		t.Run(st.name, func(t *testing.T) { textRuleOverHTTP(t, newEnvOn(t, st)) })
	}
}

func textRuleOverHTTP(t *testing.T, e *env) {
	c := e.seedCase(t, "accepted")
	caseURL := "/api/v1/cases/" + string(c.ID)
	intake := func(edit func(map[string]any)) map[string]any {
		b := walkIn()
		edit(b)
		return b
	}
	applicantNamed := func(name string) func(map[string]any) {
		return func(b map[string]any) { b["applicants"] = []map[string]any{{"name": name, "phone": "13900001111"}} }
	}
	for _, tc := range []struct {
		name   string
		target string
		body   any
		fields []string
	}{
		{"a NUL in the facts", "/api/v1/cases", intake(func(b map[string]any) { b["facts"] = "两家争吵\x00" }), []string{"facts"}},
		{"an applicant named by three spaces", "/api/v1/cases", intake(applicantNamed("   ")), []string{"applicants[0].name"}},
		{"a name with a bidi override", "/api/v1/cases", intake(applicantNamed("王某\u202e某")), []string{"applicants[0].name"}},
		{"a name with a bell and an escape", "/api/v1/cases", intake(applicantNamed("\a\x1b[0m王某某")), []string{"applicants[0].name"}},
		{"three bad fields at once", "/api/v1/cases", intake(func(b map[string]any) {
			b["applicants"] = []map[string]any{{"name": "\u3000", "phone": "12345"}}
			b["facts"] = "\ufeff"
		}), []string{"applicants[0].name", "applicants[0].phone", "facts"}},
		{"an escalation reason of spaces", caseURL + "/escalate", map[string]any{"reason": "   "}, []string{"reason"}},
		{"session notes with a NUL", caseURL + "/sessions", map[string]any{"at": "2022-11-01T02:00:00Z", "place": "home", "attendees": []string{"高敬"}, "notes": "释法\x00明理", "outcome": "progress"}, []string{"session.notes"}},
		{"a session in 9999", caseURL + "/sessions", map[string]any{"at": "9999-12-31T00:00:00Z", "place": "home", "attendees": []string{"高敬"}, "notes": "释法明理。", "outcome": "progress"}, []string{"session.at"}},
		{"a hazard described with a NUL", "/api/v1/hazards", map[string]any{"category": "other", "location": "mayuan-1", "description": "井盖\x00缺失"}, []string{"description"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			before := e.snapshot(t)
			res := e.as("gc-secretary").post(tc.target, tc.body)
			require.Equal(t, http.StatusBadRequest, res.Code, "%s", res)
			assert.Equal(t, "invalid", res.errorCode())
			assert.Equal(t, tc.fields, res.errorFields(t))
			assert.Equal(t, tc.fields[0], res.errorField(), "the first is the error's field")
			assert.Equal(t, before, e.snapshot(t), "nothing stored")
		})
	}

	e.t = t
	res := e.as("gc-secretary").post("/api/v1/cases", intake(func(b map[string]any) {
		b["facts"] = "  两家争吵。\r\n多次调解。\u3000"
		b["applicants"] = []map[string]any{{"name": " 王某某\u3000", "phone": "13900001111"}}
	}))
	require.Equal(t, http.StatusCreated, res.Code, "%s", res)
	var out struct {
		ID string `json:"id"`
	}
	res.decode(t, &out)
	stored, err := e.st.cases.Get(ctx, mediation.ID(out.ID))
	require.NoError(t, err)
	assert.Equal(t, "两家争吵。\n多次调解。", stored.Facts)
	assert.Equal(t, "王某某", stored.Applicants[0].Name)
}

// TestMalformedMembers checks that a member named twice in one object,
// at any depth, is refused naming it, where encoding/json would have let
// the last win; that every required member left out is named at once,
// nested ones included, a body of null leaving out everything; and that
// nothing is stored.
func TestMalformedMembers(t *testing.T) {
	e := newEnv(t)
	mediating, agreed := e.seedCase(t, "mediating"), e.seedCase(t, "agreed")
	for _, tc := range []struct {
		name   string
		target string
		body   string
		fields []string
	}{
		{"a member twice at the top", "/api/v1/cases", strings.Replace(valid, `"facts":`, `"facts":"甲","facts":`, 1), []string{"facts"}},
		{"a member twice, the last of the object", "/api/v1/cases", strings.TrimSuffix(valid, "}") + `,"channel":"referral"}`, []string{"channel"}},
		{"a member twice in an applicant", "/api/v1/cases", strings.Replace(valid, `{"name":"王某某"`, `{"name":"李某","name":"王某某"`, 1), []string{"applicants[0].name"}},
		{"a member twice in the second respondent", "/api/v1/cases", strings.Replace(valid, `"respondents":[{"name":"张某某"}]`, `"respondents":[{"name":"张某某"},{"name":"赵某","phone":"13900002222","phone":"13900003333"}]`, 1), []string{"respondents[1].phone"}},
		{"a whole list twice", "/api/v1/cases", strings.Replace(valid, `"respondents":`, `"respondents":[],"respondents":`, 1), []string{"respondents"}},
		{"a member twice in a payment of an agreement", "/api/v1/cases/" + string(mediating.ID) + "/agreement",
			`{"form":"oral","facts":"f","disputes":"d","terms":"t","mediator":"高敬","payments":[{"payer":"张某某","payee":"王某某","amount_fen":100,"amount_fen":100000000}]}`, []string{"payments[0].amount_fen"}},
		{"a member spelt in other letters", "/api/v1/cases", strings.Replace(valid, `"facts":`, `"FACTS":"甲","facts":`, 1), []string{"FACTS"}},
		{"a hazard's description twice", "/api/v1/hazards", `{"category":"other","location":"mayuan-1","description":"甲","description":"乙"}`, []string{"description"}},
		{"a member's post in two cells", "/api/v1/members", `{"id":"dup-1","name":"某","phone":"13912345678","department":"grid","posts":[{"role":"grid_worker","cell":"mayuan","cell":"gucheng"}]}`, []string{"posts[0].cell"}},
		{"an empty intake", "/api/v1/cases", `{}`, []string{"channel", "category", "applicants", "respondents", "facts"}},
		{"an intake of null", "/api/v1/cases", `null`, []string{"channel", "category", "applicants", "respondents", "facts"}},
		{"nested members left out", "/api/v1/cases", strings.Replace(valid, `"respondents":[{"name":"张某某"}]`, `"respondents":[{"phone":"13900002222"}],"claims":[{"amount_fen":100}]`, 1), []string{"respondents[0].name", "claims[0].description"}},
		{"a follow-up that does not say whether it was performed", "/api/v1/cases/" + string(agreed.ID) + "/follow-ups", `{"notes":"已回访"}`, []string{"performed"}},
		{"an extension that does not say whether both consent", "/api/v1/cases/" + string(mediating.ID) + "/extend", `{"days":7,"reason":"r"}`, []string{"consent"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			before := e.snapshot(t)
			res := e.as("gc-secretary").post(tc.target, raw{"application/json", []byte(tc.body)})
			require.Equal(t, http.StatusBadRequest, res.Code, "%s", res)
			assert.Equal(t, tc.fields, res.errorFields(t))
			assert.Equal(t, before, e.snapshot(t), "nothing stored")
		})
	}
}

// TestWrittenAgreementReportsEveryField checks that a written agreement
// without five of the fields the law requires is answered with all five,
// in the error body's fields and its message.
func TestWrittenAgreementReportsEveryField(t *testing.T) {
	e := newEnv(t)
	c := e.seedCase(t, "mediating")
	before := e.snapshot(t)
	res := e.as("gc-justice").post("/api/v1/cases/"+string(c.ID)+"/agreement", map[string]any{
		"form": "written", "facts": "院墙位置争执。", "disputes": "院墙位置", "terms": "院墙后退0.3米。", "mediator": "高敬",
		"signatures": []map[string]any{{"party": "王某某", "mark": "signed"}, {"party": "张某某", "mark": "signed"}},
	})
	require.Equal(t, http.StatusBadRequest, res.Code, "%s", res)
	want := []string{"agreement.manner", "agreement.perform_by", "agreement.mediator_signed_at", "agreement.committee", "agreement.sealed"}
	assert.Equal(t, want, res.errorFields(t))
	assert.Equal(t, want[0], res.errorField())
	var body struct {
		Error struct{ Message string } `json:"error"`
	}
	res.decode(t, &body)
	for _, f := range want {
		assert.Contains(t, body.Error.Message, f, "the message names every field")
	}
	assert.Equal(t, before, e.snapshot(t), "nothing stored")
}
