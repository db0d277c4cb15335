package fourplusn_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
)

// requireInvalid checks that err is a field-less Invalid *fourplusn.Error
// whose message starts in lower case, contains want and does not echo the input.
func requireInvalid(t *testing.T, err error, want, input string) {
	t.Helper()
	var e *fourplusn.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, fourplusn.Invalid, e.Code)
	assert.Empty(t, e.Field, "callers name the field")
	assert.Contains(t, e.Message, want)
	first, _ := utf8.DecodeRuneInString(e.Message)
	assert.True(t, unicode.IsLower(first), "message %q must start in lower case", e.Message)
	if in := strings.TrimSpace(input); len(in) >= 8 {
		assert.NotContains(t, e.Message, in, "the message must not echo personal data")
	}
}

const phoneRule = "must be an 11-digit mainland mobile number starting 13–19"

func TestParsePhone(t *testing.T) {
	valid := []struct{ in, want string }{
		{"13800138000", "13800138000"},
		{"19912345678", "19912345678"},
		{"13000000000", "13000000000"},
		{"  13800138000\t", "13800138000"},
		{"138 0013 8000", "13800138000"},
		{"138-0013-8000", "13800138000"},
		{"138\u30000013\u30008000", "13800138000"}, // ideographic spaces
		{"+8613800138000", "13800138000"},
		{"+86 138 0013 8000", "13800138000"},
		{"+86-138-0013-8000", "13800138000"},
		{"008613800138000", "13800138000"},
		{"8613800138000", "13800138000"},
		{"86 13800138000", "13800138000"},
	}
	for _, tc := range valid {
		t.Run("valid/"+tc.in, func(t *testing.T) {
			got, err := fourplusn.ParsePhone(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}

	invalid := []string{
		"",
		"   ",
		"1380013800",     // 10 digits
		"138001380001",   // 12 digits
		"12800138000",    // second digit 2
		"11800138000",    // second digit 1
		"10800138000",    // second digit 0
		"23800138000",    // first digit 2
		"03800138000",    // first digit 0
		"1380013800a",    // a letter
		"138OO138000",    // letter O for zero
		"１３８００１３８０００",    // full-width digits
		"+8612800138000", // prefix, then second digit 2
		"+8713800138000", // another country
		"+0086138001380", // "+" before 0086
		"+86+8613800138000",
		"868613800138000", // only one prefix is dropped
		"86",
		"+86",
		"138.0013.8000",
		"138_0013_8000",
		"(138)00138000",
		"\xff13800138000",
	}
	for _, in := range invalid {
		t.Run("invalid/"+in, func(t *testing.T) {
			got, err := fourplusn.ParsePhone(in)
			assert.Empty(t, got)
			requireInvalid(t, err, phoneRule, in)
		})
	}
}

func TestParsePhoneWithField(t *testing.T) {
	_, err := fourplusn.ParsePhone("12800138000")
	err = fourplusn.WithField("applicants[1].phone", err)
	assert.Equal(t, "applicants[1].phone: "+phoneRule, err.Error())
	assert.Equal(t, "applicants[1].phone", fourplusn.ErrorField(err))
	assert.ErrorIs(t, err, fourplusn.Invalid)
}

// checkChar computes the GB 11643 check character of 17 digits independently
// of the package: the weight of digit i is 2^(17-i) mod 11, built up from the
// right, and the check character c makes the weighted sum including c (weight
// 1) equal to 1 mod 11; c = 10 is written X.
func checkChar(first17 string) byte {
	sum, w := 0, 1
	for i := 16; i >= 0; i-- {
		w = w * 2 % 11
		sum += int(first17[i]-'0') * w
	}
	c := (12 - sum%11) % 11
	if c == 10 {
		return 'X'
	}
	return byte('0' + c)
}

func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func TestCheckChar(t *testing.T) {
	// Worked by hand for 44030420000229123: the digits times the weights
	// 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 sum to
	// 28+36+0+15+0+16+4+0+0+0+0+18+20+45+8+8+6 = 204, 204 mod 11 = 6, and
	// "10X98765432"[6] is '6'.
	assert.Equal(t, byte('6'), checkChar("44030420000229123"))
	// The sample number published with the standard.
	assert.Equal(t, byte('X'), checkChar("11010519491231002"))
}

func TestParseIDCard(t *testing.T) {
	valid := []struct {
		in     string
		number string
		birth  time.Time
		female bool
	}{
		{"11010519491231002X", "11010519491231002X", date(1949, 12, 31), true},
		{"11010519491231002x", "11010519491231002X", date(1949, 12, 31), true},
		{"  11010519491231002x \t", "11010519491231002X", date(1949, 12, 31), true},
		{"\u300011010519491231002X\u3000", "11010519491231002X", date(1949, 12, 31), true},
		{"110105194912310038", "110105194912310038", date(1949, 12, 31), false},
		{"440304200002291236", "440304200002291236", date(2000, 2, 29), false}, // leap year by the 400 rule
		{"110101202402290016", "110101202402290016", date(2024, 2, 29), false},
		{"310115190001010044", "310115190001010044", date(1900, 1, 1), true}, // the earliest date
		{"650102209912319986", "650102209912319986", date(2099, 12, 31), true},
		{"51010719850615301X", "51010719850615301X", date(1985, 6, 15), false},
		{"320583197607032119", "320583197607032119", date(1976, 7, 3), false},
	}
	for _, tc := range valid {
		t.Run("valid/"+tc.in, func(t *testing.T) {
			n := tc.number
			require.Equal(t, checkChar(n[:17]), n[17], "table entry has a wrong check character")
			id, err := fourplusn.ParseIDCard(tc.in)
			require.NoError(t, err)
			assert.Equal(t, fourplusn.IDCard{Number: tc.number, Birth: tc.birth, Female: tc.female}, id)
			assert.Equal(t, time.UTC, id.Birth.Location())
		})
	}

	const (
		length = "must be 18 characters"
		digits = "must be 17 digits followed by a digit or X"
		region = "region code"
		birth  = "real birth date"
		check  = "wrong check character"
	)
	invalid := []struct{ in, want string }{
		{"", length},
		{"   ", length},
		{"11010519491231002", length},       // 17
		{"11010519491231002X1", length},     // 19
		{"110105194912310", length},         // an old 15-digit number
		{"1101051949 1231002X", length},     // an inner space
		{"11010519491231002XX", length},     // 19
		{"110105194912310\u00a02X", digits}, // an inner no-break space, 18 runes
		{"1101051949123100X2", digits},      // X not last
		{"11010519491231002Y", digits},
		{"A1010519491231002X", digits},
		{"１1010519491231002X", digits},      // a full-width digit
		{"11010519491231002\u00d7", digits}, // a multiplication sign, not X
		{"110105-19491231-02", digits},
		{"01010519491231002X", region},
		{"000000194912310020", region},
		{"110105194913310020", birth}, // month 13
		{"110105194900310020", birth}, // month 0
		{"110105194912000020", birth}, // day 0
		{"110105194912320020", birth}, // day 32
		{"110105194904310020", birth}, // 31 April
		{"110105199902290020", birth}, // 29 February 1999
		{"110105190002290020", birth}, // 29 February 1900, not a leap year
		{"110105210002290020", birth}, // 29 February 2100, not a leap year
		{"110105189912310020", birth}, // before 1900
		{"110105000001010020", birth}, // year 0
		{"110105194912310021", check},
		{"110105194912310029", check},
		{"110105194912310030", check}, // the sample's sequence + 1, old check
		{"110105194912310038x", length},
		{"11010519491231003x", check},
		{"11010519491231003X", check},
	}
	for _, tc := range invalid {
		t.Run("invalid/"+tc.in, func(t *testing.T) {
			id, err := fourplusn.ParseIDCard(tc.in)
			assert.Zero(t, id)
			requireInvalid(t, err, tc.want, tc.in)
		})
	}
}

func TestParseIDCardLengthMessage(t *testing.T) {
	_, err := fourplusn.ParseIDCard("章某某")
	assert.Equal(t, "must be 18 characters, not 3", err.Error())
}

func TestParseIDCardWithField(t *testing.T) {
	_, err := fourplusn.ParseIDCard("110105194912310021")
	err = fourplusn.WithField("applicants[0]", fourplusn.WithField("id_card", err))
	assert.Equal(t, "applicants[0].id_card", fourplusn.ErrorField(err))
	assert.ErrorIs(t, err, fourplusn.Invalid)
}

// randomIDNumber returns a valid identity number with a region in
// 110000–659999, a birth date in 1900–2099 and any sequence.
func randomIDNumber(r *rand.Rand) (number string, birth time.Time, female bool) {
	region := 110000 + r.IntN(550000)
	birth = date(1900, 1, 1).AddDate(0, 0, r.IntN(73048)) // to 2099-12-31
	seq := r.IntN(1000)
	var b strings.Builder
	b.WriteString(itoa(region, 6))
	b.WriteString(birth.Format("20060102"))
	b.WriteString(itoa(seq, 3))
	first17 := b.String()
	return first17 + string(checkChar(first17)), birth, seq%2 == 0
}

// itoa writes n with width digits, zero-padded.
func itoa(n, width int) string {
	b := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b)
}

// TestParseIDCardSingleDigitErrors checks, for random valid numbers, that the
// parser accepts them and that changing any one character to any other digit
// (or X, in the last place) is rejected: MOD 11-2 detects every single
// substitution because 11 is prime and no weight is 0 mod 11.
func TestParseIDCardSingleDigitErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(11643, 1999))
	for range 10000 {
		number, birth, female := randomIDNumber(r)
		id, err := fourplusn.ParseIDCard(number)
		require.NoError(t, err, number)
		require.Equal(t, fourplusn.IDCard{Number: number, Birth: birth, Female: female}, id)

		b := []byte(number)
		for i := range b {
			alphabet := "0123456789"
			if i == 17 {
				alphabet += "X"
			}
			orig := b[i]
			for _, c := range []byte(alphabet) {
				if c == orig {
					continue
				}
				b[i] = c
				if _, err := fourplusn.ParseIDCard(string(b)); err == nil {
					t.Fatalf("%s accepted, a change of %s at %d", b, number, i+1)
				}
			}
			b[i] = orig
		}
	}
}

func TestMaskPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13800138000", "138****8000"},
		{"19912341234", "199****1234"},
		{"", ""},
		{"1380013800", "**********"},
		{"138001380001", "************"},
		{"+8613800138000", "**************"},
		{"138 0013 800", "************"}, // 12 characters, spaces count
		{"一二三四五六七八九十一", "一二三****八九十一"}, // 11 runes
		{"一二三四五六七八九十", "**********"},
		{"\xff\xfe800138000", "\ufffd\ufffd8****8000"}, // invalid bytes count as one rune each
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got := fourplusn.MaskPhone(tc.in)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, utf8.RuneCountInString(tc.in), utf8.RuneCountInString(got))
		})
	}
}

func TestMaskIDCard(t *testing.T) {
	tests := []struct{ in, want string }{
		{"11010519491231002X", "110***********002X"},
		{"440304200002291236", "440***********1236"},
		{"", ""},
		{"110105491231002", "***************"},         // 15 digits
		{"11010519491231002", "*****************"},     // 17
		{"11010519491231002X1", "*******************"}, // 19
		{"一二三四五六七八九十一二三四五六七八", "一二三***********五六七八"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got := fourplusn.MaskIDCard(tc.in)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, utf8.RuneCountInString(tc.in), utf8.RuneCountInString(got))
		})
	}
}

func TestMaskName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"章某某", "章**"},
		{"张三", "张*"},
		{"欧阳娜娜", "欧***"},
		{"章", "*"},
		{"", ""},
		{"Li", "L*"},
		{"阿卜杜·热合曼", "阿******"},
		{"\xff", "*"},
		{"\xff\xfe", "\ufffd*"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			assert.Equal(t, tc.want, fourplusn.MaskName(tc.in))
		})
	}
}

func TestMaskAddress(t *testing.T) {
	tests := []struct{ in, want string }{
		{"北京市东城区景山街道景山前街4号", "北京市东城区****"},
		{"北京市东城区景", "北京市东城区****"},
		{"北京市东城区", "北京市东城区"},
		{"古城街道", "古城街道"},
		{"", ""},
		{"12 Main Street", "12 Mai****"},
		{"\xff\xff\xff\xff\xff\xff\xff", "\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd****"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			assert.Equal(t, tc.want, fourplusn.MaskAddress(tc.in))
		})
	}
}

// requireMasked checks that masked is s with a star in place of each rune
// from hideFrom up to hideTo, or of every rune when s does not have want
// runes, so that it has the same rune length and reveals nothing else.
func requireMasked(t *testing.T, s, masked string, want, hideFrom, hideTo int) {
	t.Helper()
	expect := []rune(s)
	for i := range expect {
		if len(expect) != want || (i >= hideFrom && i < hideTo) {
			expect[i] = '*'
		}
	}
	require.Equal(t, string(expect), masked)
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{
		"13800138000", " 138-0013-8000 ", "+86 138 0013 8000", "008613800138000",
		"8613800138000", "12800138000", "1380013800", "138001380001", "1380013800a",
		"", "+86", "86", "0086", "１３８００１３８０００", "\xff", "138\u30000013\u30008000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		requireMasked(t, s, fourplusn.MaskPhone(s), 11, 3, 7)

		n, err := fourplusn.ParsePhone(s)
		if err != nil {
			require.Empty(t, n)
			require.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err))
			return
		}
		require.Len(t, n, 11)
		require.Equal(t, byte('1'), n[0])
		require.True(t, n[1] >= '3' && n[1] <= '9', n)
		again, err := fourplusn.ParsePhone(n)
		require.NoError(t, err)
		require.Equal(t, n, again)
		require.Equal(t, n[:3]+"****"+n[7:], fourplusn.MaskPhone(n))
	})
}

func FuzzParseIDCard(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "11010519491231002x", " 110105194912310038 ",
		"440304200002291236", "110105199902290020", "110105194913310020",
		"01010519491231002X", "110105194912310021", "11010519491231002",
		"110105491231002", "", "１1010519491231002X", "\xff1010519491231002X",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		requireMasked(t, s, fourplusn.MaskIDCard(s), 18, 3, 14)

		id, err := fourplusn.ParseIDCard(s)
		if err != nil {
			require.Zero(t, id)
			require.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err))
			return
		}
		n := id.Number
		require.Equal(t, strings.ToUpper(strings.TrimSpace(s)), n)
		require.Equal(t, checkChar(n[:17]), n[17])
		require.Equal(t, n[6:14], id.Birth.Format("20060102"))
		require.True(t, id.Birth.Year() >= 1900)
		require.Equal(t, (n[16]-'0')%2 == 0, id.Female)
		again, err := fourplusn.ParseIDCard(n)
		require.NoError(t, err)
		require.Equal(t, id, again)
		require.Equal(t, n[:3]+strings.Repeat("*", 11)+n[14:], fourplusn.MaskIDCard(n))
	})
}

// FuzzMask checks every mask against its definition written the plain way,
// on runes.
func FuzzMask(f *testing.F) {
	for _, s := range []string{"", "章", "章某某", "13800138000", "11010519491231002X", "北京市东城区景山街道", "\xff\xfe", "北京市东城区景\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := []rune(s)
		name := "*"
		switch {
		case len(r) == 0:
			name = ""
		case len(r) > 1:
			name = string(r[0]) + strings.Repeat("*", len(r)-1)
		}
		require.Equal(t, name, fourplusn.MaskName(s))
		address := s
		if len(r) > 6 {
			address = string(r[:6]) + "****"
		}
		require.Equal(t, address, fourplusn.MaskAddress(s))
		requireMasked(t, s, fourplusn.MaskPhone(s), 11, 3, 7)
		requireMasked(t, s, fourplusn.MaskIDCard(s), 18, 3, 14)
	})
}

// TestIDCardCheck checks the check character against numbers issued, and
// that every number made with it parses.
func TestIDCardCheck(t *testing.T) {
	assert.Equal(t, byte('X'), fourplusn.IDCardCheck("11010519491231002"), "the standard's example, 11010519491231002X")
	for seq := range 1000 {
		body := fmt.Sprintf("41172519800229%03d", seq)
		_, err := fourplusn.ParseIDCard(body + string(fourplusn.IDCardCheck(body)))
		require.NoError(t, err, body)
	}
}
