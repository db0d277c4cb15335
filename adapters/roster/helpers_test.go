package roster_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/fourplusn/fourplusn/adapters/roster"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
)

// sheet is a table of a roster file as a test writes it: its rows, heading
// first. A nil sheet is left out of the file.
type sheet [][]string

// file is a roster file's two tables, before they are written as a
// workbook or as CSV.
type file struct {
	cells, members sheet
}

// smallFile is a valid roster of four cells and three members, one of
// whom holds two posts.
func smallFile() file {
	return file{
		cells: sheet{
			{"网格编号", "网格名称", "层级", "上级网格编号"},
			{"gc", "古城办事处", "1", ""},
			{"gc-east", "东片区", "2", "gc"},
			{"mayuan", "马园村委", "3", "gc-east"},
			{"mayuan-1", "马园一组", "4", "mayuan"},
		},
		members: sheet{
			{"账号", "姓名", "手机号", "部门", "所属单位", "岗位", "岗位所在网格编号"},
			{"gc-secretary", "郭某", "13800000001", "网格", "", "网格长", "gc"},
			{"mayuan-police", "马园民警", "13800000002", "公安", "", "社区民警", "mayuan"},
			{"mayuan-police", "马园民警", "13800000002", "公安", "", "网格员", "mayuan-1"},
			{"gc-land", "郑某", "13800000003", "N方", "土地所", "N方成员", "gc"},
		},
	}
}

// smallRoster is the roster of smallFile.
func smallRoster() grid.Roster {
	return grid.Roster{
		Cells: []grid.Spec{
			{ID: "gc", Name: "古城办事处", Level: 1},
			{ID: "gc-east", Parent: "gc", Name: "东片区", Level: 2},
			{ID: "mayuan", Parent: "gc-east", Name: "马园村委", Level: 3},
			{ID: "mayuan-1", Parent: "mayuan", Name: "马园一组", Level: 4},
		},
		Members: []grid.MemberSpec{
			{ID: "gc-secretary", Name: "郭某", Phone: "13800000001", Department: grid.DeptGrid,
				Posts: []grid.PostSpec{{Role: grid.GridHead, Cell: "gc"}}},
			{ID: "mayuan-police", Name: "马园民警", Phone: "13800000002", Department: grid.DeptPolice,
				Posts: []grid.PostSpec{{Role: grid.CommunityPolice, Cell: "mayuan"}, {Role: grid.GridWorker, Cell: "mayuan-1"}}},
			{ID: "gc-land", Name: "郑某", Phone: "13800000003", Department: grid.DeptPartner, Body: "土地所",
				Posts: []grid.PostSpec{{Role: grid.Partner, Cell: "gc"}}},
		},
	}
}

// clone returns a deep copy of f, for a test to change.
func (f file) clone() file {
	c := func(s sheet) sheet {
		if s == nil {
			return nil
		}
		out := make(sheet, len(s))
		for i, r := range s {
			out[i] = slices.Clone(r)
		}
		return out
	}
	return file{cells: c(f.cells), members: c(f.members)}
}

// xlsx writes f as a workbook, every value as text.
func (f file) xlsx(t testing.TB) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	first := true
	for _, s := range []struct {
		name string
		rows sheet
	}{{"网格", f.cells}, {"人员", f.members}} {
		if s.rows == nil {
			continue
		}
		if first {
			require.NoError(t, x.SetSheetName("Sheet1", s.name))
			first = false
		} else {
			_, err := x.NewSheet(s.name)
			require.NoError(t, err)
		}
		for i, r := range s.rows {
			for j, v := range r {
				if v == "" {
					continue
				}
				cell, err := excelize.CoordinatesToCellName(j+1, i+1)
				require.NoError(t, err)
				require.NoError(t, x.SetCellStr(s.name, cell, v))
			}
		}
	}
	var b bytes.Buffer
	require.NoError(t, x.Write(&b))
	return b.Bytes()
}

// csv writes f as one CSV file, the cell table first, in UTF-8 with a
// byte-order mark (Excel's "CSV UTF-8") or, with gbk set, in GB18030
// (Excel's plain "CSV" on a Chinese Windows).
func (f file) csv(t testing.TB, gbk bool) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	require.NoError(t, w.WriteAll(append(slices.Clone(f.cells), f.members...)))
	if gbk {
		out, err := simplifiedchinese.GB18030.NewEncoder().Bytes(b.Bytes())
		require.NoError(t, err)
		return out
	}
	return append([]byte("\xEF\xBB\xBF"), b.Bytes()...)
}

// guchengRoster is the roster of the demo's Gucheng township.
func guchengRoster(t testing.TB) grid.Roster {
	d := gridtest.Gucheng()
	r, err := grid.RosterOf(d.Tree, gridtest.GuchengID, d.Members)
	require.NoError(t, err)
	return r
}

// written returns r written as a workbook.
func written(t testing.TB, r grid.Roster) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, roster.Write(&b, r, grid.DefaultTitles))
	return b.Bytes()
}
