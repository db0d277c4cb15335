package notify

import (
	"time"

	"github.com/fourplusn/fourplusn/grid"
)

// Kind is what a notification asks of its recipients. Receivers route on
// it: a Task waits for someone, an Alert goes to the watch at once.
type Kind string

// The kinds of notification.
const (
	Progress Kind = "progress" // something happened that the recipient answers for or follows
	Task     Kind = "task"     // something now waits for the recipient to act
	Reminder Kind = "reminder" // a deadline is getting close
	Overdue  Kind = "overdue"  // a deadline has passed
	Alert    Kind = "alert"    // the duty officers must look now
)

// Subject kinds: what a notification's Subject is the ID of.
const (
	SubjectCase   = "case"
	SubjectHazard = "hazard"
)

// Recipient is who a notification is for: one member, or the posts of a
// cell. The Dispatcher resolves it to people when it delivers, so that a
// post reaches whoever holds it then.
type Recipient struct {
	// Member is one member's ID. When it is set the other fields are
	// ignored.
	Member string `json:"member,omitempty"`
	// Cell, as a path, selects the members holding a post in exactly that
	// cell (not above it: an upper level may act below, but is not told of
	// everything below), narrowed by Role and Action when they are set.
	Cell string    `json:"cell,omitempty"`
	Role grid.Role `json:"role,omitempty"` // only posts of this role; 0 for any
	// Action, a grid.Action's name, keeps only the posts that may do it
	// at Cell; "" for any. Names, not numbers, are what is stored.
	Action string `json:"action,omitempty"`
}

// ToMember returns the recipient that is member id.
func ToMember(id string) Recipient { return Recipient{Member: id} }

// ToPosts returns the recipient that is every post of cell that may do
// action there.
func ToPosts(cell grid.Path, action grid.Action) Recipient {
	return Recipient{Cell: cell.String(), Action: action.String()}
}

// ToDuty returns the recipient that is the duty officers (值班员) of
// township: the 24-hour watch.
func ToDuty(township grid.CellID) Recipient {
	return Recipient{Cell: grid.RootPath(township).String(), Role: grid.DutyOfficer}
}

// Notification is one message to one or more recipients about one case or
// hazard. It holds no personal data: the case is named by its ID.
type Notification struct {
	// Key identifies the notification: the same cause always gives the
	// same key, so an outbox stores it once however often it is written,
	// and a receiver drops a second delivery of it.
	Key         string      `json:"key"`
	Township    grid.CellID `json:"township"`
	SubjectKind string      `json:"subject_kind"` // SubjectCase or SubjectHazard
	Subject     string      `json:"subject"`      // the case's or hazard's ID
	Kind        Kind        `json:"kind"`
	// Action is the timeline action that caused it ("registered",
	// "escalation.submitted", …), or the deadline it is about for
	// reminders ("accept", "resolve", …).
	Action string      `json:"action"`
	Title  string      `json:"title"` // one line, e.g. 【待受理】邻里纠纷
	Text   string      `json:"text"`  // the message, in Chinese, times in Asia/Shanghai
	To     []Recipient `json:"to"`
	At     time.Time   `json:"at"` // when the cause happened
}

// Contact is a recipient resolved to a person.
type Contact struct {
	Member string `json:"member"`
	Name   string `json:"name"`
	Phone  string `json:"phone"` // a mainland mobile number, in full; notifiers decide what to show
}

// Message is a notification as a Notifier delivers it: with its recipients
// resolved to the people who hold the posts now.
type Message struct {
	Notification
	Contacts []Contact
	Attempt  int // 1 for the first try
}
