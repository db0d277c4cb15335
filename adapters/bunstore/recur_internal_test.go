package bunstore

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The recurrence mark corrects each case through the keys of its own
// numbers: SQLite's plan of the statement names the case in every search
// of case_phones and case_idcards, and walks no township's whole table.
// When the case's numbers were found by the township alone, an import of
// a million cases took hours, each case costing every number of the
// township.
func TestRemarkPlan(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })

	q := "EXPLAIN QUERY PLAN " + remark + "(?, ?)" + remarkTail
	rows, err := db.read.QueryContext(ctx, q, "t", "a", "b", window, window)
	require.NoError(t, err)
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
		plan = append(plan, detail)
	}
	require.NoError(t, rows.Err())
	require.NotEmpty(t, plan)
	townshipOnly := regexp.MustCompile(`\(township=\?\)$`)
	for _, step := range plan {
		assert.False(t, strings.HasPrefix(step, "SCAN"), "a step reads a whole table: %q in\n%s", step, strings.Join(plan, "\n"))
		assert.False(t, townshipOnly.MatchString(step), "a step reads a whole township: %q in\n%s", step, strings.Join(plan, "\n"))
	}
}
