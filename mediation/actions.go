package mediation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/internal/kernel"
	"github.com/fourplusn/fourplusn/timeline"
)

// Every action below takes the case's ID and the version the actor last saw
// (0 for whatever is current). A stale version is a Conflict, as is a state
// that does not allow the action; an actor who may not see the case gets
// NotFound, one who may see it but not act gets Forbidden. A refused action
// changes nothing.

// Accept accepts a registered case for mediation (受理); the accepting member
// becomes accountable for it in place of the first responder. For an online
// application, accepting is the favourable end of its review, and the
// reviewer becomes its first responder. Needs Accept at the handling cell.
func (s *Service) Accept(ctx context.Context, actor grid.Actor, id ID, version int64) (*Case, error) {
	return s.act(ctx, actor, id, version, grid.Accept, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		if !in(c, Registered) {
			return "", nil, conflict(c, "accepted")
		}
		c.accept(actor, now, s.rules)
		return ActionAccepted, map[string]string{"handling": c.Handling.String()}, nil
	})
}

// accept makes actor the case's handler from now on.
func (c *Case) accept(actor grid.Actor, now time.Time, r Rules) {
	if c.FirstResponder == "" {
		c.FirstResponder = actor.ID
	}
	c.State = Accepted
	c.AcceptedAt, c.AcceptedBy = now, actor.ID
	c.ResolveDue = r.Grades[c.Grade].resolveDue(now, r.Calendar)
}

// Reject declines a registered case with the reason and the referral advice
// given to the applicant: already before a court or the police, not
// mediable, a party refuses mediation (People's Mediation Law art. 17,
// Ministry of Justice rules art. 22). A case from outside the township
// cannot be rejected: it is mediated or transferred out. Needs Review at the
// handling cell.
func (s *Service) Reject(ctx context.Context, actor grid.Actor, id ID, version int64, r Rejection) (*Case, error) {
	var v fourplusn.Validation
	r.Reason = v.Keep(fourplusn.Text("reason", r.Reason, maxShortText))
	r.Advice = v.Keep(fourplusn.Text("advice", r.Advice, maxShortText))
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, grid.Review, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		if !in(c, Registered) {
			return "", nil, conflict(c, "rejected")
		}
		if c.OutOfJurisdiction() {
			// First-inquiry responsibility: a dispute from outside the
			// township is mediated here or handed on with a record.
			return "", nil, fourplusn.Errorf(fourplusn.Conflict, "case %s arose outside the township: mediate it or transfer it out, never reject it", c.ID)
		}
		if c.FirstResponder == "" {
			c.FirstResponder = actor.ID
		}
		c.State, c.ResolvedAt, c.Rejection = Rejected, now, &r
		return ActionRejected, map[string]string{"reason": r.Reason, "advice": r.Advice}, nil
	})
}

// Join adds a participant to the case's 4+N team: police, justice, grid or
// the mediation committee, or an N-partner — a named body, or a person such
// as a respected relative. Needs Mediate at the handling cell; the case must
// be accepted or in mediation.
func (s *Service) Join(ctx context.Context, actor grid.Actor, id ID, version int64, p Participant) (*Case, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, grid.Mediate, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		if !in(c, Accepted, Mediating) {
			return "", nil, conflict(c, "given a team")
		}
		if len(c.Team) >= maxTeam {
			return "", nil, invalid("participant", "the team already has %d members", maxTeam)
		}
		c.Team = append(c.Team, p)
		return ActionJoined, map[string]string{"department": p.Department, "body": p.Body, "name": p.Name, "role": p.Role}, nil
	})
}

// validate checks p, cleaning its text in place, and reports every field
// at fault.
func (p *Participant) validate() error {
	var v fourplusn.Validation
	_, err := grid.ParseDepartment(p.Department)
	v.Under("participant", err)
	p.Name = v.Keep(fourplusn.Text("participant.name", p.Name, maxName))
	if p.Department == grid.DeptPartner.String() {
		p.Body = v.Keep(fourplusn.Text("participant.body", p.Body, maxShortText))
	} else {
		p.Body = v.Keep(fourplusn.OptionalText("participant.body", p.Body, maxShortText))
	}
	p.Role = v.Keep(fourplusn.OptionalText("participant.role", p.Role, maxShortText))
	if len(p.MemberID) > maxKey {
		v.Fail("participant.member_id", "longer than %d bytes", maxKey)
	}
	return v.Err()
}

// RecordSession records a mediation session held anywhere — a field, a
// home, the village committee, the station, online — with its attendees,
// notes and outcome. The first session moves an accepted case into
// mediation. When FailedSessions sessions in a row make no progress, the
// case is submitted upward automatically. Needs Mediate at the handling cell.
// The session must be dated no earlier than a year before the case was
// registered and no later than a year from now.
func (s *Service) RecordSession(ctx context.Context, actor grid.Actor, id ID, version int64, sess Session) (*Case, error) {
	return s.act(ctx, actor, id, version, grid.Mediate, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		if err := sess.validate(c, now); err != nil {
			return "", nil, err
		}
		if !in(c, Accepted, Mediating) {
			return "", nil, conflict(c, "mediated")
		}
		if len(c.Sessions) >= maxSessions {
			return "", nil, invalid("session", "the case already has %d sessions", maxSessions)
		}
		if err := c.hold(&sess, len(c.Sessions)+1); err != nil {
			return "", nil, err
		}
		sess.By = actor.ID
		sess.At = sess.At.UTC()
		c.Sessions = append(c.Sessions, sess)
		c.State = Mediating
		details := map[string]string{"session": strconv.Itoa(len(c.Sessions)), "place": sess.Place.String(), "outcome": strconv.Itoa(int(sess.Outcome))}
		if reason, ok := s.rules.stalled(c); ok {
			c.submit(actor, c.Handling.Parent(), reason, now)
			details["escalated_to"] = c.Escalation.To.String()
		}
		return ActionSession, details, nil
	})
}

// sessionLead is how long before a case's registration a session of it
// may have been held: a dispute mediated before anyone registered it.
const sessionLead = 366 * 24 * time.Hour

// sessionAhead is how far ahead of now a session may be dated.
const sessionAhead = 366 * 24 * time.Hour

// validate checks a session of case c recorded at now, cleaning its text
// in place, and reports every field at fault.
func (sess *Session) validate(c *Case, now time.Time) error {
	var v fourplusn.Validation
	if sess.At.IsZero() {
		v.Fail("session.at", "when the session was held is required")
	} else {
		v.Add(fourplusn.Window{From: c.RegisteredAt.Add(-sessionLead), To: now.Add(sessionAhead)}.Check("session.at", sess.At))
	}
	if sess.Place < PlaceField || sess.Place >= numPlaces {
		v.Fail("session.place", "unknown place %d", sess.Place)
	}
	if sess.Outcome < Progress || sess.Outcome > Settled {
		v.Fail("session.outcome", "unknown outcome %d", sess.Outcome)
	}
	switch {
	case len(sess.Attendees) == 0:
		v.Fail("session.attendees", "at least one attendee is required")
	case len(sess.Attendees) > maxAttendees:
		v.Fail("session.attendees", "at most %d attendees", maxAttendees)
	default:
		for i := range sess.Attendees {
			sess.Attendees[i] = v.Keep(fourplusn.Text(fmt.Sprintf("session.attendees[%d]", i), sess.Attendees[i], maxName))
		}
	}
	sess.PlaceNote = v.Keep(fourplusn.OptionalText("session.place_note", sess.PlaceNote, maxShortText))
	sess.Notes = v.Keep(fourplusn.MultilineText("session.notes", sess.Notes, maxLongText))
	return v.Err()
}

// Fail records that mediation failed and where the parties were pointed:
// litigation, arbitration, the police or an administrative body. Needs
// Mediate at the handling cell; the case must be accepted or in mediation.
func (s *Service) Fail(ctx context.Context, actor grid.Actor, id ID, version int64, f Failure) (*Case, error) {
	var v fourplusn.Validation
	f.Reason = v.Keep(fourplusn.Text("reason", f.Reason, maxShortText))
	switch f.Route {
	case RouteLitigation, RouteArbitration, RoutePolice, RouteAdministration:
	default:
		v.Fail("route", "unknown route %q", f.Route)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, grid.Mediate, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		if !in(c, Accepted, Mediating) {
			return "", nil, conflict(c, "failed")
		}
		c.State, c.ResolvedAt, c.Failure = Failed, now, &f
		return ActionFailed, map[string]string{"reason": f.Reason, "route": string(f.Route)}, nil
	})
}

// Withdraw records that the applicant withdrew: mediation is voluntary
// (art. 17). A member records it with Mediate at the handling cell; the
// resident who applied may withdraw their own application. The case must
// not have reached an outcome.
func (s *Service) Withdraw(ctx context.Context, actor grid.Actor, id ID, version int64, reason string) (*Case, error) {
	reason, err := fourplusn.Text("reason", reason, maxShortText)
	if err != nil {
		return nil, err
	}
	need := grid.Mediate
	if actor.Kind == grid.Resident {
		need = grid.View // a resident's own application: the policy checks ownership
	}
	return s.act(ctx, actor, id, version, need, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		if !c.State.Open() {
			return "", nil, conflict(c, "withdrawn")
		}
		c.State, c.ResolvedAt, c.Withdrawal, c.Escalation = Withdrawn, now, reason, nil
		return ActionWithdrawn, map[string]string{"reason": reason}, nil
	})
}

// Escalate submits a case to the level above for review (呈报审核) with a
// reason: small disputes stay down, so a reason is required. Level 1 has no
// level above and refers outward instead (see TransferOut). Needs Escalate
// at the handling cell; the case must be open with no escalation waiting.
func (s *Service) Escalate(ctx context.Context, actor grid.Actor, id ID, version int64, reason string) (*Case, error) {
	reason, err := fourplusn.Text("reason", reason, maxShortText)
	if err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, grid.Escalate, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		if !in(c, Registered, Accepted, Mediating) {
			return "", nil, conflict(c, "escalated")
		}
		if c.Handling.Level() == 1 {
			return "", nil, invalid("handling", "level 1 has no level above: transfer the case out instead")
		}
		c.submit(actor, c.Handling.Parent(), reason, now)
		return ActionEscalated, map[string]string{"to": c.Escalation.To.String(), "reason": reason}, nil
	})
}

// submit puts an escalation of c to the cell at path to up for review.
func (c *Case) submit(actor grid.Actor, to grid.Path, reason string, now time.Time) {
	c.Escalation = &Escalation{From: c.Handling, To: to, Reason: reason, By: actor.ID, At: now}
	c.Escalations++
}

// ApproveEscalation takes over a case submitted from below: the upper cell
// handles it from now on, and the approving member accepts it if it was not
// yet accepted. Needs ApproveEscalation at the cell the case was submitted
// to; the case must have an escalation waiting.
func (s *Service) ApproveEscalation(ctx context.Context, actor grid.Actor, id ID, version int64) (*Case, error) {
	return s.review(ctx, actor, id, version, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		from := c.Handling.String()
		c.Handling = c.Escalation.To
		c.Escalation = nil
		if c.State == Registered {
			c.accept(actor, now, s.rules)
		} else {
			c.AcceptedBy = actor.ID
		}
		return ActionApproved, map[string]string{"from": from, "handling": c.Handling.String()}, nil
	})
}

// ReturnEscalation returns a case submitted from below to the level that
// submitted it, with instructions. Needs ApproveEscalation at the cell the
// case was submitted to.
func (s *Service) ReturnEscalation(ctx context.Context, actor grid.Actor, id ID, version int64, instructions string) (*Case, error) {
	instructions, err := fourplusn.MultilineText("instructions", instructions, maxLongText)
	if err != nil {
		return nil, err
	}
	return s.review(ctx, actor, id, version, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		c.Escalation = nil
		return ActionReturned, map[string]string{"instructions": instructions}, nil
	})
}

// review runs a decision on a waiting escalation, authorized at the cell
// the case was submitted to rather than at its handling cell.
func (s *Service) review(ctx context.Context, actor grid.Actor, id ID, version int64, fn kernel.Change[*Case]) (*Case, error) {
	return s.act(ctx, actor, id, version, grid.View, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		if c.Escalation == nil {
			return "", nil, fourplusn.Errorf(fourplusn.Conflict, "case %s has no escalation waiting for review", c.ID)
		}
		if err := s.policy.Can(actor, grid.ApproveEscalation, grid.Target{Cell: c.Escalation.To}); err != nil {
			return "", nil, err
		}
		return fn(c, now)
	})
}

// Transfer hands an open case to another cell of the township, whose posts
// must then accept it; until they do, the first responder stays
// accountable. Needs Transfer at the handling cell. Returns NotFound for an
// unknown cell and Invalid for a cell of another township or the cell
// already handling the case.
func (s *Service) Transfer(ctx context.Context, actor grid.Actor, id ID, version int64, to grid.CellID, reason string) (*Case, error) {
	reason, err := fourplusn.Text("reason", reason, maxShortText)
	if err != nil {
		return nil, err
	}
	cell, err := s.cells.Cell(ctx, to)
	if err != nil {
		return nil, fourplusn.WithField("to", err)
	}
	return s.act(ctx, actor, id, version, grid.Transfer, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		switch {
		case !in(c, Registered, Accepted, Mediating):
			return "", nil, conflict(c, "transferred")
		case cell.Path.Township() != c.Township:
			return "", nil, invalid("to", "cell %q is in another township; transfer the case out instead", to)
		case cell.Path == c.Handling:
			return "", nil, invalid("to", "the case is already handled by %q", to)
		}
		from := c.Handling.String()
		c.Handling, c.State = cell.Path, Registered
		c.AcceptedAt, c.AcceptedBy = time.Time{}, ""
		c.AcceptDue = s.rules.Grades[c.Grade].acceptDue(now, s.rules.Calendar)
		c.Transfers++
		return ActionTransferred, map[string]string{"from": from, "to": c.Handling.String(), "reason": reason}, nil
	})
}

// TransferOut hands an open case to a body outside the grid — a court,
// another county's office, an administrative department — with a record of
// who received it, so that no case is ever dropped. Needs Transfer at the
// handling cell.
func (s *Service) TransferOut(ctx context.Context, actor grid.Actor, id ID, version int64, body OutsideBody) (*Case, error) {
	var v fourplusn.Validation
	body.Name = v.Keep(fourplusn.Text("name", body.Name, maxShortText))
	body.Contact = v.Keep(fourplusn.Text("contact", body.Contact, maxShortText))
	body.Reason = v.Keep(fourplusn.Text("reason", body.Reason, maxShortText))
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, grid.Transfer, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		if !in(c, Registered, Accepted, Mediating) {
			return "", nil, conflict(c, "transferred out")
		}
		c.State, c.ResolvedAt, c.TransferOut = TransferredOut, now, &body
		return ActionTransferredOut, map[string]string{"body": body.Name, "contact": body.Contact, "reason": body.Reason}, nil
	})
}

// Extend gives an accepted case more time to resolve, which needs both
// parties' consent (Ministry of Justice rules art. 33). Needs Mediate at the
// handling cell.
func (s *Service) Extend(ctx context.Context, actor grid.Actor, id ID, version int64, e Extension) (*Case, error) {
	var v fourplusn.Validation
	if !e.Consent {
		v.Fail("consent", "an extension needs both parties' consent")
	}
	if e.Days < 1 || e.Days > s.rules.MaxExtension {
		v.Fail("days", "an extension is 1 to %d days", s.rules.MaxExtension)
	}
	e.Reason = v.Keep(fourplusn.Text("reason", e.Reason, maxShortText))
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, grid.Mediate, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		if !in(c, Accepted, Mediating) {
			return "", nil, conflict(c, "extended")
		}
		if len(c.Extensions) >= maxExtensions {
			return "", nil, invalid("days", "the case was already extended %d times", maxExtensions)
		}
		e.At = now
		c.Extensions = append(c.Extensions, e)
		c.ResolveDue = c.ResolveDue.Add(time.Duration(e.Days) * 24 * time.Hour)
		return ActionExtended, map[string]string{"days": strconv.Itoa(e.Days), "reason": e.Reason, "resolve_due": c.ResolveDue.Format(time.RFC3339)}, nil
	})
}

// RaiseRisk records new risks (a threat to petition, a likely fight, …).
// They raise the case's grade at once, and if the new grade belongs to a
// higher level than the one handling the case, the case is submitted to
// that level automatically. Needs Mediate at the handling cell; the case
// must be open.
func (s *Service) RaiseRisk(ctx context.Context, actor grid.Actor, id ID, version int64, risks RiskFlags) (*Case, error) {
	if risks == 0 || risks&^allRisks != 0 {
		return nil, invalid("risks", "name at least one known risk")
	}
	return s.act(ctx, actor, id, version, grid.Mediate, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		if !c.State.Open() {
			return "", nil, conflict(c, "given new risks")
		}
		if c.Risks.Has(risks) {
			return "", nil, fourplusn.Errorf(fourplusn.Conflict, "case %s already has risks %s", c.ID, risks)
		}
		c.Risks |= risks
		s.rules.regrade(c)
		details := map[string]string{"risks": c.Risks.String(), "grade": c.Grade.String()}
		if reason, ok := s.rules.outgrown(c); ok && c.Escalation == nil {
			c.submit(actor, c.Handling.Prefix(s.rules.Grades[c.Grade].Level), reason, now)
			details["escalated_to"] = c.Escalation.To.String()
		}
		return ActionRiskRaised, details, nil
	})
}

// FollowUp records a visit after an agreement (回访): whether the agreement
// is being performed, and each party's satisfaction (in the order of
// Case.Parties, "" for one not asked). Needs Mediate at the handling cell;
// the case must be agreed.
func (s *Service) FollowUp(ctx context.Context, actor grid.Actor, id ID, version int64, f FollowUp) (*Case, error) {
	notes, err := fourplusn.MultilineText("notes", f.Notes, maxLongText)
	if err != nil {
		return nil, err
	}
	f.Notes = notes
	f.Satisfaction = slices.Clone(f.Satisfaction)
	for i, sat := range f.Satisfaction {
		if sat != "" && !sat.Valid() {
			return nil, invalid(fmt.Sprintf("satisfaction[%d]", i), "unknown satisfaction %q", sat)
		}
	}
	return s.act(ctx, actor, id, version, grid.Mediate, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		if !in(c, Agreed) {
			return "", nil, conflict(c, "followed up")
		}
		if len(c.FollowUps) >= maxFollowUps {
			return "", nil, invalid("notes", "the case already has %d follow-up visits", maxFollowUps)
		}
		if n := len(c.Applicants) + len(c.Respondents); len(f.Satisfaction) > n {
			return "", nil, invalid("satisfaction", "the case has %d parties, not %d", n, len(f.Satisfaction))
		}
		f.At, f.By = now, actor.ID
		c.FollowUps = append(c.FollowUps, f)
		asked, content := f.Asked()
		return ActionFollowUp, map[string]string{"performed": strconv.FormatBool(f.Performed),
			"asked": strconv.Itoa(asked), "content": strconv.Itoa(content)}, nil
	})
}

// Reopen takes an agreed case back to mediation because its last
// follow-up visit found the agreement not performed or a party
// unsatisfied (see FollowUp.Reopens), for the reason given. The agreement
// stays on the file until a new one supersedes it; the case is open again,
// with a fresh time to resolve from now. A closed case is archived and is
// not reopened: a dispute arising again is registered anew. Needs Mediate
// at the handling cell.
func (s *Service) Reopen(ctx context.Context, actor grid.Actor, id ID, version int64, reason string) (*Case, error) {
	reason, err := fourplusn.Text("reason", reason, maxShortText)
	if err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, grid.Mediate, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		if !in(c, Agreed) {
			return "", nil, conflict(c, "reopened")
		}
		if !c.Reopenable() {
			return "", nil, fourplusn.Errorf(fourplusn.Conflict, "case %s has no follow-up visit finding the agreement unperformed or a party unsatisfied", c.ID)
		}
		c.State, c.ResolvedAt = Mediating, time.Time{}
		c.ResolveDue = s.rules.Grades[c.Grade].resolveDue(now, s.rules.Calendar)
		return ActionReopened, map[string]string{"reason": reason, "resolve_due": c.ResolveDue.Format(time.RFC3339)}, nil
	})
}

// Reopenable reports whether the case may be reopened: it is agreed and
// its last follow-up visit found cause (see FollowUp.Reopens).
func (c *Case) Reopenable() bool {
	return c.State == Agreed && len(c.FollowUps) > 0 && c.FollowUps[len(c.FollowUps)-1].Reopens()
}

// Close closes a case that has an outcome: an agreement, a failure, a
// withdrawal, or a transfer out; and whose file (see Case.File) holds
// every item it requires — for an agreement, a follow-up visit among
// them. A file that lacks one is refused with a *FileIncompleteError
// naming every item missing (errors.Is ErrFileIncomplete). Needs Close at
// the handling cell.
func (s *Service) Close(ctx context.Context, actor grid.Actor, id ID, version int64, note string) (*Case, error) {
	note, err := fourplusn.OptionalMultilineText("note", note, maxLongText)
	if err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, grid.Close, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		if !in(c, Agreed, Failed, Withdrawn, TransferredOut) {
			return "", nil, conflict(c, "closed")
		}
		if lacking := c.File(nil).Lacking(); len(lacking) > 0 {
			e := &FileIncompleteError{Case: c.ID}
			for _, it := range lacking {
				e.Missing = append(e.Missing, it.Name)
			}
			return "", nil, &fourplusn.Error{Code: fourplusn.Conflict, Message: e.Error(), Err: e}
		}
		c.State, c.ClosedAt = Closed, now
		return ActionClosed, map[string]string{"note": note}, nil
	})
}

// AutoEscalate submits case id upward if the rules say it must go: its
// acceptance or resolution deadline has passed, it has outgrown its level,
// or mediation has stalled. It is what scheduled work calls, and reports
// whether it escalated; when nothing is due it changes nothing. Needs
// Escalate at the handling cell, which the system actor has.
func (s *Service) AutoEscalate(ctx context.Context, actor grid.Actor, id ID) (bool, error) {
	_, err := s.act(ctx, actor, id, 0, grid.Escalate, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		reason, ok := s.rules.escalationDue(c, now)
		if !ok {
			return "", nil, errNothingDue
		}
		to := c.Handling.Parent()
		if l := s.rules.Grades[c.Grade].Level; l < c.Handling.Level() {
			to = c.Handling.Prefix(l)
		}
		c.submit(actor, to, reason, now)
		return ActionEscalated, map[string]string{"to": c.Escalation.To.String(), "reason": reason, "automatic": "true"}, nil
	})
	if errors.Is(err, errNothingDue) {
		return false, nil
	}
	return err == nil, err
}

// errNothingDue stops AutoEscalate's update without storing anything.
var errNothingDue = errors.New("no escalation is due")
