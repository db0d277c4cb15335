package mediation

import (
	"fmt"
	"io"
	"strings"

	ics "github.com/arran4/golang-ical"

	"github.com/fourplusn/fourplusn"
)

// CalendarOptions says how WriteCalendar writes a case's invitations.
type CalendarOptions struct {
	// Session is the UID of the one planned session to write, with the
	// method its state calls for; "" writes every session not cancelled.
	Session string
	// Member gives the name and phone of a member of the grid by ID, for
	// the organizer and the team members invited; ok is false for one the
	// grid no longer knows.
	Member func(id string) (name, phone string, ok bool)
}

// calendarProduct is the PRODID of the invitations (RFC 5545 §3.7.3).
const calendarProduct = "-//fourplusn//调解会邀请//ZH"

// WriteCalendar writes the invitations to c's planned sessions as an
// iCalendar object (RFC 5545): one VEVENT a session, with its UID,
// sequence, time in UTC, place, organizer (the member who planned it last)
// and an ATTENDEE for each team member and party invited, named as the
// case names them — masked, on a masked copy. The object is
// METHOD:REQUEST, or METHOD:CANCEL for the one cancelled session asked
// for; one object holds one method (RFC 5546 §1.4). A calendar address
// is a URI: a phone number is a tel: URI (RFC 3966); one with no phone to
// show gets an address under the reserved .invalid domain, which no
// message reaches. Lines end in CRLF, as the format requires. Returns NotFound ("session") for no such planned
// session.
func (c *Case) WriteCalendar(w io.Writer, o CalendarOptions) error {
	cal := ics.NewCalendar()
	cal.SetProductId(calendarProduct)
	method := ics.MethodRequest
	var sessions []PlannedSession
	if o.Session != "" {
		p, ok := c.PlannedSession(o.Session)
		if !ok {
			return fourplusn.WithField("session", fourplusn.Errorf(fourplusn.NotFound, "case %s has no planned session %q", c.ID, o.Session))
		}
		if p.Cancelled {
			method = ics.MethodCancel
		}
		sessions = []PlannedSession{p}
	} else {
		for _, p := range c.Planned {
			if !p.Cancelled {
				sessions = append(sessions, p)
			}
		}
	}
	cal.SetMethod(method)
	for _, p := range sessions {
		c.addEvent(cal, &p, o)
	}
	if err := cal.SerializeTo(w, ics.WithNewLine("\r\n")); err != nil {
		return fmt.Errorf("write the calendar of case %s: %w", c.ID, err)
	}
	return nil
}

// addEvent adds p's VEVENT to cal.
func (c *Case) addEvent(cal *ics.Calendar, p *PlannedSession, o CalendarOptions) {
	e := cal.AddEvent(p.UID)
	e.SetDtStampTime(p.Stamp)
	e.SetStartAt(p.Start)
	e.SetEndAt(p.End)
	e.SetSequence(p.Sequence)
	e.SetSummary("调解会：" + c.title())
	e.SetLocation(strings.TrimSpace(p.Place.Title() + " " + p.PlaceNote))
	if p.Note != "" {
		e.SetDescription(p.Note)
	}
	if p.Cancelled {
		e.SetStatus(ics.ObjectStatusCancelled)
	} else {
		e.SetStatus(ics.ObjectStatusConfirmed)
	}
	name, phone := c.memberOf(p.By, o)
	// SetOrganizer would make every address a mailto: one.
	e.SetProperty(ics.ComponentPropertyOrganizer, calAddress(phone, "organizer", p.UID), ics.WithCN(name))
	for _, i := range p.Team {
		t := c.Team[i]
		name, phone := t.Name, ""
		if t.MemberID != "" {
			_, phone = c.memberOf(t.MemberID, o)
		}
		e.AddProperty(ics.ComponentPropertyAttendee, calAddress(phone, fmt.Sprintf("team-%d", i+1), p.UID),
			ics.WithCN(name), ics.CalendarUserTypeIndividual, ics.ParticipationRoleReqParticipant, ics.ParticipationStatusNeedsAction, ics.WithRSVP(true))
	}
	parties := c.Parties()
	for _, i := range p.Parties {
		party := parties[i]
		phone := party.Phone
		if c.Masked {
			phone = ""
		}
		e.AddProperty(ics.ComponentPropertyAttendee, calAddress(phone, fmt.Sprintf("party-%d", i+1), p.UID),
			ics.WithCN(party.Name), ics.CalendarUserTypeIndividual, ics.ParticipationRoleReqParticipant, ics.ParticipationStatusNeedsAction, ics.WithRSVP(true))
	}
}

// memberOf names member id and gives their phone, "" when the grid does
// not know them.
func (c *Case) memberOf(id string, o CalendarOptions) (name, phone string) {
	if o.Member != nil {
		if name, phone, ok := o.Member(id); ok {
			return name, phone
		}
	}
	return id, ""
}

// calAddress is the calendar address of someone invited to the session
// with uid: their phone as a tel: URI, or else an address that names
// them by who they are to the session and reaches no one.
func calAddress(phone, who, uid string) string {
	if phone != "" {
		return "tel:+86" + phone
	}
	local, _, _ := strings.Cut(uid, "@")
	return "mailto:" + who + "." + local + "@fourplusn.invalid"
}

// title names c as people call it: its number, or its ID while it has
// none.
func (c *Case) title() string {
	if c.Number.IsZero() {
		return string(c.ID)
	}
	return c.Number.String()
}
