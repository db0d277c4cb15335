package grid_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
)

// BenchmarkCanWhileTheGridChanges measures what every request does with
// the grid — take the current directory and ask the policy — while another
// goroutine renames cells of the same township as fast as the service lets
// it, each change swapped in as a new directory. The readers' work must
// stay that of an unchanging grid: Can at most 100 ns and no allocation.
// "lookup" adds finding the target cell in the directory's tree.
func BenchmarkCanWhileTheGridChanges(b *testing.B) {
	tree := gridtest.RandomTree(7, 2_000, 1)
	township := tree.Roots()[0].ID
	members := gridtest.RandomMembers(7, tree, township, 10_000)
	svc, err := grid.NewService(ctx, memstore.NewGridStore(), grid.DefaultPolicy(), grid.DefaultTitles)
	require.NoError(b, err)
	require.NoError(b, svc.Found(ctx, tree, members))
	head := members[0].Actor()
	cells, _ := tree.Descendants(township)
	policy := svc.Policy()

	paths := make([]grid.Path, len(cells))
	for i, c := range cells {
		paths[i] = c.Path
	}
	for _, bench := range []struct {
		changing, lookup bool
	}{{false, false}, {true, false}, {false, true}, {true, true}} {
		changing := bench.changing
		b.Run(fmt.Sprintf("changing=%v/lookup=%v", bench.changing, bench.lookup), func(b *testing.B) {
			var changes atomic.Int64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			if changing {
				wg.Go(func() {
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						c := cells[i%len(cells)]
						if _, err := svc.RenameCell(ctx, head, c.ID, fmt.Sprintf("网格%d", i)); err != nil {
							panic(err)
						}
						changes.Add(1)
					}
				})
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				d, p := svc.Directory(), paths[i%len(paths)]
				if bench.lookup {
					c, err := d.Tree().Cell(p.Cell())
					if err != nil {
						b.Fatal(err)
					}
					p = c.Path
				}
				if policy.Can(head, grid.ManageGrid, grid.Target{Cell: p}) != nil {
					b.Fatal("the township's head may manage every cell")
				}
				i++
			}
			b.StopTimer()
			close(stop)
			wg.Wait()
			b.ReportMetric(float64(changes.Load()), "changes")
		})
	}
}
