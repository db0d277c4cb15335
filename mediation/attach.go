package mediation

import (
	"bytes"
	"context"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
)

// residentKinds are what an applicant may attach to their application.
var residentKinds = map[attachment.Kind]bool{attachment.Photo: true, attachment.Evidence: true}

// maxAttachments bounds the files of one case: enough for every photo
// and scan of a long mediation, and a bound on what one case can fill.
const maxAttachments = 200

// ofPattern is what an attachment may belong to.
var ofPattern = regexp.MustCompile(`^(|session:[1-9][0-9]{0,3}|agreement:[1-9][0-9]{0,3}|followup:[1-9][0-9]{0,3})$`)

// Attach attaches a file to case id, or to one of its sessions, agreement
// revisions or follow-up visits (u.Of): its bytes and thumbnail are put in
// the Service's Files first, durably, then the case records it and its
// timeline the event (ActionAttached) with the file's SHA-256, so that
// CheckTimeline finds a file changed or gone later. A file put whose
// event was then refused — a stale version, a change in between — stays
// in Files unreferenced; it is the same bytes the next attempt puts.
//
// Needs Mediate at the handling cell, and ViewPersonal there for an
// identity document; the resident who applied online may add photos and
// evidence to the application itself until it is accepted. Allowed until
// the case is closed. Returns Invalid
// for an unknown kind or what it belongs to, and for a case with
// maxAttachments files already.
func (s *Service) Attach(ctx context.Context, actor grid.Actor, id ID, version int64, u attachment.Upload) (*Case, error) {
	if s.files == nil {
		return nil, errors.New("mediation: Config.Files is not set: attachments are off")
	}
	var v fourplusn.Validation
	if !u.Kind.Valid() {
		v.Fail("kind", "unknown kind %d", u.Kind)
	}
	if !ofPattern.MatchString(u.Of) {
		v.Fail("of", "must be empty, or session:N, agreement:N or followup:N")
	}
	if u.File.Type == "" || len(u.File.Bytes) == 0 {
		v.Fail("file", "is required")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	// Authorize before storing anything, then store, then record; the
	// record's own check below repeats the authorization in its write.
	c, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := s.mayAttach(actor, c, u.Kind); err != nil {
		return nil, err
	}
	if err := s.files.Put(ctx, u.File.SHA256, bytes.NewReader(u.File.Bytes)); err != nil {
		return nil, err
	}
	thumb := u.File.ThumbnailSum
	if u.File.Thumbnail != nil {
		if err := s.files.Put(ctx, thumb, bytes.NewReader(u.File.Thumbnail)); err != nil {
			return nil, err
		}
	}
	need := grid.Mediate
	if actor.Kind == grid.Resident {
		need = grid.View // a resident's own application: the policy checks ownership
	}
	return s.act(ctx, actor, id, version, need, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		if c.State == Closed || c.State == Rejected {
			return "", nil, fourplusn.Errorf(fourplusn.Conflict, "a %s case takes no more files", c.State)
		}
		if actor.Kind == grid.Resident && (c.State != Registered || !residentKinds[u.Kind] || u.Of != "") {
			return "", nil, fourplusn.Errorf(fourplusn.Forbidden, "an applicant adds photos and evidence to their application until it is accepted")
		}
		if err := s.mayAttach(actor, c, u.Kind); err != nil {
			return "", nil, err
		}
		if len(c.Attachments) >= maxAttachments {
			return "", nil, invalid("file", "the case has %d files already, the most it may have", maxAttachments)
		}
		if err := c.checkOf(u.Of); err != nil {
			return "", nil, err
		}
		a := attachment.Attachment{
			ID: strconv.Itoa(len(c.Attachments) + 1), Kind: u.Kind, Of: u.Of, Type: u.File.Type, Size: int64(len(u.File.Bytes)),
			Sum: u.File.SHA256, Thumbnail: thumb, Width: u.File.Width, Height: u.File.Height, AddedAt: now, AddedBy: actor.ID,
		}
		c.Attachments = append(c.Attachments, a)
		details := map[string]string{
			"attachment": a.ID, "kind": a.Kind.String(), "of": a.Of, "type": a.Type,
			"size": strconv.FormatInt(a.Size, 10), attachment.DetailSum: a.Sum.String(),
		}
		if a.HasThumbnail() {
			details[attachment.DetailThumbnail] = a.Thumbnail.String()
		}
		return ActionAttached, details, nil
	})
}

// mayAttach checks that actor may attach a file of kind k to c: an
// identity document is personal data.
func (s *Service) mayAttach(actor grid.Actor, c *Case, k attachment.Kind) error {
	if k.Personal() {
		return s.policy.Can(actor, grid.ViewPersonal, c.target())
	}
	return nil
}

// checkOf checks that what an attachment belongs to exists on c.
func (c *Case) checkOf(of string) error {
	if of == "" {
		return nil
	}
	kind, num, _ := strings.Cut(of, ":")
	n, _ := strconv.Atoi(num) // ofPattern let only digits through
	var ok bool
	switch kind {
	case "session":
		ok = n <= len(c.Sessions)
	case "followup":
		ok = n <= len(c.FollowUps)
	case "agreement":
		ok = n <= c.lastRevision()
	}
	if !ok {
		return invalid("of", "the case has no %s", of)
	}
	return nil
}

// OpenAttachment returns attachment aid of case id as actor may see it,
// and a reader of its bytes, or of its thumbnail when thumbnail is set
// (NotFound for a PDF, which has none). Identity documents are seen only
// by those who may see the parties unmasked: to others they do not exist
// (NotFound), as on the case they are given. The caller closes the
// reader.
func (s *Service) OpenAttachment(ctx context.Context, actor grid.Actor, id ID, aid string, thumbnail bool) (attachment.Attachment, io.ReadCloser, error) {
	if s.files == nil {
		return attachment.Attachment{}, nil, errors.New("mediation: Config.Files is not set: attachments are off")
	}
	c, err := s.Get(ctx, actor, id)
	if err != nil {
		return attachment.Attachment{}, nil, err
	}
	for _, a := range c.Attachments {
		if a.ID != aid {
			continue
		}
		sum := a.Sum
		if thumbnail {
			if !a.HasThumbnail() {
				return attachment.Attachment{}, nil, fourplusn.Errorf(fourplusn.NotFound, "attachment %s of case %s has no thumbnail", aid, id)
			}
			sum = a.Thumbnail
		}
		r, _, err := s.files.Open(ctx, sum)
		if err != nil {
			return attachment.Attachment{}, nil, err
		}
		return a, r, nil
	}
	return attachment.Attachment{}, nil, fourplusn.Errorf(fourplusn.NotFound, "case %s has no attachment %s", id, aid)
}
