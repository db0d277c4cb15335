package mediation

import (
	"fmt"
	"time"
	"unicode/utf8"

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

// validate checks the agreement against the law's requirements for the
// case's parties, naming the field at fault.
func (a *Agreement) validate(parties []Party) error {
	if a.Form != Written && a.Form != Oral {
		return invalid("agreement.form", "form must be written or oral")
	}
	for _, f := range []struct{ field, value string }{
		{"agreement.facts", a.Facts}, {"agreement.disputes", a.Disputes}, {"agreement.terms", a.Terms}, {"agreement.mediator", a.Mediator},
	} {
		if err := fourplusn.RequireText(f.field, f.value, maxLongText); err != nil {
			return err
		}
	}
	names := make(map[string]bool, len(parties))
	for _, p := range parties {
		names[p.Name] = true
	}
	for i, p := range a.Payments {
		field := fmt.Sprintf("agreement.payments[%d]", i)
		switch {
		case !names[p.Payer]:
			return invalid(field+".payer", "payer %q is not a party to the case", p.Payer)
		case !names[p.Payee]:
			return invalid(field+".payee", "payee %q is not a party to the case", p.Payee)
		case p.Payer == p.Payee:
			return invalid(field+".payee", "payer and payee are the same party")
		case p.Amount <= 0 || p.Amount > maxAmount:
			return invalid(field+".amount", "amount must be between 1 fen and %d fen", int64(maxAmount))
		}
	}
	if a.Form == Oral {
		return nil
	}
	if utf8.RuneCountInString(a.Manner) == 0 {
		return invalid("agreement.manner", "a written agreement states how it is performed")
	}
	if a.PerformBy.IsZero() {
		return invalid("agreement.perform_by", "a written agreement states by when it is performed")
	}
	signed := make(map[string]bool, len(a.Signatures))
	for i, s := range a.Signatures {
		if !names[s.Party] {
			return invalid(fmt.Sprintf("agreement.signatures[%d].party", i), "%q is not a party to the case", s.Party)
		}
		if s.Mark < Signed || s.Mark > Fingerprinted {
			return invalid(fmt.Sprintf("agreement.signatures[%d].mark", i), "a party signs, seals or fingerprints")
		}
		signed[s.Party] = true
	}
	for _, p := range parties {
		if !signed[p.Name] {
			return invalid("agreement.signatures", "party %q has not signed; a written agreement takes effect when every party has", p.Name)
		}
	}
	switch {
	case a.MediatorSignedAt.IsZero():
		return invalid("agreement.mediator_signed_at", "the mediator has not signed")
	case a.Committee == "":
		return invalid("agreement.committee", "the mediation committee is required")
	case !a.Sealed:
		return invalid("agreement.sealed", "the committee has not sealed the agreement")
	}
	return nil
}
