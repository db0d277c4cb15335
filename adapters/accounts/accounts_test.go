package accounts_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/driver/pgdriver"
	"golang.org/x/crypto/bcrypt"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/accounts"
	"github.com/fourplusn/fourplusn/adapters/bunstore"
)

// start is when every test's clock starts.
var start = time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)

// clock is a fake clock that tests move by hand, from start.
type clock struct {
	elapsed atomic.Int64 // since start, in nanoseconds
}

func (c *clock) Now() time.Time { return start.Add(time.Duration(c.elapsed.Load())) }

func (c *clock) Advance(d time.Duration) { c.elapsed.Add(int64(d)) }

// env is one test's accounts, on a fresh database, with its clock and log.
type env struct {
	DB       *bun.DB
	Store    *bunstore.DB  // the store beside the accounts, on SQLite; nil on PostgreSQL
	Reader   *bun.DB       // the lookups' pool, as programs give it: the store's readers on SQLite
	Feed     accounts.Feed // the store's feed of the accounts' changes on SQLite; nil on PostgreSQL
	Clock    *clock
	Log      *bytes.Buffer // slog's handler serialises its writes
	Accounts *accounts.Accounts
}

// open opens the accounts on e's database again, as another process
// would, with the same clock and log.
func (e *env) open(t testing.TB) *accounts.Accounts {
	return e.openWith(t, func(*accounts.Options) {})
}

// openWith opens the accounts as open does, with options changed by
// change.
func (e *env) openWith(t testing.TB, change func(o *accounts.Options)) *accounts.Accounts {
	t.Helper()
	o := accounts.Options{Now: e.Clock.Now, Cost: bcrypt.MinCost, Logger: slog.New(slog.NewTextHandler(e.Log, nil)), Reader: e.Reader, Feed: e.Feed}
	change(&o)
	a, err := accounts.Open(context.Background(), e.DB, o)
	require.NoError(t, err)
	return a
}

// newEnv returns accounts over db, a database opened for the test.
func newEnv(t testing.TB, db, reader *bun.DB, feed accounts.Feed) *env {
	e := &env{DB: db, Reader: reader, Feed: feed, Clock: &clock{}, Log: &bytes.Buffer{}}
	e.Accounts = e.open(t)
	return e
}

// engine opens fresh environments on one kind of database.
type engine struct {
	name string
	open func(t testing.TB) *env
}

var engines = []engine{{"SQLite", sqliteEnv}, {"PostgreSQL", postgresEnv}}

// forEngines runs fn in a subtest on a fresh environment of each engine.
func forEngines(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, en := range engines {
		t.Run(en.name, func(t *testing.T) { fn(t, en.open(t)) })
	}
}

// sqliteEnv opens the accounts on a fresh SQLite file beside a store,
// their lookups on its read-only pool as the pilot opens them: every test
// of a revoked token, an ended session or a disabled account checks that
// the readers see the writer's change at once, and, with the store's feed
// as the pilot gives it, that the tokens and sessions kept are forgotten
// at once.
func sqliteEnv(t testing.TB) *env {
	store := openSQLite(t)
	e := newEnv(t, store.Bun(), store.Reader(), store.Topic(bunstore.TopicAccounts))
	e.Store = store
	return e
}

// openSQLite opens a fresh SQLite file in the test's temporary directory,
// as programs open it: with bunstore, whose Bun is the writer connection.
func openSQLite(t testing.TB) *bunstore.DB {
	t.Helper()
	db, err := bunstore.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// postgresEnv opens the accounts on the server named by
// FOURPLUSN_TEST_POSTGRES, in a schema of their own, dropped when the test
// ends, or skips the test.
func postgresEnv(t testing.TB) *env {
	t.Helper()
	dsn := os.Getenv("FOURPLUSN_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("FOURPLUSN_TEST_POSTGRES is not set: skipping the PostgreSQL run (set it to a DSN such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	schema := fmt.Sprintf("fourplusn_accounts_%d", rand.Uint64())
	// Every connection of the pool searches the schema, which the first
	// one creates.
	db := bun.NewDB(sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(dsn),
		pgdriver.WithConnParams(map[string]any{"search_path": schema}))), pgdialect.New())
	_, err := db.ExecContext(context.Background(), "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, err := db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		assert.NoError(t, err)
		db.Close()
	})
	return newEnv(t, db, nil, nil)
}

// issue gives member an account in the township gucheng and returns its
// one-time password.
func issue(t testing.TB, a *accounts.Accounts, member string) string {
	t.Helper()
	otp, err := a.Issue(context.Background(), member, "gucheng")
	require.NoError(t, err)
	return otp
}

// withPassword gives member an account whose password is pw.
func withPassword(t testing.TB, a *accounts.Accounts, member, pw string) {
	t.Helper()
	otp := issue(t, a, member)
	require.NoError(t, a.SetPassword(context.Background(), accounts.PasswordChange{Member: member, Old: otp, New: pw}))
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	forEngines(t, func(t *testing.T, e *env) {
		t.Run("a second process sees the same accounts", func(t *testing.T) {
			withPassword(t, e.Accounts, "li.ming", "长江黄河2026春天")
			res, err := e.open(t).Login(ctx, "li.ming", "长江黄河2026春天", "10.0.0.1")
			require.NoError(t, err)
			assert.Equal(t, accounts.Result{Member: "li.ming", Township: "gucheng"}, res)
		})
		t.Run("its migrations are recorded apart from other packages'", func(t *testing.T) {
			var ours int
			require.NoError(t, e.DB.QueryRowContext(ctx, "SELECT count(*) FROM accounts_migrations").Scan(&ours))
			assert.Equal(t, 1, ours)
			if e.Store == nil {
				_, err := e.DB.ExecContext(ctx, "SELECT 1 FROM bun_migrations")
				assert.Error(t, err, "bun's default migrations table was made")
				return
			}
			var theirs int
			require.NoError(t, e.DB.QueryRowContext(ctx, "SELECT count(*) FROM bun_migrations WHERE name IN (SELECT name FROM accounts_migrations)").Scan(&theirs))
			assert.Zero(t, theirs)
			_, err := e.Store.Grid().Cells(ctx)
			assert.NoError(t, err, "the store beside the accounts")
		})
		t.Run("a newer schema is refused", func(t *testing.T) {
			_, err := e.DB.ExecContext(ctx, "INSERT INTO accounts_migrations (name, group_id, migrated_at) VALUES ('29991231000000_future', 9, CURRENT_TIMESTAMP)")
			require.NoError(t, err)
			_, err = accounts.Open(ctx, e.DB, accounts.Options{})
			assert.ErrorContains(t, err, "29991231000000_future")
			_, err = e.DB.ExecContext(ctx, "DELETE FROM accounts_migrations WHERE name = '29991231000000_future'")
			require.NoError(t, err)
		})
	})
	t.Run("options out of range", func(t *testing.T) {
		db := sqliteEnv(t).DB
		for _, o := range []accounts.Options{
			{Cost: bcrypt.MaxCost + 1},
			{Cost: 1},
			{MaxFailures: -1},
			{SessionTTL: -time.Hour},
			{LockFor: -time.Minute},
		} {
			_, err := accounts.Open(ctx, db, o)
			assert.Error(t, err, "%+v", o)
		}
	})
}

// codeOf returns err's code, for assertions that read as the contract.
func codeOf(err error) fourplusn.Code { return fourplusn.ErrorCode(err) }
