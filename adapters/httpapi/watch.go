package httpapi

import (
	"context"
	"net/http"
	"slices"

	"github.com/uptrace/bunrouter"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/inbox"
	"github.com/fourplusn/fourplusn/adapters/outbox"
	"github.com/fourplusn/fourplusn/grid"
)

// The watch's lists: the notifications that did not get through and the
// messages the chat channel received, which the duty officers chase.

// Failures lists a township's notifications that did not get through:
// those given up on and those whose last attempt failed. Every
// outbox.Store (bunstore.Outbox, memstore.Outbox) is one.
type Failures interface {
	Failures(ctx context.Context, township grid.CellID, limit int) ([]outbox.Delivery, error)
}

// Messages lists the messages a chat channel received, newest first, by
// what became of them. Every inbox.Store (bunstore.ChannelMessages,
// memstore.ChannelMessages) is one.
type Messages interface {
	List(ctx context.Context, status inbox.Status, limit int) ([]inbox.Message, error)
}

// A watch list answers defaultWatch items unless its limit asks for 1 to
// maxWatch.
const (
	defaultWatch = 50
	maxWatch     = 100
)

// watch reads the request of one of the watch's lists: its actor, a
// member of staff whom may lets read the list, and its query, which may
// hold params and limit.
func (s *server) watch(req bunrouter.Request, may func(grid.Actor) error, params ...string) (grid.Actor, *query, error) {
	actor, err := staffOf(req)
	if err != nil {
		return actor, nil, err
	}
	if err := may(actor); err != nil {
		return actor, nil, err
	}
	q, err := parseQuery(req, append(params, "limit")...)
	return actor, q, err
}

// notificationFailures is GET /notifications/failures: the notifications
// of the actor's township that did not get through, newest first. Whoever
// was to be told has not been, so they are the watch's to chase: they are
// shown to those who may track the township's work (跟踪问效) from its top.
// Notifications carry no personal data, only who is to be told.
func (s *server) notificationFailures(w http.ResponseWriter, req bunrouter.Request) error {
	actor, q, err := s.watch(req, func(a grid.Actor) error {
		return s.policy.Can(a, grid.Track, grid.Target{Cell: grid.RootPath(a.Township)})
	})
	if err != nil {
		return err
	}
	limit := q.integer("limit", defaultWatch, 1, maxWatch)
	if q.err != nil {
		return q.err
	}
	ds, err := s.cfg.Outbox.Failures(req.Context(), actor.Township, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, failuresJSON{Failures: outs(ds, deliveryOut)})
}

// inboxMessages is GET /inbox: the messages the township's chat channel
// received, in one status (failed by default: those the watch must
// register by hand), newest first, each as it came, for those
// inbox.MayRead lets read the inbox.
func (s *server) inboxMessages(w http.ResponseWriter, req bunrouter.Request) error {
	_, q, err := s.watch(req, func(a grid.Actor) error { return inbox.MayRead(s.policy, a, s.cfg.InboxTownship) }, "status")
	if err != nil {
		return err
	}
	status := inbox.Failed
	if v := q.one("status"); v != "" {
		status = inbox.Status(v)
	}
	limit := q.integer("limit", defaultWatch, 1, maxWatch)
	if q.err != nil {
		return q.err
	}
	if !slices.Contains(inbox.Statuses(), status) {
		return fourplusn.FieldError("status", "unknown status %q", status)
	}
	msgs, err := s.cfg.Inbox.List(req.Context(), status, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, inboxJSON{Messages: outs(msgs, messageOut)})
}

// failuresJSON lists notifications that did not get through.
type failuresJSON struct {
	Failures []deliveryJSON `json:"failures"`
}

// deliveryJSON is a notification and how its delivery went.
type deliveryJSON struct {
	Key         string          `json:"key"`
	SubjectKind string          `json:"subject_kind" oa:"enum=subject_kind"`
	Subject     string          `json:"subject"`
	Kind        string          `json:"kind" oa:"enum=notification_kind"`
	Action      string          `json:"action"`
	Title       string          `json:"title"`
	Text        string          `json:"text"`
	To          []recipientJSON `json:"to"`
	At          timestamp       `json:"at"`
	State       string          `json:"state" oa:"enum=delivery_state"`
	Attempts    int             `json:"attempts"`
	Delivered   []string        `json:"delivered"`
	LastError   string          `json:"last_error,omitempty"`
	NextAt      timestamp       `json:"next_at,omitempty"`
	CreatedAt   timestamp       `json:"created_at"`
}

// recipientJSON is who a notification is for: one member, or the posts of
// a cell, narrowed by role and by what they may do there.
type recipientJSON struct {
	Member string `json:"member,omitempty"`
	Cell   string `json:"cell,omitempty"`
	Role   string `json:"role,omitempty" oa:"enum=role"`
	Action string `json:"action,omitempty"`
}

func deliveryOut(d outbox.Delivery) deliveryJSON {
	n := d.Notification
	out := deliveryJSON{
		Key: n.Key, SubjectKind: n.SubjectKind, Subject: n.Subject, Kind: string(n.Kind), Action: n.Action,
		Title: n.Title, Text: n.Text, To: make([]recipientJSON, len(n.To)), At: ts(n.At),
		State: string(d.State), Attempts: d.Attempts, Delivered: append([]string{}, d.Delivered...),
		LastError: d.LastError, CreatedAt: ts(d.CreatedAt),
	}
	if d.State == outbox.Pending {
		out.NextAt = ts(d.NextAt)
	}
	for i, r := range n.To {
		out.To[i] = recipientJSON{Member: r.Member, Cell: r.Cell, Action: r.Action}
		if r.Role != 0 {
			out.To[i].Role = r.Role.String()
		}
	}
	return out
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

func messageOut(m inbox.Message) messageJSON {
	return messageJSON{
		ID: m.ID, Channel: m.Channel.String(), SourceID: m.SourceID, Sender: m.Sender, Received: ts(m.Received),
		Body: m.Body, Status: string(m.Status), Case: string(m.Case), Tracking: m.Tracking,
		Missing: append([]string{}, m.Missing...), Reply: m.Reply, Error: m.Error,
	}
}
