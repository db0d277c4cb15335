package notify_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/adapters/notify"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// BenchmarkRegister measures what writing the outbox in a change's
// transaction costs a registration on SQLite: without and with it.
func BenchmarkRegister(b *testing.B) {
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("outbox=%v", on), func(b *testing.B) {
			db, err := bunstore.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
			require.NoError(b, err)
			defer db.Close()
			if on {
				db.EnableOutbox(mediation.Notices, hazard.Notices)
			}
			demo := gridtest.Gucheng()
			svc, err := mediation.NewService(mediation.Config{Store: db.Cases(), Cells: memstore.Grid{Tree: demo.Tree}, Policy: grid.DefaultPolicy(), Rules: mediation.DefaultRules()})
			require.NoError(b, err)
			head := demo.Member("mayuan-1-head").Actor()
			in := intake("mayuan-1", work.ChannelGridHead, mediation.PetitionThreat)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := svc.Register(ctx, head, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDeliver measures a dispatcher delivering to the log, a batch at
// a time, from the SQLite outbox.
func BenchmarkDeliver(b *testing.B) {
	db, err := bunstore.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	require.NoError(b, err)
	defer db.Close()
	demo := gridtest.Gucheng()
	members := memstore.NewGridStore()
	_, err = demo.Found(ctx, members)
	require.NoError(b, err)
	d := notify.NewDispatcher(db.Outbox(), members, grid.DefaultPolicy(), notify.Log{Logger: slog.New(slog.DiscardHandler)})
	now := time.Now()
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		i++
		n := testNotification(fmt.Sprintf("k/bench/%d", i))
		if err := db.Outbox().Enqueue(ctx, now, n); err != nil {
			b.Fatal(err)
		}
		if _, err := d.Deliver(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
