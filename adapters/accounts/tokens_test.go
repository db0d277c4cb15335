package accounts_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/accounts"
)

// authenticates reports whether token authenticates member.
func authenticates(t *testing.T, a *accounts.Accounts, token, member string) bool {
	t.Helper()
	m, ok, err := a.Authenticate(context.Background(), token)
	require.NoError(t, err)
	return ok && m == member
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	forEngines(t, func(t *testing.T, e *env) {
		a := e.Accounts
		withPassword(t, a, "li.ming", "正确的密码-2026年")
		withPassword(t, a, "wang.fang", "正确的密码-2026年")
		otp, err := a.Issue(ctx, "zhao.lei", "mayuan")
		require.NoError(t, err)
		require.NoError(t, a.SetPassword(ctx, accounts.PasswordChange{Member: "zhao.lei", Old: otp, New: "正确的密码-2026年"}))

		t.Run("issued, listed, expiring", func(t *testing.T) {
			token, tok, err := a.IssueToken(ctx, "li.ming", "企业微信同步", 0)
			require.NoError(t, err)
			assert.Regexp(t, `^fpn_[A-Za-z0-9_-]{43}$`, token)
			assert.Regexp(t, `^[0-9a-f]{16}$`, tok.ID)
			assert.NotContains(t, token, tok.ID)
			assert.Equal(t, accounts.Token{ID: tok.ID, Member: "li.ming", Township: "gucheng", Label: "企业微信同步",
				Created: start, Expires: start.Add(90 * 24 * time.Hour)}, tok)
			assert.True(t, authenticates(t, a, token, "li.ming"))

			e.Clock.Advance(time.Minute) // listed after the first
			short, _, err := a.IssueToken(ctx, "li.ming", "一小时", time.Hour)
			require.NoError(t, err)
			_, other, err := a.IssueToken(ctx, "wang.fang", "", 0)
			require.NoError(t, err)
			_, elsewhere, err := a.IssueToken(ctx, "zhao.lei", "", 0)
			require.NoError(t, err)

			list, err := a.Tokens(ctx, "li.ming")
			require.NoError(t, err)
			require.Len(t, list, 2)
			assert.Equal(t, tok.ID, list[0].ID)
			assert.Equal(t, start, list[0].LastUsed, "the use is recorded")
			township, err := a.TownshipTokens(ctx, "gucheng")
			require.NoError(t, err)
			assert.Len(t, township, 3)
			assert.NotContains(t, township, elsewhere, "another township's")
			assert.Contains(t, ids(township), other.ID)

			e.Clock.Advance(time.Hour)
			assert.False(t, authenticates(t, a, short, "li.ming"), "an expired token")
			assert.True(t, authenticates(t, a, token, "li.ming"))
			list, err = a.Tokens(ctx, "li.ming")
			require.NoError(t, err)
			assert.Equal(t, []string{tok.ID}, ids(list), "expired tokens are not listed")
			assert.Equal(t, e.Clock.Now(), list[0].LastUsed, "the use is recorded again an hour after")

			// Expired tokens are swept as new ones are made.
			_, _, err = a.IssueToken(ctx, "wang.fang", "", 0)
			require.NoError(t, err)
			var n int
			require.NoError(t, e.DB.QueryRowContext(ctx, "SELECT count(*) FROM accounts_tokens WHERE expires <= ?", e.Clock.Now().UnixNano()).Scan(&n))
			assert.Zero(t, n)

			e.Clock.Advance(90 * 24 * time.Hour)
			assert.False(t, authenticates(t, a, token, "li.ming"), "a token past its 90 days")
		})
		t.Run("revoked one by one or all at once", func(t *testing.T) {
			one, t1, err := a.IssueToken(ctx, "li.ming", "一", 0)
			require.NoError(t, err)
			two, _, err := a.IssueToken(ctx, "li.ming", "二", 0)
			require.NoError(t, err)
			three, _, err := a.IssueToken(ctx, "li.ming", "三", 0)
			require.NoError(t, err)
			hers, _, err := a.IssueToken(ctx, "wang.fang", "", 0)
			require.NoError(t, err)

			require.NoError(t, a.RevokeToken(ctx, t1.ID))
			assert.False(t, authenticates(t, a, one, "li.ming"), "a revoked token")
			assert.True(t, authenticates(t, a, two, "li.ming"))
			assert.Equal(t, fourplusn.NotFound, codeOf(a.RevokeToken(ctx, t1.ID)))

			n, err := a.RevokeTokensOf(ctx, "li.ming")
			require.NoError(t, err)
			assert.Equal(t, 2, n)
			assert.False(t, authenticates(t, a, two, "li.ming"))
			assert.False(t, authenticates(t, a, three, "li.ming"))
			assert.True(t, authenticates(t, a, hers, "wang.fang"), "another member's token")
			list, err := a.Tokens(ctx, "li.ming")
			require.NoError(t, err)
			assert.Empty(t, list)
		})
		t.Run("bad requests", func(t *testing.T) {
			_, _, err := a.IssueToken(ctx, "li.ming", "", -time.Hour)
			assert.Equal(t, "ttl", fourplusn.ErrorField(err))
			_, _, err = a.IssueToken(ctx, "li.ming", strings.Repeat("长", 101), 0)
			assert.Equal(t, "label", fourplusn.ErrorField(err))
			_, _, err = a.IssueToken(ctx, "li.ming", "换行\n", 0)
			assert.Equal(t, "label", fourplusn.ErrorField(err))
			_, _, err = a.IssueToken(ctx, "no.one", "", 0)
			assert.Equal(t, fourplusn.NotFound, codeOf(err))
			for _, token := range []string{"", "fpn_", "fpn_unknown", "not-a-token", "fpn_" + strings.Repeat("x", 300)} {
				assert.False(t, authenticates(t, a, token, "li.ming"), "%q", token)
			}
		})
	})
}

// ids returns the IDs of tokens, in order.
func ids(tokens []accounts.Token) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		out[i] = t.ID
	}
	return out
}
