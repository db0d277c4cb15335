package hazard

import (
	"fmt"

	"github.com/fourplusn/fourplusn/internal/kernel"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// The codes of a hazard's reasons besides work.ReasonCategory, its
// category's default grade, and work.ReasonLevel, its grade's handling
// level.
const (
	ReasonReported  = "reported"  // the grade the reporter gave, which prevails over the category's
	ReasonConverted = "converted" // a dispute lead became a case, graded by mediation's rules
)

// GradeReasons returns the rules that give a hazard of category, reported
// with grade given (0 for none), its grade: the category's default first,
// then the reporter's grade when they gave one, saying whether it is above
// or below the default. The last of them decides: a reporter who sees the
// hazard knows better than the category's default, either way.
func (r Rules) GradeReasons(category Category, given work.Grade) []work.Reason {
	g := r.Grade(category)
	out := []work.Reason{{Code: work.ReasonCategory, Grade: g, Text: fmt.Sprintf("类别“%s”默认等级为%s", category.Title(), g.Title())}}
	if !given.Valid() {
		return out
	}
	var than string
	switch {
	case given > g:
		than = "，高于类别默认等级，按上报人所定"
	case given < g:
		than = "，低于类别默认等级，按上报人所定"
	default:
		than = "，与类别默认等级相同"
	}
	return append(out, work.Reason{Code: ReasonReported, Grade: given, Text: "上报人定为" + given.Title() + than})
}

// grade gives h, reported with grade given, its grade and handling cell
// by the rules, and the reasons for both.
func (r Rules) grade(h *Hazard, given work.Grade) {
	reasons := r.GradeReasons(h.Category, given)
	h.Grade = reasons[len(reasons)-1].Grade
	level := r.Grades[h.Grade].Level
	h.Handling = kernel.Handling(level, h.Location)
	h.Grading = append(reasons, kernel.HandlingReason("隐患", h.Grade, level, h.Location))
}

// convertedReason says that a dispute lead became case c, which
// mediation's rules graded in its own right; the hazard keeps its grade.
func convertedReason(c *mediation.Case) work.Reason {
	return work.Reason{Code: ReasonConverted, Text: fmt.Sprintf("转为矛盾纠纷调解案件%s，按纠纷规则定为%s，依据见该案件", c.Number, c.Grade.Title())}
}
