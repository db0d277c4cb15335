package fourplusn_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"github.com/fourplusn/fourplusn"
)

// cleaners are the four forms of the text rule, by name.
var cleaners = map[string]func(field, s string, max int) (string, error){
	"Text":                  fourplusn.Text,
	"OptionalText":          fourplusn.OptionalText,
	"MultilineText":         fourplusn.MultilineText,
	"OptionalMultilineText": fourplusn.OptionalMultilineText,
}

func TestText(t *testing.T) {
	tests := []struct {
		name      string
		s         string
		multiline bool // use MultilineText rather than Text
		optional  bool // use the Optional form
		want      string
		ok        bool
		max       int // 5 when zero
	}{
		{name: "present", s: "两家争吵", want: "两家争吵", ok: true},
		{name: "missing", s: "", ok: false},
		{name: "optional and missing", s: "", optional: true, want: "", ok: true},
		{name: "spaces only are missing", s: "   ", ok: false},
		{name: "ideographic spaces only are missing", s: "\u3000\u3000", ok: false},
		{name: "spaces only, optional, are empty", s: " \u3000 ", optional: true, want: "", ok: true},
		{name: "spaces around are trimmed", s: " \u3000张三\u00a0 ", want: "张三", ok: true},
		{name: "inner spaces stay", s: "张\u3000三 李四", want: "张\u3000三 李四", ok: true, max: 10},
		{name: "decomposed text is composed (NFC)", s: "Jose\u0301", want: "José", ok: true},
		{name: "five Chinese characters fit a limit of five", s: "一二三四五", want: "一二三四五", ok: true},
		{name: "six do not", s: "一二三四五六", ok: false},
		{name: "the limit counts after trimming", s: "  一二三四五  ", want: "一二三四五", ok: true},
		{name: "the limit counts after composing", s: "e\u0301e\u0301e\u0301e\u0301e\u0301", want: "ééééé", ok: true},
		{name: "invalid UTF-8", s: "\xff", ok: false},
		{name: "invalid UTF-8, optional", s: "a\xffb", optional: true, ok: false},
		{name: "NUL", s: "张\x00三", ok: false},
		{name: "NUL in several lines", s: "事实\x00经过", multiline: true, ok: false},
		{name: "BEL", s: "张三\a", ok: false},
		{name: "ESC", s: "\x1b[31m张三", ok: false},
		{name: "DEL", s: "张三\x7f", ok: false},
		{name: "C1 control", s: "张\u0085三", ok: false},
		{name: "right-to-left override", s: "张三\u202e四", ok: false},
		{name: "left-to-right embedding", s: "\u202a张三", ok: false},
		{name: "first strong isolate", s: "张\u2068三", ok: false},
		{name: "pop directional isolate", s: "张三\u2069", ok: false},
		{name: "zero-width space", s: "张\u200b三", ok: false},
		{name: "zero-width joiner", s: "张\u200d三", ok: false},
		{name: "right-to-left mark", s: "张\u200f三", ok: false},
		{name: "byte-order mark", s: "\ufeff张三", ok: false},
		{name: "soft hyphen", s: "张\u00ad三", ok: false},
		{name: "tag character", s: "张\U000e0041三", ok: false},
		{name: "line separator", s: "张\u2028三", multiline: true, ok: false},
		{name: "a newline in one line", s: "张\n三", ok: false},
		{name: "a tab in one line", s: "张\t三", ok: false},
		{name: "newlines and tabs in several lines", s: "第一行\n\t第二行", multiline: true, want: "第一行\n\t第二行", ok: true, max: 10},
		{name: "CRLF becomes LF", s: "第一行\r\n第二行\r第三行", multiline: true, want: "第一行\n第二行\n第三行", ok: true, max: 11},
		{name: "several lines are trimmed", s: "\r\n  经过 \n\n", multiline: true, want: "经过", ok: true},
		{name: "a vertical tab in several lines", s: "第一行\v第二行", multiline: true, ok: false},
		{name: "private use characters for rare names stay", s: "张\ue000", want: "张\ue000", ok: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name := "Text"
			if tc.multiline {
				name = "MultilineText"
			}
			if tc.optional {
				name = "Optional" + name
			}
			max := tc.max
			if max == 0 {
				max = 5
			}
			got, err := cleaners[name]("facts", tc.s, max)
			if tc.ok {
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
				return
			}
			assert.ErrorIs(t, err, fourplusn.Invalid)
			assert.Equal(t, "facts", fourplusn.ErrorField(err))
			assert.Empty(t, got)
		})
	}
}

// TestTextNamesTheCharacter checks that a refused character is named by
// its code point and place, so that whoever typed it can find it.
func TestTextNamesTheCharacter(t *testing.T) {
	_, err := fourplusn.Text("applicants[0].name", "张三\u202e", 50)
	require.Error(t, err)
	assert.Equal(t, "applicants[0].name: holds an invisible format character (U+202E) at character 3", err.Error())
}

// checkClean fails t unless out is what the text rule may return for a
// limit of max.
func checkClean(t *testing.T, out string, max int, multiline bool) {
	t.Helper()
	require.True(t, utf8.ValidString(out), "valid UTF-8: %q", out)
	require.True(t, norm.NFC.IsNormalString(out), "NFC: %q", out)
	require.Equal(t, strings.TrimSpace(out), out, "trimmed: %q", out)
	require.LessOrEqual(t, utf8.RuneCountInString(out), max, "within the limit: %q", out)
	for _, r := range out {
		if multiline && (r == '\n' || r == '\t') {
			continue
		}
		require.False(t, unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029', "no control or format character %U in %q", r, out)
	}
}

// FuzzText checks that the text rule never panics, that what it returns
// obeys the rule, and that cleaning what it returned changes nothing.
func FuzzText(f *testing.F) {
	for _, s := range []string{"", "   ", "两家争吵", " 张三 ", "Jose\u0301", "a\r\nb", "\u202e", "\x00", "\xff", "\u3000张\u3000", "e\u0301\u0301", "\u2000x\u2001"} {
		f.Add(s, uint8(5))
	}
	f.Fuzz(func(t *testing.T, s string, limit uint8) {
		max := int(limit)
		for name, clean := range cleaners {
			multiline := strings.Contains(name, "Multiline")
			out, err := clean("f", s, max)
			if err != nil {
				require.ErrorIs(t, err, fourplusn.Invalid)
				require.Equal(t, "f", fourplusn.ErrorField(err))
				continue
			}
			checkClean(t, out, max, multiline)
			if out == "" {
				require.True(t, strings.HasPrefix(name, "Optional"), "%s returned nothing without an error", name)
				continue
			}
			again, err := clean("f", out, max)
			require.NoError(t, err, "%s refuses its own output %q", name, out)
			require.Equal(t, out, again, "%s changes its own output", name)
		}
	})
}

func TestParseYuan(t *testing.T) {
	tests := []struct {
		s    string
		fen  int64
		ok   bool
		desc string
	}{
		{"3000", 300000, true, "whole yuan"},
		{"3000.5", 300050, true, "one decimal place"},
		{"26000.00", 2600000, true, "two decimal places"},
		{"0.01", 1, true, "one fen"},
		{"0", 0, true, "nothing"},
		{"007", 700, true, "leading zeros"},
		{" 50000 ", 5000000, true, "spaces around"},
		{"\u3000５００００．５\u3000", 5000050, true, "full-width digits, point and spaces"},
		{"10000000000", fourplusn.MaxFen, true, "the largest amount"},
		{"10000000000.01", 0, false, "one fen too much"},
		{"99999999999999999999", 0, false, "more than int64 holds"},
		{"", 0, false, "empty"},
		{"   ", 0, false, "spaces only"},
		{"0x1p-2", 0, false, "hexadecimal float"},
		{"0x10", 0, false, "hexadecimal"},
		{"1_000", 0, false, "digit separator"},
		{"1,000", 0, false, "thousands separator"},
		{"1e3", 0, false, "exponent"},
		{"-5", 0, false, "negative"},
		{"+5", 0, false, "plus sign"},
		{"1 000", 0, false, "space inside"},
		{"3000.505", 0, false, "three decimal places"},
		{".5", 0, false, "no whole yuan"},
		{"5.", 0, false, "a point without decimals"},
		{"5..0", 0, false, "two points"},
		{"NaN", 0, false, "not a number"},
		{"Inf", 0, false, "infinity"},
		{"３千", 0, false, "a Chinese numeral"},
		{"٣", 0, false, "Arabic-Indic digit"},
		{"²", 0, false, "superscript digit"},
		{"5元", 0, false, "a unit"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			fen, err := fourplusn.ParseYuan("claim", tc.s)
			if tc.ok {
				require.NoError(t, err)
				assert.Equal(t, tc.fen, fen)
				return
			}
			assert.ErrorIs(t, err, fourplusn.Invalid)
			assert.Equal(t, "claim", fourplusn.ErrorField(err))
			assert.Zero(t, fen)
		})
	}
}

// FuzzParseYuan checks that ParseYuan never panics, that what it accepts
// is within its bounds and written as plain decimal yuan, and that it
// reads back the amount it returned.
func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{"3000", "3000.50", "0x1p-2", "1_000", "１２．３", "-1", "99999999999", "10000000000.00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fen, err := fourplusn.ParseYuan("amount", s)
		if err != nil {
			require.ErrorIs(t, err, fourplusn.Invalid)
			require.Zero(t, fen)
			return
		}
		require.GreaterOrEqual(t, fen, int64(0))
		require.LessOrEqual(t, fen, fourplusn.MaxFen)
		for _, r := range strings.TrimSpace(s) {
			require.True(t, r == '.' || r == '．' || unicode.IsDigit(r), "%q accepted with %q", s, r)
		}
		back, err := fourplusn.ParseYuan("amount", fmt.Sprintf("%d.%02d", fen/100, fen%100))
		require.NoError(t, err)
		require.Equal(t, fen, back)
	})
}

// BenchmarkText measures the text rule on a name and on facts of a few
// hundred characters with line breaks, as a form sends them.
func BenchmarkText(b *testing.B) {
	facts := strings.Repeat("章某某称被朱某某推倒致伤，住院手术花费两万六千元。\r\n", 10)
	b.Run("name", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := fourplusn.Text("name", " 章某某 ", 50); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("facts", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := fourplusn.MultilineText("facts", facts, 5000); err != nil {
				b.Fatal(err)
			}
		}
	})
}
