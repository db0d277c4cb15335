package accounts_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/accounts"
)

// access is what a member holds after signing in: a session and a token.
type access struct {
	session, token string
}

// grant starts a session of member and issues them a token.
func grant(t *testing.T, a *accounts.Accounts, member string) access {
	t.Helper()
	ctx := context.Background()
	session, err := a.CreateSession(ctx, member)
	require.NoError(t, err)
	token, _, err := a.IssueToken(ctx, member, "测试", 0)
	require.NoError(t, err)
	return access{session, token}
}

// works reports whether the session and the token of x authenticate
// member.
func (x access) works(t *testing.T, a *accounts.Accounts, member string) (session, token bool) {
	t.Helper()
	ctx := context.Background()
	m, ok, err := a.Session(ctx, x.session)
	require.NoError(t, err)
	session = ok && m == member
	m, ok, err = a.Authenticate(ctx, x.token)
	require.NoError(t, err)
	token = ok && m == member
	return session, token
}

// assertWorks asserts that x's session and token authenticate member:
// another member's reset or disabling left them alone.
func assertWorks(t *testing.T, a *accounts.Accounts, x access, member string) {
	t.Helper()
	session, token := x.works(t, a, member)
	assert.True(t, session, "%s's session", member)
	assert.True(t, token, "%s's token", member)
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	forEngines(t, func(t *testing.T, e *env) {
		a := e.Accounts
		withPassword(t, a, "li.ming", "正确的密码-2026年")
		t.Run("last twelve hours, or until ended", func(t *testing.T) {
			s, err := a.CreateSession(ctx, "li.ming")
			require.NoError(t, err)
			ended, err := a.CreateSession(ctx, "li.ming")
			require.NoError(t, err)
			assert.NotEqual(t, s, ended)
			require.NoError(t, a.EndSession(ctx, ended))
			_, ok, err := a.Session(ctx, ended)
			require.NoError(t, err)
			assert.False(t, ok, "an ended session")

			e.Clock.Advance(12*time.Hour - time.Second)
			m, ok, err := a.Session(ctx, s)
			require.NoError(t, err)
			assert.True(t, ok)
			assert.Equal(t, "li.ming", m)
			e.Clock.Advance(time.Second)
			_, ok, err = a.Session(ctx, s)
			require.NoError(t, err)
			assert.False(t, ok, "an expired session")

			// Expired sessions are swept as new ones are made.
			_, err = a.CreateSession(ctx, "li.ming")
			require.NoError(t, err)
			var n int
			require.NoError(t, e.DB.QueryRowContext(ctx, "SELECT count(*) FROM accounts_sessions").Scan(&n))
			assert.Equal(t, 1, n)
		})
		t.Run("unknown secrets are no one's", func(t *testing.T) {
			for _, s := range []string{"", "fpn_nothing", string(make([]byte, 300))} {
				_, ok, err := a.Session(ctx, s)
				require.NoError(t, err)
				assert.False(t, ok)
			}
			require.NoError(t, a.EndSession(ctx, "fpn_nothing"))
		})
		t.Run("a password change ends the other sessions", func(t *testing.T) {
			mine, other := grant(t, a, "li.ming"), grant(t, a, "li.ming")
			require.NoError(t, a.SetPassword(ctx, accounts.PasswordChange{
				Member: "li.ming", Old: "正确的密码-2026年", New: "新的正确密码-2026年", Session: mine.session}))
			assertWorks(t, a, mine, "li.ming") // the session making the change goes on; tokens go on
			session, _ := other.works(t, a, "li.ming")
			assert.False(t, session, "another session ends")

			require.NoError(t, a.SetPassword(ctx, accounts.PasswordChange{Member: "li.ming", Old: "新的正确密码-2026年", New: "正确的密码-2026年"}))
			session, _ = mine.works(t, a, "li.ming")
			assert.False(t, session, "a change naming no session ends them all")
		})
		t.Run("only for an account that may sign in", func(t *testing.T) {
			_, err := a.CreateSession(ctx, "no.one")
			assert.Equal(t, fourplusn.NotFound, codeOf(err))
		})
	})
}

func TestResetAndDisable(t *testing.T) {
	ctx := context.Background()
	const good = "正确的密码-2026年"
	forEngines(t, func(t *testing.T, e *env) {
		a := e.Accounts
		withPassword(t, a, "li.ming", good)
		withPassword(t, a, "wang.fang", good)
		bystander := grant(t, a, "wang.fang")
		t.Run("Reset ends sessions and tokens, and the password, at once", func(t *testing.T) {
			x := grant(t, a, "li.ming")
			require.NotZero(t, lockedUntil(failTimes(t, a, "li.ming", 5)))
			otp, err := a.Reset(ctx, "li.ming")
			require.NoError(t, err)
			assert.Regexp(t, otpForm, otp)
			session, token := x.works(t, a, "li.ming")
			assert.False(t, session)
			assert.False(t, token)
			assertWorks(t, a, bystander, "wang.fang")
			_, err = a.Login(ctx, "li.ming", good, "10.0.0.1")
			assert.Equal(t, fourplusn.Unauthorized, codeOf(err), "the old password")
			assert.Zero(t, lockedUntil(err), "the lock was lifted")
			res, err := a.Login(ctx, "li.ming", otp, "10.0.0.1")
			require.NoError(t, err)
			assert.True(t, res.MustChange)
			require.NoError(t, a.SetPassword(ctx, accounts.PasswordChange{Member: "li.ming", Old: otp, New: good + "!"}))
			_, err = a.Reset(ctx, "no.one")
			assert.Equal(t, fourplusn.NotFound, codeOf(err))
		})
		t.Run("Disable ends login, sessions and tokens at once", func(t *testing.T) {
			x := grant(t, a, "li.ming")
			require.NoError(t, a.Disable(ctx, "li.ming"))
			session, token := x.works(t, a, "li.ming")
			assert.False(t, session)
			assert.False(t, token)
			assertWorks(t, a, bystander, "wang.fang")
			_, err := a.Login(ctx, "li.ming", good+"!", "10.0.0.1")
			assert.Equal(t, fourplusn.Unauthorized, codeOf(err), "the right password of a disabled account")
			_, err = a.CreateSession(ctx, "li.ming")
			assert.Equal(t, fourplusn.Conflict, codeOf(err))
			_, _, err = a.IssueToken(ctx, "li.ming", "", 0)
			assert.Equal(t, fourplusn.Conflict, codeOf(err))
			acct, err := a.Account(ctx, "li.ming")
			require.NoError(t, err)
			assert.True(t, acct.Disabled)
			assert.Equal(t, fourplusn.NotFound, codeOf(a.Disable(ctx, "no.one")))
		})
		t.Run("Enable restores login only", func(t *testing.T) {
			require.NoError(t, a.Disable(ctx, "wang.fang"))
			require.NoError(t, a.Enable(ctx, "wang.fang"))
			session, token := bystander.works(t, a, "wang.fang")
			assert.False(t, session, "a session ended by Disable stays ended")
			assert.False(t, token, "so does a token")
			_, err := a.Login(ctx, "wang.fang", good, "10.0.0.1")
			assert.NoError(t, err)
			require.NoError(t, a.Enable(ctx, "li.ming"))
			_, err = a.Login(ctx, "li.ming", good+"!", "10.0.0.1")
			assert.NoError(t, err)
			assert.Equal(t, fourplusn.NotFound, codeOf(a.Enable(ctx, "no.one")))
		})
	})
}
