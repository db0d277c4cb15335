package mediation

import (
	"context"
	"io"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/internal/kernel"
)

// residentKinds are what an applicant may attach to their application.
var residentKinds = map[attachment.Kind]bool{attachment.Photo: true, attachment.Evidence: true}

// attaching is how a case takes files.
var attaching = kernel.Attaching[*Case]{
	Action: ActionAttached,
	Permission: func(actor grid.Actor, c *Case, u attachment.Upload) ([]grid.Action, grid.Target) {
		switch {
		case actor.Kind == grid.Resident:
			return []grid.Action{grid.View}, c.target() // a resident's own application: the policy checks ownership
		case c.State == Registered && residentKinds[u.Kind] && u.Of == "":
			// What the applicant brought, added by whoever may take
			// cases in there too, until the case is accepted.
			return []grid.Action{grid.Mediate, grid.Register}, c.target()
		}
		return []grid.Action{grid.Mediate}, c.target()
	},
	List: func(c *Case) *[]attachment.Attachment { return &c.Attachments },
	Check: func(actor grid.Actor, c *Case, u attachment.Upload) error {
		switch {
		case c.State == Closed || c.State == Rejected:
			return fourplusn.Errorf(fourplusn.Conflict, "a %s case takes no more files", c.State)
		case actor.Kind == grid.Resident && (c.State != Registered || !residentKinds[u.Kind] || u.Of != ""):
			return fourplusn.Errorf(fourplusn.Forbidden, "an applicant adds photos and evidence to their application until it is accepted")
		}
		return c.checkOf(u.Of)
	},
}

// Attach attaches a file to case id, or to one of its sessions, agreement
// revisions or follow-up visits (u.Of: "session:2", "agreement:3",
// "followup:1"): its bytes and thumbnail are put in Config.Files first,
// durably, then the case lists it and its timeline records it
// (ActionAttached) with the file's SHA-256, which CheckTimeline checks.
//
// Needs Mediate at the handling cell, and ViewPersonal there for an
// identity document. Until the case is accepted, photos and evidence of
// the case itself — what the applicant brought — need only Register
// there, as the member who takes in an application through a channel
// has; and the resident who applied online may add them too. Allowed until
// the case is closed. Returns Invalid for an unknown kind or part of the
// case, and for a case with the most files it may have.
func (s *Service) Attach(ctx context.Context, actor grid.Actor, id ID, version int64, u attachment.Upload) (*Case, error) {
	return s.records.Attach(ctx, actor, id, version, attaching, u)
}

// KeepsFiles reports whether the service keeps attached files
// (Config.Files is set): without them Attach and OpenAttachment return
// attachment.ErrNoFiles, and an adapter may refuse an upload before it
// reads it.
func (s *Service) KeepsFiles() bool { return s.files != nil }

// checkOf checks that the part of c an attachment belongs to exists.
func (c *Case) checkOf(of string) error {
	return attachment.CheckPart(of, map[string]int{"session": len(c.Sessions), "agreement": c.lastRevision(), "followup": len(c.FollowUps)})
}

// OpenAttachment returns attachment aid of case id as actor may see it,
// and a reader of its bytes, or of its thumbnail when thumbnail is set
// (NotFound for a PDF, which has none). Identity documents are seen only
// by those who may see the parties unmasked: to others they do not exist
// (NotFound), as Get lists them not. The caller closes the reader.
func (s *Service) OpenAttachment(ctx context.Context, actor grid.Actor, id ID, aid string, thumbnail bool) (attachment.Attachment, io.ReadCloser, error) {
	return s.records.OpenAttachment(ctx, actor, id, aid, thumbnail, func(c *Case) []attachment.Attachment { return c.Attachments })
}
