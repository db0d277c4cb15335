package bunstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/pgdriver"
	"github.com/uptrace/bun/migrate"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// DB is an open database: a writer and a reader, which are the same pool on
// PostgreSQL and two pools on SQLite.
type DB struct {
	write, read *bun.DB
	postgres    bool
}

// Open opens the database dsn names and brings its schema up to date. A DSN
// starting "postgres://" or "postgresql://" is a PostgreSQL server; anything
// else is the path of a SQLite file, created if missing, or a "file:" URI
// whose parameters are dropped: the store sets its own. Open fails with a
// clear error for a missing directory, a file that is not a database or
// cannot be written, a database from a newer version of this package, and
// a server that does not answer.
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
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	sqldb := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(dsn)))
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := sqldb.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("bunstore: PostgreSQL does not answer at %s: %w", redact(dsn), err)
	}
	db := bun.NewDB(sqldb, pgdialect.New())
	return &DB{write: db, read: db, postgres: true}, nil
}

// redact drops the password from a DSN before it appears in an error.
func redact(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 {
		return dsn
	}
	user := dsn[scheme+3 : at]
	if i := strings.Index(user, ":"); i >= 0 {
		user = user[:i] + ":***"
	}
	return dsn[:scheme+3] + user + dsn[at:]
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if rest, ok := strings.CutPrefix(path, "file:"); ok {
		path, _, _ = strings.Cut(rest, "?")
	}
	if dir := filepath.Dir(path); dir != "" {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			return nil, fmt.Errorf("bunstore: the directory of %s does not exist", path)
		}
	}
	const pragmas = "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	// In a URI, '%', '?' and '#' in the path must be escaped, or the file
	// opened is another one.
	uri := "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	writer, err := sql.Open("sqlite", uri+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("bunstore: open %s: %w", path, err)
	}
	// One writer connection: writers queue here rather than fail with
	// SQLITE_BUSY when two immediate transactions meet.
	writer.SetMaxOpenConns(1)
	if err := checkSQLite(ctx, writer, path); err != nil {
		writer.Close()
		return nil, err
	}
	reader, err := sql.Open("sqlite", uri+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("bunstore: open %s: %w", path, err)
	}
	return &DB{write: bun.NewDB(writer, sqlitedialect.New()), read: bun.NewDB(reader, sqlitedialect.New())}, nil
}

// checkSQLite makes sure the file is a database this process can write.
func checkSQLite(ctx context.Context, db *sql.DB, path string) error {
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("bunstore: %s is not a usable SQLite database (corrupt, or not a database): %w", path, err)
	}
	if _, err := db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS bunstore_probe (x INTEGER); DROP TABLE bunstore_probe"); err != nil {
		return fmt.Errorf("bunstore: cannot write to %s: %w", path, err)
	}
	return nil
}

// Close closes the database.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// migrate applies the embedded migrations not yet applied, and refuses a
// database that has migrations this package does not know: it was written
// by a newer version.
func (db *DB) migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return err
	}
	migrations := migrate.NewMigrations()
	if err := migrations.Discover(sub); err != nil {
		return fmt.Errorf("bunstore: migrations: %w", err)
	}
	m := migrate.NewMigrator(db.write, migrations)
	if err := m.Init(ctx); err != nil {
		return fmt.Errorf("bunstore: prepare migrations: %w", err)
	}
	applied, err := m.AppliedMigrations(ctx)
	if err != nil {
		return fmt.Errorf("bunstore: read applied migrations: %w", err)
	}
	known := map[string]bool{}
	for _, mg := range migrations.Sorted() {
		known[mg.Name] = true
	}
	for _, a := range applied {
		if !known[a.Name] {
			return fmt.Errorf("bunstore: the database has schema version %s, newer than this program knows; upgrade the program", a.Name)
		}
	}
	if _, err := m.Migrate(ctx); err != nil {
		return fmt.Errorf("bunstore: migrate: %w", err)
	}
	return nil
}
