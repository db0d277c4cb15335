package mediation

import (
	"fmt"
	"slices"
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

var markNames = []string{"", "signed", "sealed", "fingerprinted"}

// String returns the mark's stable name.
func (m Mark) String() string { return enumName(markNames, m, "mark") }

// Signature is one party's mark on a written agreement: made by the party,
// or by an agent the party authorised specially (特别授权) to sign.
type Signature struct {
	Party string // the party's name, as on the case
	Agent string // the name of the agent who signed for the party; "" when the party did
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

// AgreementState is where an agreement stands in its life. It follows from
// what was recorded of the agreement (see Agreement.State) and is not
// stored.
type AgreementState uint8

// The states of an agreement. A written one is drafted, printed and
// signed on paper, and its marks recorded; it takes effect with the last
// of them. Until then it may be revised, each revision numbered; once in
// effect it may only be superseded by a later agreement the parties sign,
// for a reason given. An oral agreement is in effect when recorded.
const (
	Draft      AgreementState = iota + 1 // drafted and not yet in effect: it prints with blank lines to sign on
	InEffect                             // binding on the parties (art. 31)
	Superseded                           // replaced by a later agreement that took effect
)

var agreementStateNames = []string{"", "draft", "in_effect", "superseded"}

// String returns the state's stable name.
func (s AgreementState) String() string { return enumName(agreementStateNames, s, "agreement_state") }

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
	Revision         int     // its text's number on the case: 1 for the first draft, one more for each revision and each later agreement
	Parties          []Party // copied from the case when drafted, or when recorded at once
	Facts            string
	Disputes         string // the points in dispute
	Responsibilities string
	Payments         []Payment
	Terms            string // the other agreed terms, in words
	Manner           string // how the terms are performed
	Place            string // where
	PerformBy        time.Time
	Signatures       []Signature
	Mediator         string // the mediator's name: a person, not a post
	MediatorPost     string // the mediator's post, e.g. 司法所长
	MediatorSignedAt time.Time
	Committee        string    // the people's mediation committee
	Sealed           bool      // the committee has sealed it
	SealedAt         time.Time // when it was sealed
	RecordedBy       string    // who drafted this revision, or recorded the agreement at once
	DraftedAt        time.Time // when this revision was drafted or recorded
	EffectiveAt      time.Time // when it took effect; zero for a draft
	// Supersedes is the revision of the agreement in effect that this one
	// replaces when it takes effect, and SupersedeReason why; 0 and "" for
	// a case's first agreement.
	Supersedes      int
	SupersedeReason string
	SupersededAt    time.Time // when a later agreement took its place
}

// State returns where the agreement stands: a draft until it took effect,
// then in effect until a later agreement superseded it.
func (a *Agreement) State() AgreementState {
	switch {
	case !a.SupersededAt.IsZero():
		return Superseded
	case !a.EffectiveAt.IsZero():
		return InEffect
	}
	return Draft
}

// CourtConfirmationWindow is how long after a written agreement takes effect
// the parties may jointly ask a court to confirm it (司法确认, art. 33).
const CourtConfirmationWindow = 30 * 24 * time.Hour

// CourtConfirmationDeadline returns the last moment the parties may ask a
// court to confirm the agreement: 30 days from when it took effect. It is
// the zero time for a draft, which binds nobody yet, and for an oral
// agreement, which cannot be confirmed.
func (a *Agreement) CourtConfirmationDeadline() time.Time {
	if a.Form != Written || a.EffectiveAt.IsZero() {
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

// Unsigned returns the names of the parties who have not yet marked the
// agreement, in the order of its parties.
func (a *Agreement) Unsigned() []string {
	var out []string
	for _, p := range a.Parties {
		if a.signature(p.Name) == nil {
			out = append(out, p.Name)
		}
	}
	return out
}

// complete reports whether every mark a written agreement takes effect
// with is on it: every party's, the mediator's signature and the seal.
func (a *Agreement) complete() bool {
	return len(a.Unsigned()) == 0 && !a.MediatorSignedAt.IsZero() && a.Sealed
}

// effectiveAt returns when a complete agreement, recorded at now, took
// effect: when its last mark was made, or now for a mark dated a little
// ahead by a clock set wrong.
func (a *Agreement) effectiveAt(now time.Time) time.Time {
	last := a.MediatorSignedAt
	if a.SealedAt.After(last) {
		last = a.SealedAt
	}
	for _, s := range a.Signatures {
		if s.At.After(last) {
			last = s.At
		}
	}
	if last.After(now) {
		return now
	}
	return last
}

// signature returns the mark of the party named, or nil.
func (a *Agreement) signature(party string) *Signature {
	for i := range a.Signatures {
		if a.Signatures[i].Party == party {
			return &a.Signatures[i]
		}
	}
	return nil
}

// asOf is the day the agreement speaks of its parties' ages at: when it
// took effect, or, for a draft, when it was drafted.
func (a *Agreement) asOf() time.Time {
	if !a.EffectiveAt.IsZero() {
		return a.EffectiveAt
	}
	return a.DraftedAt
}

// mask hides the personal data of a as those who may not see it see it:
// the parties' particulars, and the names its marks and payments give.
func (a *Agreement) mask() {
	maskParties(a.Parties, a.asOf())
	for i := range a.Signatures {
		s := &a.Signatures[i]
		s.Party, s.Agent = fourplusn.MaskName(s.Party), fourplusn.MaskName(s.Agent)
	}
	for i := range a.Payments {
		p := &a.Payments[i]
		p.Payer, p.Payee = fourplusn.MaskName(p.Payer), fourplusn.MaskName(p.Payee)
	}
}

// clone returns a copy of a sharing no memory with it.
func (a *Agreement) clone() *Agreement {
	if a == nil {
		return nil
	}
	d := *a
	d.Parties = cloneParties(a.Parties)
	d.Payments = slices.Clone(a.Payments)
	d.Signatures = slices.Clone(a.Signatures)
	return &d
}

// Windows of an agreement's dates. An agreement may be recorded after it
// was signed, and its terms may run for years (payments in instalments);
// nobody signs in the future.
const (
	agreementLead  = 366 * 24 * time.Hour // how long before a case's registration its agreement may be signed or fall due
	signedAhead    = 24 * time.Hour       // how far ahead of now a signature may be dated: a clock set a little wrong
	performedAhead = 10 * 366 * 24 * time.Hour
)

// signedWindow is when a mark on an agreement of c, recorded at now, may
// have been made.
func signedWindow(c *Case, now time.Time) fourplusn.Window {
	return fourplusn.Window{From: c.RegisteredAt.Add(-agreementLead), To: now.Add(signedAhead)}
}

// Validate checks the agreement against the law's requirements for case c
// at now and reports every field at fault at once, naming each. It cleans
// the text people typed as the text rule says (see fourplusn.Text), in
// place. The parties are c's: payments and signatures must name them, and
// a written agreement must be signed by every one of them (or by an agent
// each authorised specially), and state of each their sex, ethnic group,
// age, occupation, address or workplace and phone, which the case must
// hold by then (each one missing is named, as
// "respondents[0].ethnicity"; Correct adds them). RecordAgreement calls
// it; a form that gathers problems of its own may call it too.
func (a *Agreement) Validate(c *Case, now time.Time) error {
	var v fourplusn.Validation
	a.checkTerms(&v, c, now)
	if a.Form != Written {
		a.Committee = v.Keep(fourplusn.OptionalText("agreement.committee", a.Committee, maxShortText))
		return v.Err()
	}
	a.checkPerformance(&v, c, now)
	parties := c.Parties()
	signed := make(map[string]bool, len(a.Signatures))
	for i := range a.Signatures {
		s := &a.Signatures[i]
		checkMark(&v, fmt.Sprintf("agreement.signatures[%d]", i), s, parties, signedWindow(c, now))
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
		v.Add(signedWindow(c, now).Check("agreement.mediator_signed_at", a.MediatorSignedAt))
	}
	a.Committee = v.Keep(fourplusn.Text("agreement.committee", a.Committee, maxShortText))
	if !a.Sealed {
		v.Fail("agreement.sealed", "the committee has not sealed the agreement")
	} else if !a.SealedAt.IsZero() {
		v.Add(signedWindow(c, now).Check("agreement.sealed_at", a.SealedAt))
	}
	v.Add(c.checkParticulars())
	return v.Err()
}

// validateDraft checks a draft of a written agreement for case c at now
// as Validate checks a complete one, but for the marks: a draft has none.
// The parties' particulars must be complete already, since the draft is
// the text that is printed and signed.
func (a *Agreement) validateDraft(c *Case, now time.Time) error {
	var v fourplusn.Validation
	if a.Form != Written {
		v.Fail("agreement.form", "only a written agreement is drafted; an oral one is recorded when reached")
	}
	a.checkTerms(&v, c, now)
	a.checkPerformance(&v, c, now)
	if len(a.Signatures) > 0 || !a.MediatorSignedAt.IsZero() || a.Sealed || !a.SealedAt.IsZero() {
		v.Fail("agreement.signatures", "a draft carries no marks: record them as they are made on the printed draft")
	}
	a.Committee = v.Keep(fourplusn.Text("agreement.committee", a.Committee, maxShortText))
	v.Add(c.checkParticulars())
	return v.Err()
}

// checkTerms checks, and cleans in place, what every agreement states:
// its form and number, the facts, the points in dispute, the
// responsibilities, the terms and payments among c's parties, the
// mediator and the place of performance.
func (a *Agreement) checkTerms(v *fourplusn.Validation, c *Case, now time.Time) {
	if a.Form != Written && a.Form != Oral {
		v.Fail("agreement.form", "form must be written or oral")
	}
	a.Number = v.Keep(fourplusn.OptionalText("agreement.number", a.Number, maxShortText))
	a.Facts = v.Keep(fourplusn.MultilineText("agreement.facts", a.Facts, maxLongText))
	a.Disputes = v.Keep(fourplusn.MultilineText("agreement.disputes", a.Disputes, maxLongText))
	a.Responsibilities = v.Keep(fourplusn.OptionalMultilineText("agreement.responsibilities", a.Responsibilities, maxLongText))
	a.Terms = v.Keep(fourplusn.MultilineText("agreement.terms", a.Terms, maxLongText))
	a.Mediator = v.Keep(fourplusn.Text("agreement.mediator", a.Mediator, maxName))
	a.MediatorPost = v.Keep(fourplusn.OptionalText("agreement.mediator_post", a.MediatorPost, maxShortText))
	a.Place = v.Keep(fourplusn.OptionalText("agreement.place", a.Place, maxShortText))
	dueWindow := fourplusn.Window{From: c.RegisteredAt.Add(-agreementLead), To: now.Add(performedAhead)}
	names := partyNames(c.Parties())
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
}

// checkPerformance checks how and by when a written agreement is
// performed, cleaning the manner in place.
func (a *Agreement) checkPerformance(v *fourplusn.Validation, c *Case, now time.Time) {
	a.Manner = v.Keep(fourplusn.MultilineText("agreement.manner", a.Manner, maxLongText))
	if a.PerformBy.IsZero() {
		v.Fail("agreement.perform_by", "a written agreement states by when it is performed")
	} else {
		v.Add(fourplusn.Window{From: c.RegisteredAt.Add(-agreementLead), To: now.Add(performedAhead)}.Check("agreement.perform_by", a.PerformBy))
	}
}

// checkMark checks mark s, reported under field, of one of parties, made
// within window: the party is one of them, the mark is a signature, a
// seal or a fingerprint, and an agent who made it is one the party
// authorised specially. It cleans the names in place.
func checkMark(v *fourplusn.Validation, field string, s *Signature, parties []Party, window fourplusn.Window) {
	s.Party = v.Keep(fourplusn.Text(field+".party", s.Party, maxName))
	s.Agent = v.Keep(fourplusn.OptionalText(field+".agent", s.Agent, maxName))
	var party *Party
	for i := range parties {
		if parties[i].Name == s.Party {
			party = &parties[i]
		}
	}
	switch {
	case s.Party == "":
	case party == nil:
		v.Fail(field+".party", "%q is not a party to the case", s.Party)
	case s.Agent != "" && !party.authorisedToSign(s.Agent):
		v.Fail(field+".agent", "%q is not an agent of %q with special authorisation (特别授权): only such an agent signs for a party", s.Agent, s.Party)
	}
	if s.Mark < Signed || s.Mark > Fingerprinted {
		v.Fail(field+".mark", "a party signs, seals or fingerprints")
	}
	if !s.At.IsZero() {
		v.Add(window.Check(field+".at", s.At))
	}
}

// authorisedToSign reports whether the agent named is one p authorised
// specially, which signing an agreement for a party needs.
func (p *Party) authorisedToSign(agent string) bool {
	for _, a := range p.Agents {
		if a.Name == agent && a.Authority == SpecialAuthority {
			return true
		}
	}
	return false
}

// partyNames returns the set of the names of parties.
func partyNames(parties []Party) map[string]bool {
	names := make(map[string]bool, len(parties))
	for _, p := range parties {
		names[p.Name] = true
	}
	return names
}

// quoted returns each of names in quotes.
func quoted(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strconv.Quote(n)
	}
	return out
}
