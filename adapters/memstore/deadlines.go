package memstore

import (
	"context"
	"sync"
	"time"

	"github.com/fourplusn/fourplusn/grid"
)

// DeadlineActions records in memory what the deadline runner has done, by
// township and key. It implements deadlines.State and is safe for
// concurrent use.
type DeadlineActions struct {
	mu    sync.Mutex
	acted map[actionKey]time.Time
}

// actionKey names a recorded step: a key is its township's.
type actionKey struct {
	township grid.CellID
	key      string
}

// NewDeadlineActions returns an empty record.
func NewDeadlineActions() *DeadlineActions {
	return &DeadlineActions{acted: map[actionKey]time.Time{}}
}

// Acted returns which of keys have been recorded in township.
func (s *DeadlineActions) Acted(ctx context.Context, township grid.CellID, keys []string) (map[string]bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]bool{}
	for _, k := range keys {
		if _, ok := s.acted[actionKey{township, k}]; ok {
			out[k] = true
		}
	}
	return out, nil
}

// Record records key of township as done at at; recording it again
// changes nothing.
func (s *DeadlineActions) Record(ctx context.Context, township grid.CellID, key, subject string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.acted[actionKey{township, key}]; !ok {
		s.acted[actionKey{township, key}] = at
	}
	return nil
}
