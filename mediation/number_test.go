package mediation_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/mediation"
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
