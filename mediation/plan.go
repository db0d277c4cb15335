package mediation

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
)

// PlannedSession is a mediation session fixed for a future time, to which
// team members and parties are invited (see Service.PlanSession). Its UID
// and Sequence are those of the calendar invitation sent for it (RFC 5545):
// the UID never changes, and every change raises the Sequence, so that a
// calendar that holds an earlier invitation replaces it.
type PlannedSession struct {
	UID        string
	Start, End time.Time // UTC
	Place      Place
	PlaceNote  string // e.g. 洪沟庙村委会议室
	Team       []int  // the members invited, by their places in Case.Team
	Parties    []int  // the parties invited, by their places in Case.Parties
	Note       string // what the invitation says besides the time and place
	Sequence   int    // 0 when first planned, raised on each change
	By         string // the actor who planned or changed it last
	Stamp      time.Time
	Cancelled  bool
	Reason     string // why it was cancelled
	Held       int    // the recorded session it became, counted from 1; 0 while not held
}

// Open reports whether the session is still to be held: neither
// cancelled nor recorded as held.
func (p *PlannedSession) Open() bool { return !p.Cancelled && p.Held == 0 }

// SessionPlan is what PlanSession is asked: a new session, or a new time,
// place or list of invitees for one planned already.
type SessionPlan struct {
	UID       string    // "" plans a new session; a planned one's UID changes it
	Start     time.Time // when it begins; must be in the future
	End       time.Time // when it ends; zero to take Duration
	Duration  time.Duration
	Place     Place
	PlaceNote string
	Team      []int // places in Case.Team
	Parties   []int // places in Case.Parties
	Note      string
}

// maxSessionLength bounds a planned session: a working day's meeting.
const maxSessionLength = 12 * time.Hour

// PlanSession fixes a future session of a case in mediation — when, for
// how long, where, and which team members and parties are invited — or,
// given the UID of a session planned already and still open, changes it,
// raising its sequence. The case must be accepted or in mediation; needs
// Mediate at the handling cell. Returns Invalid naming the field at fault:
// a start not in the future or more than a year ahead, an end not after
// the start or more than twelve hours after it, no one invited, an
// invitee not on the case; NotFound ("uid") for no such planned session,
// Conflict for a cancelled or held one.
func (s *Service) PlanSession(ctx context.Context, actor grid.Actor, id ID, version int64, p SessionPlan) (*Case, error) {
	return s.act(ctx, actor, id, version, grid.Mediate, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		if err := p.validate(c, now); err != nil {
			return "", nil, err
		}
		if !in(c, Accepted, Mediating) {
			return "", nil, conflict(c, "given a session")
		}
		var ps PlannedSession
		at := len(c.Planned)
		if p.UID == "" {
			if len(c.Planned) >= maxSessions {
				return "", nil, invalid("session", "the case already has %d planned sessions", maxSessions)
			}
			ps.UID = fmt.Sprintf("%s-%d@fourplusn", c.ID, len(c.Planned)+1)
			c.Planned = append(c.Planned, ps)
		} else {
			i, err := c.openPlanned("uid", p.UID)
			if err != nil {
				return "", nil, err
			}
			at, ps = i, c.Planned[i]
			ps.Sequence++
		}
		ps.Start, ps.End, ps.Place, ps.PlaceNote = p.Start.UTC(), p.End.UTC(), p.Place, p.PlaceNote
		ps.Team, ps.Parties, ps.Note = slices.Clone(p.Team), slices.Clone(p.Parties), p.Note
		ps.By, ps.Stamp = actor.ID, now
		c.Planned[at] = ps
		return ActionSessionPlanned, map[string]string{
			"uid": ps.UID, "sequence": strconv.Itoa(ps.Sequence), "start": ps.Start.Format(time.RFC3339), "end": ps.End.Format(time.RFC3339),
			"place": ps.Place.String(), "team": strconv.Itoa(len(ps.Team)), "parties": strconv.Itoa(len(ps.Parties)),
		}, nil
	})
}

// CancelPlannedSession calls off a planned session still open, with the
// reason, raising its sequence: its invitation becomes a cancellation.
// Needs Mediate at the handling cell, as planning does. Returns NotFound
// ("uid") for no such planned session, Conflict for one cancelled or held
// already.
func (s *Service) CancelPlannedSession(ctx context.Context, actor grid.Actor, id ID, version int64, uid, reason string) (*Case, error) {
	reason, err := fourplusn.Text("reason", reason, maxShortText)
	if err != nil {
		return nil, err
	}
	return s.act(ctx, actor, id, version, grid.Mediate, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		i, err := c.openPlanned("uid", uid)
		if err != nil {
			return "", nil, err
		}
		p := &c.Planned[i]
		p.Cancelled, p.Reason, p.By, p.Stamp = true, reason, actor.ID, now
		p.Sequence++
		return ActionSessionCancelled, map[string]string{"uid": uid, "sequence": strconv.Itoa(p.Sequence), "reason": reason}, nil
	})
}

// PlannedSession returns the planned session of c with uid, and whether
// there is one.
func (c *Case) PlannedSession(uid string) (PlannedSession, bool) {
	i := slices.IndexFunc(c.Planned, func(p PlannedSession) bool { return p.UID == uid })
	if i < 0 {
		return PlannedSession{}, false
	}
	return c.Planned[i], true
}

// openPlanned returns the place in c.Planned of the session with uid,
// which must be still open; field names uid in the error of none.
func (c *Case) openPlanned(field, uid string) (int, error) {
	i := slices.IndexFunc(c.Planned, func(p PlannedSession) bool { return p.UID == uid })
	switch {
	case i < 0:
		return 0, fourplusn.WithField(field, fourplusn.Errorf(fourplusn.NotFound, "case %s has no planned session %q", c.ID, uid))
	case c.Planned[i].Cancelled:
		return 0, fourplusn.Errorf(fourplusn.Conflict, "the planned session %q was cancelled", uid)
	case c.Planned[i].Held != 0:
		return 0, fourplusn.Errorf(fourplusn.Conflict, "the planned session %q was held already", uid)
	}
	return i, nil
}

// hold marks the planned session a session recorded refers to as held,
// as the case's n-th session; a session that names none holds none.
func (c *Case) hold(sess *Session, n int) error {
	if sess.Planned == "" {
		return nil
	}
	i, err := c.openPlanned("session.planned", sess.Planned)
	if err != nil {
		return err
	}
	c.Planned[i].Held = n
	return nil
}

// validate checks p for case c at now, cleaning its text and settling its
// end in place, and reports every field at fault.
func (p *SessionPlan) validate(c *Case, now time.Time) error {
	var v fourplusn.Validation
	if len(p.UID) > maxKey {
		v.Fail("uid", "longer than %d bytes", maxKey)
	}
	if p.End.IsZero() {
		p.End = p.Start.Add(p.Duration)
	}
	switch {
	case p.Start.IsZero():
		v.Fail("start", "when the session begins is required")
	case !p.Start.After(now):
		v.Fail("start", "must be in the future")
	case p.Start.After(now.Add(sessionAhead)):
		v.Fail("start", "must be within a year from now")
	case !p.End.After(p.Start):
		v.Fail("end", "must be after the start")
	case p.End.Sub(p.Start) > maxSessionLength:
		v.Fail("end", "at most %s after the start", maxSessionLength)
	}
	if p.Place < PlaceField || p.Place >= numPlaces {
		v.Fail("place", "unknown place %d", p.Place)
	}
	p.PlaceNote = v.Keep(fourplusn.OptionalText("place_note", p.PlaceNote, maxShortText))
	p.Note = v.Keep(fourplusn.OptionalMultilineText("note", p.Note, maxLongText))
	if len(p.Team)+len(p.Parties) == 0 {
		v.Fail("team", "invite at least one team member or party")
	}
	v.Add(invitees("team", p.Team, len(c.Team)))
	v.Add(invitees("parties", p.Parties, len(c.Applicants)+len(c.Respondents)))
	return v.Err()
}

// invitees checks a list of places among n people: each once, each one
// of them.
func invitees(field string, places []int, n int) error {
	var v fourplusn.Validation
	for i, at := range places {
		switch {
		case at < 0 || at >= n:
			v.Fail(fmt.Sprintf("%s[%d]", field, i), "no one is at place %d of %d", at, n)
		case slices.Contains(places[:i], at):
			v.Fail(fmt.Sprintf("%s[%d]", field, i), "invited twice")
		}
	}
	return v.Err()
}

// clonePlanned returns a copy of ps sharing no memory with it.
func clonePlanned(ps []PlannedSession) []PlannedSession {
	ps = slices.Clone(ps)
	for i := range ps {
		ps[i].Team, ps[i].Parties = slices.Clone(ps[i].Team), slices.Clone(ps[i].Parties)
	}
	return ps
}
