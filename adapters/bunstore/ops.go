package bunstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/uptrace/bun"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/outbox"
)

// ErrBackupPostgres is Backup's answer on PostgreSQL, whose server has its
// own tools for a consistent copy.
var ErrBackupPostgres = errors.New("bunstore: a PostgreSQL database is copied with the server's own tools: run pg_dump --format=custom --file=FILE with the database's DSN, and pg_restore to bring it back")

// Backup writes a consistent copy of the SQLite database to path, which
// must not exist: a backup never replaces a file, an older backup least of
// all. The copy is SQLite's VACUUM INTO, on a connection of its own: it
// reads the database in one transaction, so it holds every write committed
// before it began and none after, and the writes go on meanwhile. The copy
// is made under a temporary name beside path, checked with SQLite's
// integrity check, synced to disk, and only then given its name, so that
// path never names a partial copy. It is readable by its owner alone: it
// holds the residents' personal data.
//
// On PostgreSQL Backup returns ErrBackupPostgres.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.postgres {
		return ErrBackupPostgres
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("bunstore: backup: %s exists: a backup never replaces a file; name a new one", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("bunstore: backup: %w", err)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.partial")
	if err != nil {
		return fmt.Errorf("bunstore: backup: %w", err)
	}
	partial := tmp.Name()
	defer os.Remove(partial) // once linked to path, only the temporary name goes
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("bunstore: backup: %w", err)
	}
	// The readers are query_only, which refuses VACUUM INTO, and the
	// writer must stay free for the writes.
	conn, err := sql.Open("sqlite", db.sqliteURI)
	if err != nil {
		return fmt.Errorf("bunstore: backup: %w", err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", partial); err != nil {
		return fmt.Errorf("bunstore: backup into %s: %w", path, unavailable(err))
	}
	if err := checkCopy(ctx, partial); err != nil {
		return err
	}
	if err := syncFile(partial); err != nil {
		return fmt.Errorf("bunstore: backup: %w", err)
	}
	// A link, unlike a rename, fails if path was made meanwhile.
	if err := os.Link(partial, path); err != nil {
		return fmt.Errorf("bunstore: backup: %w", err)
	}
	if err := syncFile(dir); err != nil {
		return fmt.Errorf("bunstore: backup: %s is written, but its directory could not be synced: %w", path, err)
	}
	return nil
}

// checkCopy runs SQLite's integrity check on the copy at path, read only.
func checkCopy(ctx context.Context, path string) error {
	c, err := sql.Open("sqlite", sqliteFileURI(path)+"?mode=ro")
	if err != nil {
		return fmt.Errorf("bunstore: backup: %w", err)
	}
	defer c.Close()
	var verdict string
	if err := c.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&verdict); err != nil {
		return fmt.Errorf("bunstore: backup: check the copy: %w", err)
	}
	if verdict != "ok" {
		return fmt.Errorf("bunstore: backup: the copy fails SQLite's integrity check: %s", verdict)
	}
	return nil
}

// syncFile flushes the file or directory at path to disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Ping checks that the database answers, with ctx's deadline: each pool
// is pinged and runs a trivial query. It returns an Unavailable error
// when one does not answer, and a closed DB never does.
func (db *DB) Ping(ctx context.Context) error {
	for _, p := range db.pools() {
		var one int
		err := p.db.PingContext(ctx)
		if err == nil {
			err = p.db.QueryRowContext(ctx, "SELECT 1").Scan(&one)
		}
		if err != nil {
			return &fourplusn.Error{Code: fourplusn.Unavailable, Message: "the database does not answer", Err: fmt.Errorf("bunstore: the %s pool: %w", p.name, err)}
		}
	}
	return nil
}

// PoolStats are the statistics of one of a DB's connection pools.
type PoolStats struct {
	// Pool names the pool: "write" and "read" on SQLite, "shared" on
	// PostgreSQL, where one pool does both.
	Pool string
	sql.DBStats
}

// PoolStats returns the statistics of each of the DB's connection pools,
// for a program's metrics.
func (db *DB) PoolStats() []PoolStats {
	var out []PoolStats
	for _, p := range db.pools() {
		out = append(out, PoolStats{Pool: p.name, DBStats: p.db.Stats()})
	}
	return out
}

type pool struct {
	name string
	db   *bun.DB
}

// pools returns the DB's connection pools by name.
func (db *DB) pools() []pool {
	if db.read == db.write {
		return []pool{{"shared", db.write}}
	}
	return []pool{{"write", db.write}, {"read", db.read}}
}

// Count returns how many deliveries are in state: the backlog (Pending)
// or the given-up (Failed), for a program's metrics. The index on the
// state answers it without reading the delivered ones.
func (o *Outbox) Count(ctx context.Context, state outbox.State) (int, error) {
	var n int
	if err := o.db.read.QueryRowContext(ctx, "SELECT count(*) FROM notify_outbox WHERE state = ?", string(state)).Scan(&n); err != nil {
		return 0, fmt.Errorf("bunstore: count %s deliveries: %w", state, err)
	}
	return n, nil
}
