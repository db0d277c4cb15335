package pilot

import (
	"bytes"
	"cmp"
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// allowed are the actions a member may take on a case now: the policy
// must grant them at the right cell and the case's state must admit them.
// The service checks both again; this only decides which forms to show.
type allowed struct {
	Accept, Transfer, Join, Session, FollowUp, Close, Escalate, Review bool
	Draft                                                              bool // draft a written agreement, or revise the draft
	Sign                                                               bool // record marks made on the printed draft
	Supersede                                                          bool // draft an agreement to replace the one in effect
	Oral                                                               bool // record an oral agreement (art. 30)
	Correct                                                            bool // correct the facts
	Parties                                                            bool // correct the parties' particulars too
	Rights                                                             bool // record the notice of rights and duties given
	Attach                                                             bool // attach files
	Suspend                                                            bool // stop mediation while a party is awaited (中止)
	Resume                                                             bool // take a suspended case's mediation up again
	Reopen                                                             bool // take an agreed case back to mediation after a follow-up visit found cause
}

func (s *Server) allowed(actor grid.Actor, c *mediation.Case) allowed {
	can := func(a grid.Action, cell grid.Path) bool {
		return s.app.Policy.Can(actor, a, grid.Target{Cell: cell, Owner: c.Applicant}) == nil
	}
	h := c.Handling
	open := c.State == mediation.Registered || c.State == mediation.Accepted || c.State == mediation.Mediating
	working := c.State == mediation.Accepted || c.State == mediation.Mediating
	outcome := (c.State == mediation.Agreed && len(c.FollowUps) > 0) || c.State == mediation.Failed || c.State == mediation.Withdrawn || c.State == mediation.TransferredOut
	var review bool
	if c.Escalation != nil {
		review = can(grid.ApproveEscalation, c.Escalation.To)
	}
	return allowed{
		Accept:    c.State == mediation.Registered && acceptsAt(actor, h) && can(grid.Accept, h),
		Transfer:  open && can(grid.Transfer, h),
		Join:      working && can(grid.Mediate, h),
		Session:   working && can(grid.Mediate, h),
		Draft:     (c.State == mediation.Mediating || c.Draft != nil) && can(grid.Mediate, h),
		Sign:      c.Draft != nil && can(grid.Mediate, h),
		Supersede: c.State == mediation.Agreed && c.Agreement != nil && c.Draft == nil && can(grid.Mediate, h),
		Oral:      c.State == mediation.Mediating && c.Draft == nil && can(grid.Mediate, h),
		Correct:   !c.State.Ended() && can(grid.Mediate, h),
		Parties:   !c.State.Ended() && can(grid.Mediate, h) && can(grid.ViewPersonal, h),
		// The form names the parties as the member sees them, and the
		// service takes the names as the case holds them: masked names
		// would name no one.
		Rights:   !c.State.Ended() && can(grid.Mediate, h) && can(grid.ViewPersonal, h),
		Attach:   c.State != mediation.Closed && c.State != mediation.Rejected && can(grid.Mediate, h),
		FollowUp: c.State == mediation.Agreed && can(grid.Mediate, h),
		Close:    outcome && can(grid.Close, h),
		Escalate: open && c.Escalation == nil && h.Level() > 1 && can(grid.Escalate, h),
		Review:   review,
		Suspend:  working && c.Escalation == nil && !c.Suspended() && can(grid.Mediate, h),
		Resume:   c.Suspended() && can(grid.Mediate, h),
		Reopen:   c.Reopenable() && can(grid.Mediate, h),
	}
}

// Any reports whether any action of the page's panel (可办理的操作) is
// open: the panel and its heading are shown only then. Correcting and
// attaching have sections of their own.
func (a allowed) Any() bool {
	return a.Accept || a.Transfer || a.Join || a.Session || a.FollowUp || a.Close || a.Escalate || a.Review ||
		a.Draft || a.Sign || a.Supersede || a.Oral || a.Rights || a.Suspend || a.Resume || a.Reopen
}

// caseTurn says where c stands and whose move it is (see turn).
func (a *App) caseTurn(c *mediation.Case) string {
	reviewer := ""
	if c.Escalation != nil {
		reviewer = a.CellName(c.Escalation.To)
	}
	return turn(c.State, a.CellName(c.Handling), reviewer, len(c.FollowUps) > 0)
}

// trackTurn says where the case of a tracking code stands as caseTurn
// does, for the resident, who sees no escalation or follow-up.
func (a *App) trackTurn(rec mediation.TrackRecord) string {
	return turn(rec.State, a.CellName(rec.Handling), "", false)
}

// staleMessage says that a form was built on an earlier version of its
// record, and what to do.
const staleMessage = "您打开表单后，该案件已有更新（见本页“期间的变化”）。您填写的内容已保留，请核对后重新提交。"

// changedSince returns the events after version: one event a version,
// the first with the registration.
func changedSince(events []timeline.Event, version int64) []timeline.Event {
	var out []timeline.Event
	for _, e := range events {
		if e.Seq > version {
			out = append(out, e)
		}
	}
	return out
}

// caseName names c where people read it: by its number, or by its ID
// while it has none.
func caseName(c *mediation.Case) string {
	if c.Number.IsZero() {
		return "案件 " + string(c.ID)
	}
	return c.Number.String()
}

func (s *Server) casePage(w http.ResponseWriter, r *http.Request, m grid.Member) {
	s.renderCase(w, r, m, http.StatusOK, formState{})
}

// renderCase shows the case of the request's path with its action forms,
// the one posted, if any, as st left it.
func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, m grid.Member, status int, st formState) {
	actor := m.Actor()
	id := mediation.ID(r.PathValue("id"))
	c, err := s.app.Cases.Get(r.Context(), actor, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	events, err := s.app.Cases.Timeline(r.Context(), actor, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	departments := []map[string]string{}
	for _, d := range grid.Departments() {
		departments = append(departments, map[string]string{"ID": d.String(), "Label": departmentNames[d.String()]})
	}
	places := []map[string]string{}
	for _, p := range []mediation.Place{mediation.PlaceVillageCommittee, mediation.PlaceHome, mediation.PlaceField, mediation.PlaceStation, mediation.PlaceOnline} {
		places = append(places, map[string]string{"ID": p.String(), "Label": p.Title()})
	}
	var signing []signingRow
	if c.Draft != nil {
		signing = signingRows(c.Draft)
	}
	file := c.File(events)
	// The items that keep the case from being closed stand out.
	lacking := map[int]bool{}
	for _, it := range file.Lacking() {
		lacking[it.Order] = true
	}
	kinds, parts := s.attachChoices(actor, c)
	found, err := s.app.Cases.Duplicates(r.Context(), actor, c.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	dups := s.duplicateRows(r, actor, c, found, "")
	var into *mediation.Case
	if c.DuplicateOf != "" {
		// The case that stays, as the member may see it; one they may
		// not see is named by its ID alone.
		into, _ = s.app.Cases.Get(r.Context(), actor, c.DuplicateOf)
	}
	s.render(w, r, status, "case", map[string]any{
		"Duplicates": dups, "Into": into, "Received": s.receivedRows(c),
		"Title": caseName(c), "Case": c, "Events": events, "Can": s.allowed(actor, c), "Changed": changedSince(events, cmp.Or(st.Since, c.Version)),
		"Where": s.where(c), "Handling": s.app.CellName(c.Handling), "Now": s.app.Now(),
		"Overdue": c.State.Open() && c.Overdue(s.app.Now()), "Places": places,
		"Targets": s.places(actor.Township, 2, 3, 4), "Tree": s.app.Grid.Directory().Tree(), "Posted": st, "Departments": departments,
		"DraftForm": s.draftValues(c, m, s.app.Now()), "Signing": signing, "NowInput": s.app.Now().In(work.Zone).Format(dateTimeInput),
		"Corrections": correctionForms(c, st), "Planned": plannedRows(c), "Parties": c.Parties(), "Satisfactions": mediation.Satisfactions(), "File": file, "Lacking": lacking, "Rights": rightsRows(c, st),
		"Attachments": s.attachmentRows("/cases/"+url.PathEscape(string(c.ID)), c.Attachments, ofLabel), "AttachKinds": kinds, "AttachParts": parts,
	})
}

// caseAction does one action on a case from its page's forms, then shows
// the case again (post/redirect/get, so a reload does not repeat it). A
// form with mistakes is shown again on the case's page as it was typed,
// every input at fault marked at once.
func (s *Server) caseAction(w http.ResponseWriter, r *http.Request, m grid.Member) {
	ctx, actor, f := r.Context(), m.Actor(), r.PostForm
	id := mediation.ID(r.PathValue("id"))
	version, err := strconv.ParseInt(f.Get("version"), 10, 64)
	if err != nil {
		s.failErr(w, r, fourplusn.FieldError("version", "the form has no version of the case"))
		return
	}
	svc, now := s.app.Cases, s.app.Now()
	text := f.Get
	action := r.PathValue("action")
	var c *mediation.Case
	switch action {
	case "accept":
		c, err = svc.Accept(ctx, actor, id, version)
	case "transfer":
		c, err = svc.Transfer(ctx, actor, id, version, grid.CellID(text("to")), orDefault(text("reason"), "按管辖分派"))
	case "join":
		c, err = svc.Join(ctx, actor, id, version, mediation.Participant{Department: text("department"), Body: text("body"), Name: text("name"), Role: text("role")})
	case "session":
		place, perr := mediation.ParsePlace(text("place"))
		if perr != nil {
			err = fourplusn.WithField("place", perr)
			break
		}
		outcome := mediation.Progress
		switch text("outcome") {
		case "settled":
			outcome = mediation.Settled
		case "no_progress":
			outcome = mediation.NoProgress
		}
		c, err = svc.RecordSession(ctx, actor, id, version, mediation.Session{
			At: now, Place: place, PlaceNote: text("place_note"), Attendees: splitNames(text("attendees")), Notes: text("notes"), Outcome: outcome,
		})
	case "plan":
		c, err = s.planSession(r, actor, id, version)
	case "cancel-session":
		c, err = svc.CancelPlannedSession(ctx, actor, id, version, text("uid"), text("reason"))
	case "draft", "supersede":
		c, err = s.draftAgreement(r, actor, id, version, action == "supersede")
	case "signing":
		c, err = s.recordSigning(r, actor, id, version)
	case "oral":
		c, err = s.recordOral(r, actor, id, version)
	case "correct":
		action, c, err = s.correct(r, actor, id, version)
	case "rights":
		c, err = s.giveRights(r, actor, id, version)
	case "followup":
		visit := mediation.FollowUp{Performed: f.Get("performed") != "", Notes: text("notes")}
		for _, v := range f["satisfaction"] {
			visit.Satisfaction = append(visit.Satisfaction, mediation.Satisfaction(v))
		}
		c, err = svc.FollowUp(ctx, actor, id, version, visit)
	case "reopen":
		c, err = svc.Reopen(ctx, actor, id, version, text("reason"))
	case "close":
		c, err = svc.Close(ctx, actor, id, version, text("note"))
	case "escalate":
		c, err = svc.Escalate(ctx, actor, id, version, text("reason"))
	case "suspend":
		c, err = svc.Suspend(ctx, actor, id, version, text("reason"))
	case "resume":
		c, err = svc.Resume(ctx, actor, id, version)
	case "approve":
		c, err = svc.ApproveEscalation(ctx, actor, id, version)
	case "return":
		c, err = svc.ReturnEscalation(ctx, actor, id, version, text("instructions"))
	case "duplicate-of":
		c, err = svc.LinkDuplicate(ctx, actor, id, version, mediation.ID(text("into")))
	case "kept-apart":
		c, err = svc.KeepApart(ctx, actor, id, version, mediation.ID(text("other")), text("reason"))
	default:
		s.fail(w, r, http.StatusNotFound, "没有这个操作。")
		return
	}
	if fourplusn.ErrorCode(err) == fourplusn.Invalid {
		s.renderCase(w, r, m, http.StatusBadRequest, refused(action, caseInputs[formOf(action)], f, err))
		return
	}
	if fourplusn.ErrorCode(err) == fourplusn.Conflict {
		// A stale form: someone changed the case since it was shown.
		// What was typed is kept, on the form as the case is now, with
		// what changed meanwhile.
		now, gerr := svc.Get(ctx, actor, id)
		if gerr == nil && now.Version != version {
			s.renderCase(w, r, m, http.StatusConflict, formState{Action: action, Values: f, Since: version, Message: staleMessage})
			return
		}
		// Otherwise the case's state does not admit the step: say which
		// state, unless the refusal names its own reason.
		if _, named := sentinelMessage(err); gerr == nil && !named && incompleteMessage(err) == "" {
			s.fail(w, r, http.StatusConflict, "该案件现为“"+s.app.caseTurn(now)+"”，不能进行此操作。请回到案件页查看可办理的事项。")
			return
		}
	}
	if msg := incompleteMessage(err); msg != "" {
		// Shown where the member closes, beside the 卷宗 that lists the
		// items; what was typed is kept.
		s.renderCase(w, r, m, http.StatusConflict, formState{Action: action, Values: f, Message: msg})
		return
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.hub.Publish()
	back := "/cases/" + string(c.ID)
	if action == "duplicate-of" {
		// The work goes on in the case that stays.
		back = "/cases/" + string(c.DuplicateOf)
	}
	if f.Get("back") == "console" {
		back = "/console"
	}
	done(w, r, back, s.caseDone(ctx, actor, action, c))
}

// caseDone is App.caseDone, and for the decisions on duplicates, which
// name the other case, says so as the member may see that case.
func (s *Server) caseDone(ctx context.Context, actor grid.Actor, action string, c *mediation.Case) string {
	switch action {
	case "duplicate-of":
		name := "案件 " + string(c.DuplicateOf)
		if into, err := s.app.Cases.Get(ctx, actor, c.DuplicateOf); err == nil {
			name = caseName(into)
		}
		return caseName(c) + "已并入" + name + "：两次受理记为同一纠纷，本件已关闭，不再单独办理，也不重复计入统计。下一步：在本页继续办理" + name + "。"
	case "kept-apart":
		return "已记为不是重复：两件案件分别办理，此后不再提示。下一步：继续办理" + caseName(c) + "。"
	}
	return s.app.caseDone(action, c)
}

// committee names the people's mediation committee of the case's township.
func (s *Server) committee(c *mediation.Case) string {
	if t, err := s.app.Grid.Directory().Tree().Cell(c.Township); err == nil {
		return t.Name + "人民调解委员会"
	}
	return "人民调解委员会"
}

// agreement serves the case's agreement as the 人民调解协议书 to print on
// A4 paper: the draft waiting to be signed, with blank lines for the
// marks, or else the agreement in effect, with the marks recorded.
func (s *Server) agreement(w http.ResponseWriter, r *http.Request, m grid.Member) {
	c, err := s.app.Cases.Get(r.Context(), m.Actor(), mediation.ID(r.PathValue("id")))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	a := cmp.Or(c.Draft, c.Agreement)
	if a == nil {
		s.fail(w, r, http.StatusNotFound, "该案件尚无调解协议。")
		return
	}
	s.printed(w, r, func(w io.Writer) error { return a.RenderHTML(w, c) })
}

// rightsNotice serves the case's 人民调解权利义务告知书 to print on A4
// paper, with a line for each party to sign for it: blank until the notice
// given to them is recorded, then how and when it was given. The parties
// print as the member sees them.
func (s *Server) rightsNotice(w http.ResponseWriter, r *http.Request, m grid.Member) {
	c, err := s.app.Cases.Get(r.Context(), m.Actor(), mediation.ID(r.PathValue("id")))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.printed(w, r, func(w io.Writer) error { return c.RenderRightsNotice(w, s.committee(c)) })
}

// filePrint serves the case's whole file (卷宗) to print on A4 paper: its
// cover, contents and every item present, made for the member as the case
// page's 卷宗 is, so masked for those who see the parties masked; members
// print by name.
func (s *Server) filePrint(w http.ResponseWriter, r *http.Request, m grid.Member) {
	f, err := s.app.Cases.CaseFile(r.Context(), m.Actor(), mediation.ID(r.PathValue("id")))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.printed(w, r, func(w io.Writer) error {
		return f.RenderHTML(w, mediation.PrintOptions{Committee: s.committee(f.Case()), Names: s.app.ActorName})
	})
}

// printed serves a document to print that render writes whole: a page of
// its own, with its own inline print stylesheet and no script, so its
// policy allows inline styles and nothing else. Nothing is sent if render
// fails.
func (s *Server) printed(w http.ResponseWriter, r *http.Request, render func(io.Writer) error) {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		s.failErr(w, r, err)
		return
	}
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; form-action 'none'")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

// splitNames splits a list of names typed with any of the usual
// separators.
func splitNames(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == ' ' || r == '\n'
	})
}
