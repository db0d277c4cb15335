package httpapi

import (
	"context"
	"net/http"
	"slices"

	"github.com/uptrace/bunrouter"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/wecom"
)

// Messages lists the messages a chat channel received, newest first, by
// what became of them. Every wecom.Inbox (bunstore.ChannelMessages,
// memstore.ChannelMessages) is one.
type Messages interface {
	List(ctx context.Context, status wecom.Status, limit int) ([]wecom.Message, error)
}

// maxMessages bounds a page of received messages.
const maxMessages = 100

func (s *server) routeInbox(g *bunrouter.Group) {
	s.handle(g, http.MethodGet, "/inbox", s.inboxMessages)
}

// inboxMessages is GET /inbox: the messages the township's chat channel
// received, in one status (failed by default: those the watch must
// register by hand), newest first, each as it came, for those
// wecom.MayRead lets read the inbox.
func (s *server) inboxMessages(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := staffOf(req)
	if err != nil {
		return err
	}
	if err := wecom.MayRead(s.policy, actor, s.cfg.InboxTownship); err != nil {
		return err
	}
	q, err := parseQuery(req, "status", "limit")
	if err != nil {
		return err
	}
	status := wecom.Failed
	if v := q.one("status"); v != "" {
		status = wecom.Status(v)
	}
	limit := q.integer("limit", 50, 1, maxMessages)
	if q.err != nil {
		return q.err
	}
	if !slices.Contains(wecom.Statuses(), status) {
		return fourplusn.FieldError("status", "unknown status %q", status)
	}
	msgs, err := s.cfg.Inbox.List(req.Context(), status, limit)
	if err != nil {
		return err
	}
	out := inboxJSON{Messages: make([]messageJSON, len(msgs))}
	for i, m := range msgs {
		out.Messages[i] = messageOut(m)
	}
	return writeJSON(w, http.StatusOK, out)
}

// inboxJSON lists received messages.
type inboxJSON struct {
	Messages []messageJSON `json:"messages"`
}

// messageJSON is a message as the channel delivered it, and what became of
// it.
type messageJSON struct {
	ID       string    `json:"id"`
	Channel  string    `json:"channel" oa:"enum=channel"`
	SourceID string    `json:"source_id"`
	Sender   string    `json:"sender"`
	Received timestamp `json:"received"`
	Body     string    `json:"body"`
	Status   string    `json:"status" oa:"enum=inbox_status"`
	Case     string    `json:"case,omitempty"`
	Tracking string    `json:"tracking_code,omitempty"`
	Missing  []string  `json:"missing"`
	Reply    string    `json:"reply,omitempty"`
	Error    string    `json:"error,omitempty"`
}

func messageOut(m wecom.Message) messageJSON {
	return messageJSON{
		ID: m.ID, Channel: m.Channel.String(), SourceID: m.SourceID, Sender: m.Sender, Received: ts(m.Received),
		Body: m.Body, Status: string(m.Status), Case: string(m.Case), Tracking: m.Tracking,
		Missing: append([]string{}, m.Missing...), Reply: m.Reply, Error: m.Error,
	}
}
