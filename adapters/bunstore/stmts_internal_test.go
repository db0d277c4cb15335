package bunstore

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// insertRows writes any number of rows, in order, in statements of a few
// fixed shapes: at most seven, whatever the numbers of rows written.
func TestInsertRows(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "rows.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	_, err = db.write.ExecContext(ctx, "CREATE TABLE scratch (batch INTEGER, seq INTEGER, label TEXT, PRIMARY KEY (batch, seq))")
	require.NoError(t, err)

	const head = "INSERT INTO scratch (batch, seq, label)"
	for _, n := range []int{0, 1, 2, 3, 63, 64, 65, 127, 200, 1000} {
		rows := make([][]any, n)
		for i := range rows {
			rows[i] = []any{n, i, fmt.Sprintf("row %d", i)}
		}
		require.NoError(t, db.runInTx(ctx, func(ctx context.Context, tx writeTx) error {
			return tx.insertRows(ctx, head, "", rows)
		}), "%d rows", n)

		got, err := db.read.QueryContext(ctx, "SELECT seq, label FROM scratch WHERE batch = ? ORDER BY rowid", n)
		require.NoError(t, err)
		i := 0
		for got.Next() {
			var seq int
			var label string
			require.NoError(t, got.Scan(&seq, &label))
			assert.Equal(t, i, seq, "%d rows: written in order", n)
			assert.Equal(t, fmt.Sprintf("row %d", i), label)
			i++
		}
		require.NoError(t, got.Err())
		got.Close()
		assert.Equal(t, n, i, "%d rows written", n)
	}

	shapes := 0
	db.statements.mu.Lock()
	for q := range db.statements.prepared {
		if strings.HasPrefix(q, head) {
			shapes++
		}
	}
	db.statements.mu.Unlock()
	assert.Equal(t, 7, shapes, "64, 32, 16, 8, 4, 2 and 1 rows")
}
