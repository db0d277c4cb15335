package bunstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/adapters/storetest"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// TestMigrateSearch checks that the migration of the search index indexes
// the cases stored before it, from their JSON, on both engines; and that
// it is safe to run again over an index it half filled: the cases
// without a row are indexed, the others not twice.
func TestMigrateSearch(t *testing.T) {
	ctx := context.Background()
	onEachEngine(t, func(t *testing.T, dsn string) {
		storeAt(t, dsn, "20261201000012", func(db *bunstore.DB) {
			for n, name := range []string{"刘秀英", "王芳"} {
				c, events := testCase(n + 1)
				c.Applicants = []mediation.Party{{Name: name, Phone: "13900000001"}}
				_, err := db.Cases().Create(ctx, c, events, work.IdempotencyKey{})
				require.NoError(t, err)
			}
		})
		// As if the migration had been interrupted, or the cases stored
		// before it: one indexed, one not.
		restore := bunstore.SetSchemaLimit("20261201000012")
		db, err := bunstore.Open(ctx, dsn)
		restore()
		require.NoError(t, err)
		for _, q := range []string{"DROP TABLE case_search_phones", "DELETE FROM case_search WHERE case_id = 'C0002'", "DELETE FROM bun_migrations WHERE name = '20261201000012'"} {
			_, err := db.Bun().ExecContext(ctx, q)
			require.NoError(t, err, q)
		}
		require.NoError(t, db.Close())

		db, err = bunstore.Open(ctx, dsn)
		require.NoError(t, err)
		defer db.Close()
		find := func(q string) []mediation.ID {
			page, err := db.Cases().List(ctx, mediation.Filter{Township: "gucheng", Within: []grid.Path{grid.RootPath("gucheng")}, Query: q})
			require.NoError(t, err)
			var out []mediation.ID
			for _, c := range page.Cases {
				out = append(out, c.ID)
			}
			return out
		}
		assert.Equal(t, []mediation.ID{"C0001"}, find("刘秀英"), "indexed before")
		assert.Equal(t, []mediation.ID{"C0002"}, find("王芳"), "indexed by the migration")
		var rows int
		require.NoError(t, db.Bun().QueryRowContext(ctx, "SELECT COUNT(*) FROM case_search").Scan(&rows))
		assert.Equal(t, 2, rows, "one row a case")
	})
}

// TestSQLiteDenseSearch runs the search tests with every search taken
// for one whose words many cases hold, which SQLite answers case by case
// instead of from the list of matches.
func TestSQLiteDenseSearch(t *testing.T) {
	defer bunstore.SetDenseMatches(1)()
	storetest.Search(t, func(t *testing.T) mediation.Store { return openSQLite(t).Cases() })
}
