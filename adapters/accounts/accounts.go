package accounts

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"sync"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
	"golang.org/x/crypto/bcrypt"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// The tables in which the migrations applied to a database are recorded,
// apart from those of the other packages sharing it.
const (
	migrationsTable     = "accounts_migrations"
	migrationLocksTable = "accounts_migration_locks"
)

// Options configures Accounts. The zero value of each field is its
// default.
type Options struct {
	// Now is the clock; time.Now by default.
	Now func() time.Time
	// Cost is bcrypt's cost for chosen passwords; bcrypt.DefaultCost by
	// default. Tests use bcrypt.MinCost.
	Cost int
	// OneTimeTTL is how long a one-time password stays usable: 14 days by
	// default, time for a roster's members to be told theirs.
	OneTimeTTL time.Duration
	// SessionTTL is how long a session lasts: 12 hours by default.
	SessionTTL time.Duration
	// TokenTTL is how long an API token lasts when it is issued without a
	// lifetime of its own: 90 days by default.
	TokenTTL time.Duration
	// MaxFailures is how many wrong passwords in a row lock a login: 5
	// by default.
	MaxFailures int
	// LockFor is how long the first lock lasts: 1 minute by default. Each
	// further lock in a row lasts twice as long as the one before, up to
	// MaxLock.
	LockFor time.Duration
	// MaxLock caps a lock: 1 hour by default.
	MaxLock time.Duration
	// FailureWindow is how long a failure counts: a login that has not
	// failed for that long starts again from no failures. 24 hours by
	// default.
	FailureWindow time.Duration
	// Logger receives a warning for every lock; slog.Default() by default.
	Logger *slog.Logger
	// Reader, when set, is a pool of the same database that the lookups
	// of every request run on — a bearer token's, a session's — so that
	// they do not queue for a single writer connection: on SQLite the
	// read-only pool beside the writer (bunstore.DB.Reader). It must see
	// every write committed through the accounts' database as soon as it
	// is committed, as SQLite's WAL readers do, so that a revoked token or
	// a disabled account authenticates no one from then on. Nil: the
	// accounts' database.
	Reader *bun.DB
	// Feed, when set, tells every instance sharing the database of the
	// revocations made through any of them, and lets each keep the tokens
	// and sessions it verified for up to 30 seconds instead of reading
	// them anew at every request: a revoked token, an ended session or a
	// disabled account is refused as soon as the word arrives, and an
	// expired one at once. All the instances sharing a database must be
	// given the same feed. Nil: nothing is kept, every request reads.
	Feed Feed
}

// withDefaults returns o with its defaults filled in, or an error naming
// the option out of range.
func (o Options) withDefaults() (Options, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Cost == 0 {
		o.Cost = bcrypt.DefaultCost
	}
	if o.Cost < bcrypt.MinCost || o.Cost > bcrypt.MaxCost {
		return o, fmt.Errorf("accounts: bcrypt cost %d is outside %d–%d", o.Cost, bcrypt.MinCost, bcrypt.MaxCost)
	}
	if o.MaxFailures == 0 {
		o.MaxFailures = 5
	}
	if o.MaxFailures < 0 {
		return o, fmt.Errorf("accounts: MaxFailures %d is negative", o.MaxFailures)
	}
	durations := []struct {
		name string
		d    *time.Duration
		def  time.Duration
	}{
		{"OneTimeTTL", &o.OneTimeTTL, 14 * 24 * time.Hour},
		{"SessionTTL", &o.SessionTTL, 12 * time.Hour},
		{"TokenTTL", &o.TokenTTL, 90 * 24 * time.Hour},
		{"LockFor", &o.LockFor, time.Minute},
		{"MaxLock", &o.MaxLock, time.Hour},
		{"FailureWindow", &o.FailureWindow, 24 * time.Hour},
	}
	for _, d := range durations {
		if *d.d == 0 {
			*d.d = d.def
		}
		if *d.d < 0 {
			return o, fmt.Errorf("accounts: %s %v is negative", d.name, *d.d)
		}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o, nil
}

// Accounts keeps the staff's accounts, sessions and API tokens in a
// database. It is safe for concurrent use, by goroutines and by processes
// sharing the database: every count and every change is made in the
// database, in one statement or one transaction.
type Accounts struct {
	db      *bun.DB
	opts    Options
	lookups *lookups   // the per-request lookups, prepared
	cache   *credCache // nil without a Feed
	// dummyHash is compared against when a login names no account, so
	// that it takes as long as one that does. It is made on first use, at
	// the accounts' cost.
	dummyHash func() string
}

// Open returns the accounts kept in db, creating or updating their tables
// first. db is a SQLite database (sqlitedialect over modernc.org/sqlite)
// or a PostgreSQL one (pgdialect); the tables' names start "accounts_", so
// db may hold other packages' tables too. On SQLite, db should be one
// writer connection opened with _txlock=immediate, as bunstore.DB.Bun is:
// Accounts reads and writes in short transactions, and a deferred one
// that reads and then writes fails at once beside another writer.
//
// Open fails for options out of range, a database that cannot be written
// and one whose accounts' schema is newer than this package.
func Open(ctx context.Context, db *bun.DB, opts Options) (*Accounts, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := migrateSchema(ctx, db); err != nil {
		return nil, err
	}
	a := &Accounts{db: db, opts: opts, lookups: &lookups{db: db}}
	if opts.Reader != nil {
		a.lookups.db = opts.Reader
	}
	if opts.Feed != nil {
		a.cache = newCredCache(opts.Feed)
	}
	a.dummyHash = sync.OnceValue(func() string {
		h, _ := hashPassword("no such account", opts.Cost)
		return h
	})
	return a, nil
}

// migrateSchema applies the embedded migrations not yet applied. Every
// statement is safe to repeat, so that processes opening one database at
// once, or a migration that failed half-way, do no harm; a migration is
// recorded only once it succeeded.
func migrateSchema(ctx context.Context, db *bun.DB) error {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return fmt.Errorf("accounts: migrations: %w", err)
	}
	migrations := migrate.NewMigrations()
	if err := migrations.Discover(sub); err != nil {
		return fmt.Errorf("accounts: migrations: %w", err)
	}
	m := migrate.NewMigrator(db, migrations,
		migrate.WithTableName(migrationsTable),
		migrate.WithLocksTableName(migrationLocksTable),
		migrate.WithMarkAppliedOnSuccess(true),
		migrate.WithUpsert(true),
	)
	if err := m.Init(ctx); err != nil {
		return fmt.Errorf("accounts: prepare migrations: %w", err)
	}
	applied, err := m.AppliedMigrations(ctx)
	if err != nil {
		return fmt.Errorf("accounts: read applied migrations: %w", err)
	}
	// A migration this package does not know was applied by a newer
	// program, which may keep accounts in a way this one would misread.
	known := map[string]bool{}
	for _, k := range migrations.Sorted() {
		known[k.Name] = true
	}
	for _, a := range applied {
		if !known[a.Name] {
			return fmt.Errorf("accounts: the database has the accounts' schema version %s, which this program does not know: upgrade the program", a.Name)
		}
	}
	if _, err := m.Migrate(ctx); err != nil {
		return fmt.Errorf("accounts: migrate: %w", err)
	}
	return nil
}

// now returns the clock's time in UTC.
func (a *Accounts) now() time.Time { return a.opts.Now().UTC() }

// column returns the stored form of t: Unix nanoseconds, 0 for the zero
// time. The stored times of this package all fall within 1970–2262.
func column(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromColumn reads a time stored by column, in UTC.
func fromColumn(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
