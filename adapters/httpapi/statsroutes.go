package httpapi

import (
	"math"
	"net/http"
	"time"

	"github.com/uptrace/bunrouter"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

func (s *server) routeStats(g *bunrouter.Group) {
	s.handle(g, http.MethodGet, "/stats/summary", s.statsReport)
	s.handle(g, http.MethodGet, "/stats/series", s.statsSeries)
	s.handle(g, http.MethodGet, "/stats/tracking", s.statsTracking)
}

// rangeJSON is a half-open span of time [from, to).
type rangeJSON struct {
	From timestamp `json:"from"`
	To   timestamp `json:"to"`
}

func rangeOut(r stats.Range) rangeJSON { return rangeJSON{From: ts(r.From), To: ts(r.To)} }

// rateJSON is a share, num out of den; value is absent when den is 0,
// since a rate of nothing is neither 0% nor 100%.
type rateJSON struct {
	Num   int64    `json:"num"`
	Den   int64    `json:"den"`
	Value *float64 `json:"value,omitempty"`
}

func rateOut(r stats.Rate) rateJSON {
	out := rateJSON{Num: r.Num, Den: r.Den}
	if r.Defined() {
		v := r.Value()
		out.Value = &v
	}
	return out
}

// changeJSON compares a figure with its base period; ratio and percent are
// absent when the change is undefined (growth from nothing).
type changeJSON struct {
	Current float64  `json:"current"`
	Base    float64  `json:"base"`
	Defined bool     `json:"defined"`
	Ratio   *float64 `json:"ratio,omitempty"`
	Percent *int     `json:"percent,omitempty"`
}

func changeOut(c stats.Change) changeJSON {
	out := changeJSON{Current: c.Current, Base: c.Base, Defined: c.Defined}
	if p, ok := c.Percent(); ok && !math.IsNaN(c.Ratio) {
		r := c.Ratio
		out.Ratio, out.Percent = &r, &p
	}
	return out
}

// quantilesJSON summarises durations, in whole seconds.
type quantilesJSON struct {
	N             int   `json:"n"`
	MedianSeconds int64 `json:"median_seconds"`
	P90Seconds    int64 `json:"p90_seconds"`
}

func quantilesOut(q stats.Quantiles) quantilesJSON {
	return quantilesJSON{N: q.N, MedianSeconds: int64(q.Median / time.Second), P90Seconds: int64(q.P90 / time.Second)}
}

// figuresJSON are a period's figures for a subtree.
type figuresJSON struct {
	Range            rangeJSON        `json:"range"`
	Registered       int64            `json:"registered"`
	Accepted         int64            `json:"accepted"`
	Agreed           int64            `json:"agreed"`
	Failed           int64            `json:"failed"`
	Withdrawn        int64            `json:"withdrawn"`
	Rejected         int64            `json:"rejected"`
	TransferredOut   int64            `json:"transferred_out"`
	Open             int64            `json:"open"`
	Escalated        int64            `json:"escalated"`
	Outside          int64            `json:"outside"`
	Resolution       rateJSON         `json:"resolution"`
	Dynamic          rateJSON         `json:"dynamic_resolution"`
	Escalation       rateJSON         `json:"escalation"`
	FirstInquiry     rateJSON         `json:"first_inquiry"`
	Satisfaction     rateJSON         `json:"satisfaction" desc:"of the parties asked at the period's follow-up visits, those who answered satisfied (满意) or fairly satisfied (基本满意)"`
	Recurrence       rateJSON         `json:"recurrence" desc:"of the period's cases, those with an applicant whose phone or ID number was on a case of the township registered in the 365 days before"`
	TimeToAccept     quantilesJSON    `json:"time_to_accept"`
	TimeToResolve    quantilesJSON    `json:"time_to_resolve"`
	HazardsFound     int64            `json:"hazards_found"`
	HazardsRectified int64            `json:"hazards_rectified"`
	HazardsOnTheSpot int64            `json:"hazards_on_the_spot"`
	Rectification    rateJSON         `json:"rectification"`
	OnTheSpot        rateJSON         `json:"on_the_spot"`
	Participation    map[string]int64 `json:"participation"`
	Sources          map[string]int64 `json:"sources"`
	Channels         map[string]int64 `json:"channels"`
	Categories       map[string]int64 `json:"categories"`
}

func figuresOut(f stats.Figures) figuresJSON {
	nonNil := func(m map[string]int64) map[string]int64 {
		if m == nil {
			return map[string]int64{}
		}
		return m
	}
	return figuresJSON{
		Range: rangeOut(f.Range), Registered: f.Registered, Accepted: f.Accepted, Agreed: f.Agreed, Failed: f.Failed,
		Withdrawn: f.Withdrawn, Rejected: f.Rejected, TransferredOut: f.TransferredOut, Open: f.Open, Escalated: f.Escalated,
		Outside: f.Outside, Resolution: rateOut(f.Resolution), Dynamic: rateOut(f.Dynamic), Escalation: rateOut(f.Escalation),
		FirstInquiry: rateOut(f.FirstInquiry), Satisfaction: rateOut(f.Satisfaction), Recurrence: rateOut(f.Recurrence), TimeToAccept: quantilesOut(f.TimeToAccept), TimeToResolve: quantilesOut(f.TimeToResolve),
		HazardsFound: f.HazardsFound, HazardsRectified: f.HazardsRectified, HazardsOnTheSpot: f.HazardsOnTheSpot,
		Rectification: rateOut(f.Rectification), OnTheSpot: rateOut(f.OnTheSpot),
		Participation: nonNil(f.Participation), Sources: nonNil(f.Sources), Channels: nonNil(f.Channels), Categories: nonNil(f.Categories),
	}
}

// reportJSON is a period's figures with those of the period before (环比)
// and of the same period a year earlier (同比), like for like: while the
// period is in progress (partial), current counts its elapsed part and the
// others the same span of theirs; each figures' range says what it counts.
type reportJSON struct {
	Cell string `json:"cell"`
	// Period is absent for a range of days (from, to).
	Period      string      `json:"period,omitempty" oa:"enum=period"`
	Range       rangeJSON   `json:"range"`
	Partial     bool        `json:"partial"`
	Current     figuresJSON `json:"current"`
	Previous    figuresJSON `json:"previous"`
	YearEarlier figuresJSON `json:"year_earlier"`
}

// pointJSON is one period of a series with its changes.
type pointJSON struct {
	Range rangeJSON  `json:"range"`
	N     int64      `json:"n"`
	MoM   changeJSON `json:"mom"`
	YoY   changeJSON `json:"yoy"`
}

// seriesJSON is a measure over consecutive periods, oldest first.
type seriesJSON struct {
	Cell    string      `json:"cell"`
	Measure string      `json:"measure" oa:"enum=measure"`
	Period  string      `json:"period" oa:"enum=period"`
	Points  []pointJSON `json:"points"`
}

// deadlineJSON is one thing due on a case or hazard, and who answers for
// it ("" for the duty watch or the posts of a cell).
type deadlineJSON struct {
	Subject     string    `json:"subject"`
	Kind        string    `json:"kind" oa:"enum=deadline_kind"`
	Since       timestamp `json:"since"`
	Due         timestamp `json:"due"`
	Status      string    `json:"status" oa:"enum=deadline_status"`
	Accountable string    `json:"accountable,omitempty"`
	Cell        string    `json:"cell"`
	Grade       string    `json:"grade" oa:"enum=grade"`
}

// trackingJSON is a page of the tracking view (跟踪问效) of a subtree,
// with the counts of the whole view.
type trackingJSON struct {
	Cell      string              `json:"cell"`
	At        timestamp           `json:"at"`
	Total     trackingCountJSON   `json:"total"`
	Counts    []trackingCountJSON `json:"counts"`
	Deadlines []deadlineJSON      `json:"deadlines"`
	Next      string              `json:"next,omitempty"` // the cursor of the next page, given as after; absent on the last
}

// trackingCountJSON is how many deadlines of a kind, or of every kind,
// are at risk and overdue.
type trackingCountJSON struct {
	Kind    string `json:"kind,omitempty" oa:"enum=deadline_kind"`
	AtRisk  int64  `json:"at_risk"`
	Overdue int64  `json:"overdue"`
}

// statsQuery reads the parameters the statistics routes share: the cell
// (required), the period (month by default) and the time (now by default).
func (s *server) statsQuery(q *query, withPeriod bool) (grid.CellID, stats.Period, time.Time) {
	cell := grid.CellID(q.one("cell"))
	switch {
	case cell == "":
		q.fail(fourplusn.FieldError("cell", "required"))
	case grid.ValidateCellID(cell) != nil:
		q.fail(fourplusn.FieldError("cell", "not a cell ID"))
	}
	period := stats.Month
	if p := q.one("period"); p != "" && withPeriod {
		var err error
		period, err = stats.ParsePeriod(p)
		q.fail(err)
	}
	at := s.now()
	if a := q.one("at"); a != "" {
		t, err := time.Parse(time.RFC3339, a)
		if err != nil {
			q.fail(fourplusn.FieldError("at", "must be a time in RFC 3339 form, such as 2023-03-01T00:00:00+08:00"))
		}
		at = t
	}
	return cell, period, at
}

// reportBasis reads what /stats/summary compares: the period holding at,
// or, given from and to (dates, to inclusive), that range of days; either
// like for like as of now.
func (s *server) reportBasis(q *query) (grid.CellID, stats.Basis) {
	cell, period, at := s.statsQuery(q, true)
	from, to := q.one("from"), q.one("to")
	if q.err != nil {
		return cell, stats.Basis{}
	}
	if from == "" && to == "" {
		return cell, period.Basis(at, s.now())
	}
	date := func(k, v string) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, v, work.Zone)
		if err != nil {
			q.fail(fourplusn.FieldError(k, "must be a date such as 2023-03-01"))
		}
		return d
	}
	switch {
	case from == "":
		q.fail(fourplusn.FieldError("from", "required with to"))
	case to == "":
		q.fail(fourplusn.FieldError("to", "required with from"))
	case q.one("period") != "" || q.one("at") != "":
		q.fail(fourplusn.FieldError("from", "give either a period and at or a range from and to"))
	}
	r := stats.Range{From: date("from", from), To: date("to", to).AddDate(0, 0, 1)}
	if q.err != nil {
		return cell, stats.Basis{}
	}
	b, err := stats.RangeBasis(r, s.now())
	q.fail(err)
	return cell, b
}

// summaryParams are the parameters of /stats/summary, which its
// workbooks (report.xlsx, ministry.xlsx) take too.
var summaryParams = []string{"cell", "period", "at", "from", "to"}

// summaryQuery reads the cell and what is compared from a request with
// /stats/summary's parameters (see reportBasis), or returns why not.
func (s *server) summaryQuery(req bunrouter.Request) (grid.CellID, stats.Basis, error) {
	q, err := parseQuery(req, summaryParams...)
	if err != nil {
		return "", stats.Basis{}, err
	}
	cell, b := s.reportBasis(q)
	if q.err != nil {
		return "", stats.Basis{}, q.err
	}
	return cell, b, nil
}

// statsReport is GET /stats/summary. Needs ViewStats at the cell.
func (s *server) statsReport(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := signedIn(req)
	if err != nil {
		return err
	}
	cell, b, err := s.summaryQuery(req)
	if err != nil {
		return err
	}
	r, err := s.cfg.Stats.ReportOn(req.Context(), actor, cell, b)
	if err != nil {
		return err
	}
	out := reportJSON{
		Cell: string(cell), Range: rangeOut(r.Whole), Partial: r.Partial,
		Current: figuresOut(r.Current), Previous: figuresOut(r.Previous), YearEarlier: figuresOut(r.YearEarlier),
	}
	if r.Period != 0 {
		out.Period = r.Period.String()
	}
	return writeJSON(w, http.StatusOK, out)
}

// statsSeries is GET /stats/series. Needs ViewStats at the cell.
func (s *server) statsSeries(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := signedIn(req)
	if err != nil {
		return err
	}
	q, err := parseQuery(req, "cell", "measure", "period", "at", "n")
	if err != nil {
		return err
	}
	cell, period, at := s.statsQuery(q, true)
	m := stats.Measure(q.one("measure"))
	if m == "" {
		q.fail(fourplusn.FieldError("measure", "required"))
	} else {
		q.fail(m.Validate())
	}
	n := q.integer("n", 12, 1, 400)
	if q.err != nil {
		return q.err
	}
	points, err := s.cfg.Stats.Series(req.Context(), actor, cell, m, period, at, n)
	if err != nil {
		return err
	}
	out := seriesJSON{Cell: string(cell), Measure: string(m), Period: period.String(), Points: make([]pointJSON, len(points))}
	for i, p := range points {
		out.Points[i] = pointJSON{Range: rangeOut(p.Range), N: p.N, MoM: changeOut(p.MoM), YoY: changeOut(p.YoY)}
	}
	return writeJSON(w, http.StatusOK, out)
}

// statsTracking is GET /stats/tracking. Needs Track at the cell.
func (s *server) statsTracking(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := signedIn(req)
	if err != nil {
		return err
	}
	q, err := parseQuery(req, "cell", "at", "overdue", "after", "limit")
	if err != nil {
		return err
	}
	cell, _, at := s.statsQuery(q, false)
	o := stats.TrackOptions{OverdueOnly: q.boolean("overdue"), Limit: q.integer("limit", work.DefaultPage, 1, work.MaxPage)}
	if o.After, err = stats.ParseTrackCursor(q.one("after")); err != nil {
		q.fail(err)
	}
	if q.err != nil {
		return q.err
	}
	p, err := s.cfg.Stats.TrackingPage(req.Context(), actor, cell, at, o)
	if err != nil {
		return err
	}
	total := p.Total()
	out := trackingJSON{
		Cell: string(cell), At: ts(at), Total: trackingCountJSON{AtRisk: total.AtRisk, Overdue: total.Overdue},
		Counts: make([]trackingCountJSON, len(p.Counts)), Deadlines: make([]deadlineJSON, len(p.Deadlines)), Next: p.Next.String(),
	}
	for i, c := range p.Counts {
		out.Counts[i] = trackingCountJSON{Kind: string(c.Kind), AtRisk: c.AtRisk, Overdue: c.Overdue}
	}
	for i, d := range p.Deadlines {
		out.Deadlines[i] = deadlineOut(d)
	}
	return writeJSON(w, http.StatusOK, out)
}

func deadlineOut(d work.Deadline) deadlineJSON {
	return deadlineJSON{
		Subject: d.Subject, Kind: string(d.Kind), Since: ts(d.Since), Due: ts(d.Due), Status: string(d.Status),
		Accountable: d.Accountable, Cell: d.Cell.String(), Grade: d.Grade.String(),
	}
}
