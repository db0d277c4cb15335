package mediation

import (
	"fmt"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/internal/kernel"
	"github.com/fourplusn/fourplusn/work"
)

// The codes of a case's reasons besides work.ReasonCategory, its
// category's grade, and work.ReasonLevel, its grade's handling level.
const (
	ReasonAmount  = "amount"  // the money claimed
	ReasonRisk    = "risk"    // a risk raised: the code is "risk:" and its stable name
	ReasonKept    = "kept"    // a grade is never lowered by a later look
	ReasonRouted  = "routed"  // routed at registration to another cell
	ReasonOutside = "outside" // arisen outside the township: handled where it was taken in
)

// GradeReasons returns the rules that give a dispute of category, claims
// and risks its grade, the category's first: its grade is the gravest any
// of them demands (Grade).
func (r Rules) GradeReasons(category Category, claims []Claim, risks RiskFlags) []work.Reason {
	g := max(work.Simple, r.Categories[category])
	out := []work.Reason{{Code: work.ReasonCategory, Grade: g, Text: fmt.Sprintf("纠纷类别为%s，定为%s", category.Title(), g.Title())}}
	var largest int64
	for _, c := range claims {
		largest = max(largest, c.Amount)
	}
	var amount *AmountRule
	for i, a := range r.Amounts {
		if largest >= a.AtLeast && (amount == nil || a.Grade > amount.Grade) {
			amount = &r.Amounts[i]
		}
	}
	if amount != nil {
		out = append(out, work.Reason{Code: ReasonAmount, Grade: amount.Grade, Text: fmt.Sprintf("争议金额%s元，达到%s元，定为%s", formatYuan(largest), formatYuan(amount.AtLeast), amount.Grade.Title())})
	}
	for _, n := range riskWords {
		if rg, ok := r.Risks[n.flag]; ok && risks.Has(n.flag) {
			out = append(out, work.Reason{Code: ReasonRisk + ":" + n.flag.String(), Grade: rg, Text: fmt.Sprintf("存在“%s”风险，定为%s", n.name, rg.Title())})
		}
	}
	return out
}

// handlingReasons says why c is handled where it is at registration: by
// its grade's level, where it was taken in for a dispute arisen outside,
// and that it was routed from chosen, the rules' cell, when it was.
func (r Rules) handlingReasons(c *Case, chosen grid.Path) []work.Reason {
	if c.OutOfJurisdiction() {
		return []work.Reason{{Code: ReasonOutside, Text: "纠纷发生在本辖区以外，按首问负责由登记的网格办理"}}
	}
	out := []work.Reason{kernel.HandlingReason("纠纷", c.Grade, r.Grades[c.Grade].Level, c.Location)}
	if c.Handling != chosen {
		out = append(out, work.Reason{Code: ReasonRouted, Text: "登记时分派至规则所定以外的网格"})
	}
	return out
}

// regrade gives c the grade its category, claims and risks now demand,
// never lower than it had, and the reasons for it, keeping why it is
// handled where it is.
func (r Rules) regrade(c *Case) {
	reasons := r.GradeReasons(c.Category, c.Claims, c.Risks)
	g := gravest(reasons)
	if c.Grade > g {
		reasons = append(reasons, work.Reason{Code: ReasonKept, Grade: c.Grade, Text: fmt.Sprintf("已定为%s，等级不因此降低", c.Grade.Title())})
		g = c.Grade
	}
	for _, x := range c.Grading {
		if x.Grade == 0 {
			reasons = append(reasons, x)
		}
	}
	c.Grade, c.Grading = g, reasons
}

// gravest returns the gravest grade reasons demand.
func gravest(reasons []work.Reason) work.Grade {
	g := work.Simple
	for _, x := range reasons {
		g = max(g, x.Grade)
	}
	return g
}
