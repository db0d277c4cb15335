package notify

import (
	"github.com/fourplusn/fourplusn/adapters/outbox"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/work"
)

// The names below are the notices' and the outbox's, as the programs that
// show notifications and their deliveries (the API, the pilot) read them
// from this package. They are the same types and values: work.Notice and
// its recipients and kinds, decided by the rules of the work, and the
// outbox's deliveries.

// Notification is a notice as it is delivered; see work.Notice.
type Notification = work.Notice

// Recipient is who a notification is for; see work.Recipient.
type Recipient = work.Recipient

// ToDuty returns the recipient that is the duty officers of township; see
// work.ToDuty.
func ToDuty(township grid.CellID) Recipient { return work.ToDuty(township) }

// The kinds of notification; see work.NoticeKind.
const (
	Progress = work.NoticeProgress
	Task     = work.NoticeTask
	Reminder = work.NoticeReminder
	Overdue  = work.NoticeOverdue
	Alert    = work.NoticeAlert
)

// Subject kinds: what a notification's Subject is the ID of.
const (
	SubjectCase   = work.SubjectCase
	SubjectHazard = work.SubjectHazard
)

// Outbox keeps notifications until they are delivered; see outbox.Store.
type Outbox = outbox.Store

// Delivery is a notification in the outbox with the state of its delivery;
// see outbox.Delivery.
type Delivery = outbox.Delivery

// Result is what an attempt at a delivery came to; see outbox.Result.
type Result = outbox.Result

// State is where a notification stands in the outbox; see outbox.State.
type State = outbox.State

// The states of a delivery; see outbox.State.
const (
	Pending   = outbox.Pending
	Delivered = outbox.Delivered
	Failed    = outbox.Failed
)
