// Package fourplusn runs a township's "4+N" dispute-mediation and
// grid-governance work: police + justice office + grid + people's mediation
// committee, plus N other bodies, working through a five-level grid of people
// who find, register, mediate and escalate neighbourhood disputes and safety
// hazards before they grow ("小事有人问，大事有人管").
//
// The library is pure domain code; storage and transport are adapters.
// Each domain package imports only those drawn above it:
//
//	fourplusn    errors, and the rule for text a person types (this package)
//	timeline/    the hash-chained, append-only event log of every case,
//	             hazard and township's administration
//	attachment/  photos and documents as evidence: taken for what their
//	             content is, photos kept without EXIF, files kept by their
//	             SHA-256, which the timelines record
//	grid/        the five-level tree of cells, members and their posts, the
//	             permission policy every service asks before it acts, and
//	             the grid's administration
//	work/        the vocabulary cases and hazards share: grades, channels,
//	             deadlines and what they call for, notices and their
//	             recipients, idempotency keys, pages, the store contract,
//	             the handovers' actions
//	mediation/   dispute cases from first inquiry to closed: intake, grading
//	             and routing, review, acceptance, 4+N sessions, agreements,
//	             escalation, transfer, follow-up, deadlines
//	hazard/      safety hazards: whistle reports, rectification,
//	             verification; it imports mediation only to turn a dispute
//	             lead into a case
//	stats/       counts, rates, period-over-period figures, the tracking view
//
// Between work and the two services, internal/kernel holds the steps they
// share, written once: get a record, ask whether the actor may see it,
// present it as they may; act once authorized and record the event in the
// same write; list within the actor's scope; hand open work over; attach
// a file and serve it. The
// rules stay in the two packages.
//
//	adapters/    storage (memstore; bunstore on SQLite or PostgreSQL, with
//	             the conformance kit storetest; files in a directory), the
//	             JSON API (httpapi),
//	             staff accounts (accounts), the roster workbook (roster),
//	             the delivery of notices (outbox, notify), the deadline
//	             runner (deadlines), the WeCom channel (inbox, wecom) and
//	             Open311 for partner systems and the public (open311)
//	examples/    the pilot server a township runs as is (pilot), a data
//	             generator (gendata), a load generator (loadgen) and a small
//	             embedding (quickstart)
//
// No domain package imports an adapter, a database or HTTP; adapters import
// the domain, and examples wire adapters together.
//
// # Errors
//
// This root package holds the one vocabulary every other package shares: the
// error type [Error] with its small set of codes ([Invalid], [Unauthorized],
// [Forbidden], [NotFound], [Conflict], [Internal]) and [ErrorCode] to read the
// code of any error. It lives here, and not in a package of its own, because
// every domain package and every adapter needs it and it needs nothing:
// putting it at the root keeps the import graph a tree with the vocabulary at
// its top, as in a standard Go layout. An adapter maps codes to its protocol
// in one table; a [Code] is itself an error, so
//
//	errors.Is(err, fourplusn.Forbidden)
//
// asks whether err, however deeply wrapped, carries that code. An Invalid
// error names the field at fault, and a validation that found several
// lists them all ([ErrorFields]; validators collect them with a
// [Validation]), so that whoever typed the input learns every mistake at
// once.
//
// # What people type
//
// The root package holds the one rule for text a person types, applied by
// the domain to every such field before it stores it: [Text] and its
// variants trim, normalise to NFC and refuse control and invisible format
// characters, and return the cleaned text, which is what is stored.
// [ParseYuan] reads an amount typed in yuan; a [Window] bounds a date a
// person gives.
//
// # Quick start
//
// Build the demo township (the seed's Gucheng sub-district) and ask the grid
// policy whether 马园's community officer may accept a case in 马园 one group:
//
//	d := gridtest.Gucheng()
//	officer := d.Member("mayuan-police").Actor()
//	err := grid.DefaultPolicy().Can(officer, grid.Accept, grid.Target{Cell: d.Path("mayuan-1")})
//
// err is nil when the action is allowed, and otherwise a coded error naming
// the rule that refused it. examples/quickstart prints the whole tree and what
// a handful of posts may do where.
package fourplusn
