package pilot

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// plannedRow is a planned session as the case page lists it: when and
// where, who is invited, how it stands, and where its invitation is.
type plannedRow struct {
	UID, When, Place, Invited, Status, Calendar string
	Open                                        bool // still to be held: it may be cancelled
}

// plannedRows lists c's planned sessions, the invitees named as the
// member sees the case.
func plannedRows(c *mediation.Case) []plannedRow {
	parties := c.Parties()
	rows := make([]plannedRow, len(c.Planned))
	for i, p := range c.Planned {
		var names []string
		for _, t := range p.Team {
			names = append(names, c.Team[t].Name)
		}
		for _, at := range p.Parties {
			names = append(names, parties[at].Name)
		}
		status := "待举行"
		switch {
		case p.Cancelled:
			status = "已取消：" + p.Reason
		case p.Held != 0:
			status = "已举行（第" + strconv.Itoa(p.Held) + "次调解）"
		}
		place := p.Place.Title()
		if p.PlaceNote != "" {
			place += "（" + p.PlaceNote + "）"
		}
		rows[i] = plannedRow{
			UID: p.UID, When: when(p.Start) + "—" + p.End.In(work.Zone).Format("15:04"), Place: place,
			Invited: strings.Join(names, "、"), Status: status, Open: p.Open(),
			Calendar: "/cases/" + url.PathEscape(string(c.ID)) + "/sessions.ics?session=" + url.QueryEscape(p.UID),
		}
	}
	return rows
}

// planSession plans the session of the case page's form: its start as a
// datetime-local input sends it, its length in minutes, and the team
// members and parties ticked, by their places on the case.
func (s *Server) planSession(r *http.Request, actor grid.Actor, id mediation.ID, version int64) (*mediation.Case, error) {
	f := r.PostForm
	var v fourplusn.Validation
	start := readTime(&v, "start", f.Get("start"))
	if start.IsZero() {
		v.Fail("start", "required")
	}
	minutes, err := strconv.Atoi(f.Get("minutes"))
	if err != nil || minutes <= 0 {
		v.Fail("end", "not a length")
	}
	place, err := mediation.ParsePlace(f.Get("place"))
	v.Add(err)
	team, parties := places(&v, "team", f["team"]), places(&v, "parties", f["parties"])
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.app.Cases.PlanSession(r.Context(), actor, id, version, mediation.SessionPlan{
		Start: start, Duration: time.Duration(minutes) * time.Minute, Place: place, PlaceNote: f.Get("place_note"),
		Team: team, Parties: parties, Note: f.Get("note"),
	})
}

// places reads the places of the boxes ticked in a list of checkboxes.
func places(v *fourplusn.Validation, field string, values []string) []int {
	out := make([]int, 0, len(values))
	for _, s := range values {
		n, err := strconv.Atoi(s)
		if err != nil {
			v.Fail(field, "not a place")
			continue
		}
		out = append(out, n)
	}
	return out
}

// sessionsCalendar serves the invitation to one planned session of the
// case, or to all of them, as an iCalendar file to download and open in a
// phone's calendar; the parties named as the member sees them.
func (s *Server) sessionsCalendar(w http.ResponseWriter, r *http.Request, m grid.Member) {
	c, err := s.app.Cases.Get(r.Context(), m.Actor(), mediation.ID(r.PathValue("id")))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	var buf bytes.Buffer
	dir := s.app.Grid.Directory()
	err = c.WriteCalendar(&buf, mediation.CalendarOptions{Session: r.URL.Query().Get("session"), Member: func(id string) (string, string, bool) {
		p, ok := dir.Member(grid.MemberID(id))
		return p.Name, p.Phone, ok
	}})
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="tiaojiehui.ics"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}
