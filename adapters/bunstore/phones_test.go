package bunstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// TestMigratePhones checks that the migration of case_phones finds the
// applicants' phone numbers of the cases stored before it, from their
// JSON, on both engines.
func TestMigratePhones(t *testing.T) {
	ctx := context.Background()
	onEachEngine(t, func(t *testing.T, dsn string) {
		c, events := testCase(1)
		c.Applicants = append(c.Applicants, mediation.Party{Name: "丙某", Phone: "13700001111"}, mediation.Party{Name: "丁某"})
		storeAt(t, dsn, "20261201000008", func(db *bunstore.DB) {
			_, err := db.Cases().Create(ctx, c, events, work.IdempotencyKey{})
			require.NoError(t, err)
		})

		db, err := bunstore.Open(ctx, dsn)
		require.NoError(t, err)
		defer db.Close()
		found, err := db.Cases().ByApplicantPhone(ctx, "13700001111")
		require.NoError(t, err)
		if assert.Len(t, found, 1) {
			assert.Equal(t, c.ID, found[0].ID)
		}
	})
}
