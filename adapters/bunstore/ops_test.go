package bunstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/adapters/outbox"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// fullDisk fills a database and then makes room again, each engine its
// own way: on SQLite the file may grow no further than it is
// (max_page_count, which holds for the writer's one connection); on
// PostgreSQL a trigger answers every new case as the server answers on a
// full disk (disk_full, 53100).
type fullDisk struct {
	engine
	fill, makeRoom func(t *testing.T, db *bunstore.DB)
}

var fullDisks = []fullDisk{
	{
		engine: engines[0],
		fill: func(t *testing.T, db *bunstore.DB) {
			var pages int
			require.NoError(t, db.Bun().QueryRow("PRAGMA page_count").Scan(&pages))
			_, err := db.Bun().Exec("PRAGMA max_page_count = ?", pages)
			require.NoError(t, err)
		},
		makeRoom: func(t *testing.T, db *bunstore.DB) {
			_, err := db.Bun().Exec("PRAGMA max_page_count = 1000000")
			require.NoError(t, err)
		},
	},
	{
		engine: engines[1],
		fill: func(t *testing.T, db *bunstore.DB) {
			_, err := db.Bun().Exec(`CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$`)
			require.NoError(t, err)
			_, err = db.Bun().Exec("CREATE TRIGGER disk_full BEFORE INSERT ON cases FOR EACH ROW EXECUTE FUNCTION disk_full()")
			require.NoError(t, err)
		},
		makeRoom: func(t *testing.T, db *bunstore.DB) {
			_, err := db.Bun().Exec("DROP TRIGGER disk_full ON cases")
			require.NoError(t, err)
		},
	},
}

// A write refused for want of room fails with an Unavailable error, not an
// internal one, and leaves nothing of itself: no case, no event, no
// notification. Once there is room the same write succeeds.
func TestFullDisk(t *testing.T) {
	ctx := context.Background()
	for _, fd := range fullDisks {
		t.Run(fd.name, func(t *testing.T) {
			db := fd.open(t)
			db.EnableOutbox(mediation.Notices, hazard.Notices)
			cases := db.Cases()
			first, events := testCase(1)
			_, err := cases.Create(ctx, first, events, work.IdempotencyKey{})
			require.NoError(t, err)
			fd.fill(t, db)

			// The pages that are left take a few more cases; the first
			// write that needs a new page is refused.
			n := 2
			for ; n < 500; n++ {
				c, events := testCase(n)
				if _, err = cases.Create(ctx, c, events, work.IdempotencyKey{}); err != nil {
					break
				}
			}
			require.Error(t, err, "the database filled up")
			assert.Equal(t, fourplusn.Unavailable, fourplusn.ErrorCode(err), "%v", err)
			assert.Equal(t, "the database has no room to store this now: try again later", fourplusn.ErrorMessage(err))
			refused, _ := testCase(n)
			_, err = cases.Get(ctx, refused.ID)
			assert.Equal(t, fourplusn.NotFound, fourplusn.ErrorCode(err), "no part of the refused case is stored")
			var logged int
			require.NoError(t, db.Bun().QueryRow("SELECT count(*) FROM case_events WHERE subject = ?", string(refused.ID)).Scan(&logged))
			assert.Zero(t, logged, "nor any event of its timeline")
			pending, err := db.Outbox().Count(ctx, outbox.Pending)
			require.NoError(t, err)
			var stored int
			require.NoError(t, db.Bun().QueryRow("SELECT count(*) FROM cases").Scan(&stored))
			assert.Equal(t, n-1, stored)

			fd.makeRoom(t, db)
			c, events := testCase(n)
			_, err = cases.Create(ctx, c, events, work.IdempotencyKey{})
			require.NoError(t, err, "with room again, the same case is stored")
			got, err := cases.Get(ctx, c.ID)
			require.NoError(t, err)
			assert.Equal(t, c, got)
			after, err := db.Outbox().Count(ctx, outbox.Pending)
			require.NoError(t, err)
			assert.Greater(t, after, pending, "and its notifications with it: the refused write had left none")
		})
	}
}

// Backup copies the database while cases are written: the copy passes
// SQLite's integrity check and holds every case stored before the backup
// began. It refuses a file that exists, and leaves no partial file behind.
func TestBackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := bunstore.Open(ctx, filepath.Join(dir, "live.db"))
	require.NoError(t, err)
	defer db.Close()
	cases := db.Cases()
	var before []mediation.ID
	for i := range 20 {
		c, events := testCase(i)
		_, err := cases.Create(ctx, c, events, work.IdempotencyKey{})
		require.NoError(t, err)
		before = append(before, c.ID)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				c, events := testCase(1000 + w*10000 + i)
				if _, err := cases.Create(ctx, c, events, work.IdempotencyKey{}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	copyPath := filepath.Join(dir, "backup.db")
	err = db.Backup(ctx, copyPath)
	close(stop)
	wg.Wait()
	close(errs)
	require.NoError(t, err)
	for err := range errs {
		require.NoError(t, err, "the writes go on during the backup")
	}

	raw, err := sql.Open("sqlite", "file:"+copyPath+"?mode=ro")
	require.NoError(t, err)
	defer raw.Close()
	var verdict string
	require.NoError(t, raw.QueryRow("PRAGMA integrity_check").Scan(&verdict))
	assert.Equal(t, "ok", verdict)
	info, err := os.Stat(copyPath)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "the copy is its owner's alone")

	restored, err := bunstore.Open(ctx, copyPath)
	require.NoError(t, err)
	defer restored.Close()
	for _, id := range before {
		_, err := restored.Cases().Get(ctx, id)
		assert.NoError(t, err, "case %s, stored before the backup began", id)
	}

	t.Run("refuses an existing file", func(t *testing.T) {
		for _, name := range []string{"backup.db", "empty.db"} {
			p := filepath.Join(dir, name)
			if name == "empty.db" {
				require.NoError(t, os.WriteFile(p, nil, 0o600))
			}
			was, err := os.ReadFile(p)
			require.NoError(t, err)
			err = db.Backup(ctx, p)
			assert.ErrorContains(t, err, "exists")
			now, err := os.ReadFile(p)
			require.NoError(t, err)
			assert.Equal(t, was, now, "%s is left as it was", name)
		}
	})
	t.Run("leaves no partial file", func(t *testing.T) {
		err := db.Backup(ctx, filepath.Join(dir, "missing", "backup.db"))
		require.Error(t, err)
		matches, err := filepath.Glob(filepath.Join(dir, ".*partial"))
		require.NoError(t, err)
		assert.Empty(t, matches)
	})
}

// On PostgreSQL Backup says to use the server's tools.
func TestBackupPostgres(t *testing.T) {
	db := openPostgres(t)
	err := db.Backup(context.Background(), filepath.Join(t.TempDir(), "backup.db"))
	assert.ErrorIs(t, err, bunstore.ErrBackupPostgres)
	assert.ErrorContains(t, err, "pg_dump")
}

// Ping answers nil while the database answers and Unavailable once it is
// closed; PoolStats names each pool.
func TestPingAndPools(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		engine
		pools []string
	}{
		{engines[0], []string{"write", "read"}},
		{engines[1], []string{"shared"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := tc.open(t)
			require.NoError(t, db.Ping(ctx))
			var names []string
			for _, p := range db.PoolStats() {
				names = append(names, p.Pool)
				assert.Positive(t, p.MaxOpenConnections, p.Pool)
			}
			assert.Equal(t, tc.pools, names)
			require.NoError(t, db.Close())
			err := db.Ping(ctx)
			assert.Equal(t, fourplusn.Unavailable, fourplusn.ErrorCode(err), "%v", err)
		})
	}
}

// BenchmarkBackup copies a database of 10,000 cases, with their timelines,
// to a new file: the copy, its integrity check and its sync.
func BenchmarkBackup(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	db, err := bunstore.Open(ctx, filepath.Join(dir, "live.db"))
	require.NoError(b, err)
	defer db.Close()
	batch := make([]bunstore.Loaded[mediation.Case], 0, 10_000)
	for i := range cap(batch) {
		c, events := testCase(i)
		batch = append(batch, bunstore.Loaded[mediation.Case]{Record: c, Events: events})
	}
	require.NoError(b, db.Cases().Import(ctx, batch))
	n := 0
	for b.Loop() {
		n++
		path := filepath.Join(dir, fmt.Sprintf("backup-%d.db", n))
		if err := db.Backup(ctx, path); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		info, err := os.Stat(path)
		require.NoError(b, err)
		b.SetBytes(info.Size())
		require.NoError(b, os.Remove(path))
		b.StartTimer()
	}
}
