package pilot

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

// lateShown is how many overdue deadlines the dashboard lists, the
// longest overdue first; it counts them all.
const lateShown = 20

// dashboard is the level 1–2 view (在线查看跟踪问效): a period's counts and
// rates — each rate with its numerator, denominator and definition — with
// 环比 and 同比 like for like, the periods before it, the communities side
// by side, the crime indicators where they are recorded and the overdue
// list, for the member's highest cell or the one chosen, and the month in
// progress or the period picked. It prints on A4.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, m grid.Member) {
	ctx, actor, now := r.Context(), m.Actor(), s.app.Now()
	cell, pick, ok := s.statsView(w, r, m, now)
	if !ok {
		return
	}
	cellID, b := cell.ID, pick.basis
	// The report is most of the page's work: it is read while the rest is.
	type report struct {
		rep stats.Report
		err error
	}
	reported := make(chan report, 1)
	go func() {
		rep, err := s.app.Stats.ReportOn(ctx, actor, cellID, b)
		reported <- report{rep, err}
	}()
	// The periods up to this one of three measures, side by side.
	kind, n, last := stats.Month, 6, b.Whole.To.Add(-time.Nanosecond)
	switch b.Period {
	case stats.Quarter:
		kind, n = stats.Quarter, 4
	case stats.Year:
		kind, n = stats.Year, 3
	}
	measures := []stats.Measure{stats.Registered, stats.Agreed, stats.HazardsFound}
	series := make([][]int64, len(measures))
	var periods []string
	for i, m := range measures {
		pts, err := s.app.Stats.Series(ctx, actor, cellID, m, kind, last, n)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		periods = periods[:0]
		for _, p := range pts {
			periods = append(periods, periodLabel(kind, p.Range, false))
			series[i] = append(series[i], p.N)
		}
	}
	// The police's counts are recorded by month for the cells they are
	// kept for — the township, as a rule — so a sector shows none rather
	// than zeros.
	type indicator struct {
		Label string
		stats.IndicatorReport
	}
	var indicators []indicator
	for _, in := range stats.CrimeIndicators {
		ir, err := s.app.Stats.IndicatorReport(ctx, actor, cellID, in, stats.Month, b)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		if ir.Recorded > 0 {
			indicators = append(indicators, indicator{stats.IndicatorTitle(in), ir})
		}
	}
	// The tracking view is for those who may track (levels 1–2): its
	// counts, and its first page of what is overdue. A village head sees
	// the figures without it.
	var due stats.TrackPage
	tracks := s.app.Policy.Can(actor, grid.Track, grid.Target{Cell: cell.Path}) == nil
	if tracks {
		var err error
		if due, err = s.app.Stats.TrackingPage(ctx, actor, cellID, now, stats.TrackOptions{OverdueOnly: true, Limit: lateShown}); err != nil {
			s.failErr(w, r, err)
			return
		}
	}
	got := <-reported
	rep, err := got.rep, got.err
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	// The communities (or, below a sector, the groups) over the span
	// reported on.
	level := max(cell.Level()+1, 3)
	byCell, err := s.app.Stats.Breakdown(ctx, actor, cellID, stats.Registered, stats.ByCell, level, rep.Current.Range)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	var labels []string
	var counts []int64
	for _, c := range byCell {
		label := s.cellLabel(c.Key)
		if label == "" {
			// Cases handled above the communities, or outside the
			// township under first-inquiry responsibility.
			label = "办事处本级"
		}
		labels = append(labels, label)
		counts = append(counts, c.N)
	}
	cellMap, err := s.mapOf(ctx, cell, level, "办理中的纠纷和隐患", s.app.Cases, s.app.Hazards)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	var late []map[string]any
	for _, d := range due.Deadlines {
		row := map[string]any{"D": d, "Cell": s.app.CellName(d.Cell), "Late": since(now, d.Due), "IsCase": isCase(d.Kind)}
		if isCase(d.Kind) {
			row["Name"] = d.Named()
		}
		late = append(late, row)
	}
	f := rep.Current
	count := func(pick func(stats.Figures) int64) func(stats.Figures) float64 {
		return func(f stats.Figures) float64 { return float64(pick(f)) }
	}
	kpi := func(id, label string, pick func(stats.Figures) int64) map[string]any {
		return map[string]any{"ID": id, "Label": label, "N": pick(f), "MoM": rep.MoM(count(pick)), "YoY": rep.YoY(count(pick))}
	}
	name := periodLabel(b.Period, b.Whole, true)
	s.render(w, r, http.StatusOK, "dashboard", map[string]any{
		"Title": cell.Name + " · 工作看板", "Cell": cell, "Report": rep, "Now": now, "Pick": pick, "PickQuery": pick.query(cellID),
		"Period": name, "MoMLabel": momLabel(rep), "YoYLabel": yoyLabel(rep),
		"KPIs": []map[string]any{
			kpi("registered", "排查纠纷", func(f stats.Figures) int64 { return f.Registered }),
			kpi("agreed", "化解", func(f stats.Figures) int64 { return f.Agreed }),
			kpi("failed", "调解不成", func(f stats.Figures) int64 { return f.Failed }),
			kpi("hazards", "排查隐患", func(f stats.Figures) int64 { return f.HazardsFound }),
		},
		"Rates":      dashboardRates(f),
		"Trend":      barChart(periods, series, []string{"排查纠纷", "化解", "排查隐患"}),
		"ByCell":     hbarChart(labels, counts),
		"Map":        cellMap,
		"Indicators": indicators, "Tracks": tracks, "Late": late, "Due": due.Total(),
		"AtRisk": fmt.Sprintf("%.0f%%", 100*s.app.Cases.Rules().AtRisk),
	})
}

// statsView reads what the dashboard and its workbooks show: the cell —
// the member's highest that may view statistics, or the one chosen — and
// the period picked (see pickPeriod), as of now. When it cannot, it
// answers with a page in Chinese saying why and returns false.
func (s *Server) statsView(w http.ResponseWriter, r *http.Request, m grid.Member, now time.Time) (grid.Cell, periodPick, bool) {
	scope := s.app.Policy.Scope(m.Actor(), grid.ViewStats)
	if len(scope) == 0 {
		s.fail(w, r, http.StatusForbidden, "看板供一、二级网格长及值班人员查看。")
		return grid.Cell{}, periodPick{}, false
	}
	cellID := scope[0].Cell()
	if c := r.URL.Query().Get("cell"); c != "" {
		cellID = grid.CellID(c)
	}
	cell, err := s.app.Grid.Directory().Tree().Cell(cellID)
	if err != nil {
		s.failErr(w, r, err)
		return grid.Cell{}, periodPick{}, false
	}
	pick, msg := pickPeriod(r.URL.Query(), now)
	if msg != "" {
		s.fail(w, r, http.StatusBadRequest, msg)
		return grid.Cell{}, periodPick{}, false
	}
	return cell, pick, true
}

// rateRow is a rate as the dashboard shows it: its value with the counts
// it divides, and its definition.
type rateRow struct {
	ID, Label, Text, Definition string
}

// dashboardRates lists the rates of f, each defined as stats.Figures
// computes it.
func dashboardRates(f stats.Figures) []rateRow {
	return []rateRow{
		{"resolution", "化解率", rateText(f.Resolution, "化解", "调解终结", "案件"),
			"本期调解终结的纠纷中达成调解协议的比例：化解件数 ÷（化解件数 + 调解不成件数）。撤回、不予受理和移交处理的案件未经调解终结，不计入。"},
		{"dynamic", "化解率动态保持", rateText(f.Dynamic, "累计化解", "累计调解终结及逾期未结", "案件"),
			"截至本期末，历来登记的纠纷中已调解终结或已超过办理时限的案件里，达成调解协议的比例。仍在时限内办理的案件不计入，纠纷都按时化解时保持100%。与本期化解率不同，它不限于本期。"},
		{"first-inquiry", "首问负责按时率", rateText(f.FirstInquiry, "按时受理", "应受理", "案件"),
			"本期登记、已分派或应当分派的案件中，在受理时限内受理、不予受理或移交的比例。"},
		{"satisfaction", "满意率", rateTextIn(f.Satisfaction, "满意及基本满意", "回访询问", "当事人", "人"),
			"本期回访中询问满意度的当事人里，回答“满意”或“基本满意”的比例：（满意人数 + 基本满意人数）÷ 询问人数。同一当事人在两次回访中被询问，计两人次；未询问的当事人不计入。"},
		{"recurrence", "重复纠纷率", rateText(f.Recurrence, "重复纠纷", "排查纠纷", "案件"),
			"本期登记的纠纷中，申请人的手机号或身份证号在此前12个月（365天）内本镇（街道）登记的其他纠纷中出现过的比例：重复纠纷件数 ÷ 本期登记件数。"},
		{"escalation", "上报率", rateText(f.Escalation, "提请上级", "排查纠纷", "案件"),
			"本期登记的纠纷中，至少一次提请上级网格处理的比例。"},
		{"rectification", "隐患整改率", rateText(f.Rectification, "已整改", "排查隐患", "隐患"),
			"本期排查的安全隐患中，截至本期末已整改的比例。"},
		{"on-the-spot", "当场整改率", rateText(f.OnTheSpot, "当场整改", "排查隐患", "隐患"),
			"本期排查的安全隐患中，发现时当场整改的比例。"},
	}
}

// rateText shows a rate of cases or hazards with what it divides: 化解率
// 50.0%（化解1件 / 调解终结2件）; a rate without a denominator is a dash,
// not 0% or 100%.
func rateText(r stats.Rate, num, den, what string) string {
	return rateTextIn(r, num, den, what, "件")
}

// rateTextIn is rateText for a rate whose counts are in unit: 人 for
// parties.
func rateTextIn(r stats.Rate, num, den, what, unit string) string {
	if !r.Defined() {
		return "—（无可计算的" + what + "）"
	}
	return fmt.Sprintf("%s（%s%d%s / %s%d%s）", percent(r), num, r.Num, unit, den, r.Den, unit)
}

// periodPick is the period the dashboard's picker chose, as its form
// shows it again.
type periodPick struct {
	Kind         string // month, quarter, year or range
	At, From, To string // dates, 2006-01-02
	basis        stats.Basis
}

// query is the picked period of cell as the dashboard's address gives
// it, for the links that take the same period.
func (p periodPick) query(cell grid.CellID) template.URL {
	v := url.Values{"cell": {string(cell)}, "period": {p.Kind}}
	for k, d := range map[string]string{"at": p.At, "from": p.From, "to": p.To} {
		if d != "" {
			v.Set(k, d)
		}
	}
	return template.URL(v.Encode())
}

// pickPeriod reads the dashboard's period picker: period (month, quarter,
// year or range, month by default) and at, a day in it (today by
// default), or from and to, the first and last days of a range. It
// returns a Chinese message for what it cannot read.
func pickPeriod(v url.Values, now time.Time) (periodPick, string) {
	today := now.In(work.Zone).Format(time.DateOnly)
	p := periodPick{Kind: v.Get("period"), At: v.Get("at"), From: v.Get("from"), To: v.Get("to")}
	date := func(s, what string) (time.Time, string) {
		t, err := time.ParseInLocation(time.DateOnly, s, work.Zone)
		if err != nil {
			return time.Time{}, what + "应为日期，如 2023-03-01。"
		}
		return t, ""
	}
	if p.Kind == "" {
		p.Kind = "month"
	}
	if p.Kind == "range" {
		if p.From == "" || p.To == "" {
			return p, "自定义时段须填写起始日期和截止日期。"
		}
		from, msg := date(p.From, "起始日期")
		if msg != "" {
			return p, msg
		}
		to, msg := date(p.To, "截止日期")
		if msg != "" {
			return p, msg
		}
		b, err := stats.RangeBasis(stats.Range{From: from, To: to.AddDate(0, 0, 1)}, now)
		if err != nil {
			return p, fmt.Sprintf("截止日期须不早于起始日期，时段最长%d天。", stats.MaxRangeDays)
		}
		p.basis = b
		return p, ""
	}
	kind, err := stats.ParsePeriod(p.Kind)
	if err != nil || kind < stats.Month {
		return p, "统计周期应为月、季度、年或自定义时段。"
	}
	if p.At == "" {
		p.At = today
	}
	at, msg := date(p.At, "所在日期")
	if msg != "" {
		return p, msg
	}
	if p.From == "" {
		p.From = today
	}
	if p.To == "" {
		p.To = today
	}
	p.basis = kind.Basis(at, now)
	return p, ""
}

// periodLabel names a period in Chinese: 2026年12月, 2026年第4季度, 2026年, or
// the days of a range. Without the year (for a chart's axis) a month is
// 12月 and a quarter 2026年4季.
func periodLabel(p stats.Period, r stats.Range, withYear bool) string {
	from := r.From.In(work.Zone)
	switch {
	case p == stats.Month && withYear:
		return fmt.Sprintf("%d年%d月", from.Year(), from.Month())
	case p == stats.Month:
		return fmt.Sprintf("%d月", from.Month())
	case p == stats.Quarter && withYear:
		return fmt.Sprintf("%d年第%d季度", from.Year(), (from.Month()+2)/3)
	case p == stats.Quarter:
		return fmt.Sprintf("%d年%d季", from.Year(), (from.Month()+2)/3)
	case p == stats.Year:
		return fmt.Sprintf("%d年", from.Year())
	}
	return days(r, true)
}

// days names the days r covers: 12月1日—3日, 11月28日—12月3日, with the
// year when withYear or when r spans two years.
func days(r stats.Range, withYear bool) string {
	first, last := r.From.In(work.Zone), r.To.Add(-time.Nanosecond).In(work.Zone)
	year := func(t time.Time) string {
		if withYear || first.Year() != last.Year() {
			return fmt.Sprintf("%d年", t.Year())
		}
		return ""
	}
	start := fmt.Sprintf("%s%d月%d日", year(first), first.Month(), first.Day())
	switch {
	case first.Year() == last.Year() && first.YearDay() == last.YearDay():
		return start
	case first.Year() == last.Year() && first.Month() == last.Month():
		return fmt.Sprintf("%s—%d日", start, last.Day())
	case first.Year() == last.Year():
		return fmt.Sprintf("%s—%d月%d日", start, last.Month(), last.Day())
	}
	return fmt.Sprintf("%s—%s%d月%d日", start, year(last), last.Month(), last.Day())
}

// momLabel says what 环比 compares: 环比（12月1日—3日 对比 11月1日—3日）,
// with the years when the two spans lie in different years.
func momLabel(r stats.Report) string {
	cur, prev := r.Current.Range, r.Previous.Range
	years := cur.From.In(work.Zone).Year() != prev.From.In(work.Zone).Year()
	return "环比（" + days(cur, years) + " 对比 " + days(prev, years) + "）"
}

// yoyLabel says what 同比 compares, with the years.
func yoyLabel(r stats.Report) string {
	return "同比（" + days(r.Current.Range, true) + " 对比 " + days(r.YearEarlier.Range, true) + "）"
}

// cellLabel names the cell of a ByCell key: its ID, or a path ending in it.
func (s *Server) cellLabel(key string) string {
	if c, err := s.app.Grid.Directory().Tree().Cell(grid.CellID(key)); err == nil {
		return c.Name
	}
	p, err := grid.ParsePath(key)
	if err != nil {
		return key
	}
	return s.app.CellName(p)
}

// visibleCase returns case id as actor may see it, for naming it by its
// number beside something else of it, or nil if actor may not see it.
func (s *Server) visibleCase(ctx context.Context, actor grid.Actor, id mediation.ID) (*mediation.Case, error) {
	c, err := s.app.Cases.Get(ctx, actor, id)
	if fourplusn.ErrorCode(err) == fourplusn.NotFound {
		return nil, nil
	}
	return c, err
}

// isCase reports whether a deadline of this kind is a case's (the others
// are a hazard's), for linking the overdue list.
func isCase(k work.DeadlineKind) bool {
	switch k {
	case mediation.AcceptBy, mediation.ResolveBy, mediation.FollowUpBy, mediation.CourtConfirmBy, mediation.ReviewEscalated:
		return true
	}
	return false
}
