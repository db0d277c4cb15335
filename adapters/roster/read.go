package roster

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
)

// MaxSize is the size of the largest file Read accepts, in bytes. A
// township's roster of a few thousand cells and staff is well under a
// megabyte; a larger file is refused after reading MaxSize bytes of it.
const MaxSize = 20 << 20

var (
	zipMagic = []byte("PK\x03\x04")
	// The compound file of an .xls workbook, or of an encrypted .xlsx one.
	cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	utf8BOM  = []byte{0xEF, 0xBB, 0xBF}
)

// Read reads a roster file, an .xlsx workbook or a CSV file told apart by
// their content, and checks it as a whole. A roster with any problem, the
// file's or the grid's (grid.Roster.Resolve), is refused with a *Problems
// error holding them all, placed by sheet, row and column; only an error in
// reading r itself is of another kind. Levels may be given by number or by
// their titles in grid.DefaultTitles.
func Read(r io.Reader) (grid.Roster, error) {
	roster, _, _, err := read(r, grid.DefaultTitles)
	return roster, err
}

// Check reads a roster file as Read does, and returns the township's tree,
// built with titles, and its members: what the grid is loaded with. Levels
// may also be given by the titles given.
func Check(r io.Reader, titles grid.Titles) (*grid.Tree, []grid.Member, error) {
	_, tree, members, err := read(r, titles)
	return tree, members, err
}

func read(r io.Reader, titles grid.Titles) (grid.Roster, *grid.Tree, []grid.Member, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return grid.Roster{}, nil, nil, fmt.Errorf("roster: read the file: %w", err)
	}
	var rows [len(tables)][]row
	switch {
	case len(data) > MaxSize:
		err = fileProblem("文件超过 %d MB，不予读取；一个办事处的花名册远小于此", MaxSize>>20)
	case len(bytes.TrimSpace(bytes.TrimPrefix(data, utf8BOM))) == 0:
		err = fileProblem("文件是空的")
	case bytes.HasPrefix(data, zipMagic):
		rows, err = readWorkbook(data)
	case bytes.HasPrefix(data, cfbMagic):
		err = fileProblem("这是旧版 .xls 或加密的工作簿，无法读取：请在 Excel 中另存为不加密的 .xlsx 工作簿")
	default:
		rows, err = readCSV(data)
	}
	if err == nil {
		rows, err = bodies(rows)
	}
	if err != nil {
		return grid.Roster{}, nil, nil, err
	}
	p := &parse{titles: titles}
	for i, t := range tables {
		p.scan(t, rows[i])
	}
	p.readCells(rows[0])
	p.readMembers(rows[1])
	tree, members, found := p.roster.Resolve(titles)
	p.place(found)
	if err := problems(p.problems); err != nil {
		return grid.Roster{}, nil, nil, err
	}
	return p.roster, tree, members, nil
}

// body checks the heading row of a table, the first of rows, and returns
// the rows below it; or the problems of the heading.
func (t *table) body(rows []row) ([]row, []Problem) {
	if len(rows) == 0 {
		return nil, []Problem{{Sheet: t.name, Message: "没有表头行：第一行应为 " + strings.Join(t.headings, "、")}}
	}
	var ps []Problem
	for i, want := range t.headings {
		got := rows[0].cell(i)
		if got == want {
			continue
		}
		msg := fmt.Sprintf("表头应为“%s”，“%s”不是", want, got)
		if got == "" {
			msg = fmt.Sprintf("表头应为“%s”，此处为空", want)
		}
		ps = append(ps, Problem{Sheet: t.name, Row: rows[0].n, Column: letter(i), Message: msg})
	}
	return rows[1:], ps
}

// bodies checks the heading rows of both tables and returns their bodies,
// or the problems of the headings: a table with wrong headings cannot be
// read, and reading the other alone would report its every link to the
// first as a fault.
func bodies(rows [len(tables)][]row) ([len(tables)][]row, error) {
	var all []Problem
	for i, t := range tables {
		body, ps := t.body(rows[i])
		rows[i] = body
		all = append(all, ps...)
	}
	return rows, problems(all)
}

// parse turns the rows of the two tables into a roster, keeping where each
// value came from to place the roster's problems.
type parse struct {
	titles   grid.Titles
	roster   grid.Roster
	cellRows []int     // the row of each cell
	members  []rowsOf  // the rows of each member
	problems []Problem // the file's problems, then the roster's
}

// rowsOf tells where a member's values came from.
type rowsOf struct {
	given [colBody + 1]string // the values of the member's columns, as first given
	at    [colBody + 1]int    // the row each value came from: the first row giving it
	posts []int               // the row of each post
}

func (p *parse) problem(t *table, row, col int, format string, args ...any) {
	p.problems = append(p.problems, Problem{Sheet: t.name, Row: row, Column: letter(col), Message: fmt.Sprintf(format, args...)})
}

// scan finds the values of t that hold a control character (a line break
// typed into a cell, a stray byte of a CSV file) or a noncharacter: a
// workbook cannot keep them, so such a roster could not be written back.
func (p *parse) scan(t *table, rows []row) {
	for _, r := range rows {
		for col := range t.headings {
			if strings.IndexFunc(r.cell(col), func(c rune) bool { return unicode.IsControl(c) || c == 0xFFFE || c == 0xFFFF }) >= 0 {
				p.problem(t, r.n, col, "%s中有换行、制表符等不可见的控制字符，请删去", t.headings[col])
			}
		}
	}
}

func (p *parse) readCells(rows []row) {
	for _, r := range rows {
		s := grid.Spec{ID: grid.CellID(r.cell(colCellID)), Name: r.cell(colCellName), Parent: grid.CellID(r.cell(colParent))}
		if text := r.cell(colLevel); text != "" {
			if l, ok := p.level(text); ok {
				s.Level = l
			} else {
				p.problem(&cellTable, r.n, colLevel, "%s", p.badLevel(text))
			}
		}
		p.roster.Cells = append(p.roster.Cells, s)
		p.cellRows = append(p.cellRows, r.n)
	}
}

// level reads a level: its number, or its title in p.titles or the default
// titles.
func (p *parse) level(s string) (grid.Level, bool) {
	for l := grid.Level(1); l <= grid.MaxLevel; l++ {
		if s == strconv.Itoa(int(l)) || s == p.titles.Title(l) || s == grid.DefaultTitles.Title(l) {
			return l, true
		}
	}
	return 0, false
}

func (p *parse) badLevel(s string) string {
	return fmt.Sprintf("层级应为 1–%d 或层级名称（%s），“%s”不是", grid.MaxLevel, strings.Join(levelNames(p.titles), "，"), s)
}

// readMembers reads the member table, one row per post: the rows of one account
// are one member, whose name, phone, department and body are the first
// given among them; a later row may leave them empty (as merged cells read)
// or repeat them, and one that gives another value is at fault. Rows with
// no account each stand alone, for the roster's check to report.
func (p *parse) readMembers(rows []row) {
	byID := map[string]int{}
	for _, r := range rows {
		id := r.cell(colMemberID)
		i, ok := byID[id]
		if !ok || id == "" {
			i = len(p.members)
			if id != "" {
				byID[id] = i
			}
			p.roster.Members = append(p.roster.Members, grid.MemberSpec{ID: grid.MemberID(id)})
			p.members = append(p.members, rowsOf{})
			p.members[i].at[colMemberID] = r.n
		}
		m := &p.members[i]
		for col := colMemberName; col <= colBody; col++ {
			v := r.cell(col)
			switch {
			case v == "":
			case m.given[col] == "":
				m.given[col], m.at[col] = v, r.n
			case !same(col, m.given[col], v):
				p.problem(&memberTable, r.n, col, "同一账号的各行应一致：第 %d 行的%s是“%s”，这里是“%s”",
					m.at[col], memberTable.headings[col], m.given[col], v)
			}
		}
		role, cell := r.cell(colRole), r.cell(colPostCell)
		if role == "" && cell == "" {
			continue
		}
		post := grid.PostSpec{Cell: grid.CellID(cell)}
		if role != "" {
			var known bool
			if post.Role, known = parseRole(role); !known {
				p.problem(&memberTable, r.n, colRole, "%s", badRole(role))
			}
		}
		spec := &p.roster.Members[i]
		spec.Posts = append(spec.Posts, post)
		m.posts = append(m.posts, r.n)
	}
	for i, m := range p.members {
		spec := &p.roster.Members[i]
		spec.Name, spec.Phone, spec.Body = m.given[colMemberName], m.given[colPhone], m.given[colBody]
		for col := colMemberName; col <= colBody; col++ {
			if m.at[col] == 0 {
				m.at[col] = m.at[colMemberID] // an empty value is at fault on the member's first row
			}
		}
		p.members[i] = m
		if text := m.given[colDepartment]; text != "" {
			var ok bool
			if spec.Department, ok = parseDepartment(text); !ok {
				p.problem(&memberTable, m.at[colDepartment], colDepartment, "%s", badDepartment(text))
			}
		}
	}
}

// same reports whether two rows of a member give the same value in col:
// the same text, or the same phone number or department written another way.
func same(col int, a, b string) bool {
	switch col {
	case colPhone:
		pa, errA := fourplusn.ParsePhone(a)
		pb, errB := fourplusn.ParsePhone(b)
		return a == b || errA == nil && errB == nil && pa == pb
	case colDepartment:
		da, okA := parseDepartment(a)
		db, okB := parseDepartment(b)
		return a == b || okA && okB && da == db
	}
	return a == b
}

func parseRole(s string) (grid.Role, bool) {
	r, err := grid.ParseRoleTitle(s)
	return r, err == nil
}

func parseDepartment(s string) (grid.Department, bool) {
	d, err := grid.ParseDepartmentTitle(s)
	return d, err == nil
}

func badRole(s string) string {
	return fmt.Sprintf("岗位应为 %s 之一，“%s”不是", strings.Join(roleTitles(), "、"), s)
}

func badDepartment(s string) string {
	return fmt.Sprintf("部门应为 %s 之一，“%s”不是", strings.Join(departmentTitles(), "、"), s)
}

// place adds the roster's problems, placed in the file and said in
// Chinese. A cell the file already found at fault (an unknown role title
// reads as no role) is not reported again.
func (p *parse) place(found []grid.Problem) {
	type at struct {
		sheet  string
		row    int
		column string
	}
	seen := make(map[at]bool, len(p.problems))
	for _, q := range p.problems {
		seen[at{q.Sheet, q.Row, q.Column}] = true
	}
	for _, gp := range found {
		q := p.where(gp)
		if seen[at{q.Sheet, q.Row, q.Column}] {
			continue
		}
		q.Message = p.say(gp)
		p.problems = append(p.problems, q)
	}
}

// tableOf returns the table that holds a list of a roster.
func tableOf(sheet grid.Sheet) *table {
	if sheet == grid.CellSheet {
		return &cellTable
	}
	return &memberTable
}

// where places a problem of the roster in the file.
func (p *parse) where(gp grid.Problem) Problem {
	t := tableOf(gp.Sheet)
	q := Problem{Sheet: t.name}
	if gp.Index < 0 {
		return q
	}
	col := t.column(gp.Field)
	q.Column = letter(col)
	switch {
	case gp.Sheet == grid.CellSheet:
		q.Row = p.cellRows[gp.Index]
	case gp.Post >= 0:
		q.Row = p.members[gp.Index].posts[gp.Post]
	case col <= colBody:
		q.Row = p.members[gp.Index].at[col]
	default: // the member's posts as a whole
		q.Row = p.members[gp.Index].at[colMemberID]
	}
	return q
}

// rowOf returns the row of the cell or member at index, given in decimal
// as a problem's Other.
func (p *parse) rowOf(sheet grid.Sheet, index string) int {
	i := atoi(index)
	if sheet == grid.CellSheet {
		return p.cellRows[i]
	}
	return p.members[i].at[colMemberID]
}

// say words a problem of the roster in Chinese.
func (p *parse) say(gp grid.Problem) string {
	t := tableOf(gp.Sheet)
	label := ""
	if col := t.column(gp.Field); col >= 0 {
		label = t.headings[col]
	}
	township := p.titles.Title(1)
	switch gp.Rule {
	case grid.RuleRequired:
		return label + "不能为空"
	case grid.RuleBadID:
		if gp.Sheet == grid.CellSheet {
			return fmt.Sprintf("网格编号只能由英文字母、数字和 - _ . 组成，最长 64 个字符，“%s”不是", gp.Value)
		}
		return fmt.Sprintf("账号只能由英文字母、数字和 - _ . @ 组成，最长 64 个字符，“%s”不是", gp.Value)
	case grid.RuleTooLong:
		return fmt.Sprintf("%s最长 %s 个字，这里有 %d 个", label, gp.Other, len([]rune(gp.Value)))
	case grid.RuleDuplicateID:
		return fmt.Sprintf("%s“%s”与第 %d 行重复", label, gp.Value, p.rowOf(gp.Sheet, gp.Other))
	case grid.RuleBadLevel:
		return p.badLevel(gp.Value)
	case grid.RuleNoTownship:
		return fmt.Sprintf("没有第 1 级网格（%s）：一份花名册有且只有一个", township)
	case grid.RuleTwoTownships:
		first := p.roster.Cells[atoi(gp.Other)].ID
		return fmt.Sprintf("一份花名册只能有一个第 1 级网格（%s），第 %d 行已有“%s”", township, p.rowOf(gp.Sheet, gp.Other), first)
	case grid.RuleTownshipWithParent:
		return fmt.Sprintf("第 1 级网格（%s）没有上级网格，“%s”应留空", township, gp.Value)
	case grid.RuleNoParent:
		return fmt.Sprintf("第 %s 级网格须填写上级网格编号", gp.Other)
	case grid.RuleOrphan:
		return fmt.Sprintf("上级网格“%s”不在网格表中", gp.Value)
	case grid.RuleSkippedLevel:
		parent := p.roster.Cells[gp.Index].Parent
		return fmt.Sprintf("上级网格“%s”是第 %s 级，本网格应为第 %d 级，不是第 %s 级", parent, gp.Other, atoi(gp.Other)+1, gp.Value)
	case grid.RuleBadPhone:
		return fmt.Sprintf("手机号应为 11 位手机号码（1 开头，第二位是 3–9），“%s”不是", gp.Value)
	case grid.RuleUnknownDepartment:
		return badDepartment(gp.Value)
	case grid.RulePartnerWithoutBody:
		return fmt.Sprintf("部门为“%s”的人员须填写所属单位，如 土地所、居委会", grid.DeptPartner.Title())
	case grid.RuleNoPosts:
		return "每人至少要有一个岗位：请填写岗位和岗位所在网格编号"
	case grid.RulePostOutsideRoster:
		return fmt.Sprintf("岗位所在网格“%s”不在网格表中：只能在本%s的网格任职", gp.Value, township)
	case grid.RuleDuplicatePost:
		post := p.roster.Members[gp.Index].Posts[gp.Post]
		first := p.members[gp.Index].posts[atoi(gp.Other)]
		return fmt.Sprintf("岗位“%s”在网格“%s”重复，第 %d 行已有", post.Role.Title(), post.Cell, first)
	case grid.RuleUnknownRole:
		return badRole(gp.Value)
	case grid.RuleBadText:
		return label + "含有控制字符或看不见的格式字符，请删去后重新填写"
	}
	return label + "有误"
}

// atoi reads an index or a level that grid.Resolve wrote in decimal.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
