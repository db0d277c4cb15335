package notify

import (
	"context"
	"log/slog"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/work"
)

// Log writes each message to a slog.Logger: a record that it went out,
// and a notifier that cannot fail for a pilot with no other. Contacts are
// logged by member ID and masked phone number, and the text is not logged:
// logs travel further than the people a message is for.
type Log struct {
	Logger *slog.Logger
}

// Name returns "log".
func (l Log) Name() string { return "log" }

// Notify logs m at level Info, or Warn for an alert or a passed deadline.
func (l Log) Notify(ctx context.Context, m Message) error {
	logger := l.Logger
	if logger == nil {
		logger = slog.Default()
	}
	level := slog.LevelInfo
	if m.Kind == work.NoticeAlert || m.Kind == work.NoticeOverdue {
		level = slog.LevelWarn
	}
	to := make([]string, len(m.Contacts))
	for i, c := range m.Contacts {
		to[i] = c.Member + " " + fourplusn.MaskPhone(c.Phone)
	}
	logger.Log(ctx, level, "notification", "key", m.Key, "township", m.Township, "subject", m.Subject,
		"kind", m.Kind, "action", m.Action, "title", m.Title, "to", to, "attempt", m.Attempt)
	return nil
}
