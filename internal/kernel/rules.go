package kernel

import (
	"fmt"

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

// levelWords name the grid's levels as the rules are read aloud.
var levelWords = [...]string{"", "一", "二", "三", "四", "五"}

func levelWord(l grid.Level) string { return levelWords[min(max(int(l), 0), len(levelWords)-1)] }

// HandlingReason says why work of grade g, which a rule handles at level,
// found at loc and called noun (纠纷, 隐患), is handled where Handling
// puts it: at the grade's level, or, when loc lies higher, at loc itself,
// which the reason then says too, so that it never names a level other
// than the handling cell's without saying why.
func HandlingReason(noun string, g work.Grade, level grid.Level, loc grid.Path) work.Reason {
	text := fmt.Sprintf("%s%s由%s级网格办理", g.Title(), noun, levelWord(level))
	if l := loc.Level(); l < level {
		text += fmt.Sprintf("；所在网格为%s级，即由该网格办理", levelWord(l))
	}
	return work.Reason{Code: work.ReasonLevel, Text: text}
}

// CheckReminders checks the fractions of the time allowed at which a
// deadline is reminded of: ascending, each above 0 and below 1. None is
// allowed: a township may remind nobody before a deadline passes.
func CheckReminders(fs []float64) error {
	for i, f := range fs {
		if !(f > 0 && f < 1) || i > 0 && f <= fs[i-1] {
			return fourplusn.FieldError(fmt.Sprintf("reminders[%d]", i), "reminders are fractions between 0 and 1, each later than the one before")
		}
	}
	return nil
}

// CheckAtRisk checks the fraction of the time allowed after which a
// deadline is reported at risk.
func CheckAtRisk(f float64) error {
	if !(f > 0 && f < 1) {
		return fourplusn.FieldError("at_risk", "must be a fraction between 0 and 1")
	}
	return nil
}
