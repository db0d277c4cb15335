package open311

import (
	"context"
	"net/url"

	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/work"
)

// report reports the hazard p posts, as passed on by who, and answers its
// request as created. A media_url is kept as the hazard's photo
// reference, which reading the request answers, and its picture attached.
func (h *handler) report(ctx context.Context, who caller, p posted) (request, error) {
	in := hazard.Report{
		Category: p.offer.hazard, Location: p.location, Description: p.description,
		Channel: work.ChannelReferral, ReferredBy: who.referrer, Contact: p.phone,
	}
	if p.mediaURL != "" {
		in.Photos = []string{p.mediaURL}
	}
	z, err := h.cfg.Hazards.Report(ctx, who.member, in)
	if err != nil {
		return request{}, err
	}
	notice := "已上报，由" + h.cellName(z.Handling) + "整改，整改期限" + dueText(z.RectifyDue)
	if p.photo != nil {
		notice = h.attached(ctx, notice, func() error {
			_, err := h.cfg.Hazards.Attach(ctx, who.member, z.ID, z.Version, p.upload())
			return err
		})
	}
	return request{ID: string(z.ID), ServiceNotice: notice}, nil
}

// hazardRequest is hazard z as the spec's service request. Open until it
// is verified or converted into a case; expected when its next deadline
// falls: the rectification's, or, once rectified, the verification's.
// The public reads its status only: not the description, which may name
// people, nor the media_url.
func (h *handler) hazardRequest(z *hazard.Hazard, public bool) request {
	status := "open"
	if z.State.Finished() {
		status = "closed"
	}
	expected := z.RectifyDue
	if z.State == hazard.Rectified {
		expected = z.VerifyDue
	}
	out := request{
		ID: string(z.ID), Status: status, StatusNotes: z.State.Title(),
		ServiceName: z.Category.Title(), ServiceCode: hazardPrefix + string(z.Category),
		AgencyResponsible: h.cellName(z.Handling), Requested: timeText(z.ReportedAt),
		Updated:  timeText(updatedAt(z.ReportedAt, z.RectifiedAt, z.ReopenedAt, z.ClosedAt, z.ConvertedAt)),
		Expected: timeText(expected), Address: h.cellName(z.Location), AddressID: string(z.Location.Cell()),
	}
	if !public {
		out.Description, out.MediaURL = z.Description, mediaURL(z.Photos)
	}
	return out
}

// mediaURL is the first of a hazard's photo references that is a web
// address: the media_url it was reported with. References of other
// kinds are the store's own keys, which mean nothing outside.
func mediaURL(photos []string) string {
	for _, p := range photos {
		if u, err := url.Parse(p); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
			return p
		}
	}
	return ""
}

// sentHazard is hazard id as a request, if who reported it.
func (h *handler) sentHazard(ctx context.Context, who caller, id string) (request, error) {
	z, err := h.cfg.Hazards.Get(ctx, who.member, hazard.ID(id))
	if err != nil {
		return request{}, err
	}
	if !sent(z, who) {
		return request{}, notSent(who, id)
	}
	return h.hazardRequest(z, who.public), nil
}

// sent reports whether who passed hazard z on.
func sent(z *hazard.Hazard, who caller) bool {
	return z.Channel == work.ChannelReferral && z.ReferredBy == who.referrer
}

// sentHazards are the hazards who reported that q asks for, newest
// first, at most maxResults. Hazards list newest first by when they were
// reported, so the listing stops at the first one older than q asks.
func (h *handler) sentHazards(ctx context.Context, who caller, q query) ([]listed, error) {
	f := hazard.Filter{
		Township: h.cfg.Township, Limit: work.MaxPage,
		States: states(q.status, hazard.States(), func(s hazard.State) bool { return !s.Finished() }),
	}
	if q.offer != nil {
		f.Category = q.offer.hazard
	}
	var out []listed
	for len(out) < maxResults {
		page, err := h.cfg.Hazards.List(ctx, who.member, f)
		if err != nil {
			return nil, err
		}
		for _, z := range page.Hazards {
			switch {
			case z.ReportedAt.Before(q.from):
				return out, nil
			case !q.to.IsZero() && z.ReportedAt.After(q.to), !sent(z, who), len(out) == maxResults:
			default:
				out = append(out, listed{z.ReportedAt, h.hazardRequest(z, who.public)})
			}
		}
		if page.Next == "" {
			break
		}
		f.Before = page.Next
	}
	return out, nil
}
