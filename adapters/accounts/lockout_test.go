package accounts_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/accounts"
)

// lockedUntil returns the end of the lock err reports, or the zero time
// when err is no lock's.
func lockedUntil(err error) time.Time {
	var le *accounts.LockedError
	if !errors.As(err, &le) {
		return time.Time{}
	}
	return le.Until
}

// failTimes makes n wrong attempts on login and returns the last error.
func failTimes(t *testing.T, a *accounts.Accounts, login string, n int) error {
	t.Helper()
	var err error
	for i := range n {
		_, err = a.Login(context.Background(), login, "一个错误的密码-0000", fmt.Sprintf("10.0.%d.%d", i/250, i%250+1))
		require.Equal(t, fourplusn.Unauthorized, codeOf(err), "attempt %d", i)
	}
	return err
}

func TestLockout(t *testing.T) {
	ctx := context.Background()
	const good = "正确的密码-2026年"
	forEngines(t, func(t *testing.T, e *env) {
		a := e.Accounts
		t.Run("five failures lock, for a time that grows", func(t *testing.T) {
			withPassword(t, a, "li.ming", good)
			err := failTimes(t, a, "li.ming", 4)
			assert.Zero(t, lockedUntil(err), "four failures do not lock")
			assert.ErrorIs(t, err, fourplusn.Unauthorized)

			// The fifth, from yet another address, locks: every address
			// counts against the one account.
			err = failTimes(t, a, "li.ming", 1)
			assert.Equal(t, start.Add(time.Minute), lockedUntil(err))
			assert.Equal(t, fourplusn.Unauthorized, codeOf(err))

			_, err = a.Login(ctx, "li.ming", good, "10.0.0.1")
			assert.Equal(t, start.Add(time.Minute), lockedUntil(err), "the right password is refused while locked")
			acct, err := a.Account(ctx, "li.ming")
			require.NoError(t, err)
			assert.Equal(t, start.Add(time.Minute), acct.LockedUntil)

			for i, want := range []time.Duration{2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour} {
				e.Clock.Advance(time.Hour) // the lock before is over
				err = failTimes(t, a, "li.ming", 5)
				assert.Equal(t, e.Clock.Now().Add(want), lockedUntil(err), "lock %d", i+2)
			}

			e.Clock.Advance(time.Hour - time.Second)
			_, err = a.Login(ctx, "li.ming", good, "10.0.0.1")
			assert.NotZero(t, lockedUntil(err), "still locked a second before the end")
			e.Clock.Advance(time.Second)
			_, err = a.Login(ctx, "li.ming", good, "10.0.0.1")
			require.NoError(t, err, "time lifts the lock")

			// Signing in starts again from no failures: the next lock is
			// the first again.
			err = failTimes(t, a, "li.ming", 5)
			assert.Equal(t, e.Clock.Now().Add(time.Minute), lockedUntil(err))
		})
		t.Run("Unlock lifts the lock", func(t *testing.T) {
			withPassword(t, a, "wang.fang", good)
			require.NotZero(t, lockedUntil(failTimes(t, a, "wang.fang", 5)))
			require.NoError(t, a.Unlock(ctx, "wang.fang"))
			_, err := a.Login(ctx, "wang.fang", good, "10.0.0.1")
			assert.NoError(t, err)
			assert.Equal(t, fourplusn.NotFound, codeOf(a.Unlock(ctx, "no.such.member")))
		})
		t.Run("failures older than a day no longer count", func(t *testing.T) {
			withPassword(t, a, "zhao.lei", good)
			failTimes(t, a, "zhao.lei", 4)
			e.Clock.Advance(25 * time.Hour)
			assert.Zero(t, lockedUntil(failTimes(t, a, "zhao.lei", 4)))
			assert.NotZero(t, lockedUntil(failTimes(t, a, "zhao.lei", 1)))
		})
		t.Run("a login without an account locks the same way", func(t *testing.T) {
			err := failTimes(t, a, "nobody.here", 5)
			assert.Equal(t, e.Clock.Now().Add(time.Minute), lockedUntil(err))
		})
		t.Run("a login that is no member ID is refused and not counted", func(t *testing.T) {
			assert.Zero(t, lockedUntil(failTimes(t, a, "not a login!", 6)))
		})
		t.Run("concurrent failures are all counted", func(t *testing.T) {
			withPassword(t, a, "sun.li", good)
			// With a limit no race reaches, every attempt is compared and
			// counted, and none may be lost.
			many := e.openWith(t, func(o *accounts.Options) { o.MaxFailures = 100 })
			const n = 20
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					_, err := many.Login(ctx, "sun.li", "一个错误的密码-0000", fmt.Sprintf("192.0.2.%d", i+1))
					assert.Equal(t, fourplusn.Unauthorized, codeOf(err))
				})
			}
			wg.Wait()
			var failures int
			require.NoError(t, e.DB.QueryRowContext(ctx, "SELECT failures FROM accounts_logins WHERE login = 'sun.li'").Scan(&failures))
			assert.Equal(t, n, failures, "failures lost in the race")
			// The accounts with the usual limit see the same count: the
			// next failure is the 21st, and no lock falls on it.
			assert.Zero(t, lockedUntil(failTimes(t, a, "sun.li", 1)))
			assert.NotZero(t, lockedUntil(failTimes(t, a, "sun.li", 4)), "the 25th locks")
		})
		t.Run("every lock is logged", func(t *testing.T) {
			log := e.Log.String()
			assert.Contains(t, log, "member=li.ming failures=5 until=2026-12-01T01:01:00.000Z client=10.0.0.1")
			assert.Contains(t, log, "member=nobody.here failures=5")
			assert.Equal(t, 13, strings.Count(log, "login locked"), log) // li.ming 9, the others 1 each
		})
	})
}
