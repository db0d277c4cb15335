package mediation

import "github.com/fourplusn/fourplusn/timeline"

// The actions of a case's timeline. Do not change the values: they are
// stored, and hashed into the chain.
const (
	ActionRegistered     timeline.Action = "registered"         // first received; details: grade, handling, category, risks, outside, hazard, consent_version, consent_at, consent_channel
	ActionAccepted       timeline.Action = "accepted"           // accepted for mediation (受理)
	ActionRejected       timeline.Action = "rejected"           // not taken, with the reason and advice
	ActionJoined         timeline.Action = "team.joined"        // a member of the 4+N team joined
	ActionSession        timeline.Action = "session.recorded"   // a mediation session
	ActionAgreement      timeline.Action = "agreement.recorded" // an agreement reached at once, oral or signed already
	ActionFailed         timeline.Action = "failed"             // mediation failed
	ActionWithdrawn      timeline.Action = "withdrawn"          // the applicant withdrew
	ActionEscalated      timeline.Action = "escalation.submitted"
	ActionApproved       timeline.Action = "escalation.approved" // the upper cell took it over
	ActionReturned       timeline.Action = "escalation.returned" // sent back with instructions
	ActionTransferred    timeline.Action = "transferred"         // routed to another cell
	ActionTransferredOut timeline.Action = "transferred_out"     // handed to a body outside the grid
	ActionExtended       timeline.Action = "extended"            // the time to resolve extended
	ActionSuspended      timeline.Action = "suspended"           // mediation stopped while a party is awaited (中止); details: reason
	ActionResumed        timeline.Action = "resumed"             // mediation taken up again; details: paused (a Go duration), resolve_due (RFC 3339)
	ActionRiskRaised     timeline.Action = "risk.raised"
	ActionFollowUp       timeline.Action = "followup.recorded" // a follow-up visit
	ActionReopened       timeline.Action = "reopened"          // back to mediation after a follow-up visit found cause; details: reason, resolve_due (RFC 3339)
	ActionClosed         timeline.Action = "closed"
	// ActionCorrected records a correction of the facts or the parties'
	// particulars; details: reason, and <field>.before and <field>.after
	// for each field changed ("facts", "respondents[0].phone",
	// "applicants[0].agents[0].name"), "" for a field that was empty or
	// is gone.
	ActionCorrected timeline.Action = "corrected"
	// ActionDrafted records a written agreement drafted or revised;
	// details: revision, total_fen, and supersedes (a revision) and
	// reason for one that is to replace the agreement in effect.
	ActionDrafted timeline.Action = "agreement.drafted"
	// ActionSigning records marks made on the printed draft; details:
	// revision; for each party that marked it, parties[i].mark (signed,
	// sealed, fingerprinted) and parties[i].by ("agent" when an agent
	// signed); mediator ("signed"); sealed ("true"); and, when the last
	// mark put it in effect, in_effect (when, RFC 3339) and supersedes
	// (the revision it replaced, if any).
	ActionSigning timeline.Action = "agreement.signing"
	// ActionAttached records a file attached; details: attachment (its
	// ID), kind, of, type, size, sha256 and, for an image,
	// thumbnail_sha256 (see attachment.Check).
	ActionAttached timeline.Action = "attachment.added"
	// ActionRightsGiven records the notice of rights and duties given to
	// parties; details: manner (written, oral), at (RFC 3339), count, and
	// parties[i] ("given") for each party given it, by its place in the
	// case's parties.
	ActionRightsGiven timeline.Action = "rights.given"
	// ActionSessionPlanned records a session planned for a future time,
	// or a change of one; details: uid, sequence, start and end (RFC
	// 3339), place, and the counts of team members (team) and parties
	// invited.
	ActionSessionPlanned timeline.Action = "session.planned"
	// ActionSessionCancelled records a planned session called off;
	// details: uid, sequence, reason.
	ActionSessionCancelled timeline.Action = "session.cancelled"
)
