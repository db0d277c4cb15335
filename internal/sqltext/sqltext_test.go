package sqltext_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fourplusn/fourplusn/internal/sqltext"
)

func TestNumbered(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT a FROM t WHERE b = ?", "SELECT a FROM t WHERE b = $1"},
		{"INSERT INTO t (a, b) VALUES (?, ?), (?, ?)", "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"},
		{"SELECT '网格' WHERE x = ?", "SELECT '网格' WHERE x = $1"},
	} {
		assert.Equal(t, tc.want, sqltext.Numbered(tc.in), tc.in)
	}
}
