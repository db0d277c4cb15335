package accounts_test

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/accounts"
)

// rulesOf returns the rules err lists, or nil when err is not a
// password's error.
func rulesOf(err error) []accounts.Rule {
	var pe *accounts.PasswordError
	if !errors.As(err, &pe) {
		return nil
	}
	return pe.Rules
}

func TestCheckPassword(t *testing.T) {
	const login, phone, name = "zhangsan", "13812345678", "张三"
	tests := []struct {
		name string
		pw   string
		want []accounts.Rule
	}{
		{"good letters and digits", "Ku7#mountain-road", nil},
		{"nine Chinese characters are too few", "我家门前有两棵枣树", []accounts.Rule{accounts.RuleTooShort}},
		{"ten Chinese characters are ten", "我家门前有两棵枣树啊", nil},
		{"a phrase with spaces", "river runs past the mill", nil},
		{"exactly the longest", strings.Repeat("松", 128), nil},

		{"too short", "Ku7#mount", []accounts.Rule{accounts.RuleTooShort}},
		{"too long", strings.Repeat("松", 129), []accounts.Rule{accounts.RuleTooLong}},
		{"a control character", "Ku7#mount\tain", []accounts.Rule{accounts.RuleControl}},
		{"a NUL byte", "Ku7#mount\x00ain", []accounts.Rule{accounts.RuleControl}},
		{"not UTF-8", "Ku7#mount\xffain", []accounts.Rule{accounts.RuleControl}},
		{"the login", "ZhangSan2024", []accounts.Rule{accounts.RuleLogin}},
		{"the login spaced out", "zhang san 1234", []accounts.Rule{accounts.RuleLogin}},
		{"the phone", "13812345678", []accounts.Rule{accounts.RulePersonal}},
		{"the name and digits", "张三1234567890", []accounts.Rule{accounts.RulePersonal}},
		{"common: qwertyuiop", "qwertyuiop", []accounts.Rule{accounts.RuleCommon}},
		{"common in capitals", "WOAINI1314520", []accounts.Rule{accounts.RuleCommon}},
		{"common in full-width forms", "ａ１２３４５６７８９", []accounts.Rule{accounts.RuleCommon}},
		{"common: the old demo password", "gucheng2023", []accounts.Rule{accounts.RuleCommon}},
		{"common: 1qaz2wsx3edc", "1qaz2wsx3edc", []accounts.Rule{accounts.RuleCommon}},

		{"short and common at once", "123456789", []accounts.Rule{accounts.RuleTooShort, accounts.RuleCommon}},
		{"short and common: 88888888", "88888888", []accounts.Rule{accounts.RuleTooShort, accounts.RuleCommon}},
		{"short, control and login", "zhangsan\n", []accounts.Rule{accounts.RuleTooShort, accounts.RuleControl, accounts.RuleLogin}},
		{"empty", "", []accounts.Rule{accounts.RuleTooShort}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := accounts.CheckPassword(tt.pw, login, phone, name)
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err))
			assert.Equal(t, "password", fourplusn.ErrorField(err))
			assert.Equal(t, tt.want, rulesOf(err))
			for _, r := range tt.want {
				assert.ErrorIs(t, err, r)
			}
		})
	}
}

func TestCheckPasswordForbiddenWords(t *testing.T) {
	// An empty forbidden word, a member without a phone on file, forbids
	// nothing.
	assert.NoError(t, accounts.CheckPassword("Ku7#mountain-road", "zhangsan", ""))
	// A word is forbidden as the whole password, not as a part of one.
	assert.NoError(t, accounts.CheckPassword("zhangsan-likes-tea", "zhangsan"))
	assert.NoError(t, accounts.CheckPassword("x13812345678", "zhangsan", "13812345678"))
}

func FuzzCheckPassword(f *testing.F) {
	for _, s := range []string{"", "Ku7#mountain-road", "我家门前有两棵枣树啊", "qwertyuiop", "zhangsan2024", "\x00\xff", "ａ１２３４５６７８９", strings.Repeat("松", 129)} {
		f.Add(s, "zhangsan", "13812345678")
	}
	f.Fuzz(func(t *testing.T, pw, login, word string) {
		err := accounts.CheckPassword(pw, login, word)
		if err != nil {
			require.NotEmpty(t, rulesOf(err), "every refusal lists its rules: %v", err)
			require.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err))
			return
		}
		n := utf8.RuneCountInString(pw)
		require.True(t, n >= accounts.MinPasswordLen && n <= accounts.MaxPasswordLen, "accepted %q of %d characters", pw, n)
		require.True(t, utf8.ValidString(pw), "accepted %q, not UTF-8", pw)
		require.False(t, strings.ContainsFunc(pw, unicode.IsControl), "accepted %q with a control character", pw)
		require.NotEqual(t, strings.ToLower(login), strings.ToLower(pw), "accepted the login")
	})
}
