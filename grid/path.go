package grid

import (
	"strings"

	"github.com/fourplusn/fourplusn"
)

// MaxLevel is the depth of the grid: level 1 is the township, level 5 the
// household cluster or clan.
const MaxLevel = 5

// Level is a cell's depth in the grid, from 1 (township) to MaxLevel.
type Level uint8

// Valid reports whether l is a level of the grid.
func (l Level) Valid() bool { return l >= 1 && l <= MaxLevel }

// CellID identifies a cell across the whole deployment. IDs are chosen by the
// township (e.g. "mayuan-1"); see ValidateCellID for their form.
type CellID string

// maxCellIDLen bounds a cell ID so that paths stay short enough to index.
const maxCellIDLen = 64

// ValidateCellID reports whether id may name a cell: 1 to 64 ASCII letters,
// digits, '-', '_' or '.'. The '/' separator of a path's text form is
// excluded so that a path can be read back unambiguously.
func ValidateCellID(id CellID) error {
	if id == "" {
		return fourplusn.FieldError("id", "a cell ID is required")
	}
	if len(id) > maxCellIDLen {
		return fourplusn.FieldError("id", "cell ID %q is longer than %d characters", id, maxCellIDLen)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fourplusn.FieldError("id", "cell ID %q may hold only letters, digits, '-', '_' and '.'", id)
		}
	}
	return nil
}

// Path is a cell's materialized path: the IDs of the cell and of each of its
// ancestors, indexed by level. Because IDs are unique in a deployment, a cell
// C lies in the subtree of a cell A exactly when C's ancestor at A's level is
// A, so containment is one string comparison. The zero Path is no cell.
type Path struct {
	ids   [MaxLevel]CellID
	level Level
}

// RootPath returns the path of a township (a level-1 cell).
func RootPath(id CellID) Path {
	return Path{ids: [MaxLevel]CellID{id}, level: 1}
}

// Child returns the path of a cell id directly below p. It returns the zero
// Path if p is zero or already at MaxLevel.
func (p Path) Child(id CellID) Path {
	if p.level == 0 || p.level >= MaxLevel {
		return Path{}
	}
	c := p
	c.ids[p.level] = id
	c.level++
	return c
}

// IsZero reports whether p is the zero Path, which names no cell.
func (p Path) IsZero() bool { return p.level == 0 }

// Level returns the level of the cell p leads to.
func (p Path) Level() Level { return p.level }

// Cell returns the ID of the cell p leads to.
func (p Path) Cell() CellID {
	if p.level == 0 {
		return ""
	}
	return p.ids[p.level-1]
}

// Township returns the ID of the township (level-1 cell) p lies in.
func (p Path) Township() CellID { return p.ids[0] }

// At returns the ID of p's ancestor at level l (p's own cell at its level),
// or "" if l is not a level at or above p's.
func (p Path) At(l Level) CellID {
	if l < 1 || l > p.level {
		return ""
	}
	return p.ids[l-1]
}

// Prefix returns the path of p's ancestor at level l, or the zero Path if l
// is not a level at or above p's.
func (p Path) Prefix(l Level) Path {
	if l < 1 || l > p.level {
		return Path{}
	}
	var q Path
	copy(q.ids[:l], p.ids[:l])
	q.level = l
	return q
}

// Parent returns the path of p's parent, or the zero Path for a township.
func (p Path) Parent() Path { return p.Prefix(p.level - 1) }

// Contains reports whether q is p's cell or lies in its subtree.
func (p Path) Contains(q Path) bool {
	return p.level != 0 && p.level <= q.level && q.ids[p.level-1] == p.ids[p.level-1]
}

// Common returns the path of the lowest cell whose subtree holds both p and
// q, or the zero Path if they lie in different townships.
func (p Path) Common(q Path) Path {
	n := min(p.level, q.level)
	var l Level
	for l < n && p.ids[l] == q.ids[l] {
		l++
	}
	return p.Prefix(l)
}

// String returns the path's text form, "/township/sector/…/cell", the form
// stored by adapters and read back by ParsePath. Its prefixes are the text
// forms of the ancestors' paths.
func (p Path) String() string {
	var b strings.Builder
	for _, id := range p.ids[:p.level] {
		b.WriteByte('/')
		b.WriteString(string(id))
	}
	return b.String()
}

// ParsePath reads a path in the text form written by Path.String.
func ParsePath(s string) (Path, error) {
	if !strings.HasPrefix(s, "/") {
		return Path{}, fourplusn.FieldError("path", "path %q must start with '/'", s)
	}
	var p Path
	for part := range strings.SplitSeq(s[1:], "/") {
		if p.level == MaxLevel {
			return Path{}, fourplusn.FieldError("path", "path %q is deeper than %d levels", s, MaxLevel)
		}
		if err := ValidateCellID(CellID(part)); err != nil {
			return Path{}, fourplusn.WithField("path", err)
		}
		p.ids[p.level] = CellID(part)
		p.level++
	}
	return p, nil
}

// MarshalText writes the path's text form, so that paths travel in JSON and
// other text encodings; the zero Path is the empty text.
func (p Path) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads a path written by MarshalText.
func (p *Path) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*p = Path{}
		return nil
	}
	q, err := ParsePath(string(text))
	if err != nil {
		return err
	}
	*p = q
	return nil
}
