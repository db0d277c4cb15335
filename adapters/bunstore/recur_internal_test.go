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
// numbers and reads the cases sharing them by their keys: on a new, empty
// SQLite file — whose planner, with no statistics, chooses as it does
// during an import — no step of the statements' plans walks a table or a
// township. Before, an import of a million cases took hours, each case
// corrected costing every number of the township. PostgreSQL plans an
// empty table's statements by guesswork that its statistics correct as
// the table fills, so its plans are not checked here; BENCHMARKS.md
// gives its import at a million cases.
func TestRecurrencePlans(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	wrong := regexp.MustCompile(`^SCAN|\(township=\?\)$`)
	for _, s := range []struct {
		name, query string
		args        []any
	}{
		{"the mark", remark + "(?, ?)" + remarkTail, []any{"t", "a", "b", window, window}},
		{"the cases after", "SELECT p.case_id FROM case_phones AS p CROSS JOIN cases AS d WHERE p.township = ? AND p.phone IN (?, ?)" + later, []any{"t", "1", "2", "t", 0, 1}},
	} {
		rows, err := db.read.QueryContext(ctx, "EXPLAIN QUERY PLAN "+s.query, s.args...)
		require.NoError(t, err, s.name)
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var step string
			require.NoError(t, rows.Scan(&id, &parent, &unused, &step))
			plan = append(plan, step)
		}
		require.NoError(t, rows.Err())
		rows.Close()
		require.NotEmpty(t, plan, s.name)
		for _, step := range plan {
			assert.False(t, wrong.MatchString(step), "%s: a step reads more than the keys give: %q in\n%s", s.name, step, strings.Join(plan, "\n"))
		}
	}
}
