package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fuzz targets send arbitrary bytes where the API reads input and
// require that it never fails inside: every answer is a success or a 4xx
// in the one error shape, valid against the OpenAPI document.

// checkFuzzed requires res to be a success or a client error.
func checkFuzzed(t *testing.T, res *response, successes ...int) {
	t.Helper()
	for _, s := range successes {
		if res.Code == s {
			return
		}
	}
	require.True(t, res.Code >= 400 && res.Code < 500, "neither success nor a client error: %s", res)
	assert.NotEmpty(t, res.errorCode(), "the error shape: %s", res)
}

// FuzzDecodeIntake fuzzes the body of POST /cases.
func FuzzDecodeIntake(f *testing.F) {
	for _, seed := range []string{
		valid, valid + valid, "", "null", "[]", `{"channel":"walk_in"}`, `{"applicants":[{"age":1e400}]}`,
		`{"channel":"referral","referred_by":"法院","category":"debt","facts":"欠款","location":"mayuan-1","applicants":[{"name":"甲","phone":"+86 139 0000 1111","id_card":"11010519491231002x","sex":"male"}],"respondents":[{"name":"乙"}],"claims":[{"description":"还款","amount_fen":100}],"risks":["group_dispute"]}`,
		`{"channel":"walk_in","category":"other","facts":"x","outside":"外县","applicants":[{"name":"甲","phone":"13900001111"}],"respondents":[{"name":"乙"}]}`,
		"{\"facts\":\"\xff\"}", `{"facts":"\ud800"}`,
		`{"facts":"a","facts":"b"}`, `{"applicants":[{"name":"甲","NAME":"乙"}]}`, `{"respondents":[{},{"name":"乙","name":"丙"}]}`,
		`{"facts":"两家\u0000争吵","applicants":[{"name":"\u202e甲","phone":"13900001111"}]}`,
	} {
		f.Add([]byte(seed))
	}
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		e.t = t
		res := e.as("gc-duty-1").post("/api/v1/cases", raw{"application/json", body})
		checkFuzzed(t, res, http.StatusCreated)
	})
}

// FuzzDecodeApplication fuzzes the body of POST /applications.
func FuzzDecodeApplication(f *testing.F) {
	for _, seed := range []string{`{"category":"neighbour","facts":"狗叫","location":"mayuan-1","applicants":[{"name":"李某","phone":"13900004444"}],"respondents":[{"name":"赵某"}]}`, "{}", `{"channel":"online"}`} {
		f.Add([]byte(seed))
	}
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		e.t = t
		res := e.asResident("r-fuzz").post("/api/v1/applications", raw{"application/json", body})
		checkFuzzed(t, res, http.StatusCreated)
	})
}

// FuzzDecodeAgreement fuzzes the body of POST /cases/{id}/agreement on a
// case in mediation (a success moves the case on; later ones conflict).
func FuzzDecodeAgreement(f *testing.F) {
	for _, seed := range []string{
		`{"form":"oral","facts":"f","disputes":"d","terms":"t","mediator":"高敬"}`,
		`{"form":"written","facts":"f","disputes":"d","terms":"t","mediator":"高敬","manner":"m","perform_by":"2023-01-01T00:00:00Z","signatures":[{"party":"王某某","mark":"signed"}],"payments":[{"payer":"张某某","payee":"王某某","amount_fen":1}]}`,
		`{"form":"written","perform_by":"soon"}`, `{"payments":[{"amount_fen":-9223372036854775808}]}`,
	} {
		f.Add([]byte(seed))
	}
	e := newEnv(f)
	c := e.seedCase(f, "mediating")
	f.Fuzz(func(t *testing.T, body []byte) {
		e.t = t
		res := e.as("gc-justice").post("/api/v1/cases/"+string(c.ID)+"/agreement", raw{"application/json", body})
		checkFuzzed(t, res, http.StatusOK)
	})
}

// FuzzDecodeSession fuzzes the body of POST /cases/{id}/sessions.
func FuzzDecodeSession(f *testing.F) {
	f.Add([]byte(`{"at":"2022-11-01T02:00:00Z","place":"home","attendees":["高敬"],"notes":"n","outcome":"progress"}`))
	f.Add([]byte(`{"at":"2022-11-01T02:00:00+08:00","place":"field","place_note":"田间","attendees":[],"notes":"n","outcome":"settled"}`))
	e := newEnv(f)
	c := e.seedCase(f, "accepted")
	f.Fuzz(func(t *testing.T, body []byte) {
		e.t = t
		res := e.as("gc-justice").post("/api/v1/cases/"+string(c.ID)+"/sessions", raw{"application/json", body})
		checkFuzzed(t, res, http.StatusOK)
	})
}

// FuzzListQuery fuzzes the query string of GET /cases.
func FuzzListQuery(f *testing.F) {
	for _, seed := range []string{"", " ", "limit=1", "state=registered,accepted&grade=major&channel=walk_in&overdue=true", "before=C1&limit=200", "limit=%zz", "x=1", "state=&state=,,", "before=%00"} {
		f.Add(seed)
	}
	e := newEnv(f)
	e.seedCase(f, "accepted")
	f.Fuzz(func(t *testing.T, query string) {
		e.t = t
		// The query is set on the parsed URL, as a server would hold it:
		// httptest.NewRequest would refuse spaces in a request line.
		req := httptest.NewRequest(http.MethodGet, "/api/v1/cases", nil)
		req.URL.RawQuery = query
		c := e.as("gc-secretary")
		req.Header.Set("Authorization", "Bearer "+c.token)
		res := c.send(req)
		checkFuzzed(t, res, http.StatusOK)
	})
}
