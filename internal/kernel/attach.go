package kernel

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
)

// Attaching is how a kind of record takes files.
type Attaching[R any] struct {
	// Action is the event of a file attached.
	Action timeline.Action
	// Permission is what actor needs to attach u to r as it is — any one
	// of the actions — and where: a personal file (an identity document)
	// needs ViewPersonal there too.
	Permission func(actor grid.Actor, r R, u attachment.Upload) ([]grid.Action, grid.Target)
	// List returns the record's attachments, to append to.
	List func(r R) *[]attachment.Attachment
	// Check refuses u on r as it is now, by actor: a state that takes no
	// more files (Conflict), a part of the record that does not exist
	// (Invalid, naming "of"), what actor may not add (Forbidden).
	Check func(actor grid.Actor, r R, u attachment.Upload) error
}

// Attach attaches u's file to record id: its bytes and thumbnail are put
// in Files first, durably, then the record lists it and its timeline
// records it (a.Action), with the file's SHA-256 under
// attachment.DetailSum and the thumbnail's under DetailThumbnail, so that
// CheckTimeline finds a file changed or gone later. A file put whose
// record was then refused — a stale version, a change in between — stays
// in Files unreferenced; it is the same bytes the next attempt puts.
func (rs Records[R, ID]) Attach(ctx context.Context, actor grid.Actor, id ID, version int64, a Attaching[R], u attachment.Upload) (R, error) {
	var zero R
	if rs.Files == nil {
		return zero, attachment.ErrNoFiles
	}
	var v fourplusn.Validation
	if !u.Kind.Valid() {
		v.Fail("kind", "unknown kind %d", u.Kind)
	}
	if u.File.Type == "" || len(u.File.Bytes) == 0 {
		v.Fail("file", "is required")
	}
	if err := v.Err(); err != nil {
		return zero, err
	}
	// Authorize before storing anything; the write below authorizes
	// again, on the record as it then is.
	r, err := rs.Store.Get(ctx, id)
	if err == nil {
		err = rs.CanView(actor, r)
	}
	if err == nil {
		err = rs.mayAttach(actor, r, a, u)
	}
	if err == nil {
		// Refuse what the record cannot take before storing it; the
		// write below checks again.
		err = rs.Quota.Admit(*a.List(r), int64(len(u.File.Bytes)))
	}
	if err != nil {
		return zero, err
	}
	if err := rs.Files.Put(ctx, u.File.SHA256, bytes.NewReader(u.File.Bytes)); err != nil {
		return zero, err
	}
	if u.File.Thumbnail != nil {
		if err := rs.Files.Put(ctx, u.File.ThumbnailSum, bytes.NewReader(u.File.Thumbnail)); err != nil {
			return zero, err
		}
	}
	// What attaching needs depends on the record as it is when written.
	authorize := func(r R) error {
		if err := rs.CanView(actor, r); err != nil {
			return err
		}
		return rs.mayAttach(actor, r, a, u)
	}
	return rs.act(ctx, actor, id, version, authorize, func(r R, now time.Time) (timeline.Action, map[string]string, error) {
		list := a.List(r)
		if err := rs.Quota.Admit(*list, int64(len(u.File.Bytes))); err != nil {
			return "", nil, err
		}
		at := attachment.Attachment{
			ID: strconv.Itoa(len(*list) + 1), Kind: u.Kind, Of: u.Of, Type: u.File.Type, Size: int64(len(u.File.Bytes)),
			Sum: u.File.SHA256, Thumbnail: u.File.ThumbnailSum, Width: u.File.Width, Height: u.File.Height, AddedAt: now, AddedBy: actor.ID,
		}
		*list = append(*list, at)
		details := map[string]string{
			"attachment": at.ID, "kind": at.Kind.String(), "of": at.Of, "type": at.Type,
			"size": strconv.FormatInt(at.Size, 10), attachment.DetailSum: at.Sum.String(),
		}
		if at.HasThumbnail() {
			details[attachment.DetailThumbnail] = at.Thumbnail.String()
		}
		return a.Action, details, nil
	})
}

// mayAttach checks that actor may attach u to r now: the permission the
// kind asks for, ViewPersonal for a personal file, and the kind's own
// checks.
func (rs Records[R, ID]) mayAttach(actor grid.Actor, r R, a Attaching[R], u attachment.Upload) error {
	needs, target := a.Permission(actor, r, u)
	var err error
	for _, need := range needs {
		if err = rs.Policy.Can(actor, need, target); err == nil {
			break
		}
	}
	if err != nil {
		return err
	}
	if u.Kind.Personal() {
		if err := rs.Policy.Can(actor, grid.ViewPersonal, target); err != nil {
			return err
		}
	}
	return a.Check(actor, r, u)
}

// OpenAttachment returns attachment aid of record id as actor may see it,
// listed by list on the record as Get presents it, and a reader of its
// bytes, or of its thumbnail when thumbnail is set (NotFound for a PDF,
// which has none). An attachment the presented record does not list — an
// identity document to a masked viewer — does not exist (NotFound). The
// caller closes the reader.
func (rs Records[R, ID]) OpenAttachment(ctx context.Context, actor grid.Actor, id ID, aid string, thumbnail bool, list func(r R) []attachment.Attachment) (attachment.Attachment, io.ReadCloser, error) {
	if rs.Files == nil {
		return attachment.Attachment{}, nil, attachment.ErrNoFiles
	}
	r, err := rs.Get(ctx, actor, id)
	if err != nil {
		return attachment.Attachment{}, nil, err
	}
	for _, a := range list(r) {
		if a.ID != aid {
			continue
		}
		sum := a.Sum
		if thumbnail {
			if !a.HasThumbnail() {
				return attachment.Attachment{}, nil, fourplusn.Errorf(fourplusn.NotFound, "attachment %s of %s %s has no thumbnail", aid, rs.Noun, id)
			}
			sum = a.Thumbnail
		}
		f, _, err := rs.Files.Open(ctx, sum)
		if err != nil {
			return attachment.Attachment{}, nil, err
		}
		return a, f, nil
	}
	return attachment.Attachment{}, nil, fourplusn.Errorf(fourplusn.NotFound, "%s %s has no attachment %s", rs.Noun, id, aid)
}
