package roster_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/roster"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
)

func TestWriteReadsBackExactly(t *testing.T) {
	d := gridtest.Gucheng()
	r := guchengRoster(t)
	data := written(t, r)

	got, err := roster.Read(bytes.NewReader(data))
	require.NoError(t, err)
	assert.Equal(t, r, got)

	tree, members, err := roster.Check(bytes.NewReader(data), grid.DefaultTitles)
	require.NoError(t, err)
	below, _ := d.Tree.Descendants(gridtest.GuchengID)
	assert.Equal(t, append([]grid.Cell{d.Tree.MustCell(gridtest.GuchengID)}, below...), tree.Cells())
	var want []grid.Member
	for _, m := range d.Members {
		if m.Township == gridtest.GuchengID {
			want = append(want, m)
		}
	}
	assert.ElementsMatch(t, want, members)

	// The small roster holds a partner with a body and a member of two
	// posts, written as two rows.
	got, err = roster.Read(bytes.NewReader(written(t, smallRoster())))
	require.NoError(t, err)
	assert.Equal(t, smallRoster(), got)
}

func TestWriteRefusesWhatHasNoTitle(t *testing.T) {
	for name, edit := range map[string]func(*grid.Roster){
		"department": func(r *grid.Roster) { r.Members[0].Department = 0 },
		"role":       func(r *grid.Roster) { r.Members[1].Posts[1].Role = 42 },
	} {
		t.Run(name, func(t *testing.T) {
			r := smallRoster()
			edit(&r)
			var b bytes.Buffer
			err := roster.Write(&b, r, grid.DefaultTitles)
			assert.ErrorIs(t, err, fourplusn.Invalid)
			assert.Zero(t, b.Len(), "nothing is written")
		})
	}
}

func TestTemplate(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, roster.WriteTemplate(&b))
	data := b.Bytes()

	r, err := roster.Read(bytes.NewReader(data))
	require.NoError(t, err, "the template is a valid roster")
	require.Len(t, r.Cells, 1)
	require.Len(t, r.Members, 1)
	assert.Equal(t, grid.Level(1), r.Cells[0].Level)
	assert.Equal(t, []grid.PostSpec{{Role: grid.GridHead, Cell: r.Cells[0].ID}}, r.Members[0].Posts)

	x, err := excelize.OpenReader(bytes.NewReader(data))
	require.NoError(t, err)
	defer x.Close()
	assert.Equal(t, []string{"网格", "人员", "说明"}, x.GetSheetList())
	assert.Equal(t, 0, x.GetActiveSheetIndex())

	lists := map[string]string{}
	for _, sheet := range []string{"网格", "人员"} {
		dvs, err := x.GetDataValidations(sheet)
		require.NoError(t, err)
		for _, dv := range dvs {
			assert.Equal(t, "list", dv.Type)
			assert.True(t, dv.ShowErrorMessage && dv.ShowInputMessage, "a prompt and an error for %s", dv.Sqref)
			lists[sheet+"!"+dv.Sqref] = dv.Formula1
		}
		panes, err := x.GetPanes(sheet)
		require.NoError(t, err)
		assert.True(t, panes.Freeze, "the heading of %s is frozen", sheet)
		assert.Equal(t, 1, panes.YSplit)
		assert.Equal(t, "A2", panes.TopLeftCell)
	}
	assert.Equal(t, map[string]string{
		"网格!C2:C1048576": `"1,2,3,4,5"`,
		"人员!D2:D1048576": `"公安,司法,网格,民调,N方"`,
		"人员!F2:F1048576": `"网格长,网格员,社区民警,辅警,司法所工作人员,人民调解员,值班员,N方成员,管理员"`,
	}, lists)

	headings := map[string][]string{
		"网格": {"网格编号", "网格名称", "层级", "上级网格编号"},
		"人员": {"账号", "姓名", "手机号", "部门", "所属单位", "岗位", "岗位所在网格编号"},
	}
	for sheet, want := range headings {
		rows, err := x.GetRows(sheet)
		require.NoError(t, err)
		require.Len(t, rows, 2, "the headings and one example row")
		assert.Equal(t, want, rows[0])
		for i, h := range want {
			col, _ := excelize.ColumnNumberToName(i + 1)
			w, err := x.GetColWidth(sheet, col)
			require.NoError(t, err)
			assert.GreaterOrEqual(t, w, float64(2*len([]rune(h))), "column %s of %s fits its heading", col, sheet)
		}
	}
	// The phone column is text, so that a number typed there stays as typed.
	style, err := x.GetColStyle("人员", "C")
	require.NoError(t, err)
	s, err := x.GetStyle(style)
	require.NoError(t, err)
	assert.Equal(t, 49, s.NumFmt)

	guide, err := x.GetRows("说明")
	require.NoError(t, err)
	require.NotEmpty(t, guide)
	assert.Equal(t, "花名册填写说明", guide[0][0])
	assert.Greater(t, len(guide), 15)
}
