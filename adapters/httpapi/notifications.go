package httpapi

import (
	"context"
	"net/http"

	"github.com/uptrace/bunrouter"

	"github.com/fourplusn/fourplusn/adapters/notify"
	"github.com/fourplusn/fourplusn/grid"
)

// Failures lists a township's notifications that did not get through:
// those given up on and those whose last attempt failed. Every
// notify.Outbox (bunstore.Outbox, memstore.Outbox) is one.
type Failures interface {
	Failures(ctx context.Context, township grid.CellID, limit int) ([]notify.Delivery, error)
}

// maxFailures bounds a page of failed notifications.
const maxFailures = 100

func (s *server) routeNotifications(g *bunrouter.Group) {
	s.handle(g, http.MethodGet, "/notifications/failures", s.notificationFailures)
}

// notificationFailures is GET /notifications/failures: the notifications
// of the actor's township that did not get through, newest first. Whoever
// was to be told has not been, so they are the watch's to chase: they are
// shown to those who may track the township's work (跟踪问效) from its top.
// Notifications carry no personal data, only who is to be told.
func (s *server) notificationFailures(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := staffOf(req)
	if err != nil {
		return err
	}
	if err := s.policy.Can(actor, grid.Track, grid.Target{Cell: grid.RootPath(actor.Township)}); err != nil {
		return err
	}
	q, err := parseQuery(req, "limit")
	if err != nil {
		return err
	}
	limit := q.integer("limit", 50, 1, maxFailures)
	if q.err != nil {
		return q.err
	}
	ds, err := s.cfg.Outbox.Failures(req.Context(), actor.Township, limit)
	if err != nil {
		return err
	}
	out := failuresJSON{Failures: make([]deliveryJSON, len(ds))}
	for i, d := range ds {
		out.Failures[i] = deliveryOut(d)
	}
	return writeJSON(w, http.StatusOK, out)
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

func deliveryOut(d notify.Delivery) deliveryJSON {
	n := d.Notification
	out := deliveryJSON{
		Key: n.Key, SubjectKind: n.SubjectKind, Subject: n.Subject, Kind: string(n.Kind), Action: n.Action,
		Title: n.Title, Text: n.Text, To: make([]recipientJSON, len(n.To)), At: ts(n.At),
		State: string(d.State), Attempts: d.Attempts, Delivered: append([]string{}, d.Delivered...),
		LastError: d.LastError, CreatedAt: ts(d.CreatedAt),
	}
	if d.State == notify.Pending {
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
