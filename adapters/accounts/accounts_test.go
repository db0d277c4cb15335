package accounts_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/driver/pgdriver"
	"golang.org/x/crypto/bcrypt"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/accounts"
	"github.com/fourplusn/fourplusn/adapters/bunstore"
)

// postgresEnv names the variable holding the DSN of a PostgreSQL server
// the tests may create schemas in.
const postgresEnv = "FOURPLUSN_TEST_POSTGRES"

// start is when every test's clock starts.
var start = time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)

// clock is a fake clock that tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// syncBuffer is a log that goroutines may write at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// env is one test's accounts, on a fresh database, with its clock and log.
type env struct {
	DB       *bun.DB
	Store    *bunstore.DB
	Clock    *clock
	Log      *syncBuffer
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
	o := accounts.Options{Now: e.Clock.Now, Cost: bcrypt.MinCost, Logger: slog.New(slog.NewTextHandler(e.Log, nil))}
	change(&o)
	a, err := accounts.Open(context.Background(), e.DB, o)
	require.NoError(t, err)
	return a
}

// newEnv returns accounts over db, a store opened for the test.
func newEnv(t testing.TB, store *bunstore.DB) *env {
	e := &env{DB: store.Bun(), Store: store, Clock: &clock{now: start}, Log: &syncBuffer{}}
	e.Accounts = e.open(t)
	return e
}

// engine makes fresh environments on one kind of database.
type engine struct {
	name string
	open func(t testing.TB) *bunstore.DB
}

var engines = []engine{{"SQLite", openSQLite}, {"PostgreSQL", openPostgres}}

// forEngines runs fn in a subtest on a fresh environment of each engine.
func forEngines(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, en := range engines {
		t.Run(en.name, func(t *testing.T) { fn(t, newEnv(t, en.open(t))) })
	}
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

// openPostgres opens the server named by FOURPLUSN_TEST_POSTGRES in a
// schema of its own, dropped when the test ends, or skips the test.
func openPostgres(t testing.TB) *bunstore.DB {
	t.Helper()
	dsn := os.Getenv(postgresEnv)
	if dsn == "" {
		t.Skipf("%s is not set: skipping the PostgreSQL run (set it to a DSN such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", postgresEnv)
	}
	ctx := context.Background()
	schema := fmt.Sprintf("fourplusn_accounts_%d", rand.Uint64())
	admin := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(dsn)))
	_, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE")
		assert.NoError(t, err)
		admin.Close()
	})
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := bunstore.Open(ctx, u.String())
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() }) // runs before the schema is dropped
	return db
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
		t.Run("its migrations are recorded apart from the store's", func(t *testing.T) {
			var ours, theirs int
			require.NoError(t, e.DB.QueryRowContext(ctx, "SELECT count(*) FROM accounts_migrations").Scan(&ours))
			require.NoError(t, e.DB.QueryRowContext(ctx, "SELECT count(*) FROM bun_migrations WHERE name IN (SELECT name FROM accounts_migrations)").Scan(&theirs))
			assert.Equal(t, 1, ours)
			assert.Zero(t, theirs)
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
		db := openSQLite(t).Bun()
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
