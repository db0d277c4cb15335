package accounts_test

import (
	"context"
	"database/sql"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/driver/pgdriver"
	"golang.org/x/crypto/bcrypt"

	"github.com/fourplusn/fourplusn/adapters/accounts"
)

// Two pilots on one PostgreSQL, each with its own pool of connections, keep
// one count of a login's failures and one lock: the failures are rows of
// the database, not counters of a process, so an attacker spreading
// guesses over the instances behind a load balancer is locked as soon as
// through one, and a lock made through one is kept by the other.
func TestLockoutAcrossInstances(t *testing.T) {
	ctx := context.Background()
	e := postgresEnv(t) // skips without FOURPLUSN_TEST_POSTGRES
	var schema string
	require.NoError(t, e.DB.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema))
	other := bun.NewDB(sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(os.Getenv("FOURPLUSN_TEST_POSTGRES")),
		pgdriver.WithConnParams(map[string]any{"search_path": schema}))), pgdialect.New())
	t.Cleanup(func() { other.Close() })
	b, err := accounts.Open(ctx, other, accounts.Options{Now: e.Clock.Now, Cost: bcrypt.MinCost, Logger: slog.New(slog.NewTextHandler(e.Log, nil))})
	require.NoError(t, err)
	a := e.Accounts

	const good = "正确的密码-2026年"
	withPassword(t, a, "li.ming", good)
	// Five failures, alternating between the instances, lock the login.
	for i, inst := range []*accounts.Accounts{a, b, a, b} {
		_, err := inst.Login(ctx, "li.ming", "一个错误的密码-0000", "10.0.0.1")
		require.Zero(t, lockedUntil(err), "failure %d does not lock", i+1)
	}
	_, err = b.Login(ctx, "li.ming", "一个错误的密码-0000", "10.0.0.2")
	assert.Equal(t, start.Add(time.Minute), lockedUntil(err), "the fifth, through the second instance, locks")
	for name, inst := range map[string]*accounts.Accounts{"the first": a, "the second": b} {
		_, err := inst.Login(ctx, "li.ming", good, "10.0.0.3")
		assert.Equal(t, start.Add(time.Minute), lockedUntil(err), "%s instance refuses the right password while locked", name)
	}
	// Once the lock ends, signing in through one instance clears the count
	// for both.
	e.Clock.Advance(time.Minute)
	_, err = a.Login(ctx, "li.ming", good, "10.0.0.3")
	require.NoError(t, err)
	for range 4 {
		_, err := b.Login(ctx, "li.ming", "一个错误的密码-0000", "10.0.0.1")
		require.Zero(t, lockedUntil(err), "the count started again")
	}
}
