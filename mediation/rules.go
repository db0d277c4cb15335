package mediation

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/internal/kernel"
	"github.com/fourplusn/fourplusn/work"
)

// GradeRule is what a grade means: the level of the grid that handles cases
// of that grade, and the time allowed to accept and to resolve them. Each
// time is either a duration, which the watch kept around the clock counts
// in hours, or, where a township's rules set it in working days (法定工作日),
// a number of working days counted on the Rules' Calendar, which the
// duration then yields to.
type GradeRule struct {
	Level              grid.Level
	AcceptWithin       time.Duration
	ResolveWithin      time.Duration
	AcceptWorkingDays  int `json:",omitempty"`
	ResolveWorkingDays int `json:",omitempty"`
}

// acceptDue returns when a case of this grade received at from must be
// accepted on cal.
func (g GradeRule) acceptDue(from time.Time, cal *work.Calendar) time.Time {
	return due(from, g.AcceptWithin, g.AcceptWorkingDays, cal)
}

// resolveDue returns when a case of this grade accepted at from must be
// resolved on cal.
func (g GradeRule) resolveDue(from time.Time, cal *work.Calendar) time.Time {
	return due(from, g.ResolveWithin, g.ResolveWorkingDays, cal)
}

// due is from plus workingDays on cal, or within when no working days are
// set.
func due(from time.Time, within time.Duration, workingDays int, cal *work.Calendar) time.Time {
	if workingDays > 0 {
		return cal.AddWorkingDays(from, workingDays)
	}
	return from.Add(within)
}

// AmountRule raises a case to at least Grade when the money claimed reaches
// AtLeast fen.
type AmountRule struct {
	AtLeast int64
	Grade   work.Grade
}

// Rules are a township's grading and deadline tables. DefaultRules gives the
// seed's practice; a township may change any of it before use, and
// Validate checks the result.
type Rules struct {
	// Categories lists the dispute categories and the grade each starts at.
	Categories map[Category]work.Grade
	// Amounts raise the grade with the money claimed.
	Amounts []AmountRule
	// Risks raise the grade at once: each flag sets a minimum grade.
	Risks map[RiskFlags]work.Grade
	// Grades maps each grade to its handling level and deadlines.
	Grades map[work.Grade]GradeRule
	// FailedSessions is how many sessions in a row without progress submit
	// a case upward automatically.
	FailedSessions int
	// MaxExtension caps the days one extension may add.
	MaxExtension int
	// AtRisk is the fraction of the time allowed after which a deadline is
	// reported at risk.
	AtRisk float64
	// Reminders are the fractions of the time allowed at which whoever
	// answers for a deadline is reminded of it, ascending.
	Reminders []float64
	// NumberPrefixes gives a township's case numbers their prefix, by the
	// township's cell: 古调 makes 古调〔2026〕58号. A township not named here
	// numbers its cases with DefaultNumberPrefix of its name. A prefix
	// changed later numbers the cases registered after the change; those
	// before keep the number they were given, as it was printed.
	NumberPrefixes map[grid.CellID]string
	// Calendar is the township's working days, which the deadlines set in
	// working days are counted on: DefaultRules gives work.ChinaCalendar.
	// It is needed only when some grade sets its deadlines so.
	Calendar *work.Calendar `json:",omitempty"`
}

// DefaultRules returns the seed's practice: green cases stay in the villager
// group with a day to settle, yellow ones go to the community with a week,
// red ones to the sector with twenty days — within the Ministry of Justice's
// month, extendable only with both parties' consent. Every case is to be
// accepted within a day: the watch is kept around the clock. A threat to
// petition, a risk of turning criminal and a group dispute make a case red
// at once; a likely fight makes it at least yellow.
func DefaultRules() Rules {
	const day = 24 * time.Hour
	return Rules{
		Categories: map[Category]work.Grade{
			Neighbour: work.Simple, Family: work.Simple, Debt: work.Simple, Tenancy: work.Simple, OtherDispute: work.Simple,
			Homestead: work.Ordinary, Labour: work.Ordinary, Injury: work.Ordinary,
		},
		Amounts: []AmountRule{
			{AtLeast: 1_000_000, Grade: work.Ordinary}, // 10,000 yuan
			{AtLeast: 10_000_000, Grade: work.Major},   // 100,000 yuan
		},
		Risks: map[RiskFlags]work.Grade{
			PetitionThreat: work.Major, CivilToCriminal: work.Major, GroupDispute: work.Major, LikelyFight: work.Ordinary,
		},
		Grades: map[work.Grade]GradeRule{
			work.Simple:   {Level: 4, AcceptWithin: day, ResolveWithin: day},
			work.Ordinary: {Level: 3, AcceptWithin: day, ResolveWithin: 7 * day},
			work.Major:    {Level: 2, AcceptWithin: day, ResolveWithin: 20 * day},
		},
		FailedSessions: 3,
		MaxExtension:   30,
		AtRisk:         0.8,
		Reminders:      work.DefaultReminders(),
		Calendar:       work.ChinaCalendar(),
	}
}

// clone returns a copy of r that shares nothing with it.
func (r Rules) clone() Rules {
	r.Categories, r.Risks, r.Grades = maps.Clone(r.Categories), maps.Clone(r.Risks), maps.Clone(r.Grades)
	r.NumberPrefixes = maps.Clone(r.NumberPrefixes)
	r.Amounts, r.Reminders = slices.Clone(r.Amounts), slices.Clone(r.Reminders)
	if r.Calendar != nil {
		r.Calendar = r.Calendar.Clone()
	}
	return r
}

// Validate checks that the rules are complete and consistent: a rule for
// every grade, levels inside the grid, positive deadlines (with a Calendar
// for those in working days), grades that only
// move up the grid as they grow, prefixes of case numbers that read
// unambiguously (see ValidatePrefix).
func (r Rules) Validate() error {
	if len(r.Categories) == 0 {
		return invalid("categories", "at least one category is required")
	}
	for c, g := range r.Categories {
		if c == "" || !g.Valid() {
			return invalid("categories", "category %q has no valid grade", c)
		}
	}
	for i, a := range r.Amounts {
		if a.AtLeast <= 0 || !a.Grade.Valid() {
			return invalid(fmt.Sprintf("amounts[%d]", i), "an amount rule needs a positive amount and a grade")
		}
	}
	for f, g := range r.Risks {
		if f&^allRisks != 0 || !g.Valid() {
			return invalid("risks", "risk rule %d is not a known flag with a grade", f)
		}
	}
	err := kernel.CheckGrades(r.Grades, func(g GradeRule) grid.Level { return g.Level }, func(field string, g GradeRule) error {
		switch {
		case g.AcceptWorkingDays < 0 || g.ResolveWorkingDays < 0:
			return invalid(field, "working days must not be negative")
		case g.AcceptWithin <= 0 && g.AcceptWorkingDays == 0 || g.ResolveWithin <= 0 && g.ResolveWorkingDays == 0:
			return invalid(field, "deadlines must be positive")
		case (g.AcceptWorkingDays > 0 || g.ResolveWorkingDays > 0) && r.Calendar == nil:
			return invalid("calendar", "deadlines in working days need a calendar")
		}
		return nil
	})
	if err != nil {
		return err
	}
	switch {
	case r.FailedSessions < 1:
		return invalid("failed_sessions", "must be at least 1")
	case r.MaxExtension < 1:
		return invalid("max_extension", "must be at least 1 day")
	}
	if err := kernel.CheckReminders(r.Reminders); err != nil {
		return err
	}
	for _, township := range slices.Sorted(maps.Keys(r.NumberPrefixes)) {
		prefix, field := r.NumberPrefixes[township], fmt.Sprintf("number_prefixes[%s]", township)
		if township == "" {
			return invalid(field, "a prefix of case numbers is given for a township by its cell ID")
		}
		if err := validatePrefix(field, prefix); err != nil {
			return err
		}
	}
	return kernel.CheckAtRisk(r.AtRisk)
}

// Grade returns the grade of a dispute: the gravest of its category's grade,
// the grade its largest money claim reaches, and the grades its risks demand
// (GradeReasons says which).
func (r Rules) Grade(category Category, claims []Claim, risks RiskFlags) work.Grade {
	return gravest(r.GradeReasons(category, claims, risks))
}

// handling returns the cell that handles a case of grade g located at loc:
// loc's ancestor at the grade's level, or loc itself when it lies higher.
func (r Rules) handling(g work.Grade, loc grid.Path) grid.Path {
	return kernel.Handling(r.Grades[g].Level, loc)
}
