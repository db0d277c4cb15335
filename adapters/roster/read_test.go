package roster_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/roster"
	"github.com/fourplusn/fourplusn/grid"
)

// readProblems reads data and requires it to be refused with problems and
// no roster.
func readProblems(t *testing.T, data []byte) []roster.Problem {
	t.Helper()
	r, err := roster.Read(bytes.NewReader(data))
	require.Error(t, err)
	assert.Zero(t, r, "a refused file gives no roster")
	var ps *roster.Problems
	require.True(t, errors.As(err, &ps), "a *Problems error: %v", err)
	assert.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err))
	return ps.List
}

// The sheets of a roster file.
const (
	cellSheet   = "网格"
	memberSheet = "人员"
)

func TestReadReportsEveryProblem(t *testing.T) {
	const roleList = "网格长、网格员、社区民警、辅警、司法所工作人员、人民调解员、值班员、N方成员、管理员"
	tests := []struct {
		name    string
		edit    func(f *file)
		want    []roster.Problem // in the workbook
		wantCSV []roster.Problem // in the CSV file, where it differs from want other than by the member table's lines
	}{
		{
			name:    "missing sheet",
			edit:    func(f *file) { f.members = nil },
			want:    []roster.Problem{{Message: "缺少工作表“人员”"}},
			wantCSV: []roster.Problem{{Message: "缺少“人员”表：应有一行以“账号”开头的表头行"}},
		},
		{
			name: "wrong headings",
			edit: func(f *file) {
				f.cells[0][1] = "名称"
				f.members[0] = f.members[0][:6]
			},
			want: []roster.Problem{
				{Sheet: cellSheet, Row: 1, Column: "B", Message: "表头应为“网格名称”，“名称”不是"},
				{Sheet: memberSheet, Row: 1, Column: "G", Message: "表头应为“岗位所在网格编号”，此处为空"},
			},
		},
		{
			name: "unknown role",
			edit: func(f *file) { f.members[2][5] = "村长" },
			want: []roster.Problem{{Sheet: memberSheet, Row: 3, Column: "F", Message: "岗位应为 " + roleList + " 之一，“村长”不是"}},
		},
		{
			name: "skipped level",
			edit: func(f *file) { f.cells[4][2] = "5" },
			want: []roster.Problem{{Sheet: cellSheet, Row: 5, Column: "C", Message: "上级网格“mayuan”是第 3 级，本网格应为第 4 级，不是第 5 级"}},
		},
		{
			name: "orphan",
			edit: func(f *file) { f.cells[3][3] = "gc-west" },
			want: []roster.Problem{{Sheet: cellSheet, Row: 4, Column: "D", Message: "上级网格“gc-west”不在网格表中"}},
		},
		{
			name: "duplicate ID",
			edit: func(f *file) { f.cells = append(f.cells, []string{"mayuan", "又一个马园", "3", "gc-east"}) },
			want: []roster.Problem{{Sheet: cellSheet, Row: 6, Column: "A", Message: "网格编号“mayuan”与第 4 行重复"}},
		},
		{
			name: "bad phone",
			edit: func(f *file) { f.members[1][2] = "1380000" },
			want: []roster.Problem{{Sheet: memberSheet, Row: 2, Column: "C", Message: "手机号应为 11 位手机号码（1 开头，第二位是 3–9），“1380000”不是"}},
		},
		{
			name: "two townships",
			edit: func(f *file) { f.cells = append(f.cells, []string{"lz", "邻镇办事处", "1", ""}) },
			want: []roster.Problem{{Sheet: cellSheet, Row: 6, Column: "C", Message: "一份花名册只能有一个第 1 级网格（办事处），第 2 行已有“gc”"}},
		},
		{
			name: "a member posted in another township",
			edit: func(f *file) { f.members[4][6] = "lz-qiaotou" },
			want: []roster.Problem{{Sheet: memberSheet, Row: 5, Column: "G", Message: "岗位所在网格“lz-qiaotou”不在网格表中：只能在本办事处的网格任职"}},
		},
		{
			name: "no township",
			edit: func(f *file) { f.cells[1][2] = "2" },
			want: []roster.Problem{
				{Sheet: cellSheet, Message: "没有第 1 级网格（办事处）：一份花名册有且只有一个"},
				{Sheet: cellSheet, Row: 2, Column: "D", Message: "第 2 级网格须填写上级网格编号"},
				{Sheet: cellSheet, Row: 3, Column: "C", Message: "上级网格“gc”是第 2 级，本网格应为第 3 级，不是第 2 级"},
			},
		},
		{
			name: "a level by its title, and one that is none",
			edit: func(f *file) {
				f.cells[2][2] = "片区"
				f.cells[3][2] = "村"
			},
			want: []roster.Problem{{Sheet: cellSheet, Row: 4, Column: "C",
				Message: "层级应为 1–5 或层级名称（1 办事处，2 片区，3 社区·村委，4 村民组·楼栋，5 户·家族），“村”不是"}},
		},
		{
			name: "the rows of a member disagree",
			edit: func(f *file) {
				f.members[3][1] = "马园警官"
				f.members[3][3] = "司法"
			},
			want: []roster.Problem{
				{Sheet: memberSheet, Row: 4, Column: "B", Message: "同一账号的各行应一致：第 3 行的姓名是“马园民警”，这里是“马园警官”"},
				{Sheet: memberSheet, Row: 4, Column: "D", Message: "同一账号的各行应一致：第 3 行的部门是“公安”，这里是“司法”"},
			},
			wantCSV: []roster.Problem{
				{Sheet: memberSheet, Row: 9, Column: "B", Message: "同一账号的各行应一致：第 8 行的姓名是“马园民警”，这里是“马园警官”"},
				{Sheet: memberSheet, Row: 9, Column: "D", Message: "同一账号的各行应一致：第 8 行的部门是“公安”，这里是“司法”"},
			},
		},
		{
			name: "unknown department, partner without body",
			edit: func(f *file) {
				f.members[1][3] = "军队"
				f.members[4][4] = ""
			},
			want: []roster.Problem{
				{Sheet: memberSheet, Row: 2, Column: "D", Message: "部门应为 公安、司法、网格、民调、N方 之一，“军队”不是"},
				{Sheet: memberSheet, Row: 5, Column: "E", Message: "部门为“N方”的人员须填写所属单位，如 土地所、居委会"},
			},
		},
		{
			name: "required values, a long name, a bad account, a township with a parent",
			edit: func(f *file) {
				f.cells[1][3] = "gc-east"
				f.cells[2][1] = strings.Repeat("长", 101)
				f.cells[3][2] = ""
				f.members[1][0] = "郭某"
				f.members[2][5] = ""
				f.members[4][6] = ""
			},
			want: []roster.Problem{
				{Sheet: cellSheet, Row: 2, Column: "D", Message: "第 1 级网格（办事处）没有上级网格，“gc-east”应留空"},
				{Sheet: cellSheet, Row: 3, Column: "B", Message: "网格名称最长 100 个字，这里有 101 个"},
				{Sheet: cellSheet, Row: 4, Column: "C", Message: "层级不能为空"},
				{Sheet: memberSheet, Row: 2, Column: "A", Message: "账号只能由英文字母、数字和 - _ . @ 组成，最长 64 个字符，“郭某”不是"},
				{Sheet: memberSheet, Row: 3, Column: "F", Message: "岗位不能为空"},
				{Sheet: memberSheet, Row: 5, Column: "G", Message: "岗位所在网格编号不能为空"},
			},
		},
		{
			name:    "a post listed twice",
			edit:    func(f *file) { f.members = append(f.members, f.members[2]) },
			want:    []roster.Problem{{Sheet: memberSheet, Row: 6, Column: "F", Message: "岗位“社区民警”在网格“mayuan”重复，第 3 行已有"}},
			wantCSV: []roster.Problem{{Sheet: memberSheet, Row: 11, Column: "F", Message: "岗位“社区民警”在网格“mayuan”重复，第 8 行已有"}},
		},
		{
			name: "control characters, which a workbook cannot keep",
			edit: func(f *file) {
				f.cells[2][1] = "东\t片区"
				f.members[1][1] = "郭\r\n某"
			},
			want: []roster.Problem{
				{Sheet: cellSheet, Row: 3, Column: "B", Message: "网格名称中有换行、制表符等不可见的控制字符，请删去"},
				{Sheet: memberSheet, Row: 2, Column: "B", Message: "姓名中有换行、制表符等不可见的控制字符，请删去"},
			},
		},
		{
			name: "every problem at once",
			edit: func(f *file) {
				f.cells[2][0] = "gc east"
				f.cells[4][2] = "5"
				f.cells = append(f.cells, []string{"x", "", "3", "nowhere"})
				f.members[1][2] = "1380000"
				f.members[2][5] = "村长"
				f.members[4][1] = ""
				f.members = append(f.members, []string{"gc-new", "新人", "13800000009", "网格"})
			},
			want: []roster.Problem{
				{Sheet: cellSheet, Row: 3, Column: "A", Message: "网格编号只能由英文字母、数字和 - _ . 组成，最长 64 个字符，“gc east”不是"},
				{Sheet: cellSheet, Row: 4, Column: "D", Message: "上级网格“gc-east”不在网格表中"},
				{Sheet: cellSheet, Row: 5, Column: "C", Message: "上级网格“mayuan”是第 3 级，本网格应为第 4 级，不是第 5 级"},
				{Sheet: cellSheet, Row: 6, Column: "B", Message: "网格名称不能为空"},
				{Sheet: cellSheet, Row: 6, Column: "D", Message: "上级网格“nowhere”不在网格表中"},
				{Sheet: memberSheet, Row: 2, Column: "C", Message: "手机号应为 11 位手机号码（1 开头，第二位是 3–9），“1380000”不是"},
				{Sheet: memberSheet, Row: 3, Column: "F", Message: "岗位应为 " + roleList + " 之一，“村长”不是"},
				{Sheet: memberSheet, Row: 5, Column: "B", Message: "姓名不能为空"},
				{Sheet: memberSheet, Row: 6, Column: "F", Message: "每人至少要有一个岗位：请填写岗位和岗位所在网格编号"},
			},
		},
	}
	for _, tc := range tests {
		f := smallFile()
		tc.edit(&f)
		t.Run(tc.name+"/xlsx", func(t *testing.T) {
			assert.Equal(t, tc.want, readProblems(t, f.xlsx(t)))
		})
		// In a CSV file the member table follows the cell table, so its
		// rows are lines further down.
		want := tc.wantCSV
		if want == nil {
			for _, p := range tc.want {
				if p.Sheet == memberSheet && p.Row > 0 {
					p.Row += len(f.cells)
				}
				want = append(want, p)
			}
		}
		for _, gbk := range []bool{false, true} {
			name := map[bool]string{false: "/csv-utf8", true: "/csv-gb18030"}[gbk]
			t.Run(tc.name+name, func(t *testing.T) {
				assert.Equal(t, want, readProblems(t, f.csv(t, gbk)))
			})
		}
	}
}

func TestReadAcceptsWhatExcelSaves(t *testing.T) {
	f := smallFile()
	f.cells[0] = append(f.cells[0], "备注") // an extra column is ignored
	f.cells[1] = append(f.cells[1], "本办事处")
	f.cells = slices.Insert(f.cells, 3, []string{"", "  ", ""}) // a blank row is skipped
	f.cells[1][1] = " 古城办事处\u3000"                              // values are trimmed
	f.members[3][1], f.members[3][2] = "", ""                   // as a merged cell reads
	f.members[2][2] = "138-0000-0002"                           // the same number written otherwise
	f.members[2][3] = "police"                                  // a stable name for a title
	want := smallRoster()
	want.Members[1].Phone = "138-0000-0002"

	for name, data := range map[string][]byte{
		"xlsx":           f.xlsx(t),
		"csv-utf8":       f.csv(t, false),
		"csv-gb18030":    f.csv(t, true),
		"csv-utf8-nobom": bytes.TrimPrefix(f.csv(t, false), []byte("\xEF\xBB\xBF")),
	} {
		t.Run(name, func(t *testing.T) {
			got, err := roster.Read(bytes.NewReader(data))
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
}

// Excel stores what is typed as a number as a number: a phone number
// typed without a leading apostrophe, a level, a numeric cell ID. Read
// takes the stored number, not its display, and writes it out in full.
func TestReadNumbersTypedAsNumbers(t *testing.T) {
	x, err := excelize.OpenReader(bytes.NewReader(smallFile().xlsx(t)))
	require.NoError(t, err)
	defer x.Close()
	sci, err := x.NewStyle(&excelize.Style{NumFmt: 11}) // 0.00E+00: shown as 1.38E+10
	require.NoError(t, err)
	require.NoError(t, x.SetCellInt("网格", "C2", 1))
	require.NoError(t, x.SetCellInt("人员", "C2", 13800000001))
	require.NoError(t, x.SetCellStyle("人员", "C2", "C2", sci))
	require.NoError(t, x.SetCellDefault("人员", "C3", "1.3800000002E10")) // as some programs store it
	require.NoError(t, x.SetCellDefault("人员", "C4", "13800000002.0"))
	require.NoError(t, x.SetCellStr("人员", "C5", "1.3800000003E10")) // text stays text, and is no phone
	var b bytes.Buffer
	require.NoError(t, x.Write(&b))

	ps := readProblems(t, b.Bytes())
	assert.Equal(t, []roster.Problem{{Sheet: memberSheet, Row: 5, Column: "C", Message: "手机号应为 11 位手机号码（1 开头，第二位是 3–9），“1.3800000003E10”不是"}}, ps)

	require.NoError(t, x.SetCellStr("人员", "C5", "13800000003"))
	b.Reset()
	require.NoError(t, x.Write(&b))
	got, err := roster.Read(&b)
	require.NoError(t, err)
	assert.Equal(t, smallRoster(), got)
}

func TestReadRefusesFilesThatAreNoRoster(t *testing.T) {
	var other bytes.Buffer
	z := zip.NewWriter(&other)
	w, err := z.Create("word/document.xml")
	require.NoError(t, err)
	_, err = w.Write([]byte("<w:document/>"))
	require.NoError(t, err)
	require.NoError(t, z.Close())

	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"an empty file", nil, "文件是空的"},
		{"blank lines only", []byte("\xEF\xBB\xBF\r\n \r\n"), "文件是空的"},
		{"a zip of something else", other.Bytes(), "文件是压缩包，但不是 Excel 工作簿（.xlsx）"},
		{"a damaged zip", []byte("PK\x03\x04 no more"), "文件已损坏，无法作为 Excel 工作簿（.xlsx）读取"},
		{"an old .xls workbook", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), "这是旧版 .xls 或加密的工作簿，无法读取：请在 Excel 中另存为不加密的 .xlsx 工作簿"},
		{"UTF-8 by its mark, but not in its text", []byte("\xEF\xBB\xBF网格编号,\xe7"), "文件标明是 UTF-8 编码，其中却有不是 UTF-8 的文字：请重新保存为 UTF-8 或 GBK 编码的 CSV 文件"},
		{"a binary file", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "文件既不是 Excel 工作簿（.xlsx），也不是 CSV 文本文件"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, []roster.Problem{{Message: tc.want}}, readProblems(t, tc.data))
		})
	}
}

// countingReader yields n bytes of a CSV-looking text, counting what is
// read, so that a 50 MB file is never held in the test.
type countingReader struct {
	n, read int64
}

func (r *countingReader) Read(p []byte) (int, error) {
	if r.read >= r.n {
		return 0, io.EOF
	}
	const line = "gc,古城,1,\n"
	k := min(int64(len(p)), r.n-r.read)
	for i := range k {
		p[i] = line[(r.read+i)%int64(len(line))]
	}
	r.read += k
	return int(k), nil
}

func TestReadRefusesAFileOverMaxSize(t *testing.T) {
	r := &countingReader{n: 50 << 20}
	_, err := roster.Read(r)
	var ps *roster.Problems
	require.True(t, errors.As(err, &ps))
	assert.Equal(t, []roster.Problem{{Message: "文件超过 20 MB，不予读取；一个办事处的花名册远小于此"}}, ps.List)
	assert.LessOrEqual(t, r.read, int64(roster.MaxSize+1), "the file is not read whole")
}

func TestReadCSVTables(t *testing.T) {
	lines := func(s ...string) []byte { return []byte(strings.Join(s, "\r\n")) }
	cells := []string{"网格编号,网格名称,层级,上级网格编号", "gc,古城办事处,1,"}
	members := []string{"账号,姓名,手机号,部门,所属单位,岗位,岗位所在网格编号", "gc-secretary,郭某,13800000001,网格,,网格长,gc"}
	tests := []struct {
		name string
		data []byte
		want []roster.Problem
	}{
		{
			name: "a line before the first heading",
			data: lines(append(append([]string{"古城办事处花名册,,,"}, cells...), members...)...),
			want: []roster.Problem{{Row: 1, Message: "此行在表头行之前，不知属于哪张表：网格表从“网格编号”开头的表头行起，人员表从“账号”开头的表头行起"}},
		},
		{
			name: "a table's heading twice",
			data: lines(append(append(cells, members...), cells[0], "gc-1,一组,2,gc")...),
			want: []roster.Problem{{Row: 5, Message: "“网格”表的表头行只能有一行"}},
		},
		{
			name: "the member table first, and no cell table",
			data: lines(members...),
			want: []roster.Problem{{Message: "缺少“网格”表：应有一行以“网格编号”开头的表头行"}},
		},
		{
			name: "a quote left open",
			data: lines(append(cells, `gc-1,"一组,2,gc`)...),
			want: []roster.Problem{{Row: 3, Message: "CSV 格式有误：引号不成对"}},
		},
		{
			name: "a quote inside a field",
			data: lines(append(cells, `gc-1,一"组,2,gc`)...),
			want: []roster.Problem{{Row: 3, Message: "CSV 格式有误：未加引号的字段中有引号"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, readProblems(t, tc.data))
		})
	}
	// The tables may come in either order.
	r, err := roster.Read(bytes.NewReader(lines(append(members, cells...)...)))
	require.NoError(t, err)
	assert.Len(t, r.Members, 1)
}

func TestProblemsError(t *testing.T) {
	f := smallFile()
	f.members[1][2] = "1380000"
	f.cells[0][0] = "编号"
	_, err := roster.Read(bytes.NewReader(f.xlsx(t)))
	require.Error(t, err)
	assert.Equal(t, "花名册有 1 处问题：\n网格 第 1 行 A 列：表头应为“网格编号”，“编号”不是", err.Error())
	assert.Equal(t, err.Error(), fourplusn.ErrorMessage(err), "the whole list is safe to show")
	assert.ErrorIs(t, err, fourplusn.Invalid)
	assert.Equal(t, "第 3 行：CSV 格式有误", roster.Problem{Row: 3, Message: "CSV 格式有误"}.String())
	assert.Equal(t, "网格：没有表头行", roster.Problem{Sheet: "网格", Message: "没有表头行"}.String())
}

func TestCheckBuildsTheTownship(t *testing.T) {
	titles := grid.Titles{"街道", "片", "社区", "小区", "楼栋"}
	f := smallFile()
	f.cells[4][2] = "小区" // the township's own title reads as its level
	tree, members, err := roster.Check(bytes.NewReader(f.xlsx(t)), titles)
	require.NoError(t, err)
	assert.Equal(t, titles, tree.Titles())
	assert.Equal(t, "/gc/gc-east/mayuan/mayuan-1", tree.MustCell("mayuan-1").Path.String())
	require.Len(t, members, 3)
	assert.Equal(t, grid.CellID("gc"), members[1].Township)
	assert.Equal(t, []grid.Post{{Role: grid.CommunityPolice, Cell: tree.MustCell("mayuan").Path}, {Role: grid.GridWorker, Cell: tree.MustCell("mayuan-1").Path}}, members[1].Posts)

	f.cells[4][2] = "村民组·楼栋" // and so does the default title
	_, _, err = roster.Check(bytes.NewReader(f.xlsx(t)), titles)
	require.NoError(t, err)

	f.members[1][2] = "1380000"
	tree, members, err = roster.Check(bytes.NewReader(f.xlsx(t)), titles)
	assert.Error(t, err)
	assert.Nil(t, tree)
	assert.Nil(t, members)
}
