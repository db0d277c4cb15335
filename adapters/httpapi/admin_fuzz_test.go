package httpapi_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzDecodeMember fuzzes the body of POST /members (a success adds the
// member; the same one again conflicts).
func FuzzDecodeMember(f *testing.F) {
	for _, seed := range []string{
		`{"id":"m-1","name":"马调解","phone":"13912345678","department":"mediation_committee","posts":[{"role":"mediator","cell":"mayuan"}]}`,
		`{"id":"m-2","name":"某","phone":"+86 139 1234 5678","department":"partner","body":"土地所","posts":[{"role":"partner","cell":"gucheng"},{"role":"partner","cell":"mayuan-1"}]}`,
		`{"id":"","posts":[{}]}`, `{"posts":[{"role":"boss","cell":"马园"}]}`, `{"posts":null}`, `{"id":"m-3","posts":[{"role":"admin","cell":"lz-qiaotou"}]}`, "[]", "",
	} {
		f.Add([]byte(seed))
	}
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		e.t = t
		res := e.as("gc-admin").post("/api/v1/members", raw{"application/json", body})
		checkFuzzed(t, res, http.StatusCreated)
	})
}

// FuzzDecodeCellEdit fuzzes the body of PATCH /grid/cells/{id} (a success
// renames or moves the cell, and the next may move it back).
func FuzzDecodeCellEdit(f *testing.F) {
	for _, seed := range []string{
		`{"name":"马园一组（新）"}`, `{"parent":"wuguiqiao"}`, `{"parent":"mayuan","name":"一组"}`, `{"parent":"gc-west"}`,
		`{"name":null}`, `{"name":""}`, `{"parent":"lz-qiaotou"}`, `{"name":"\u0000"}`, "{}",
	} {
		f.Add([]byte(seed))
	}
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		e.t = t
		res := e.as("gc-secretary").do(http.MethodPatch, "/api/v1/grid/cells/mayuan-1", raw{"application/json", body})
		checkFuzzed(t, res, http.StatusOK)
	})
}

// FuzzRosterQuery fuzzes the query string of POST /grid/roster, sent with
// the township's own roster.
func FuzzRosterQuery(f *testing.F) {
	for _, seed := range []string{"", "base_len=1", "base_len=1&base_head=" + "00", "base_len=99999999999999999999&base_head=x", "base_head=%zz", "base_len=+1&base_head=-", "a=b"} {
		f.Add(seed)
	}
	e := newEnv(f)
	roster := []byte(e.exported(f))
	f.Fuzz(func(t *testing.T, query string) {
		e.t = t
		req := httptest.NewRequest(http.MethodPost, "/api/v1/grid/roster", bytes.NewReader(roster))
		req.URL.RawQuery = query
		c := e.as("gc-admin")
		req.Header.Set("Authorization", "Bearer "+c.token)
		req.Header.Set("Content-Type", "text/csv")
		res := c.send(req)
		checkFuzzed(t, res, http.StatusOK)
	})
}
