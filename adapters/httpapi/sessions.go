package httpapi

import (
	"bytes"
	"context"
	"net/http"
	"time"

	"github.com/uptrace/bunrouter"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
)

// sessionPlanJSON plans a session (POST /cases/{id}/sessions/planned):
// a new one, or with uid a new time, place or invitees for one planned.
type sessionPlanJSON struct {
	UID       string  `json:"uid,omitempty" desc:"the UID of a planned session to change; none to plan a new one"`
	Start     instant `json:"start" desc:"when it begins; in the future, within a year"`
	End       instant `json:"end,omitempty" desc:"when it ends; or give minutes"`
	Minutes   int     `json:"minutes,omitempty" desc:"how long it lasts, when end is not given"`
	Place     string  `json:"place" oa:"enum=place"`
	PlaceNote string  `json:"place_note,omitempty"`
	Team      []int   `json:"team,omitempty" desc:"the team members invited, by their places in the case's team, from 0"`
	Parties   []int   `json:"parties,omitempty" desc:"the parties invited, by their places among the applicants then the respondents, from 0"`
	Note      string  `json:"note,omitempty"`
}

// plan returns the service's plan of j.
func (j *sessionPlanJSON) plan() (mediation.SessionPlan, error) {
	place, err := mediation.ParsePlace(j.Place)
	if err != nil {
		return mediation.SessionPlan{}, err
	}
	if j.Minutes < 0 {
		return mediation.SessionPlan{}, fourplusn.FieldError("minutes", "must not be negative")
	}
	return mediation.SessionPlan{
		UID: j.UID, Start: j.Start.Time, End: j.End.Time, Duration: time.Duration(j.Minutes) * time.Minute,
		Place: place, PlaceNote: j.PlaceNote, Team: j.Team, Parties: j.Parties, Note: j.Note,
	}, nil
}

// plannedOutJSON is a planned session as the case holds it.
type plannedOutJSON struct {
	UID       string    `json:"uid"`
	Start     timestamp `json:"start"`
	End       timestamp `json:"end"`
	Place     string    `json:"place" oa:"enum=place"`
	PlaceNote string    `json:"place_note,omitempty"`
	Team      []int     `json:"team"`
	Parties   []int     `json:"parties"`
	Note      string    `json:"note,omitempty"`
	Sequence  int       `json:"sequence" desc:"the invitation's SEQUENCE, raised on every change"`
	By        string    `json:"by"`
	Stamp     timestamp `json:"stamp" desc:"when it was last changed: the invitation's DTSTAMP"`
	Cancelled bool      `json:"cancelled"`
	Reason    string    `json:"reason,omitempty" desc:"why it was cancelled"`
	Held      int       `json:"held,omitempty" desc:"the recorded session it became, from 1"`
}

// plannedOut returns c's planned sessions as the case's JSON shows them.
func plannedOut(c *mediation.Case) []plannedOutJSON {
	out := make([]plannedOutJSON, len(c.Planned))
	for i, p := range c.Planned {
		out[i] = plannedOutJSON{
			UID: p.UID, Start: ts(p.Start), End: ts(p.End), Place: p.Place.String(), PlaceNote: p.PlaceNote,
			Team: append([]int{}, p.Team...), Parties: append([]int{}, p.Parties...), Note: p.Note, Sequence: p.Sequence,
			By: p.By, Stamp: ts(p.Stamp), Cancelled: p.Cancelled, Reason: p.Reason, Held: p.Held,
		}
	}
	return out
}

// routeSessions registers the planning of sessions and their calendar.
func (s *server) routeSessions(g *bunrouter.Group) {
	k, svc := s.cases, s.cfg.Cases
	s.handle(g, http.MethodGet, "/cases/:id/sessions.ics", s.sessionsCalendar)
	action(k, g, "sessions/planned", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *sessionPlanJSON) (*mediation.Case, error) {
		p, err := b.plan()
		if err != nil {
			return nil, err
		}
		return svc.PlanSession(ctx, a, id, v, p)
	})
	act(k, g, "sessions/planned/:uid/cancel", false, func(ctx context.Context, w http.ResponseWriter, t sent[mediation.ID], b *reasonJSON) error {
		c, err := svc.CancelPlannedSession(ctx, t.actor, t.id, t.version, t.params.ByName("uid"), b.Reason)
		if err != nil {
			return err
		}
		return k.answer(w, http.StatusOK, c)
	})
}

// sessionsCalendar is GET /cases/{id}/sessions.ics: the invitations to
// the case's planned sessions as an iCalendar object (RFC 5545), every
// one not cancelled as METHOD:REQUEST, or with ?session=UID that one
// alone, a cancelled one as METHOD:CANCEL. It is written from the case as
// the actor may see it, so the parties are masked for those who may not
// see them in full.
func (s *server) sessionsCalendar(w http.ResponseWriter, req bunrouter.Request) error {
	q, err := parseQuery(req, "session")
	if err != nil {
		return err
	}
	uid := q.one("session")
	if q.err != nil {
		return q.err
	}
	c, err := s.cases.read(req)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := c.WriteCalendar(&buf, mediation.CalendarOptions{Session: uid, Member: s.calendarMember}); err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="sessions.ics"`)
	return writeDocument(w, "text/calendar; charset=utf-8", etag(c.Version), buf.Bytes())
}

// calendarMember names a member of the grid and gives their phone, for
// the invitations.
func (s *server) calendarMember(id string) (string, string, bool) {
	m, ok := s.cfg.Grid.Directory().Member(grid.MemberID(id))
	return m.Name, m.Phone, ok
}
