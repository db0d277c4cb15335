package xlsx_test

import (
	"context"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/adapters/xlsx"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
)

// benchDBEnv names a database filled by examples/gendata; the benchmark
// skips without it.
const benchDBEnv = "FOURPLUSN_BENCH_DB"

// counter counts the bytes written through it.
type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// peakHeap samples the heap in use every few milliseconds until stop is
// called, and returns the largest sample.
func peakHeap() (stop func() uint64) {
	var (
		peak uint64
		wg   sync.WaitGroup
		done = make(chan struct{})
	)
	wg.Go(func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	})
	return func() uint64 { close(done); wg.Wait(); return peak }
}

// BenchmarkLargeRegister exports the register of every case of the
// generated township, a page at a time from the store, and reports the
// rows, the file's size and the peak of the heap in use while it ran:
// bounded by a page and excelize's stream buffer, not by the rows.
func BenchmarkLargeRegister(b *testing.B) {
	dsn := os.Getenv(benchDBEnv)
	if dsn == "" {
		b.Skipf("%s is not set: fill a database with go run ./examples/gendata and point it at a copy", benchDBEnv)
	}
	ctx := context.Background()
	db, err := bunstore.Open(ctx, dsn)
	require.NoError(b, err)
	b.Cleanup(func() { db.Close() })
	cells, err := db.Grid().Cells(ctx)
	require.NoError(b, err)
	var township grid.Path
	for _, c := range cells {
		if c.Level() == 1 {
			township = c.Path
		}
	}
	require.False(b, township.IsZero(), "the database holds no township")
	names := map[grid.CellID]string{}
	for _, c := range cells {
		names[c.ID] = c.Name
	}
	name := func(p grid.Path) string { return names[p.Cell()] }
	f := mediation.Filter{Township: township.Township(), Within: []grid.Path{township}}
	var rows int
	var size int64
	var peak uint64
	// The heap in use before: the store's and the test's own.
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		stop := peakHeap()
		var out counter
		rows, err = xlsx.WriteRegister(ctx, &out, db.Cases().List, f, name, time.Now())
		peak = max(peak, stop())
		require.NoError(b, err)
		size = out.n
	}
	b.ReportMetric(float64(rows), "rows")
	b.ReportMetric(float64(size)/(1<<20), "file-MB")
	b.ReportMetric(float64(before.HeapInuse)/(1<<20), "heap-before-MB")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}
