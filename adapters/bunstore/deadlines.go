package bunstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn/grid"
)

// DeadlineActions records what the deadline runner has done, by township
// and key, in the table deadline_actions. It implements deadlines.State and is safe
// for concurrent use.
type DeadlineActions struct {
	db    *DB
	fence *Fence // see Fenced; nil for none
}

// DeadlineActions returns the database's record of the deadline runner.
func (db *DB) DeadlineActions() *DeadlineActions { return &DeadlineActions{db: db} }

// Fenced returns the record as the holder of f's lease writes to it, for
// the deadline runner of the watch: its Record is refused with ErrFenced
// once the lease has passed to another holder.
func (s *DeadlineActions) Fenced(f Fence) *DeadlineActions {
	return &DeadlineActions{db: s.db, fence: &f}
}

// maxKeysPerQuery keeps a query's parameters well below both engines'
// limits.
const maxKeysPerQuery = 500

// Acted returns which of keys have been recorded in township.
func (s *DeadlineActions) Acted(ctx context.Context, township grid.CellID, keys []string) (map[string]bool, error) {
	out := map[string]bool{}
	for len(keys) > 0 {
		n := min(len(keys), maxKeysPerQuery)
		args := make([]any, 1, n+1)
		args[0] = string(township)
		for _, k := range keys[:n] {
			args = append(args, k)
		}
		rows, err := s.db.read.QueryContext(ctx, "SELECT action_key FROM deadline_actions WHERE township = ? AND action_key IN ("+strings.TrimSuffix(strings.Repeat("?, ", n), ", ")+")", args...)
		if err != nil {
			return nil, fmt.Errorf("bunstore: deadline actions: %w", err)
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, fmt.Errorf("bunstore: deadline actions: %w", err)
			}
			out[k] = true
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("bunstore: deadline actions: %w", err)
		}
		keys = keys[n:]
	}
	return out, nil
}

// Record records key, about subject of township, as done at at;
// recording it again changes nothing.
func (s *DeadlineActions) Record(ctx context.Context, township grid.CellID, key, subject string, at time.Time) error {
	_, err := s.db.fencedExec(ctx, s.fence, "INSERT INTO deadline_actions (township, action_key, subject, acted_at) VALUES (?, ?, ?, ?) ON CONFLICT (township, action_key) DO NOTHING", string(township), key, subject, timeColumn(at))
	if err != nil {
		return fmt.Errorf("bunstore: record deadline action %s: %w", key, err)
	}
	return nil
}
