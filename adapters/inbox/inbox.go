// Package inbox is what stands between the stores that keep the messages
// received on intake channels and the channel adapters that receive them
// (package adapters/wecom): the Store a store implements
// (bunstore.ChannelMessages, memstore.ChannelMessages), and the Message it
// keeps of each, as it came and what became of it.
package inbox

import (
	"context"
	"time"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// Status is what became of a received message.
type Status string

// The statuses of a message. Do not change the values: they are stored.
const (
	Received    Status = "received"    // stored, not yet handled (or handling failed half-way)
	Registered  Status = "registered"  // it became a case
	Incomplete  Status = "incomplete"  // it lacked something; the sender was asked for it
	Unsupported Status = "unsupported" // not a text message: an image, a voice message, an event
	Failed      Status = "failed"      // registering failed; the duty officers must register it by hand
	Attached    Status = "attached"    // a photo, attached to the case the sender applied with
)

// Statuses lists every status, in the order declared.
func Statuses() []Status {
	return []Status{Received, Registered, Incomplete, Unsupported, Failed, Attached}
}

// Message is one message as received on a channel, and what became of it.
// Body is the message as it came, decrypted; it holds personal data.
type Message struct {
	ID       string       // the inbox's, time-ordered
	Channel  work.Channel // ChannelWeCom or ChannelWeChat
	SourceID string       // the channel's own ID (WeCom's MsgId), or a digest of Body when it has none
	Sender   string       // the sender's user ID on the channel
	Received time.Time
	Body     string
	Status   Status
	Case     mediation.ID // the case it became, or the one it was attached to
	Tracking string       // the case's tracking code, which the reply carried
	Missing  []string     // what it lacked: name, phone, place, facts
	Reply    string       // what the sender was answered
	Error    string       // why registering failed, for the logs and the duty officers
}

// Store keeps every received message. Implementations must be safe for
// concurrent use.
type Store interface {
	// Receive stores m unless a message with its Channel and SourceID is
	// stored already. It returns the stored message — m, or the earlier
	// one — and whether m was new.
	Receive(ctx context.Context, m Message) (Message, bool, error)
	// Settle stores what became of message m.ID: its Status, Case,
	// Tracking, Missing, Reply and Error. Returns NotFound for an unknown
	// message.
	Settle(ctx context.Context, m Message) error
	// List returns up to limit messages in status, newest first: the
	// duty officers look at the incomplete and failed ones.
	List(ctx context.Context, status Status, limit int) ([]Message, error)
	// LastCase returns the case that sender's messages on channel last
	// became (Registered), the one a photo the sender sends next belongs
	// to. Returns NotFound when none became a case.
	LastCase(ctx context.Context, channel work.Channel, sender string) (mediation.ID, error)
}

// Settled returns stored with the outcome fields of m — Status, Case,
// Tracking, Missing, Reply and Error — and nothing else of it: what a
// message said and when it came are never rewritten. Stores use it in
// Settle.
func Settled(stored, m Message) Message {
	stored.Status, stored.Case, stored.Tracking = m.Status, m.Case, m.Tracking
	stored.Missing, stored.Reply, stored.Error = m.Missing, m.Reply, m.Error
	return stored
}

// MayRead returns nil if actor may read the inbox of township, and the
// policy's refusal if not. A message is kept as it came, personal data and
// all, and those to act on it register applications by hand, so reading
// an inbox needs both Review and ViewPersonal for the whole township.
func MayRead(policy *grid.Policy, actor grid.Actor, township grid.CellID) error {
	top := grid.Target{Cell: grid.RootPath(township)}
	if err := policy.Can(actor, grid.Review, top); err != nil {
		return err
	}
	return policy.Can(actor, grid.ViewPersonal, top)
}
