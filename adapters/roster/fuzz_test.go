package roster_test

import (
	"bytes"
	"errors"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/fourplusn/fourplusn/adapters/roster"
	"github.com/fourplusn/fourplusn/grid"
)

// The fuzz targets give Read arbitrary bytes and require that it never
// fails inside: a file is either refused with placed problems, each said,
// or read as a roster that resolves and that Write and Read give back as
// it was read.

var column = regexp.MustCompile(`^[A-G]?$`)

func checkRead(t *testing.T, data []byte) {
	r, err := roster.Read(bytes.NewReader(data))
	if err != nil {
		var ps *roster.Problems
		require.True(t, errors.As(err, &ps), "only problems, never another error: %v", err)
		require.NotEmpty(t, ps.List)
		for _, p := range ps.List {
			require.NotEmpty(t, p.Message)
			require.Contains(t, []string{"", "网格", "人员"}, p.Sheet)
			require.GreaterOrEqual(t, p.Row, 0)
			require.Regexp(t, column, p.Column)
		}
		require.Zero(t, r)
		return
	}
	_, _, problems := r.Resolve(grid.DefaultTitles)
	require.Empty(t, problems)
	var b bytes.Buffer
	require.NoError(t, roster.Write(&b, r, grid.DefaultTitles))
	again, err := roster.Read(&b)
	require.NoError(t, err)
	require.Equal(t, r, again)
}

// tablesOf returns the two tables of a workbook, to write them as CSV.
func tablesOf(t testing.TB, data []byte) file {
	x, err := excelize.OpenReader(bytes.NewReader(data))
	require.NoError(t, err)
	defer x.Close()
	var f file
	for _, s := range []struct {
		name string
		to   *sheet
	}{{"网格", &f.cells}, {"人员", &f.members}} {
		rows, err := x.GetRows(s.name)
		require.NoError(t, err)
		*s.to = rows
	}
	return f
}

func FuzzReadCSV(f *testing.F) {
	gucheng := tablesOf(f, written(f, guchengRoster(f)))
	small := smallFile()
	bad := small.clone()
	bad.cells[2][2] = "9"
	bad.members[1][5] = "村长"
	for _, seed := range [][]byte{
		gucheng.csv(f, false), gucheng.csv(f, true), small.csv(f, false), small.csv(f, true), bad.csv(f, true),
		[]byte("网格编号,网格名称,层级,上级网格编号\n"), []byte("\"\n"), []byte("账号\n网格编号\n"), {0xEF, 0xBB, 0xBF},
	} {
		f.Add(seed)
	}
	f.Fuzz(checkRead)
}

func FuzzReadXLSX(f *testing.F) {
	var template bytes.Buffer
	require.NoError(f, roster.WriteTemplate(&template))
	bad := smallFile()
	bad.cells[3][3] = "nowhere"
	for _, seed := range [][]byte{
		template.Bytes(), written(f, guchengRoster(f)), smallFile().xlsx(f), bad.xlsx(f), []byte("PK\x03\x04"),
	} {
		f.Add(seed)
	}
	f.Fuzz(checkRead)
}
