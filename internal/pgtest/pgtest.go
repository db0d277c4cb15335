// Package pgtest gives tests a PostgreSQL schema of their own on the
// server the environment names, so that tests of several packages can
// share one database without seeing each other's tables.
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun/driver/pgdriver"
)

// Env is the environment variable that holds the server's DSN.
const Env = "FOURPLUSN_TEST_POSTGRES"

// DSN returns the server's DSN, or skips the test, saying what it skips
// (e.g. "the PostgreSQL run").
func DSN(t testing.TB, what string) string {
	t.Helper()
	dsn := os.Getenv(Env)
	if dsn == "" {
		t.Skipf("%s is not set: skipping %s (set it to a DSN such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", Env, what)
	}
	return dsn
}

// Schema creates a schema named prefix and a random number in dsn's
// database, dropped when the test ends, and returns dsn with search_path
// set to it, which makes every connection of a pool use it, and the
// schema's name.
func Schema(t testing.TB, dsn, prefix string) (schemaDSN, schema string) {
	t.Helper()
	ctx := context.Background()
	schema = fmt.Sprintf("%s_%d", prefix, rand.Uint64())
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
	return u.String(), schema
}
