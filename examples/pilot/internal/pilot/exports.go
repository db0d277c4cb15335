package pilot

import (
	"bytes"
	"context"
	"net/http"
	"strings"

	"github.com/fourplusn/fourplusn/adapters/xlsx"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// exportReport is the dashboard's 导出统计报表: the report of the cell's
// subtree for the period picked, compared as the dashboard compares it.
func (s *Server) exportReport(w http.ResponseWriter, r *http.Request, m grid.Member) {
	now := s.app.Now()
	cell, pick, ok := s.statsView(w, r, m, now)
	if !ok {
		return
	}
	rep, err := xlsx.ReportOf(r.Context(), s.app.Stats, m.Actor(), cell, pick.basis, s.app.CellNameByID)
	var buf bytes.Buffer
	if err == nil {
		err = xlsx.WriteReport(&buf, rep)
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	serveWorkbook(w, cell.Name+"统计报表"+now.In(work.Zone).Format("20060102")+".xlsx", buf.Bytes())
}

// exportMinistry is the dashboard's 导出司法部统计表: the Ministry's
// table of the cell's subtree over the period picked — its elapsed part
// while it is in progress.
func (s *Server) exportMinistry(w http.ResponseWriter, r *http.Request, m grid.Member) {
	cell, pick, ok := s.statsView(w, r, m, s.app.Now())
	if !ok {
		return
	}
	b := pick.basis
	table, err := s.app.Stats.Ministry(r.Context(), m.Actor(), cell.ID, b.Current)
	var buf bytes.Buffer
	if err == nil {
		err = xlsx.WriteMinistry(&buf, cell.Name, b, table, s.app.Stats.MinistryMap())
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
