package work

import "github.com/fourplusn/fourplusn/timeline"

// The actions a change of the grid records on the timeline of an open
// case or hazard (see grid.Work). Do not change the values: they are
// stored, and hashed into the chain.
const (
	ActionHandedOver timeline.Action = "handed_over" // to a successor; details: from, to, reason
	ActionReassigned timeline.Action = "reassigned"  // to the cell taking a retired one's work; details: from, to (cells), reason
	ActionRelocated  timeline.Action = "relocated"   // with its moved subtree; details: from, to (the subtree), reason
)
