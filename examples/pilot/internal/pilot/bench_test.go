package pilot_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/roster"
	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
)

// BenchmarkSetUpFromRoster sets a township of 2,000 cells and 10,000
// members up from its roster workbook, as the setup page and the init
// command do, on a fresh SQLite file each time: the workbook read and
// checked, the grid founded with its administration log, and an account
// with a one-time password made for every member.
func BenchmarkSetUpFromRoster(b *testing.B) {
	tree := gridtest.RandomTree(7, 2_000, 1)
	township := tree.Roots()[0].ID
	r, err := grid.RosterOf(tree, township, gridtest.RandomMembers(7, tree, township, 10_000))
	require.NoError(b, err)
	var file bytes.Buffer
	require.NoError(b, roster.Write(&file, r, grid.DefaultTitles))
	b.SetBytes(int64(file.Len()))
	b.ReportAllocs()
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		app, _, err := pilot.Open(ctx, filepath.Join(b.TempDir(), "pilot.db"), slog.New(slog.NewTextHandler(io.Discard, nil)), pilot.Options{})
		require.NoError(b, err)
		b.StartTimer()
		t, members, err := roster.Check(bytes.NewReader(file.Bytes()), grid.DefaultTitles)
		require.NoError(b, err)
		otps, err := app.SetUp(ctx, t, members)
		require.NoError(b, err)
		require.Len(b, otps, 10_000)
		b.StopTimer()
		require.NoError(b, app.Close())
		b.StartTimer()
	}
}
