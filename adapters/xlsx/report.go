package xlsx

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

// Report is what the report workbook shows of a subtree.
type Report struct {
	Name   string // the subtree's cell, by name
	Report stats.Report
	Cells  []CellRow // the table per cell, in order; see CellRows
	// Indicators are the imported indicators over the report's spans, in
	// the order of stats.CrimeIndicators; one with nothing Recorded is not kept for
	// the subtree and is written as 未录入, not as 0.
	Indicators []stats.IndicatorReport
}

// CellMeasures are the measures of the table per cell: ask
// stats.Service.Breakdown for each, by cell, and pass them to CellRows.
var CellMeasures = []stats.Measure{stats.Registered, stats.Agreed, stats.Failed, stats.Escalated, stats.HazardsFound, stats.HazardsRectified}

// CellRow is one cell's line of the table per cell.
type CellRow struct {
	Name                                                           string
	Registered, Agreed, Failed, Escalated, HazardsFound, Rectified int64
}

func (r *CellRow) add(m stats.Measure, n int64) {
	switch m {
	case stats.Registered:
		r.Registered += n
	case stats.Agreed:
		r.Agreed += n
	case stats.Failed:
		r.Failed += n
	case stats.Escalated:
		r.Escalated += n
	case stats.HazardsFound:
		r.HazardsFound += n
	case stats.HazardsRectified:
		r.Rectified += n
	}
}

// CellRows joins the counts of CellMeasures by cell into rows, in the
// order of the cells' keys; name names a key (the ByCell key "" is the
// cases counted above the level grouped at).
func CellRows(by map[stats.Measure][]stats.Count, name func(key string) string) []CellRow {
	rows := map[string]*CellRow{}
	for _, m := range CellMeasures {
		for _, c := range by[m] {
			r := rows[c.Key]
			if r == nil {
				r = &CellRow{Name: name(c.Key)}
				rows[c.Key] = r
			}
			r.add(m, c.N)
		}
	}
	keys := make([]string, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cmp.Compare)
	out := make([]CellRow, len(keys))
	for i, k := range keys {
		out[i] = *rows[k]
	}
	return out
}

// figure is a line of the report's main sheet.
type figure struct {
	label string
	pick  func(stats.Figures) float64
}

func count(label string, pick func(stats.Figures) int64) figure {
	return figure{label, func(f stats.Figures) float64 { return float64(pick(f)) }}
}

func hours(label string, pick func(stats.Figures) time.Duration) figure {
	return figure{label, func(f stats.Figures) float64 { return pick(f).Hours() }}
}

var figures = []figure{
	count("排查纠纷（登记）", func(f stats.Figures) int64 { return f.Registered }),
	count("受理", func(f stats.Figures) int64 { return f.Accepted }),
	count("化解（达成协议）", func(f stats.Figures) int64 { return f.Agreed }),
	count("调解不成功", func(f stats.Figures) int64 { return f.Failed }),
	count("撤回", func(f stats.Figures) int64 { return f.Withdrawn }),
	count("不予受理", func(f stats.Figures) int64 { return f.Rejected }),
	count("移交外部", func(f stats.Figures) int64 { return f.TransferredOut }),
	count("期末在办", func(f stats.Figures) int64 { return f.Open }),
	count("呈报上级", func(f stats.Figures) int64 { return f.Escalated }),
	count("辖区外纠纷（首问负责）", func(f stats.Figures) int64 { return f.Outside }),
	hours("受理用时中位数（小时）", func(f stats.Figures) time.Duration { return f.TimeToAccept.Median }),
	hours("化解用时中位数（小时）", func(f stats.Figures) time.Duration { return f.TimeToResolve.Median }),
	count("排查隐患", func(f stats.Figures) int64 { return f.HazardsFound }),
	count("隐患已整改", func(f stats.Figures) int64 { return f.HazardsRectified }),
	count("当场整改", func(f stats.Figures) int64 { return f.HazardsOnTheSpot }),
}

// rate is a line of the report's sheet of rates.
type rate struct {
	label, definition string
	pick              func(stats.Figures) stats.Rate
}

var rates = []rate{
	{"化解率", "本期调解终结的纠纷中达成协议的比例：化解 ÷（化解＋调解不成功）；撤回、不予受理、移交的不计入", func(f stats.Figures) stats.Rate { return f.Resolution }},
	{"化解率（动态保持）", "截至期末登记的全部纠纷中，已调解终结或已超期者里达成协议的比例；仍在期限内办理的不计入", func(f stats.Figures) stats.Rate { return f.Dynamic }},
	{"呈报率", "本期登记的纠纷中呈报上级的比例", func(f stats.Figures) stats.Rate { return f.Escalation }},
	{"首问按时受理率", "本期登记且已到受理期限的纠纷中，按期受理、不予受理或移交的比例", func(f stats.Figures) stats.Rate { return f.FirstInquiry }},
	{"隐患整改率", "本期排查的隐患中期末前已整改的比例", func(f stats.Figures) stats.Rate { return f.Rectification }},
	{"当场整改率", "本期排查的隐患中当场整改的比例", func(f stats.Figures) stats.Rate { return f.OnTheSpot }},
}

// periodNames are the periods' Chinese names.
var periodNames = map[stats.Period]string{stats.Day: "日", stats.Week: "周", stats.Month: "月", stats.Quarter: "季度", stats.Year: "年"}

// periodTitle names the period r of kind p: 2026年6月, 2026年第2季度, 2026年,
// or its first and last days.
func periodTitle(p stats.Period, r stats.Range) string {
	from := r.From.In(work.Zone)
	switch p {
	case stats.Month:
		return fmt.Sprintf("%d年%d月", from.Year(), from.Month())
	case stats.Quarter:
		return fmt.Sprintf("%d年第%d季度", from.Year(), (int(from.Month())+2)/3)
	case stats.Year:
		return fmt.Sprintf("%d年", from.Year())
	}
	return fmt.Sprintf("%s至%s", from.Format("2006年1月2日"), lastDay(r).Format("2006年1月2日"))
}

// ReportOf gathers from svc, as actor may see it, the report of cell's
// subtree that b compares (stats.Period.Basis or stats.RangeBasis, like for
// like as the dashboard and /stats/summary show it): the figures, the table
// per cell over the span reported on — the cells one level down, and the
// communities (level 3) below the township and its sectors, as the
// dashboard shows them — and the indicators, recorded by month. name names
// a cell by its ID; the cases counted above the level of the table are
// cell's own (本级). Needs ViewStats at cell.
func ReportOf(ctx context.Context, svc *stats.Service, actor grid.Actor, cell grid.Cell, b stats.Basis, name func(grid.CellID) string) (Report, error) {
	rep, err := svc.ReportOn(ctx, actor, cell.ID, b)
	if err != nil {
		return Report{}, fmt.Errorf("xlsx: the report of %s: %w", cell.ID, err)
	}
	level := min(max(cell.Level()+1, 3), grid.MaxLevel)
	by := map[stats.Measure][]stats.Count{}
	for _, m := range CellMeasures {
		if by[m], err = svc.Breakdown(ctx, actor, cell.ID, m, stats.ByCell, level, rep.Current.Range); err != nil {
			return Report{}, fmt.Errorf("xlsx: the table per cell of %s: %w", cell.ID, err)
		}
	}
	out := Report{Name: cell.Name, Report: rep, Cells: CellRows(by, func(key string) string {
		if key == "" {
			return cell.Name + "本级"
		}
		return name(grid.CellID(key))
	})}
	for _, in := range stats.CrimeIndicators {
		ir, err := svc.IndicatorReport(ctx, actor, cell.ID, in, stats.Month, b)
		if err != nil {
			return Report{}, fmt.Errorf("xlsx: indicator %s of %s: %w", in, cell.ID, err)
		}
		out.Indicators = append(out.Indicators, ir)
	}
	return out, nil
}

// notRecorded stands for an indicator not kept for the subtree — a
// township-wide count has no share in a sector — which is not a count of 0.
const notRecorded = "未录入"

// WriteReport writes r as a workbook of four sheets: 主要指标 (each figure
// over the span reported on, the span it is compared with before it with
// 环比 and a year earlier with 同比, the spans named above them), 比率
// (each rate with its definition, numerator and denominator in each span),
// 分网格 (the table per cell) and 外部指标 (the imported indicators, 未录入
// where the subtree has none).
func WriteReport(w io.Writer, r Report) error {
	b := newBook()
	rep := r.Report
	cur, prev, ago := rep.Current, rep.Previous, rep.YearEarlier
	kind := "统计报表"
	if rep.Period != 0 {
		kind = name(periodNames, rep.Period) + kind
	}
	title := fmt.Sprintf("%s %s（%s）", r.Name, kind, periodTitle(rep.Period, rep.Whole))

	s := b.sheet("主要指标", 6, 26, 12, 12, 16, 12, 12)
	s.caption(title, cur.Range, rep.Partial)
	s.add(append([]any{"上期（环比）"}, b.span(prev.Range, rep.Partial)...)...)
	s.add(append([]any{"去年同期（同比）"}, b.span(ago.Range, rep.Partial)...)...)
	s.add("说明", compareNote(rep))
	s.heading("指标", "本期", "上期", "环比", "去年同期", "同比")
	for _, f := range figures {
		s.add(f.label, b.number(f.pick(cur)), b.number(f.pick(prev)), b.change(rep.MoM(f.pick)), b.number(f.pick(ago)), b.change(rep.YoY(f.pick)))
	}
	s.end()

	s = b.sheet("比率", 4, 18, 48, 10, 16, 10, 10, 10, 10, 12, 12, 12)
	s.caption(title, cur.Range, rep.Partial)
	s.add("说明", compareNote(rep))
	s.heading("比率", "定义", "本期分子", "本期分母", "本期", "上期分子", "上期分母", "上期", "去年同期分子", "去年同期分母", "去年同期")
	for _, x := range rates {
		row := []any{x.label, x.definition}
		for _, f := range []stats.Figures{cur, prev, ago} {
			v := x.pick(f)
			row = append(row, v.Num, v.Den, b.rate(v))
		}
		s.add(row...)
	}
	s.end()

	s = b.sheet("分网格", 3, 20, 12, 12, 16, 10, 12, 12, 12, 10)
	s.caption(title, cur.Range, rep.Partial)
	s.heading("网格", "排查纠纷", "化解", "调解不成功", "化解率", "呈报上级", "排查隐患", "隐患已整改", "整改率")
	for _, c := range r.Cells {
		s.add(c.Name, c.Registered, c.Agreed, c.Failed, b.rate(stats.Rate{Num: c.Agreed, Den: c.Agreed + c.Failed}),
			c.Escalated, c.HazardsFound, c.Rectified, b.rate(stats.Rate{Num: c.Rectified, Den: c.HazardsFound}))
	}
	s.end()

	s = b.sheet("外部指标", 4, 20, 12, 12, 16, 12, 12)
	s.caption(title, cur.Range, rep.Partial)
	s.add("说明", "公安机关按月提供的数字，计入起始日在各时段内的月份；“未录入”指本网格没有录入该指标，不是零。")
	s.heading("指标", "本期", "上期", "环比", "去年同期", "同比")
	for _, in := range r.Indicators {
		if in.Recorded == 0 {
			s.add(stats.IndicatorTitle(in.Name), notRecorded, notRecorded, none, notRecorded, none)
			continue
		}
		s.add(stats.IndicatorTitle(in.Name), in.Current, in.Previous, b.change(in.MoM()), in.YearEarlier, b.change(in.YoY()))
	}
	s.end()
	return b.write(w)
}

// compareNote says how the report compares its spans: whole periods with
// whole periods, or, while the period is in progress, its elapsed part
// with the same days of the others up to the same time of day.
func compareNote(r stats.Report) string {
	before := "上一周期"
	if r.Period == 0 {
		before = "紧接其前的相同天数"
	}
	if r.Partial {
		return fmt.Sprintf("本期尚未结束，统计至 %s；与%s、去年同期的相同天数（至同一时刻）比较。",
			until(r.Current.Range), before)
	}
	return "本期已结束，与" + before + "、去年同期整期比较。"
}
