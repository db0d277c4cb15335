package hazard

import (
	"maps"
	"slices"
	"time"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/internal/kernel"
	"github.com/fourplusn/fourplusn/work"
)

// GradeRule is what a grade means for a hazard: the level of the grid that
// rectifies hazards of that grade, and the time allowed to do it.
type GradeRule struct {
	Level         grid.Level
	RectifyWithin time.Duration
}

// Rules are a township's hazard categories, grading and deadlines.
// DefaultRules gives the seed's practice; a township may change any of it
// before use, and Validate checks the result.
type Rules struct {
	// Categories lists the hazard categories and the grade each defaults
	// to when a report gives none.
	Categories map[Category]work.Grade
	// Grades maps each grade to its handling level and rectification time.
	Grades map[work.Grade]GradeRule
	// VerifyWithin is the time the upper post has to verify a
	// rectification.
	VerifyWithin time.Duration
	// AtRisk is the fraction of the time allowed after which a deadline is
	// reported at risk.
	AtRisk float64
	// Reminders are the fractions of the time allowed at which whoever
	// answers for a deadline is reminded of it, ascending.
	Reminders []float64
}

// DefaultRules returns the seed's practice: a fire or gas hazard is red and
// goes to the sector with fifteen days; electrical, structural and flood
// hazards are yellow and go to the community with a week; the rest are green
// and stay in the villager group with three days. Every rectification is to
// be verified within three days.
func DefaultRules() Rules {
	const day = 24 * time.Hour
	return Rules{
		Categories: map[Category]work.Grade{
			Fire: work.Major, Gas: work.Major,
			Electrical: work.Ordinary, Structural: work.Ordinary, Flood: work.Ordinary,
			Traffic: work.Simple, DisputeLead: work.Simple, Other: work.Simple,
		},
		Grades: map[work.Grade]GradeRule{
			work.Simple:   {Level: 4, RectifyWithin: 3 * day},
			work.Ordinary: {Level: 3, RectifyWithin: 7 * day},
			work.Major:    {Level: 2, RectifyWithin: 15 * day},
		},
		VerifyWithin: 3 * day,
		AtRisk:       0.8,
		Reminders:    work.DefaultReminders(),
	}
}

// clone returns a copy of r that shares nothing with it.
func (r Rules) clone() Rules {
	r.Categories, r.Grades, r.Reminders = maps.Clone(r.Categories), maps.Clone(r.Grades), slices.Clone(r.Reminders)
	return r
}

// Validate checks that the rules are complete and consistent: a grade for
// every category, a rule for every grade, levels inside the grid, graver
// grades handled no lower than lighter ones, positive durations.
func (r Rules) Validate() error {
	if len(r.Categories) == 0 {
		return invalid("categories", "at least one category is required")
	}
	for c, g := range r.Categories {
		if c == "" || len(c) > maxKey || !g.Valid() {
			return invalid("categories", "category %q has no valid grade", c)
		}
	}
	err := kernel.CheckGrades(r.Grades, func(g GradeRule) grid.Level { return g.Level }, func(field string, g GradeRule) error {
		if g.RectifyWithin <= 0 {
			return invalid(field+".rectify_within", "must be positive")
		}
		return nil
	})
	if err != nil {
		return err
	}
	if r.VerifyWithin <= 0 {
		return invalid("verify_within", "must be positive")
	}
	if err := kernel.CheckReminders(r.Reminders); err != nil {
		return err
	}
	return kernel.CheckAtRisk(r.AtRisk)
}

// Grade returns the grade a hazard of category defaults to: the category's,
// or Simple for a category the rules do not list.
func (r Rules) Grade(category Category) work.Grade {
	return max(work.Simple, r.Categories[category])
}
