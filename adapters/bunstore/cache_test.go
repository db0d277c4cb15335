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

// A record read again is served from the cache of decoded records only
// while the database holds the version cached: a change made through
// another handle on the same database — another process — is read at
// once. And what a caller does to the record it was given reaches no
// other reader.
func TestReadsSeeOtherWriters(t *testing.T) {
	ctx := context.Background()
	onEachEngine(t, func(t *testing.T, dsn string) {
		open := func() *bunstore.DB {
			db, err := bunstore.Open(ctx, dsn)
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			return db
		}
		here, there := open().Cases(), open().Cases()
		c, events := testCase(1)
		c.Applicants = []mediation.Party{{Name: "王某某", Phone: "13900001111"}}
		_, err := here.Create(ctx, c, events, work.IdempotencyKey{})
		require.NoError(t, err)
		facts := c.Facts

		// Read where it was created, and where it was not: cached at
		// its creation, and decoded on the first read.
		for _, s := range []*bunstore.Cases{here, there} {
			got, err := s.Get(ctx, c.ID)
			require.NoError(t, err)
			got.Facts = "changed by the caller"
			got.Applicants[0].Name = "changed by the caller"
			again, err := s.Get(ctx, c.ID)
			require.NoError(t, err)
			assert.Equal(t, facts, again.Facts, "a caller's change reaches no other reader")
			assert.NotEqual(t, "changed by the caller", again.Applicants[0].Name)
		}

		_, err = there.Update(ctx, c.ID, 1, func(c *mediation.Case) ([]timeline.Event, error) {
			c.Facts = "the other handle's change"
			return nil, nil
		})
		require.NoError(t, err)
		got, err := here.Get(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, int64(2), got.Version, "the other handle's version is read")
		assert.Equal(t, "the other handle's change", got.Facts)

		// An update through this handle is read back as saved.
		_, err = here.Update(ctx, c.ID, 2, func(c *mediation.Case) ([]timeline.Event, error) {
			c.Facts = "this handle's change"
			return nil, nil
		})
		require.NoError(t, err)
		for _, s := range []*bunstore.Cases{here, there} {
			got, err = s.Get(ctx, c.ID)
			require.NoError(t, err)
			assert.Equal(t, int64(3), got.Version)
			assert.Equal(t, "this handle's change", got.Facts)
		}
	})
}
