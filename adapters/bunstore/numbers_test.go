package bunstore_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// TestMigrateNumbers opens a database whose cases were stored before cases
// had numbers and checks that the upgrade numbers them as Register would
// have: each township's cases of a year from 1, in the order they were
// registered, the year in the township's zone, the prefix the default of
// the township's name; and that Create goes on after them.
func TestMigrateNumbers(t *testing.T) {
	ctx := context.Background()
	for _, e := range []struct {
		name string
		dsn  func(t *testing.T) string
		// strip removes the number from a case's JSON.
		strip string
	}{
		{"SQLite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "old.db") }, "json_remove(data, '$.Number')"},
		{"PostgreSQL", func(t *testing.T) string { return schemaDSN(t, postgresDSN(t)) }, "(data::jsonb - 'Number')::text"},
	} {
		t.Run(e.name, func(t *testing.T) {
			dsn := e.dsn(t)
			db, err := bunstore.Open(ctx, dsn)
			require.NoError(t, err)
			// The townships' cells, whose names give the prefixes.
			_, err = db.Bun().ExecContext(ctx, "INSERT INTO grid_cells (id, path, name, retired) VALUES "+
				"('gucheng', '/gucheng', '古城办事处', 0), ('linzhen', '/linzhen', '邻镇办事处', 0)")
			require.NoError(t, err)
			utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
			stored := []struct {
				township grid.CellID
				at       time.Time
				want     string
			}{
				// Stored newest first: the numbers follow registration.
				{"gucheng", utc(2026, 2, 1, 8, 0), "古调〔2026〕2号"},
				// Half past midnight on New Year's Day in the township.
				{"gucheng", utc(2025, 12, 31, 16, 30), "古调〔2026〕1号"},
				{"gucheng", utc(2025, 7, 1, 8, 0), "古调〔2025〕2号"},
				{"gucheng", utc(2025, 3, 1, 8, 0), "古调〔2025〕1号"},
				{"linzhen", utc(2025, 5, 1, 8, 0), "邻调〔2025〕1号"},
				// A township the database holds no cell of.
				{"elsewhere", utc(2025, 5, 1, 8, 0), "调〔2025〕1号"},
			}
			var ids []mediation.ID
			for i, s := range stored {
				c, events := testCase(i + 1)
				c.Township, c.RegisteredAt = s.township, s.at
				c.Number = mediation.Number{Prefix: "旧", Year: 2000}
				_, err := db.Cases().Create(ctx, c, events, work.IdempotencyKey{})
				require.NoError(t, err)
				ids = append(ids, c.ID)
			}
			// Back to the cases as they were stored before numbers.
			for _, q := range []string{
				"DROP INDEX cases_number",
				"UPDATE cases SET number_prefix = '', number_year = 0, number_seq = 0, data = " + e.strip,
				"DELETE FROM case_numbers",
				"DELETE FROM bun_migrations WHERE name = '20261201000008'",
			} {
				_, err := db.Bun().ExecContext(ctx, q)
				require.NoError(t, err, q)
			}
			var left int
			require.NoError(t, db.Bun().QueryRowContext(ctx, "SELECT COUNT(*) FROM cases WHERE data LIKE '%旧%'").Scan(&left))
			require.Zero(t, left, "no case's JSON holds a number")
			require.NoError(t, db.Close())

			db, err = bunstore.Open(ctx, dsn)
			require.NoError(t, err)
			defer db.Close()
			for i, s := range stored {
				c, err := db.Cases().Get(ctx, ids[i])
				require.NoError(t, err)
				assert.Equal(t, s.want, c.Number.String(), "case %d as its JSON holds it", i+1)
				byNumber, err := db.Cases().GetByNumber(ctx, s.township, c.Number)
				if assert.NoError(t, err, "case %d by its number", i+1) {
					assert.Equal(t, ids[i], byNumber.ID)
				}
			}
			for _, next := range []struct {
				year int
				want int
			}{{2026, 3}, {2025, 3}} {
				c, events := testCase(10 + next.year)
				c.Number.Year = next.year
				got, err := db.Cases().Create(ctx, c, events, work.IdempotencyKey{})
				require.NoError(t, err)
				assert.Equal(t, next.want, got.Number.Seq, "Create goes on after the numbered cases of %d", next.year)
			}
		})
	}
}
