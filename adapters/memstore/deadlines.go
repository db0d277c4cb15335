package memstore

import (
	"context"
	"sync"
	"time"
)

// DeadlineActions records in memory what the deadline runner has done, by
// key. It implements deadlines.State and is safe for concurrent use.
type DeadlineActions struct {
	mu    sync.Mutex
	acted map[string]time.Time
}

// NewDeadlineActions returns an empty record.
func NewDeadlineActions() *DeadlineActions {
	return &DeadlineActions{acted: map[string]time.Time{}}
}

// Acted returns which of keys have been recorded.
func (s *DeadlineActions) Acted(ctx context.Context, keys []string) (map[string]bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]bool{}
	for _, k := range keys {
		if _, ok := s.acted[k]; ok {
			out[k] = true
		}
	}
	return out, nil
}

// Record records key as done at at; recording it again changes nothing.
func (s *DeadlineActions) Record(ctx context.Context, key, subject string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.acted[key]; !ok {
		s.acted[key] = at
	}
	return nil
}
