package mediation_test

import (
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
)

// searchIn returns a filter of the whole township gucheng searching q,
// for a viewer who sees its parties unmasked, and a case of it.
func searchIn(q string) (mediation.Filter, *mediation.Case) {
	root := grid.RootPath("gucheng")
	f := mediation.Filter{Township: "gucheng", Within: []grid.Path{root}, Personal: []grid.Path{root}, Query: q}
	c := &mediation.Case{Township: "gucheng", Location: root, Handling: root}
	return f, c
}

// TestParseSearch: a query is read as words and, when the whole of it is
// one, as a phone number in normal form, a case number and a tracking
// code; one too long or with nothing to look for is Invalid naming the
// query.
func TestParseSearch(t *testing.T) {
	s, err := mediation.ParseSearch(" 古调〔2026〕58号 ")
	require.NoError(t, err)
	assert.Equal(t, []string{"古调", "2026", "58号"}, s.Words)
	require.NotNil(t, s.Number)
	assert.Equal(t, "古调〔2026〕58号", s.Number.String())
	assert.Empty(t, s.Phone)
	assert.Empty(t, s.Code)

	s, err = mediation.ParseSearch("+86 138-0000-1234")
	require.NoError(t, err)
	assert.Equal(t, "13800001234", s.Phone)

	s, err = mediation.ParseSearch("k7f3m9xq2a")
	require.NoError(t, err)
	assert.Equal(t, "K7F3M9XQ2A", s.Code)

	s, err = mediation.ParseSearch("ＷｉＦｉ，漏水")
	require.NoError(t, err)
	assert.Equal(t, []string{"wifi", "漏水"}, s.Words, "folded, split at punctuation")

	for _, bad := range []string{strings.Repeat("字", mediation.MaxQuery+1), "，、。", "   ", "\xff"} {
		_, err := mediation.ParseSearch(bad)
		assert.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err), "%q", bad)
		assert.Equal(t, "query", fourplusn.ErrorField(err), "%q", bad)
	}
	_, err = mediation.ParseSearch(strings.Repeat("字", mediation.MaxQuery))
	assert.NoError(t, err, "MaxQuery characters, not bytes")
}

// FuzzParseSearch: any query either parses or is Invalid; the words it
// parses to are runs of letters and digits that Words reads back alike;
// and a case whose facts are the query is found by it.
func FuzzParseSearch(f *testing.F) {
	for _, q := range []string{"刘秀英", "刘强 王芳", "古调〔2026〕58号", "138 0000 1234", "T00000007", "ＷｉＦｉ", "a\u0301", "，", "\xff"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		s, err := mediation.ParseSearch(q)
		if err != nil {
			require.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err))
			return
		}
		require.NotEmpty(t, s.Words)
		for _, w := range s.Words {
			require.NotEmpty(t, w)
			for _, r := range w {
				require.True(t, unicode.IsLetter(r) || unicode.IsDigit(r), "%q in %q", r, w)
			}
		}
		require.Equal(t, s.Words, mediation.Words(strings.Join(s.Words, " ")))
		filter, c := searchIn(q)
		c.Facts = q
		require.True(t, filter.Matches(c), "a case whose facts are %q", q)
	})
}

// TestSearchMatches: Filter.Matches finds by names within one name only,
// by every word of the facts, and by a phone only where the viewer sees
// the parties unmasked.
func TestSearchMatches(t *testing.T) {
	f, c := searchIn("")
	c.Applicants = []mediation.Party{{Name: "张三", Phone: "13800001234"}}
	c.Respondents = []mediation.Party{{Name: "李四"}}
	c.Facts = "邻居漏水"
	for q, want := range map[string]bool{"张三": true, "三": true, "三李": false, "漏水 李四": true, "漏水 王五": false, "13800001234": true, "1380000": false} {
		f.Query = q
		assert.Equal(t, want, f.Matches(c), q)
	}
	f.Query, f.Personal = "13800001234", nil
	assert.False(t, f.Matches(c), "masked: no match by phone")
}
