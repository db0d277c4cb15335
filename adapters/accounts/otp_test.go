package accounts_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/accounts"
)

// otpForm is the form of a one-time password: four groups of four
// characters of an alphabet without 0, 1, I and O.
var otpForm = regexp.MustCompile(`^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$`)

func TestOneTimePassword(t *testing.T) {
	ctx := context.Background()
	forEngines(t, func(t *testing.T, e *env) {
		a := e.Accounts
		t.Run("signs in once, to choose a password", func(t *testing.T) {
			otp := issue(t, a, "wang.fang")
			assert.Regexp(t, otpForm, otp)
			acct, err := a.Account(ctx, "wang.fang")
			require.NoError(t, err)
			assert.True(t, acct.MustChange)
			assert.Equal(t, start.Add(14*24*time.Hour), acct.OneTimeExpires)

			res, err := a.Login(ctx, "wang.fang", otp, "10.0.0.1")
			require.NoError(t, err)
			assert.Equal(t, accounts.Result{Member: "wang.fang", Township: "gucheng", MustChange: true}, res)
			// It opens no session and no token: only a password may be chosen.
			_, err = a.CreateSession(ctx, "wang.fang")
			assert.Equal(t, fourplusn.Conflict, codeOf(err))
			_, _, err = a.IssueToken(ctx, "wang.fang", "", 0)
			assert.Equal(t, fourplusn.Conflict, codeOf(err))

			// Typed from the sheet in lower case with spaces, it is the same.
			typed := strings.ToLower(strings.ReplaceAll(otp, "-", " "))
			require.NoError(t, a.SetPassword(ctx, accounts.PasswordChange{Member: "wang.fang", Old: typed, New: "山高水长-2026年"}))

			_, err = a.Login(ctx, "wang.fang", otp, "10.0.0.1")
			assert.Equal(t, fourplusn.Unauthorized, codeOf(err), "a used one-time password signs in no more")
			err = a.SetPassword(ctx, accounts.PasswordChange{Member: "wang.fang", Old: otp, New: "另一个密码-2027年"})
			assert.Equal(t, fourplusn.Unauthorized, codeOf(err), "nor sets a password again")
			res, err = a.Login(ctx, "wang.fang", "山高水长-2026年", "10.0.0.1")
			require.NoError(t, err)
			assert.False(t, res.MustChange)
			acct, err = a.Account(ctx, "wang.fang")
			require.NoError(t, err)
			assert.False(t, acct.MustChange)
			assert.True(t, acct.OneTimeExpires.IsZero())
			assert.Equal(t, start, acct.Changed)
		})
		t.Run("expires", func(t *testing.T) {
			otp := issue(t, a, "zhao.lei")
			e.Clock.Advance(14*24*time.Hour - time.Second)
			res, err := a.Login(ctx, "zhao.lei", otp, "10.0.0.1")
			require.NoError(t, err, "usable until the last second")
			assert.True(t, res.MustChange)
			e.Clock.Advance(time.Second)
			_, err = a.Login(ctx, "zhao.lei", otp, "10.0.0.1")
			assert.Equal(t, fourplusn.Unauthorized, codeOf(err))
			err = a.SetPassword(ctx, accounts.PasswordChange{Member: "zhao.lei", Old: otp, New: "山高水长-2026年"})
			assert.Equal(t, fourplusn.Unauthorized, codeOf(err))
		})
		t.Run("a new password breaking the rules leaves the one-time password usable", func(t *testing.T) {
			otp := issue(t, a, "sun.li")
			err := a.SetPassword(ctx, accounts.PasswordChange{Member: "sun.li", Old: otp, New: "sun.li2024", Forbidden: []string{"13812345678"}})
			assert.Equal(t, []accounts.Rule{accounts.RuleLogin}, rulesOf(err))
			err = a.SetPassword(ctx, accounts.PasswordChange{Member: "sun.li", Old: otp, New: "13812345678", Forbidden: []string{"13812345678"}})
			assert.Equal(t, []accounts.Rule{accounts.RulePersonal}, rulesOf(err))
			err = a.SetPassword(ctx, accounts.PasswordChange{Member: "sun.li", Old: otp, New: otp})
			assert.Equal(t, []accounts.Rule{accounts.RuleUnchanged}, rulesOf(err))
			res, err := a.Login(ctx, "sun.li", otp, "10.0.0.1")
			require.NoError(t, err)
			assert.True(t, res.MustChange)
		})
		t.Run("used twice at once, it sets the password once", func(t *testing.T) {
			otp := issue(t, a, "qian.jun")
			const n = 8
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					errs[i] = a.SetPassword(ctx, accounts.PasswordChange{Member: "qian.jun", Old: otp, New: fmt.Sprintf("并发修改的密码-%d号", i)})
				})
			}
			wg.Wait()
			won := -1
			for i, err := range errs {
				if err == nil {
					assert.Equal(t, -1, won, "two changes succeeded")
					won = i
					continue
				}
				assert.Equal(t, fourplusn.Unauthorized, codeOf(err), "change %d: %v", i, err)
			}
			require.NotEqual(t, -1, won, "no change succeeded")
			// The losers that checked the spent password after the winner
			// count as failures, and may have locked the login.
			require.NoError(t, a.Unlock(ctx, "qian.jun"))
			_, err := a.Login(ctx, "qian.jun", fmt.Sprintf("并发修改的密码-%d号", won), "10.0.0.1")
			assert.NoError(t, err, "the winner's password is the one kept")
		})
		t.Run("a chosen password changes with the current one", func(t *testing.T) {
			withPassword(t, a, "zhou.min", "第一次选的密码-2026")
			err := a.SetPassword(ctx, accounts.PasswordChange{Member: "zhou.min", Old: "第一次选的密码-2026", New: "第一次选的密码-2026"})
			assert.Equal(t, []accounts.Rule{accounts.RuleUnchanged}, rulesOf(err))
			err = a.SetPassword(ctx, accounts.PasswordChange{Member: "zhou.min", Old: "猜错的旧密码-2026", New: "第二次选的密码-2026"})
			assert.Equal(t, fourplusn.Unauthorized, codeOf(err))
			require.NoError(t, a.SetPassword(ctx, accounts.PasswordChange{Member: "zhou.min", Old: "第一次选的密码-2026", New: "第二次选的密码-2026"}))
			_, err = a.Login(ctx, "zhou.min", "第一次选的密码-2026", "10.0.0.1")
			assert.Equal(t, fourplusn.Unauthorized, codeOf(err))
			_, err = a.Login(ctx, "zhou.min", "第二次选的密码-2026", "10.0.0.1")
			assert.NoError(t, err)
		})
	})
}

func TestIssueMany(t *testing.T) {
	ctx := context.Background()
	forEngines(t, func(t *testing.T, e *env) {
		a := e.Accounts
		roster := make([]accounts.Member, 1200) // more than one INSERT's batch
		for i := range roster {
			roster[i] = accounts.Member{ID: fmt.Sprintf("m%04d", i), Township: "gucheng"}
		}
		t.Run("refuses a bad roster whole", func(t *testing.T) {
			for _, tt := range []struct {
				name    string
				change  func(r []accounts.Member)
				field   string
				message string
			}{
				{"a bad ID", func(r []accounts.Member) { r[7].ID = "李明" }, "members[7].id", ""},
				{"no township", func(r []accounts.Member) { r[3].Township = "" }, "members[3].township", ""},
				{"a member twice", func(r []accounts.Member) { r[900].ID = r[2].ID }, "members[900].id", "members[2]"},
			} {
				t.Run(tt.name, func(t *testing.T) {
					bad := append([]accounts.Member(nil), roster...)
					tt.change(bad)
					_, err := a.IssueMany(ctx, bad)
					assert.Equal(t, fourplusn.Invalid, codeOf(err))
					assert.Equal(t, tt.field, fourplusn.ErrorField(err))
					assert.ErrorContains(t, err, tt.message)
					_, err = a.Account(ctx, "m0000")
					assert.Equal(t, fourplusn.NotFound, codeOf(err), "nothing was created")
				})
			}
		})
		t.Run("gives every member a one-time password", func(t *testing.T) {
			otps, err := a.IssueMany(ctx, roster)
			require.NoError(t, err)
			require.Len(t, otps, len(roster))
			seen := map[string]bool{}
			for _, otp := range otps {
				assert.Regexp(t, otpForm, otp)
				assert.False(t, seen[otp], "a one-time password given twice")
				seen[otp] = true
			}
			last := roster[len(roster)-1].ID
			res, err := a.Login(ctx, last, otps[last], "10.0.0.1")
			require.NoError(t, err)
			assert.Equal(t, accounts.Result{Member: last, Township: "gucheng", MustChange: true}, res)
			_, err = a.Login(ctx, last, otps[roster[0].ID], "10.0.0.1")
			assert.Equal(t, fourplusn.Unauthorized, codeOf(err), "another member's one-time password")
		})
		t.Run("refuses members who have accounts, and creates none", func(t *testing.T) {
			again := []accounts.Member{{ID: "new.one", Township: "gucheng"}, roster[5], roster[6]}
			_, err := a.IssueMany(ctx, again)
			assert.Equal(t, fourplusn.Conflict, codeOf(err))
			assert.ErrorContains(t, err, "m0005, m0006")
			_, err = a.Account(ctx, "new.one")
			assert.Equal(t, fourplusn.NotFound, codeOf(err))
			_, err = a.Issue(ctx, roster[5].ID, "gucheng")
			assert.Equal(t, fourplusn.Conflict, codeOf(err))
			_, err = a.IssueMany(ctx, roster)
			assert.ErrorContains(t, err, "1200 members have accounts already: m0000, m0001")
		})
	})
	t.Run("Issue names its fields", func(t *testing.T) {
		a := sqliteEnv(t).Accounts
		_, err := a.Issue(ctx, "", "gucheng")
		assert.Equal(t, "id", fourplusn.ErrorField(err))
		_, err = a.Issue(ctx, "li.ming", "古城/一组")
		assert.Equal(t, "township", fourplusn.ErrorField(err))
	})
}

// TestDemo: demonstration accounts sign in with the password everyone
// knows, at once, with no one-time password to change first.
func TestDemo(t *testing.T) {
	ctx := context.Background()
	forEngines(t, func(t *testing.T, e *env) {
		a := e.Accounts
		require.NoError(t, a.Demo(ctx, []accounts.Member{{ID: "gc-duty-1", Township: "gucheng"}, {ID: "gc-secretary", Township: "gucheng"}}, "gucheng2023"))
		res, err := a.Login(ctx, "gc-duty-1", "gucheng2023", "127.0.0.1")
		require.NoError(t, err)
		assert.False(t, res.MustChange)
		_, err = a.CreateSession(ctx, "gc-secretary")
		assert.NoError(t, err)
		_, err = a.Login(ctx, "gc-duty-1", "gucheng2024", "127.0.0.1")
		assert.ErrorIs(t, err, fourplusn.Unauthorized)
	})
}
