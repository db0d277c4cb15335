package wecom

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/inbox"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
)

// Attacher attaches files to cases; *mediation.Service is one.
type Attacher interface {
	Attach(ctx context.Context, actor grid.Actor, id mediation.ID, version int64, u attachment.Upload) (*mediation.Case, error)
}

// Images fetches the picture of an image message, by the PicUrl and the
// MediaId it came with.
type Images interface {
	Fetch(ctx context.Context, picURL, mediaID string) (io.ReadCloser, error)
}

// PicURLs fetches an image message's picture from its PicUrl, which
// WeCom's servers host, over HTTP, from the hosts named only: a message
// is signed and encrypted by WeCom, but the address in it is fetched by
// this server, and must not be one of the deployment's own.
type PicURLs struct {
	// Client fetches (http.DefaultClient if nil), never let follow a
	// redirect to a host not in Hosts.
	Client *http.Client
	// Hosts are the names PicUrls may have, each the host itself or a
	// domain it lies under, as WeCom's admin documents them for the
	// deployment.
	Hosts []string
}

// Fetch GETs picURL if its host is one of p.Hosts, following redirects
// only to those hosts too.
func (p PicURLs) Fetch(ctx context.Context, picURL, _ string) (io.ReadCloser, error) {
	u, err := url.Parse(picURL)
	if err != nil || !p.allowedURL(u) {
		return nil, fmt.Errorf("wecom: a picture at %q is not fetched: not a host of WeCom's configured", picURL)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("wecom: fetch picture: %w", err)
	}
	client := *http.DefaultClient
	if p.Client != nil {
		client = *p.Client
	}
	client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 5 || !p.allowedURL(req.URL) {
			return fmt.Errorf("a picture is not fetched from %q: not a host of WeCom's configured", req.URL)
		}
		return nil
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("wecom: fetch picture: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("wecom: fetch picture: %s", resp.Status)
	}
	return resp.Body, nil
}

// allowedURL reports whether u is a web address on one of p.Hosts.
func (p PicURLs) allowedURL(u *url.URL) bool {
	if u.Scheme != "https" && u.Scheme != "http" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	return slices.ContainsFunc(p.Hosts, func(h string) bool {
		h = strings.ToLower(h)
		return host == h || strings.HasSuffix(host, "."+h)
	})
}

// fetchTimeout bounds fetching and reading a picture: WeCom waits five
// seconds for the answer to a message, and the picture is cleaned and
// stored in that time too.
const fetchTimeout = 3 * time.Second

// attachImage attaches the picture of image message m to the case its
// sender last applied with, as the member the handler registers as.
func (h *Handler) attachImage(ctx context.Context, m inbox.Message, in incoming) inbox.Message {
	id, err := h.Inbox.LastCase(ctx, h.Channel, in.FromUserName)
	if fourplusn.ErrorCode(err) == fourplusn.NotFound {
		m.Status = inbox.Unsupported
		m.Reply = "照片已收到。请先用文字发送：姓名、电话、地点和事情经过，登记后再发送照片，照片将附在您的申请中。"
		return m
	}
	if err != nil {
		return h.failedImage(ctx, m, err)
	}
	actor, err := h.Actor(ctx, in.FromUserName)
	if err != nil {
		return h.failedImage(ctx, m, fmt.Errorf("no member registers messages from %q: %w", in.FromUserName, err))
	}
	clean, err := h.fetchImage(ctx, in)
	if fourplusn.ErrorCode(err) == fourplusn.Invalid {
		m.Status, m.Case, m.Error = inbox.Incomplete, id, err.Error()
		m.Reply = "照片已收到，但无法附入您的申请：" + imageProblem(err) + "请重新拍照后发送。"
		return m
	}
	if err != nil {
		return h.failedImage(ctx, m, err)
	}
	if _, err := h.Attach.Attach(ctx, actor, id, 0, attachment.Upload{Kind: attachment.Photo, File: clean}); err != nil {
		return h.failedImage(ctx, m, err)
	}
	m.Status, m.Case = inbox.Attached, id
	m.Reply = "照片已收到，已附在您的纠纷申请中。"
	return m
}

// fetchImage fetches the picture of in and makes it fit to keep, within
// fetchTimeout.
func (h *Handler) fetchImage(ctx context.Context, in incoming) (attachment.Clean, error) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	pic, err := h.Images.Fetch(ctx, in.PicURL, in.MediaID)
	if err != nil {
		return attachment.Clean{}, err
	}
	defer pic.Close()
	return attachment.Sanitize(pic, attachment.DefaultLimits)
}

// failedImage records that attaching m's picture failed through no fault
// of the sender.
func (h *Handler) failedImage(ctx context.Context, m inbox.Message, err error) inbox.Message {
	h.Log.ErrorContext(ctx, "wecom: cannot attach a picture", "id", m.ID, "err", err)
	m.Status, m.Error = inbox.Failed, err.Error()
	m.Reply = "照片已收到并保存，值班人员将为您附入申请，请稍候。"
	return m
}

// imageProblem says in words why a picture was refused.
func imageProblem(err error) string {
	switch {
	case errors.Is(err, attachment.ErrTooLarge):
		return "照片太大。"
	case errors.Is(err, attachment.ErrTooManyPixels):
		return "照片像素过多。"
	case errors.Is(err, attachment.ErrDamaged):
		return "照片已损坏或不完整。"
	}
	return "不是可以接收的照片格式。"
}
