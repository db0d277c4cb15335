package bunstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/pgdriver"
	"github.com/uptrace/bun/migrate"
	"modernc.org/sqlite" // and registers the pure-Go "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// pingTimeout bounds how long Open waits for a PostgreSQL server, so that a
// wrong address fails the start of a program instead of hanging it.
const pingTimeout = 5 * time.Second

// DB is an open database. On SQLite it holds two pools: one connection for
// every write, so that writers queue in the process instead of failing with
// "database is locked", and a read-only pool for queries, which WAL lets run
// beside the writer. On PostgreSQL, which has row locks, one pool does both.
type DB struct {
	write, read                *bun.DB
	postgres                   bool
	sqliteURI                  string                        // the SQLite file's URI, for Backup's connection of its own
	notices                    atomic.Pointer[noticeRules]   // see EnableOutbox; nil while it is off
	tracking                   atomic.Pointer[trackingRules] // see EnableTracking; nil while it is off
	caseCache                  *cache[mediation.Case]
	hazardCache                *cache[hazard.Hazard]
	statements                 statements
	changes                    feed        // see Subscribe
	caseImports, hazardImports importStats // see tidyImported
}

// Open opens the database dsn names and brings its schema up to date. A DSN
// starting "postgres://" or "postgresql://" is a PostgreSQL server; anything
// else is the path of a SQLite file, created if missing, or a "file:" URI
// whose query parameters are dropped, as the store sets its own.
//
// Open fails with an error that says what is wrong for a directory that does
// not exist, a file that is not a database or cannot be written, a database
// whose schema is newer than this package, and a server that does not answer
// within five seconds.
func Open(ctx context.Context, dsn string) (*DB, error) {
	var db *DB
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db, err = openPostgres(ctx, dsn)
	} else {
		db, err = openSQLite(ctx, dsn)
	}
	if err != nil {
		return nil, err
	}
	db.setTidySteps()
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if db.postgres {
		var schema string
		if err := db.write.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
			db.Close()
			return nil, fmt.Errorf("bunstore: read the schema: %w", err)
		}
		db.changes.channel = changesChannel(schema)
	}
	if err := db.fillTally(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if db.caseCache, err = newCache(ctx, db, "cases", (*mediation.Case).Clone); err != nil {
		db.Close()
		return nil, err
	}
	if db.hazardCache, err = newCache(ctx, db, "hazards", (*hazard.Hazard).Clone); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func openPostgres(ctx context.Context, dsn string) (db *DB, err error) {
	u, err := url.Parse(dsn)
	if err != nil {
		// The parse error would quote the DSN, password and all.
		return nil, errors.New("bunstore: the PostgreSQL DSN is not a valid URL")
	}
	shown := u.Redacted()
	defer func() {
		// pgdriver.WithDSN panics on a DSN it cannot use (an unknown
		// sslmode, say): that is bad input, not a bug of this program.
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("bunstore: cannot use PostgreSQL DSN %s: %v", shown, r)
		}
	}()
	sqldb := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(dsn)))
	// Every Update holds a connection while it waits for its row lock; a
	// bound keeps a burst of writers from exhausting the server's
	// max_connections, and the excess waits in the pool instead.
	sqldb.SetMaxOpenConns(max(8, 4*runtime.GOMAXPROCS(0)))
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if err := sqldb.PingContext(pctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("bunstore: PostgreSQL does not answer at %s: %w", shown, err)
	}
	b := bun.NewDB(sqldb, pgdialect.New())
	return &DB{write: b, read: b, postgres: true}, nil
}

// sqlitePragmas are set on every SQLite connection, in modernc.org/sqlite's
// _pragma form. synchronous(FULL) is SQLite's default, spelled out because
// NORMAL, common advice for WAL, may lose the last commits on a power cut:
// a resident told "registered" must find the case registered.
//
// WAL is not among them: the driver runs the _pragma list sorted by name,
// and journal_mode would fix a new file's page size before page_size ran.
// checkSQLite sets both, in order.
var sqlitePragmas = fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)", sqliteBusyTimeout.Milliseconds())

// sqliteBusyTimeout is how long a connection waits for another's lock
// before it gives up with SQLITE_BUSY.
const sqliteBusyTimeout = 5 * time.Second

// sqlitePageSize is the page size of a new file. A case's row is about two
// kilobytes, so 4 KiB pages, SQLite's default, hold one row and leave the
// rest of the page empty; 8 KiB pages hold three and the file is a fifth
// smaller.
const sqlitePageSize = 8192

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if rest, ok := strings.CutPrefix(path, "file:"); ok {
		path, _, _ = strings.Cut(rest, "?")
	}
	if path == "" || path == ":memory:" || strings.HasPrefix(path, ":memory:") {
		// The writer and the readers are separate connections, and each
		// would get a database of its own.
		return nil, errors.New("bunstore: an in-memory SQLite database cannot be shared by the writer and the readers; give a file path")
	}
	if info, err := os.Stat(filepath.Dir(path)); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("bunstore: the directory of %s does not exist", path)
	}
	uri := sqliteFileURI(path) + "?" + sqlitePragmas
	// The writer begins every transaction IMMEDIATE: a read-then-write
	// transaction begun DEFERRED fails at once with SQLITE_BUSY when it
	// meets another writer, whatever busy_timeout says.
	writer, err := sql.Open("sqlite", uri+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("bunstore: open %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	if err := checkSQLite(ctx, writer, path); err != nil {
		writer.Close()
		return nil, err
	}
	reader, err := sql.Open("sqlite", uri+"&_pragma=query_only(1)")
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("bunstore: open %s: %w", path, err)
	}
	// Every reader is kept open when idle: database/sql keeps two by
	// default, and opening a SQLite connection costs more than most reads,
	// so readers beyond two were opened and closed again under load.
	readers := max(4, runtime.GOMAXPROCS(0))
	reader.SetMaxOpenConns(readers)
	reader.SetMaxIdleConns(readers)
	return &DB{write: bun.NewDB(writer, sqlitedialect.New()), read: bun.NewDB(reader, sqlitedialect.New()), sqliteURI: uri}, nil
}

// sqliteFileURI returns the "file:" URI of path, without parameters. In a
// URI, '%', '?' and '#' in the path must be escaped, or another file is
// opened.
func sqliteFileURI(path string) string {
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// checkSQLite makes sure path is a SQLite database this process can write,
// so that a wrong file fails Open, not the first request, and puts it in
// write-ahead-log mode, in which readers do not wait for the writer.
func checkSQLite(ctx context.Context, db *sql.DB, path string) error {
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		var lite *sqlite.Error
		if errors.As(err, &lite) {
			switch lite.Code() & 0xff {
			case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_READONLY:
				return fmt.Errorf("bunstore: cannot open or create %s: this user may not write it or its directory (%s): %w", path, filepath.Dir(path), err)
			}
		}
		return fmt.Errorf("bunstore: %s is not a usable SQLite database (corrupt, or not a database): %w", path, err)
	}
	// page_size changes only a file that holds nothing yet; WAL, once set,
	// is kept in the file for every later connection, the readers' too.
	if _, err := db.ExecContext(ctx, fmt.Sprintf("PRAGMA page_size = %d", sqlitePageSize)); err != nil {
		return fmt.Errorf("bunstore: set the page size of %s: %w", path, err)
	}
	mode, err := walMode(ctx, db)
	if err != nil {
		return fmt.Errorf("bunstore: cannot use write-ahead logging on %s: %w", path, err)
	}
	if mode != "wal" {
		return fmt.Errorf("bunstore: %s stays in journal mode %q: it cannot use write-ahead logging", path, mode)
	}
	// A name of its own, so that processes opening the file together do
	// not drop each other's probe.
	probe := fmt.Sprintf("bunstore_probe_%x", rand.Uint64())
	if _, err := db.ExecContext(ctx, "CREATE TABLE "+probe+" (x INTEGER); DROP TABLE "+probe); err != nil {
		return fmt.Errorf("bunstore: cannot write to %s: %w", path, err)
	}
	return nil
}

// walMode puts the file in write-ahead-log mode, unless it is already, and
// returns the journal mode it is in. Changing the mode needs the file to
// itself, and SQLite answers SQLITE_BUSY at once, without waiting as
// busy_timeout says, when another connection — another program opening the
// same new file — holds it: so it tries again until the busy timeout.
func walMode(ctx context.Context, db *sql.DB) (string, error) {
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode == "wal" {
		return mode, err
	}
	deadline := time.Now().Add(sqliteBusyTimeout)
	for {
		err := db.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode)
		var lite *sqlite.Error
		if err == nil || !errors.As(err, &lite) || lite.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return mode, err
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// Bun returns the database for a program's own tables beside the store's
// (accounts, sessions, settings), which the program creates itself. On
// SQLite it is the one writer connection, so keep its transactions short;
// on PostgreSQL it is the shared pool.
func (db *DB) Bun() *bun.DB { return db.write }

// Postgres reports whether the database is a PostgreSQL server, which
// several processes may share, rather than a SQLite file, which one
// process writes.
func (db *DB) Postgres() bool { return db.postgres }

// Reader returns the database for a program's own queries of its tables
// that write nothing: on SQLite the read-only pool, whose connections run
// beside the writer and see each of its commits once it is made; on
// PostgreSQL the shared pool, as Bun.
func (db *DB) Reader() *bun.DB { return db.read }

// Close closes the database.
func (db *DB) Close() error {
	db.changes.stop()
	err := errors.Join(db.caseCache.close(), db.hazardCache.close(), db.statements.close(), db.write.Close())
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// schemaLimit, when set, is the newest migration Open applies; only tests
// set it (see export_test.go).
var schemaLimit string

// migrationData fills the migrations' templates: where the engines' syntax
// differs, a migration says {{if .Postgres}}…{{end}}.
type migrationData struct {
	Postgres bool
	Zero     int64 // the stored form of the zero time; see timeColumn
}

// migrate applies the embedded migrations not yet applied. The newest
// migration applied is the schema's version; a database whose version this
// package does not know was written by a newer program, which may store
// records in a way this one would misread, so it is refused.
func (db *DB) migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return fmt.Errorf("bunstore: migrations: %w", err)
	}
	migrations := migrate.NewMigrations()
	if err := migrations.Discover(sub); err != nil {
		return fmt.Errorf("bunstore: migrations: %w", err)
	}
	// Some migrations are written in Go, as SQL could not do them safely
	// on both engines: see migrateNumbers. migrations/ notes their places.
	for _, g := range []struct {
		name, comment string
		up            func(context.Context) error
	}{
		{"20261201000008", "numbers", db.migrateNumbers},
		{"20261201000012", "search", db.migrateSearch},
		{"20261201000016", "suspended", db.migrateSuspended},
		{"20261201000022", "township keys", db.migrateTownshipKeys},
		{"20261201000023", "recurred", db.migrateRecurred},
		{"20261201000024", "deadline keys", db.migrateDeadlineKeys},
	} {
		migrations.Add(migrate.Migration{
			Name: g.name, Comment: g.comment,
			Up: func(ctx context.Context, _ *migrate.Migrator, _ *migrate.Migration) error { return g.up(ctx) },
		})
	}
	known := migrations.Sorted()
	if schemaLimit != "" {
		// Tests make the schema as it was before a migration.
		limited := migrate.NewMigrations()
		for _, m := range known {
			if m.Name <= schemaLimit {
				limited.Add(m)
			}
		}
		migrations, known = limited, limited.Sorted()
	}
	for i := 1; i < len(known); i++ {
		if known[i].Name == known[i-1].Name {
			return fmt.Errorf("bunstore: two migrations are numbered %s", known[i].Name)
		}
	}
	m := migrate.NewMigrator(db.write, migrations,
		migrate.WithTemplateData(migrationData{Postgres: db.postgres, Zero: zeroTime}),
		// Recorded only once it succeeded, so that a migration that failed
		// half-way runs again on the next Open. Every statement is written
		// to be safe to repeat.
		migrate.WithMarkAppliedOnSuccess(true),
	)
	if err := m.Init(ctx); err != nil {
		return fmt.Errorf("bunstore: prepare migrations: %w", err)
	}
	applied, err := m.AppliedMigrations(ctx)
	if err != nil {
		return fmt.Errorf("bunstore: read applied migrations: %w", err)
	}
	latest := known[len(known)-1].Name
	isKnown := map[string]bool{}
	for _, k := range known {
		isKnown[k.Name] = true
	}
	for _, a := range applied {
		switch {
		case isKnown[a.Name]:
		case a.Name > latest:
			return fmt.Errorf("bunstore: the database has schema version %s, newer than %s, the newest this program knows: upgrade the program", a.Name, latest)
		default:
			return fmt.Errorf("bunstore: the database has schema version %s, which this program does not know (its newest is %s)", a.Name, latest)
		}
	}
	if _, err := m.Migrate(ctx); err != nil {
		return fmt.Errorf("bunstore: migrate: %w", err)
	}
	return nil
}
