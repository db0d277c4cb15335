package httpapi

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/uptrace/bunrouter"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// maxIdempotencyKey bounds an Idempotency-Key header, as the domain does.
const maxIdempotencyKey = 128

// caseResource is how the API serves cases.
type caseResource = resource[mediation.ID, mediation.Case, caseJSON, mediation.Filter]

func newCaseResource(s *server) *caseResource {
	svc := s.cfg.Cases
	return &caseResource{
		s: s, noun: "case", path: "/cases", svc: svc,
		key:     func(c *mediation.Case) (mediation.ID, int64) { return c.ID, c.Version },
		view:    func(c *mediation.Case, now time.Time) view { return view{masked: c.Masked, overdue: c.Overdue(now)} },
		out:     func(c *mediation.Case, v view) caseJSON { return caseOut(s.api, c, v) },
		filters: caseParams, filter: s.caseFilter,
		list: func(ctx context.Context, a grid.Actor, f mediation.Filter) ([]*mediation.Case, mediation.ID, error) {
			p, err := svc.List(ctx, a, f)
			return p.Cases, p.Next, err
		},
		page: func(cs []caseJSON, next string) any { return pageJSON{Cases: cs, Next: next} },
	}
}

// caseParams are the query parameters of GET /cases, which caseFilter
// reads; a route that takes the list's filters (an export of the list)
// takes these.
var caseParams = listParams("state", "channel", "category", "cell", "registered_from", "registered_to", "q")

// caseFilter reads the query of GET /cases: the filters every list takes
// (listFilters) and state, channel, category, cell (a cell's ID: the
// cases handled or arisen in its subtree), registered_from and
// registered_to (dates, in work.Zone, both included) and q, a search
// (mediation.Search). Every error names the parameter at fault.
func (s *server) caseFilter(q *query, now time.Time) mediation.Filter {
	f := mediation.Filter{States: each(q, "state", mediation.ParseState)}
	if ch := q.one("channel"); ch != "" {
		var err error
		f.Channel, err = work.ParseChannel(ch)
		q.fail(err)
	}
	if cat := q.one("category"); cat != "" {
		// The rules' categories are the Service's, which checks them.
		f.Category = mediation.Category(cat)
	}
	if id := q.one("cell"); id != "" {
		c, err := s.cfg.Grid.Directory().Tree().Cell(grid.CellID(id))
		if err != nil {
			q.fail(fourplusn.FieldError("cell", "no such cell"))
		}
		f.Cell = c.Path
	}
	f.RegisteredFrom = q.date("registered_from")
	if to := q.date("registered_to"); !to.IsZero() {
		f.RegisteredTo = to.AddDate(0, 0, 1) // the whole day
	}
	if !f.RegisteredFrom.IsZero() && !f.RegisteredTo.IsZero() && !f.RegisteredFrom.Before(f.RegisteredTo) {
		q.fail(fourplusn.FieldError("registered_to", "must not be before registered_from"))
	}
	if f.Query = strings.TrimSpace(q.one("q")); f.Query != "" {
		if _, err := mediation.ParseSearch(f.Query); err != nil {
			q.fail(fourplusn.WithField("q", stripField(err)))
		}
	}
	common := q.listFilters(now, work.DefaultPage, work.MaxPage)
	f.Grade, f.OverdueAt, f.Before, f.Limit = common.grade, common.overdueAt, mediation.ID(common.before), common.limit
	return f
}

func (s *server) routeCases(g *bunrouter.Group) {
	k := s.cases
	s.handle(g, http.MethodPost, "/cases", s.registerCase)
	k.route(g)
	s.handle(g, http.MethodGet, "/cases/by-number/:number", s.caseByNumber)
	s.handle(g, http.MethodGet, "/cases/:id/agreement", s.renderAgreement)
	s.handle(g, http.MethodGet, "/cases/:id/file", s.caseFile)
	s.handle(g, http.MethodGet, "/cases/:id/rights-notice", s.renderRightsNotice)
	s.routeSessions(g)
	s.routeDuplicates(g)
	svc := s.cfg.Cases
	routeAttachments(k, g, svc, func(c *mediation.Case) []attachment.Attachment { return c.Attachments })
	action(k, g, "accept", true, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, _ *noBodyJSON) (*mediation.Case, error) {
		return svc.Accept(ctx, a, id, v)
	})
	action(k, g, "reject", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *rejectionJSON) (*mediation.Case, error) {
		return svc.Reject(ctx, a, id, v, mediation.Rejection{Reason: b.Reason, Advice: b.Advice})
	})
	action(k, g, "review", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *reviewJSON) (*mediation.Case, error) {
		switch b.Decision {
		case "accept":
			return svc.Accept(ctx, a, id, v)
		case "reject":
			return svc.Reject(ctx, a, id, v, mediation.Rejection{Reason: b.Reason, Advice: b.Advice})
		}
		return nil, fourplusn.FieldError("decision", "decision must be accept or reject, not %q", b.Decision)
	})
	action(k, g, "team", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *participantJSON) (*mediation.Case, error) {
		return svc.Join(ctx, a, id, v, mediation.Participant{Department: b.Department, Body: b.Body, MemberID: b.MemberID, Name: b.Name, Role: b.Role})
	})
	action(k, g, "sessions", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *sessionJSON) (*mediation.Case, error) {
		sess, err := b.session()
		if err != nil {
			return nil, err
		}
		return svc.RecordSession(ctx, a, id, v, sess)
	})
	action(k, g, "agreement", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *agreementJSON) (*mediation.Case, error) {
		ag, err := b.agreement()
		if err != nil {
			return nil, err
		}
		return svc.RecordAgreement(ctx, a, id, v, ag)
	})
	action(k, g, "agreement/draft", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *draftJSON) (*mediation.Case, error) {
		return svc.DraftAgreement(ctx, a, id, v, b.agreement())
	})
	action(k, g, "agreement/signing", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *signingJSON) (*mediation.Case, error) {
		sg, err := b.signing()
		if err != nil {
			return nil, err
		}
		return svc.RecordSigning(ctx, a, id, v, sg)
	})
	action(k, g, "agreement/supersede", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *supersedeJSON) (*mediation.Case, error) {
		return svc.SupersedeAgreement(ctx, a, id, v, b.Reason, b.Draft.agreement())
	})
	action(k, g, "corrections", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *correctionJSON) (*mediation.Case, error) {
		cr, err := b.correction()
		if err != nil {
			return nil, err
		}
		return svc.Correct(ctx, a, id, v, cr)
	})
	action(k, g, "fail", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *failureJSON) (*mediation.Case, error) {
		return svc.Fail(ctx, a, id, v, mediation.Failure{Reason: b.Reason, Route: mediation.Route(b.Route)})
	})
	action(k, g, "withdraw", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *reasonJSON) (*mediation.Case, error) {
		return svc.Withdraw(ctx, a, id, v, b.Reason)
	})
	action(k, g, "escalate", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *reasonJSON) (*mediation.Case, error) {
		return svc.Escalate(ctx, a, id, v, b.Reason)
	})
	action(k, g, "approve", true, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, _ *noBodyJSON) (*mediation.Case, error) {
		return svc.ApproveEscalation(ctx, a, id, v)
	})
	action(k, g, "return", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *returnJSON) (*mediation.Case, error) {
		return svc.ReturnEscalation(ctx, a, id, v, b.Instructions)
	})
	action(k, g, "transfer", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *transferJSON) (*mediation.Case, error) {
		if err := grid.ValidateCellID(grid.CellID(b.To)); err != nil {
			return nil, fourplusn.WithField("to", stripField(err))
		}
		return svc.Transfer(ctx, a, id, v, grid.CellID(b.To), b.Reason)
	})
	action(k, g, "transfer-out", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *outsideBodyJSON) (*mediation.Case, error) {
		return svc.TransferOut(ctx, a, id, v, mediation.OutsideBody{Name: b.Name, Contact: b.Contact, Reason: b.Reason})
	})
	action(k, g, "extend", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *extendJSON) (*mediation.Case, error) {
		return svc.Extend(ctx, a, id, v, mediation.Extension{Days: b.Days, Reason: b.Reason, Consent: b.Consent})
	})
	action(k, g, "suspend", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *reasonJSON) (*mediation.Case, error) {
		return svc.Suspend(ctx, a, id, v, b.Reason)
	})
	action(k, g, "resume", true, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, _ *noBodyJSON) (*mediation.Case, error) {
		return svc.Resume(ctx, a, id, v)
	})
	action(k, g, "risks", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *risksJSON) (*mediation.Case, error) {
		risks, err := parseRisks("risks", b.Risks)
		if err != nil {
			return nil, err
		}
		return svc.RaiseRisk(ctx, a, id, v, risks)
	})
	action(k, g, "follow-ups", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *followUpJSON) (*mediation.Case, error) {
		return svc.FollowUp(ctx, a, id, v, b.followUp())
	})
	action(k, g, "reopen", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *reasonJSON) (*mediation.Case, error) {
		return svc.Reopen(ctx, a, id, v, b.Reason)
	})
	action(k, g, "rights", false, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *rightsJSON) (*mediation.Case, error) {
		rg, err := b.giving()
		if err != nil {
			return nil, err
		}
		return svc.GiveRights(ctx, a, id, v, rg)
	})
	action(k, g, "close", true, func(ctx context.Context, a grid.Actor, id mediation.ID, v int64, b *closeJSON) (*mediation.Case, error) {
		return svc.Close(ctx, a, id, v, b.Note)
	})
}

// stripField returns err without the field it names, for a caller that
// names the field itself.
func stripField(err error) error {
	if e, ok := err.(*fourplusn.Error); ok {
		c := *e
		c.Field = ""
		return &c
	}
	return err
}

// registerCase is POST /cases: a member registers a dispute as first
// received (首问负责制).
func (s *server) registerCase(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := staffOf(req)
	if err != nil {
		if actor.Kind == grid.Resident {
			return fourplusn.Errorf(fourplusn.Forbidden, "residents apply online: POST %s/applications", s.api)
		}
		return err
	}
	var body intakeJSON
	if err := decodeBody(w, req, &body, false); err != nil {
		return err
	}
	in, err := body.intake()
	if err != nil {
		return err
	}
	return s.register(w, req, actor, in)
}

// minApplicationKey is the shortest Idempotency-Key an anonymous
// application may send: the key is who the applicant is (see
// applyOnline), so it must be too long to guess, as the web form's
// random key of 20 characters is.
const minApplicationKey = 16

// applyOnline is POST /applications: a resident applies online, with a
// resident's token or none. An anonymous applicant is identified as the
// pilot's web form identifies one: by the Idempotency-Key they send,
// which they must, in the township of the cell where the dispute arose,
// which they must name. The application carries the resident's consent to
// the current privacy notice (GET /privacy-notice). A retry with the same key and body is the same
// resident and gets the same case; the public rate limit applies before
// anything else (see New). Staff register through POST /cases.
func (s *server) applyOnline(w http.ResponseWriter, req bunrouter.Request) error {
	actor := actorOf(req)
	if actor.Kind != grid.Anonymous && actor.Kind != grid.Resident {
		return fourplusn.Errorf(fourplusn.Forbidden, "online applications are residents': staff register cases through POST %s/cases", s.api)
	}
	var body onlineApplicationJSON
	if err := decodeBody(w, req, &body, false); err != nil {
		return err
	}
	in, err := body.intake(work.ChannelOnline)
	if err != nil {
		return err
	}
	in.Consent = body.Consent.Version
	if actor.Kind == grid.Anonymous {
		if actor, err = s.applicant(req, &in); err != nil {
			return err
		}
	}
	return s.register(w, req, actor, in)
}

// applicant returns the resident an anonymous application in comes from:
// "r-" and the request's Idempotency-Key, in the township of in's
// location. When the key or the location is missing or wrong, it reports
// those together with every other field at fault in in.
func (s *server) applicant(req bunrouter.Request, in *mediation.Intake) (grid.Actor, error) {
	var v fourplusn.Validation
	key, err := idempotencyKey(req)
	if v.Add(err) && len(key) < minApplicationKey {
		v.Fail("Idempotency-Key", "an application without an account sends a random key of %d to %d printable ASCII characters: it stands for the applicant", minApplicationKey, maxIdempotencyKey)
	}
	var township grid.CellID
	switch {
	case in.Location != "":
		cell, err := s.cfg.Grid.Directory().Tree().Cell(in.Location)
		if err != nil {
			return grid.Actor{}, fourplusn.WithField("location", err)
		}
		township = cell.Path.Township()
	case in.Outside != "":
		v.Fail("location", "an application without an account names the cell of the township where the dispute arose")
	}
	if township == "" || !v.OK() {
		// The intake's own rules report the rest, a missing location
		// among them.
		v.Add(in.Validate(s.cfg.Cases.Rules()))
		return grid.Actor{}, v.Err()
	}
	return grid.ResidentActor("r-"+key, township), nil
}

// register registers in as actor under the request's Idempotency-Key, and
// answers 201 with the case as the actor may see it.
func (s *server) register(w http.ResponseWriter, req bunrouter.Request, actor grid.Actor, in mediation.Intake) error {
	key, err := idempotencyKey(req)
	if err != nil {
		return err
	}
	in.IdempotencyKey = key
	ctx := req.Context()
	c, err := s.cfg.Cases.Register(ctx, actor, in)
	if err != nil {
		return err
	}
	return s.cases.created(ctx, w, actor, c.ID)
}

// idempotencyKey reads the Idempotency-Key header: at most 128 printable
// ASCII characters, or none.
func idempotencyKey(req bunrouter.Request) (string, error) {
	vs := req.Header.Values("Idempotency-Key")
	switch {
	case len(vs) == 0:
		return "", nil
	case len(vs) > 1:
		return "", fourplusn.FieldError("Idempotency-Key", "give one key")
	case len(vs[0]) > maxIdempotencyKey || !validID(vs[0]):
		return "", fourplusn.FieldError("Idempotency-Key", "a key is 1 to %d printable ASCII characters", maxIdempotencyKey)
	}
	return vs[0], nil
}

// caseByNumber is GET /cases/by-number/{number}: the case of the actor's
// township with that number, as GET /cases/{id} answers it, for a number
// read out on the phone or copied from paper. The number is read as
// people type it (see mediation.ParseNumber); one that does not read is
// 400 naming the field "number", and one given to no case is 404 as one
// the actor may not see is.
func (s *server) caseByNumber(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := signedIn(req)
	if err != nil {
		return err
	}
	n, err := mediation.ParseNumber(req.Param("number"))
	if err != nil {
		return err
	}
	c, err := s.cfg.Cases.GetByNumber(req.Context(), actor, n)
	if err != nil {
		return err
	}
	return s.cases.answer(w, http.StatusOK, c)
}

// caseFile is GET /cases/{id}/file: the case's file (卷宗), as the actor
// may see the case and its timeline — in JSON, or with ?format=html as
// the whole file printed as one HTML document, masked as the case is.
func (s *server) caseFile(w http.ResponseWriter, req bunrouter.Request) error {
	actor, id, err := s.cases.named(req)
	if err != nil {
		return err
	}
	q, err := parseQuery(req, "format")
	if err != nil {
		return err
	}
	format := q.one("format")
	if q.err != nil {
		return q.err
	}
	if format != "" && format != "json" && format != "html" {
		return fourplusn.FieldError("format", "format is json or html")
	}
	ctx := req.Context()
	f, err := s.cfg.Cases.CaseFile(ctx, actor, id)
	if err != nil {
		return err
	}
	if format != "html" {
		return writeJSON(w, http.StatusOK, caseFileOut(f))
	}
	// The file is of one version of the case, whose township names the
	// committee that keeps it.
	c := f.Case()
	var buf bytes.Buffer
	if err := f.RenderHTML(&buf, mediation.PrintOptions{Committee: s.committee(c.Township), Names: s.memberName}); err != nil {
		return err
	}
	return writeDocument(w, "text/html; charset=utf-8", etag(c.Version), buf.Bytes())
}

// renderRightsNotice is GET /cases/{id}/rights-notice: the notice of
// rights and duties (人民调解权利义务告知书) of the case as an A4 HTML page
// to print and hand to the parties, each party's receipt line blank to
// sign on, or saying how and when it was given; masked as the case is.
func (s *server) renderRightsNotice(w http.ResponseWriter, req bunrouter.Request) error {
	if _, err := parseQuery(req); err != nil {
		return err
	}
	c, err := s.cases.read(req)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := c.RenderRightsNotice(&buf, s.committee(c.Township)); err != nil {
		return err
	}
	return writeDocument(w, "text/html; charset=utf-8", etag(c.Version), buf.Bytes())
}

// committee names the people's mediation committee of township, as the
// documents it prints name it: the township's name and 人民调解委员会, or
// "" — a blank line to fill in — when the grid no longer knows it.
func (s *server) committee(township grid.CellID) string {
	if t, err := s.cfg.Grid.Directory().Tree().Cell(township); err == nil {
		return t.Name + "人民调解委员会"
	}
	return ""
}

// memberName names a member of the grid in a printed document, or gives
// their ID when the grid does not know them (a member since removed).
func (s *server) memberName(id string) string {
	if m, ok := s.cfg.Grid.Directory().Member(grid.MemberID(id)); ok {
		return m.Name
	}
	return id
}

// writeDocument answers 200 with a printable document, with the ETag of
// the version of the record it prints ("" for none): never cached, as it
// holds personal data, and under a policy that lets it style itself and
// nothing else.
func writeDocument(w http.ResponseWriter, contentType, tag string, body []byte) error {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; form-action 'none'")
	h.Set("Cache-Control", "no-store")
	if tag != "" {
		h.Set("ETag", tag)
	}
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(body)
	return err
}

// renderAgreement is GET /cases/{id}/agreement: the written agreement as
// a printable people's mediation agreement (人民调解协议书) — the draft
// when there is one, to be printed and signed, with blank lines for the
// marks, else the agreement in effect — as an HTML page with a print
// stylesheet, or in plain text to a client that asks for it with
// ?format=text or an Accept that prefers text/plain. It is rendered from
// the case as the actor may see it, so the parties' particulars are
// masked for those who may not see them in full.
func (s *server) renderAgreement(w http.ResponseWriter, req bunrouter.Request) error {
	c, err := s.cases.read(req)
	if err != nil {
		return err
	}
	a := c.Draft
	if a == nil {
		a = c.Agreement
	}
	if a == nil {
		return fourplusn.Errorf(fourplusn.NotFound, "case %s has no agreement yet", c.ID)
	}
	text, err := wantsText(req)
	if err != nil {
		return err
	}
	render, contentType := a.RenderHTML, "text/html; charset=utf-8"
	if text {
		render, contentType = a.Render, "text/plain; charset=utf-8"
	}
	var buf bytes.Buffer
	if err := render(&buf, c); err != nil {
		return err
	}
	w.Header().Set("Vary", "Accept")
	return writeDocument(w, contentType, etag(c.Version), buf.Bytes())
}

// wantsText reports whether a request for a document asks for plain
// text: with ?format=text, or with an Accept that names text/plain before
// text/html. Any other format is refused.
func wantsText(req bunrouter.Request) (bool, error) {
	switch req.URL.Query().Get("format") {
	case "text":
		return true, nil
	case "html":
		return false, nil
	case "":
	default:
		return false, fourplusn.FieldError("format", "format is html or text")
	}
	for part := range strings.SplitSeq(req.Header.Get("Accept"), ",") {
		mt, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		switch strings.ToLower(strings.TrimSpace(mt)) {
		case "text/html", "application/xhtml+xml", "text/*", "*/*":
			return false, nil
		case "text/plain":
			return true, nil
		}
	}
	return false, nil
}

// trackCase is GET /track/{code}: the public progress lookup. Anyone with
// the tracking code sees where the case stands — its state, grade, the
// name of the cell handling it and its dates — and nothing about who is
// involved. An unknown code is 404.
func (s *server) trackCase(w http.ResponseWriter, req bunrouter.Request) error {
	rec, err := s.cfg.Cases.Track(req.Context(), req.Param("code"))
	if err != nil {
		return err
	}
	handling := rec.Handling.String()
	if cell, err := s.cfg.Grid.Directory().Tree().Cell(rec.Handling.Cell()); err == nil {
		handling = cell.Name
	}
	return writeJSON(w, http.StatusOK, trackJSON{
		Number: rec.Number.String(), State: rec.State.String(), Grade: rec.Grade.String(), Handling: handling,
		RegisteredAt: ts(rec.RegisteredAt), AcceptedAt: ts(rec.AcceptedAt), ResolvedAt: ts(rec.ResolvedAt), ClosedAt: ts(rec.ClosedAt),
		AcceptDue: ts(rec.AcceptDue), ResolveDue: ts(rec.ResolveDue),
	})
}

// privacyNotice is GET /privacy-notice: the notice an online application
// consents to, which a client shows before the resident applies.
func (s *server) privacyNotice(w http.ResponseWriter, req bunrouter.Request) error {
	n := mediation.CurrentPrivacyNotice
	return writeJSON(w, http.StatusOK, privacyNoticeJSON{Version: n.Version, Title: n.Title, Text: n.Text})
}

// resendCodes is POST /track/resend: a resident who lost their tracking
// code asks for it to be sent to the phone they applied with. The answer
// is 202 and mediation.ResendAnswer whether or not the phone applied for
// anything; only a number that is not one is refused.
func (s *server) resendCodes(w http.ResponseWriter, req bunrouter.Request) error {
	var body resendJSON
	if err := decodeBody(w, req, &body, false); err != nil {
		return err
	}
	if err := s.cfg.Cases.ResendCodes(req.Context(), body.Phone); err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, resendAnswerJSON{Message: mediation.ResendAnswer})
}
