package xlsx

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

// Number formats: of Excel's built-in table, and the dates written out,
// since the built-in date formats follow the reader's locale (14 reads
// 12-01-22 in some).
const (
	formatPercent  = 10 // 0.00%
	formatDecimal  = 2  // 0.00
	formatDate     = "yyyy-mm-dd"
	formatDateTime = "yyyy-mm-dd hh:mm"
)

// none stands in a cell for a figure that is undefined — a rate of
// nothing, a change from nothing — which is neither 0 nor 100%.
const none = "—"

// book is a workbook being written, every sheet by a StreamWriter, keeping
// the first error of its many steps.
type book struct {
	f      *excelize.File
	err    error
	sheets int
	// The styles of the cells: headings, rates and changes, dates,
	// times, decimals and the title.
	head, percent, date, datetime, decimal, title int
}

func newBook() *book {
	b := &book{f: excelize.NewFile()}
	b.head = b.style(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	b.percent = b.style(&excelize.Style{NumFmt: formatPercent})
	date, datetime := formatDate, formatDateTime
	b.date = b.style(&excelize.Style{CustomNumFmt: &date})
	b.datetime = b.style(&excelize.Style{CustomNumFmt: &datetime})
	b.decimal = b.style(&excelize.Style{NumFmt: formatDecimal})
	b.title = b.style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	return b
}

func (b *book) do(err error) {
	if b.err == nil {
		b.err = err
	}
}

func (b *book) style(s *excelize.Style) int {
	id, err := b.f.NewStyle(s)
	b.do(err)
	return id
}

// sheet is one sheet of a book, written row by row.
type sheet struct {
	b   *book
	sw  *excelize.StreamWriter
	row int
}

// sheet starts the sheet name, its columns as wide as widths (in
// characters), the first of them and the rows above frozen from heading
// on when heading is above 0.
func (b *book) sheet(name string, heading int, widths ...float64) *sheet {
	if b.sheets == 0 {
		b.do(b.f.SetSheetName(b.f.GetSheetName(0), name))
	} else {
		_, err := b.f.NewSheet(name)
		b.do(err)
	}
	b.sheets++
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		b.do(err)
		return &sheet{b: b}
	}
	for i, w := range widths {
		b.do(sw.SetColWidth(i+1, i+1, w))
	}
	if heading > 0 {
		b.do(sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 1, YSplit: heading, TopLeftCell: fmt.Sprintf("B%d", heading+1), ActivePane: "bottomRight"}))
	}
	return &sheet{b: b, sw: sw}
}

// add writes the next row. Values are what StreamWriter.SetRow takes.
func (s *sheet) add(values ...any) {
	s.row++
	if s.sw == nil || s.b.err != nil {
		return
	}
	s.b.do(s.sw.SetRow(fmt.Sprintf("A%d", s.row), values))
}

// heading writes a row of headings.
func (s *sheet) heading(names ...string) {
	row := make([]any, len(names))
	for i, n := range names {
		row[i] = excelize.Cell{StyleID: s.b.head, Value: n}
	}
	s.add(row...)
}

// caption writes the sheet's title and, below it, the span it covers
// (see span).
func (s *sheet) caption(title string, r stats.Range, partial bool) {
	s.add(excelize.Cell{StyleID: s.b.title, Value: title})
	s.add(append([]any{"统计期间"}, s.b.span(r, partial)...)...)
}

// span is a range as dates: its first day, 至, and its last; or, for the
// elapsed part of a period in progress (partial), the time it ends, since
// its bases end at that time of day too.
func (b *book) span(r stats.Range, partial bool) []any {
	if partial {
		return []any{b.day(r.From), "至", b.when(r.To.Add(-time.Nanosecond))}
	}
	return []any{b.day(r.From), "至", b.day(lastDay(r))}
}

// until names the end of r, the elapsed part of a period in progress, to
// the minute: the time the figures were counted up to.
func until(r stats.Range) string {
	return r.To.Add(-time.Nanosecond).In(work.Zone).Format("2006-01-02 15:04")
}

// lastDay is the date of the last instant of a range, in the deployment's
// zone: the day before its end when it ends at a midnight.
func lastDay(r stats.Range) time.Time {
	y, m, d := r.To.Add(-time.Nanosecond).In(work.Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, work.Zone)
}

func (s *sheet) end() {
	if s.sw != nil {
		s.b.do(s.sw.Flush())
	}
}

// day is t as a date, in the deployment's zone; nothing for the zero time.
func (b *book) day(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return excelize.Cell{StyleID: b.date, Value: t.In(work.Zone)}
}

// when is t as a date and time, in the deployment's zone; nothing for the
// zero time.
func (b *book) when(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return excelize.Cell{StyleID: b.datetime, Value: t.In(work.Zone)}
}

// rate is r's value in a percentage format, or none when undefined.
func (b *book) rate(r stats.Rate) any {
	if !r.Defined() {
		return none
	}
	return excelize.Cell{StyleID: b.percent, Value: r.Value()}
}

// change is c's ratio in a percentage format (−0.35 shows −35.00%), or
// none when undefined.
func (b *book) change(c stats.Change) any {
	if !c.Defined || math.IsNaN(c.Ratio) {
		return none
	}
	return excelize.Cell{StyleID: b.percent, Value: c.Ratio}
}

// number is v as a number: whole when it is, else with two decimals.
func (b *book) number(v float64) any {
	if v == math.Trunc(v) {
		return int64(v)
	}
	return excelize.Cell{StyleID: b.decimal, Value: v}
}

// write zips the book to w. It leaves the first sheet active, as a new
// file has it: SetActiveSheet would parse every sheet streamed to memory
// back into excelize's model. The sheets' rows are streamed from where the
// StreamWriters left them (a temporary file past a few megabytes) straight
// into w, never gathered in memory: excelize's WriteTo would build the
// whole file in a buffer first, so the book gives excelize a zip writer on
// w and leaves its buffer empty. A sheet over 4 GiB, which excelize marks
// in that buffer as zip64, would need WriteTo; no register comes near it.
func (b *book) write(w io.Writer) error {
	defer b.f.Close()
	if b.err != nil {
		return fmt.Errorf("xlsx: write the workbook: %w", b.err)
	}
	b.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	buf, err := b.f.WriteToBuffer()
	if err == nil && buf.Len() > 0 {
		err = errors.New("excelize wrote part of the workbook outside the zip writer")
	}
	if err != nil {
		return fmt.Errorf("xlsx: write the workbook: %w", err)
	}
	return nil
}
