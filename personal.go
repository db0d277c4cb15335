package fourplusn

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Personal data: the phone numbers and identity numbers residents give a
// mediator, parsed once into a normal form so that the same person is the
// same string everywhere, and masked for the posts that may not see them in
// full. Errors carry no field and never echo the input: callers name the
// field with WithField, and a message that may reach a log must not hold the
// personal data it rejects.

// ParsePhone returns the 11-digit normal form of a mainland Chinese mobile
// number. It trims the input, removes white space (including the ideographic
// space U+3000 that Chinese input methods type) and hyphens anywhere in it,
// and drops one country prefix "+86", "0086" or "86". What is left must be 11
// ASCII digits: 1, then 3–9, then nine more. Landline numbers are rejected.
//
// Errors are *Error with Code Invalid and no Field.
func ParsePhone(s string) (string, error) {
	n := strings.Map(func(r rune) rune {
		if r == '-' || unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	for _, prefix := range []string{"+86", "0086", "86"} {
		if rest, ok := strings.CutPrefix(n, prefix); ok {
			n = rest
			break
		}
	}
	if len(n) != 11 || !allDigits(n) || n[0] != '1' || n[1] < '3' {
		return "", invalid("must be an 11-digit mainland mobile number starting 13–19")
	}
	return n, nil
}

// IDCard is a parsed resident identity number (居民身份证号码, GB 11643-1999).
type IDCard struct {
	Number string    // the 18 characters, check character X in upper case
	Birth  time.Time // the date of birth, at midnight UTC
	Female bool      // the 17th digit is even
}

// idWeights are the ISO 7064 MOD 11-2 weights of the first 17 digits,
// 2^(17-i) mod 11; idCheck maps the weighted sum mod 11 to the check
// character.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheck = "10X98765432"

// IDCardCheck returns the check character (the 18th) of a resident ID
// number whose first 17 characters are body, which must be 17 digits:
// what a program that makes numbers — a demo, a test — appends to them.
func IDCardCheck(body string) byte {
	sum := 0
	for i, w := range idWeights {
		sum += int(body[i]-'0') * w
	}
	return idCheck[sum%11]
}

// ParseIDCard parses an 18-character resident identity number: a 6-digit
// administrative region code whose first digit is 1–9, a birth date YYYYMMDD
// that is a real calendar date from 1900-01-01 on, a 3-digit sequence whose
// last digit is odd for men and even for women, and an ISO 7064 MOD 11-2
// check character, a digit or X. It trims surrounding white space and
// accepts a lower-case x. The 15-digit numbers of the first-generation cards
// are not accepted.
//
// ParseIDCard does not reject birth dates in the future: it reads no clock,
// so the same input always gives the same result. A caller that must refuse
// them compares Birth with its own clock. Nor does it check the region code
// against the list of regions, which changes as regions are redrawn while
// the numbers issued in them stay valid.
//
// Errors are *Error with Code Invalid and no Field.
func ParseIDCard(s string) (IDCard, error) {
	s = strings.TrimSpace(s)
	if n := utf8.RuneCountInString(s); n != 18 {
		return IDCard{}, Errorf(Invalid, "must be 18 characters, not %d", n)
	}
	// 18 runes in 18 bytes only if all are ASCII; a wider rune fails here.
	if len(s) != 18 || !allDigits(s[:17]) || !strings.ContainsRune("0123456789Xx", rune(s[17])) {
		return IDCard{}, invalid("must be 17 digits followed by a digit or X")
	}
	if s[0] == '0' {
		return IDCard{}, invalid("must start with a region code whose first digit is 1–9")
	}
	y, m, d := atoi(s[6:10]), atoi(s[10:12]), atoi(s[12:14])
	birth := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	// time.Date normalises 13/32 into the next year or month; a real date
	// comes back unchanged.
	if y < 1900 || birth.Year() != y || int(birth.Month()) != m || birth.Day() != d {
		return IDCard{}, invalid("must hold a real birth date from 1900-01-01 on in digits 7–14 (YYYYMMDD)")
	}
	number := s[:17] + strings.ToUpper(s[17:])
	if number[17] != IDCardCheck(s[:17]) {
		return IDCard{}, invalid("has a wrong check character (the 18th); check the number for a typo")
	}
	return IDCard{Number: number, Birth: birth, Female: (s[16]-'0')%2 == 0}, nil
}

// MaskPhone hides digits 4–7 of an 11-digit phone number: "13800138000"
// becomes "138****8000", enough for a resident to recognise their number on a
// notice. Pass the normal form from ParsePhone: any input that is not 11
// characters long is masked wholly, one star a character, since which of its
// characters are digits is unknown.
func MaskPhone(s string) string {
	return maskMiddle(s, 11, 3, 4)
}

// MaskIDCard hides all but the first 3 and last 4 characters of an
// 18-character identity number: "11010519491231002X" becomes
// "110***********002X", keeping the start of the region code and the tail
// people quote to identify themselves, and hiding the birth date. Any input that is not 18
// characters long is masked wholly, one star a character.
func MaskIDCard(s string) string {
	return maskMiddle(s, 18, 3, 4)
}

// MaskName keeps the first character of a name, the surname for a Chinese
// name, and replaces each of the others with a star: "章某某" becomes "章**".
// A one-character name becomes "*". For a two-character surname such as 欧阳
// the second character is hidden too, which hides more, never less.
func MaskName(s string) string {
	switch n := utf8.RuneCountInString(s); n {
	case 0:
		return ""
	case 1:
		return "*"
	default:
		return maskRunes(s, 1, n, n)
	}
}

// MaskAddress keeps the first 6 characters of an address, typically the city
// and district ("北京市东城区景山街道…" becomes "北京市东城区****"), and
// replaces the rest with "****" whatever its length, so the mask does not tell
// how long the hidden part is. An address of 6 characters or fewer is
// returned unchanged.
func MaskAddress(s string) string {
	if utf8.RuneCountInString(s) <= 6 {
		return s
	}
	return maskRunes(s, 6, 10, 10)
}

// maskMiddle keeps the first head and last tail runes of s when s has exactly
// n runes, and replaces every other rune with a star; otherwise it replaces
// every rune.
func maskMiddle(s string, n, head, tail int) string {
	if count := utf8.RuneCountInString(s); count != n {
		return strings.Repeat("*", count)
	}
	return maskRunes(s, head, n-tail, n)
}

// maskRunes returns the first end runes of s, with a star for each from
// index hideFrom up to hideTo, counting runes past the end of s as stars.
// Invalid UTF-8 bytes count as one rune each and, where kept, become
// U+FFFD, as in a conversion to []rune. It allocates once: masks are made
// for every party of every case shown to those who may not see them whole.
func maskRunes(s string, hideFrom, hideTo, end int) string {
	var b strings.Builder
	b.Grow(len(s))
	i := 0
	for _, r := range s {
		if i == end {
			break
		}
		if i >= hideFrom && i < hideTo {
			b.WriteByte('*')
		} else {
			b.WriteRune(r)
		}
		i++
	}
	for ; i < end; i++ {
		b.WriteByte('*')
	}
	return b.String()
}

func invalid(msg string) error {
	return &Error{Code: Invalid, Message: msg}
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// atoi converts a string of ASCII digits, already checked, to an int.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
