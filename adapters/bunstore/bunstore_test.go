package bunstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun/driver/pgdriver"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/adapters/storetest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
)

// postgresEnv names the variable holding the DSN of a PostgreSQL server
// the tests may create schemas in.
const postgresEnv = "FOURPLUSN_TEST_POSTGRES"

// openSQLite opens a fresh SQLite file in the test's temporary directory.
func openSQLite(t *testing.T) *bunstore.DB {
	t.Helper()
	db, err := bunstore.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// openPostgres opens the server named by FOURPLUSN_TEST_POSTGRES in a
// schema of its own, dropped when the test ends, or skips the test.
func openPostgres(t *testing.T) *bunstore.DB {
	t.Helper()
	dsn := os.Getenv(postgresEnv)
	if dsn == "" {
		t.Skipf("%s is not set: skipping the PostgreSQL run (set it to a DSN such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", postgresEnv)
	}
	ctx := context.Background()
	schema := fmt.Sprintf("fourplusn_test_%d", rand.Uint64())
	admin := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(dsn)))
	_, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := bunstore.Open(ctx, u.String())
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

func conformance(t *testing.T, open func(t *testing.T) *bunstore.DB) {
	storetest.Cases(t, func(t *testing.T) mediation.Store { return open(t).Cases() })
	storetest.Hazards(t, func(t *testing.T) hazard.Store { return open(t).Hazards() })
	storetest.Indicators(t, func(t *testing.T) stats.Indicators { return open(t).Indicators() })
	storetest.Stats(t, func(t *testing.T) storetest.Stores {
		db := open(t)
		return storetest.Stores{Cases: db.Cases(), Hazards: db.Hazards(), Source: db.Stats()}
	})
}

func TestSQLite(t *testing.T) { conformance(t, openSQLite) }

func TestPostgres(t *testing.T) { conformance(t, openPostgres) }

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_, err := bunstore.Open(ctx, filepath.Join(dir, "missing", "x.db"))
	assert.ErrorContains(t, err, "does not exist")

	corrupt := filepath.Join(dir, "corrupt.db")
	require.NoError(t, os.WriteFile(corrupt, []byte("this is not a database, just some bytes that go on for a while......"), 0o644))
	_, err = bunstore.Open(ctx, corrupt)
	assert.ErrorContains(t, err, "not a usable SQLite database")

	_, err = bunstore.Open(ctx, "postgres://postgres@127.0.0.1:1/test?sslmode=disable")
	assert.ErrorContains(t, err, "does not answer")

	// A path with URI characters opens that very file.
	odd := filepath.Join(dir, "a#b?c%d")
	require.NoError(t, os.Mkdir(odd, 0o755))
	db, err := bunstore.Open(ctx, filepath.Join(odd, "x.db"))
	require.NoError(t, err)
	require.NoError(t, db.Close())
	assert.FileExists(t, filepath.Join(odd, "x.db"))

	// Opening twice re-runs nothing; a schema from a newer program is refused.
	path := filepath.Join(dir, "ok.db")
	db, err = bunstore.Open(ctx, path)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	db, err = bunstore.Open(ctx, path)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	raw, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = raw.Exec("INSERT INTO bun_migrations (name, group_id, migrated_at) VALUES ('29990101000000_future', 99, CURRENT_TIMESTAMP)")
	require.NoError(t, err)
	require.NoError(t, raw.Close())
	_, err = bunstore.Open(ctx, path)
	assert.ErrorContains(t, err, "newer than this program knows")
}
