package pilot

import (
	"net/http"
	"strconv"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// dupRow is a likely duplicate of a case as its block (可能重复的案件)
// shows it, with the two decisions: merge, which links the later of the
// two into the earlier, the first arrival staying the case; or keep
// apart, recorded on the case the block is about.
type dupRow struct {
	Other    *mediation.Case
	Reasons  []work.Reason
	Link     mediation.ID // the later of the two, linked as the duplicate
	LinkVer  int64
	Into     mediation.ID // the earlier, which stays the case
	IntoName string
	Case     mediation.ID // the case the block is about
	Version  int64
	Decide   bool // whether the member may decide on the pair
	Back     string
	CSRF     string // the token the forms echo
}

// duplicateRows returns the rows of found, the likely duplicates of c as
// actor may see them (mediation.Service.Duplicates), best first; back is
// where the forms return ("console", or "" for the case's page).
func (s *Server) duplicateRows(r *http.Request, actor grid.Actor, c *mediation.Case, found []mediation.Candidate, back string) []dupRow {
	csrf, _ := r.Context().Value(csrfKey).(string)
	rows := make([]dupRow, 0, len(found))
	for _, cand := range found {
		later, earlier := c, cand.Case
		if cand.Case.RegisteredAt.After(c.RegisteredAt) {
			later, earlier = cand.Case, c
		}
		rows = append(rows, dupRow{
			Other: cand.Case, Reasons: cand.Reasons, Link: later.ID, LinkVer: later.Version, Into: earlier.ID, IntoName: caseName(earlier),
			Case: c.ID, Version: c.Version, Decide: s.app.Cases.MayDedupe(actor, later) == nil && s.app.Cases.MayDedupe(actor, c) == nil, Back: back, CSRF: csrf,
		})
	}
	return rows
}

// receivedRows says, for the case that stays, each other arrival of its
// dispute: "另经企业微信渠道受理（古调〔2026〕3号，首问责任人 王某）".
func (s *Server) receivedRows(c *mediation.Case) []string {
	out := make([]string, len(c.AlsoReceived))
	for i, r := range c.AlsoReceived {
		out[i] = "另经" + r.Channel.Title() + "渠道受理（" + r.Number.String() + "，" + when(r.RegisteredAt) + "登记，首问责任人 " + s.app.MemberName(r.FirstResponder) + "）"
	}
	return out
}

// duplicatesNote says, after a registration, how many likely duplicates
// the case page shows, or nothing when there are none.
func duplicatesNote(n int) string {
	if n == 0 {
		return ""
	}
	return "发现" + strconv.Itoa(n) + "件可能重复的案件，请在本页“可能重复的案件”中核对：是同一纠纷的，合并为同一案件；不是的，注明理由。"
}
