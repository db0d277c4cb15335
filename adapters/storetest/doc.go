// Package storetest is the conformance suite for fourplusn's stores. An
// integrator who writes their own storage adapter runs it against their
// implementation, the way testing/fstest checks a file system.
//
// # Calling it
//
// The suite runs from an ordinary Test function in the adapter's tests:
//
//	func TestConformance(t *testing.T) {
//		storetest.Cases(t, func(t *testing.T) mediation.Store { return mystore.New(t) })
//		storetest.Hazards(t, func(t *testing.T) hazard.Store { return mystore.NewHazards(t) })
//		storetest.Grid(t, func(t *testing.T) grid.Store { return mystore.NewGrid(t) })
//		storetest.Stats(t, func(t *testing.T) storetest.Stores {
//			db := mystore.New(t)
//			return storetest.Stores{Cases: db.Cases(), Hazards: db.Hazards(), Source: db.Stats()}
//		})
//		storetest.Indicators(t, func(t *testing.T) stats.Indicators { return mystore.NewIndicators(t) })
//	}
//
// Each entry point checks one store interface in subtests of its own, one
// subtest per contract. Two entry points may have a subtest of the same
// name (Cases, Hazards and Grid each check "copies are the caller's"); to
// have a failure's name say which store broke, give each entry point a
// Test function of its own or wrap it in a t.Run.
//
// # The constructor
//
// Each entry point takes a constructor, which must return a fresh, empty
// store each time it is called: the checks count on finding nothing but
// what they stored themselves. Cases, Hazards, Grid and Indicators call it
// once for every subtest; Stats calls it once, fills the stores and then
// queries them in a subtest per measure. The constructor is given the
// test that will use the store: it may put the store's files in
// t.TempDir, close its connections or drop its schema in t.Cleanup, and
// fail the test if the store cannot be opened.
//
// # What each entry point checks
//
//   - Cases checks a mediation.Store: a case reads back with every field as
//     it was created or updated; no case or event given or handed out is
//     shared with the store; a missing case is NotFound, a taken ID or
//     tracking code a Conflict; a Create retried under one idempotency key
//     stores one case, even when the retries come at once; Update gives its
//     function the stored case, raises the version by one, refuses a stale
//     version as a Conflict, stores nothing when the function fails, and
//     serializes concurrent writers without losing one; each case's
//     timeline is its events in order, verified against its chain; a
//     canceled context stops every method and stores nothing; Create
//     numbers a township's cases of a year 1, 2, 3, … — 50 at once get 1
//     to 50 — a Create that stores nothing takes no number, Update keeps
//     the number and GetByNumber finds a case by it; and List
//     selects by every criterion of a Filter exactly as Filter.Matches
//     does, newest first, in pages whose cursors skip and repeat nothing
//     while newer cases arrive, and refuses an invalid Filter as Invalid.
//   - Hazards checks a hazard.Store: a Create retried under one idempotency
//     key stores one hazard; concurrent Updates are every one stored and a
//     stale version is a Conflict; the timeline verifies against the
//     hazard's chain; no hazard given or handed out is shared with the
//     store, and every field, the reasons for its grade among them, comes
//     back as given; and List walks a subtree in pages, newest first, apart from
//     other townships.
//   - Grid checks a grid.Store: cells, members and administration logs are
//     kept whole and apart per township, a change is stored all or none and
//     only on the log's end it was made on, and nothing returned or given
//     is shared.
//   - Stats checks a stats.Source, and a stats.Batcher if the source is
//     one: every measure under every grouping, for subtrees of two
//     townships and ranges whose ends fall on the records' own times,
//     equals the count by definition (stats.TallyCase, stats.TallyHazard
//     and stats.MeasureCase), and an invalid query is refused as Invalid.
//   - Indicators checks a stats.Indicators: Put replaces a value, Sum adds
//     a township's subtrees once each and keeps names, townships and
//     periods apart, and an invalid value or query is refused as Invalid
//     and stores nothing.
//
// # Reading a failure
//
// Every subtest is checked by one function in this package's source (the
// subtest "every field survives" of Cases by casesEveryFieldSurvives in
// cases.go) whose comment states the contract in full; a failure names the
// subtest, the line of the check that broke, and what the check expected. Where the suite compares records (cases, hazards,
// events, members, cells), a failure prints only the fields that differ,
// "-" for what the suite expected and "+" for what the store returned:
//
//	--- FAIL: TestConformance/every_field_survives (0.00s)
//	    cases.go:75:
//	        Error:      not the same (-want +got):
//	                      &mediation.Case{
//	                      	... // 26 identical fields
//	                      	AcceptDue:  s"2023-03-02 01:00:00.12345679 +0000 UTC",
//	                      	ResolveDue: s"2023-03-16 01:00:00.12345679 +0000 UTC",
//	                    - 	Escalation: &mediation.Escalation{
//	                    - 		From:   "/gucheng/gc-east/mayuan",
//	                    - 		To:     "/gucheng",
//	                    - 		Reason: "重大",
//	                    - 		By:     "system",
//	                    - 		At:     s"2023-03-02 07:00:00.12345679 +0000 UTC",
//	                    - 	},
//	                    + 	Escalation:  nil,
//	                      	Escalations: 2,
//	                      	Transfers:   1,
//	                      	... // 11 identical fields
//	                      }
//	        Messages:   after Create
//
// That is a store that loses a case's escalation on Create: the subtest
// names the contract broken, the message the step of it.
//
// # What it uses
//
// The suite uses only the stores' interfaces and builds its records as the
// Service would, with timelines sealed on real chains and cells of the demo
// grid (grid/gridtest), so that it tests a store as the Service uses it,
// whatever the store is built on.
package storetest
