package roster

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
)

// example is the roster of the template: one row in each table, to show
// how the rows are filled.
var example = grid.Roster{
	Cells: []grid.Spec{{ID: "gucheng", Name: "古城办事处", Level: 1}},
	Members: []grid.MemberSpec{{ID: "gc-secretary", Name: "郭某", Phone: "13800000001", Department: grid.DeptGrid,
		Posts: []grid.PostSpec{{Role: grid.GridHead, Cell: "gucheng"}}}},
}

// WriteTemplate writes the workbook a township fills in: the sheets 网格,
// 人员 and 说明, the headings, one example row in each table, drop-down
// lists of levels, departments and posts, and the heading rows frozen.
func WriteTemplate(w io.Writer) error {
	return Write(w, example, grid.DefaultTitles)
}

// Write writes r as an .xlsx workbook in the layout of the template: cells
// in the order of r.Cells, members in the order of r.Members with one row
// for each post (one with the post left empty for a member without posts).
// Levels are written as numbers, departments and posts as their titles,
// and titles name the levels in the instructions and the drop-down list's
// prompt. Read reads the workbook back as r exactly. Returns Invalid,
// having written nothing, for a department or role that has no title.
func Write(w io.Writer, r grid.Roster, titles grid.Titles) error {
	cells := make([][]any, len(r.Cells))
	for i, s := range r.Cells {
		var level any // no level is an empty cell, not a zero
		if s.Level != 0 {
			level = int(s.Level)
		}
		cells[i] = []any{string(s.ID), s.Name, level, string(s.Parent)}
	}
	var members [][]any
	for i, m := range r.Members {
		dept := m.Department.Title()
		if dept == "" {
			return fourplusn.FieldError(fmt.Sprintf("members[%d].department", i), "unknown department %d", m.Department)
		}
		person := []any{string(m.ID), m.Name, m.Phone, dept, m.Body}
		if len(m.Posts) == 0 {
			members = append(members, append(person, "", ""))
		}
		for j, p := range m.Posts {
			role := p.Role.Title()
			if role == "" {
				return fourplusn.FieldError(fmt.Sprintf("members[%d].posts[%d].role", i, j), "unknown role %d", p.Role)
			}
			members = append(members, append(person[:len(person):len(person)], role, string(p.Cell)))
		}
	}

	f := excelize.NewFile()
	defer f.Close()
	b := &book{f: f}
	b.do(f.SetSheetName(f.GetSheetName(0), cellTable.name))
	levels := make([]string, grid.MaxLevel)
	for i := range levels {
		levels[i] = fmt.Sprint(i + 1)
	}
	b.table(&cellTable, cells, []int{colCellID, colCellName, colParent})
	b.dropList(&cellTable, colLevel, levels, strings.Join(levelNames(titles), "，"))
	b.table(&memberTable, members, []int{colMemberID, colMemberName, colPhone, colDepartment, colBody, colRole, colPostCell})
	b.dropList(&memberTable, colDepartment, departmentTitles(), grid.DeptPartner.Title()+"须同时填写所属单位")
	b.dropList(&memberTable, colRole, roleTitles(), "一人有多个岗位时，每个岗位写一行")
	b.guide(titles)
	f.SetActiveSheet(0)
	if b.err != nil {
		return fmt.Errorf("roster: write the workbook: %w", b.err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("roster: write the workbook: %w", err)
	}
	return nil
}

// book writes a workbook, keeping the first error of its many steps.
type book struct {
	f   *excelize.File
	err error
}

func (b *book) do(err error) {
	if b.err == nil {
		b.err = err
	}
}

// style returns the ID of a new style.
func (b *book) style(s *excelize.Style) int {
	id, err := b.f.NewStyle(s)
	b.do(err)
	return id
}

// textFormat is the number format "@": what is typed in the column stays
// text, so that Excel turns neither a phone number into 1.38E+10 nor an ID
// such as 007 into 7.
const textFormat = 49

// table writes a table's sheet: the headings, bold and frozen, then rows,
// with the columns in text as text and each column as wide as its widest
// value.
func (b *book) table(t *table, rows [][]any, text []int) {
	f := b.f
	if i, _ := f.GetSheetIndex(t.name); i < 0 {
		_, err := f.NewSheet(t.name)
		b.do(err)
	}
	textStyle := b.style(&excelize.Style{NumFmt: textFormat})
	for _, col := range text {
		b.do(f.SetColStyle(t.name, letter(col), textStyle))
	}
	headings := make([]any, len(t.headings))
	widths := make([]int, len(t.headings))
	for i, h := range t.headings {
		headings[i] = h
		widths[i] = displayWidth(h)
	}
	b.do(f.SetSheetRow(t.name, "A1", &headings))
	for i, r := range rows {
		b.do(f.SetSheetRow(t.name, fmt.Sprintf("A%d", i+2), &r))
		for j, v := range r {
			if s, ok := v.(string); ok {
				widths[j] = max(widths[j], displayWidth(s))
			}
		}
	}
	last := letter(len(t.headings) - 1)
	heading := b.style(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center"},
	})
	b.do(f.SetCellStyle(t.name, "A1", last+"1", heading))
	for i, w := range widths {
		b.do(f.SetColWidth(t.name, letter(i), letter(i), float64(min(max(w+2, 10), 60))))
	}
	b.do(f.SetPanes(t.name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}))
}

// displayWidth returns how many columns s takes: two for a Chinese
// character, one for a Latin one.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// dropList offers items in a drop-down list in column col of t below the
// heading, with prompt shown when a cell of it is selected, and refuses
// anything else typed there.
func (b *book) dropList(t *table, col int, items []string, prompt string) {
	l := letter(col)
	dv := excelize.NewDataValidation(true)
	dv.Sqref = fmt.Sprintf("%s2:%s%d", l, l, excelize.TotalRows)
	b.do(dv.SetDropList(items))
	dv.SetInput(t.headings[col], prompt)
	dv.SetError(excelize.DataValidationErrorStyleStop, t.headings[col]+"有误", "请从下拉列表中选择："+strings.Join(items, "、"))
	b.do(b.f.AddDataValidation(t.name, dv))
}

// guide writes the sheet of instructions.
func (b *book) guide(titles grid.Titles) {
	lines := []string{
		"花名册填写说明",
		"本工作簿有三张工作表：“网格”“人员”和本说明。",
		"各表第一行是表头，请勿改动；示例行可以改写或删除，空行会被忽略。",
		"表头右侧可以另加列，读入时不看。",
		"",
		"一、网格表：每个网格一行，本" + titles[0] + "自己也是一行。",
		"网格编号：必填，由英文字母、数字和 - _ . 组成，最长 64 个字符，全县不重复，例如 gucheng、mayuan-1。",
		"网格名称：必填，最长 100 个字。",
		"层级：1–5，即 " + strings.Join(levelNames(titles), "，") + "；也可以填层级名称。",
		"上级网格编号：第 1 级留空；其他网格填上一级网格的编号，层级须正好比上级低一级。",
		"一份花名册有且只有一个第 1 级网格，即本" + titles[0] + "。",
		"",
		"二、人员表：每个岗位一行。",
		"一人有几个岗位就写几行，账号相同，姓名、手机号、部门、所属单位各行相同（后面几行也可以留空）。",
		"账号：必填，登录用，由英文字母、数字和 - _ . @ 组成，最长 64 个字符。",
		"姓名：必填，最长 100 个字。",
		"手机号：必填，11 位手机号码。",
		"部门：" + strings.Join(departmentTitles(), "、") + " 之一。",
		"所属单位：部门为 " + grid.DeptPartner.Title() + " 时必填，如 土地所、综治中心、居委会。",
		"岗位：" + strings.Join(roleTitles(), "、") + " 之一。",
		"岗位所在网格编号：须是网格表中的网格；只能在本" + titles[0] + "任职。",
		"",
		"三、读入时一次列出全部问题，注明工作表、行号和列号。",
		"有任何问题，整份花名册都不读入，改正后重新上传即可。",
		"",
		"四、也可以上传 CSV 文件（UTF-8 或 GBK 编码），两张表上下相接：",
		"先写网格表，从“" + cellTable.headings[0] + "”开头的表头行起；再写人员表，从“" + memberTable.headings[0] + "”开头的表头行起。",
	}
	f := b.f
	_, err := f.NewSheet(guideSheet)
	b.do(err)
	widest := 0
	for i, line := range lines {
		b.do(f.SetCellStr(guideSheet, fmt.Sprintf("A%d", i+1), line))
		widest = max(widest, displayWidth(line))
	}
	b.do(f.SetColWidth(guideSheet, "A", "A", float64(widest+2)))
	b.do(f.SetCellStyle(guideSheet, "A1", "A1", b.style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})))
}
