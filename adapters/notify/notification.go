package notify

import (
	"slices"

	"github.com/fourplusn/fourplusn/work"
)

// Contact is a recipient resolved to a person.
type Contact struct {
	Member string `json:"member"`
	Name   string `json:"name"`
	Phone  string `json:"phone"` // a mainland mobile number, in full; notifiers decide what to show
}

// ToResident reports whether n is for a resident's own phone
// (work.Recipient.Phone): a notifier that cannot text a phone must not
// show it to anyone else.
func ToResident(n work.Notice) bool {
	return slices.ContainsFunc(n.To, func(r work.Recipient) bool { return r.Phone != "" && r.Member == "" })
}

// Message is a notice as a Notifier delivers it: with its recipients
// resolved to the people who hold the posts now.
type Message struct {
	work.Notice
	Contacts []Contact
	Attempt  int // 1 for the first try
}
