package notify

import "github.com/fourplusn/fourplusn/work"

// Contact is a recipient resolved to a person.
type Contact struct {
	Member string `json:"member"`
	Name   string `json:"name"`
	Phone  string `json:"phone"` // a mainland mobile number, in full; notifiers decide what to show
}

// Message is a notice as a Notifier delivers it: with its recipients
// resolved to the people who hold the posts now.
type Message struct {
	work.Notice
	Contacts []Contact
	Attempt  int // 1 for the first try
}
