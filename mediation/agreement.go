package mediation

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn"
)

// Form is whether an agreement was written or oral.
type Form uint8

// The forms of an agreement. People's Mediation Law art. 28: a written
// agreement is the rule; a simple matter may be settled orally, and the
// mediator records it (art. 30).
const (
	Written Form = iota + 1
	Oral
)

// Mark is how a party signed: by signature, seal or fingerprint (art. 29).
type Mark uint8

// The ways to sign.
const (
	Signed Mark = iota + 1
	Sealed
	Fingerprinted
)

// Signature is one party's mark on a written agreement.
type Signature struct {
	Party string // the party's name, as on the case
	Mark  Mark
	At    time.Time
}

// Payment is a structured term of an agreement: who pays whom how much, by
// when.
type Payment struct {
	Payer  string // a party's name
	Payee  string // a party's name
	Amount int64  // in fen
	Due    time.Time
}

// Agreement is a people's mediation agreement (人民调解协议书) as People's
// Mediation Law arts. 28–29 require: the parties' particulars, the main
// facts, the points in dispute and the responsibilities, the agreed terms,
// and how, where and by when they are performed. A written agreement takes
// effect when every party has signed (or sealed, or fingerprinted), the
// mediator has signed and the committee has sealed it; an oral one when the
// parties reach it (art. 30), which the mediator records at once, so its
// recording time stands for that moment.
type Agreement struct {
	Form             Form
	Number           string  // the committee's number for it, e.g. 古调字〔2023〕第12号
	Parties          []Party // copied from the case when recorded
	Facts            string
	Disputes         string // the points in dispute
	Responsibilities string
	Payments         []Payment
	Terms            string // the other agreed terms, in words
	Manner           string // how the terms are performed
	Place            string // where
	PerformBy        time.Time
	Signatures       []Signature
	Mediator         string // the mediator's name
	MediatorSignedAt time.Time
	Committee        string // the people's mediation committee
	Sealed           bool   // the committee has sealed it
	RecordedBy       string
	EffectiveAt      time.Time // set when it is recorded
}

// CourtConfirmationWindow is how long after a written agreement takes effect
// the parties may jointly ask a court to confirm it (司法确认, art. 33).
const CourtConfirmationWindow = 30 * 24 * time.Hour

// CourtConfirmationDeadline returns the last moment the parties may ask a
// court to confirm the agreement, or the zero time for an oral agreement,
// which cannot be confirmed.
func (a *Agreement) CourtConfirmationDeadline() time.Time {
	if a.Form != Written {
		return time.Time{}
	}
	return a.EffectiveAt.Add(CourtConfirmationWindow)
}

// Total returns the sum of the agreement's payments, in fen.
func (a *Agreement) Total() int64 {
	var sum int64
	for _, p := range a.Payments {
		sum += p.Amount
	}
	return sum
}

// Windows of an agreement's dates. An agreement may be recorded after it
// was signed, and its terms may run for years (payments in instalments);
// nobody signs in the future.
const (
	agreementLead  = 366 * 24 * time.Hour // how long before a case's registration its agreement may be signed or fall due
	signedAhead    = 24 * time.Hour       // how far ahead of now a signature may be dated: a clock set a little wrong
	performedAhead = 10 * 366 * 24 * time.Hour
)

// Validate checks the agreement against the law's requirements for case c
// at now and reports every field at fault at once, naming each. It cleans
// the text people typed as the text rule says (see fourplusn.Text), in
// place. The parties are c's: payments and signatures must name them, and
// a written agreement must be signed by every one of them, and state of
// each their sex, ethnic group, age, occupation, address or workplace and
// phone, which the case must hold by then (each one missing is named, as
// "respondents[0].ethnicity"; Correct adds them). RecordAgreement calls
// it; a form that gathers problems of its own may call it too.
func (a *Agreement) Validate(c *Case, now time.Time) error {
	var v fourplusn.Validation
	if a.Form != Written && a.Form != Oral {
		v.Fail("agreement.form", "form must be written or oral")
	}
	a.Number = v.Keep(fourplusn.OptionalText("agreement.number", a.Number, maxShortText))
	a.Facts = v.Keep(fourplusn.MultilineText("agreement.facts", a.Facts, maxLongText))
	a.Disputes = v.Keep(fourplusn.MultilineText("agreement.disputes", a.Disputes, maxLongText))
	a.Responsibilities = v.Keep(fourplusn.OptionalMultilineText("agreement.responsibilities", a.Responsibilities, maxLongText))
	a.Terms = v.Keep(fourplusn.MultilineText("agreement.terms", a.Terms, maxLongText))
	a.Mediator = v.Keep(fourplusn.Text("agreement.mediator", a.Mediator, maxName))
	a.Place = v.Keep(fourplusn.OptionalText("agreement.place", a.Place, maxShortText))
	signedWindow := fourplusn.Window{From: c.RegisteredAt.Add(-agreementLead), To: now.Add(signedAhead)}
	dueWindow := fourplusn.Window{From: c.RegisteredAt.Add(-agreementLead), To: now.Add(performedAhead)}
	parties := c.Parties()
	names := make(map[string]bool, len(parties))
	for _, p := range parties {
		names[p.Name] = true
	}
	for i := range a.Payments {
		p := &a.Payments[i]
		field := fmt.Sprintf("agreement.payments[%d]", i)
		p.Payer = v.Keep(fourplusn.Text(field+".payer", p.Payer, maxName))
		p.Payee = v.Keep(fourplusn.Text(field+".payee", p.Payee, maxName))
		switch {
		case p.Payer != "" && !names[p.Payer]:
			v.Fail(field+".payer", "payer %q is not a party to the case", p.Payer)
		case p.Payee != "" && !names[p.Payee]:
			v.Fail(field+".payee", "payee %q is not a party to the case", p.Payee)
		case p.Payer != "" && p.Payer == p.Payee:
			v.Fail(field+".payee", "payer and payee are the same party")
		}
		if p.Amount <= 0 || p.Amount > fourplusn.MaxFen {
			v.Fail(field+".amount", "amount must be between 1 fen and %d fen", fourplusn.MaxFen)
		}
		if !p.Due.IsZero() {
			v.Add(dueWindow.Check(field+".due", p.Due))
		}
	}
	if a.Form != Written {
		a.Committee = v.Keep(fourplusn.OptionalText("agreement.committee", a.Committee, maxShortText))
		return v.Err()
	}
	a.Manner = v.Keep(fourplusn.MultilineText("agreement.manner", a.Manner, maxLongText))
	if a.PerformBy.IsZero() {
		v.Fail("agreement.perform_by", "a written agreement states by when it is performed")
	} else {
		v.Add(dueWindow.Check("agreement.perform_by", a.PerformBy))
	}
	signed := make(map[string]bool, len(a.Signatures))
	for i := range a.Signatures {
		s := &a.Signatures[i]
		field := fmt.Sprintf("agreement.signatures[%d]", i)
		s.Party = v.Keep(fourplusn.Text(field+".party", s.Party, maxName))
		if s.Party != "" && !names[s.Party] {
			v.Fail(field+".party", "%q is not a party to the case", s.Party)
		}
		if s.Mark < Signed || s.Mark > Fingerprinted {
			v.Fail(field+".mark", "a party signs, seals or fingerprints")
		}
		if !s.At.IsZero() {
			v.Add(signedWindow.Check(field+".at", s.At))
		}
		signed[s.Party] = true
	}
	var unsigned []string
	for _, p := range parties {
		if !signed[p.Name] {
			unsigned = append(unsigned, p.Name)
		}
	}
	if len(unsigned) > 0 {
		v.Fail("agreement.signatures", "not signed by %s: a written agreement takes effect when every party has signed", strings.Join(quoted(unsigned), ", "))
	}
	if a.MediatorSignedAt.IsZero() {
		v.Fail("agreement.mediator_signed_at", "the mediator has not signed")
	} else {
		v.Add(signedWindow.Check("agreement.mediator_signed_at", a.MediatorSignedAt))
	}
	a.Committee = v.Keep(fourplusn.Text("agreement.committee", a.Committee, maxShortText))
	if !a.Sealed {
		v.Fail("agreement.sealed", "the committee has not sealed the agreement")
	}
	v.Add(c.checkParticulars())
	return v.Err()
}

// quoted returns each of names in quotes.
func quoted(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strconv.Quote(n)
	}
	return out
}
