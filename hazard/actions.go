package hazard

import (
	"context"
	"strconv"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// Every action below takes the hazard's ID and the version the actor last
// saw (0 for whatever is current). A stale version is a Conflict, as is a
// state that does not allow the action; an actor who may not see the
// hazard gets NotFound, one who may see it but not act gets Forbidden,
// and no actor gets Unauthorized. A refused action changes nothing.

// Rectify records that an open hazard was rectified (整改), with the
// evidence and photos in r; it then waits for an upper post to verify it
// within the rules' VerifyWithin. Needs Rectify at the handling cell.
// Returns Invalid for missing evidence or bad photos, naming the field.
func (s *Service) Rectify(ctx context.Context, actor grid.Actor, id ID, version int64, r Rectification) (*Hazard, error) {
	if err := r.validate(); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, grid.Rectify, handlingCell, func(h *Hazard, now time.Time) (timeline.Action, map[string]string, error) {
		if h.State != Open {
			return "", nil, conflict(h, "rectified")
		}
		if len(h.Rectifications) >= maxRounds {
			return "", nil, invalid("evidence", "the hazard was already rectified %d times; escalate it instead", maxRounds)
		}
		r.By, r.At = actor.ID, now
		h.rectified(r, s.rules)
		return ActionRectified, map[string]string{"photos": strconv.Itoa(len(r.Photos)), "verify_due": h.VerifyDue.Format(time.RFC3339)}, nil
	})
}

// Verify records an upper post's check of a rectified hazard (验收). If v
// passed, the hazard is closed; if not, it is open again (reopened), due to
// be rectified anew within its grade's time, and v's notes, which are then
// required, say what is still wrong. Needs Verify at the parent of the
// handling cell (at the handling cell itself for a township), so that the
// post that rectified a hazard does not pass its own work. Returns Invalid
// for missing or overlong notes, naming the field.
func (s *Service) Verify(ctx context.Context, actor grid.Actor, id ID, version int64, v Verification) (*Hazard, error) {
	check := fourplusn.MultilineText
	if v.Passed {
		check = fourplusn.OptionalMultilineText
	}
	notes, err := check("notes", v.Notes, maxLongText)
	if err != nil {
		return nil, err
	}
	v.Notes = notes
	return s.act(ctx, actor, id, version, grid.Verify, verifyCell, func(h *Hazard, now time.Time) (timeline.Action, map[string]string, error) {
		if h.State != Rectified {
			return "", nil, conflict(h, "verified")
		}
		v.By, v.At = actor.ID, now
		h.Verifications = append(h.Verifications, v)
		details := map[string]string{}
		if v.Notes != "" {
			details["notes"] = v.Notes
		}
		if v.Passed {
			h.State, h.ClosedAt = Closed, now
			return ActionVerified, details, nil
		}
		h.State, h.ReopenedAt, h.Reopens = Open, now, h.Reopens+1
		h.RectifyDue = now.Add(s.rules.Grades[h.Grade].RectifyWithin)
		details["rectify_due"] = h.RectifyDue.Format(time.RFC3339)
		return ActionVerificationFailed, details, nil
	})
}

// Conversion is what a post adds to a dispute lead to make it a mediation
// case: the dispute's category, the parties, the facts (the hazard's
// description when empty), any claims, and the risks seen (a likely fight,
// …), which grade the case.
type Conversion struct {
	Category    mediation.Category
	Applicants  []mediation.Party
	Respondents []mediation.Party
	Facts       string
	Claims      []mediation.Claim
	Risks       mediation.RiskFlags
}

// Convert turns an open dispute lead (category DisputeLead) into a
// mediation case: it registers the case through the Converter — channel
// screening, the hazard's location, Hazard set to the hazard's ID, and the
// parties, facts, claims and risks of c — then records the case's ID on the
// hazard, with a reason saying the case was graded in its own right, and
// closes the hazard's own lifecycle in state Converted. It
// returns the converted hazard and the case. Needs Register at the handling
// cell; the Converter checks in turn that actor may register cases.
//
// The case is registered first and the hazard updated second; the two are
// not one write. If the hazard's update fails — a stale version or a
// concurrent change is a Conflict — the case already exists and points at
// the hazard, which is not converted. Convert registers the case under an
// idempotency key derived from the hazard's ID, which mediation scopes to
// the hazard rather than to the actor, so anyone retrying the same
// conversion gets that same case back rather than a second one, and the
// hazard is then converted.
//
// Returns Invalid (field "category") for a hazard that is not a dispute
// lead, Conflict for one that is not open, Invalid naming the field for a
// conversion the Converter refuses, and Internal when the Service has no
// Converter.
func (s *Service) Convert(ctx context.Context, actor grid.Actor, id ID, version int64, c Conversion) (*Hazard, *mediation.Case, error) {
	if s.converter == nil {
		return nil, nil, fourplusn.Errorf(fourplusn.Internal, "hazard service has no converter to mediation")
	}
	h, err := s.store.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if version != 0 && version != h.Version {
		return nil, nil, fourplusn.Errorf(fourplusn.Conflict, "hazard %s was changed (now version %d, not %d): reload it and try again", id, h.Version, version)
	}
	if err := s.records.Authorize(actor, grid.Register, handlingCell(h), h); err != nil {
		return nil, nil, err
	}
	if err := convertible(h); err != nil {
		return nil, nil, err
	}
	facts := c.Facts
	if facts == "" {
		facts = h.Description
	}
	mc, err := s.converter.Register(ctx, actor, mediation.Intake{
		Channel:        work.ChannelScreening,
		Category:       c.Category,
		Applicants:     c.Applicants,
		Respondents:    c.Respondents,
		Facts:          facts,
		Claims:         c.Claims,
		Location:       h.Location.Cell(),
		Risks:          c.Risks,
		Hazard:         string(h.ID),
		IdempotencyKey: "hazard:" + string(h.ID),
	})
	if err != nil {
		return nil, nil, err
	}
	h, err = s.act(ctx, actor, id, version, grid.Register, handlingCell, func(h *Hazard, now time.Time) (timeline.Action, map[string]string, error) {
		if err := convertible(h); err != nil {
			return "", nil, err
		}
		h.State, h.Case, h.ConvertedAt, h.ConvertedBy = Converted, mc.ID, now, actor.ID
		h.Grading = append(h.Grading, convertedReason(mc))
		return ActionConverted, map[string]string{"case": string(mc.ID), "grade": mc.Grade.String()}, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return h, mc, nil
}

// convertible reports whether h may be converted into a case now.
func convertible(h *Hazard) error {
	switch {
	case h.Category != DisputeLead:
		return invalid("category", "only a dispute lead (%s) can be converted into a mediation case, not a %s hazard", DisputeLead, h.Category)
	case h.State != Open:
		return conflict(h, "converted")
	}
	return nil
}
