package fourplusn

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// The text rule. Every field a person types goes through it once, in the
// domain, and the domain stores what it returns: text that reads the same
// wherever it is shown and stored. The rule refuses rather than strips
// what it cannot keep, so that what was typed is never silently changed
// beyond the spaces around it and its Unicode normal form:
//
//   - valid UTF-8;
//   - in Unicode normal form C (NFC), so that one character is stored one
//     way however it was typed;
//   - without spaces at either end (Unicode spaces, the ideographic space
//     U+3000 included);
//   - without control characters (Unicode Cc): none in a line, only line
//     breaks and tabs in text of several lines, whose line breaks are
//     stored as \n whatever the browser sent (\r\n);
//   - without invisible format characters (Unicode Cf: bidi overrides and
//     isolates, zero-width spaces and joiners, the byte-order mark, …) and
//     line or paragraph separators (U+2028, U+2029), which change how
//     text around them reads without being seen;
//   - at most max characters (runes) after cleaning, so that a limit means
//     the same for Chinese text as for Latin.

// Text cleans a required field of one line that a person typed (a name, a
// reason, an address) as the text rule says, and returns the cleaned
// text. Errors are Invalid and name the field.
func Text(field, s string, max int) (string, error) {
	return clean(field, s, max, true, false)
}

// OptionalText is Text for a field that may be left empty.
func OptionalText(field, s string, max int) (string, error) {
	return clean(field, s, max, false, false)
}

// MultilineText cleans a required field of several lines (facts, notes,
// terms) as the text rule says: line breaks and tabs are kept, line breaks
// as \n.
func MultilineText(field, s string, max int) (string, error) {
	return clean(field, s, max, true, true)
}

// OptionalMultilineText is MultilineText for a field that may be left
// empty.
func OptionalMultilineText(field, s string, max int) (string, error) {
	return clean(field, s, max, false, true)
}

// clean applies the text rule to s.
func clean(field, s string, max int, required, multiline bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", FieldError(field, "not valid UTF-8 text")
	}
	if multiline && strings.ContainsRune(s, '\r') {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	}
	s = strings.TrimSpace(norm.NFC.String(s))
	if s == "" {
		if required {
			return "", FieldError(field, "required")
		}
		return "", nil
	}
	n := 0
	for _, r := range s {
		n++
		if err := allowed(r, multiline); err != "" {
			return "", FieldError(field, "holds %s (%U) at character %d", err, r, n)
		}
	}
	if n > max {
		return "", FieldError(field, "longer than %d characters", max)
	}
	return s, nil
}

// allowed names what is wrong with r in typed text, or returns "".
func allowed(r rune, multiline bool) string {
	switch {
	case multiline && (r == '\n' || r == '\t'):
		return ""
	case unicode.Is(unicode.Cc, r):
		return "a control character"
	case unicode.Is(unicode.Cf, r):
		return "an invisible format character"
	case r == '\u2028' || r == '\u2029':
		return "a line separator"
	}
	return ""
}

// MaxFen bounds an amount of money a person gives: ten billion yuan, in
// fen, far above any dispute a township mediates and far below where
// sums could overflow.
const MaxFen int64 = 1_000_000_000_000

// ParseYuan reads an amount of money typed in yuan ("3000", "3000.5",
// "26000.00") and returns it in fen. It takes plain decimal digits with an
// optional point followed by one or two digits, and nothing else: no sign,
// exponent, hexadecimal, digit separators or inner spaces. Full-width
// digits and points (３０００．５), which Chinese input methods type, are
// read as their ASCII forms, and spaces around the amount are ignored. The
// amount may be at most MaxFen. Errors are Invalid and name the field.
func ParseYuan(field, s string) (fen int64, err error) {
	s = strings.TrimSpace(width.Narrow.String(s))
	if s == "" {
		return 0, FieldError(field, "an amount in yuan is required")
	}
	whole, frac, point := strings.Cut(s, ".")
	if whole == "" || !digits(whole) || point && (frac == "" || len(frac) > 2 || !digits(frac)) {
		return 0, FieldError(field, "write the amount in yuan as digits with at most two decimal places, such as 3000 or 3000.50")
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 11 { // more than MaxFen, and more than int64 could hold
		return 0, FieldError(field, "at most %d yuan", MaxFen/100)
	}
	// The fen are the whole yuan and the fraction padded to two digits,
	// read as one number.
	for _, c := range whole + (frac + "00")[:2] {
		fen = fen*10 + int64(c-'0')
	}
	if fen > MaxFen {
		return 0, FieldError(field, "at most %d yuan", MaxFen/100)
	}
	return fen, nil
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
