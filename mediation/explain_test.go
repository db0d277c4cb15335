package mediation_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// TestGradeReasons: each rule that bears on a grade is named with the
// grade it demands, in Chinese, and the grade is the gravest of them.
func TestGradeReasons(t *testing.T) {
	r := mediation.DefaultRules()
	for _, tc := range []struct {
		name     string
		category mediation.Category
		claims   []mediation.Claim
		risks    mediation.RiskFlags
		codes    []string
		grade    work.Grade
		texts    []string
	}{
		{"a neighbours' quarrel", mediation.Neighbour, nil, 0, []string{"category"}, work.Simple, []string{"纠纷类别为邻里纠纷，定为绿色·简易"}},
		{"a homestead dispute", mediation.Homestead, nil, 0, []string{"category"}, work.Ordinary, []string{"纠纷类别为宅基地纠纷，定为黄色·一般"}},
		{"a claim of 30,000 yuan", mediation.Debt, []mediation.Claim{{Amount: 1_000_000}, {Amount: 3_000_000}}, 0, []string{"category", "amount"}, work.Ordinary,
			[]string{"纠纷类别为债务纠纷，定为绿色·简易", "争议金额30000元，达到10000元，定为黄色·一般"}},
		{"a claim of 200,000 yuan names the higher threshold", mediation.Debt, []mediation.Claim{{Amount: 20_000_000}}, 0, []string{"category", "amount"}, work.Major,
			[]string{"纠纷类别为债务纠纷，定为绿色·简易", "争议金额200000元，达到100000元，定为红色·重大"}},
		{"a quarrel that may come to blows", mediation.Neighbour, nil, mediation.LikelyFight, []string{"category", "risk:likely_fight"}, work.Ordinary,
			[]string{"纠纷类别为邻里纠纷，定为绿色·简易", "存在“可能引发打架斗殴”风险，定为黄色·一般"}},
		{"two risks", mediation.Family, nil, mediation.LikelyFight | mediation.PetitionThreat, []string{"category", "risk:petition_threat", "risk:likely_fight"}, work.Major, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reasons := r.GradeReasons(tc.category, tc.claims, tc.risks)
			var codes, texts []string
			for _, x := range reasons {
				codes = append(codes, x.Code)
				texts = append(texts, x.Text)
				assert.True(t, x.Grade.Valid(), "each names the grade it demands")
			}
			assert.Equal(t, tc.codes, codes)
			if tc.texts != nil {
				assert.Equal(t, tc.texts, texts)
			}
			assert.Equal(t, tc.grade, r.Grade(tc.category, tc.claims, tc.risks))
		})
	}
}

// TestCaseGrading: a case keeps the reasons for its grade and its
// handling cell from registration, gains one for each new risk, and says
// so when its grade stays higher than the rules now give.
func TestCaseGrading(t *testing.T) {
	f := newFixture(t)
	head := f.actor("mayuan-1-head")
	c := must(t)(f.svc.Register(ctx, head, neighbourDispute()))
	require.Len(t, c.Grading, 2)
	assert.Equal(t, work.Reason{Code: work.ReasonCategory, Grade: work.Simple, Text: "纠纷类别为邻里纠纷，定为绿色·简易"}, c.Grading[0])
	assert.Equal(t, work.Reason{Code: work.ReasonLevel, Text: "绿色·简易纠纷由四级网格办理"}, c.Grading[1])

	c = must(t)(f.svc.RaiseRisk(ctx, head, c.ID, c.Version, mediation.LikelyFight))
	assert.Equal(t, work.Ordinary, c.Grade)
	var codes []string
	for _, x := range c.Grading {
		codes = append(codes, x.Code)
	}
	assert.Equal(t, []string{"category", "risk:likely_fight", "level"}, codes, "the new risk, and where it was handled still")
	stored := f.stored(t, c.ID)
	assert.Equal(t, c.Grading, stored.Grading, "kept with the case")

	// Graded red under rules since relaxed, a case stays red when it is
	// looked at again, and says why.
	strict := mediation.DefaultRules()
	strict.Categories[mediation.Neighbour] = work.Major
	harsh, err := mediation.NewService(mediation.Config{Store: f.store, Cells: memstore.Grid{Tree: f.demo.Tree}, Policy: grid.DefaultPolicy(), Rules: strict, Now: f.clock.Now})
	require.NoError(t, err)
	red := must(t)(harsh.Register(ctx, head, neighbourDispute()))
	require.Equal(t, work.Major, red.Grade)
	red = must(t)(f.svc.RaiseRisk(ctx, f.actor("gc-east-head"), red.ID, red.Version, mediation.LikelyFight))
	assert.Equal(t, work.Major, red.Grade, "never lowered")
	assert.Contains(t, red.Grading, work.Reason{Code: mediation.ReasonKept, Grade: work.Major, Text: "已定为红色·重大，等级不因此降低"})
}
