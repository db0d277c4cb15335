package httpapi

import (
	"context"
	"mime"
	"net/http"
	"slices"

	"github.com/uptrace/bunrouter"

	"github.com/fourplusn/fourplusn/adapters/xlsx"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// routeExports registers the workbooks: the report and the Ministry's
// table with the statistics, the register (台账) with the cases.
func (s *server) routeExports(g *bunrouter.Group) {
	s.handle(g, http.MethodGet, "/cases.xlsx", s.exportCases)
	if s.serves("stats") {
		s.handle(g, http.MethodGet, "/stats/report.xlsx", s.exportReport)
		s.handle(g, http.MethodGet, "/stats/ministry.xlsx", s.exportMinistry)
	}
}

// exportOperations describes the workbooks' routes; the register takes
// the filters of GET /api/v1/cases, read from its entry in ops, but not
// its page size.
func exportOperations(ops []operation) []operation {
	var listing []param
	for _, op := range ops {
		if op.method == http.MethodGet && op.path == "/api/v1/cases" {
			listing = slices.DeleteFunc(slices.Clone(op.params), func(p param) bool { return p.name == "limit" })
		}
	}
	file := fileBody{[]string{xlsxType}}
	return []operation{
		{method: "GET", path: "/api/v1/cases.xlsx", tag: "exports", summary: "The case register (台账) as an .xlsx workbook: every case GET /api/v1/cases selects with the same filters (from the cursor before, if given), newest first, one row each — number, registration time, the parties as the actor sees them (masked unless the actor may see personal data), category, grade, state, cells, channel, deadlines, acceptance and end, outcome, overdue — in Chinese, times as Excel dates. Read a page at a time and streamed, so any number of cases exports in bounded memory.", params: listing, status: 200, resp: file, errors: errListing},
		{method: "GET", path: "/api/v1/stats/report.xlsx", tag: "exports", feature: "stats", summary: "The report of a period for a cell's subtree as an .xlsx workbook, with GET /api/v1/stats/summary's parameters and its like-for-like comparison (a period in progress by its elapsed part, named on the sheet): the figures with the period before (环比) and a year earlier (同比), each rate with its definition, numerator and denominator, the table per cell below it, and the imported indicators. Needs ViewStats at the cell.", params: summaryQuery, status: 200, resp: file, errors: errRead},
		{method: "GET", path: "/api/v1/stats/ministry.xlsx", tag: "exports", feature: "stats", summary: "The Ministry of Justice's table of people's mediation (人民调解工作统计表) for a cell's subtree as an .xlsx workbook, with GET /api/v1/stats/summary's parameters: the cases ended in the span it reports on (the elapsed part of a period in progress, or the whole period or range, named on the sheet) by the Ministry's dispute types, which the township's categories are mapped to, and by outcome (调解成功, 调解不成功, 其他), with the mapping on a second sheet. Needs ViewStats at the cell.", params: summaryQuery, status: 200, resp: file, errors: errRead},
	}
}

// download is a workbook's response: it sends the headers of an .xlsx
// attachment named filename with the first bytes, so that an error before
// them is still answered as an error.
type download struct {
	w        http.ResponseWriter
	filename string
	started  bool
}

func (d *download) Write(p []byte) (int, error) {
	if !d.started {
		d.started = true
		h := d.w.Header()
		h.Set("Content-Type", xlsxType)
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.filename}))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "private, no-store")
		d.w.WriteHeader(http.StatusOK)
	}
	return d.w.Write(p)
}

// cellName names the cell of id, or gives id itself when the grid has no
// such cell (one retired since).
func (s *server) cellName(id grid.CellID) string {
	if c, err := s.cfg.Grid.Directory().Tree().Cell(id); err == nil {
		return c.Name
	}
	return string(id)
}

// exportCases is GET /cases.xlsx: the register of the cases the list's
// filters select, as the actor sees them.
func (s *server) exportCases(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := signedIn(req)
	if err != nil {
		return err
	}
	q, err := parseQuery(req, s.cases.filters...)
	if err != nil {
		return err
	}
	now := s.now()
	f := s.cases.filter(q, now)
	if q.err != nil {
		return q.err
	}
	list := func(ctx context.Context, f mediation.Filter) (mediation.Page, error) {
		return s.cfg.Cases.List(ctx, actor, f)
	}
	name := func(p grid.Path) string {
		if p.IsZero() {
			return ""
		}
		return s.cellName(p.Cell())
	}
	filename := s.cellName(actor.Township) + "案件台账" + now.In(work.Zone).Format("20060102") + ".xlsx"
	_, err = xlsx.WriteRegister(req.Context(), &download{w: w, filename: filename}, list, f, name, now)
	return err
}

// exportReport is GET /stats/report.xlsx, with /stats/summary's
// parameters read as it reads them: the same period, range and
// like-for-like comparison. Needs ViewStats at the cell.
func (s *server) exportReport(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := signedIn(req)
	if err != nil {
		return err
	}
	cellID, b, err := s.summaryQuery(req)
	if err != nil {
		return err
	}
	cell, err := s.cfg.Grid.Directory().Tree().Cell(cellID)
	if err != nil {
		return err
	}
	out, err := xlsx.ReportOf(req.Context(), s.cfg.Stats, actor, cell, b, s.cellName)
	if err != nil {
		return err
	}
	return xlsx.WriteReport(&download{w: w, filename: out.Name + "统计报表.xlsx"}, out)
}

// exportMinistry is GET /stats/ministry.xlsx, with /stats/summary's
// parameters: the table covers the span the summary reports on, the
// elapsed part of a period in progress or the whole. Needs ViewStats at
// the cell.
func (s *server) exportMinistry(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := signedIn(req)
	if err != nil {
		return err
	}
	cellID, b, err := s.summaryQuery(req)
	if err != nil {
		return err
	}
	table, err := s.cfg.Stats.Ministry(req.Context(), actor, cellID, b.Current)
	if err != nil {
		return err
	}
	name := s.cellName(cellID)
	return xlsx.WriteMinistry(&download{w: w, filename: name + "人民调解工作统计表.xlsx"}, name, b, table, s.cfg.Stats.MinistryMap())
}
