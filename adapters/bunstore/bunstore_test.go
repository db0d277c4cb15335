package bunstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun/driver/pgdriver"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/adapters/storetest"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/geo"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/internal/pgtest"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// engine opens a fresh, empty database for one test.
type engine struct {
	name string
	open func(t *testing.T) *bunstore.DB
}

var engines = []engine{{"SQLite", openSQLite}, {"PostgreSQL", openPostgres}}

// openSQLite opens a fresh SQLite file in the test's temporary directory.
func openSQLite(t *testing.T) *bunstore.DB {
	t.Helper()
	db, err := bunstore.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// postgresDSN returns the server's DSN, or skips the test.
func postgresDSN(t *testing.T) string {
	t.Helper()
	return pgtest.DSN(t, "the PostgreSQL run")
}

// openPostgres opens the server named by FOURPLUSN_TEST_POSTGRES in a
// schema of its own, dropped when the test ends, or skips the test.
func openPostgres(t *testing.T) *bunstore.DB {
	t.Helper()
	return openPostgresAt(t, postgresDSN(t))
}

// openPostgresAt opens dsn's database in a fresh schema.
func openPostgresAt(t *testing.T, dsn string) *bunstore.DB {
	t.Helper()
	db, err := bunstore.Open(context.Background(), schemaDSN(t, dsn))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() }) // runs before the schema is dropped
	return db
}

// schemaDSN creates a schema of its own in dsn's database, dropped when
// the test ends, and returns dsn with search_path set to it, which makes
// every connection of a pool use it.
// onEachEngine runs test as a subtest on a new, empty database of each
// engine: a SQLite file, and a schema of its own on PostgreSQL (skipped
// when no server is configured).
func onEachEngine(t *testing.T, test func(t *testing.T, dsn string)) {
	for _, e := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"SQLite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "test.db") }},
		{"PostgreSQL", func(t *testing.T) string { return schemaDSN(t, postgresDSN(t)) }},
	} {
		t.Run(e.name, func(t *testing.T) { test(t, e.dsn(t)) })
	}
}

func schemaDSN(t *testing.T, dsn string) string {
	t.Helper()
	dsn, _ = pgtest.Schema(t, dsn, "fourplusn_test")
	return dsn
}

func conformance(t *testing.T, open func(t *testing.T) *bunstore.DB) {
	storetest.Cases(t, func(t *testing.T) mediation.Store { return open(t).Cases() })
	storetest.Hazards(t, func(t *testing.T) hazard.Store { return open(t).Hazards() })
	storetest.Indicators(t, func(t *testing.T) stats.Indicators { return open(t).Indicators() })
	storetest.Grid(t, func(t *testing.T) grid.Store { return open(t).Grid() })
	storetest.Boundaries(t, func(t *testing.T) geo.Store { return open(t).Boundaries() })
	storetest.Files(t, func(t *testing.T) attachment.Files { return open(t).Files() })
	storetest.Stats(t, func(t *testing.T) storetest.Stores {
		db := open(t)
		return storetest.Stores{Cases: db.Cases(), Hazards: db.Hazards(), Source: db.Stats()}
	})
}

func TestSQLite(t *testing.T) { conformance(t, openSQLite) }

func TestPostgres(t *testing.T) {
	postgresDSN(t)
	conformance(t, openPostgres)
}

// closedPort returns a local TCP address nothing listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Run("missing directory", func(t *testing.T) {
		_, err := bunstore.Open(ctx, filepath.Join(dir, "missing", "x.db"))
		assert.ErrorContains(t, err, "does not exist")
		_, err = bunstore.Open(ctx, "file:"+filepath.Join(dir, "missing", "x.db")+"?mode=rwc")
		assert.ErrorContains(t, err, "does not exist")
		assert.NoDirExists(t, filepath.Join(dir, "missing"))
	})
	t.Run("corrupt file", func(t *testing.T) {
		corrupt := filepath.Join(dir, "corrupt.db")
		garbage := make([]byte, 8192)
		for i := range garbage {
			garbage[i] = byte(i*7 + 3)
		}
		require.NoError(t, os.WriteFile(corrupt, garbage, 0o644))
		_, err := bunstore.Open(ctx, corrupt)
		assert.ErrorContains(t, err, "not a usable SQLite database")
	})
	t.Run("a directory, not a file", func(t *testing.T) {
		_, err := bunstore.Open(ctx, dir)
		assert.Error(t, err)
	})
	t.Run("unwritable file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "ro.db")
		db, err := bunstore.Open(ctx, path)
		require.NoError(t, err)
		require.NoError(t, db.Close())
		readOnly(t, path)
		_, err = bunstore.Open(ctx, path)
		assert.Error(t, err)
		assert.NotContains(t, err.Error(), "corrupt")
	})
	t.Run("unwritable directory", func(t *testing.T) {
		dir := t.TempDir()
		readOnly(t, dir)
		_, err := bunstore.Open(ctx, filepath.Join(dir, "new.db"))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "may not write it or its directory")
		assert.NotContains(t, err.Error(), "corrupt", "a read-only directory is not a corrupt database")
	})
	t.Run("in memory", func(t *testing.T) {
		for _, dsn := range []string{":memory:", "file::memory:?cache=shared", ""} {
			_, err := bunstore.Open(ctx, dsn)
			assert.ErrorContains(t, err, "in-memory", dsn)
		}
	})
	t.Run("newer schema", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "newer.db")
		db, err := bunstore.Open(ctx, path)
		require.NoError(t, err)
		require.NoError(t, db.Close())
		raw, err := sql.Open("sqlite", path)
		require.NoError(t, err)
		_, err = raw.Exec("INSERT INTO bun_migrations (name, group_id, migrated_at) VALUES ('29990101000000', 99, CURRENT_TIMESTAMP)")
		require.NoError(t, err)
		require.NoError(t, raw.Close())
		_, err = bunstore.Open(ctx, path)
		assert.ErrorContains(t, err, "schema version 29990101000000, newer than")
		assert.ErrorContains(t, err, "upgrade the program")
	})
	t.Run("unreachable PostgreSQL", func(t *testing.T) {
		start := time.Now()
		_, err := bunstore.Open(ctx, "postgres://fourplusn:s3cret@"+closedPort(t)+"/test?sslmode=disable")
		assert.ErrorContains(t, err, "PostgreSQL does not answer")
		assert.NotContains(t, err.Error(), "s3cret", "the password stays out of the error")
		assert.Less(t, time.Since(start), 10*time.Second)
	})
	t.Run("bad PostgreSQL DSN", func(t *testing.T) {
		_, err := bunstore.Open(ctx, "postgres://u:s3cret@127.0.0.1:1/test?sslmode=bogus")
		assert.ErrorContains(t, err, "cannot use PostgreSQL DSN")
		assert.NotContains(t, err.Error(), "s3cret")
		_, err = bunstore.Open(ctx, "postgres://u:s3cret@[::1/x")
		assert.ErrorContains(t, err, "not a valid URL")
		assert.NotContains(t, err.Error(), "s3cret")
	})
	t.Run("odd characters in the path", func(t *testing.T) {
		odd := filepath.Join(t.TempDir(), "a#b?c%d")
		require.NoError(t, os.Mkdir(odd, 0o755))
		db, err := bunstore.Open(ctx, filepath.Join(odd, "x.db"))
		require.NoError(t, err)
		require.NoError(t, db.Close())
		assert.FileExists(t, filepath.Join(odd, "x.db"), "the very file named, not a URI's reading of it")
	})
}

// migrations returns the names of the migrations applied to the SQLite
// file at path.
func migrations(t *testing.T, path string) []string {
	raw, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer raw.Close()
	rows, err := raw.Query("SELECT name FROM bun_migrations ORDER BY id")
	require.NoError(t, err)
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		names = append(names, n)
	}
	require.NoError(t, rows.Err())
	return names
}

var demo = gridtest.Gucheng()

// testCase returns a registered case n in mayuan-1 with its first event,
// numbered n: the number Create gives the n-th case of 2026, and one
// Import keeps.
func testCase(n int) (*mediation.Case, []timeline.Event) {
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Hour)
	p := demo.Path("mayuan-1")
	c := &mediation.Case{
		ID: mediation.ID(fmt.Sprintf("C%04d", n)), TrackingCode: fmt.Sprintf("T%04d", n), Version: 1, Township: "gucheng",
		Number:  mediation.Number{Prefix: "古调", Year: 2026, Seq: n},
		Channel: work.ChannelGridHead, Category: mediation.Neighbour, Grade: work.Simple,
		Location: p, Handling: p, FirstResponder: "mayuan-1-head", State: mediation.Registered,
		RegisteredAt: at, AcceptDue: at.Add(24 * time.Hour),
		Team: []mediation.Participant{{Department: "police"}, {Department: "justice"}},
	}
	var e timeline.Event
	e, c.Chain = c.Chain.Append(timeline.Event{Subject: string(c.ID), At: at, Actor: "mayuan-1-head", Action: "registered"})
	return c, []timeline.Event{e}
}

// readOnly makes path unwritable for the test: with its mode, or, for
// root, who writes whatever the mode says, with the immutable attribute
// (chattr +i); without chattr, root's test is skipped.
func readOnly(t *testing.T, path string) {
	t.Helper()
	if os.Geteuid() != 0 {
		info, err := os.Stat(path)
		require.NoError(t, err)
		require.NoError(t, os.Chmod(path, info.Mode().Perm()&^0o222))
		t.Cleanup(func() { os.Chmod(path, info.Mode().Perm()) })
		return
	}
	if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
		t.Skipf("root writes read-only files, and chattr +i failed (%v: %s): nothing to check", err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", path).Run() })
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "reopen.db")
	db, err := bunstore.Open(ctx, path)
	require.NoError(t, err)
	c, events := testCase(1)
	_, err = db.Cases().Create(ctx, c, events, work.IdempotencyKey{})
	require.NoError(t, err)
	require.NoError(t, db.Close())
	applied := migrations(t, path)
	require.NotEmpty(t, applied)

	// Opening again, by path or by URI, applies nothing and keeps the data.
	for _, dsn := range []string{path, "file:" + path + "?_pragma=foreign_keys(0)"} {
		db, err = bunstore.Open(ctx, dsn)
		require.NoError(t, err)
		got, err := db.Cases().Get(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, c, got)
		require.NoError(t, db.Close())
		assert.Equal(t, applied, migrations(t, path), "re-running migrations is a no-op")
	}
}

// TestMigrateFirstSchema opens a database written under the first schema,
// which stored the zero time as NULL, and checks that the upgrade makes
// its rows compare as the Go definitions do.
func TestMigrateFirstSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.db")
	db, err := bunstore.Open(ctx, path)
	require.NoError(t, err)
	c, events := testCase(1)
	c.AcceptDue = time.Time{} // never set: overdue at any time, by definition
	_, err = db.Cases().Create(ctx, c, events, work.IdempotencyKey{})
	require.NoError(t, err)
	require.NoError(t, db.Close())
	// Back to the first schema's form of the row.
	applied := migrations(t, path)
	raw, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = raw.Exec("UPDATE cases SET accepted_at = NULL, resolved_at = NULL, routed_at = NULL, accept_due = NULL, resolve_due = NULL")
	require.NoError(t, err)
	_, err = raw.Exec("DELETE FROM bun_migrations WHERE name > '20261128000001'")
	require.NoError(t, err)
	require.NoError(t, raw.Close())

	db, err = bunstore.Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	assert.Equal(t, applied, migrations(t, path))
	f := mediation.Filter{Township: "gucheng", Within: []grid.Path{demo.Path("mayuan")}, OverdueAt: c.RegisteredAt}
	require.True(t, f.Matches(c))
	page, err := db.Cases().List(ctx, f)
	require.NoError(t, err)
	assert.Len(t, page.Cases, 1, "the case is overdue, as mediation.Case.Overdue says")
	q := stats.Query{Township: "gucheng", Within: f.Within, Range: stats.Month.Of(c.RegisteredAt)}
	counts, err := db.Stats().Count(ctx, stats.RoutingDue, q)
	require.NoError(t, err)
	assert.Equal(t, []stats.Count{{Key: "", N: 1}}, counts, "due to be routed, as stats.TallyCase says")
}

// TestNoPartialWrite makes writes fail half-way, on a constraint of the
// database, and checks that nothing of them remains.
func TestNoPartialWrite(t *testing.T) {
	ctx := context.Background()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			db := e.open(t)
			cases := db.Cases()
			participants := func(t *testing.T) []stats.Count {
				t.Helper()
				counts, err := db.Stats().Count(ctx, stats.Participants, stats.Query{
					Township: "gucheng", Within: []grid.Path{grid.RootPath("gucheng")}, By: stats.ByDepartment,
					Range: stats.Range{From: time.Unix(0, 0), To: time.Now().Add(time.Hour)},
				})
				require.NoError(t, err)
				return counts
			}

			// A Create whose events clash with each other: the case, its
			// team and its key were written before the events failed.
			c, events := testCase(1)
			key := work.IdempotencyKey{Scope: "mayuan-1-head", Key: "k1", Fingerprint: "f"}
			_, err := cases.Create(ctx, c, append(events, events[0]), key)
			require.Error(t, err)
			_, err = cases.Get(ctx, c.ID)
			require.ErrorIs(t, err, fourplusn.NotFound, "no case")
			_, err = cases.Events(ctx, c.ID)
			require.ErrorIs(t, err, fourplusn.NotFound, "no events")
			assert.Empty(t, participants(t), "no team")
			// Nor the key: the retry creates the case.
			got, err := cases.Create(ctx, c, events, key)
			require.NoError(t, err)
			assert.Equal(t, c.ID, got.ID)

			// An Update whose event clashes with a stored one: the case row
			// and the team were rewritten before the event failed.
			_, err = cases.Update(ctx, c.ID, 1, func(c *mediation.Case) ([]timeline.Event, error) {
				c.State, c.Facts = mediation.Accepted, "changed"
				c.Team = []mediation.Participant{{Department: "grid"}}
				return events, nil // seq 1 again
			})
			require.Error(t, err)
			stored, err := cases.Get(ctx, c.ID)
			require.NoError(t, err)
			assert.Equal(t, c, stored, "the case as it was")
			evs, err := cases.Events(ctx, c.ID)
			require.NoError(t, err)
			assert.Len(t, evs, 1)
			assert.Equal(t, []stats.Count{{Key: "justice", N: 1}, {Key: "police", N: 1}}, participants(t), "the team as it was")
			page, err := cases.List(ctx, mediation.Filter{Township: "gucheng", Within: []grid.Path{demo.Path("mayuan-1")}, States: []mediation.State{mediation.Accepted}})
			require.NoError(t, err)
			assert.Empty(t, page.Cases, "the indexed columns as they were")

			// A case whose tracking code is taken, with a team.
			d, devents := testCase(2)
			d.TrackingCode = c.TrackingCode
			_, err = cases.Create(ctx, d, devents, work.IdempotencyKey{})
			require.ErrorIs(t, err, fourplusn.Conflict)
			assert.Equal(t, []stats.Count{{Key: "justice", N: 1}, {Key: "police", N: 1}}, participants(t))
		})
	}
}

// TestPostgresCollation runs on a database whose collation is not byte
// order, as many servers' default is: listing must still page by the IDs'
// bytes, as the memory store does.
func TestPostgresCollation(t *testing.T) {
	dsn := postgresDSN(t)
	ctx := context.Background()
	admin := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(dsn)))
	t.Cleanup(func() { admin.Close() }) // last: the cleanups below use it
	name := fmt.Sprintf("fourplusn_icu_%d", rand.Uint64())
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"); err != nil {
		t.Skipf("cannot create a database with an ICU collation here: %v", err)
	}
	t.Cleanup(func() {
		_, err := admin.ExecContext(ctx, "DROP DATABASE "+name+" WITH (FORCE)")
		assert.NoError(t, err)
	})
	var before bool
	require.NoError(t, admin.QueryRowContext(ctx, "SELECT 'ca' < 'Cb' COLLATE \"en-US-x-icu\"").Scan(&before))
	require.True(t, before, "the collation orders 'ca' before 'Cb', unlike bytes")

	u, err := url.Parse(dsn)
	require.NoError(t, err)
	u.Path = "/" + name
	db := openPostgresAt(t, u.String())
	cases := db.Cases()
	for i, id := range []mediation.ID{"Cb", "ca", "D"} {
		c, events := testCase(i + 1)
		c.ID = id
		events[0].Subject = string(id)
		_, err := cases.Create(ctx, c, events, work.IdempotencyKey{})
		require.NoError(t, err)
	}
	f := mediation.Filter{Township: "gucheng", Within: []grid.Path{demo.Path("mayuan")}, Limit: 1}
	var got []mediation.ID
	for {
		page, err := cases.List(ctx, f)
		require.NoError(t, err)
		for _, c := range page.Cases {
			got = append(got, c.ID)
		}
		if page.Next == "" {
			break
		}
		f.Before = page.Next
	}
	assert.Equal(t, []mediation.ID{"ca", "D", "Cb"}, got, "newest first by bytes")
}

// TestConcurrentOpen opens one SQLite file from many goroutines at once, as
// several processes starting together would.
func TestConcurrentOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "race.db")
	const n = 8
	errs := make([]error, n)
	dbs := make([]*bunstore.DB, n)
	done := make(chan int)
	for i := range n {
		go func() {
			dbs[i], errs[i] = bunstore.Open(ctx, path)
			done <- i
		}()
	}
	for range n {
		<-done
	}
	for i := range n {
		if assert.NoError(t, errs[i]) {
			dbs[i].Close()
		}
	}
	db, err := bunstore.Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	c, events := testCase(1)
	_, err = db.Cases().Create(ctx, c, events, work.IdempotencyKey{})
	require.NoError(t, err, "the schema is whole")
}

// A new SQLite file is made for the server's workload: write-ahead
// logging, so that readers never wait for the writer, and pages that hold
// several cases.
func TestNewSQLiteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	db, err := bunstore.Open(context.Background(), path)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	raw, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer raw.Close()
	var mode string
	var pageSize int
	require.NoError(t, raw.QueryRow("PRAGMA journal_mode").Scan(&mode))
	require.NoError(t, raw.QueryRow("PRAGMA page_size").Scan(&pageSize))
	assert.Equal(t, "wal", mode)
	assert.Equal(t, 8192, pageSize)
}
