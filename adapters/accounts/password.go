package accounts

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/text/unicode/norm"

	"github.com/fourplusn/fourplusn"
)

// The bounds of a chosen password, in characters (runes): a Chinese
// character counts as one, as a person counts it.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 128
)

// Rule is a rule of chosen passwords, named by a code a page maps to its
// own words. A Rule is an error, so errors.Is(err, RuleCommon) reports
// whether err says a password breaks it.
type Rule string

// The rules a chosen password keeps. Do not change the codes: callers map
// them to the text they show.
const (
	RuleTooShort  Rule = "too_short" // fewer than MinPasswordLen characters
	RuleTooLong   Rule = "too_long"  // more than MaxPasswordLen characters
	RuleControl   Rule = "control"   // control characters, or bytes that are not UTF-8 text
	RuleLogin     Rule = "login"     // the login, perhaps with digits after it
	RulePersonal  Rule = "personal"  // the phone, the name or another forbidden word, perhaps with digits after it
	RuleCommon    Rule = "common"    // one of the passwords people choose most often
	RuleUnchanged Rule = "unchanged" // the same as the current password or one-time password
)

// Error returns the rule's code.
func (r Rule) Error() string { return string(r) }

// PasswordError lists every rule a chosen password breaks, in the order
// the rules are listed above. CheckPassword and SetPassword return it
// wrapped in an Invalid error of the field "password": errors.As finds it,
// and errors.Is finds each of its rules.
type PasswordError struct {
	Rules []Rule
}

// Error lists the codes of the broken rules.
func (e *PasswordError) Error() string {
	codes := make([]string, len(e.Rules))
	for i, r := range e.Rules {
		codes[i] = string(r)
	}
	return "the password breaks the rules: " + strings.Join(codes, ", ")
}

// Unwrap returns the broken rules, so that errors.Is matches each one.
func (e *PasswordError) Unwrap() []error {
	errs := make([]error, len(e.Rules))
	for i, r := range e.Rules {
		errs[i] = r
	}
	return errs
}

// CheckPassword reports whether pw may be chosen as the password of login:
// nil, or an Invalid error of the field "password" holding a
// *PasswordError that lists every rule pw breaks, all checked at once. pw
// must be MinPasswordLen to MaxPasswordLen characters of UTF-8 text with no
// control characters; it must not be login, nor any of forbidden (the
// member's phone, their name), nor one of those followed by digits alone;
// and it must not be a common password. The comparisons ignore case, white
// space and the difference between full-width and half-width forms, which a
// Chinese input method switches between.
//
// A page calls it to check a password before submitting it; SetPassword
// checks it again, and also that the password changes.
func CheckPassword(pw, login string, forbidden ...string) error {
	return passwordError(passwordRules(pw, login, forbidden))
}

// passwordRules returns the rules pw breaks, in order.
func passwordRules(pw, login string, forbidden []string) []Rule {
	var broken []Rule
	// Counted as typed: normalisation could join or split characters.
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		broken = append(broken, RuleTooShort)
	case n > MaxPasswordLen:
		broken = append(broken, RuleTooLong)
	}
	if !utf8.ValidString(pw) || strings.ContainsFunc(pw, unicode.IsControl) {
		broken = append(broken, RuleControl)
	}
	folded := fold(pw)
	if isWord(folded, login) {
		broken = append(broken, RuleLogin)
	}
	for _, f := range forbidden {
		if isWord(folded, f) {
			broken = append(broken, RulePersonal)
			break
		}
	}
	if _, ok := commonPasswords()[folded]; ok {
		broken = append(broken, RuleCommon)
	}
	return broken
}

// passwordError returns nil when no rule is broken, and otherwise the
// Invalid error of the field "password" that lists them.
func passwordError(broken []Rule) error {
	if len(broken) == 0 {
		return nil
	}
	pe := &PasswordError{Rules: broken}
	return &fourplusn.Error{Code: fourplusn.Invalid, Field: "password", Message: pe.Error(), Err: pe}
}

// isWord reports whether the folded password is word, or word followed by
// digits only (zhangsan2024 for the login zhangsan).
func isWord(folded, word string) bool {
	w := fold(word)
	if w == "" {
		return false
	}
	return folded == w || strings.TrimRightFunc(folded, isDigit) == w
}

func isDigit(r rune) bool { return '0' <= r && r <= '9' }

// fold is the form in which passwords are compared with words and with
// the common passwords: NFKC, which turns full-width letters and digits
// into ASCII, then lower case, without white space.
func fold(s string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// commonList is the list of common passwords, one a line: the passwords
// most often found in published leaks, those of Chinese users (the CSDN
// leak of 2011) and of everyone (the ten-million-password Xato corpus),
// with the pilot's former demo password; only those of MinPasswordLen
// characters or more are kept beyond the first few thousand, as shorter
// ones are refused anyway.
//
//go:embed common-passwords.txt
var commonList string

// commonPasswords is the set of commonList's passwords, folded, made on
// first use.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, strings.Count(commonList, "\n"))
	for line := range strings.Lines(commonList) {
		if w := fold(line); w != "" {
			set[w] = struct{}{}
		}
	}
	return set
})

// passwordKey is what bcrypt hashes for a password: the base64 of the
// SHA-256 of its NFKC form. bcrypt reads at most 72 bytes, and a password
// of 128 Chinese characters is 384, so the digest makes every character
// count; base64 keeps NUL bytes, which would end bcrypt's input early, out
// of it. NFKC, as NIST SP 800-63B advises, makes a password typed in
// full-width forms the same as one typed in half-width forms.
func passwordKey(pw string) []byte {
	d := sha256.Sum256([]byte(norm.NFKC.String(pw)))
	key := make([]byte, base64.StdEncoding.EncodedLen(len(d)))
	base64.StdEncoding.Encode(key, d[:])
	return key
}

// hashPassword returns the bcrypt hash of pw at cost.
func hashPassword(pw string, cost int) (string, error) {
	h, err := bcrypt.GenerateFromPassword(passwordKey(pw), cost)
	if err != nil {
		return "", err
	}
	return string(h), nil
}

// passwordMatches reports whether pw is the password of the bcrypt hash.
func passwordMatches(hash, pw string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), passwordKey(pw)) == nil
}
