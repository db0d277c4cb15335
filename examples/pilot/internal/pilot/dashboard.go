package pilot

import (
	"context"
	"fmt"
	"net/http"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

// dashboard is the level 1–2 view (在线查看跟踪问效): the month's counts and
// rates with 环比, the last six months, the communities side by side,
// the crime indicators and the overdue list, for the member's highest cell
// or the one chosen.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, m grid.Member) {
	ctx, actor, now := r.Context(), m.Actor(), s.app.Now()
	scope := s.app.Policy.Scope(actor, grid.ViewStats)
	if len(scope) == 0 {
		s.fail(w, r, http.StatusForbidden, "看板供一、二级网格长及值班人员查看。")
		return
	}
	cellID := scope[0].Cell()
	if c := r.URL.Query().Get("cell"); c != "" {
		cellID = grid.CellID(c)
	}
	cell, err := s.app.Grid.Directory().Tree().Cell(cellID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	rep, err := s.app.Stats.Report(ctx, actor, cellID, stats.Month, now)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	// The last six months of three measures, side by side.
	measures := []stats.Measure{stats.Registered, stats.Agreed, stats.HazardsFound}
	series := make([][]int64, len(measures))
	var months []string
	for i, m := range measures {
		pts, err := s.app.Stats.Series(ctx, actor, cellID, m, stats.Month, now, 6)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		months = months[:0]
		for _, p := range pts {
			months = append(months, fmt.Sprintf("%d月", p.Range.From.In(work.Zone).Month()))
			series[i] = append(series[i], p.N)
		}
	}
	// The communities (or, below a sector, the groups) over the last
	// three months.
	level := cell.Level() + 1
	if level < 3 {
		level = 3
	}
	ranges := stats.Month.Series(now, 3)
	span := stats.Range{From: ranges[0].From, To: ranges[len(ranges)-1].To}
	byCell, err := s.app.Stats.Breakdown(ctx, actor, cellID, stats.Registered, stats.ByCell, level, span)
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
	type indicator struct {
		Label  string
		Points []stats.Point
	}
	var indicators []indicator
	for _, in := range []struct{ name, label string }{
		{stats.RuralPropertyCrime, "农村侵财类案件"}, {stats.ThreeVehicleTheft, "盗窃“三车”案件"}, {stats.TelecomFraud, "电信网络诈骗"},
	} {
		pts, err := s.app.Stats.IndicatorSeries(ctx, actor, cellID, in.name, stats.Month, now, 2)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		indicators = append(indicators, indicator{in.label, pts})
	}
	// The tracking view is for those who may track (levels 1–2); a
	// village head sees the figures without it.
	var due []work.Deadline
	if s.app.Policy.Can(actor, grid.Track, grid.Target{Cell: cell.Path}) == nil {
		if due, err = s.app.Stats.Tracking(ctx, actor, cellID, now); err != nil {
			s.failErr(w, r, err)
			return
		}
	}
	var late []map[string]any
	for _, d := range due {
		if d.Status != work.Overdue {
			continue
		}
		row := map[string]any{"D": d, "Cell": s.app.CellName(d.Cell), "Late": since(now, d.Due), "IsCase": isCase(d.Kind)}
		if isCase(d.Kind) {
			row["Name"] = d.Named()
		}
		late = append(late, row)
	}
	s.render(w, r, http.StatusOK, "dashboard", map[string]any{
		"Title": cell.Name + " · 工作看板", "Cell": cell, "Report": rep, "Now": now,
		"Month":      fmt.Sprintf("%d年%d月", rep.Current.Range.From.In(work.Zone).Year(), rep.Current.Range.From.In(work.Zone).Month()),
		"MoMReg":     rep.MoM(func(f stats.Figures) float64 { return float64(f.Registered) }),
		"MoMAgreed":  rep.MoM(func(f stats.Figures) float64 { return float64(f.Agreed) }),
		"MoMHazards": rep.MoM(func(f stats.Figures) float64 { return float64(f.HazardsFound) }),
		"Trend":      barChart(months, series, []string{"排查纠纷", "化解", "排查隐患"}),
		"ByCell":     hbarChart(labels, counts),
		"Indicators": indicators, "Late": late,
	})
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
