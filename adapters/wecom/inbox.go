package wecom

import (
	"github.com/fourplusn/fourplusn/adapters/inbox"
	"github.com/fourplusn/fourplusn/grid"
)

// Inbox keeps every received message; see inbox.Store. bunstore's and
// memstore's ChannelMessages implement it.
type Inbox = inbox.Store

// Message is one message as received on a channel, and what became of it;
// see inbox.Message.
type Message = inbox.Message

// Status is what became of a received message; see inbox.Status.
type Status = inbox.Status

// The statuses of a message; see inbox.Status.
const (
	Received    = inbox.Received
	Registered  = inbox.Registered
	Incomplete  = inbox.Incomplete
	Unsupported = inbox.Unsupported
	Failed      = inbox.Failed
)

// Statuses lists every status, in the order declared.
func Statuses() []Status { return inbox.Statuses() }

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
