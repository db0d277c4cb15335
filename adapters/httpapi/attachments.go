package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/uptrace/bunrouter"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
)

// maxUpload is the largest body POST …/{id}/attachments reads: the
// largest file attachment.Sanitize takes, and room for the form's other
// fields and the multipart framing. A body past it is cut off, so that a
// client cannot keep the server reading.
var maxUpload = attachment.DefaultLimits.MaxBytes + 64<<10

// maxFormField bounds the fields of an upload besides its file: a kind's
// name, what it belongs to.
const maxFormField = 64

// attacher is what the routes of attachments ask of a kind's domain
// service; mediation.Service and hazard.Service are each one.
type attacher[ID ~string, R any] interface {
	// KeepsFiles reports whether the service keeps files at all, so that
	// an upload is refused before it is read.
	KeepsFiles() bool
	Attach(ctx context.Context, actor grid.Actor, id ID, version int64, u attachment.Upload) (*R, error)
	OpenAttachment(ctx context.Context, actor grid.Actor, id ID, aid string, thumbnail bool) (attachment.Attachment, io.ReadCloser, error)
}

// attachments are the routes of the files attached to the records of k,
// written once for cases and hazards: svc keeps them, and list returns a
// record's attachments in the order added.
type attachments[ID ~string, R, J, F any] struct {
	k    *resource[ID, R, J, F]
	svc  attacher[ID, R]
	list func(*R) []attachment.Attachment
}

// routeAttachments registers POST path/{id}/attachments, GET
// path/{id}/attachments/{aid} and GET …/{aid}/thumbnail for the records of
// k.
func routeAttachments[ID ~string, R, J, F any](k *resource[ID, R, J, F], g *bunrouter.Group, svc attacher[ID, R], list func(*R) []attachment.Attachment) {
	at := &attachments[ID, R, J, F]{k: k, svc: svc, list: list}
	s := k.s
	s.handle(g, http.MethodPost, k.path+"/:id/attachments", at.attach)
	s.handle(g, http.MethodGet, k.path+"/:id/attachments/:aid", func(w http.ResponseWriter, req bunrouter.Request) error {
		return at.serve(w, req, false)
	})
	s.handle(g, http.MethodGet, k.path+"/:id/attachments/:aid/thumbnail", func(w http.ResponseWriter, req bunrouter.Request) error {
		return at.serve(w, req, true)
	})
}

// attach is POST path/{id}/attachments: a file attached to the record, or
// to one of its parts, sent as multipart/form-data with the parts file,
// kind and of. The body is read part by part as it arrives, and the file
// handed to attachment.Sanitize, which takes it for what its content is;
// nothing holds the body whole besides Sanitize's one copy of the file.
// The answer is 201 with the attachment and its Location.
func (at *attachments[ID, R, J, F]) attach(w http.ResponseWriter, req bunrouter.Request) error {
	actor, id, err := at.k.named(req)
	if err != nil {
		return err
	}
	if !at.svc.KeepsFiles() {
		return errNoAttachments
	}
	t := sent[ID]{actor: actor, id: id}
	if t.version, t.matched, err = ifMatch(req); err != nil {
		return err
	}
	u, err := readUpload(w, req)
	if err != nil {
		return err
	}
	ctx := req.Context()
	r, err := at.svc.Attach(ctx, actor, id, t.version, u)
	if err != nil {
		return at.k.stale(ctx, t, err)
	}
	// The record comes back from the write that appended the attachment,
	// so the last is the one just added.
	list := at.list(r)
	out := attachmentOut(at.k.url(id), list[len(list)-1])
	w.Header().Set("Location", out.URL)
	return writeJSON(w, http.StatusCreated, out)
}

// readUpload reads the multipart form of an upload: one file part, its
// kind and, optionally, what it belongs to. Every field at fault is
// named; a form that is not multipart, or is broken, is the fault of
// "file".
func readUpload(w http.ResponseWriter, req bunrouter.Request) (attachment.Upload, error) {
	mt, params, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return attachment.Upload{}, fourplusn.FieldError("file", "send the file as multipart/form-data, with the parts file, kind and, if it belongs to a part of the record, of")
	}
	mr := multipart.NewReader(http.MaxBytesReader(w, req.Body, maxUpload), params["boundary"])
	var u attachment.Upload
	var kind, of *string
	var file bool
	var v fourplusn.Validation
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return attachment.Upload{}, broken(err, err)
		}
		switch name := p.FormName(); name {
		case "file":
			if file {
				return attachment.Upload{}, fourplusn.FieldError("file", "send one file at a time")
			}
			file = true
			r := &readErrors{r: p}
			if u.File, err = attachment.Sanitize(r, attachment.DefaultLimits); err != nil {
				return attachment.Upload{}, broken(r.err, err)
			}
		case "kind", "of":
			dst := &kind
			if name == "of" {
				dst = &of
			}
			if *dst != nil {
				return attachment.Upload{}, fourplusn.FieldError(name, "give it once")
			}
			val, err := io.ReadAll(io.LimitReader(p, maxFormField+1))
			if err != nil {
				return attachment.Upload{}, broken(err, err)
			}
			if len(val) > maxFormField {
				return attachment.Upload{}, fourplusn.FieldError(name, "is at most %d bytes", maxFormField)
			}
			text := string(val)
			*dst = &text
		default:
			field := "file"
			if validID(name) && len(name) <= maxFormField {
				field = name
			}
			return attachment.Upload{}, fourplusn.FieldError(field, "the part %q is not one an upload takes: send file, kind and of", name)
		}
	}
	if !file {
		v.Fail("file", "is required")
	}
	switch {
	case kind == nil:
		v.Fail("kind", "is required")
	default:
		var err error
		u.Kind, err = attachment.ParseKind(*kind)
		v.Add(err)
	}
	if of != nil {
		u.Of = *of
	}
	return u, v.Err()
}

// readErrors is a reader that keeps the first error other than io.EOF
// that its reader gave, so that a file that could not be read whole can
// be told from one refused for what it holds.
type readErrors struct {
	r   io.Reader
	err error
}

func (r *readErrors) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF && r.err == nil {
		r.err = err
	}
	return n, err
}

// broken explains err, which reading an upload ended with, readErr
// being what the body's reader failed with, if anything: a body past
// maxUpload is 413, one that broke off or is not well-formed multipart is
// the fault of "file", and Sanitize's own refusals stand.
func broken(readErr, err error) error {
	if _, ok := errors.AsType[*http.MaxBytesError](readErr); ok {
		return errUploadTooLarge
	}
	if readErr != nil {
		return fourplusn.FieldError("file", "the upload broke off or is not well-formed multipart/form-data: send it again")
	}
	return err
}

// serve is GET path/{id}/attachments/{aid} and, with thumbnail,
// …/{aid}/thumbnail: the file's bytes as stored, streamed, with its type,
// to those who may see it (a case's identity document only to those who
// see the parties unmasked, to others it is not found). The ETag is the
// SHA-256 of the bytes, which never change under it, so an If-None-Match
// naming it is 304. The file may be personal data: never kept by a cache,
// and shown under a policy that runs nothing in it.
func (at *attachments[ID, R, J, F]) serve(w http.ResponseWriter, req bunrouter.Request, thumbnail bool) error {
	actor, id, err := at.k.named(req)
	if err != nil {
		return err
	}
	if !at.svc.KeepsFiles() {
		return errNoAttachments
	}
	aid := req.Param("aid")
	if !validID(aid) {
		return fourplusn.Errorf(fourplusn.NotFound, "attachment not found")
	}
	a, rc, err := at.svc.OpenAttachment(req.Context(), actor, id, aid, thumbnail)
	if err != nil {
		return err
	}
	defer rc.Close()
	sum, contentType := a.Sum, a.Type
	if thumbnail {
		sum, contentType = a.Thumbnail, attachment.JPEG
	}
	tag := `"` + sum.String() + `"`
	h := w.Header()
	h.Set("ETag", tag)
	h.Set("Cache-Control", "private, no-store")
	if noneMatch(req.Header.Values("If-None-Match"), tag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Content-Disposition", "inline")
	if !thumbnail {
		h.Set("Content-Length", strconv.FormatInt(a.Size, 10))
	}
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, rc); err != nil {
		return fmt.Errorf("serve attachment %s of %s %s: %w", aid, at.k.noun, id, err)
	}
	return nil
}

// noneMatch reports whether If-None-Match values name tag, or "*": by
// the weak comparison RFC 9110 sets for it.
func noneMatch(values []string, tag string) bool {
	for _, v := range values {
		for t := range strings.SplitSeq(v, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == tag || t == "*" {
				return true
			}
		}
	}
	return false
}
