package open311

import (
	"context"
	"net/http"
	"strings"

	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// register registers the dispute p posts, as the partner's referral, and
// answers its request as created.
func (h *handler) register(r *http.Request, who caller, p posted) (request, error) {
	ctx := r.Context()
	in := mediation.Intake{
		Channel: work.ChannelReferral, ReferredBy: who.referrer, Category: p.offer.dispute, Facts: p.description,
		Location: p.location,
		Applicants: []mediation.Party{{
			Name:  strings.TrimSpace(r.FormValue("last_name") + r.FormValue("first_name")),
			Phone: p.phone,
		}},
		Respondents: []mediation.Party{{Name: strings.TrimSpace(r.FormValue("attribute[" + respondentAttribute + "]"))}},
	}
	c, err := h.cfg.Cases.Register(ctx, who.member, in)
	if err != nil {
		return request{}, err
	}
	notice := "已登记，由" + h.cellName(c.Handling) + "办理，受理期限" + dueText(c.AcceptDue)
	if p.photo != nil {
		notice = h.attached(ctx, notice, func() error {
			_, err := h.cfg.Cases.Attach(ctx, who.member, c.ID, c.Version, p.upload())
			return err
		})
	}
	return request{ID: string(c.ID), ServiceNotice: notice}, nil
}

// caseRequest is case c as the spec's service request.
func (h *handler) caseRequest(c *mediation.Case) request {
	status := "closed"
	if c.State.Open() {
		status = "open"
	}
	expected := c.ResolveDue
	if c.State == mediation.Registered || expected.IsZero() {
		expected = c.AcceptDue
	}
	out := request{
		ID: string(c.ID), Status: status, StatusNotes: c.State.Title(),
		ServiceName: c.Category.Title(), ServiceCode: disputePrefix + string(c.Category), Description: c.Facts,
		AgencyResponsible: h.cellName(c.Handling), Requested: timeText(c.RegisteredAt),
		Updated:  timeText(updatedAt(c.RegisteredAt, c.AcceptedAt, c.ResolvedAt, c.ClosedAt)),
		Expected: timeText(expected),
	}
	if c.OutOfJurisdiction() {
		out.Address = c.Outside
	} else {
		out.Address, out.AddressID = h.cellName(c.Location), string(c.Location.Cell())
	}
	return out
}

// sentCase is case id as a request, if who sent it.
func (h *handler) sentCase(ctx context.Context, who caller, id string) (request, error) {
	c, err := h.cfg.Cases.Get(ctx, who.member, mediation.ID(id))
	if err != nil {
		return request{}, err
	}
	if c.Channel != work.ChannelReferral || c.ReferredBy != who.referrer {
		return request{}, notSent(who, id)
	}
	return h.caseRequest(c), nil
}

// sentCases are the cases who sent that q asks for, newest first, at
// most maxResults.
func (h *handler) sentCases(ctx context.Context, who caller, q query) ([]listed, error) {
	f := mediation.Filter{
		Township: h.cfg.Township, Channel: work.ChannelReferral, Limit: work.MaxPage,
		RegisteredFrom: q.from, RegisteredTo: q.to, States: states(q.status, mediation.States(), mediation.State.Open),
	}
	if q.offer != nil {
		f.Category = q.offer.dispute
	}
	var out []listed
	for len(out) < maxResults {
		page, err := h.cfg.Cases.List(ctx, who.member, f)
		if err != nil {
			return nil, err
		}
		for _, c := range page.Cases {
			if c.ReferredBy == who.referrer && len(out) < maxResults {
				out = append(out, listed{c.RegisteredAt, h.caseRequest(c)})
			}
		}
		if page.Next == "" {
			break
		}
		f.Before = page.Next
	}
	return out, nil
}
