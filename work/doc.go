// Package work is the vocabulary a township's two kinds of work share: its
// dispute cases (package mediation) and its safety hazards (package
// hazard). Both are graded (Grade) and keep why (Reason), reach the grid
// through a Channel, run against deadlines (Deadline, with its Status),
// are kept by a Store under one contract, are created once under an
// IdempotencyKey however often a client retries, are listed a page at a
// time (DefaultPage, MaxPage), find their cells through Cells, are handed
// over with the same actions (ActionHandedOver, ActionReassigned,
// ActionRelocated), and tell people what they must know, each in a Notice
// to its Recipients, in the township's Zone.
//
// It decides nothing of its own: who is told what of a change, what a
// grade means and what a deadline calls for are each package's rules
// (mediation.Notices, Rules.Due, …). DeadlineRule is how those rules say
// what a deadline calls for, and holds what both kinds share: when a
// reminder comes, how each step is keyed so that it is taken once, and
// how the notices of a step read. It sits below both, so that hazard
// imports mediation only to turn a dispute lead into a case.
package work
