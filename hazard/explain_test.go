package hazard_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// TestGradeReasons: a hazard's grade is its category's default unless the
// reporter gave one, above or below it, which then prevails; each reason
// names the grade it demands, in Chinese, and the last decides.
func TestGradeReasons(t *testing.T) {
	rules := hazard.DefaultRules()
	rules.Categories["elevator"] = work.Ordinary // a township's own category
	for _, tc := range []struct {
		name     string
		category hazard.Category
		given    work.Grade
		codes    []string
		grade    work.Grade
		texts    []string
	}{
		{"a fire hazard by its category", hazard.Fire, 0, []string{"category"}, work.Major, []string{"类别“消防隐患”默认等级为红色·重大"}},
		{"an electrical hazard by its category", hazard.Electrical, 0, []string{"category"}, work.Ordinary, []string{"类别“用电隐患”默认等级为黄色·一般"}},
		{"a dispute lead by its category", hazard.DisputeLead, 0, []string{"category"}, work.Simple, []string{"类别“矛盾纠纷线索”默认等级为绿色·简易"}},
		{"raised by the reporter", hazard.Traffic, work.Major, []string{"category", "reported"}, work.Major,
			[]string{"类别“交通隐患”默认等级为绿色·简易", "上报人定为红色·重大，高于类别默认等级，按上报人所定"}},
		{"lowered by the reporter", hazard.Gas, work.Simple, []string{"category", "reported"}, work.Simple,
			[]string{"类别“燃气隐患”默认等级为红色·重大", "上报人定为绿色·简易，低于类别默认等级，按上报人所定"}},
		{"the reporter agrees with the category", hazard.Flood, work.Ordinary, []string{"category", "reported"}, work.Ordinary,
			[]string{"类别“防汛隐患”默认等级为黄色·一般", "上报人定为黄色·一般，与类别默认等级相同"}},
		{"a township's own category, by its stable name", "elevator", 0, []string{"category"}, work.Ordinary, []string{"类别“elevator”默认等级为黄色·一般"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reasons := rules.GradeReasons(tc.category, tc.given)
			var codes, texts []string
			for _, x := range reasons {
				codes = append(codes, x.Code)
				texts = append(texts, x.Text)
				assert.True(t, x.Grade.Valid(), "each names the grade it demands")
			}
			assert.Equal(t, tc.codes, codes)
			assert.Equal(t, tc.texts, texts)
			assert.Equal(t, tc.grade, reasons[len(reasons)-1].Grade, "the last decides")
		})
	}
}

// TestHazardGrading: a reported hazard keeps the reasons for its grade and
// for its handling cell, whatever its grade and however it arose, stored
// with it and out of its timeline, whose events read as before.
func TestHazardGrading(t *testing.T) {
	for _, tc := range []struct {
		name     string
		in       hazard.Report
		grade    work.Grade
		handling string
		grading  []work.Reason
	}{
		{"green, by its category, to the villager group", hazard.Report{Category: hazard.Other, Location: "mayuan-1-zhang"}, work.Simple, "/gucheng/gc-east/mayuan/mayuan-1", []work.Reason{
			{Code: "category", Grade: work.Simple, Text: "类别“其他隐患”默认等级为绿色·简易"},
			{Code: "level", Text: "绿色·简易隐患由四级网格办理"},
		}},
		{"yellow, by its category, to the community", hazard.Report{Category: hazard.Structural, Location: "mayuan-1"}, work.Ordinary, "/gucheng/gc-east/mayuan", []work.Reason{
			{Code: "category", Grade: work.Ordinary, Text: "类别“房屋结构隐患”默认等级为黄色·一般"},
			{Code: "level", Text: "黄色·一般隐患由三级网格办理"},
		}},
		{"red, by its category, to the sector", hazard.Report{Category: hazard.Fire, Location: "mayuan-1"}, work.Major, "/gucheng/gc-east", []work.Reason{
			{Code: "category", Grade: work.Major, Text: "类别“消防隐患”默认等级为红色·重大"},
			{Code: "level", Text: "红色·重大隐患由二级网格办理"},
		}},
		{"raised to red by the reporter", hazard.Report{Category: hazard.Other, Grade: work.Major, Location: "mayuan-1"}, work.Major, "/gucheng/gc-east", []work.Reason{
			{Code: "category", Grade: work.Simple, Text: "类别“其他隐患”默认等级为绿色·简易"},
			{Code: "reported", Grade: work.Major, Text: "上报人定为红色·重大，高于类别默认等级，按上报人所定"},
			{Code: "level", Text: "红色·重大隐患由二级网格办理"},
		}},
		{"lowered to green by the reporter", hazard.Report{Category: hazard.Fire, Grade: work.Simple, Location: "mayuan-1"}, work.Simple, "/gucheng/gc-east/mayuan/mayuan-1", []work.Reason{
			{Code: "category", Grade: work.Major, Text: "类别“消防隐患”默认等级为红色·重大"},
			{Code: "reported", Grade: work.Simple, Text: "上报人定为绿色·简易，低于类别默认等级，按上报人所定"},
			{Code: "level", Text: "绿色·简易隐患由四级网格办理"},
		}},
		{"found above its grade's level", hazard.Report{Category: hazard.Other, Location: "gc-east"}, work.Simple, "/gucheng/gc-east", []work.Reason{
			{Code: "category", Grade: work.Simple, Text: "类别“其他隐患”默认等级为绿色·简易"},
			{Code: "level", Text: "绿色·简易隐患由四级网格办理；所在网格为二级，即由该网格办理"},
		}},
		{"rectified on the spot", hazard.Report{Category: hazard.Electrical, Location: "mayuan-1", OnTheSpot: &hazard.Rectification{Evidence: "已断电拆除"}}, work.Ordinary, "/gucheng/gc-east/mayuan", []work.Reason{
			{Code: "category", Grade: work.Ordinary, Text: "类别“用电隐患”默认等级为黄色·一般"},
			{Code: "level", Text: "黄色·一般隐患由三级网格办理"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			tc.in.Description = "x"
			h := must(t)(f.svc.Report(ctx, f.actor("gc-secretary"), tc.in))
			assert.Equal(t, tc.grade, h.Grade)
			assert.Equal(t, tc.handling, h.Handling.String())
			assert.Equal(t, tc.grading, h.Grading)
			assert.Equal(t, tc.grading, f.stored(t, h.ID).Grading, "kept with the hazard")
			got := must(t)(f.svc.Get(ctx, f.actor("gc-secretary"), h.ID))
			assert.Equal(t, tc.grading, got.Grading, "as read")
			details := f.events(t, h.ID)[0].Details
			assert.Equal(t, []string{"category", "grade", "handling", "location", "photos"}, slices.Sorted(maps.Keys(details)), "the timeline holds no reasons")
		})
	}

	// A township that gives green hazards to the household cluster says so.
	f := newFixture(t)
	rules := hazard.DefaultRules()
	rules.Grades[work.Simple] = hazard.GradeRule{Level: 5, RectifyWithin: rules.Grades[work.Simple].RectifyWithin}
	svc := f.with(t, func(c *hazard.Config) { c.Rules = rules })
	h := must(t)(svc.Report(ctx, f.actor("gc-secretary"), hazard.Report{Category: hazard.Other, Location: "mayuan-1-zhang", Description: "x"}))
	assert.Equal(t, grid.Level(5), h.Handling.Level())
	assert.Equal(t, work.Reason{Code: "level", Text: "绿色·简易隐患由五级网格办理"}, h.Grading[len(h.Grading)-1])
}

// TestConvertedGrading: a dispute lead turned into a case keeps the
// reasons it was reported with, and says the case was graded by
// mediation's rules, which the case's own reasons then explain.
func TestConvertedGrading(t *testing.T) {
	f := newFixture(t)
	lead := must(t)(f.svc.Report(ctx, f.actor("honggoumiao-security"), wallQuarrel()))
	reported := lead.Grading
	require.Len(t, reported, 2)
	h, c, err := f.svc.Convert(ctx, f.actor("honggoumiao-police"), lead.ID, 0, wallConversion())
	require.NoError(t, err)
	assert.Equal(t, work.Simple, h.Grade, "the hazard keeps its grade")
	assert.Equal(t, reported, h.Grading[:2])
	assert.Equal(t, []work.Reason{{Code: "converted", Text: "转为矛盾纠纷调解案件" + c.Number.String() + "，按纠纷规则定为" + c.Grade.Title() + "，依据见该案件"}}, h.Grading[2:])
	assert.Equal(t, h.Grading, f.stored(t, h.ID).Grading)
	assert.NotEmpty(t, c.Grading, "the case's own reasons")
}

// TestGradingBeforeReasons: a hazard stored before hazards kept their
// reasons is read as it was stored, with none made up.
func TestGradingBeforeReasons(t *testing.T) {
	f := newFixture(t)
	h := must(t)(f.svc.Report(ctx, f.actor("mayuan-1-head"), blockedDrain()))
	_, err := f.store.Update(ctx, h.ID, 0, func(h *hazard.Hazard) ([]timeline.Event, error) {
		h.Grading = nil
		return nil, nil
	})
	require.NoError(t, err)
	got := must(t)(f.svc.Get(ctx, f.actor("mayuan-1-head"), h.ID))
	assert.Empty(t, got.Grading)
	assert.Equal(t, work.Simple, got.Grade)
}
