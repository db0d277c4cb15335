// Package work is the vocabulary a township's two kinds of work share: its
// dispute cases (package mediation) and its safety hazards (package
// hazard). Both are graded (Grade), reach the grid through a Channel, run
// against deadlines (Deadline, with its Status), are kept by a Store under
// one contract, are created once under an IdempotencyKey however often a
// client retries, are listed a page at a time (DefaultPage, MaxPage), find
// their cells through Cells, and are handed over with the same actions
// (ActionHandedOver, ActionReassigned, ActionRelocated).
//
// It holds no rules of its own: what a grade means for cases or for
// hazards is each package's Rules. It sits below both, so that hazard
// imports mediation only to turn a dispute lead into a case.
package work
