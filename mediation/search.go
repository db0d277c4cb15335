package mediation

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
)

// MaxQuery bounds the text of a search (Filter.Query), in characters: a
// name, a number or a few words of the facts, never a document.
const MaxQuery = 64

// Search is what a list's query (Filter.Query) asks for, read once by
// ParseSearch so that every store matches it alike. A case matches when
// the whole query is
//   - the mobile number of one of its parties or of their agents, but only
//     where the viewer sees the parties unmasked (Filter.Personal): a
//     masked number is never revealed by a match;
//   - its case number, as ParseNumber reads one;
//   - its tracking code;
//
// or when each of the query's words appears, as a substring, in one of
// the names of its parties and their agents or in its facts (SearchText).
// Names match for every viewer: the facts, which no one's view masks,
// name the parties too.
type Search struct {
	Words  []string // the query's words (see Words); at least one
	Phone  string   // the query as a mobile number in normal form; "" if it is none
	Number *Number  // the query as a case number; nil if it is none
	Code   string   // the query as a tracking code, upper-cased; "" if it cannot be one
}

// ParseSearch reads a list's query. It is Invalid, naming the field
// "query", when the query is longer than MaxQuery characters or has no
// letter or digit to look for.
func ParseSearch(q string) (Search, error) {
	if n := utf8.RuneCountInString(q); n > MaxQuery {
		return Search{}, invalid("query", "at most %d characters, not %d", MaxQuery, n)
	}
	if !utf8.ValidString(q) {
		return Search{}, invalid("query", "not valid UTF-8")
	}
	s := Search{Words: Words(q)}
	if len(s.Words) == 0 {
		return Search{}, invalid("query", "give a name, a phone number, a case number, a tracking code or words of the facts")
	}
	if p, err := fourplusn.ParsePhone(q); err == nil {
		s.Phone = p
	}
	if n, err := ParseNumber(q); err == nil {
		s.Number = &n
	}
	if code := strings.ToUpper(strings.TrimSpace(q)); code != "" && len(code) <= maxTrackingCode && strings.IndexFunc(code, notCodeChar) < 0 {
		s.Code = code
	}
	return s, nil
}

// maxTrackingCode bounds what may be taken for a tracking code; codes
// this package gives are ten characters long.
const maxTrackingCode = 32

func notCodeChar(r rune) bool { return !('0' <= r && r <= '9' || 'A' <= r && r <= 'Z') }

// Words returns the runs of letters and digits of s, folded so that text
// typed differently is found alike: full-width letters and digits are
// narrowed, the text is composed (NFC), and letters are lower-cased.
// Everything else — spaces, punctuation, symbols — separates words. It is
// how a query is split into words and how the text it is looked for in
// is split, so that a word of a query never spans two of the text's.
func Words(s string) []string {
	s = strings.ToLower(norm.NFC.String(width.Fold.String(s)))
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// SearchText returns the words a query's words are looked for in: those
// of the names of c's parties and their agents, then those of its facts.
// Stores that index text index these.
func SearchText(c *Case) []string {
	var out []string
	for _, p := range slices.Concat(c.Applicants, c.Respondents) {
		out = append(out, Words(p.Name)...)
		for _, a := range p.Agents {
			out = append(out, Words(a.Name)...)
		}
	}
	return append(out, Words(c.Facts)...)
}

// SearchPhones returns the mobile numbers of c's parties and their agents,
// each once, in normal form: what a query that is a phone number is
// compared with.
func SearchPhones(c *Case) []string {
	var out []string
	add := func(p string) {
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for _, p := range slices.Concat(c.Applicants, c.Respondents) {
		add(p.Phone)
		for _, a := range p.Agents {
			add(a.Phone)
		}
	}
	return out
}

// matches reports whether c answers s for a viewer who sees the parties
// unmasked in the subtrees of personal.
func (s *Search) matches(c *Case, personal []grid.Path) bool {
	switch {
	case s.Phone != "" && slices.Contains(SearchPhones(c), s.Phone) &&
		slices.ContainsFunc(personal, func(p grid.Path) bool { return p.Contains(c.Handling) }),
		s.Number != nil && c.Number == *s.Number,
		s.Code != "" && c.TrackingCode == s.Code:
		return true
	}
	// The words are joined by a space, which no word holds, so that a
	// word found is found within one word of the text.
	text := strings.Join(SearchText(c), " ")
	for _, w := range s.Words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}
