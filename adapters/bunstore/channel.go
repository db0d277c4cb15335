package bunstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/inbox"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// ChannelMessages keeps the messages received on intake channels (table
// channel_messages): each as it came, and what became of it. It implements
// inbox.Store and is safe for concurrent use.
type ChannelMessages struct {
	db *DB
}

var _ inbox.Store = (*ChannelMessages)(nil)

// ChannelMessages returns the database's inbox of channel messages.
func (db *DB) ChannelMessages() *ChannelMessages { return &ChannelMessages{db: db} }

// Receive stores m unless its channel's message ID is stored; see
// inbox.Store.
func (s *ChannelMessages) Receive(ctx context.Context, m inbox.Message) (inbox.Message, bool, error) {
	data, err := json.Marshal(m)
	if err != nil {
		return inbox.Message{}, false, fmt.Errorf("bunstore: encode message: %w", err)
	}
	var stored inbox.Message
	fresh := false
	err = s.db.runInTx(ctx, func(ctx context.Context, tx writeTx) error {
		res, err := tx.ExecContext(ctx, "INSERT INTO channel_messages (id, channel, source_id, status, received_at, data) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel, source_id) DO NOTHING",
			m.ID, m.Channel.String(), m.SourceID, string(m.Status), timeColumn(m.Received), string(data))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			stored, fresh = m, true
			return err
		}
		var prior string
		if err := tx.QueryRowContext(ctx, "SELECT data FROM channel_messages WHERE channel = ? AND source_id = ?", m.Channel.String(), m.SourceID).Scan(&prior); err != nil {
			return err
		}
		return json.Unmarshal([]byte(prior), &stored)
	})
	if isUniqueViolation(err) {
		return inbox.Message{}, false, fourplusn.Errorf(fourplusn.Conflict, "message %s already exists", m.ID)
	}
	if err != nil {
		return inbox.Message{}, false, fmt.Errorf("bunstore: receive message: %w", err)
	}
	return stored, fresh, nil
}

// Settle stores what became of m; see inbox.Store.
func (s *ChannelMessages) Settle(ctx context.Context, m inbox.Message) error {
	err := s.db.runInTx(ctx, func(ctx context.Context, tx writeTx) error {
		var data string
		err := tx.QueryRowContext(ctx, "SELECT data FROM channel_messages WHERE id = ?", m.ID).Scan(&data)
		if errors.Is(err, sql.ErrNoRows) {
			return fourplusn.Errorf(fourplusn.NotFound, "message %s not found", m.ID)
		}
		if err != nil {
			return err
		}
		var cur inbox.Message
		if err := json.Unmarshal([]byte(data), &cur); err != nil {
			return err
		}
		next := inbox.Settled(cur, m)
		b, err := json.Marshal(next)
		if err != nil {
			return err
		}
		if _, err = tx.ExecContext(ctx, "UPDATE channel_messages SET status = ?, data = ? WHERE id = ?", string(next.Status), string(b), m.ID); err != nil {
			return err
		}
		if next.Status != inbox.Registered || next.Case == "" {
			return nil
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO channel_senders (channel, sender, message_id, case_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
			next.Channel.String(), next.Sender, next.ID, string(next.Case))
		return err
	})
	if fourplusn.ErrorCode(err) == fourplusn.NotFound {
		return err
	}
	if err != nil {
		return fmt.Errorf("bunstore: settle message %s: %w", m.ID, err)
	}
	return nil
}

// List returns messages in status, newest first; see inbox.Store.
func (s *ChannelMessages) List(ctx context.Context, status inbox.Status, limit int) ([]inbox.Message, error) {
	rows, err := s.db.read.QueryContext(ctx, "SELECT data FROM channel_messages WHERE status = ? ORDER BY id DESC LIMIT ?", string(status), limit)
	if err != nil {
		return nil, fmt.Errorf("bunstore: list messages: %w", err)
	}
	defer rows.Close()
	var out []inbox.Message
	for rows.Next() {
		var data string
		var m inbox.Message
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("bunstore: list messages: %w", err)
		}
		if err := json.Unmarshal([]byte(data), &m); err != nil {
			return nil, fmt.Errorf("bunstore: decode message: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// LastCase returns the case sender's messages on channel last became; see
// inbox.Store. The channel_senders table, which Settle writes, answers it
// from its key.
func (s *ChannelMessages) LastCase(ctx context.Context, channel work.Channel, sender string) (mediation.ID, error) {
	var id string
	err := s.db.read.QueryRowContext(ctx, "SELECT case_id FROM channel_senders WHERE channel = ? AND sender = ? ORDER BY message_id DESC LIMIT 1",
		channel.String(), sender).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fourplusn.Errorf(fourplusn.NotFound, "no case from %s", sender)
	}
	if err != nil {
		return "", fmt.Errorf("bunstore: the last case from %s: %w", sender, err)
	}
	return mediation.ID(id), nil
}
