package mediation

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCapitalYuan(t *testing.T) {
	tests := []struct {
		fen  int64
		want string
	}{
		{3_000_000, "叁万元整"},
		{5_000_000, "伍万元整"},
		{2_600_000, "贰万陆仟元整"},
		{1_000_500, "壹万零伍元整"}, // a run of zeros is one 零
		{10_000_000, "壹拾万元整"}, // the leading 壹 of 壹拾 is written
		{1_000, "壹拾元整"},
		{35, "叁角伍分"}, // no 零元 before jiao alone
		{50, "伍角整"},
		{5, "伍分"},
		{1, "壹分"},
		{0, "零元整"},
		{100, "壹元整"},
		{150, "壹元伍角整"},
		{1_005, "壹拾元零伍分"},           // jiao 0, fen not: 零 after 元
		{140_950, "壹仟肆佰零玖元伍角整"},     // PBOC example ￥1,409.50
		{600_714, "陆仟零柒元壹角肆分"},      // ￥6,007.14
		{168_032, "壹仟陆佰捌拾元叁角贰分"},    // ￥1,680.32: trailing zeros before 元 need no 零
		{10_700_053, "壹拾万零柒仟元伍角叁分"}, // ￥107,000.53
		{1_640_902, "壹万陆仟肆佰零玖元零贰分"}, // ￥16,409.02
		{32_504, "叁佰贰拾伍元零肆分"},       // ￥325.04
		{100_000_100, "壹佰万零壹元整"},
		{2_000_001_000, "贰仟万零壹拾元整"},
		{1_010_000_000, "壹仟零壹拾万元整"},
		{10_000_000_000, "壹亿元整"}, // an all-zero 万 group prints no 万
		{10_001_000_000, "壹亿零壹万元整"},
		{10_000_000_500, "壹亿零伍元整"},
		{123_456_789_012, "壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元壹角贰分"},
		{999_999_999_999, "玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"},
		{1_000_000_000_000, "壹佰亿元整"}, // maxAmount
		{-100, "负壹元整"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, capitalYuan(tt.fen), "%d fen", tt.fen)
	}
	assert.NotPanics(t, func() { capitalYuan(math.MaxInt64); capitalYuan(math.MinInt64) })
}

func TestRenderYuan(t *testing.T) {
	for fen, want := range map[int64]string{
		3_000_000: "30000", 3_000_050: "30000.50", 3_000_005: "30000.05", 35: "0.35", 0: "0", -150: "-1.50",
		math.MinInt64: "-92233720368547758.08",
	} {
		assert.Equal(t, want, formatYuan(fen), "%d fen", fen)
	}
}

func TestRenderChineseCount(t *testing.T) {
	for n, want := range map[int]string{1: "一", 3: "三", 10: "十", 11: "十一", 20: "二十", 21: "二十一", 99: "九十九", 100: "100"} {
		assert.Equal(t, want, chineseCount(n), "%d", n)
	}
}

func TestRenderDateInShanghai(t *testing.T) {
	assert.Equal(t, "2022年12月1日", chineseDate(time.Date(2022, 11, 30, 16, 30, 0, 0, time.UTC)), "16:30 UTC is the next morning in Shanghai")
	assert.Equal(t, "2022年11月30日", chineseDate(time.Date(2022, 11, 30, 15, 59, 0, 0, time.UTC)))
}

func TestRenderWidth(t *testing.T) {
	assert.Equal(t, 14, textWidth("人民调解协议书"))
	assert.Equal(t, 11, textWidth("13800001234"))
	assert.Equal(t, 4, textWidth("（："))
	assert.Equal(t, 1, textWidth("e\u0301"), "a combining accent takes no column")
	assert.Equal(t, 2, textWidth("𠀀"), "CJK extension B")
}

func TestRenderWrap(t *testing.T) {
	han := func(n int) string { return strings.Repeat("调", n) }
	tests := []struct {
		name        string
		text        string
		first, rest string
		width       int
		want        []string
	}{
		{"fits", "双方和睦相处。", "    ", "", 80, []string{"    双方和睦相处。"}},
		{"Chinese breaks anywhere", han(45), "    ", "", 80, []string{"    " + han(38), han(7)}},
		{"no comma at a line start", han(40) + "，" + han(3), "", "", 80, []string{han(39), "调，" + han(3)}},
		{"no opening bracket at a line end", han(39) + "（大写）", "", "", 80, []string{han(39), "（大写）"}},
		{"a number keeps its unit", han(38) + "2022年", "", "", 80, []string{han(38), "2022年"}},
		{"a number stays whole", han(36) + "13800001234", "", "", 80, []string{han(36), "13800001234"}},
		{"Latin words break at spaces", "aaa bbb ccc", "", "", 7, []string{"aaa bbb", "ccc"}},
		{"continuation aligned", "一二三四五六七八九十", "住址：", "      ", 16, []string{"住址：一二三四五", "      六七八九十"}},
		{"an overlong token is cut", strings.Repeat("x", 200), "", "", 80, []string{strings.Repeat("x", 80), strings.Repeat("x", 80), strings.Repeat("x", 40)}},
		{"an overlong token after text", "ab " + strings.Repeat("x", 10), "", "", 8, []string{"ab xxxxx", "xxxxx"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, wrapText(tt.text, tt.first, tt.rest, tt.width))
		})
	}
}

// TestRenderWrapKeepsTextAndWidth wraps random mixtures of Chinese, digits,
// Latin, punctuation and spaces, and checks that no line is too wide and
// that no character is lost or reordered.
func TestRenderWrapKeepsTextAndWidth(t *testing.T) {
	alphabet := []rune("调解协议书章李某０１2345abcXYZ，。、；：（）《》“”…—-.,()  \u3000e\u0301𠀀")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		n := rng.IntN(300)
		var b strings.Builder
		for range n {
			b.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		text := b.String()
		width := 8 + rng.IntN(80)
		lines := wrapText(text, "    ", "  ", width)
		var got strings.Builder
		for i, l := range lines {
			require.LessOrEqual(t, textWidth(l), width, "line %d of %q at width %d: %q", i, text, width, l)
			got.WriteString(l)
		}
		strip := func(s string) string { return strings.Join(strings.Fields(s), "") }
		require.Equal(t, strip(text), strip(got.String()), "width %d", width)
	}
}

func TestRenderCleansText(t *testing.T) {
	assert.Equal(t, "a b\nc", clean("a\tb\x1b\u202e\u200b\nc"))
	assert.Equal(t, "马园 一组", flatten(" 马园\n\u3000一组 "))
}
