package hazard

import "github.com/fourplusn/fourplusn/timeline"

// The actions of a hazard's timeline. Do not change the values: they are
// stored, and hashed into the chain.
const (
	ActionReported           timeline.Action = "reported"            // the whistle: found and reported
	ActionRectified          timeline.Action = "rectified"           // rectification reported
	ActionVerified           timeline.Action = "verification.passed" // the upper post verified it: closed
	ActionVerificationFailed timeline.Action = "verification.failed" // open again
	ActionConverted          timeline.Action = "converted"           // a dispute lead turned into a case
	// ActionAttached records a file attached; details as mediation's:
	// attachment, kind, of, type, size, sha256 and thumbnail_sha256.
	ActionAttached timeline.Action = "attachment.added"
)
