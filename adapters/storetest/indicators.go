package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/stats"
)

// april and march are the months the suite's indicators are recorded in.
var (
	april = stats.Month.Of(base.Add(40 * 24 * time.Hour))
	march = stats.Month.Previous(april)
)

// Indicators checks a stats.Indicators: Put replaces the value of a name,
// cell, period and start, whatever the start's zone; Sum adds the values
// recorded in a township's subtrees, each once, and keeps names,
// townships and kinds of period apart; Recorded counts the values Sum
// adds, zeros among them; a range holds its start and not
// its end; and an invalid value or query is refused as Invalid and stores
// nothing. newStore returns a fresh, empty store each time it is called.
func Indicators(t *testing.T, newStore func(t *testing.T) stats.Indicators) {
	t.Run("put replaces", func(t *testing.T) { indicatorsPutReplaces(t, newStore(t)) })
	t.Run("sum over subtrees", func(t *testing.T) { indicatorsSumOverSubtrees(t, newStore(t)) })
	t.Run("periods and ranges", func(t *testing.T) { indicatorsPeriodsAndRanges(t, newStore(t)) })
	t.Run("recorded", func(t *testing.T) { indicatorsRecorded(t, newStore(t)) })
	t.Run("invalid", func(t *testing.T) { indicatorsInvalid(t, newStore(t)) })
}

// gucheng is the whole of the township of Gucheng, as a query's subtrees.
var gucheng = []grid.Path{grid.RootPath("gucheng")}

// put records value v of name at cell for the period of kind p that
// starts at start, failing the test if the store refuses.
func put(t *testing.T, s stats.Indicators, name string, cell grid.Path, p stats.Period, start time.Time, v int64) {
	t.Helper()
	require.NoError(t, s.Put(context.Background(), stats.Indicator{Name: name, Cell: cell, Period: p, Start: start, Value: v}))
}

// sum returns the sum of name over periods of kind p in r, in the
// township's subtrees within, failing the test if the store refuses.
func sum(t *testing.T, s stats.Indicators, name string, p stats.Period, town grid.CellID, within []grid.Path, r stats.Range) int64 {
	t.Helper()
	n, err := s.Sum(context.Background(), name, p, stats.Query{Township: town, Within: within, Range: r})
	require.NoError(t, err)
	return n
}

// indicatorsPutReplaces: a new store sums to nothing, and Put of a name,
// cell, period and start already recorded replaces the value, also when
// the start is the same instant in another zone, and also with zero.
func indicatorsPutReplaces(t *testing.T, s stats.Indicators) {
	assert.Equal(t, int64(0), sum(t, s, stats.TelecomFraud, stats.Month, "gucheng", gucheng, april), "nothing recorded")
	put(t, s, stats.TelecomFraud, demo.Path("mayuan"), stats.Month, april.From, 5)
	put(t, s, stats.TelecomFraud, demo.Path("mayuan"), stats.Month, april.From, 7)
	assert.Equal(t, int64(7), sum(t, s, stats.TelecomFraud, stats.Month, "gucheng", gucheng, april))
	put(t, s, stats.TelecomFraud, demo.Path("mayuan"), stats.Month, april.From.UTC(), 8) // the same instant in another zone
	assert.Equal(t, int64(8), sum(t, s, stats.TelecomFraud, stats.Month, "gucheng", gucheng, april))
	put(t, s, stats.TelecomFraud, demo.Path("mayuan"), stats.Month, april.From, 0)
	assert.Equal(t, int64(0), sum(t, s, stats.TelecomFraud, stats.Month, "gucheng", gucheng, april))
}

// indicatorsSumOverSubtrees: Sum adds the values recorded at the subtrees'
// cells and below, each once however the subtrees overlap, and none
// recorded above a subtree, beside it (a sibling whose ID begins alike),
// in another township or under another name.
func indicatorsSumOverSubtrees(t *testing.T, s stats.Indicators) {
	put(t, s, stats.TelecomFraud, demo.Path("mayuan"), stats.Month, april.From, 7)
	put(t, s, stats.TelecomFraud, demo.Path("mayuan-1"), stats.Month, april.From, 1)
	put(t, s, stats.TelecomFraud, sibling(demo.Path("mayuan-1"), "x"), stats.Month, april.From, 1000)
	put(t, s, stats.TelecomFraud, demo.Path("honggoumiao"), stats.Month, april.From, 3)
	put(t, s, stats.TelecomFraud, demo.Path("lz-qiaotou"), stats.Month, april.From, 100)
	put(t, s, stats.TelecomFraud, grid.RootPath("gucheng"), stats.Month, april.From, 20)
	put(t, s, stats.ThreeVehicleTheft, demo.Path("mayuan"), stats.Month, april.From, 2)
	assert.Equal(t, int64(1031), sum(t, s, stats.TelecomFraud, stats.Month, "gucheng", gucheng, april), "the township rolls up")
	assert.Equal(t, int64(1008), sum(t, s, stats.TelecomFraud, stats.Month, "gucheng", []grid.Path{demo.Path("gc-east")}, april))
	assert.Equal(t, int64(1), sum(t, s, stats.TelecomFraud, stats.Month, "gucheng", []grid.Path{demo.Path("mayuan-1")}, april),
		"a value recorded above the subtree, or beside it, does not count")
	assert.Equal(t, int64(1011), sum(t, s, stats.TelecomFraud, stats.Month, "gucheng", []grid.Path{demo.Path("mayuan-1"), demo.Path("gc-west"), demo.Path("mayuan")}, april),
		"overlapping subtrees count each value once")
	assert.Equal(t, int64(100), sum(t, s, stats.TelecomFraud, stats.Month, "linzhen", []grid.Path{grid.RootPath("linzhen")}, april), "townships apart")
	assert.Equal(t, int64(2), sum(t, s, stats.ThreeVehicleTheft, stats.Month, "gucheng", gucheng, april), "names apart")
}

// indicatorsPeriodsAndRanges: Sum adds the periods of the kind asked whose
// start is in the range, which holds its start and not its end.
func indicatorsPeriodsAndRanges(t *testing.T, s stats.Indicators) {
	mayuan := demo.Path("mayuan")
	put(t, s, stats.TelecomFraud, mayuan, stats.Month, march.From, 11)
	put(t, s, stats.TelecomFraud, mayuan, stats.Month, april.From, 7)
	put(t, s, stats.TelecomFraud, mayuan, stats.Month, april.To, 13) // May
	put(t, s, stats.TelecomFraud, mayuan, stats.Day, april.From, 1000)
	put(t, s, stats.TelecomFraud, mayuan, stats.Quarter, stats.Quarter.Of(april.From).From, 2000)
	assert.Equal(t, int64(7), sum(t, s, stats.TelecomFraud, stats.Month, "gucheng", gucheng, april), "a range holds its start, not its end")
	assert.Equal(t, int64(11), sum(t, s, stats.TelecomFraud, stats.Month, "gucheng", gucheng, march))
	assert.Equal(t, int64(31), sum(t, s, stats.TelecomFraud, stats.Month, "gucheng", gucheng, stats.Range{From: march.From, To: april.To.Add(time.Second)}))
	assert.Equal(t, int64(1000), sum(t, s, stats.TelecomFraud, stats.Day, "gucheng", gucheng, april), "periods of one kind only")
	assert.Equal(t, int64(2000), sum(t, s, stats.TelecomFraud, stats.Quarter, "gucheng", gucheng, stats.Quarter.Of(april.From)))
}

// indicatorsRecorded: Recorded counts the values Sum would add, a zero
// among them, so that a township-wide value recorded at the root counts
// for the township and not for a sector below it.
func indicatorsRecorded(t *testing.T, s stats.Indicators) {
	recorded := func(within grid.Path, r stats.Range) int64 {
		t.Helper()
		n, err := s.Recorded(context.Background(), stats.TelecomFraud, stats.Month, stats.Query{Township: "gucheng", Within: []grid.Path{within}, Range: r})
		require.NoError(t, err)
		return n
	}
	root := grid.RootPath("gucheng")
	assert.Equal(t, int64(0), recorded(root, april), "nothing recorded")
	put(t, s, stats.TelecomFraud, root, stats.Month, april.From, 0)
	put(t, s, stats.TelecomFraud, root, stats.Month, march.From, 4)
	put(t, s, stats.TelecomFraud, root, stats.Day, april.From, 9)
	assert.Equal(t, int64(1), recorded(root, april), "a recorded zero counts; other kinds of period do not")
	assert.Equal(t, int64(2), recorded(root, stats.Range{From: march.From, To: april.To}))
	assert.Equal(t, int64(0), recorded(demo.Path("gc-east"), april), "a township-wide value is not a sector's")
	_, err := s.Recorded(context.Background(), stats.TelecomFraud, stats.Month, stats.Query{Township: "gucheng", Range: april})
	requireCode(t, err, fourplusn.Invalid, "a query without subtrees")
}

// indicatorsInvalid: Put refuses as Invalid a value without a name or a
// cell, of an unknown kind of period, starting other than at its period's
// start, or below zero, and stores none of them; Sum refuses a query
// without subtrees.
func indicatorsInvalid(t *testing.T, s stats.Indicators) {
	ctx := context.Background()
	mayuan := demo.Path("mayuan")
	for _, v := range []stats.Indicator{
		{Name: "", Cell: mayuan, Period: stats.Month, Start: april.From},
		{Name: "x", Period: stats.Month, Start: april.From},
		{Name: "x", Cell: mayuan, Period: 99, Start: april.From},
		{Name: "x", Cell: mayuan, Period: stats.Month, Start: april.From.Add(time.Hour)},
		{Name: "x", Cell: mayuan, Period: stats.Month, Start: april.From, Value: -1},
	} {
		requireCode(t, s.Put(ctx, v), fourplusn.Invalid, "%+v", v)
	}
	assert.Equal(t, int64(0), sum(t, s, "x", stats.Month, "gucheng", gucheng, april), "nothing invalid was stored")
	_, err := s.Sum(ctx, "x", stats.Month, stats.Query{Township: "gucheng", Range: april})
	requireCode(t, err, fourplusn.Invalid, "a query without subtrees")
}
