package httpapi_test

import (
	"bytes"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

// workbook opens the .xlsx workbook of a response, checking that it came
// as one.
func workbook(t *testing.T, res *response) *excelize.File {
	t.Helper()
	require.Equal(t, http.StatusOK, res.Code, res)
	require.Equal(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", res.Header.Get("Content-Type"))
	assert.Contains(t, res.Header.Get("Content-Disposition"), "attachment")
	f, err := excelize.OpenReader(bytes.NewReader(res.Body))
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

// rowOf returns the cells of the row of sheet whose first cell is label.
func rowOf(t *testing.T, f *excelize.File, sheet, label string) []string {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	for _, r := range rows {
		if len(r) > 0 && r[0] == label {
			return r
		}
	}
	t.Fatalf("sheet %s has no row %s", sheet, label)
	return nil
}

// number reads a cell written as a number: its type is not text.
func number(t *testing.T, f *excelize.File, sheet, cell string) float64 {
	t.Helper()
	typ, err := f.GetCellType(sheet, cell)
	require.NoError(t, err)
	require.NotEqual(t, excelize.CellTypeInlineString, typ, "%s!%s is text", sheet, cell)
	require.NotEqual(t, excelize.CellTypeSharedString, typ, "%s!%s is text", sheet, cell)
	v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	n, err := strconv.ParseFloat(v, 64)
	require.NoError(t, err, "%s!%s = %q", sheet, cell, v)
	return n
}

// numFmt is the number format of a cell: its number in Excel's table, or
// its code if custom.
func numFmt(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	require.NoError(t, err)
	s, err := f.GetStyle(id)
	require.NoError(t, err)
	if s.CustomNumFmt != nil {
		return *s.CustomNumFmt
	}
	return strconv.Itoa(s.NumFmt)
}

// summaryFigures is what /stats/summary answers of one span, as the
// report workbook's sheets must show it.
type summaryFigures struct {
	Range struct{ From, To time.Time }
	// The counts, by the labels of the workbook's 主要指标.
	Registered       int64 `json:"registered" sheet:"排查纠纷（登记）"`
	Accepted         int64 `json:"accepted" sheet:"受理"`
	Agreed           int64 `json:"agreed" sheet:"化解（达成协议）"`
	Failed           int64 `json:"failed" sheet:"调解不成功"`
	Withdrawn        int64 `json:"withdrawn" sheet:"撤回"`
	Rejected         int64 `json:"rejected" sheet:"不予受理"`
	TransferredOut   int64 `json:"transferred_out" sheet:"移交外部"`
	Open             int64 `json:"open" sheet:"期末在办"`
	Escalated        int64 `json:"escalated" sheet:"呈报上级"`
	Outside          int64 `json:"outside" sheet:"辖区外纠纷（首问负责）"`
	HazardsFound     int64 `json:"hazards_found" sheet:"排查隐患"`
	HazardsRectified int64 `json:"hazards_rectified" sheet:"隐患已整改"`
	HazardsOnTheSpot int64 `json:"hazards_on_the_spot" sheet:"当场整改"`
	// The rates, by the labels of the workbook's 比率.
	Resolution    struct{ Num, Den int64 } `json:"resolution" sheet:"化解率"`
	Dynamic       struct{ Num, Den int64 } `json:"dynamic_resolution" sheet:"化解率（动态保持）"`
	Escalation    struct{ Num, Den int64 } `json:"escalation" sheet:"呈报率"`
	FirstInquiry  struct{ Num, Den int64 } `json:"first_inquiry" sheet:"首问按时受理率"`
	Rectification struct{ Num, Den int64 } `json:"rectification" sheet:"隐患整改率"`
	OnTheSpot     struct{ Num, Den int64 } `json:"on_the_spot" sheet:"当场整改率"`
}

// summaryOf is /stats/summary's answer.
type summaryOf struct {
	Period                         string
	Partial                        bool
	Current, Previous, YearEarlier summaryFigures
}

// summaryFor asks /stats/summary of query as c.
func summaryFor(t *testing.T, c *client, query string) summaryOf {
	t.Helper()
	var out struct {
		summaryOf
		YearEarlier summaryFigures `json:"year_earlier"`
	}
	res := c.get("/api/v1/stats/summary?" + query)
	require.Equal(t, http.StatusOK, res.Code, res)
	res.decode(t, &out)
	out.summaryOf.YearEarlier = out.YearEarlier
	return out.summaryOf
}

// sheetDate reads a cell written as an Excel date, as a wall-clock time.
func sheetDate(t *testing.T, f *excelize.File, sheet, cell string) time.Time {
	t.Helper()
	d, err := excelize.ExcelDateToTime(number(t, f, sheet, cell), false)
	require.NoError(t, err)
	return d
}

// assertSpan checks that row of the main sheet names r: its first day,
// and its last day — or, in a period in progress, the minute it was
// counted up to.
func assertSpan(t *testing.T, f *excelize.File, row int, r struct{ From, To time.Time }, partial bool) {
	t.Helper()
	const main = "主要指标"
	assert.Equal(t, r.From.In(work.Zone).Format(time.DateOnly), sheetDate(t, f, main, "B"+strconv.Itoa(row)).Format(time.DateOnly), "row %d", row)
	last, layout := r.To.Add(-time.Nanosecond).In(work.Zone), time.DateOnly
	if partial {
		layout = "2006-01-02 15:04"
	}
	assert.Equal(t, last.Format(layout), sheetDate(t, f, main, "D"+strconv.Itoa(row)).Format(layout), "row %d", row)
}

// assertReportIs checks that the report workbook f shows what summary
// answers: the three spans, every count of each with 环比 and 同比, and
// every rate's numerator and denominator.
func assertReportIs(t *testing.T, f *excelize.File, summary summaryOf) {
	t.Helper()
	const main = "主要指标"
	assert.Equal(t, []string{"主要指标", "比率", "分网格", "外部指标"}, f.GetSheetList())
	assertSpan(t, f, 2, summary.Current.Range, summary.Partial)
	assert.Equal(t, "上期（环比）", rowOf(t, f, main, "上期（环比）")[0])
	assertSpan(t, f, 3, summary.Previous.Range, summary.Partial)
	assertSpan(t, f, 4, summary.YearEarlier.Range, summary.Partial)
	note := rowOf(t, f, main, "说明")[1]
	if summary.Partial {
		assert.Contains(t, note, "本期尚未结束")
	} else {
		assert.Contains(t, note, "整期比较")
	}
	assert.Equal(t, []string{"指标", "本期", "上期", "环比", "去年同期", "同比"}, rowOf(t, f, main, "指标"))

	typ := reflect.TypeFor[summaryFigures]()
	spans := []reflect.Value{reflect.ValueOf(summary.Current), reflect.ValueOf(summary.Previous), reflect.ValueOf(summary.YearEarlier)}
	for i := range typ.NumField() {
		label := typ.Field(i).Tag.Get("sheet")
		if label == "" {
			continue
		}
		if typ.Field(i).Type.Kind() == reflect.Int64 {
			row := rowOf(t, f, main, label)
			for col, span := range map[int]reflect.Value{1: spans[0], 2: spans[1], 4: spans[2]} {
				assert.Equal(t, strconv.FormatInt(span.Field(i).Int(), 10), row[col], "%s, column %d", label, col)
			}
			continue
		}
		row := rowOf(t, f, "比率", label)
		for k, span := range spans {
			rate := span.Field(i)
			assert.Equal(t, []string{strconv.FormatInt(rate.Field(0).Int(), 10), strconv.FormatInt(rate.Field(1).Int(), 10)}, row[2+3*k:4+3*k], "%s, span %d", label, k)
		}
	}
}

// TestReportWorkbook reads the report workbook back and finds in it what
// /stats/summary answers for the same parameters: a month in progress (its
// first days against the same days of the month before and a year
// earlier), a quarter that has ended, a range of days that has ended and
// one in progress. Figures are numbers, changes and rates percentages,
// spans dates; the table per community covers the span reported on.
func TestReportWorkbook(t *testing.T) {
	for _, st := range []stores{memStores(), sqliteStores(t)} {
		t.Run(st.name, func(t *testing.T) {
			e := newEnvOn(t, st)
			// 1 November 2022, 9:00; 1 December; 3 January 2023.
			e.seedCase(t, "agreed")
			e.clock.Advance(30 * day)
			e.seedCase(t, "agreed")
			e.seedCase(t, "failed")
			e.seedCase(t, "registered")
			e.clock.Advance(33 * day)
			e.seedCase(t, "agreed")
			e.seedCase(t, "failed")
			e.clock.Advance(time.Hour)
			secretary := e.as("gc-secretary")
			for _, tt := range []struct {
				name, query, title string
				partial            bool
				registered         int64
				mayuan             []string
			}{
				{"a month in progress", "cell=gucheng&period=month", "月统计报表（2023年1月）", true, 2, []string{"2", "1", "1"}},
				{"a quarter", "cell=gucheng&period=quarter&at=2022-11-15T00:00:00%2B08:00", "季度统计报表（2022年第4季度）", false, 4, []string{"4", "2", "1"}},
				{"a range of days", "cell=gucheng&from=2022-11-01&to=2022-12-31", "统计报表（2022年11月1日至2022年12月31日）", false, 4, []string{"4", "2", "1"}},
				{"a range in progress", "cell=gucheng&from=2022-12-15&to=2023-01-15", "统计报表（2022年12月15日至2023年1月15日）", true, 2, []string{"2", "1", "1"}},
			} {
				t.Run(tt.name, func(t *testing.T) {
					summary := summaryFor(t, secretary, tt.query)
					require.Equal(t, tt.partial, summary.Partial)
					require.Equal(t, tt.registered, summary.Current.Registered)
					f := workbook(t, secretary.get("/api/v1/stats/report.xlsx?"+tt.query))
					assert.Equal(t, "古城办事处 "+tt.title, rowOf(t, f, "主要指标", "古城办事处 "+tt.title)[0])
					assertReportIs(t, f, summary)
					// Every case of the seed arose in 马园村委 (mayuan-1 lies below it).
					assert.Equal(t, tt.mayuan, rowOf(t, f, "分网格", "马园村委")[1:4])
				})
			}

			f := workbook(t, secretary.get("/api/v1/stats/report.xlsx?cell=gucheng&period=month"))
			const main = "主要指标"
			// Registered is on row 7: a number, and its 环比 a percentage;
			// the span's first day a date, its last the minute counted to.
			assert.EqualValues(t, 2, number(t, f, main, "B7"))
			assert.InDelta(t, (2.0-3.0)/3.0, number(t, f, main, "D7"), 1e-9, "2 in 1–3 January against 3 in 1–3 December")
			assert.Equal(t, "10", numFmt(t, f, main, "D7"), "a percentage")
			assert.Equal(t, "—", rowOf(t, f, main, "排查纠纷（登记）")[5], "同比 from nothing is undefined")
			assert.Equal(t, "yyyy-mm-dd", numFmt(t, f, main, "B2"), "a date")
			assert.Equal(t, "yyyy-mm-dd hh:mm", numFmt(t, f, main, "D2"), "the time counted to")
			assert.InDelta(t, 0.5, number(t, f, "比率", "E5"), 1e-9, "化解率 1 of 2, a percentage")
			assert.Equal(t, "10", numFmt(t, f, "比率", "E5"))

			// The same parameters are checked as /stats/summary checks them.
			for _, bad := range []string{"cell=gucheng&period=fortnight", "cell=gucheng&from=2022-11-01", "cell=gucheng&period=month&from=2022-11-01&to=2022-11-30", "cell=gucheng&from=2022-11-30&to=2022-11-01"} {
				want := secretary.get("/api/v1/stats/summary?" + bad)
				require.Equal(t, http.StatusBadRequest, want.Code, bad)
				for _, path := range []string{"/api/v1/stats/report.xlsx?", "/api/v1/stats/ministry.xlsx?"} {
					res := secretary.get(path + bad)
					assert.Equal(t, http.StatusBadRequest, res.Code, path+bad)
					assert.JSONEq(t, string(want.Body), string(res.Body), path+bad)
				}
			}
		})
	}
}

// TestReportIndicators records the police's monthly counts for the
// township: its report shows them with their changes, and a sector's, for
// which none is recorded, shows 未录入 rather than 0.
func TestReportIndicators(t *testing.T) {
	e := newEnv(t)
	e.clock.Advance(30 * day) // 1 December 2022
	for _, v := range []struct {
		month time.Month
		n     int64
	}{{time.November, 8}, {time.December, 6}} {
		require.NoError(t, e.stats.RecordIndicator(ctx, e.member("gc-secretary"), stats.Indicator{
			Name: stats.RuralPropertyCrime, Cell: e.demo.Tree.MustCell(gridtest.GuchengID).Path, Period: stats.Month,
			Start: time.Date(2022, v.month, 1, 0, 0, 0, 0, work.Zone), Value: v.n,
		}))
	}
	secretary := e.as("gc-secretary")
	f := workbook(t, secretary.get("/api/v1/stats/report.xlsx?cell=gucheng&period=month"))
	row := rowOf(t, f, "外部指标", "农村侵财类案件")
	assert.Equal(t, []string{"6", "8", "-0.25", "0", "—"}, row[1:6], "this month's 6 against November's 8")
	assert.Equal(t, []string{"未录入", "未录入", "—", "未录入", "—"}, rowOf(t, f, "外部指标", "电信网络诈骗")[1:6], "not recorded at all")

	f = workbook(t, secretary.get("/api/v1/stats/report.xlsx?cell=gc-east&period=month"))
	assert.Equal(t, []string{"未录入", "未录入", "—", "未录入", "—"}, rowOf(t, f, "外部指标", "农村侵财类案件")[1:6], "a township's count has no share in a sector")
}

// TestRegisterWorkbook reads the register back: one row per case of the
// list, newest first, with the numbers the list gives, the parties masked
// for a grid worker as the list masks them and whole for the village
// head, Chinese states, and the registration time as a date; the list's
// filters apply.
func TestRegisterWorkbook(t *testing.T) {
	e := newEnv(t)
	e.seedCase(t, "registered")
	e.seedCase(t, "mediating")
	e.seedCase(t, "agreed")
	for _, tt := range []struct {
		member string
		masked bool
	}{{"mayuan-security", true}, {"mayuan-head", false}} {
		c := e.as(tt.member)
		var page struct {
			Cases []struct {
				Number, State string
				Masked        bool
				Applicants    []struct{ Name string }
				RegisteredAt  time.Time `json:"registered_at"`
			}
		}
		res := c.get("/api/v1/cases?limit=200")
		require.Equal(t, http.StatusOK, res.Code, res)
		res.decode(t, &page)
		require.Len(t, page.Cases, 3)

		f := workbook(t, c.get("/api/v1/cases.xlsx"))
		const sheet = "案件台账"
		rows, err := f.GetRows(sheet)
		require.NoError(t, err)
		require.Len(t, rows, 1+len(page.Cases), "a heading and a row per case")
		assert.Equal(t, []string{"案件编号", "登记时间", "申请人", "被申请人", "纠纷类别", "等级", "状态"}, rows[0][:7])
		for i, want := range page.Cases {
			row := rows[i+1]
			assert.Equal(t, want.Number, row[0])
			assert.Equal(t, want.Masked, tt.masked, tt.member)
			assert.Equal(t, want.Applicants[0].Name, row[2], "%s sees the applicant as the list shows them", tt.member)
			if tt.masked {
				assert.True(t, strings.Contains(row[2], "*"), "%s: %q is masked", tt.member, row[2])
			} else {
				assert.NotContains(t, row[2], "*")
			}
			assert.NotContains(t, row[6], "_", "the state in Chinese: %q", row[6])
			registered, err := excelize.ExcelDateToTime(number(t, f, sheet, "B"+strconv.Itoa(i+2)), false)
			require.NoError(t, err)
			assert.Equal(t, want.RegisteredAt.In(work.Zone).Format("2006-01-02 15:04"), registered.Format("2006-01-02 15:04"))
		}
		// The list's filters: only what is being mediated.
		rows, err = workbook(t, c.get("/api/v1/cases.xlsx?state=mediating")).GetRows(sheet)
		require.NoError(t, err)
		require.Len(t, rows, 2)
		assert.Equal(t, "调解中", rows[1][6])
	}
	res := e.as("mayuan-head").get("/api/v1/cases.xlsx?state=asleep")
	assert.Equal(t, http.StatusBadRequest, res.Code, "the list's filters are checked as the list checks them")
}

// TestMinistryWorkbook reads the Ministry's table back: the agreements
// and failures of the span /stats/summary reports on in their rows — the
// quarter, a range of days, the elapsed part of a month in progress —, the
// total, the span named, and the mapping; a post that may not view
// statistics gets none.
func TestMinistryWorkbook(t *testing.T) {
	e := newEnv(t)
	e.seedCase(t, "agreed") // 1 November 2022
	e.seedCase(t, "failed")
	e.seedCase(t, "registered")
	e.clock.Advance(30 * day)
	e.seedCase(t, "agreed") // 1 December
	secretary := e.as("gc-secretary")
	const sheet = "人民调解工作统计表"
	for _, tt := range []struct {
		query, title string
		total        []string
	}{
		{"cell=gucheng&period=quarter", "2022年第4季度", []string{"合计", "2", "1", "0", "3"}},
		{"cell=gucheng&period=month", "2022年12月", []string{"合计", "1", "0", "0", "1"}},
		{"cell=gucheng&period=month&at=2022-11-20T00:00:00%2B08:00", "2022年11月", []string{"合计", "1", "1", "0", "2"}},
		{"cell=gucheng&from=2022-11-02&to=2022-11-30", "2022年11月2日至2022年11月30日", []string{"合计", "0", "0", "0", "0"}},
	} {
		summary := summaryFor(t, secretary, tt.query)
		f := workbook(t, secretary.get("/api/v1/stats/ministry.xlsx?"+tt.query))
		assert.Equal(t, []string{sheet, "类别对照"}, f.GetSheetList())
		assert.Equal(t, "古城办事处 人民调解工作统计表（"+tt.title+"）", rowOf(t, f, sheet, "古城办事处 人民调解工作统计表（"+tt.title+"）")[0])
		total := rowOf(t, f, sheet, "合计")
		assert.Equal(t, tt.total, total, tt.query)
		cur := summary.Current
		assert.Equal(t, []string{strconv.FormatInt(cur.Agreed, 10), strconv.FormatInt(cur.Failed, 10), strconv.FormatInt(cur.Withdrawn+cur.Rejected+cur.TransferredOut, 10)}, total[1:4], "the summary's outcomes, %s", tt.query)
		note := rowOf(t, f, sheet, "说明")[1]
		assert.Equal(t, summary.Partial, strings.Contains(note, "本期尚未结束"), note)
		from, err := excelize.ExcelDateToTime(number(t, f, sheet, "B2"), false)
		require.NoError(t, err)
		assert.Equal(t, cur.Range.From.In(work.Zone).Format(time.DateOnly), from.Format(time.DateOnly))
	}
	f := workbook(t, secretary.get("/api/v1/stats/ministry.xlsx?cell=gucheng&period=quarter"))
	assert.Equal(t, []string{"房屋宅基地纠纷", "2", "1", "0", "3"}, rowOf(t, f, sheet, "房屋宅基地纠纷"), "the seed's cases are homestead disputes")
	assert.Equal(t, []string{"债务纠纷", "合同纠纷"}, rowOf(t, f, "类别对照", "债务纠纷"))
	assert.Equal(t, http.StatusForbidden, e.as("mayuan-security").get("/api/v1/stats/ministry.xlsx?cell=gucheng").Code)
}
