package accounts_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/fourplusn/fourplusn/adapters/accounts"
)

// BenchmarkIssueMany measures the import of a roster of 10,000 members on
// SQLite: one op is the whole roster, in one transaction.
func BenchmarkIssueMany(b *testing.B) {
	ctx := context.Background()
	a := sqliteEnv(b).Accounts
	const n = 10_000
	batch := 0
	for b.Loop() {
		roster := make([]accounts.Member, n)
		for i := range roster {
			roster[i] = accounts.Member{ID: fmt.Sprintf("r%d-m%05d", batch, i), Township: "gucheng"}
		}
		batch++
		otps, err := a.IssueMany(ctx, roster)
		require.NoError(b, err)
		require.Len(b, otps, n)
	}
}

// BenchmarkAuthenticate measures one API request's authentication on
// SQLite, among 1,000 members' tokens used within the hour.
func BenchmarkAuthenticate(b *testing.B) {
	ctx := context.Background()
	a := sqliteEnv(b).Accounts
	var tokens []string
	for i := range 1000 {
		member := fmt.Sprintf("m%04d", i)
		withPassword(b, a, member, "正确的密码-2026年")
		token, _, err := a.IssueToken(ctx, member, "", 0)
		require.NoError(b, err)
		tokens = append(tokens, token)
	}
	// Each token's first use is recorded, a write; the benchmark measures
	// the reads of the hour after.
	for _, token := range tokens {
		_, ok, err := a.Authenticate(ctx, token)
		require.True(b, ok)
		require.NoError(b, err)
	}
	i := 0
	for b.Loop() {
		_, ok, err := a.Authenticate(ctx, tokens[i%len(tokens)])
		if err != nil || !ok {
			b.Fatalf("token %d: %v, %v", i, ok, err)
		}
		i++
	}
}

// BenchmarkLogin compares a wrong password for a known login with one for
// an unknown login at bcrypt's default cost: the two should take as long.
func BenchmarkLogin(b *testing.B) {
	ctx := context.Background()
	e := sqliteEnv(b)
	a := e.openWith(b, func(o *accounts.Options) { o.Cost, o.MaxFailures = bcrypt.DefaultCost, 1<<30 })
	withPassword(b, a, "li.ming", "正确的密码-2026年")
	for _, login := range []string{"li.ming", "no.such.member"} {
		b.Run(login, func(b *testing.B) {
			for b.Loop() {
				if _, err := a.Login(ctx, login, "一个错误的密码-0000", "10.0.0.1"); err == nil {
					b.Fatal("a wrong password signed in")
				}
			}
		})
	}
}
