package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOwnTokens: a member lists their own API tokens and nobody else's,
// revokes one of their own, which then authenticates no one, and cannot
// revoke another's.
func TestOwnTokens(t *testing.T) {
	e := newEnv(t)
	duty := e.demo.Member("gc-duty-1")
	phone, phoneID, err := e.accounts.issueToken(ctx, duty, "值班手机")
	require.NoError(t, err)
	e.clock.Advance(day)
	_, desktopID, err := e.accounts.issueToken(ctx, duty, "值班室电脑")
	require.NoError(t, err)
	_, headID, err := e.accounts.issueToken(ctx, e.demo.Member("gc-secretary"), "办公室")
	require.NoError(t, err)

	res := e.as("gc-duty-1").get("/api/v1/tokens")
	require.Equal(t, http.StatusOK, res.Code, res)
	var list struct {
		Tokens []struct{ ID, Label, Created, Expires, LastUsed string }
	}
	res.decode(t, &list)
	require.Len(t, list.Tokens, 2, "their own only")
	assert.Equal(t, phoneID, list.Tokens[0].ID)
	assert.Equal(t, "值班手机", list.Tokens[0].Label)
	assert.Equal(t, "2022-11-01T01:00:00Z", list.Tokens[0].Created)
	assert.Equal(t, "2022-12-01T01:00:00Z", list.Tokens[0].Expires)
	assert.Empty(t, list.Tokens[0].LastUsed)
	assert.Equal(t, desktopID, list.Tokens[1].ID)
	assert.NotContains(t, string(res.Body), phone, "never the token itself")

	res = e.as("gc-duty-1").do(http.MethodDelete, "/api/v1/tokens/"+headID, nil)
	assert.Equal(t, http.StatusNotFound, res.Code, "another's token: %s", res)
	res = e.as("gc-duty-1").do(http.MethodDelete, "/api/v1/tokens/"+phoneID, nil)
	require.Equal(t, http.StatusNoContent, res.Code, res)
	assert.Empty(t, res.Body)
	res = (&client{e: e, token: phone}).get("/api/v1/grid/cells")
	assert.Equal(t, http.StatusUnauthorized, res.Code, "a revoked token: %s", res)
	res = e.as("gc-duty-1").do(http.MethodDelete, "/api/v1/tokens/"+phoneID, nil)
	assert.Equal(t, http.StatusNotFound, res.Code, "revoked already: %s", res)

	res = e.as("gc-duty-1").get("/api/v1/tokens")
	res.decode(t, &list)
	require.Len(t, list.Tokens, 1)
	assert.Equal(t, desktopID, list.Tokens[0].ID)
}

// TestResetPassword: a member who forgot their password is given a new
// one-time password, and the old one and their tokens stop working; a
// member without an account yet is given one.
func TestResetPassword(t *testing.T) {
	e := newEnv(t)
	res := e.as("gc-admin").post("/api/v1/members", newMember("mayuan-mediator"))
	require.Equal(t, http.StatusCreated, res.Code, res)
	first := res.object(t)["one_time_password"].(string)
	m, _ := e.grid.Directory().Member("mayuan-mediator")
	token, _, err := e.accounts.signIn(ctx, m, first, "手机")
	require.NoError(t, err)

	res = e.as("gc-admin").post("/api/v1/members/mayuan-mediator/password", nil)
	require.Equal(t, http.StatusOK, res.Code, res)
	second := res.object(t)["one_time_password"].(string)
	assert.NotEqual(t, first, second)
	assert.NotContains(t, e.logs.String(), second)
	_, _, err = e.accounts.signIn(ctx, m, first, "手机")
	assert.Error(t, err, "the old password")
	_, _, err = e.accounts.signIn(ctx, m, second, "手机")
	assert.NoError(t, err)
	res = (&client{e: e, token: token}).get("/api/v1/grid/cells")
	assert.Equal(t, http.StatusUnauthorized, res.Code, "the tokens of before: %s", res)

	// The demo's members were set up by their roster, without accounts.
	res = e.as("gc-secretary").post("/api/v1/members/mayuan-police/password", map[string]any{})
	require.Equal(t, http.StatusOK, res.Code, res)
	_, _, err = e.accounts.signIn(ctx, e.demo.Member("mayuan-police"), res.object(t)["one_time_password"].(string), "手机")
	assert.NoError(t, err)

	res = e.as("mayuan-head").post("/api/v1/members/mayuan-police/password", nil)
	assert.Equal(t, http.StatusForbidden, res.Code, res)
	res = e.as("gc-secretary").post("/api/v1/members/mayuan-police/password", map[string]any{"x": 1})
	assert.Equal(t, http.StatusBadRequest, res.Code, res)
}
