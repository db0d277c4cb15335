package pilot

import (
	"bytes"
	"cmp"
	"context"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/inbox"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// home is the landing page: the resident's two services and the staff login.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "home", map[string]any{"Title": "矛盾纠纷多元化解平台"})
}

// place is a cell offered as a location or a routing target.
type place struct {
	ID    grid.CellID
	Label string
}

// places lists the cells of the levels given in every township, each
// labelled with its township and community, for the forms' choices.
func (s *Server) places(township grid.CellID, levels ...grid.Level) []place {
	var out []place
	for _, root := range s.app.Grid.Directory().Tree().Roots() {
		if township != "" && root.ID != township {
			continue
		}
		below, _ := s.app.Grid.Directory().Tree().Descendants(root.ID)
		for _, c := range below {
			for _, l := range levels {
				if c.Level() == l {
					label := c.Name
					if l > 3 {
						if p, err := s.app.Grid.Directory().Tree().Cell(c.Path.At(3)); err == nil {
							label = p.Name + " · " + c.Name
						}
					}
					if township == "" {
						label = root.Name + " · " + label
					}
					out = append(out, place{c.ID, label})
				}
			}
		}
	}
	return out
}

// formKey returns the key of a form that creates a record, which makes a
// double submission one record: the key the form was sent with, or a new
// one for a form shown afresh.
func formKey(sent url.Values) (string, error) {
	if key := sent.Get("key"); key != "" {
		return key, nil
	}
	k, err := newSecret()
	if err != nil {
		return "", err
	}
	return k[:20], nil
}

func (s *Server) applyForm(w http.ResponseWriter, r *http.Request) {
	s.renderApply(w, r, http.StatusOK, formState{Values: url.Values{}}, "")
}

// renderApply shows the application form as st left it: what was typed,
// and each input at fault marked with what it takes; msg, if any, says
// what went wrong as a whole.
func (s *Server) renderApply(w http.ResponseWriter, r *http.Request, status int, st formState, msg string) {
	key, err := formKey(st.Values)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	cats := make([]map[string]string, len(categoryOrder))
	for i, c := range categoryOrder {
		cats[i] = map[string]string{"ID": string(c), "Label": c.Title()}
	}
	s.render(w, r, status, "apply", map[string]any{
		"Title": "在线申请调解", "Form": st.Values, "Errors": st.Errors, "Key": key, "Message": cmp.Or(msg, st.Message),
		"Categories": cats, "Places": s.places("", 3, 4),
		"Notice": mediation.CurrentPrivacyNotice, "NoticeParagraphs": strings.Split(mediation.CurrentPrivacyNotice.Text, "\n\n"),
		"Applicant": particularsForm{ID: "applicant", Prefix: "applicants[0]", values: st.Values, errors: st.Errors},
	})
}

// readRespondentAndClaim reads into in what the application and the
// registration forms both take besides the applicant: the other party's
// name and the amount claimed, a mistake in which v collects.
func readRespondentAndClaim(f url.Values, v *fourplusn.Validation, in *mediation.Intake) {
	if n := f.Get("respondent"); n != "" {
		in.Respondents = []mediation.Party{{Name: n}}
	}
	if claim := f.Get("claim"); strings.TrimSpace(claim) != "" {
		fen, err := fourplusn.ParseYuan("claims[0].amount", claim)
		if v.Add(err) {
			in.Claims = []mediation.Claim{{Description: "请求赔偿或支付", Amount: fen}}
		}
	}
}

// apply registers a resident's online application and shows its
// tracking code. A form with mistakes is shown again as it was typed,
// with every input at fault marked at once.
func (s *Server) apply(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	if !s.public.allow(r) {
		s.renderApply(w, r, http.StatusTooManyRequests, formState{Values: f}, "提交过于频繁，请稍后再试。")
		return
	}
	key := f.Get("key")
	if len(key) < 8 || len(key) > 64 {
		s.renderApply(w, r, http.StatusBadRequest, formState{Values: url.Values{}}, "表单已过期，请重新填写。")
		return
	}
	// What the form itself reads — the particulars' choices and dates,
	// the amount, the place — is checked with the intake, so that every
	// mistake is shown at once.
	var v fourplusn.Validation
	applicant, err := readParty(f, "applicants[0]", s.app.Now())
	v.Add(err)
	applicant.Name, applicant.Phone, applicant.Address = f.Get("name"), f.Get("phone"), f.Get("address")
	in := mediation.Intake{
		Channel:        work.ChannelOnline,
		Category:       mediation.Category(f.Get("category")),
		Applicants:     []mediation.Party{applicant},
		Facts:          f.Get("facts"),
		Location:       grid.CellID(f.Get("location")),
		Consent:        f.Get("consent"), // the version of the notice the box was ticked under
		IdempotencyKey: key,
	}
	readRespondentAndClaim(f, &v, &in)
	cell, err := s.app.Grid.Directory().Tree().Cell(in.Location)
	if err != nil && in.Location != "" {
		v.Fail("location", "no such cell")
	}
	if !v.OK() || err != nil {
		v.Add(in.Validate(s.app.Cases.Rules()))
		s.refuseApplication(w, r, f, v.Err())
		return
	}
	// The resident is known by the form's key: a retry of the same form
	// is the same resident with the same key, and gets the same case.
	resident := grid.ResidentActor("r-"+key, cell.Path.Township())
	c, err := s.app.Cases.Register(r.Context(), resident, in)
	if err != nil {
		s.refuseApplication(w, r, f, err)
		return
	}
	data := map[string]any{"Title": "申请已提交", "Code": c.TrackingCode, "Case": c, "Handling": s.app.CellName(c.Handling)}
	// The photos are the resident's own, attached while the application
	// is theirs to add to: a photo refused, or all of them, never loses
	// the application registered.
	if photos := uploaded(r, "photos"); len(photos) > 0 {
		last, refused, err := attachFiles(r.Context(), s.caseFiled(resident, c.ID), c.Version, attachment.Photo, "", photos)
		if err != nil {
			s.app.Logger.Warn("attach an application's photos", "case", c.ID, "err", err)
			refused = append(refused, refusedFile{"其余照片", "暂时无法保存"})
		}
		if last != nil {
			c = last
		}
		data["Photos"] = len(c.Attachments)
		if len(refused) > 0 {
			data["Refused"] = refusedMessage(refused)
		}
	}
	s.hub.Publish()
	s.render(w, r, http.StatusOK, "applied", data)
}

// refuseApplication shows the application form again for err: marked
// where err is Invalid, an error page otherwise.
func (s *Server) refuseApplication(w http.ResponseWriter, r *http.Request, f url.Values, err error) {
	if fourplusn.ErrorCode(err) != fourplusn.Invalid {
		s.failErr(w, r, err)
		return
	}
	s.renderApply(w, r, http.StatusBadRequest, refused("apply", applyInputs, f, err), "")
}

// resendCodes sends a resident who lost their tracking code the codes of
// the open cases applied for with the phone they give, to that phone,
// and answers the same sentence whether or not there are any.
func (s *Server) resendCodes(w http.ResponseWriter, r *http.Request) {
	data := map[string]any{"Title": "办理进度查询", "Phone": r.PostForm.Get("phone")}
	if !s.public.allow(r) {
		data["ResendMessage"] = "提交过于频繁，请稍后再试。"
		s.render(w, r, http.StatusTooManyRequests, "track", data)
		return
	}
	err := s.app.Cases.ResendCodes(r.Context(), r.PostForm.Get("phone"))
	switch {
	case fourplusn.ErrorCode(err) == fourplusn.Invalid:
		data["ResendMessage"] = "请填写申请时留下的11位手机号码。"
		s.render(w, r, http.StatusBadRequest, "track", data)
		return
	case err != nil:
		s.failErr(w, r, err)
		return
	}
	data["ResendSent"] = mediation.ResendAnswer + "。"
	s.render(w, r, http.StatusOK, "track", data)
}

// track shows an application's progress by its tracking code, with no
// personal data: anyone holding the code may look, as often as the
// public pages' limit per address allows.
func (s *Server) track(w http.ResponseWriter, r *http.Request) {
	code := strings.TrimSpace(r.URL.Query().Get("code"))
	data := map[string]any{"Title": "办理进度查询", "Code": code}
	if code == "" {
		s.render(w, r, http.StatusOK, "track", data)
		return
	}
	if !s.public.allow(r) {
		data["Message"] = "查询过于频繁，请稍后再试。"
		s.render(w, r, http.StatusTooManyRequests, "track", data)
		return
	}
	rec, err := s.app.Cases.Track(r.Context(), code)
	if fourplusn.ErrorCode(err) == fourplusn.NotFound {
		data["Message"] = "未找到该查询码，请核对后重试。"
		s.render(w, r, http.StatusNotFound, "track", data)
		return
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	data["Record"] = rec
	data["Handling"] = s.app.CellName(rec.Handling)
	s.render(w, r, http.StatusOK, "track", data)
}

// waiting is a case or hazard at the duty console.
type waiting struct {
	Case    *mediation.Case
	Hazard  *hazard.Hazard
	Where   string
	Waited  string
	Due     time.Time
	Photo   string // the thumbnail of a hazard's first photo as found, if any
	Overdue bool
	AtRisk  bool
	Turn    string      // whose move it is: 待马园村委受理
	Accept  bool        // it is the member's to accept (see acceptsAt)
	Route   bool        // the member may route it to another cell
	RouteTo grid.CellID // the cell the routing form offers first: the one handling it, as the rules chose
	Dups    []dupRow    // its likely duplicates (可能重复的案件)
}

// acceptsAt reports whether a case handled at cell is a's to accept: a
// post at the cell itself, or at a village (community) or below that
// holds it, whose people answer on the ground for their groups. The
// township and its sectors route what the rules give a cell below them
// (分派), and accept only what is their own: accepting for the cell would
// leave the cell to accept it again once routed.
func acceptsAt(a grid.Actor, cell grid.Path) bool {
	for _, p := range a.Posts {
		if p.Cell == cell || p.Cell.Level() >= 3 && p.Cell.Contains(cell) {
			return true
		}
	}
	return false
}

// consoleData gathers what the duty console shows: the cases waiting to be
// accepted and the open hazard reports, oldest first, in the member's
// scope, the notifications of the township that failed to go out, and the
// messages from its chat channel that could not be registered.
func (s *Server) consoleData(r *http.Request, m grid.Member) (map[string]any, error) {
	actor, now := m.Actor(), s.app.Now()
	page, err := s.app.Cases.List(r.Context(), actor, mediation.Filter{States: []mediation.State{mediation.Registered}, Limit: work.MaxPage})
	if err != nil {
		return nil, err
	}
	// The duty officer sees what arrives through every channel, and so
	// is shown, beside each arrival, the others likely the same: found
	// for the whole list at once.
	ids := make([]mediation.ID, len(page.Cases))
	for i, c := range page.Cases {
		ids[i] = c.ID
	}
	dups, err := s.app.Cases.DuplicatesEach(r.Context(), actor, ids)
	if err != nil {
		return nil, err
	}
	var cases []waiting
	for i := len(page.Cases) - 1; i >= 0; i-- {
		c := page.Cases[i]
		target := grid.Target{Cell: c.Handling}
		w := waiting{
			Case: c, Where: s.where(c), Waited: since(now, c.RegisteredAt), Due: c.AcceptDue,
			Overdue: now.After(c.AcceptDue),
			AtRisk:  work.StatusAt(now, c.RegisteredAt, c.AcceptDue, s.app.Cases.Rules().AtRisk) == work.AtRisk,
			Turn:    s.app.caseTurn(c),
			Accept:  acceptsAt(actor, c.Handling) && s.app.Policy.Can(actor, grid.Accept, target) == nil,
			Route:   s.app.Policy.Can(actor, grid.Transfer, target) == nil,
			RouteTo: c.Handling.Cell(),
			Dups:    s.duplicateRows(r, actor, c, dups[i], "console"),
		}
		cases = append(cases, w)
	}
	hpage, err := s.app.Hazards.List(r.Context(), actor, hazard.Filter{States: []hazard.State{hazard.Open}, Limit: work.MaxPage})
	if err != nil {
		return nil, err
	}
	var hazards []waiting
	for i := len(hpage.Hazards) - 1; i >= 0; i-- {
		h := hpage.Hazards[i]
		hazards = append(hazards, waiting{
			Photo:  firstPhoto(h),
			Hazard: h, Where: s.app.CellName(h.Location), Waited: since(now, h.ReportedAt), Due: h.RectifyDue,
			Overdue: now.After(h.RectifyDue),
			AtRisk:  work.StatusAt(now, h.ReportedAt, h.RectifyDue, s.app.Hazards.Rules().AtRisk) == work.AtRisk,
		})
	}
	township := actor.Township
	// Notifications that did not get through are the watch's to chase:
	// whoever was to be told has not been.
	failed, err := s.app.DB.Outbox().Failures(r.Context(), township, 20)
	if err != nil {
		return nil, err
	}
	// So are the messages from the chat channel that could not be
	// registered: whoever sent them waits for a case that does not exist.
	// They are shown as they came, so only to those who may read the inbox.
	var unregistered []inbox.Message
	if intake, ok := s.app.Intake(); ok && inbox.MayRead(s.app.Policy, actor, intake.Actor().Township) == nil {
		if unregistered, err = s.app.DB.ChannelMessages().List(r.Context(), inbox.Failed, 20); err != nil {
			return nil, err
		}
	}
	return map[string]any{
		"Title": "24小时值班台", "Cases": cases, "Hazards": hazards, "Failed": failed, "Unregistered": unregistered, "Now": now,
		"Targets": s.places(township, 2, 3, 4),
	}, nil
}

// firstPhoto returns the address of the thumbnail of h's first photo as
// found, or "" if it has none.
func firstPhoto(h *hazard.Hazard) string {
	for _, a := range h.Attachments {
		if a.Of == "" && a.HasThumbnail() {
			return "/hazards/" + url.PathEscape(string(h.ID)) + "/attachments/" + url.PathEscape(a.ID) + "/thumbnail"
		}
	}
	return ""
}

// where names the place a case arose, or says it arose outside.
func (s *Server) where(c *mediation.Case) string {
	if c.Location.IsZero() {
		return c.Outside + "（辖区外）"
	}
	return s.app.CellName(c.Location)
}

func (s *Server) console(w http.ResponseWriter, r *http.Request, m grid.Member) {
	data, err := s.consoleData(r, m)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "console", data)
}

// consoleList is the console's list alone, which the page fetches when
// the server tells it something changed.
func (s *Server) consoleList(w http.ResponseWriter, r *http.Request, m grid.Member) {
	data, err := s.consoleData(r, m)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	data["CSRF"], _ = r.Context().Value(csrfKey).(string)
	var buf bytes.Buffer
	if err := s.pages["console"].ExecuteTemplate(&buf, "list", data); err != nil {
		s.failErr(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// caseList lists the cases in the member's sight, newest first, a page
// at a time: those a search (q) finds — names, a phone where the member
// sees the parties unmasked, a number, a tracking code, words of the
// facts — and that pass the form's filters. A whole case number goes
// straight to its case.
func (s *Server) caseList(w http.ResponseWriter, r *http.Request, m grid.Member) {
	q := r.URL.Query()
	query := strings.TrimSpace(q.Get("q"))
	if _, err := mediation.ParseNumber(query); query != "" && err == nil {
		c, err := s.findNumber(r.Context(), m.Actor(), query)
		if err == nil {
			http.Redirect(w, r, "/cases/"+string(c.ID), http.StatusSeeOther)
			return
		}
		status, msg := numberProblem(err)
		if status == 0 {
			s.failErr(w, r, err)
			return
		}
		s.renderCaseList(w, r, m, status, q, mediation.Page{}, "q", msg)
		return
	}
	f, field, msg := s.caseListFilter(q, query)
	if msg != "" {
		s.renderCaseList(w, r, m, http.StatusBadRequest, q, mediation.Page{}, field, msg)
		return
	}
	page, err := s.app.Cases.List(r.Context(), m.Actor(), f)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.renderCaseList(w, r, m, http.StatusOK, q, page, "", "")
}

// caseListFilter reads the case list's form into a filter of a page of
// 50, or names the input at fault and says in Chinese what it takes. The
// register (导出台账) takes the same.
func (s *Server) caseListFilter(q url.Values, query string) (f mediation.Filter, field, msg string) {
	f = mediation.Filter{Query: query, Before: mediation.ID(q.Get("before")), Limit: 50}
	if _, err := mediation.ParseSearch(query); query != "" && err != nil {
		return f, "q", "请输入姓名、电话、案号、查询码或案情中的词语，最多" + strconv.Itoa(mediation.MaxQuery) + "个字。"
	}
	if st := q.Get("state"); st != "" {
		state, err := mediation.ParseState(st)
		if err != nil {
			return f, "state", "请从列表中选择状态。"
		}
		f.States = []mediation.State{state}
	}
	if g := q.Get("grade"); g != "" {
		var err error
		if f.Grade, err = work.ParseGrade(g); err != nil {
			return f, "grade", "请从列表中选择等级。"
		}
	}
	if cat := mediation.Category(q.Get("category")); cat != "" {
		if _, ok := s.app.Cases.Rules().Categories[cat]; !ok {
			return f, "category", "请从列表中选择纠纷类别。"
		}
		f.Category = cat
	}
	if id := q.Get("cell"); id != "" {
		c, err := s.app.Grid.Directory().Tree().Cell(grid.CellID(id))
		if err != nil {
			return f, "cell", "请从列表中选择片区或村（社区）。"
		}
		f.Cell = c.Path
	}
	for _, d := range []struct {
		name string
		to   *time.Time
	}{{"from", &f.RegisteredFrom}, {"to", &f.RegisteredTo}} {
		v := q.Get(d.name)
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, v, work.Zone)
		if err != nil {
			return f, d.name, "请按 2026-11-30 的格式填写日期。"
		}
		*d.to = t
	}
	if !f.RegisteredTo.IsZero() {
		f.RegisteredTo = f.RegisteredTo.AddDate(0, 0, 1) // the whole day
		if !f.RegisteredFrom.Before(f.RegisteredTo) {
			return f, "to", "截止日期不能早于起始日期。"
		}
	}
	if q.Get("overdue") != "" {
		f.OverdueAt = s.app.Now()
	}
	return f, "", ""
}

// renderCaseList shows a page of the case list under the form as it was
// sent, with the input at fault (field) marked with msg.
func (s *Server) renderCaseList(w http.ResponseWriter, r *http.Request, m grid.Member, status int, q url.Values, page mediation.Page, field, msg string) {
	now := s.app.Now()
	rows := make([]map[string]any, len(page.Cases))
	for i, c := range page.Cases {
		rows[i] = map[string]any{"Case": c, "Where": s.where(c), "Handling": s.app.CellName(c.Handling), "Overdue": c.State.Open() && c.Overdue(now)}
	}
	states := []choice{}
	for _, st := range mediation.States() {
		states = append(states, choice{st.String(), st.Title()})
	}
	var grades, cats []choice
	for _, g := range work.Grades() {
		grades = append(grades, choice{g.String(), g.Title()})
	}
	for _, c := range categoryOrder {
		if _, ok := s.app.Cases.Rules().Categories[c]; ok {
			cats = append(cats, choice{string(c), c.Title()})
		}
	}
	next := ""
	if page.Next != "" {
		v := maps.Clone(q)
		v.Set("before", string(page.Next))
		next = "/cases?" + v.Encode()
	}
	form := map[string]string{}
	for _, k := range []string{"q", "state", "grade", "category", "cell", "from", "to", "overdue"} {
		form[k] = q.Get(k)
	}
	form["q"] = strings.TrimSpace(form["q"])
	// The register takes the list's filters, every page of them.
	export := maps.Clone(q)
	export.Del("before")
	s.render(w, r, status, "cases", map[string]any{
		"Title": "案件列表", "Rows": rows, "Next": next, "Form": form, "Field": field, "Message": msg,
		"Export": "/cases.xlsx?" + export.Encode(),
		"States": states, "Grades": grades, "Categories": cats, "Cells": s.places(m.Township, 2, 3),
		"Filtered": q.Get("q") != "" || q.Get("state") != "" || q.Get("grade") != "" || q.Get("category") != "" || q.Get("cell") != "" || q.Get("from") != "" || q.Get("to") != "" || q.Get("overdue") != "",
	})
}

// findNumber returns the case of actor's township numbered as typed.
func (s *Server) findNumber(ctx context.Context, actor grid.Actor, typed string) (*mediation.Case, error) {
	n, err := mediation.ParseNumber(typed)
	if err != nil {
		return nil, err
	}
	return s.app.Cases.GetByNumber(ctx, actor, n)
}

// numberProblem says in Chinese why a whole number searched for found no
// case, with the status to answer; 0 for an error that is not the
// number's.
func numberProblem(err error) (int, string) {
	if fourplusn.ErrorCode(err) == fourplusn.NotFound {
		return http.StatusNotFound, "未找到该案号的案件，或您无权查看。"
	}
	return 0, ""
}

// hazardBoard lists the hazards in the member's subtree, open ones first.
func (s *Server) hazardBoard(w http.ResponseWriter, r *http.Request, m grid.Member) {
	now := s.app.Now()
	var groups []map[string]any
	for _, st := range []hazard.State{hazard.Open, hazard.Rectified, hazard.Closed, hazard.Converted} {
		page, err := s.app.Hazards.List(r.Context(), m.Actor(), hazard.Filter{States: []hazard.State{st}, Limit: 100})
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		rows := make([]map[string]any, len(page.Hazards))
		for i, h := range page.Hazards {
			rows[i] = map[string]any{"H": h, "Where": s.app.CellName(h.Location), "Handling": s.app.CellName(h.Handling), "Overdue": (st == hazard.Open || st == hazard.Rectified) && h.Overdue(now)}
			if h.Case == "" {
				continue
			}
			// The case a lead became, named by its number, if the
			// member may see it.
			c, err := s.visibleCase(r.Context(), m.Actor(), h.Case)
			if err != nil {
				s.failErr(w, r, err)
				return
			}
			if c != nil {
				rows[i]["Case"] = c
			}
		}
		groups = append(groups, map[string]any{"State": st, "Rows": rows})
	}
	mayReport := len(s.app.Policy.Scope(m.Actor(), grid.ReportHazard)) > 0
	// The township's communities, coloured by their open hazards.
	township, err := s.app.Grid.Cell(r.Context(), m.Township)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	cellMap, err := s.mapOf(r.Context(), township, 3, "办理中的隐患", s.app.Hazards)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "hazards", map[string]any{"Title": "隐患看板", "Groups": groups, "MayReport": mayReport, "Map": cellMap})
}
