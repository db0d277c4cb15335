// Package hazard handles safety hazards (安全隐患) from the whistle to closed.
//
// A hazard is reported by whoever finds it: a member through any post that
// may report hazards, wherever in the township it was found (吹哨), or a
// resident online, who may then follow their report. It is graded — by the
// report, or from its category: fire and gas red, electrical, structural and
// flood yellow, the rest green by default — and the grade picks the level of
// the grid that rectifies it; the handling cell is the location's ancestor
// at that level, exactly as mediation routes cases. It keeps the rules that
// did both as they applied, each a work.Reason with its text in Chinese
// (Hazard.Grading), as a case does. A post that removes the hazard at once
// reports it rectified on the spot (当场整改), with evidence.
//
// The lifecycle:
//
//	open ─rectify─▶ rectified ─verify: passed─▶ closed
//	 ▲ │                │
//	 │ │                └─verify: failed─┐
//	 └─┼─────────────────────────────────┘ (reopened, with a new time to rectify)
//	   └─convert (dispute leads only)─▶ converted
//
// A report opens a hazard, or, rectified on the spot, starts it rectified.
//
// Verification (验收) is done by a post one level above the handling cell,
// so nobody passes their own work. A dispute lead (矛盾纠纷线索) found by the
// grid's screening can be converted into a mediation case: the case records
// the hazard it grew from, and the hazard records the case it became.
//
// Every change is a [Service] method that authorizes the actor through the
// grid policy, checks the hazard's state, and appends an event to the
// hazard's hash-chained timeline (package timeline, shared with
// cases) in the same write, through a [Store] whose updates are versioned so
// that concurrent edits conflict rather than overwrite. Deadlines to rectify
// and to verify are [work.Deadline] values, so one tracking view lists
// cases and hazards together.
//
// The package is pure: no database, no HTTP. A Service is built by
// NewService from a Config: time comes from its clock, storage from a Store
// (adapters/memstore in memory, adapters/bunstore in SQL).
package hazard
