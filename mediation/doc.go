// Package mediation handles dispute cases (矛盾纠纷) from the first inquiry
// to closed.
//
// A case is registered by whoever first receives it — a grid head, an
// officer, the duty watch, or a resident applying online — and that person
// is its first responder (首问负责制): they may not refuse it for jurisdiction
// and stay accountable until a competent handler accepts it. The case is
// graded from its category, the money claimed and its risks (a threat to
// petition, a likely fight, …), and the grade picks the level of the grid
// that handles it; the handling cell is the location's ancestor at that
// level. A case that arose outside the township is handled by the first
// responder's own cell and flagged, or transferred out with a record; it is
// never dropped. Every case is numbered as it is registered, in its
// township's register of the year ([Number], 古调〔2026〕58号): the number
// people say and file it by, while its ID stays the key of its records.
//
// The lifecycle:
//
//	registered ─accept─▶ accepted ─session─▶ mediating ─agreement─▶ agreed ─follow-up…─▶ closed
//	    │                    │                  ├─fail──────────▶ failed ─────────────▶ closed
//	    ├─reject─▶ rejected  └──────withdraw────┴─withdraw──────▶ withdrawn ──────────▶ closed
//	    └─transfer out─▶ transferred out ─────────────────────────────────────────────▶ closed
//
// A case is agreed when its agreement takes effect. A written agreement
// (人民调解协议书) is drafted (DraftAgreement) and revised as often as
// needed, each revision numbered; printed (Agreement.RenderHTML) with
// blank lines for the marks; and its marks recorded as they are made
// (RecordSigning): each party's signature, seal or fingerprint, the
// mediator's signature, the committee's seal. With the last of them it is
// in effect, and the 30 days for 司法确认 run. Once in effect it is never
// revised: a new agreement, with the reason, supersedes it when that one
// takes effect (SupersedeAgreement). An oral agreement is in effect when
// the mediator records it (RecordAgreement), as is a written one recorded
// already signed:
//
//	draft ─revise…─▶ draft ─marks…─▶ in effect ─new agreement signed─▶ superseded
//
// Escalation (呈报审核), transfer to another cell, extension, new risks
// and corrections of what was registered happen along the way. The
// parties' particulars (name, sex, ethnic group, age, occupation,
// contacts, agents) are optional at intake, where only names and the
// applicant's phone are required, and complete before a written agreement
// is drafted.
//
// Each case keeps a file (卷宗, [Case.File]) of the items the Ministry of
// Justice's formats set, in their order, each present, missing or not
// applicable, made from its records and timeline and printed as one
// document ([CaseFile.RenderHTML]). Closing checks it: once a case was
// accepted, every party must have been given the notice of rights and
// duties (GiveRights, printed by [Case.RenderRightsNotice]) and have an
// ID-card number on the case; an agreement needs a follow-up visit, and a
// written one must be in effect. A closing refused names every item
// missing ([FileIncompleteError]). Every change is a [Service] method that authorizes
// the actor through the grid policy, checks the case's state, and appends
// an event to the case's hash-chained timeline (package
// timeline) in the same write, through a [Store] whose updates are
// versioned so that concurrent edits conflict rather than overwrite.
//
// The package is pure: no database, no HTTP. A Service is built by
// NewService from a Config: time comes from its clock, storage from a Store
// (adapters/memstore in memory, adapters/bunstore in SQL, or an adapter of
// the integrator's own, checked by the conformance kit storetest).
package mediation
