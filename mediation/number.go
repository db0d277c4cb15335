package mediation

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// Number is a case's number in the committee's register (案号), as people
// say it, write it on paper and file it: the township's prefix, the year
// the case was registered in and its place in that year's register, written
// 古调〔2026〕58号. A township's numbers of one year run 1, 2, 3, … with no gap
// and no repeat; the next year starts again at 1.
//
// Register sets Prefix and Year; the store gives Seq when it creates the
// case, in the same write, which is the only place a number can be both
// gapless and unique under concurrency (see work.Store and Store).
type Number struct {
	Prefix string // e.g. 古调: the township's, see Rules.NumberPrefixes
	Year   int    // the calendar year of registration, in work.Zone
	Seq    int    // from 1, per township and year
}

// Limits of a number's parts.
const (
	maxPrefix  = 8 // characters
	minYear    = 1000
	maxYear    = 9999
	maxSeq     = 999_999_999
	maxSeqText = 9 // digits
)

// String returns the number in the committee's form, 古调〔2026〕58号, or
// "" for the zero Number.
func (n Number) String() string {
	if n.IsZero() {
		return ""
	}
	return n.Prefix + "〔" + strconv.Itoa(n.Year) + "〕" + strconv.Itoa(n.Seq) + "号"
}

// IsZero reports whether n is no number at all.
func (n Number) IsZero() bool { return n == Number{} }

// Validate checks that n is a whole number: a valid prefix (see
// ValidatePrefix), a four-digit year and a sequence from 1. Errors are
// Invalid and name the field "number".
func (n Number) Validate() error {
	if err := validatePrefix("number", n.Prefix); err != nil {
		return err
	}
	if n.Year < minYear || n.Year > maxYear {
		return invalid("number", "the year must have four digits, not %d", n.Year)
	}
	if n.Seq < 1 || n.Seq > maxSeq {
		return invalid("number", "the sequence must be between 1 and %d, not %d", maxSeq, n.Seq)
	}
	return nil
}

// WithSeq returns n with sequence seq, checked whole as Validate checks
// it: the number a store gives a new case (see Store).
func (n Number) WithSeq(seq int) (Number, error) {
	n.Seq = seq
	return n, n.Validate()
}

// brackets are the pairs a year may be typed between: the committee's 〔〕
// and those a keyboard or a phone offers more readily. Full-width ones
// (（）［］) are folded to these before they are looked up.
var brackets = map[rune]rune{'〔': '〕', '(': ')', '[': ']', '【': '】', '〖': '〗'}

// ParseNumber reads a number as people type it into a search box: the
// committee's form 古调〔2026〕58号, and also with spaces anywhere, with
// full-width letters or digits, with the year in (), [], （）, ［］, 【】 or
// 〖〗, with 第 before the sequence, with the trailing 号 left out, or with
// leading zeros in the sequence. What it returns prints in the
// committee's form and parses back to itself. Errors are Invalid and name
// the field "number".
func ParseNumber(s string) (Number, error) {
	// Fold full-width letters, digits and brackets to their narrow forms,
	// then compose, as the text rule stores text.
	s = norm.NFC.String(width.Fold.String(s))
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	open := strings.IndexFunc(s, func(r rune) bool { _, ok := brackets[r]; return ok })
	if open < 0 {
		return Number{}, invalid("number", "write the year in brackets, as in 古调〔2026〕58号")
	}
	var n Number
	n.Prefix = s[:open]
	if err := validatePrefix("number", n.Prefix); err != nil {
		return Number{}, err
	}
	opener, size := utf8.DecodeRuneInString(s[open:])
	rest := s[open+size:]
	year, rest, ok := strings.Cut(rest, string(brackets[opener]))
	if !ok {
		return Number{}, invalid("number", "the bracket after the year is missing")
	}
	if len(year) != 4 || !digits(year) || year[0] == '0' {
		return Number{}, invalid("number", "the year must have four digits, as in 〔2026〕")
	}
	n.Year, _ = strconv.Atoi(year)
	rest = strings.TrimPrefix(rest, "第")
	rest = strings.TrimSuffix(rest, "号")
	if rest == "" || len(rest) > maxSeqText || !digits(rest) {
		return Number{}, invalid("number", "the sequence after the year must be 1 to %d digits", maxSeqText)
	}
	n.Seq, _ = strconv.Atoi(rest)
	if n.Seq < 1 {
		return Number{}, invalid("number", "the sequence starts at 1")
	}
	return n, nil
}

// digits reports whether s is ASCII digits only.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidatePrefix checks a prefix of case numbers: 1 to 8 letters —
// Chinese characters or Latin letters, no digits, brackets or spaces, so
// that a number reads unambiguously — in the form ParseNumber reads them
// (narrow Latin letters, Unicode NFC). Errors are Invalid and name the
// field "number_prefix".
func ValidatePrefix(prefix string) error { return validatePrefix("number_prefix", prefix) }

func validatePrefix(field, prefix string) error {
	switch n := utf8.RuneCountInString(prefix); {
	case prefix == "":
		return invalid(field, "the prefix of a case number is required, e.g. 古调")
	case n > maxPrefix:
		return invalid(field, "the prefix of a case number has at most %d characters, not %d", maxPrefix, n)
	}
	for _, r := range prefix {
		if !unicode.IsLetter(r) {
			return invalid(field, "the prefix of a case number holds only Chinese characters or letters, not %q", r)
		}
	}
	if width.Fold.String(prefix) != prefix || !norm.NFC.IsNormalString(prefix) {
		return invalid(field, "write the prefix of a case number with narrow letters, in Unicode normal form C")
	}
	return nil
}

// DefaultNumberPrefix returns the prefix of the case numbers of a township
// named name when the rules give it none: the name's first letter and 调
// (调解), as committees abbreviate — 古城办事处's cases are 古调〔2026〕1号. A
// name without a letter gives 调 alone.
func DefaultNumberPrefix(name string) string {
	for _, r := range norm.NFC.String(width.Fold.String(name)) {
		if unicode.IsLetter(r) {
			return string(r) + "调"
		}
	}
	return "调"
}
