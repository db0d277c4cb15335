package pilot

import (
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// hazardInputs are the inputs of the hazard forms, by form: the whistle
// report, the rectification and the verification.
var hazardInputs = map[string][]input{
	"report": {
		{"category", "隐患类别", "请从列表中选择隐患类别。", []string{"category"}},
		{"grade", "等级", "请从列表中选择等级，或按类别自动定级。", []string{"grade"}},
		{"location", "发现地点", "请从列表中选择发现隐患的网格。", []string{"location"}},
		{"description", "隐患情况", "请填写隐患情况，不超过5000字，不含控制字符等特殊字符。", []string{"description"}},
		{"contact", "联系电话", "请填写11位手机号码。", []string{"contact"}},
		{"evidence", "当场整改情况", "请写明当场如何整改，不超过5000字。", []string{"on_the_spot", "on_the_spot.evidence"}},
	},
	"rectify": {{"evidence", "整改情况", "请写明如何整改，不超过5000字，不含控制字符等特殊字符。", []string{"evidence"}}},
	"verify": {
		{"result", "验收结果", "请选择验收通过或不通过。", []string{"result"}},
		{"notes", "验收意见", "验收不通过须写明仍存在的问题，不超过5000字。", []string{"notes"}},
	},
}

// hazardCategoryOrder is the order of the report form's categories.
var hazardCategoryOrder = []hazard.Category{
	hazard.Fire, hazard.Electrical, hazard.Structural, hazard.Gas, hazard.Traffic, hazard.Flood, hazard.DisputeLead, hazard.Other,
}

// hazardOfLabel names in Chinese what part of a hazard an attachment
// belongs to: "" is the hazard as found, "rectification:2" its second
// rectification, "verification:1" its first verification.
func hazardOfLabel(of string) string {
	part, n, _ := strings.Cut(of, ":")
	switch part {
	case "rectification":
		return "第" + n + "次整改"
	case "verification":
		return "第" + n + "次验收"
	}
	return "发现时"
}

// photoGroup is the attachments of one part of a hazard, as its page
// shows them.
type photoGroup struct {
	ID, Label string
	Rows      []attachmentRow
}

// hazardPhotos groups h's attachments by the part of h they belong to:
// as found, then each rectification and its verification in turn; parts
// with none are left out.
func (s *Server) hazardPhotos(h *hazard.Hazard) []photoGroup {
	rows := s.attachmentRows("/hazards/"+url.PathEscape(string(h.ID)), h.Attachments, hazardOfLabel)
	parts := []string{""}
	for i := 1; i <= max(len(h.Rectifications), len(h.Verifications)); i++ {
		parts = append(parts, "rectification:"+strconv.Itoa(i), "verification:"+strconv.Itoa(i))
	}
	var groups []photoGroup
	for _, of := range parts {
		g := photoGroup{ID: "photos-" + strings.ReplaceAll(orDefault(of, "found"), ":", "-"), Label: hazardOfLabel(of)}
		for i, a := range h.Attachments {
			if a.Of == of {
				g.Rows = append(g.Rows, rows[i])
			}
		}
		if len(g.Rows) > 0 {
			groups = append(groups, g)
		}
	}
	return groups
}

// round is a rectification of a hazard and the verification of it, if
// any, as the hazard's page shows them.
type round struct {
	N         int
	OnTheSpot bool
	R         hazard.Rectification
	V         *hazard.Verification
}

// rounds pairs h's rectifications with their verifications, oldest
// first: each verification checked the rectification before it.
func rounds(h *hazard.Hazard) []round {
	out := make([]round, len(h.Rectifications))
	for i, r := range h.Rectifications {
		out[i] = round{N: i + 1, OnTheSpot: i == 0 && h.OnTheSpot, R: r}
		if i < len(h.Verifications) {
			out[i].V = &h.Verifications[i]
		}
	}
	return out
}

// hazardAllowed are the steps a member may take on a hazard now: the
// policy must grant them at the right cell and the hazard's state must
// admit them. The service checks both again; this only decides which
// forms to show.
type hazardAllowed struct{ Rectify, Verify bool }

// hazardAllowed returns what actor may do on h now.
func (s *Server) hazardAllowed(actor grid.Actor, h *hazard.Hazard) hazardAllowed {
	can := func(a grid.Action, cell grid.Path) bool {
		return s.app.Policy.Can(actor, a, grid.Target{Cell: cell}) == nil
	}
	return hazardAllowed{
		Rectify: h.State == hazard.Open && can(grid.Rectify, h.Handling),
		Verify:  h.State == hazard.Rectified && can(grid.Verify, h.VerifyCell()),
	}
}

// hazardPage shows a hazard to those who may see it.
func (s *Server) hazardPage(w http.ResponseWriter, r *http.Request, m grid.Member) {
	s.renderHazard(w, r, m, http.StatusOK, formState{})
}

// renderHazard shows the hazard of the request's path with the forms the
// member may use, the one posted, if any, as st left it.
func (s *Server) renderHazard(w http.ResponseWriter, r *http.Request, m grid.Member, status int, st formState) {
	ctx, actor, id := r.Context(), m.Actor(), hazard.ID(r.PathValue("id"))
	h, err := s.app.Hazards.Get(ctx, actor, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	events, err := s.app.Hazards.Timeline(ctx, actor, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	data := map[string]any{
		"Title": hazardName(h.Category) + "隐患", "H": h, "Events": events, "Can": s.hazardAllowed(actor, h),
		"Where": s.app.CellName(h.Location), "Handling": s.app.CellName(h.Handling), "Verifying": s.app.CellName(h.VerifyCell()),
		"Overdue": h.Overdue(s.app.Now()), "Photos": s.hazardPhotos(h), "Posted": st, "Rounds": rounds(h),
	}
	if h.Case != "" {
		c, err := s.visibleCase(ctx, actor, h.Case)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		if c != nil {
			data["Case"] = c
		}
	}
	s.render(w, r, status, "hazard", data)
}

// hazardName names a hazard's category in Chinese.
func hazardName(c hazard.Category) string { return name(hazardNames, c) }

// hazardNote sums up, in Chinese, the details of a hazard's event that
// its name does not say: a rectification on the spot, a verification's
// notes, the part of the hazard a file was attached to; "" for the others.
func hazardNote(e timeline.Event) string {
	d := e.Details
	switch e.Action {
	case hazard.ActionRectified:
		if d["on_the_spot"] == "true" {
			return "当场整改"
		}
	case hazard.ActionVerified, hazard.ActionVerificationFailed:
		return d["notes"]
	case hazard.ActionAttached:
		k, err := attachment.ParseKind(d["kind"])
		if err != nil {
			return hazardOfLabel(d["of"])
		}
		return kindLabel(k) + "，" + hazardOfLabel(d["of"])
	}
	return ""
}

// hazardAction records a rectification or a verification from the
// hazard's page, then attaches the form's photos to what it recorded
// (rectification:N, verification:N), and shows the hazard again
// (post/redirect/get). A form with mistakes is shown again as it was
// typed; photos refused are named in Chinese on the page, the step they
// came with recorded.
func (s *Server) hazardAction(w http.ResponseWriter, r *http.Request, m grid.Member) {
	ctx, actor, f := r.Context(), m.Actor(), r.PostForm
	id := hazard.ID(r.PathValue("id"))
	version, err := strconv.ParseInt(f.Get("version"), 10, 64)
	if err != nil {
		s.failErr(w, r, fourplusn.FieldError("version", "the form has no version of the hazard"))
		return
	}
	action := r.PathValue("action")
	var h *hazard.Hazard
	part := ""
	switch action {
	case "rectify":
		h, err = s.app.Hazards.Rectify(ctx, actor, id, version, hazard.Rectification{Evidence: f.Get("evidence")})
		part = "rectification"
	case "verify":
		result := f.Get("result")
		if result != "passed" && result != "failed" {
			err = fourplusn.FieldError("result", "choose passed or failed")
			break
		}
		h, err = s.app.Hazards.Verify(ctx, actor, id, version, hazard.Verification{Passed: result == "passed", Notes: f.Get("notes")})
		part = "verification"
	default:
		s.fail(w, r, http.StatusNotFound, "没有这个操作。")
		return
	}
	if fourplusn.ErrorCode(err) == fourplusn.Invalid {
		s.renderHazard(w, r, m, http.StatusBadRequest, refused(action, hazardInputs[action], f, err))
		return
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	n := len(h.Rectifications)
	if part == "verification" {
		n = len(h.Verifications)
	}
	msg := s.hazardPhotosAttached(ctx, actor, h, part+":"+strconv.Itoa(n), uploaded(r, "photos"))
	s.hub.Publish()
	if msg != "" {
		s.renderHazard(w, r, m, http.StatusOK, formState{Action: "photos", Message: msg})
		return
	}
	done(w, r, "/hazards/"+string(h.ID), hazardDone(h))
}

// hazardDone says in Chinese where h stands after a step and who acts
// next.
func hazardDone(h *hazard.Hazard) string {
	switch h.State {
	case hazard.Rectified:
		return "整改已登记。下一步：等待验收。"
	case hazard.Closed:
		return "验收通过，隐患已销号。"
	case hazard.Open:
		if len(h.Verifications) > 0 {
			return "验收未通过，已退回重新整改。"
		}
		return "隐患已上报，等待整改。"
	}
	return "已保存。"
}

// hazardFiled is hazard id as actor attaches files to it.
func (s *Server) hazardFiled(actor grid.Actor, id hazard.ID) filed[*hazard.Hazard] {
	return filed[*hazard.Hazard]{
		get: func(ctx context.Context) (*hazard.Hazard, error) { return s.app.Hazards.Get(ctx, actor, id) },
		attach: func(ctx context.Context, version int64, u attachment.Upload) (*hazard.Hazard, error) {
			return s.app.Hazards.Attach(ctx, actor, id, version, u)
		},
		files:   func(h *hazard.Hazard) []attachment.Attachment { return h.Attachments },
		version: func(h *hazard.Hazard) int64 { return h.Version },
	}
}

// hazardPhotosAttached attaches photos to part of, the part of h just
// recorded, as actor, and says in Chinese which were not attached and
// why, or "" when all were. What was recorded stands either way: a photo
// refused never undoes it.
func (s *Server) hazardPhotosAttached(ctx context.Context, actor grid.Actor, h *hazard.Hazard, of string, photos []*multipart.FileHeader) string {
	if len(photos) == 0 {
		return ""
	}
	_, refused, err := attachFiles(ctx, s.hazardFiled(actor, h.ID), h.Version, attachment.Photo, of, photos)
	switch code := fourplusn.ErrorCode(err); {
	case err == nil:
	case code == fourplusn.Forbidden || code == fourplusn.NotFound:
		// The first attach is refused, so none of the photos went in.
		refused = append(refused, refusedFile{"照片", "您的岗位无权为该隐患添加照片，请由承办网格补充"})
	default:
		s.app.Logger.Warn("attach a hazard's photos", "hazard", h.ID, "err", err)
		refused = append(refused, refusedFile{"其余照片", "暂时无法保存"})
	}
	if len(refused) == 0 {
		return ""
	}
	return refusedMessage(refused)
}

// reportForm shows the whistle report form (吹哨报告) to a member.
func (s *Server) reportForm(w http.ResponseWriter, r *http.Request, m grid.Member) {
	s.renderReport(w, r, http.StatusOK, formState{Values: url.Values{}}, "")
}

// residentReportForm shows the report form to a resident online.
func (s *Server) residentReportForm(w http.ResponseWriter, r *http.Request) {
	s.renderReport(w, r, http.StatusOK, formState{Values: url.Values{}}, "")
}

// renderReport shows the report form as st left it: to the member signed
// in, with the channels and, if any of their posts may rectify, the
// rectification on the spot; else to a resident, who reports online with
// a phone number.
func (s *Server) renderReport(w http.ResponseWriter, r *http.Request, status int, st formState, msg string) {
	key, err := formKey(st.Values)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	cats := make([]choice, len(hazardCategoryOrder))
	for i, c := range hazardCategoryOrder {
		cats[i] = choice{string(c), hazardNames[c]}
	}
	grades := []choice{{"", "按类别自动定级"}}
	for _, g := range work.Grades() {
		grades = append(grades, choice{g.String(), g.Title()})
	}
	data := map[string]any{
		"Title": "吹哨报告安全隐患", "Posted": st, "Key": key, "Message": orDefault(msg, st.Message),
		"Categories": cats, "Grades": grades, "Action": "/report",
	}
	if m, ok := s.member(r); ok && r.URL.Path != "/report" {
		township := m.Actor().Township
		data["Staff"], data["Action"] = true, "/hazards/new"
		data["Places"] = s.places(township, 2, 3, 4, 5)
		data["OnTheSpot"] = s.mayRectifyOnTheSpot(m.Actor())
	} else {
		data["Places"] = s.places("", 3, 4, 5)
	}
	s.render(w, r, status, "report", data)
}

// mayRectifyOnTheSpot reports whether one of actor's posts may both
// report and rectify hazards, as a report rectified on the spot needs.
func (s *Server) mayRectifyOnTheSpot(actor grid.Actor) bool {
	for _, post := range actor.Posts {
		t := grid.Target{Cell: post.Cell}
		if s.app.Policy.Can(actor, grid.ReportHazard, t) == nil && s.app.Policy.Can(actor, grid.Rectify, t) == nil {
			return true
		}
	}
	return false
}

// readReport reads the report form into a report; a grade the form
// cannot have sent is an Invalid error naming it.
func readReport(f url.Values, staff bool) (hazard.Report, error) {
	in := hazard.Report{
		Category: hazard.Category(f.Get("category")), Location: grid.CellID(f.Get("location")),
		Description: f.Get("description"), Contact: f.Get("contact"), IdempotencyKey: f.Get("key"),
	}
	if g := f.Get("grade"); g != "" && staff {
		grade, err := work.ParseGrade(g)
		if err != nil {
			return in, err
		}
		in.Grade = grade
	}
	if staff && f.Get("on_the_spot") != "" {
		in.OnTheSpot = &hazard.Rectification{Evidence: f.Get("evidence")}
	}
	return in, nil
}

// report records a member's whistle report and shows the hazard's page.
func (s *Server) report(w http.ResponseWriter, r *http.Request, m grid.Member) {
	s.recordReport(w, r, m.Actor(), true)
}

// residentReport records a resident's report online: the resident is
// known by the form's key, as an application's is, so that a retry of the
// same form is the same report.
func (s *Server) residentReport(w http.ResponseWriter, r *http.Request) {
	if !s.public.allow(r) {
		s.renderReport(w, r, http.StatusTooManyRequests, formState{Values: r.PostForm}, "提交过于频繁，请稍后再试。")
		return
	}
	key := r.PostForm.Get("key")
	if len(key) < 8 || len(key) > 64 {
		s.renderReport(w, r, http.StatusBadRequest, formState{Values: url.Values{}}, "表单已过期，请重新填写。")
		return
	}
	cell, err := s.app.Grid.Directory().Tree().Cell(grid.CellID(r.PostForm.Get("location")))
	if err != nil {
		s.renderReport(w, r, http.StatusBadRequest, refused("report", hazardInputs["report"], r.PostForm, fourplusn.FieldError("location", "no such cell")), "")
		return
	}
	s.recordReport(w, r, grid.ResidentActor("r-"+key, cell.Path.Township()), false)
}

// recordReport reports the form's hazard as actor, then attaches its
// photos: those of the hazard as found and, rectified on the spot, those
// after. A photo refused never loses the report: a member is shown the
// hazard's page naming it, a resident the page that says the report was
// received.
func (s *Server) recordReport(w http.ResponseWriter, r *http.Request, actor grid.Actor, staff bool) {
	f := r.PostForm
	in, err := readReport(f, staff)
	if err == nil {
		var h *hazard.Hazard
		h, err = s.app.Hazards.Report(r.Context(), actor, in)
		if err == nil {
			s.reported(w, r, actor, h, staff)
			return
		}
	}
	if fourplusn.ErrorCode(err) != fourplusn.Invalid {
		s.failErr(w, r, err)
		return
	}
	s.renderReport(w, r, http.StatusBadRequest, refused("report", hazardInputs["report"], f, err), "")
}

// reported attaches the photos of the report that recorded h and shows
// what became of it.
func (s *Server) reported(w http.ResponseWriter, r *http.Request, actor grid.Actor, h *hazard.Hazard, staff bool) {
	ctx := r.Context()
	var msgs []string
	if msg := s.hazardPhotosAttached(ctx, actor, h, "", uploaded(r, "photos")); msg != "" {
		msgs = append(msgs, msg)
	}
	if h.OnTheSpot {
		if next, err := s.app.Hazards.Get(ctx, actor, h.ID); err == nil {
			h = next
		}
		if msg := s.hazardPhotosAttached(ctx, actor, h, "rectification:1", uploaded(r, "after")); msg != "" {
			msgs = append(msgs, msg)
		}
	}
	s.hub.Publish()
	msg := strings.Join(msgs, "")
	if !staff {
		s.render(w, r, http.StatusOK, "reported", map[string]any{"Title": "隐患报告已收到", "Handling": s.app.CellName(h.Handling), "Refused": msg})
		return
	}
	if msg == "" {
		done(w, r, "/hazards/"+string(h.ID), hazardDone(h))
		return
	}
	r.SetPathValue("id", string(h.ID))
	m, _ := s.member(r)
	s.renderHazard(w, r, m, http.StatusOK, formState{Action: "photos", Message: msg})
}
