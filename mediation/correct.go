package mediation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
)

// Correction corrects what was registered of a case — its facts, its
// parties' particulars — with the reason for it.
type Correction struct {
	Reason string
	// Facts, when not empty, replaces the facts.
	Facts string
	// Applicants and Respondents, when not nil, replace the parties of
	// their side: every one of them, in their order, as corrected. A
	// correction corrects who the parties are; it adds or removes none.
	// A party's agents may be added, changed or removed.
	Applicants  []Party
	Respondents []Party
}

// Correct corrects the facts and the parties' particulars of case id
// after registration, and records the reason and, for each field it
// changes, the field before and after on the case's timeline (see
// ActionCorrected). The corrected parties pass the intake's checks at
// now: an applicant keeps a phone number, an ID card agrees with the date
// of birth and the sex, an age is the age at registration. An agreement
// already in effect keeps the particulars it was signed with; a draft
// states the parties as they were when it was drafted, and its marks are
// refused until a revision states them as corrected (see RecordSigning).
//
// Needs Mediate at the handling cell, as the other work on a case does,
// and to correct the parties ViewPersonal there too: whoever sees the
// parties masked may not rewrite them. Allowed while the case is not
// ended, from registration until it is closed, an escalation waiting or
// not; a closed or rejected case is a finished record (Conflict). Returns
// Invalid, naming the field, for bad input and for a correction that
// changes nothing.
func (s *Service) Correct(ctx context.Context, actor grid.Actor, id ID, version int64, cr Correction) (*Case, error) {
	var v fourplusn.Validation
	if cr.Facts == "" && cr.Applicants == nil && cr.Respondents == nil {
		v.Fail("correction", "correct the facts or the parties")
	}
	cr.Reason = v.Keep(fourplusn.Text("reason", cr.Reason, maxShortText))
	cr.Facts = v.Keep(fourplusn.OptionalMultilineText("facts", cr.Facts, maxLongText))
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, grid.Mediate, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		if c.State.Ended() {
			return "", nil, fourplusn.Errorf(fourplusn.Conflict, "a %s case cannot be corrected", c.State)
		}
		if cr.Applicants != nil || cr.Respondents != nil {
			if err := s.policy.Can(actor, grid.ViewPersonal, c.target()); err != nil {
				return "", nil, err
			}
		}
		at := when{registered: c.RegisteredAt, now: now}
		var v fourplusn.Validation
		v.Add(correctSide("applicants", c.Applicants, cr.Applicants, true, at))
		v.Add(correctSide("respondents", c.Respondents, cr.Respondents, false, at))
		if err := v.Err(); err != nil {
			return "", nil, err
		}
		before := c.correctable()
		if cr.Facts != "" {
			c.Facts = cr.Facts
		}
		if cr.Applicants != nil {
			c.Applicants = cloneParties(cr.Applicants)
		}
		if cr.Respondents != nil {
			c.Respondents = cloneParties(cr.Respondents)
		}
		details := changes(before, c.correctable())
		if len(details) == 0 {
			return "", nil, invalid("correction", "changes nothing: the facts and the parties are as given already")
		}
		details["reason"] = cr.Reason
		return ActionCorrected, details, nil
	})
}

// correctSide validates the corrected parties of one side, which has
// parties now: all of them in their order, or nil for none corrected.
func correctSide(field string, parties, corrected []Party, applicants bool, at when) error {
	switch {
	case corrected == nil:
		return nil
	case len(corrected) != len(parties):
		return invalid(field, "the case has %d: a correction gives each of them, in their order, and adds or removes none", len(parties))
	}
	return validateParties(field, corrected, applicants, at)
}

// correctable returns what a correction may change of c, as text by field:
// the facts, and every particular of every party.
func (c *Case) correctable() map[string]string {
	out := map[string]string{"facts": c.Facts}
	for i := range c.Applicants {
		c.Applicants[i].texts(fmt.Sprintf("applicants[%d]", i), out)
	}
	for i := range c.Respondents {
		c.Respondents[i].texts(fmt.Sprintf("respondents[%d]", i), out)
	}
	return out
}

// changes returns the details of a correction from before to after: for
// each field whose text differs, <field>.before and <field>.after.
func changes(before, after map[string]string) map[string]string {
	details := map[string]string{}
	note := func(field string) {
		if before[field] != after[field] {
			details[field+".before"], details[field+".after"] = before[field], after[field]
		}
	}
	for field := range before {
		note(field)
	}
	for field := range after {
		note(field)
	}
	return details
}

// maskCorrection returns a copy of a correction's details with each
// personal particular, before and after, masked as the case's parties are.
func maskCorrection(details map[string]string) map[string]string {
	out := make(map[string]string, len(details))
	for k, v := range details {
		field, ok := strings.CutSuffix(k, ".before")
		if !ok {
			field, ok = strings.CutSuffix(k, ".after")
		}
		if mask := detailMasks[field[strings.LastIndexByte(field, '.')+1:]]; ok && mask != nil {
			v = mask(v)
		}
		out[k] = v
	}
	return out
}
