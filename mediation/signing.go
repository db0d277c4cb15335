package mediation

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
)

// The rules of an agreement's life, each as the error that refuses what
// breaks it. Each is a Conflict: the input may be right, but the
// agreement's state does not allow the action. They match with
// errors.Is.
var (
	// ErrNoDraft refuses marks when there is no draft to put them on.
	ErrNoDraft = &fourplusn.Error{Code: fourplusn.Conflict, Message: "there is no draft agreement to sign: draft one first"}
	// ErrDraftPending refuses a second agreement while a draft waits to
	// be signed: revise that draft, or record its signing.
	ErrDraftPending = &fourplusn.Error{Code: fourplusn.Conflict, Message: "a draft agreement is waiting to be signed: revise it or record its signing"}
	// ErrAgreementInEffect refuses to revise an agreement in effect: it
	// binds the parties, and only a new agreement they sign replaces it.
	ErrAgreementInEffect = &fourplusn.Error{Code: fourplusn.Conflict, Message: "an agreement in effect is not revised: supersede it with a new one, giving the reason"}
	// ErrNothingInEffect refuses to supersede when no agreement is in
	// effect.
	ErrNothingInEffect = &fourplusn.Error{Code: fourplusn.Conflict, Message: "no agreement is in effect to supersede"}
	// ErrStaleRevision refuses marks made on a revision of the draft
	// that is not its latest: the latest must be printed and signed.
	ErrStaleRevision = &fourplusn.Error{Code: fourplusn.Conflict, Message: "the marks are on an earlier revision of the draft: print the latest one and have it signed"}
	// ErrParticularsChanged refuses marks on a draft whose parties were
	// corrected after it was made: the paper states them as they were.
	ErrParticularsChanged = &fourplusn.Error{Code: fourplusn.Conflict, Message: "the parties' particulars were corrected after the draft was made: revise the draft and print it again"}
)

// Signing is what was marked on the printed draft of a written
// agreement: the parties' marks, the mediator's signature, the
// committee's seal, each with when it was made (the zero time: when it is
// recorded). The marks may be recorded together or as they are made.
type Signing struct {
	Revision       int         // the revision printed on the draft that was signed
	Marks          []Signature // marks of parties who had not signed before
	MediatorSigned bool        // the mediator signed
	MediatorAt     time.Time
	Sealed         bool // the committee sealed it
	SealedAt       time.Time
}

// DraftAgreement drafts the written agreement of case id, or revises the
// draft the case has: a's text becomes the draft's next revision, which
// is printed for the parties to sign (see Agreement.RenderHTML) and has
// no marks yet; RecordSigning records them. The parties' particulars are
// copied from the case, which must hold every one the agreement states,
// since the printed draft states them (see Agreement.Validate); a
// correction after drafting calls for a new revision before the marks are
// recorded. A revision of a draft that supersedes the agreement in effect
// supersedes it still, for the same reason.
//
// Needs Mediate at the handling cell. The case must be in mediation, or
// agreed with a superseding draft to revise; an agreement in effect is
// never revised (ErrAgreementInEffect). Returns Invalid for an oral
// agreement, which is recorded when reached (RecordAgreement), and for a
// draft with marks on it.
func (s *Service) DraftAgreement(ctx context.Context, actor grid.Actor, id ID, version int64, a Agreement) (*Case, error) {
	if err := checkCounts(a.Payments, a.Signatures); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, grid.Mediate, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		switch {
		case !in(c, Mediating, Agreed):
			return "", nil, conflict(c, "given a draft agreement")
		case c.State == Agreed && c.Draft == nil:
			return "", nil, ErrAgreementInEffect
		}
		a.Supersedes, a.SupersedeReason = 0, ""
		if c.Draft != nil {
			a.Supersedes, a.SupersedeReason = c.Draft.Supersedes, c.Draft.SupersedeReason
		}
		return draft(c, actor, now, a)
	})
}

// SupersedeAgreement begins a new written agreement to replace the one in
// effect on case id, for the reason given (the parties agreed to change
// its terms, a term proved impossible to perform): a becomes a draft, the
// case's next revision, naming the revision it supersedes. The agreement
// in effect binds the parties until the new one takes effect, when its
// last mark is recorded (RecordSigning); then it is superseded, and the
// 30 days for 司法确认 count from the new one.
//
// Needs Mediate at the handling cell; the case must be agreed, and not
// closed, with no draft waiting (ErrDraftPending: revise that one with
// DraftAgreement). Returns ErrNothingInEffect for a case in mediation.
func (s *Service) SupersedeAgreement(ctx context.Context, actor grid.Actor, id ID, version int64, reason string, a Agreement) (*Case, error) {
	reason, err := fourplusn.Text("reason", reason, maxShortText)
	if err != nil {
		return nil, err
	}
	if err := checkCounts(a.Payments, a.Signatures); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, grid.Mediate, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		switch {
		case !in(c, Mediating, Agreed):
			return "", nil, conflict(c, "given a new agreement")
		case c.Agreement == nil:
			return "", nil, ErrNothingInEffect
		case c.Draft != nil:
			return "", nil, ErrDraftPending
		}
		a.Supersedes, a.SupersedeReason = c.Agreement.Revision, reason
		return draft(c, actor, now, a)
	})
}

// draft makes a, checked, the draft of c: its next revision, stating c's
// parties as they are now.
func draft(c *Case, actor grid.Actor, now time.Time, a Agreement) (timeline.Action, map[string]string, error) {
	if err := a.validateDraft(c, now); err != nil {
		return "", nil, err
	}
	a.Revision, a.Parties, a.Number = c.lastRevision()+1, c.Parties(), c.agreementNumber(a.Number)
	a.RecordedBy, a.DraftedAt = actor.ID, now
	a.EffectiveAt, a.SupersededAt = time.Time{}, time.Time{}
	c.Draft = &a
	details := map[string]string{"revision": strconv.Itoa(a.Revision), "total_fen": strconv.FormatInt(a.Total(), 10)}
	if a.Supersedes > 0 {
		details["supersedes"], details["reason"] = strconv.Itoa(a.Supersedes), a.SupersedeReason
	}
	return ActionDrafted, details, nil
}

// RecordSigning records marks made on the printed draft of case id's
// written agreement: parties' signatures, seals or fingerprints, each by
// the party or by an agent the party authorised specially (特别授权); the
// mediator's signature; the committee's seal. It is called as the marks
// are made, or once for all of them; a mark recorded stays. The marks
// must be on the draft's latest revision (ErrStaleRevision), and the
// parties as the draft states them (ErrParticularsChanged).
//
// When the last mark required is recorded, the agreement takes effect
// (art. 29) as of the latest mark, from which the 30 days for 司法确认
// count: a case in mediation is agreed, and an agreement the draft
// supersedes is superseded.
//
// Needs Mediate at the handling cell; the case must be in mediation or
// agreed, with a draft (ErrNoDraft). Returns Invalid, naming each field,
// for a mark of someone who is not a party or has signed already, by an
// agent without special authorisation, or dated outside the agreement's
// window.
func (s *Service) RecordSigning(ctx context.Context, actor grid.Actor, id ID, version int64, sg Signing) (*Case, error) {
	var v fourplusn.Validation
	if sg.Revision < 1 {
		v.Fail("signing.revision", "the revision printed on the signed draft is required")
	}
	if len(sg.Marks) == 0 && !sg.MediatorSigned && !sg.Sealed {
		v.Fail("signing", "record a party's mark, the mediator's signature or the committee's seal")
	}
	v.Add(checkCounts(nil, sg.Marks))
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, grid.Mediate, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		d := c.Draft
		switch {
		case !in(c, Mediating, Agreed):
			return "", nil, conflict(c, "signed")
		case d == nil:
			return "", nil, ErrNoDraft
		case sg.Revision != d.Revision:
			return "", nil, fourplusn.Errorf(fourplusn.Conflict, "revision %d was signed, the draft is at revision %d: %w", sg.Revision, d.Revision, ErrStaleRevision)
		case !sameParties(d.Parties, c.Parties()):
			return "", nil, ErrParticularsChanged
		}
		if err := sg.validate(c, now); err != nil {
			return "", nil, err
		}
		details := map[string]string{"revision": strconv.Itoa(d.Revision)}
		for _, m := range sg.Marks {
			m.At = whenMade(m.At, now)
			d.Signatures = append(d.Signatures, m)
			party := fmt.Sprintf("parties[%d]", partyIndex(d.Parties, m.Party))
			details[party+".mark"] = m.Mark.String()
			if m.Agent != "" {
				details[party+".by"] = "agent"
			}
		}
		if sg.MediatorSigned {
			d.MediatorSignedAt = whenMade(sg.MediatorAt, now)
			details["mediator"] = "signed"
		}
		if sg.Sealed {
			d.Sealed, d.SealedAt = true, whenMade(sg.SealedAt, now)
			details["sealed"] = "true"
		}
		if d.complete() {
			if old := c.takeEffect(now); old > 0 {
				details["supersedes"] = strconv.Itoa(old)
			}
			details["in_effect"] = c.Agreement.EffectiveAt.Format(time.RFC3339)
		}
		return ActionSigning, details, nil
	})
}

// validate checks the marks of sg on c's draft at now, cleaning their
// names in place, and reports every field at fault. A mark on a draft
// that supersedes an agreement is not dated before that one took effect.
func (sg *Signing) validate(c *Case, now time.Time) error {
	d := c.Draft
	window := signedWindow(c, now)
	if c.Agreement != nil && c.Agreement.EffectiveAt.After(window.From) {
		window.From = c.Agreement.EffectiveAt
	}
	var v fourplusn.Validation
	seen := map[string]bool{}
	for i := range sg.Marks {
		m := &sg.Marks[i]
		field := fmt.Sprintf("signing.marks[%d]", i)
		checkMark(&v, field, m, d.Parties, window)
		switch {
		case m.Party == "":
		case d.signature(m.Party) != nil:
			v.Fail(field+".party", "%q has signed already", m.Party)
		case seen[m.Party]:
			v.Fail(field+".party", "%q is marked twice", m.Party)
		}
		seen[m.Party] = true
	}
	if sg.MediatorSigned {
		if !d.MediatorSignedAt.IsZero() {
			v.Fail("signing.mediator_signed", "the mediator has signed already")
		}
		if !sg.MediatorAt.IsZero() {
			v.Add(window.Check("signing.mediator_at", sg.MediatorAt))
		}
	}
	if sg.Sealed {
		if d.Sealed {
			v.Fail("signing.sealed", "the committee has sealed it already")
		}
		if !sg.SealedAt.IsZero() {
			v.Add(window.Check("signing.sealed_at", sg.SealedAt))
		}
	}
	return v.Err()
}

// takeEffect puts c's draft, signed in full, in effect. A case in
// mediation is agreed; an agreement in effect is superseded, and its
// revision returned (0 if there was none).
func (c *Case) takeEffect(now time.Time) (superseded int) {
	d := c.Draft
	d.EffectiveAt = d.effectiveAt(now)
	if old := c.Agreement; old != nil {
		old.SupersededAt = d.EffectiveAt
		c.Superseded = append(c.Superseded, *old)
		superseded = old.Revision
	}
	c.Agreement, c.Draft = d, nil
	if c.State == Mediating {
		c.State, c.ResolvedAt = Agreed, now
	}
	return superseded
}

// RecordAgreement records an agreement that ends mediation at once: an
// oral one, recorded by the mediator as reached (art. 30), or a written
// one already signed by every party and the mediator and sealed by the
// committee — a draft and its signing in one step, for an agreement
// signed on paper before it is recorded. A written one takes effect as of
// its last mark, a mark's zero time standing for now. The parties'
// particulars are copied from the case, which must hold every one a
// written agreement states (see Agreement.Validate). Needs Mediate at the
// handling cell; the case must be in mediation, with no draft waiting to
// be signed (ErrDraftPending).
func (s *Service) RecordAgreement(ctx context.Context, actor grid.Actor, id ID, version int64, a Agreement) (*Case, error) {
	if err := checkCounts(a.Payments, a.Signatures); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, grid.Mediate, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		switch {
		case !in(c, Mediating):
			return "", nil, conflict(c, "settled by agreement")
		case c.Draft != nil:
			return "", nil, ErrDraftPending
		}
		if err := a.Validate(c, now); err != nil {
			return "", nil, err
		}
		a.Revision, a.Parties, a.Number = c.lastRevision()+1, c.Parties(), c.agreementNumber(a.Number)
		a.RecordedBy, a.DraftedAt, a.EffectiveAt = actor.ID, now, now
		a.Supersedes, a.SupersedeReason, a.SupersededAt = 0, "", time.Time{}
		if a.Form == Written {
			for i := range a.Signatures {
				a.Signatures[i].At = whenMade(a.Signatures[i].At, now)
			}
			a.MediatorSignedAt, a.SealedAt = whenMade(a.MediatorSignedAt, now), whenMade(a.SealedAt, now)
			a.EffectiveAt = a.effectiveAt(now)
		}
		c.Agreement = &a
		c.State, c.ResolvedAt = Agreed, now
		return ActionAgreement, map[string]string{"form": strconv.Itoa(int(a.Form)), "total_fen": strconv.FormatInt(a.Total(), 10), "revision": strconv.Itoa(a.Revision)}, nil
	})
}

// agreementNumber returns the number of an agreement of c: the case's
// own, which the committee files the agreement by, or typed, the number
// given, for a case registered before cases were numbered.
func (c *Case) agreementNumber(typed string) string {
	if c.Number.IsZero() {
		return typed
	}
	return c.Number.String()
}

// checkCounts bounds the payments and the marks of one agreement.
func checkCounts(payments []Payment, marks []Signature) error {
	if len(payments) > maxPayments || len(marks) > maxSignatures {
		return invalid("agreement", "at most %d payments and %d signatures", maxPayments, maxSignatures)
	}
	return nil
}

// whenMade returns when a mark dated at was made, in UTC: at, or now if
// it is undated.
func whenMade(at, now time.Time) time.Time {
	if at.IsZero() {
		return now
	}
	return at.UTC()
}

// sameParties reports whether two lists of parties state the same
// particulars of the same parties, in the same order.
func sameParties(a, b []Party) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := map[string]string{}, map[string]string{}
		a[i].texts("", x)
		b[i].texts("", y)
		if !maps.Equal(x, y) {
			return false
		}
	}
	return true
}

// partyIndex returns the index of the party named in parties, or -1.
func partyIndex(parties []Party, name string) int {
	for i, p := range parties {
		if p.Name == name {
			return i
		}
	}
	return -1
}
