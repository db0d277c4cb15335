package work

import (
	"fmt"

	"github.com/fourplusn/fourplusn"
)

// Grade is how serious a case or hazard is; it decides the level that
// handles it and its deadlines (红黄绿 grading).
type Grade uint8

// The grades, from least to most serious. Do not reorder.
const (
	Simple   Grade = iota + 1 // green: settled where it arose
	Ordinary                  // yellow
	Major                     // red: handled high, watched closely
	numGrades
)

var gradeNames = [...]string{"", "simple", "ordinary", "major"}

var gradeTitles = [...]string{"", "绿色·简易", "黄色·一般", "红色·重大"}

// Title returns the grade's name in Chinese, its colour and its weight;
// its stable name if g is no grade.
func (g Grade) Title() string {
	if g.Valid() {
		return gradeTitles[g]
	}
	return g.String()
}

// Grades lists every grade, from least to most serious.
func Grades() []Grade { return []Grade{Simple, Ordinary, Major} }

// String returns the grade's stable name.
func (g Grade) String() string {
	if g.Valid() {
		return gradeNames[g]
	}
	return fmt.Sprintf("grade(%d)", g)
}

// Valid reports whether g is a grade.
func (g Grade) Valid() bool { return g >= Simple && g < numGrades }

// ParseGrade reads a grade's stable name.
func ParseGrade(s string) (Grade, error) {
	for g := Simple; g < numGrades; g++ {
		if gradeNames[g] == s {
			return g, nil
		}
	}
	return 0, fourplusn.FieldError("grade", "unknown grade %q", s)
}
