package hazard

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/internal/kernel"
)

// hazardKinds are what a hazard takes: it has no parties, so no identity
// documents and no agreements.
var hazardKinds = map[attachment.Kind]bool{
	attachment.Photo: true, attachment.Evidence: true, attachment.ProofOfPerformance: true, attachment.Other: true,
}

// attaching is how a hazard takes files.
var attaching = kernel.Attaching[*Hazard]{
	Action: ActionAttached,
	Permission: func(actor grid.Actor, h *Hazard, u attachment.Upload) ([]grid.Action, grid.Target) {
		switch {
		case actor.Kind == grid.Resident:
			// The resident's own report: the policy checks ownership.
			return []grid.Action{grid.View}, grid.Target{Cell: h.Handling, Owner: h.Owner}
		case strings.HasPrefix(u.Of, "verification:"):
			return []grid.Action{grid.Verify}, verifyCell(h)
		case actor.ID == h.Reporter && !h.ReporterCell.IsZero() && u.Of == "" && h.State == Open && h.Reopens == 0:
			// The member who blew the whistle adds their photos of it,
			// through the post they reported through, until it is
			// rectified.
			return []grid.Action{grid.ReportHazard}, grid.Target{Cell: h.ReporterCell}
		}
		return []grid.Action{grid.Rectify}, handlingCell(h)
	},
	List: func(h *Hazard) *[]attachment.Attachment { return &h.Attachments },
	Check: func(actor grid.Actor, h *Hazard, u attachment.Upload) error {
		switch {
		case !hazardKinds[u.Kind]:
			return fourplusn.FieldError("kind", "a hazard takes photos, evidence, proof of rectification and other files, not %s", u.Kind)
		case h.State == Converted || h.State == Closed && u.Of != "verification:"+strconv.Itoa(len(h.Verifications)):
			// A closed hazard takes the photos of the verification that
			// closed it, which are taken on the spot as it is recorded.
			return fourplusn.Errorf(fourplusn.Conflict, "a %s hazard takes no more files", h.State)
		case actor.Kind == grid.Resident && (h.State != Open || u.Of != "" || h.Reopens > 0):
			return fourplusn.Errorf(fourplusn.Forbidden, "a resident adds photos to their report until it is rectified")
		}
		return h.checkOf(u.Of)
	},
}

// Attach attaches a file to hazard id: a photo of it as found (u.Of ""),
// of a rectification ("rectification:N", the after-photo) or of a
// verification ("verification:N"). Its bytes and thumbnail are put in
// Config.Files first, durably, then the hazard lists it and its timeline
// records it (ActionAttached) with the file's SHA-256, which CheckTimeline
// checks.
//
// Needs Rectify at the handling cell, or Verify at the verifying cell for
// a verification's file; whoever reported it — the member through the
// post they reported through, the resident online — may add photos and
// evidence of it as found until it is rectified. Allowed until
// the hazard is closed — but for the files of the verification that
// closed it — or converted. Returns Invalid for a kind a hazard
// does not take, a part it does not have, and a hazard with the most
// files it may have.
func (s *Service) Attach(ctx context.Context, actor grid.Actor, id ID, version int64, u attachment.Upload) (*Hazard, error) {
	return s.records.Attach(ctx, actor, id, version, attaching, u)
}

// KeepsFiles reports whether the service keeps attached files
// (Config.Files is set): without them Attach and OpenAttachment return
// attachment.ErrNoFiles, and an adapter may refuse an upload before it
// reads it.
func (s *Service) KeepsFiles() bool { return s.records.Files != nil }

// checkOf checks that the part of h an attachment belongs to exists.
func (h *Hazard) checkOf(of string) error {
	return attachment.CheckPart(of, map[string]int{"rectification": len(h.Rectifications), "verification": len(h.Verifications)})
}

// OpenAttachment returns attachment aid of hazard id as actor may see it,
// and a reader of its bytes, or of its thumbnail when thumbnail is set
// (NotFound for a PDF, which has none). The caller closes the reader.
func (s *Service) OpenAttachment(ctx context.Context, actor grid.Actor, id ID, aid string, thumbnail bool) (attachment.Attachment, io.ReadCloser, error) {
	return s.records.OpenAttachment(ctx, actor, id, aid, thumbnail, func(h *Hazard) []attachment.Attachment { return h.Attachments })
}
