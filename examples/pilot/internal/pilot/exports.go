package pilot

import (
	"bytes"
	"context"
	"net/http"
	"strings"

	"github.com/fourplusn/fourplusn/adapters/xlsx"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

// statsExport reads what the dashboard's exports take: the cell (the
// member's township by default) and the period (a month by default).
func (s *Server) statsExport(r *http.Request, m grid.Member) (grid.Cell, stats.Period, error) {
	q := r.URL.Query()
	id := grid.CellID(q.Get("cell"))
	if id == "" {
		id = m.Township
	}
	period := stats.Month
	if p := q.Get("period"); p != "" {
		var err error
		if period, err = stats.ParsePeriod(p); err != nil {
			return grid.Cell{}, 0, err
		}
	}
	cell, err := s.app.Grid.Directory().Tree().Cell(id)
	return cell, period, err
}

// exportReport is the dashboard's 导出Excel: the period's report of the
// cell's subtree.
func (s *Server) exportReport(w http.ResponseWriter, r *http.Request, m grid.Member) {
	cell, period, err := s.statsExport(r, m)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	rep, err := xlsx.ReportOf(r.Context(), s.app.Stats, m.Actor(), cell, period, s.app.Now(), s.app.CellNameByID)
	var buf bytes.Buffer
	if err == nil {
		err = xlsx.WriteReport(&buf, rep)
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	serveWorkbook(w, cell.Name+"统计报表"+s.app.Now().In(work.Zone).Format("20060102")+".xlsx", buf.Bytes())
}

// exportMinistry is the dashboard's 导出司法部统计表: the Ministry's
// table of the period for the cell's subtree.
func (s *Server) exportMinistry(w http.ResponseWriter, r *http.Request, m grid.Member) {
	cell, period, err := s.statsExport(r, m)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	table, err := s.app.Stats.Ministry(r.Context(), m.Actor(), cell.ID, period.Of(s.app.Now()))
	var buf bytes.Buffer
	if err == nil {
		err = xlsx.WriteMinistry(&buf, cell.Name, period, table, s.app.Stats.MinistryMap())
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	serveWorkbook(w, cell.Name+"人民调解工作统计表.xlsx", buf.Bytes())
}

// exportCases is the case list's 导出台账: every case the list's filters
// select, as the member sees them, streamed to the response as the
// register is written.
func (s *Server) exportCases(w http.ResponseWriter, r *http.Request, m grid.Member) {
	q := r.URL.Query()
	f, _, msg := s.caseListFilter(q, strings.TrimSpace(q.Get("q")))
	if msg != "" {
		s.fail(w, r, http.StatusBadRequest, msg)
		return
	}
	actor := m.Actor()
	out := &workbookWriter{w: w, name: s.app.CellNameByID(m.Township) + "案件台账" + s.app.Now().In(work.Zone).Format("20060102") + ".xlsx"}
	list := func(ctx context.Context, f mediation.Filter) (mediation.Page, error) {
		return s.app.Cases.List(ctx, actor, f)
	}
	if _, err := xlsx.WriteRegister(r.Context(), out, list, f, s.app.CellName, s.app.Now()); err != nil {
		if out.started {
			s.app.Logger.ErrorContext(r.Context(), "the register broke off", "error", err)
			return
		}
		s.failErr(w, r, err)
	}
}

// workbookWriter sends a workbook's headers with its first bytes, so that
// an error before them is still shown as a page.
type workbookWriter struct {
	w       http.ResponseWriter
	name    string
	started bool
}

func (o *workbookWriter) Write(p []byte) (int, error) {
	if !o.started {
		o.started = true
		serveWorkbook(o.w, o.name, nil)
	}
	return o.w.Write(p)
}
