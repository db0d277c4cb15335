package roster

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/fourplusn/fourplusn"
)

// Problem is one thing wrong with a roster file, placed where a person finds
// it in the spreadsheet.
type Problem struct {
	Sheet   string // 网格 or 人员; "" for the file as a whole, or a line of a CSV file outside both tables
	Row     int    // from 1, as the spreadsheet shows it (a CSV file's line); 0 for the sheet as a whole
	Column  string // the column's letter; "" for the row as a whole
	Message string // in Chinese, for the person who keeps the roster
}

// String returns the problem as a person reads it:
// "人员 第 12 行 D 列：手机号应为……".
func (p Problem) String() string {
	var place []string
	if p.Sheet != "" {
		place = append(place, p.Sheet)
	}
	if p.Row > 0 {
		place = append(place, fmt.Sprintf("第 %d 行", p.Row))
	}
	if p.Column != "" {
		place = append(place, p.Column+" 列")
	}
	if len(place) == 0 {
		return p.Message
	}
	return strings.Join(place, " ") + "：" + p.Message
}

// Problems is the error of a roster file that cannot be read or does not
// hold a valid roster: every problem found, in the order of the sheets,
// rows and columns. It is an Invalid error: fourplusn.ErrorCode reports
// Invalid and fourplusn.ErrorMessage the whole list. Read it with
// errors.As.
type Problems struct {
	List []Problem
}

// Error lists the problems, one a line, after a line that counts them.
func (p *Problems) Error() string {
	lines := make([]string, 0, len(p.List)+1)
	lines = append(lines, fmt.Sprintf("花名册有 %d 处问题：", len(p.List)))
	for _, q := range p.List {
		lines = append(lines, q.String())
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the list as an Invalid *fourplusn.Error, so that callers
// that map error codes (an HTTP adapter) treat it as bad input.
func (p *Problems) Unwrap() error {
	return &fourplusn.Error{Code: fourplusn.Invalid, Message: p.Error()}
}

// problems returns ps as an error, sorted, or nil if there are none.
func problems(ps []Problem) error {
	if len(ps) == 0 {
		return nil
	}
	rank := func(sheet string) int {
		return slices.IndexFunc(tables[:], func(t *table) bool { return t.name == sheet })
	}
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(rank(a.Sheet), rank(b.Sheet)), cmp.Compare(a.Row, b.Row),
			cmp.Compare(len(a.Column), len(b.Column)), cmp.Compare(a.Column, b.Column))
	})
	return &Problems{List: ps}
}

// fileProblem is the error of a file that cannot be read at all.
func fileProblem(format string, args ...any) error {
	return problems([]Problem{{Message: fmt.Sprintf(format, args...)}})
}
