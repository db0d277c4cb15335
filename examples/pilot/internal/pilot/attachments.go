package pilot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
)

// kindLabels name in Chinese the kinds of attachment, in the order the
// upload form offers them.
var kindLabels = []struct {
	kind  attachment.Kind
	label string
}{
	{attachment.Photo, "照片"},
	{attachment.Evidence, "证据材料"},
	{attachment.IdentityDocument, "身份证明"},
	{attachment.SignedAgreement, "签字协议扫描件"},
	{attachment.ProofOfPerformance, "履行凭证"},
	{attachment.Other, "其他"},
}

// kindLabel names kind k in Chinese.
func kindLabel(k attachment.Kind) string {
	for _, kl := range kindLabels {
		if kl.kind == k {
			return kl.label
		}
	}
	return "其他"
}

// ofLabel names in Chinese what part of a case an attachment belongs to:
// "" is the case itself, "session:2" its second session.
func ofLabel(of string) string {
	part, n, _ := strings.Cut(of, ":")
	switch part {
	case "session":
		return "第" + n + "次调解"
	case "agreement":
		return "第" + n + "稿协议"
	case "followup":
		return "第" + n + "次回访"
	}
	return "本案"
}

// attachChoices are the kinds the upload form offers actor — identity
// documents only to those who see the parties unmasked, as the domain
// allows — and the parts of c that exist for a file to belong to.
func (s *Server) attachChoices(actor grid.Actor, c *mediation.Case) (kinds, parts []choice) {
	personal := s.app.Policy.Can(actor, grid.ViewPersonal, grid.Target{Cell: c.Handling, Owner: c.Applicant}) == nil
	for _, kl := range kindLabels {
		if kl.kind.Personal() && !personal {
			continue
		}
		kinds = append(kinds, choice{kl.kind.String(), kl.label})
	}
	parts = []choice{{"", ofLabel("")}}
	add := func(part string, n int) {
		for i := 1; i <= n; i++ {
			of := part + ":" + strconv.Itoa(i)
			parts = append(parts, choice{of, ofLabel(of)})
		}
	}
	add("session", len(c.Sessions))
	revisions := 0
	for _, a := range append(agreementsOf(c), c.Agreement, c.Draft) {
		if a != nil {
			revisions = max(revisions, a.Revision)
		}
	}
	add("agreement", revisions)
	add("followup", len(c.FollowUps))
	return kinds, parts
}

// agreementsOf returns the agreements c's agreements in effect replaced.
func agreementsOf(c *mediation.Case) []*mediation.Agreement {
	out := make([]*mediation.Agreement, len(c.Superseded))
	for i := range c.Superseded {
		out[i] = &c.Superseded[i]
	}
	return out
}

// attachmentRow is an attachment as a case's or a hazard's page lists it.
type attachmentRow struct {
	ID, Name, Of, Size, Added string
	Href, ThumbHref           string // ThumbHref is "" for a PDF
	PDF                       bool
}

// attachmentRows lists the attachments list of the record whose page is
// at base, as the record gives them to the member (no identity documents
// to a masked viewer), each with what of the record it belongs to as of
// names it.
func (s *Server) attachmentRows(base string, list []attachment.Attachment, of func(string) string) []attachmentRow {
	rows := make([]attachmentRow, 0, len(list))
	for _, a := range list {
		href := base + "/attachments/" + url.PathEscape(a.ID)
		row := attachmentRow{
			ID: a.ID, Name: attachmentName(a), Of: of(a.Of), Size: fileSize(a.Size),
			Added: when(a.AddedAt) + " · " + s.app.ActorName(a.AddedBy), Href: href,
			PDF: a.Type == attachment.PDF,
		}
		if a.HasThumbnail() {
			row.ThumbHref = href + "/thumbnail"
		}
		rows = append(rows, row)
	}
	return rows
}

// attachmentName names an attachment, which keeps no name of its own
// (an upload's name is the uploader's, and may say anything): by its
// kind and place on the case, such as 证据材料3.
func attachmentName(a attachment.Attachment) string { return kindLabel(a.Kind) + a.ID }

// fileSize writes a file's size as people read it.
func fileSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+1<<10-1)>>10)
	}
	return fmt.Sprintf("%d 字节", n)
}

// fileRefusals say in Chinese why an upload was refused, by the reason
// the refusal wraps.
var fileRefusals = []struct {
	why    error
	reason string
}{
	{attachment.ErrHEIC, "不接受HEIC格式的照片，请将相机设为拍摄JPEG照片，或上传截图"},
	{attachment.ErrTooManyPixels, "图片像素过多"},
	{attachment.ErrTooLarge, fmt.Sprintf("文件超过%dMB", attachment.DefaultLimits.MaxBytes>>20)},
	{attachment.ErrDamaged, "文件已损坏"},
	{attachment.ErrIncompletePDF, "PDF文件不完整或已损坏"},
	{attachment.ErrUnsupported, "只接受JPEG、PNG、WebP照片或PDF文件"},
	{attachment.ErrTooManyFiles, fmt.Sprintf("附件数量已达上限（%d个）", attachment.DefaultQuota.Files)},
	{attachment.ErrQuotaFull, fmt.Sprintf("附件总大小将超过上限（%dMB）", attachment.DefaultQuota.Bytes>>20)},
}

// fileRefusal says in Chinese why err, an Invalid error, refused a file.
func fileRefusal(err error) string {
	for _, r := range fileRefusals {
		if errors.Is(err, r.why) {
			return r.reason
		}
	}
	for _, f := range fourplusn.ErrorFields(err) {
		switch f.Field {
		case "kind":
			return "请选择附件类别"
		case "of":
			return "所属部分不存在，请刷新页面后重新选择"
		}
	}
	return "文件无法接收"
}

// refusedFile is an uploaded file not attached, and why, in Chinese.
type refusedFile struct{ Name, Reason string }

// refusedMessage says in Chinese which files were not attached and why.
func refusedMessage(refused []refusedFile) string {
	parts := make([]string, len(refused))
	for i, r := range refused {
		parts[i] = "“" + r.Name + "”：" + r.Reason
	}
	return "以下文件未能上传：" + strings.Join(parts, "；") + "。"
}

// filed is what a case or a hazard gives attachFiles: the record's
// attachments and version, and how to attach one more to it. T is
// *mediation.Case or *hazard.Hazard.
type filed[T comparable] struct {
	get     func(context.Context) (T, error)
	attach  func(ctx context.Context, version int64, u attachment.Upload) (T, error)
	files   func(T) []attachment.Attachment
	version func(T) int64
}

// caseFiled is case id as actor attaches files to it.
func (s *Server) caseFiled(actor grid.Actor, id mediation.ID) filed[*mediation.Case] {
	return filed[*mediation.Case]{
		get: func(ctx context.Context) (*mediation.Case, error) { return s.app.Cases.Get(ctx, actor, id) },
		attach: func(ctx context.Context, version int64, u attachment.Upload) (*mediation.Case, error) {
			return s.app.Cases.Attach(ctx, actor, id, version, u)
		},
		files:   func(c *mediation.Case) []attachment.Attachment { return c.Attachments },
		version: func(c *mediation.Case) int64 { return c.Version },
	}
}

// attachFiles makes each of uploads fit to keep and attaches it in turn
// to the record r, with kind and of, starting at version. A file the
// record holds already, as a retried form sends it, is not attached
// again. It returns the record as it stands after the last file
// attached, or the zero T if none was, and the files refused for what
// they are, named in Chinese; any other error — the actor may not
// attach, the record moved on — ends it.
func attachFiles[T comparable](ctx context.Context, r filed[T], version int64, kind attachment.Kind, of string, uploads []*multipart.FileHeader) (T, []refusedFile, error) {
	var last, none T
	var refused []refusedFile
	var held map[attachment.Sum]bool // the files of the record, once read
	for _, fh := range uploads {
		clean, err := sanitizeUpload(fh)
		if fourplusn.ErrorCode(err) == fourplusn.Invalid {
			refused = append(refused, refusedFile{fh.Filename, fileRefusal(err)})
			continue
		}
		if err != nil {
			return last, refused, err
		}
		if held == nil {
			rec, err := r.get(ctx)
			if err != nil {
				return none, refused, err
			}
			held = map[attachment.Sum]bool{}
			for _, a := range r.files(rec) {
				if a.Of == of {
					held[a.Sum] = true
				}
			}
		}
		if held[clean.SHA256] {
			continue
		}
		// The form's version first, so that a record changed since the
		// page was shown is a conflict rather than files attached to what
		// the member did not see; then each attachment's own.
		next, err := r.attach(ctx, version, attachment.Upload{Kind: kind, Of: of, File: clean})
		if fourplusn.ErrorCode(err) == fourplusn.Invalid {
			refused = append(refused, refusedFile{fh.Filename, fileRefusal(err)})
			continue
		}
		if err != nil {
			return last, refused, err
		}
		last, version, held[clean.SHA256] = next, r.version(next), true
	}
	return last, refused, nil
}

// sanitizeUpload reads an uploaded file and makes it fit to keep.
func sanitizeUpload(fh *multipart.FileHeader) (attachment.Clean, error) {
	f, err := fh.Open()
	if err != nil {
		return attachment.Clean{}, fmt.Errorf("open the upload %q: %w", fh.Filename, err)
	}
	defer f.Close()
	return attachment.Sanitize(f, attachment.DefaultLimits)
}

// uploaded returns the files of the form's input name.
func uploaded(r *http.Request, name string) []*multipart.FileHeader {
	if r.MultipartForm == nil {
		return nil
	}
	var out []*multipart.FileHeader
	for _, fh := range r.MultipartForm.File[name] {
		// A form sent with no file chosen holds one part with no name
		// and no bytes.
		if fh.Filename != "" || fh.Size > 0 {
			out = append(out, fh)
		}
	}
	return out
}

// attach attaches the files of the case page's upload form, each in
// turn, then shows the case: with the files refused named in Chinese, or,
// all attached, by post/redirect/get.
func (s *Server) attach(w http.ResponseWriter, r *http.Request, m grid.Member) {
	f := r.PostForm
	id := mediation.ID(r.PathValue("id"))
	version, err := strconv.ParseInt(f.Get("version"), 10, 64)
	if err != nil {
		s.failErr(w, r, fourplusn.FieldError("version", "the form has no version of the case"))
		return
	}
	kind, err := attachment.ParseKind(f.Get("kind"))
	if err != nil {
		s.renderCase(w, r, m, http.StatusBadRequest, formState{Action: "attach", Values: f, Message: "请选择附件类别。"})
		return
	}
	files := uploaded(r, "file")
	if len(files) == 0 {
		s.renderCase(w, r, m, http.StatusBadRequest, formState{Action: "attach", Values: f, Message: "请选择要上传的文件。"})
		return
	}
	c, refused, err := attachFiles(r.Context(), s.caseFiled(m.Actor(), id), version, kind, f.Get("of"), files)
	if c != nil {
		s.hub.Publish()
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if len(refused) == 0 {
		done(w, r, "/cases/"+string(id)+"#attachments", "已上传"+strconv.Itoa(len(files))+"个文件，见本页附件。")
		return
	}
	status := http.StatusOK // some were attached: the page shows them
	if c == nil {
		status = http.StatusBadRequest
	}
	s.renderCase(w, r, m, status, formState{Action: "attach", Values: f, Message: refusedMessage(refused)})
}

// opener opens attachment aid of record id, or its thumbnail, as actor
// may see it: a service's OpenAttachment.
type opener func(ctx context.Context, actor grid.Actor, id, aid string, thumbnail bool) (attachment.Attachment, io.ReadCloser, error)

// openCaseFile and openHazardFile open the files of cases and hazards.
func (s *Server) openCaseFile(ctx context.Context, actor grid.Actor, id, aid string, thumbnail bool) (attachment.Attachment, io.ReadCloser, error) {
	return s.app.Cases.OpenAttachment(ctx, actor, mediation.ID(id), aid, thumbnail)
}

func (s *Server) openHazardFile(ctx context.Context, actor grid.Actor, id, aid string, thumbnail bool) (attachment.Attachment, io.ReadCloser, error) {
	return s.app.Hazards.OpenAttachment(ctx, actor, hazard.ID(id), aid, thumbnail)
}

// serveAttachment returns the handler that serves attachment aid of the
// record of the request's path, or its thumbnail, to those who may see
// the record, as the browser shows it.
func (s *Server) serveAttachment(open opener, thumbnail bool) func(http.ResponseWriter, *http.Request, grid.Member) {
	return func(w http.ResponseWriter, r *http.Request, m grid.Member) {
		a, rc, err := open(r.Context(), m.Actor(), r.PathValue("id"), r.PathValue("aid"), thumbnail)
		s.serveFile(w, r, a, rc, err, thumbnail)
	}
}

// serveFile serves the file rc of attachment a, or its thumbnail, as
// opened with err, and closes it. Its type is the one its content was
// found to be, and the browser is told not to sniff another; no cache
// keeps it. An image is sandboxed, so that nothing in it could run as the
// pilot's; a PDF is not, since Chromium refuses to show a sandboxed PDF at
// all — it is served as application/pdf only, which no browser takes for
// a page of the pilot's.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, a attachment.Attachment, rc io.ReadCloser, err error, thumbnail bool) {
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	defer rc.Close()
	typ, ext := a.Type, map[string]string{attachment.JPEG: ".jpg", attachment.PNG: ".png", attachment.PDF: ".pdf"}[a.Type]
	if thumbnail {
		typ, ext = attachment.JPEG, ".jpg"
	}
	h := w.Header()
	h.Set("Content-Type", typ)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Disposition", "inline; filename*=UTF-8''"+url.PathEscape(attachmentName(a)+ext))
	if typ == attachment.PDF {
		h.Set("Content-Security-Policy", "frame-ancestors 'none'")
	} else {
		h.Set("Content-Security-Policy", "sandbox; default-src 'none'; frame-ancestors 'none'")
	}
	if !thumbnail {
		h.Set("Content-Length", strconv.FormatInt(a.Size, 10))
	}
	if _, err := io.Copy(w, rc); err != nil {
		s.app.Logger.Warn("serve an attachment", "path", r.URL.Path, "attachment", a.ID, "err", err)
	}
}
