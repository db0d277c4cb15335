package bunstore

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fourplusn/fourplusn/mediation"
)

// The cache holds at most cacheSize records, and never lets an older
// version of a record replace a newer one.
func TestCacheBounds(t *testing.T) {
	c := &cache[mediation.Case]{clone: (*mediation.Case).Clone, records: map[string]cached[mediation.Case]{}}
	for i := range 3 * cacheSize {
		id := fmt.Sprintf("C%d", i)
		c.put(id, 1, &mediation.Case{ID: mediation.ID(id), Version: 1})
		assert.LessOrEqual(t, len(c.records), cacheSize)
	}
	assert.Len(t, c.records, cacheSize)

	c.put("C-x", 5, &mediation.Case{ID: "C-x", Version: 5, Facts: "v5"})
	c.put("C-x", 4, &mediation.Case{ID: "C-x", Version: 4, Facts: "v4"})
	got, ok := c.lookup("C-x")
	assert.True(t, ok)
	assert.Equal(t, int64(5), got.version)
	assert.Equal(t, "v5", got.r.Facts)
	c.drop("C-x")
	_, ok = c.lookup("C-x")
	assert.False(t, ok)
}
