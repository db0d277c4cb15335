package work

// Reason is one rule that decided the grade of a case or a hazard, or the
// cell that handles it: a stable code, the grade the rule demands (none
// for where the work is handled), and the rule as it applied, in Chinese,
// so that whoever reads the record sees why it is red or why the village
// has it. Cases and hazards keep theirs as they applied when graded, and
// stores keep them with the rest of the record, by these field names.
// Mediation says in the same shape why a case looks like another
// (mediation.Candidate).
type Reason struct {
	Code  string
	Grade Grade
	Text  string
}

// The codes of the reasons cases and hazards both give; each package adds
// its own (mediation.ReasonRisk, hazard.ReasonReported, …).
const (
	ReasonCategory = "category" // the category's grade
	ReasonLevel    = "level"    // the grade's handling level
)
