package bunstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// A stored row whose escalation target or handling cell is not a path —
// written by hand, or by a bug of an earlier version — is an error when it
// is read or updated, never a panic inside the store's transaction, and the
// update changes nothing.
func TestCorruptStoredPathIsAnError(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ name, field string }{
		{"escalation target", `"To":"/gucheng`},
		{"handling cell", `"Handling":"/gucheng`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			onEachEngine(t, func(t *testing.T, dsn string) {
				db, err := bunstore.Open(ctx, dsn)
				require.NoError(t, err)
				t.Cleanup(func() { db.Close() })
				c, events := testCase(1)
				c.Escalation = &mediation.Escalation{From: c.Handling, To: demo.Path("mayuan"), Reason: "需上级协调"}
				_, err = db.Cases().Create(ctx, c, events, work.IdempotencyKey{})
				require.NoError(t, err)

				res, err := db.Bun().ExecContext(ctx, "UPDATE cases SET data = replace(data, ?, ?)", tc.field, tc.field[:len(tc.field)-len("/gucheng")]+"not a path")
				require.NoError(t, err)
				n, err := res.RowsAffected()
				require.NoError(t, err)
				require.EqualValues(t, 1, n, "the stored JSON holds %s", tc.field)

				// Another handle has nothing cached and must decode the row.
				other, err := bunstore.Open(ctx, dsn)
				require.NoError(t, err)
				t.Cleanup(func() { other.Close() })
				require.NotPanics(t, func() {
					_, err = other.Cases().Get(ctx, c.ID)
				})
				assert.Error(t, err)
				called := false
				require.NotPanics(t, func() {
					_, err = other.Cases().Update(ctx, c.ID, 1, func(c *mediation.Case) ([]timeline.Event, error) {
						called = true
						c.Facts = "changed"
						return nil, nil
					})
				})
				assert.Error(t, err)
				assert.False(t, called, "no change is made to a record that cannot be read")
			})
		})
	}
}
