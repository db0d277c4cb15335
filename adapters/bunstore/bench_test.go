package bunstore

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// The benchmarks register one kind of case: a neighbours' quarrel over a
// drain, reported by the villager group's head.
var benchIntake = mediation.Intake{
	Channel: work.ChannelGridHead, Category: mediation.Neighbour, Location: "mayuan-1",
	Applicants:  []mediation.Party{{Name: "王某某", Phone: "13900001111", Address: "马园一组"}},
	Respondents: []mediation.Party{{Name: "张某某", Address: "马园一组"}},
	Facts:       "两家因排水沟堵塞互相指责，多次争吵。",
}

// benchService returns a Service on store over the demo grid, and the
// actor who registers the cases.
func benchService(b *testing.B, store mediation.Store) (*mediation.Service, grid.Actor) {
	demo := gridtest.Gucheng()
	svc, err := mediation.NewService(mediation.Config{Store: store, Cells: memstore.Grid{Tree: demo.Tree}, Policy: grid.DefaultPolicy(), Rules: mediation.DefaultRules()})
	require.NoError(b, err)
	return svc, demo.Member("mayuan-1-head").Actor()
}

// BenchmarkRegister measures intake end to end: mediation.Service.Register
// on a SQLite file — validation, grading, routing, the first timeline event
// sealed, and the case with its event and its team written in
// one transaction on the one writer connection.
func BenchmarkRegister(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	require.NoError(b, err)
	defer db.Close()
	svc, head := benchService(b, db.Cases())
	for b.Loop() {
		if _, err := svc.Register(ctx, head, benchIntake); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cases/s")
}

// BenchmarkRawInsert is BenchmarkRegister's floor: a single-row INSERT of
// the same columns, values and JSON, through database/sql and a prepared
// statement on the same database and writer connection, with nothing else
// done — no number taken from the counter, the sequence only counted up.
// Each INSERT commits on its own, as each Register does.
func BenchmarkRawInsert(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	require.NoError(b, err)
	defer db.Close()
	// The row of a case as Register makes it.
	mem := memstore.NewCases()
	svc, head := benchService(b, mem)
	c, err := svc.Register(ctx, head, benchIntake)
	require.NoError(b, err)
	cols := caseColumns(c)
	names := make([]string, 0, len(cols)+1)
	args := make([]any, 0, len(cols)+1)
	for _, col := range cols {
		names = append(names, col.name)
		args = append(args, col.value)
	}
	data, err := json.Marshal(c)
	require.NoError(b, err)
	names, args = append(names, "data"), append(args, string(data))
	require.Equal(b, "id", names[0])
	require.Equal(b, "tracking_code", names[2])
	require.Equal(b, "number_seq", names[6])
	stmt, err := db.write.DB.PrepareContext(ctx, "INSERT INTO cases ("+strings.Join(names, ", ")+") VALUES ("+
		strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", ")+")")
	require.NoError(b, err)
	defer stmt.Close()
	i := 0
	for b.Loop() {
		i++
		args[0], args[2], args[6] = fmt.Sprintf("R%012d", i), fmt.Sprintf("RT%012d", i), c.Number.Seq+i
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cases/s")
}
