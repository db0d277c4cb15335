package memstore

import (
	"context"
	"slices"
	"sync"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/inbox"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// ChannelMessages keeps the messages received on intake channels in
// memory. It implements inbox.Store and is safe for concurrent use.
type ChannelMessages struct {
	mu     sync.Mutex
	byID   map[string]inbox.Message
	source map[string]string // channel + "\x00" + source ID → message ID
	order  []string          // IDs in the order received
}

var _ inbox.Store = (*ChannelMessages)(nil)

// NewChannelMessages returns an empty inbox.
func NewChannelMessages() *ChannelMessages {
	return &ChannelMessages{byID: map[string]inbox.Message{}, source: map[string]string{}}
}

// Receive stores m unless its channel's message ID is stored; see
// inbox.Store.
func (s *ChannelMessages) Receive(ctx context.Context, m inbox.Message) (inbox.Message, bool, error) {
	if err := ctx.Err(); err != nil {
		return inbox.Message{}, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := m.Channel.String() + "\x00" + m.SourceID
	if id, ok := s.source[k]; ok {
		return cloneMessage(s.byID[id]), false, nil
	}
	if _, dup := s.byID[m.ID]; dup {
		return inbox.Message{}, false, fourplusn.Errorf(fourplusn.Conflict, "message %s already exists", m.ID)
	}
	s.byID[m.ID], s.source[k] = cloneMessage(m), m.ID
	s.order = append(s.order, m.ID)
	return cloneMessage(m), true, nil
}

// Settle stores what became of m; see inbox.Store.
func (s *ChannelMessages) Settle(ctx context.Context, m inbox.Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.byID[m.ID]
	if !ok {
		return fourplusn.Errorf(fourplusn.NotFound, "message %s not found", m.ID)
	}
	s.byID[m.ID] = cloneMessage(inbox.Settled(cur, m))
	return nil
}

// List returns messages in status, newest first; see inbox.Store.
func (s *ChannelMessages) List(ctx context.Context, status inbox.Status, limit int) ([]inbox.Message, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []inbox.Message
	for i := len(s.order) - 1; i >= 0 && len(out) < limit; i-- {
		if m := s.byID[s.order[i]]; m.Status == status {
			out = append(out, cloneMessage(m))
		}
	}
	return out, nil
}

// LastCase returns the case sender's messages on channel last became; see
// inbox.Store.
func (s *ChannelMessages) LastCase(ctx context.Context, channel work.Channel, sender string) (mediation.ID, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.order) - 1; i >= 0; i-- {
		if m := s.byID[s.order[i]]; m.Channel == channel && m.Sender == sender && m.Status == inbox.Registered {
			return m.Case, nil
		}
	}
	return "", fourplusn.Errorf(fourplusn.NotFound, "no case from %s", sender)
}

func cloneMessage(m inbox.Message) inbox.Message {
	m.Missing = slices.Clone(m.Missing)
	return m
}
