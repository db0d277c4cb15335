package pilot

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// The case page's form for the notice of rights and duties (权利义务告知
// 书): which parties were told, how and when.

// rightsMannerNames name in Chinese how the notice was given, by the
// manner's stable name, which the form sends and the timeline keeps.
var rightsMannerNames = map[string]string{
	mediation.RightsWritten.String(): "书面", mediation.RightsOral.String(): "口头",
}

// giveRights records the notice of rights and duties given to the parties
// the form ticks, by their names as the case holds them, in the manner and
// at the time (none: now) it names.
func (s *Server) giveRights(r *http.Request, actor grid.Actor, id mediation.ID, version int64) (*mediation.Case, error) {
	f := r.PostForm
	g := mediation.RightsGiving{Parties: f["party"]}
	// An unknown manner is left zero, for the service to refuse as such.
	for _, m := range []mediation.RightsManner{mediation.RightsWritten, mediation.RightsOral} {
		if f.Get("manner") == m.String() {
			g.Manner = m
		}
	}
	var v fourplusn.Validation
	g.At = readTime(&v, "at", f.Get("at"))
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.app.Cases.GiveRights(r.Context(), actor, id, version, g)
}

// rightsRow is a party on the notice's form: ticked to be told now, and
// how and when they were told before, if they were.
type rightsRow struct {
	Index   int    // the party's place among the case's parties
	Side    string // 申请人 or 被申请人
	Name    string // as the viewer sees it
	Given   string // 已告知（书面，11月1日）, or "" when never told
	Checked bool
}

// rightsRows lists c's parties, applicants first, for the notice's form:
// as posted, if it was, or else with those never told ticked.
func rightsRows(c *mediation.Case, st formState) []rightsRow {
	rows := make([]rightsRow, 0, len(c.Applicants)+len(c.Respondents))
	for i, p := range c.Parties() {
		row := rightsRow{Index: i, Side: sideOf(c, i), Name: p.Name, Given: rightsGiven(c, i)}
		row.Checked = row.Given == ""
		if st.Posted("rights") {
			row.Checked = slices.Contains(st.Values["party"], p.Name)
		}
		rows = append(rows, row)
	}
	return rows
}

// rightsGiven says in Chinese each time c's party at place i was given the
// notice, "已告知（书面，11月1日；口头，11月3日）", or "" for never.
func rightsGiven(c *mediation.Case, i int) string {
	var times []string
	for _, g := range c.Rights {
		if g.Party == i {
			times = append(times, name(rightsMannerNames, g.Manner.String())+"，"+g.At.In(work.Zone).Format("1月2日"))
		}
	}
	if len(times) == 0 {
		return ""
	}
	return "已告知（" + strings.Join(times, "；") + "）"
}

// rightsNote sums up an event of the notice given: who was told, by side
// and name as c presents them, and how. The places are c's: a correction
// adds or removes no party.
func rightsNote(d map[string]string, c *mediation.Case) string {
	var places []int
	for k, v := range d {
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(k, "parties["), "]"))
		if strings.HasPrefix(k, "parties[") && err == nil && v == "given" {
			places = append(places, n)
		}
	}
	slices.Sort(places)
	var told []string
	parties := c.Parties()
	for _, i := range places {
		told = append(told, sideOf(c, i)+parties[i].Name)
	}
	return name(rightsMannerNames, d["manner"]) + "告知" + strings.Join(told, "、")
}

// sideOf names the side of c's party at place i of its Parties.
func sideOf(c *mediation.Case, i int) string {
	if i < len(c.Applicants) {
		return sideNames["applicants"]
	}
	return sideNames["respondents"]
}
