package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/uptrace/bunrouter"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

func (s *server) routeHazards(g *bunrouter.Group) {
	s.handle(g, http.MethodPost, "/hazards", s.reportHazard)
	s.handle(g, http.MethodGet, "/hazards", s.listHazards)
	s.handle(g, http.MethodGet, "/hazards/:id", s.getHazard)
	s.handle(g, http.MethodGet, "/hazards/:id/timeline", s.hazardTimeline)
	svc := s.cfg.Hazards
	hazardAction(s, g, "rectify", func(ctx context.Context, a grid.Actor, id hazard.ID, v int64, b *rectificationJSON) (*hazard.Hazard, error) {
		return svc.Rectify(ctx, a, id, v, hazard.Rectification{Evidence: b.Evidence, Photos: b.Photos})
	})
	hazardAction(s, g, "verify", func(ctx context.Context, a grid.Actor, id hazard.ID, v int64, b *verificationJSON) (*hazard.Hazard, error) {
		return svc.Verify(ctx, a, id, v, hazard.Verification{Passed: b.Passed, Notes: b.Notes})
	})
	// Reopening is a verification that failed: the hazard goes back to
	// rectification with the verifier's notes.
	hazardAction(s, g, "reopen", func(ctx context.Context, a grid.Actor, id hazard.ID, v int64, b *reopenJSON) (*hazard.Hazard, error) {
		return svc.Verify(ctx, a, id, v, hazard.Verification{Passed: false, Notes: b.Notes})
	})
	s.handle(g, http.MethodPost, "/hazards/:id/convert", s.convertHazard)
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

// conversionJSON turns a dispute lead into a mediation case.
type conversionJSON struct {
	Category    string      `json:"category"`
	Applicants  []partyJSON `json:"applicants" oa:"require=phone"`
	Respondents []partyJSON `json:"respondents"`
	Facts       string      `json:"facts,omitempty"`
	Claims      []claimJSON `json:"claims,omitempty"`
	Risks       []string    `json:"risks,omitempty" oa:"enum=risk"`
}

// hazardJSON is a hazard as its reader may see it.
type hazardJSON struct {
	ID             string                 `json:"id"`
	Version        int64                  `json:"version"`
	Township       string                 `json:"township"`
	Category       string                 `json:"category"`
	Grade          string                 `json:"grade" oa:"enum=grade"`
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

func hazardOut(h *hazard.Hazard, now time.Time) hazardJSON {
	out := hazardJSON{
		ID: string(h.ID), Version: h.Version, Township: string(h.Township), Category: string(h.Category), Grade: h.Grade.String(),
		Description: h.Description, Photos: append([]string{}, h.Photos...), Channel: h.Channel.String(),
		Location: path(h.Location), Handling: path(h.Handling), Reporter: h.Reporter, ReporterCell: path(h.ReporterCell),
		Owner: h.Owner, Contact: h.Contact, Masked: h.Masked, State: h.State.String(), OnTheSpot: h.OnTheSpot, Overdue: h.Overdue(now),
		ReportedAt: ts(h.ReportedAt), RectifyDue: ts(h.RectifyDue), ReopenedAt: ts(h.ReopenedAt), Reopens: h.Reopens,
		RectifiedAt: ts(h.RectifiedAt), VerifyDue: ts(h.VerifyDue), ClosedAt: ts(h.ClosedAt),
		Rectifications: make([]rectificationOutJSON, len(h.Rectifications)), Verifications: make([]verificationOutJSON, len(h.Verifications)),
		Case: string(h.Case), ConvertedAt: ts(h.ConvertedAt), ConvertedBy: h.ConvertedBy, Timeline: chainOut(h.Chain),
	}
	for i, r := range h.Rectifications {
		out.Rectifications[i] = rectificationOutJSON{Evidence: r.Evidence, Photos: append([]string{}, r.Photos...), By: r.By, At: ts(r.At)}
	}
	for i, v := range h.Verifications {
		out.Verifications[i] = verificationOutJSON{Passed: v.Passed, Notes: v.Notes, By: v.By, At: ts(v.At)}
	}
	return out
}

func (s *server) writeHazard(w http.ResponseWriter, status int, h *hazard.Hazard) error {
	now := s.now()
	key := answerKey{kind: 'h', id: string(h.ID), masked: h.Masked, overdue: h.Overdue(now)}
	return s.answers.write(w, status, key, h.Version, func() any { return hazardOut(h, now) })
}

// hazardID reads the hazard ID from the path.
func hazardID(req bunrouter.Request) (hazard.ID, error) {
	id := req.Param("id")
	if !validID(id) {
		return "", fourplusn.Errorf(fourplusn.NotFound, "hazard not found")
	}
	return hazard.ID(id), nil
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
	if h, err = s.cfg.Hazards.Get(ctx, actor, h.ID); err != nil {
		return err
	}
	w.Header().Set("Location", apiPrefix+"/hazards/"+string(h.ID))
	return s.writeHazard(w, http.StatusCreated, h)
}

// listHazards is GET /hazards.
func (s *server) listHazards(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := signedIn(req)
	if err != nil {
		return err
	}
	q, err := parseQuery(req, "state", "category", "grade", "overdue", "before", "limit")
	if err != nil {
		return err
	}
	var f hazard.Filter
	for _, st := range q.list("state") {
		state, err := hazard.ParseState(st)
		q.fail(err)
		f.States = append(f.States, state)
	}
	f.Category = hazard.Category(q.one("category"))
	common := q.listFilters(s.now(), work.DefaultPage, work.MaxPage)
	f.Grade, f.OverdueAt, f.Before, f.Limit = common.grade, common.overdueAt, hazard.ID(common.before), common.limit
	if q.err != nil {
		return q.err
	}
	page, err := s.cfg.Hazards.List(req.Context(), actor, f)
	if err != nil {
		return err
	}
	out := hazardPageJSON{Hazards: make([]hazardJSON, len(page.Hazards)), Next: string(page.Next)}
	now := s.now()
	for i, h := range page.Hazards {
		out.Hazards[i] = hazardOut(h, now)
	}
	return writeJSON(w, http.StatusOK, out)
}

// getHazard is GET /hazards/{id}.
func (s *server) getHazard(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := signedIn(req)
	if err != nil {
		return err
	}
	id, err := hazardID(req)
	if err != nil {
		return err
	}
	h, err := s.cfg.Hazards.Get(req.Context(), actor, id)
	if err != nil {
		return err
	}
	return s.writeHazard(w, http.StatusOK, h)
}

// hazardTimeline is GET /hazards/{id}/timeline.
func (s *server) hazardTimeline(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := signedIn(req)
	if err != nil {
		return err
	}
	id, err := hazardID(req)
	if err != nil {
		return err
	}
	events, err := s.cfg.Hazards.Timeline(req.Context(), actor, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, timelineOut(string(id), events))
}

// hazardAction registers POST /hazards/{id}/{name}, as caseAction does for
// cases.
func hazardAction[B any](s *server, g *bunrouter.Group, name string, do func(context.Context, grid.Actor, hazard.ID, int64, *B) (*hazard.Hazard, error)) {
	recordAction(s, g, "/hazards/:id/"+name, s.hazards(), do, false)
}

// hazards is how the API acts on hazards.
func (s *server) hazards() versioned[hazard.ID, hazard.Hazard] {
	return versioned[hazard.ID, hazard.Hazard]{
		id: hazardID, get: s.cfg.Hazards.Get, write: s.writeHazard,
		version: func(h *hazard.Hazard) int64 { return h.Version },
	}
}

// convertHazard is POST /hazards/{id}/convert: a dispute lead becomes a
// mediation case.
func (s *server) convertHazard(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := signedIn(req)
	if err != nil {
		return err
	}
	id, err := hazardID(req)
	if err != nil {
		return err
	}
	version, matched, err := ifMatch(req)
	if err != nil {
		return err
	}
	var body conversionJSON
	if err := decodeBody(w, req, &body, false); err != nil {
		return err
	}
	conv := hazard.Conversion{Category: mediation.Category(body.Category), Facts: body.Facts, Claims: claimsIn(body.Claims)}
	if conv.Applicants, err = partiesIn("applicants", body.Applicants); err != nil {
		return err
	}
	if conv.Respondents, err = partiesIn("respondents", body.Respondents); err != nil {
		return err
	}
	if conv.Risks, err = parseRisks("risks", body.Risks); err != nil {
		return err
	}
	ctx := req.Context()
	h, c, err := s.cfg.Hazards.Convert(ctx, actor, id, version, conv)
	if err != nil {
		return s.hazards().stale(ctx, actor, id, version, matched, err)
	}
	if c, err = s.cfg.Cases.Get(ctx, actor, c.ID); err != nil {
		return err
	}
	w.Header().Set("ETag", etag(h.Version))
	now := s.now()
	return writeJSON(w, http.StatusOK, conversionOutJSON{Hazard: hazardOut(h, now), Case: caseOut(c, now)})
}
