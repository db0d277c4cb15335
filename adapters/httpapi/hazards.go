package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/uptrace/bunrouter"

	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/work"
)

// hazardResource is how the API serves hazards.
type hazardResource = resource[hazard.ID, hazard.Hazard, hazardJSON, hazard.Filter]

func newHazardResource(s *server) *hazardResource {
	svc := s.cfg.Hazards
	return &hazardResource{
		s: s, noun: "hazard", path: "/hazards", svc: svc,
		key:     func(h *hazard.Hazard) (hazard.ID, int64) { return h.ID, h.Version },
		view:    func(h *hazard.Hazard, now time.Time) view { return view{masked: h.Masked, overdue: h.Overdue(now)} },
		out:     func(h *hazard.Hazard, v view) hazardJSON { return hazardOut(s.api, h, v) },
		filters: listParams("state", "category"), filter: hazardFilter,
		list: func(ctx context.Context, a grid.Actor, f hazard.Filter) ([]*hazard.Hazard, hazard.ID, error) {
			p, err := svc.List(ctx, a, f)
			return p.Hazards, p.Next, err
		},
		page: func(hs []hazardJSON, next string) any { return hazardPageJSON{Hazards: hs, Next: next} },
	}
}

// hazardFilter reads the query of GET /hazards.
func hazardFilter(q *query, now time.Time) hazard.Filter {
	f := hazard.Filter{States: each(q, "state", hazard.ParseState), Category: hazard.Category(q.one("category"))}
	common := q.listFilters(now, work.DefaultPage, work.MaxPage)
	f.Grade, f.OverdueAt, f.Before, f.Limit = common.grade, common.overdueAt, hazard.ID(common.before), common.limit
	return f
}

func (s *server) routeHazards(g *bunrouter.Group) {
	k := s.hazards
	s.handle(g, http.MethodPost, "/hazards", s.reportHazard)
	k.route(g)
	svc := s.cfg.Hazards
	routeAttachments(k, g, svc, func(h *hazard.Hazard) []attachment.Attachment { return h.Attachments })
	action(k, g, "rectify", false, func(ctx context.Context, a grid.Actor, id hazard.ID, v int64, b *rectificationJSON) (*hazard.Hazard, error) {
		return svc.Rectify(ctx, a, id, v, hazard.Rectification{Evidence: b.Evidence, Photos: b.Photos})
	})
	action(k, g, "verify", false, func(ctx context.Context, a grid.Actor, id hazard.ID, v int64, b *verificationJSON) (*hazard.Hazard, error) {
		return svc.Verify(ctx, a, id, v, hazard.Verification{Passed: b.Passed, Notes: b.Notes})
	})
	// Reopening is a verification that failed: the hazard goes back to
	// rectification with the verifier's notes.
	action(k, g, "reopen", false, func(ctx context.Context, a grid.Actor, id hazard.ID, v int64, b *reopenJSON) (*hazard.Hazard, error) {
		return svc.Verify(ctx, a, id, v, hazard.Verification{Passed: false, Notes: b.Notes})
	})
	act(k, g, "convert", false, s.convert)
}

// hazardReportJSON is a hazard as first reported (POST /hazards).
type hazardReportJSON struct {
	Category    string             `json:"category"`
	Grade       string             `json:"grade,omitempty" oa:"enum=grade"`
	Location    string             `json:"location"`
	Description string             `json:"description"`
	Photos      []string           `json:"photos,omitempty"`
	Channel     string             `json:"channel,omitempty" oa:"enum=channel"`
	Contact     string             `json:"contact,omitempty"`
	OnTheSpot   *rectificationJSON `json:"on_the_spot,omitempty"`
}

// rectificationJSON is what was done to remove a hazard.
type rectificationJSON struct {
	Evidence string   `json:"evidence"`
	Photos   []string `json:"photos,omitempty"`
}

// verificationJSON is an upper post's check of a rectification.
type verificationJSON struct {
	Passed bool   `json:"passed"`
	Notes  string `json:"notes,omitempty" oa:"when=passed:false"`
}

// reopenJSON sends a rectified hazard back to rectification.
type reopenJSON struct {
	Notes string `json:"notes"`
}

// conversionJSON turns a dispute lead into a mediation case: the dispute,
// and facts beyond the lead's description if there are any.
type conversionJSON struct {
	disputeJSON
	Facts string `json:"facts,omitempty"`
}

// hazardJSON is a hazard as its reader may see it.
type hazardJSON struct {
	ID             string                 `json:"id"`
	Version        int64                  `json:"version"`
	Township       string                 `json:"township"`
	Category       string                 `json:"category"`
	Grade          string                 `json:"grade" oa:"enum=grade"`
	Grading        []gradingJSON          `json:"grading" desc:"the rules that gave the hazard its grade and its handling cell as they applied when it was reported, each with its code (category, reported, level, converted), the grade it demands if any and its text in Chinese; empty for a hazard reported before hazards kept them"`
	Description    string                 `json:"description"`
	Photos         []string               `json:"photos"`
	Channel        string                 `json:"channel" oa:"enum=channel"`
	Location       string                 `json:"location"`
	Handling       string                 `json:"handling"`
	Reporter       string                 `json:"reporter"`
	ReporterCell   string                 `json:"reporter_cell,omitempty"`
	Owner          string                 `json:"owner,omitempty"`
	Contact        string                 `json:"contact,omitempty"`
	Masked         bool                   `json:"masked"`
	State          string                 `json:"state" oa:"enum=hazard_state"`
	OnTheSpot      bool                   `json:"on_the_spot"`
	Overdue        bool                   `json:"overdue"`
	ReportedAt     timestamp              `json:"reported_at"`
	RectifyDue     timestamp              `json:"rectify_due,omitempty"`
	ReopenedAt     timestamp              `json:"reopened_at,omitempty"`
	Reopens        int                    `json:"reopens"`
	RectifiedAt    timestamp              `json:"rectified_at,omitempty"`
	VerifyDue      timestamp              `json:"verify_due,omitempty"`
	ClosedAt       timestamp              `json:"closed_at,omitempty"`
	Rectifications []rectificationOutJSON `json:"rectifications"`
	Verifications  []verificationOutJSON  `json:"verifications"`
	Case           string                 `json:"case,omitempty"`
	ConvertedAt    timestamp              `json:"converted_at,omitempty"`
	ConvertedBy    string                 `json:"converted_by,omitempty"`
	Attachments    []attachmentJSON       `json:"attachments" desc:"the files attached to the hazard as found, to its rectifications (after-photos) and to its verifications, in the order added"`
	Timeline       chainJSON              `json:"timeline"`
}

// rectificationOutJSON is a recorded rectification.
type rectificationOutJSON struct {
	Evidence string    `json:"evidence"`
	Photos   []string  `json:"photos"`
	By       string    `json:"by"`
	At       timestamp `json:"at"`
}

// verificationOutJSON is a recorded verification.
type verificationOutJSON struct {
	Passed bool      `json:"passed"`
	Notes  string    `json:"notes,omitempty"`
	By     string    `json:"by"`
	At     timestamp `json:"at"`
}

// hazardPageJSON is one page of a hazard listing.
type hazardPageJSON struct {
	Hazards []hazardJSON `json:"hazards"`
	Next    string       `json:"next,omitempty"`
}

// conversionOutJSON is a converted dispute lead and the case it became.
type conversionOutJSON struct {
	Hazard hazardJSON `json:"hazard"`
	Case   caseJSON   `json:"case"`
}

// hazardOut writes h, as the service presented it to the reader, shown
// as v says, with the URLs of its files below api.
func hazardOut(api string, h *hazard.Hazard, v view) hazardJSON {
	out := hazardJSON{
		ID: string(h.ID), Version: h.Version, Township: string(h.Township), Category: string(h.Category), Grade: h.Grade.String(), Grading: reasonsOut(h.Grading),
		Description: h.Description, Photos: append([]string{}, h.Photos...), Channel: h.Channel.String(),
		Location: path(h.Location), Handling: path(h.Handling), Reporter: h.Reporter, ReporterCell: path(h.ReporterCell),
		Owner: h.Owner, Contact: h.Contact, Masked: v.masked, State: h.State.String(), OnTheSpot: h.OnTheSpot, Overdue: v.overdue,
		ReportedAt: ts(h.ReportedAt), RectifyDue: ts(h.RectifyDue), ReopenedAt: ts(h.ReopenedAt), Reopens: h.Reopens,
		RectifiedAt: ts(h.RectifiedAt), VerifyDue: ts(h.VerifyDue), ClosedAt: ts(h.ClosedAt),
		Rectifications: make([]rectificationOutJSON, len(h.Rectifications)), Verifications: make([]verificationOutJSON, len(h.Verifications)),
		Case: string(h.Case), ConvertedAt: ts(h.ConvertedAt), ConvertedBy: h.ConvertedBy,
		Attachments: attachmentsOut(api+"/hazards/"+string(h.ID), h.Attachments), Timeline: chainOut(h.Chain),
	}
	for i, r := range h.Rectifications {
		out.Rectifications[i] = rectificationOutJSON{Evidence: r.Evidence, Photos: append([]string{}, r.Photos...), By: r.By, At: ts(r.At)}
	}
	for i, v := range h.Verifications {
		out.Verifications[i] = verificationOutJSON{Passed: v.Passed, Notes: v.Notes, By: v.By, At: ts(v.At)}
	}
	return out
}

// reportHazard is POST /hazards: a member blows the whistle, or a resident
// reports online.
func (s *server) reportHazard(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := signedIn(req)
	if err != nil {
		return err
	}
	var body hazardReportJSON
	if err := decodeBody(w, req, &body, false); err != nil {
		return err
	}
	in := hazard.Report{
		Category: hazard.Category(body.Category), Location: grid.CellID(body.Location), Description: body.Description,
		Photos: body.Photos, Contact: body.Contact,
	}
	if body.Grade != "" {
		if in.Grade, err = work.ParseGrade(body.Grade); err != nil {
			return err
		}
	}
	if body.Channel != "" {
		if in.Channel, err = work.ParseChannel(body.Channel); err != nil {
			return err
		}
	}
	if r := body.OnTheSpot; r != nil {
		in.OnTheSpot = &hazard.Rectification{Evidence: r.Evidence, Photos: r.Photos}
	}
	if in.IdempotencyKey, err = idempotencyKey(req); err != nil {
		return err
	}
	ctx := req.Context()
	h, err := s.cfg.Hazards.Report(ctx, actor, in)
	if err != nil {
		return err
	}
	return s.hazards.created(ctx, w, actor, h.ID)
}

// convert is POST /hazards/{id}/convert: a dispute lead becomes a
// mediation case, answered with the hazard, whose ETag it carries, and the
// case.
func (s *server) convert(ctx context.Context, w http.ResponseWriter, t sent[hazard.ID], b *conversionJSON) error {
	in, err := b.intake()
	if err != nil {
		return err
	}
	conv := hazard.Conversion{Category: in.Category, Applicants: in.Applicants, Respondents: in.Respondents, Facts: b.Facts, Claims: in.Claims, Risks: in.Risks}
	h, c, err := s.cfg.Hazards.Convert(ctx, t.actor, t.id, t.version, conv)
	if err != nil {
		return err
	}
	if c, err = s.cfg.Cases.Get(ctx, t.actor, c.ID); err != nil {
		return err
	}
	w.Header().Set("ETag", etag(h.Version))
	now := s.now()
	return writeJSON(w, http.StatusOK, conversionOutJSON{Hazard: s.hazards.render(h, now), Case: s.cases.render(c, now)})
}
