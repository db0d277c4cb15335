package roster

import (
	"fmt"
	"slices"

	"github.com/xuri/excelize/v2"

	"github.com/fourplusn/fourplusn/grid"
)

// table is one of the two tables of a roster file: a sheet of a workbook,
// or a run of lines of a CSV file that starts with its heading row.
type table struct {
	name     string   // the sheet's name; in a CSV file, the table's
	headings []string // the heading row, column A onwards
	fields   []string // the grid.Problem field each column holds
}

// The tables, and the sheet of instructions a workbook carries besides.
var (
	cellTable = table{
		name:     "网格",
		headings: []string{"网格编号", "网格名称", "层级", "上级网格编号"},
		fields:   []string{"id", "name", "level", "parent"},
	}
	memberTable = table{
		name:     "人员",
		headings: []string{"账号", "姓名", "手机号", "部门", "所属单位", "岗位", "岗位所在网格编号"},
		fields:   []string{"id", "name", "phone", "department", "body", "role", "cell"},
	}
	tables = [...]*table{&cellTable, &memberTable}
)

const guideSheet = "说明"

// The columns of the tables, by index.
const (
	colCellID = iota
	colCellName
	colLevel
	colParent
)

const (
	colMemberID = iota
	colMemberName
	colPhone
	colDepartment
	colBody
	colRole
	colPostCell
)

// column returns the index of the column holding field, or -1. A member's
// missing posts are reported where the first post would be written.
func (t *table) column(field string) int {
	if field == "posts" {
		field = "role"
	}
	return slices.Index(t.fields, field)
}

// letter returns the name of column i (0 is "A"), as a spreadsheet shows it.
func letter(i int) string {
	name, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		panic(err) // the tables have a few columns; a bad index is a bug here
	}
	return name
}

// row is a non-blank row of a table: its values, trimmed, and its number
// as a person sees it (a sheet's row, a CSV file's line), from 1.
type row struct {
	n     int
	cells []string
}

// cell returns the value in column i, "" past the row's end.
func (r row) cell(i int) string {
	if i < len(r.cells) {
		return r.cells[i]
	}
	return ""
}

// levelNames returns each level with its title: "1 办事处", ….
func levelNames(titles grid.Titles) []string {
	names := make([]string, grid.MaxLevel)
	for i := range names {
		names[i] = fmt.Sprintf("%d %s", i+1, titles[i])
	}
	return names
}

// departmentTitles returns the titles of the departments, in order.
func departmentTitles() []string {
	titles := make([]string, 0, len(grid.Departments()))
	for _, d := range grid.Departments() {
		titles = append(titles, d.Title())
	}
	return titles
}

// roleTitles returns the titles of the roles, in order.
func roleTitles() []string {
	titles := make([]string, 0, len(grid.Roles()))
	for _, r := range grid.Roles() {
		titles = append(titles, r.Title())
	}
	return titles
}
