package kernel

import (
	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/work"
)

// CheckGrades checks a table of what each grade means: a rule for every
// grade, handled at a level inside the grid that level returns, graver
// grades handled no lower than lighter ones, and whatever else check
// finds wrong with a rule, given the rule's field ("grades.red"). It
// names the field at fault.
func CheckGrades[Rule any](rules map[work.Grade]Rule, level func(Rule) grid.Level, check func(field string, r Rule) error) error {
	prev := grid.Level(grid.MaxLevel)
	for _, g := range work.Grades() {
		rule, ok := rules[g]
		field := "grades." + g.String()
		if !ok {
			return fourplusn.FieldError(field, "no rule for grade %s", g)
		}
		switch l := level(rule); {
		case !l.Valid():
			return fourplusn.FieldError(field+".level", "level %d is outside the grid", l)
		case l > prev:
			return fourplusn.FieldError(field+".level", "a graver grade must not be handled lower than a lighter one")
		default:
			prev = l
		}
		if err := check(field, rule); err != nil {
			return err
		}
	}
	return nil
}

// Handling returns the cell that handles work at level found at loc:
// loc's ancestor at that level, or loc itself when it lies higher.
func Handling(level grid.Level, loc grid.Path) grid.Path {
	return loc.Prefix(min(level, loc.Level()))
}

// CheckAtRisk checks the fraction of the time allowed after which a
// deadline is reported at risk.
func CheckAtRisk(f float64) error {
	if !(f > 0 && f < 1) {
		return fourplusn.FieldError("at_risk", "must be a fraction between 0 and 1")
	}
	return nil
}
