package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/httpapi"
	"github.com/fourplusn/fourplusn/grid"
)

// recordingTokens is a TokenStore that keeps what it is given where the
// test can read it, standing in for a server's database table.
type recordingTokens struct {
	mu   sync.Mutex
	rows map[string]grid.Actor
	fail error
}

func (s *recordingTokens) SaveToken(_ context.Context, digest string, a grid.Actor) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rows[digest] = a
	return s.fail
}

func (s *recordingTokens) LookupToken(_ context.Context, digest string) (grid.Actor, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.rows[digest]
	return a, ok, s.fail
}

func (s *recordingTokens) DeleteToken(_ context.Context, digest string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.rows, digest)
	return s.fail
}

func bearer(token string) *http.Request {
	req := httptest.NewRequest(http.MethodGet, "/api/v1/cases", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

// TestTokensSurviveRestart: tokens live in the store, as digests only, so a
// new TokenAuth over the same store (a restarted server) still knows them,
// and a revoked token is refused by every TokenAuth over that store.
func TestTokensSurviveRestart(t *testing.T) {
	ctx := context.Background()
	store := &recordingTokens{rows: map[string]grid.Actor{}}
	actor := grid.ResidentActor("r-1", "gucheng")
	token, err := httpapi.NewTokenAuth(store).IssueToken(ctx, actor)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(token, "fpn_"), token)

	require.Len(t, store.rows, 1)
	for digest := range store.rows {
		assert.Equal(t, httpapi.HashToken(token), digest, "the store keeps the token's digest")
		assert.NotContains(t, digest, token[4:], "and not the token")
	}

	restarted := httpapi.NewTokenAuth(store)
	got, err := restarted.Authenticate(bearer(token))
	require.NoError(t, err)
	assert.Equal(t, actor, got)

	require.NoError(t, restarted.Revoke(ctx, token))
	_, err = httpapi.NewTokenAuth(store).Authenticate(bearer(token))
	assert.Equal(t, fourplusn.Unauthorized, fourplusn.ErrorCode(err), "a revoked token: %v", err)
}

// TestHashToken pins the digest's form, which a server's stored tokens
// depend on: hex SHA-256, so a change would log everyone out.
func TestHashToken(t *testing.T) {
	assert.Equal(t, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", httpapi.HashToken("abc"))
	a, err := httpapi.NewToken()
	require.NoError(t, err)
	b, err := httpapi.NewToken()
	require.NoError(t, err)
	assert.NotEqual(t, a, b)
	assert.Len(t, a, len("fpn_")+43, "32 bytes in unpadded base64url")
}

// TestIssueTokenRefuses: tokens go only to actors who can be identified.
func TestIssueTokenRefuses(t *testing.T) {
	auth := httpapi.NewTokenAuth(nil)
	for _, tt := range []struct {
		name  string
		actor grid.Actor
		field string
	}{
		{"anonymous", grid.Actor{ID: "x", Township: "gucheng"}, "kind"},
		{"unknown kind", grid.Actor{Kind: grid.System + 1, ID: "x", Township: "gucheng"}, "kind"},
		{"no ID", grid.Actor{Kind: grid.Resident, Township: "gucheng"}, "id"},
		{"no township", grid.Actor{Kind: grid.Resident, ID: "x"}, "township"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := auth.IssueToken(context.Background(), tt.actor)
			var fe *fourplusn.Error
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, fourplusn.Invalid, fe.Code)
			assert.Equal(t, tt.field, fe.Field)
		})
	}
}

// TestBearerToken: the header's forms and what each means.
func TestBearerToken(t *testing.T) {
	for _, tt := range []struct {
		name    string
		headers []string
		token   string
		present bool
		bad     bool
	}{
		{"none", nil, "", false, false},
		{"bearer", []string{"Bearer fpn_abc"}, "fpn_abc", true, false},
		{"scheme in any case", []string{"bearer  fpn_abc "}, "fpn_abc", true, false},
		{"basic", []string{"Basic Z2M6Z2M="}, "", true, true},
		{"empty token", []string{"Bearer "}, "", true, true},
		{"no scheme", []string{"fpn_abc"}, "", true, true},
		{"two headers", []string{"Bearer a", "Bearer b"}, "", true, true},
		{"overlong", []string{"Bearer " + strings.Repeat("a", 257)}, "", true, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			for _, h := range tt.headers {
				req.Header.Add("Authorization", h)
			}
			token, present, err := httpapi.BearerToken(req)
			assert.Equal(t, tt.present, present)
			assert.Equal(t, tt.token, token)
			if tt.bad {
				assert.Equal(t, fourplusn.Unauthorized, fourplusn.ErrorCode(err))
			} else {
				assert.NoError(t, err)
			}
		})
	}
}

// TestTokenStoreFailure: a store that fails is the server's fault, a 500
// that says no more than "internal error", not a 401 that would send a
// client with a good token to sign in again.
func TestTokenStoreFailure(t *testing.T) {
	store := &recordingTokens{rows: map[string]grid.Actor{}}
	auth := httpapi.NewTokenAuth(store)
	token, err := auth.IssueToken(context.Background(), grid.ResidentActor("r-1", "gucheng"))
	require.NoError(t, err)
	store.fail = errors.New("disk on fire")
	e := newEnv(t, func(c *httpapi.Config) { c.Auth = auth })
	res := (&client{e: e, token: token}).get("/api/v1/cases")
	assert.Equal(t, http.StatusInternalServerError, res.Code, res.String())
	assert.NotContains(t, string(res.Body), "disk")
	assert.Contains(t, e.logs.String(), "disk on fire", "the cause is logged")
}
