package mediation_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// TestParseNumber: a number prints in the committee's form, and reads back
// from it and from the ways people type it; what does not read as a whole
// number is refused as Invalid, naming the number.
func TestParseNumber(t *testing.T) {
	gu58 := mediation.Number{Prefix: "古调", Year: 2026, Seq: 58}
	assert.Equal(t, "古调〔2026〕58号", gu58.String())
	assert.Equal(t, "", mediation.Number{}.String(), "no number prints as nothing")
	for _, tt := range []struct {
		in   string
		want mediation.Number
	}{
		{"古调〔2026〕58号", gu58},
		{"古调〔2026〕58", gu58},
		{"古调〔2026〕第58号", gu58},
		{" 古调 〔2026〕 58 号 ", gu58},
		{"古调　〔２０２６〕５８号", gu58}, // an ideographic space, full-width digits
		{"古调(2026)58号", gu58},
		{"古调（2026）58号", gu58},
		{"古调[2026]58号", gu58},
		{"古调［2026］58号", gu58},
		{"古调【2026】58号", gu58},
		{"古调〖2026〗58号", gu58},
		{"古调〔2026〕058号", gu58},
		{"古调字〔2023〕第12号", mediation.Number{Prefix: "古调字", Year: 2023, Seq: 12}},
		{"ＧＣ〔2026〕1号", mediation.Number{Prefix: "GC", Year: 2026, Seq: 1}},
		{"调〔2026〕999999999号", mediation.Number{Prefix: "调", Year: 2026, Seq: 999_999_999}},
	} {
		got, err := mediation.ParseNumber(tt.in)
		if assert.NoError(t, err, "%q", tt.in) {
			assert.Equal(t, tt.want, got, "%q", tt.in)
		}
	}
	for _, in := range []string{
		"", "58", "古调2026-58", "〔2026〕58号", "古调〔2026〕", "古调〔2026〕号", "古调〔2026〕0号",
		"古调〔2026〕1000000000号", "古调〔26〕58号", "古调〔02026〕58号", "古调〔0026〕58号", "古调〔2026〕5八号",
		"古调〔2026〕58号号", "古调〔2026)58号", "古调〔2026〕-5号", "古调〔2026〕+5号", "古2调〔2026〕58号",
		"古调古调古调古调古〔2026〕58号", "古调〔2026〕〔2026〕58号", "\u200b古调〔2026〕58号",
	} {
		_, err := mediation.ParseNumber(in)
		require.ErrorIs(t, err, fourplusn.Invalid, "%q", in)
		assert.Equal(t, "number", fourplusn.ErrorField(err), "%q", in)
	}
}

// FuzzParseNumber: whatever people type, ParseNumber either refuses it or
// returns a whole number that prints in the committee's form and parses
// back to itself.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"古调〔2026〕58号", "古调（２０２６）第058", "ＧＣ [2026] 1", "调〔9999〕999999999号", "〔〕号", "古调〔2026"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := mediation.ParseNumber(s)
		if err != nil {
			require.ErrorIs(t, err, fourplusn.Invalid)
			return
		}
		require.NoError(t, n.Validate())
		again, err := mediation.ParseNumber(n.String())
		require.NoError(t, err, "%q prints as %q", s, n.String())
		require.Equal(t, n, again)
	})
}

// TestDefaultNumberPrefix: a township's numbers default to the first letter
// of its name and 调.
func TestDefaultNumberPrefix(t *testing.T) {
	for name, want := range map[string]string{
		"古城办事处": "古调", "邻镇办事处": "邻调", "（新）城街道": "新调", "Ｎorth": "N调", "township 1": "t调", "": "调", "123": "调",
	} {
		got := mediation.DefaultNumberPrefix(name)
		assert.Equal(t, want, got, "%q", name)
		assert.NoError(t, mediation.ValidatePrefix(got), "%q", name)
	}
}

// TestRegisterNumbers: Register numbers a township's cases of a year 1, 2,
// 3, …, the year being the township's (Beijing time, not UTC), with the
// township's prefix: its own in the rules, else the default of its name.
// A new year starts again at 1, and a prefix set later goes on with the
// year's sequence.
func TestRegisterNumbers(t *testing.T) {
	f := newFixture(t) // 1 November 2022 in Gucheng
	head := f.actor("mayuan-1-head")
	register := func(svc *mediation.Service, actor grid.Actor, in mediation.Intake) string {
		t.Helper()
		c, err := svc.Register(ctx, actor, in)
		require.NoError(t, err)
		stored := f.stored(t, c.ID)
		assert.Equal(t, c.Number, stored.Number, "the number is stored")
		return c.Number.String()
	}
	assert.Equal(t, "古调〔2022〕1号", register(f.svc, head, neighbourDispute()))
	assert.Equal(t, "古调〔2022〕2号", register(f.svc, head, neighbourDispute()))
	qiaotou := neighbourDispute()
	qiaotou.Channel, qiaotou.Location = work.ChannelPolice, "lz-qiaotou-1"
	assert.Equal(t, "邻调〔2022〕1号", register(f.svc, f.actor("lz-qiaotou-police"), qiaotou), "another township starts at 1")

	// A minute after midnight on New Year's Day in Gucheng, still 2022 in UTC.
	f.clock.now = time.Date(2023, 1, 1, 0, 1, 0, 0, shanghai)
	assert.Equal(t, "古调〔2023〕1号", register(f.svc, head, neighbourDispute()), "a new year starts at 1")

	rules := mediation.DefaultRules()
	rules.NumberPrefixes = map[grid.CellID]string{"gucheng": "古城调"}
	renamed, err := mediation.NewService(mediation.Config{Store: f.store, Cells: memstore.Grid{Tree: f.demo.Tree}, Policy: grid.DefaultPolicy(), Rules: rules, Now: f.clock.Now})
	require.NoError(t, err)
	assert.Equal(t, "古城调〔2023〕2号", register(renamed, head, neighbourDispute()), "the rules' prefix, the year's sequence")
	assert.Equal(t, "邻调〔2023〕1号", register(renamed, f.actor("lz-qiaotou-police"), qiaotou), "a township the rules do not name keeps the default")
}

// TestGetByNumber: a case is found by its number by exactly those who may
// Get it, and shown to them as Get shows it; to everyone else, in the
// township or not, it is as missing as a number never given. A number that
// is not whole is Invalid, and without an actor the lookup is
// Unauthorized.
func TestGetByNumber(t *testing.T) {
	f := newFixture(t)
	c, err := f.svc.Register(ctx, f.actor("mayuan-1-head"), neighbourDispute())
	require.NoError(t, err)
	// The answer where no case has the number.
	_, missing := newFixture(t).svc.GetByNumber(ctx, f.actor("gc-secretary"), c.Number)
	require.ErrorIs(t, missing, fourplusn.NotFound)
	seen := 0
	for _, id := range []grid.MemberID{
		"mayuan-1-head", "mayuan-head", "gc-east-head", "gc-secretary", "gc-mediator", "gc-land",
		"mayuan-2-head", "mayuan-1-zhang-elder", "gc-west-head", "lz-secretary", "lz-qiaotou-police",
	} {
		actor := f.actor(id)
		want, wantErr := f.svc.Get(ctx, actor, c.ID)
		got, err := f.svc.GetByNumber(ctx, actor, c.Number)
		if wantErr != nil {
			require.ErrorIs(t, wantErr, fourplusn.NotFound, "%s", id)
			assert.Equal(t, missing, err, "%s: as missing as a number never given", id)
			continue
		}
		seen++
		require.NoError(t, err, "%s", id)
		assert.Equal(t, want, got, "%s sees it as Get shows it", id)
	}
	assert.Less(t, 0, seen, "some may see it")
	assert.Less(t, seen, 11, "some may not")

	_, err = f.svc.GetByNumber(ctx, f.actor("gc-secretary"), mediation.Number{})
	assert.ErrorIs(t, err, fourplusn.Invalid)
	_, err = f.svc.GetByNumber(ctx, grid.Actor{}, c.Number)
	assert.ErrorIs(t, err, fourplusn.Unauthorized)
}
