package work

import (
	"fmt"
	"time"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
)

// NoticeKind is what a notice asks of its recipients. Receivers route on
// it: a task waits for someone, an alert goes to the watch at once.
type NoticeKind string

// The kinds of notice. Do not change the values: they are stored, and sent.
const (
	NoticeProgress NoticeKind = "progress" // something happened that the recipient answers for or follows
	NoticeTask     NoticeKind = "task"     // something now waits for the recipient to act
	NoticeReminder NoticeKind = "reminder" // a deadline is getting close
	NoticeOverdue  NoticeKind = "overdue"  // a deadline has passed
	NoticeAlert    NoticeKind = "alert"    // the duty officers must look now
)

// Subject kinds: what a notice's Subject is the ID of.
const (
	SubjectCase   = "case"
	SubjectHazard = "hazard"
)

// Recipient is who a notice is for: one member, or the posts of a cell. It
// names posts, not people, so that a notice reaches whoever holds the post
// when it is delivered.
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
	// Phone, a mainland mobile number in full, is a resident reached at
	// the number they gave, not a member: a notifier that can text it (a
	// township's SMS gateway behind the webhook) sends it there, and the
	// others must not show the message to anyone else. When it is set,
	// and Member is not, the other fields are ignored.
	Phone string `json:"phone,omitempty"`
}

// ToPhone returns the recipient that is whoever holds phone.
func ToPhone(phone string) Recipient { return Recipient{Phone: phone} }

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

// AnswersFor returns who answers for a piece of work: member, or when
// nobody in particular does, the posts of cell that may do action there.
func AnswersFor(member string, cell grid.Path, action grid.Action) Recipient {
	if member != "" {
		return ToMember(member)
	}
	return ToPosts(cell, action)
}

// Notice is one message to one or more recipients about one case or
// hazard: what the rules of the work say someone must be told of a change
// (mediation.Notices, hazard.Notices) or of a deadline (Rules.Due of
// each). It holds no personal data — the case is named by its ID — save
// in a notice to a resident's own phone (Recipient.Phone), which holds
// their number, and their tracking codes in its Text.
type Notice struct {
	// Key identifies the notice: the same cause always gives the same key,
	// so an outbox stores it once however often it is written, and a
	// receiver drops a second delivery of it.
	Key         string      `json:"key"`
	Township    grid.CellID `json:"township"`
	SubjectKind string      `json:"subject_kind"` // SubjectCase or SubjectHazard
	Subject     string      `json:"subject"`      // the case's or hazard's ID
	Kind        NoticeKind  `json:"kind"`
	// Action is the timeline action that caused it ("registered",
	// "escalation.submitted", …), or the deadline it is about for
	// reminders ("accept", "resolve", …).
	Action string      `json:"action"`
	Title  string      `json:"title"` // one line, e.g. 【待受理】邻里纠纷
	Text   string      `json:"text"`  // the message, in Chinese, times in Asia/Shanghai
	To     []Recipient `json:"to"`
	At     time.Time   `json:"at"` // when the cause happened
}

// Cause is the event of a subject's timeline that notices are about.
type Cause struct {
	Township    grid.CellID
	SubjectKind string // SubjectCase or SubjectHazard
	Subject     string // the case's or hazard's ID
	Event       timeline.Event
}

// Notice returns the notice of the cause to its recipient in role ("task",
// "first-responder", …). Its key is the event's place in its timeline and
// the role, so that writing it twice stores it once.
func (c Cause) Notice(role string, kind NoticeKind, title, text string, to ...Recipient) Notice {
	return Notice{
		Key:      fmt.Sprintf("%s/%s/%d/%s", c.SubjectKind, c.Subject, c.Event.Seq, role),
		Township: c.Township, SubjectKind: c.SubjectKind, Subject: c.Subject,
		Kind: kind, Action: string(c.Event.Action), Title: title, Text: text, To: to, At: c.Event.At,
	}
}

// Colour names the grade as notices do: 绿色, 黄色, 红色 (红黄绿 grading).
func (g Grade) Colour() string {
	switch g {
	case Simple:
		return "绿色"
	case Ordinary:
		return "黄色"
	case Major:
		return "红色"
	}
	return g.String()
}
