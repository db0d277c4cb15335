package httpapi_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

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

// TestReportWorkbook reads the report workbook back and finds in it what
// /stats/summary answers: each figure this month, last month and a year
// earlier as numbers, each rate's numerator and denominator with its value
// as a percentage, the period's first day as a date, and the table per
// community.
func TestReportWorkbook(t *testing.T) {
	for _, st := range []stores{memStores(), sqliteStores(t)} {
		t.Run(st.name, func(t *testing.T) {
			e := newEnvOn(t, st)
			e.seedCase(t, "agreed")
			e.clock.Advance(30 * day)
			e.seedCase(t, "agreed")
			e.seedCase(t, "failed")
			e.seedCase(t, "registered")
			secretary := e.as("gc-secretary")
			var summary struct {
				Current, Previous, YearEarlier struct {
					Range                      struct{ From time.Time }
					Registered, Agreed, Failed int64
					Resolution                 struct{ Num, Den int64 }
					Dynamic                    struct{ Num, Den int64 } `json:"dynamic_resolution"`
				}
			}
			res := secretary.get("/api/v1/stats/summary?cell=gucheng&period=month")
			require.Equal(t, http.StatusOK, res.Code, res)
			res.decode(t, &summary)
			require.EqualValues(t, 3, summary.Current.Registered)

			f := workbook(t, secretary.get("/api/v1/stats/report.xlsx?cell=gucheng&period=month"))
			assert.Equal(t, []string{"主要指标", "比率", "分网格", "外部指标"}, f.GetSheetList())
			const main = "主要指标"
			assert.Equal(t, []string{"指标", "本期", "上期", "环比", "去年同期", "同比"}, rowOf(t, f, main, "指标"))
			for i, want := range []struct {
				label          string
				cur, prev, ago int64
			}{
				{"排查纠纷（登记）", summary.Current.Registered, summary.Previous.Registered, summary.YearEarlier.Registered},
				{"化解（达成协议）", summary.Current.Agreed, summary.Previous.Agreed, summary.YearEarlier.Agreed},
				{"调解不成功", summary.Current.Failed, summary.Previous.Failed, summary.YearEarlier.Failed},
			} {
				row := rowOf(t, f, main, want.label)
				assert.Equal(t, []string{strconv.FormatInt(want.cur, 10), strconv.FormatInt(want.prev, 10)}, row[1:3], "%d %s", i, want.label)
				assert.Equal(t, strconv.FormatInt(want.ago, 10), row[4], want.label)
			}
			// Registered is on row 5: a number, and its 环比 a percentage.
			assert.EqualValues(t, summary.Current.Registered, number(t, f, main, "B5"))
			assert.InDelta(t, float64(summary.Current.Registered-summary.Previous.Registered)/float64(summary.Previous.Registered), number(t, f, main, "D5"), 1e-9)
			assert.Equal(t, "10", numFmt(t, f, main, "D5"), "a percentage")
			assert.Equal(t, "—", rowOf(t, f, main, "排查纠纷（登记）")[5], "同比 from nothing is undefined")
			// The period's first day, a date.
			from := summary.Current.Range.From.In(work.Zone)
			serial, err := excelize.ExcelDateToTime(number(t, f, main, "B2"), false)
			require.NoError(t, err)
			assert.Equal(t, from.Format("2006-01-02"), serial.Format("2006-01-02"))
			assert.Equal(t, "yyyy-mm-dd", numFmt(t, f, main, "B2"), "a date")
			last, err := f.GetCellValue(main, "D2")
			require.NoError(t, err)
			assert.Equal(t, from.AddDate(0, 1, -1).Format("2006-01-02"), last, "the last day of the month, formatted")

			rates := rowOf(t, f, "比率", "化解率")
			cur := summary.Current.Resolution
			assert.Equal(t, []string{strconv.FormatInt(cur.Num, 10), strconv.FormatInt(cur.Den, 10)}, rates[2:4])
			assert.InDelta(t, float64(cur.Num)/float64(cur.Den), number(t, f, "比率", "E4"), 1e-9)
			assert.Equal(t, "10", numFmt(t, f, "比率", "E4"))
			dynamic := rowOf(t, f, "比率", "化解率（动态保持）")
			assert.Equal(t, []string{strconv.FormatInt(summary.Current.Dynamic.Num, 10), strconv.FormatInt(summary.Current.Dynamic.Den, 10)}, dynamic[2:4])

			// Every case of the seed arose in 马园村委 (mayuan-1 lies below it).
			mayuan := rowOf(t, f, "分网格", "马园村委")
			assert.Equal(t, []string{"3", "1", "1"}, mayuan[1:4])
			assert.Equal(t, "农村侵财类案件", rowOf(t, f, "外部指标", "农村侵财类案件")[0])
		})
	}
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

// TestMinistryWorkbook reads the Ministry's table back: the quarter's
// agreements and failures in their rows, the total, and the mapping; a
// post that may not view statistics gets none.
func TestMinistryWorkbook(t *testing.T) {
	e := newEnv(t)
	e.seedCase(t, "agreed")
	e.seedCase(t, "failed")
	e.seedCase(t, "registered")
	f := workbook(t, e.as("gc-secretary").get("/api/v1/stats/ministry.xlsx?cell=gucheng&period=quarter"))
	const sheet = "人民调解工作统计表"
	assert.Equal(t, []string{sheet, "类别对照"}, f.GetSheetList())
	assert.Equal(t, []string{"房屋宅基地纠纷", "1", "1", "0", "2"}, rowOf(t, f, sheet, "房屋宅基地纠纷"), "the seed's cases are homestead disputes")
	assert.Equal(t, []string{"合计", "1", "1", "0", "2"}, rowOf(t, f, sheet, "合计"), "the open case has not ended")
	assert.Equal(t, []string{"债务", "合同纠纷"}, rowOf(t, f, "类别对照", "债务"))
	assert.Equal(t, http.StatusForbidden, e.as("mayuan-security").get("/api/v1/stats/ministry.xlsx?cell=gucheng").Code)
}
