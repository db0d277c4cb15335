package bunstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/work"
)

// The writer's statements are prepared after the first transactions that
// run them, while others may be waiting to write: on a fresh database,
// concurrent first writes all complete.
func TestFirstWritesConcurrently(t *testing.T) {
	ctx := context.Background()
	for round := range 10 {
		db := openSQLite(t)
		done := make(chan error, 16)
		for i := range cap(done) {
			go func() {
				c, events := testCase(round*100 + i)
				_, err := db.Cases().Create(ctx, c, events, work.IdempotencyKey{})
				done <- err
			}()
		}
		for range cap(done) {
			select {
			case err := <-done:
				require.NoError(t, err)
			case <-time.After(30 * time.Second):
				t.Fatalf("round %d: concurrent first writes did not complete", round)
			}
		}
	}
}
