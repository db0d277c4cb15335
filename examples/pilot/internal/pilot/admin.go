package pilot

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/accounts"
	"github.com/fourplusn/fourplusn/adapters/roster"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// The grid's administration pages: a township's tree, a cell with the
// members posted there, a member with their posts and account, the roster
// (import with the difference shown, export) and the administration log.
// Every change goes through grid.Service, which asks the policy for
// ManageGrid where it is made; the pages only decide which forms to show.

// admin requires a member who may manage the grid somewhere.
func (s *Server) admin(h func(http.ResponseWriter, *http.Request, grid.Member)) http.HandlerFunc {
	return s.staff(func(w http.ResponseWriter, r *http.Request, m grid.Member) {
		if len(s.app.Policy.Scope(m.Actor(), grid.ManageGrid)) == 0 {
			s.fail(w, r, http.StatusForbidden, "网格管理仅限办事处网格长和管理员使用。")
			return
		}
		w.Header().Set("Cache-Control", "no-store") // staff's phone numbers
		h(w, r, m)
	})
}

// mayManage reports whether m may manage the grid at p.
func (s *Server) mayManage(m grid.Member, p grid.Path) bool {
	return s.app.Policy.Can(m.Actor(), grid.ManageGrid, grid.Target{Cell: p}) == nil
}

// treeNode is a cell of the administration's tree, with the cells below.
type treeNode struct {
	Cell     grid.Cell
	Title    string
	Holders  int
	Children []treeNode
}

// adminHome shows the township's tree.
func (s *Server) adminHome(w http.ResponseWriter, r *http.Request, m grid.Member) {
	dir := s.app.Grid.Directory()
	tree := dir.Tree()
	root, err := tree.Cell(m.Township)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	var build func(c grid.Cell) treeNode
	build = func(c grid.Cell) treeNode {
		n := treeNode{Cell: c, Title: tree.Titles().Title(c.Level()), Holders: len(dir.MembersOf(c.ID))}
		children, _ := tree.Children(c.ID)
		for _, ch := range children {
			n.Children = append(n.Children, build(ch))
		}
		return n
	}
	members := dir.Members(m.Township)
	active := 0
	for _, x := range members {
		if !x.Inactive {
			active++
		}
	}
	s.render(w, r, http.StatusOK, "admin", map[string]any{
		"Title": root.Name + " · 网格管理", "Tree": build(root), "Cells": tree.Len(), "Active": active, "Members": len(members),
	})
}

// cellOption is a cell offered in a form's choice, named with its
// ancestors below the township.
type cellOption struct {
	ID    grid.CellID
	Label string
}

// cellOptions lists the active cells of the member's township that the
// member may manage, of the levels given (all levels when none), each
// labelled with its ancestors.
func (s *Server) cellOptions(m grid.Member, levels ...grid.Level) []cellOption {
	tree := s.app.Grid.Directory().Tree()
	root, err := tree.Cell(m.Township)
	if err != nil {
		return nil
	}
	below, _ := tree.Descendants(root.ID)
	var out []cellOption
	for _, c := range append([]grid.Cell{root}, below...) {
		if c.Retired || !s.mayManage(m, c.Path) || len(levels) > 0 && !slices.Contains(levels, c.Level()) {
			continue
		}
		out = append(out, cellOption{c.ID, s.ancestry(c)})
	}
	return out
}

// ancestry names c by its ancestors below the township: "东片区 · 马园村委 · 马园一组".
func (s *Server) ancestry(c grid.Cell) string {
	tree := s.app.Grid.Directory().Tree()
	var parts []string
	for l := grid.Level(2); l <= c.Level(); l++ {
		a, err := tree.Cell(c.Path.At(l))
		if err == nil {
			parts = append(parts, a.Name)
		}
	}
	if len(parts) == 0 {
		return c.Name
	}
	return strings.Join(parts, " · ")
}

// memberOption is a member offered as a successor.
type memberOption struct {
	ID    grid.MemberID
	Label string
}

// successors lists the township's active members other than except, for
// the choice of who takes over open work.
func (s *Server) successors(township grid.CellID, except grid.MemberID) []memberOption {
	var out []memberOption
	for _, x := range s.app.Grid.Directory().Members(township) {
		if x.Inactive || x.ID == except {
			continue
		}
		out = append(out, memberOption{x.ID, x.Name + "（" + s.postsText(x) + "）"})
	}
	return out
}

// postsText names a member's posts: "马园村委网格长；马园一组网格员".
func (s *Server) postsText(m grid.Member) string {
	var parts []string
	for _, p := range m.Posts {
		parts = append(parts, s.app.CellName(p.Cell)+p.Role.Title())
	}
	return strings.Join(parts, "；")
}

// adminCell shows a cell: where it lies, what lies below, who holds a
// post there, and the forms that change it.
func (s *Server) adminCell(w http.ResponseWriter, r *http.Request, m grid.Member) {
	s.renderCell(w, r, m, grid.CellID(r.PathValue("id")), http.StatusOK, nil)
}

func (s *Server) renderCell(w http.ResponseWriter, r *http.Request, m grid.Member, id grid.CellID, status int, extra map[string]any) {
	dir := s.app.Grid.Directory()
	tree := dir.Tree()
	c, err := tree.Cell(id)
	if err != nil || c.Path.Township() != m.Township {
		s.fail(w, r, http.StatusNotFound, "未找到该网格。")
		return
	}
	ancestors, _ := tree.Ancestors(c.ID)
	children, _ := tree.Children(c.ID)
	var parents []cellOption
	if c.Level() > 1 {
		for _, o := range s.cellOptions(m, c.Level()-1) {
			if o.ID != c.Parent() {
				parents = append(parents, o)
			}
		}
	}
	var takeovers []cellOption
	for _, o := range s.cellOptions(m) {
		if !c.Path.Contains(tree.MustCell(o.ID).Path) {
			takeovers = append(takeovers, o)
		}
	}
	data := map[string]any{
		"Done": doneText[r.URL.Query().Get("done")], "Title": c.Name, "Cell": c, "Level": tree.Titles().Title(c.Level()), "Ancestors": ancestors, "Children": children,
		"Holders": dir.MembersOf(c.ID), "May": s.mayManage(m, c.Path), "Parents": parents, "Takeovers": takeovers,
		"ChildTitle": tree.Titles().Title(c.Level() + 1),
	}
	for k, v := range extra {
		data[k] = v
	}
	s.render(w, r, status, "admincell", data)
}

// cellAction makes a change of a cell from its page's forms.
func (s *Server) cellAction(w http.ResponseWriter, r *http.Request, m grid.Member) {
	ctx, actor, f := r.Context(), m.Actor(), r.PostForm
	id := grid.CellID(r.PathValue("id"))
	var err error
	done := ""
	switch r.PathValue("action") {
	case "rename":
		_, err = s.app.Grid.RenameCell(ctx, actor, id, strings.TrimSpace(f.Get("name")))
		done = "renamed"
	case "add":
		var c grid.Cell
		c, err = s.app.Grid.AddCell(ctx, actor, grid.Spec{ID: grid.CellID(strings.TrimSpace(f.Get("id"))), Parent: id, Name: strings.TrimSpace(f.Get("name"))})
		if err == nil {
			http.Redirect(w, r, "/admin/cells/"+url.PathEscape(string(c.ID))+"?done=added", http.StatusSeeOther)
			return
		}
	case "move":
		_, err = s.app.Grid.MoveCell(ctx, actor, id, grid.CellID(f.Get("parent")))
		done = "moved"
	case "retire":
		err = s.app.Grid.RetireCell(ctx, actor, id, grid.CellID(f.Get("takeover")))
		done = "retired"
	default:
		s.fail(w, r, http.StatusNotFound, "未找到该操作。")
		return
	}
	s.acted(w, r, err, "/admin/cells/"+url.PathEscape(string(id)), done, func(status int, problem map[string]any) {
		s.renderCell(w, r, m, id, status, problem)
	})
}

// doneText says what a change made from an administration page did, by
// the key the page is sent back with: a key, not the text, so that a link
// cannot make the page say anything else.
var doneText = map[string]string{
	"renamed": "已改名。", "added": "已新增网格。", "moved": "已调整上级网格；其未办结的案件、隐患和在岗人员随之调整。",
	"retired": "已撤销该网格。", "saved": "已保存。", "granted": "已增加岗位，立即生效。", "revoked": "已撤销该岗位。",
	"deactivated": "已停用：其登录和接口令牌即刻失效。", "unlocked": "已解除锁定。",
}

// acted ends an administrative change made from a page's form: on
// success it goes back to the page at back saying done (a key of
// doneText), and otherwise shows the page again, by again, with what went
// wrong.
func (s *Server) acted(w http.ResponseWriter, r *http.Request, err error, back, done string, again func(status int, problem map[string]any)) {
	if err != nil {
		again(errorStatus(err), s.adminProblem(err))
		return
	}
	http.Redirect(w, r, back+"?done="+url.QueryEscape(done), http.StatusSeeOther)
}

// blockedItem is an open case or hazard in the way of a change, as the
// administration pages show it.
type blockedItem struct {
	Kind, ID, Category, Since, Handling, Accountable string
	Link                                             string
}

// adminProblem says in Chinese what went wrong with an administrative
// change: the message, the field at fault, and the open work in the way.
func (s *Server) adminProblem(err error) map[string]any {
	out := map[string]any{"Field": fourplusn.ErrorField(err)}
	var b *grid.BlockedError
	if errors.As(err, &b) {
		var items []blockedItem
		for _, it := range b.Items {
			bi := blockedItem{
				Kind: map[string]string{"case": "案件", "hazard": "隐患"}[it.Kind], ID: it.ID, Since: when(it.Since),
				Handling: s.app.CellName(it.Handling), Accountable: s.app.MemberName(string(it.Accountable)),
			}
			if it.Kind == "case" {
				bi.Category, bi.Link = mediation.Category(it.Category).Title(), "/cases/"+it.ID
			} else {
				bi.Category = hazardNames[hazard.Category(it.Category)]
			}
			items = append(items, bi)
		}
		out["Blocked"] = items
		out["Message"] = fmt.Sprintf("有 %d 件未办结的工作需要有人接手，请在下方选择接手的网格或人员后再提交。", len(items))
		return out
	}
	out["Message"] = adminMessage(err)
	return out
}

// adminMessage is err's message in Chinese, by its code and field.
func adminMessage(err error) string {
	switch fourplusn.ErrorCode(err) {
	case fourplusn.Invalid:
		// Every field at fault, each said once.
		var msgs []string
		for _, f := range fourplusn.ErrorFields(err) {
			field := f.Field
			if i := strings.LastIndexByte(field, '.'); i >= 0 {
				field = field[i+1:]
			}
			msg, ok := fieldMessages[field]
			if !ok {
				msg = "填写有误，请检查后重试。"
			}
			if !slices.Contains(msgs, msg) {
				msgs = append(msgs, msg)
			}
		}
		return strings.Join(msgs, "")
	case fourplusn.Forbidden:
		return "您无权在此处管理网格：网格管理仅限本办事处的一级网格长和管理员。"
	case fourplusn.NotFound:
		return "未找到所选的网格或人员，可能已被他人调整，请刷新后重试。"
	case fourplusn.Conflict:
		msg := fourplusn.ErrorMessage(err)
		switch {
		case strings.Contains(msg, "is taken"):
			return "该编号或账号已被使用，请换一个。"
		case strings.Contains(msg, "still hold posts"):
			return "该网格或其下级网格还有在岗人员，请先撤销或调整他们的岗位。"
		case strings.Contains(msg, "is retired"):
			return "所选网格已撤销，不能再新增下级网格或岗位。"
		case strings.Contains(msg, "already holds"):
			return "该人员已担任此岗位。"
		case strings.Contains(msg, "already inactive"):
			return "该人员已停用。"
		case strings.Contains(msg, "changed"):
			return "网格刚被他人调整过，请刷新后重新核对。"
		}
		return "当前状态不允许此操作，请刷新后重试。"
	}
	return "系统内部错误，请稍后再试。"
}

// fieldMessages say in Chinese what a field of an administrative form
// must be.
var fieldMessages = map[string]string{
	"id":         "编号或账号只能由英文字母、数字和 - _ . @ 组成，不超过 64 个字符。",
	"name":       "请填写名称或姓名，不超过 100 个字。",
	"phone":      "手机号应为 11 位手机号码。",
	"department": "请选择部门。",
	"body":       "N方成员须填写所属单位。",
	"posts":      "至少需要一个岗位。",
	"role":       "请选择岗位。",
	"cell":       "请选择岗位所在的网格。",
	"parent":     "所选上级网格不合适：网格只能调整到同一办事处、原上级同一层级的网格之下，第五级网格之下不能再设网格。",
	"level":      "网格层级不正确。",
	"takeover":   "接手的网格不能是被撤销的网格本身或其下级。",
	"successor":  "接手人须是本办事处在岗人员，且其岗位能看到这些案件和隐患。",
	"post":       "这是该人员唯一的岗位，如其离岗请改用“停用”。",
	"township":   "人员须属于本办事处。",
}

// adminMember shows a member: their particulars, posts and account, and
// the forms that change them.
func (s *Server) adminMember(w http.ResponseWriter, r *http.Request, m grid.Member) {
	s.renderMember(w, r, m, grid.MemberID(r.PathValue("id")), http.StatusOK, nil)
}

func (s *Server) renderMember(w http.ResponseWriter, r *http.Request, m grid.Member, id grid.MemberID, status int, extra map[string]any) {
	x, ok := s.app.Grid.Directory().Member(id)
	if !ok || x.Township != m.Township {
		s.fail(w, r, http.StatusNotFound, "未找到该人员。")
		return
	}
	acct, err := s.app.Accounts.Account(r.Context(), string(id))
	if err != nil && fourplusn.ErrorCode(err) != fourplusn.NotFound {
		s.failErr(w, r, err)
		return
	}
	type postRow struct {
		Post  grid.Post
		Label string
	}
	var posts []postRow
	for _, p := range x.Posts {
		posts = append(posts, postRow{p, s.ancestry(s.app.Grid.Directory().Tree().MustCell(p.Cell.Cell()))})
	}
	data := map[string]any{
		"Done": doneText[r.URL.Query().Get("done")], "Title": x.Name, "Member": x, "Posts": posts, "Account": acct, "HasAccount": err == nil,
		"Locked": err == nil && acct.LockedUntil.After(s.app.Now()),
		"Cells":  s.cellOptions(m), "Roles": grid.Roles(), "Departments": grid.Departments(), "Successors": s.successors(m.Township, id),
	}
	for k, v := range extra {
		data[k] = v
	}
	s.render(w, r, status, "adminmember", data)
}

// memberForm reads a member's particulars from a form.
func memberForm(f url.Values) (grid.MemberEdit, error) {
	d, err := grid.ParseDepartment(f.Get("department"))
	if err != nil {
		return grid.MemberEdit{}, err
	}
	return grid.MemberEdit{
		Name: strings.TrimSpace(f.Get("name")), Phone: strings.TrimSpace(f.Get("phone")), Department: d, Body: strings.TrimSpace(f.Get("body")),
	}, nil
}

// postForm reads a post from a form's role and cell.
func (s *Server) postForm(f url.Values) (grid.Post, error) {
	role, err := grid.ParseRole(f.Get("role"))
	if err != nil {
		return grid.Post{}, err
	}
	c, err := s.app.Grid.Directory().Tree().Cell(grid.CellID(f.Get("cell")))
	if err != nil {
		return grid.Post{}, fourplusn.WithField("cell", err)
	}
	return grid.Post{Role: role, Cell: c.Path}, nil
}

// memberAction makes a change of a member from their page's forms.
func (s *Server) memberAction(w http.ResponseWriter, r *http.Request, m grid.Member) {
	ctx, actor, f := r.Context(), m.Actor(), r.PostForm
	id := grid.MemberID(r.PathValue("id"))
	var err error
	done := ""
	switch r.PathValue("action") {
	case "edit":
		var e grid.MemberEdit
		if e, err = memberForm(f); err == nil {
			_, err = s.app.Grid.EditMember(ctx, actor, id, e)
		}
		done = "saved"
	case "grant":
		var p grid.Post
		if p, err = s.postForm(f); err == nil {
			err = s.grant(ctx, actor, id, p)
		}
		done = "granted"
	case "revoke":
		var p grid.Post
		if p, err = s.postForm(f); err == nil {
			_, err = s.app.Grid.RevokePost(ctx, actor, id, p, grid.MemberID(f.Get("successor")))
		}
		done = "revoked"
	case "deactivate":
		if _, err = s.app.Grid.DeactivateMember(ctx, actor, id, grid.MemberID(f.Get("successor"))); err == nil {
			err = s.app.Accounts.Disable(ctx, string(id))
			if fourplusn.ErrorCode(err) == fourplusn.NotFound {
				err = nil // no account to stop
			}
		}
		done = "deactivated"
	case "password":
		if !s.mayManageMember(m, id) {
			err = grid.ErrNotGranted
			break
		}
		var otp string
		if otp, err = s.app.ResetPassword(ctx, string(id)); err == nil {
			x, _ := s.app.Grid.Directory().Member(id)
			w.Header().Set("Cache-Control", "no-store")
			s.render(w, r, http.StatusOK, "passwords", map[string]any{"Title": "重置密码：一次性密码", "Reset": true, "Passwords": []OneTimePassword{{x, otp}}})
			return
		}
	case "unlock":
		if !s.mayManageMember(m, id) {
			err = grid.ErrNotGranted
			break
		}
		err = s.app.Accounts.Unlock(ctx, string(id))
		done = "unlocked"
	default:
		s.fail(w, r, http.StatusNotFound, "未找到该操作。")
		return
	}
	s.acted(w, r, err, "/admin/members/"+url.PathEscape(string(id)), done, func(status int, problem map[string]any) {
		s.renderMember(w, r, m, id, status, problem)
	})
}

// grant gives member id the post p, and their account back if granting
// it makes them active again.
func (s *Server) grant(ctx context.Context, actor grid.Actor, id grid.MemberID, p grid.Post) error {
	before, _ := s.app.Grid.Directory().Member(id)
	if _, err := s.app.Grid.GrantPost(ctx, actor, id, p); err != nil {
		return err
	}
	if before.Inactive {
		if err := s.app.Accounts.Enable(ctx, string(id)); err != nil && fourplusn.ErrorCode(err) != fourplusn.NotFound {
			return err
		}
	}
	return nil
}

// mayManageMember reports whether m may manage the grid wherever member
// id holds a post (at the township for one who holds none), as the grid's
// service asks before it changes a member: what an account's reset and
// unlock need too.
func (s *Server) mayManageMember(m grid.Member, id grid.MemberID) bool {
	x, ok := s.app.Grid.Directory().Member(id)
	if !ok || x.Township != m.Township {
		return false
	}
	if len(x.Posts) == 0 {
		return s.mayManage(m, grid.RootPath(m.Township))
	}
	for _, p := range x.Posts {
		if !s.mayManage(m, p.Cell) {
			return false
		}
	}
	return true
}

// newMemberPage is the form of a new member, posted at ?cell=.
func (s *Server) newMemberPage(w http.ResponseWriter, r *http.Request, m grid.Member) {
	s.renderNewMember(w, r, m, http.StatusOK, url.Values{"cell": {r.URL.Query().Get("cell")}}, nil)
}

func (s *Server) renderNewMember(w http.ResponseWriter, r *http.Request, m grid.Member, status int, form url.Values, extra map[string]any) {
	data := map[string]any{"Title": "新增人员", "Form": form, "Cells": s.cellOptions(m), "Roles": grid.Roles(), "Departments": grid.Departments()}
	for k, v := range extra {
		data[k] = v
	}
	s.render(w, r, status, "adminnew", data)
}

// addMember adds a member with one post and gives them an account, whose
// one-time password is shown this once.
func (s *Server) addMember(w http.ResponseWriter, r *http.Request, m grid.Member) {
	f := r.PostForm
	e, err := memberForm(f)
	var p grid.Post
	if err == nil {
		p, err = s.postForm(f)
	}
	var added grid.Member
	if err == nil {
		added, err = s.app.Grid.AddMember(r.Context(), m.Actor(), grid.Member{
			ID: grid.MemberID(strings.TrimSpace(f.Get("id"))), Name: e.Name, Phone: e.Phone, Department: e.Department, Body: e.Body, Posts: []grid.Post{p},
		})
	}
	if err != nil {
		s.renderNewMember(w, r, m, errorStatus(err), f, s.adminProblem(err))
		return
	}
	otp, err := s.app.ResetPassword(r.Context(), string(added.ID))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "passwords", map[string]any{"Title": "已新增人员：一次性密码", "Added": true, "Passwords": []OneTimePassword{{added, otp}}})
}

// membersPage lists the township's members, found by name or login.
func (s *Server) membersPage(w http.ResponseWriter, r *http.Request, m grid.Member) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	var rows []map[string]any
	for _, x := range s.app.Grid.Directory().Members(m.Township) {
		if q != "" && !strings.Contains(x.Name, q) && !strings.HasPrefix(string(x.ID), q) {
			continue
		}
		rows = append(rows, map[string]any{"M": x, "Posts": s.postsText(x)})
	}
	s.render(w, r, http.StatusOK, "adminmembers", map[string]any{"Title": "人员", "Rows": rows, "Q": q})
}

// logPage shows the township's administration log, newest first, a page
// at a time.
func (s *Server) logPage(w http.ResponseWriter, r *http.Request, m grid.Member) {
	head := s.app.Grid.Directory().Head(m.Township)
	const page = 50
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	if before <= 0 || before > head.Len+1 {
		before = head.Len + 1
	}
	after := max(before-1-page, 0)
	events, err := s.app.Grid.Log(r.Context(), m.Actor(), after, int(before-1-after))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	slices.Reverse(events)
	rows := make([]logRow, len(events))
	for i, e := range events {
		rows[i] = s.logRow(e)
	}
	data := map[string]any{"Title": "网格管理日志", "Rows": rows, "Intact": s.app.Grid.VerifyLog(r.Context(), m.Township) == nil}
	if after > 0 {
		data["Older"] = after + 1
	}
	s.render(w, r, http.StatusOK, "adminlog", data)
}

// logRow is an event of the administration log as the log page shows it.
type logRow struct {
	Seq           int64
	At            time.Time
	Actor, What   string
	Subject       string
	Before, After string
}

// logActions name the administration log's actions in Chinese.
var logActions = map[timeline.Action]string{
	grid.LogFounded: "建立办事处", grid.LogCellAdded: "新增网格", grid.LogCellRenamed: "网格改名", grid.LogCellMoved: "调整上级网格",
	grid.LogCellRetired: "撤销网格", grid.LogMemberAdded: "新增人员", grid.LogMemberEdited: "修改人员信息",
	grid.LogMemberDeactivated: "停用人员", grid.LogPostGranted: "增加岗位", grid.LogPostRevoked: "撤销岗位", grid.LogRosterImported: "导入花名册",
}

func (s *Server) logRow(e timeline.Event) logRow {
	row := logRow{Seq: e.Seq, At: e.At, Actor: s.app.MemberName(e.Actor), What: name(logActions, e.Action)}
	if e.Actor == "operator" {
		row.Actor = "系统设置"
	}
	switch {
	case e.Details["cell"] != "":
		row.Subject = s.app.CellNameByID(grid.CellID(e.Details["cell"]))
	case e.Details["member"] != "":
		row.Subject = s.app.MemberName(e.Details["member"])
	}
	if p := e.Details["post"]; p != "" {
		if path, err := grid.ParsePath(p); err == nil {
			role, _ := grid.ParseRole(e.Details["role"])
			row.After = s.app.CellName(path) + role.Title()
		}
	}
	if t := e.Details["takeover"]; t != "" {
		row.After = "工作由" + s.app.CellNameByID(grid.CellID(t)) + "接手"
	}
	if sc := e.Details["successor"]; sc != "" {
		row.After = strings.TrimSpace(row.After + " 工作由" + s.app.MemberName(sc) + "接手")
	}
	return row
}

// exportRoster downloads the township's roster as it stands.
func (s *Server) exportRoster(w http.ResponseWriter, r *http.Request, m grid.Member) {
	if !s.mayManage(m, grid.RootPath(m.Township)) {
		s.fail(w, r, http.StatusForbidden, "花名册的导入导出仅限办事处网格长和管理员。")
		return
	}
	dir := s.app.Grid.Directory()
	ro, err := grid.RosterOf(dir.Tree(), m.Township, dir.Members(m.Township))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := roster.Write(&buf, ro, dir.Tree().Titles()); err != nil {
		s.failErr(w, r, err)
		return
	}
	root, _ := dir.Tree().Cell(m.Township)
	serveWorkbook(w, root.Name+"花名册"+s.app.Now().In(work.Zone).Format("20060102")+".xlsx", buf.Bytes())
}

// pendingRosters keeps the rosters uploaded to the administration pages,
// checked and shown, until they are applied or forgotten: by the digest of
// a random key the confirming form carries, for half an hour.
type pendingRosters struct {
	mu      sync.Mutex
	rosters map[[sha256.Size]byte]pendingRoster
}

type pendingRoster struct {
	township grid.CellID
	tree     *grid.Tree
	members  []grid.Member
	expires  time.Time
}

const pendingFor = 30 * time.Minute

func (p *pendingRosters) put(now time.Time, r pendingRoster) (string, error) {
	key, err := newSecret()
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.rosters == nil {
		p.rosters = map[[sha256.Size]byte]pendingRoster{}
	}
	for k, old := range p.rosters {
		if now.After(old.expires) {
			delete(p.rosters, k)
		}
	}
	r.expires = now.Add(pendingFor)
	p.rosters[sha256.Sum256([]byte(key))] = r
	return key, nil
}

func (p *pendingRosters) take(now time.Time, key string, township grid.CellID) (pendingRoster, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := sha256.Sum256([]byte(key))
	r, ok := p.rosters[k]
	if !ok || now.After(r.expires) || r.township != township {
		return pendingRoster{}, false
	}
	delete(p.rosters, k)
	return r, true
}

// rosterPage is the form that uploads a changed roster.
func (s *Server) rosterPage(w http.ResponseWriter, r *http.Request, m grid.Member) {
	s.render(w, r, http.StatusOK, "adminroster", map[string]any{"Title": "导入花名册"})
}

// uploadRoster checks an uploaded roster and shows the difference it
// makes, or every problem in it.
func (s *Server) uploadRoster(w http.ResponseWriter, r *http.Request, m grid.Member) {
	tree, members, problems, err := s.readRoster(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	data := map[string]any{"Title": "导入花名册"}
	if problems != nil {
		data["Problems"] = problems
		s.render(w, r, http.StatusBadRequest, "adminroster", data)
		return
	}
	plan, err := s.app.Grid.PlanRoster(r.Context(), m.Actor(), tree, members)
	if err != nil {
		for k, v := range s.adminProblem(err) {
			data[k] = v
		}
		s.render(w, r, errorStatus(err), "adminroster", data)
		return
	}
	key, err := s.pending.put(s.app.Now(), pendingRoster{township: m.Township, tree: tree, members: members})
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	data["Plan"], data["Key"] = s.planView(plan), key
	data["BaseLen"], data["BaseHead"] = plan.Base.Len, plan.Base.Head.String()
	if len(plan.Blocked) > 0 {
		for k, v := range s.adminProblem(&grid.BlockedError{Items: plan.Blocked}) {
			data[k] = v
		}
		data["Message"] = "以下未办结的工作会因这次导入失去接手人或所在网格。请先在网格或人员页面逐一办理交接（指定接手的网格或人员），再重新导入。"
	}
	s.render(w, r, http.StatusOK, "adminroster", data)
}

// applyRoster applies the roster the form's key names, if the township has
// not changed since its difference was shown, and gives new members their
// accounts.
func (s *Server) applyRoster(w http.ResponseWriter, r *http.Request, m grid.Member) {
	now := s.app.Now()
	p, ok := s.pending.take(now, r.PostFormValue("key"), m.Township)
	if !ok {
		s.render(w, r, http.StatusConflict, "adminroster", map[string]any{"Title": "导入花名册", "Message": "这份花名册已导入或已过期（30 分钟），请重新上传。"})
		return
	}
	baseLen, _ := strconv.ParseInt(r.PostFormValue("base_len"), 10, 64)
	head, _ := timeline.ParseHash(r.PostFormValue("base_head"))
	ctx := r.Context()
	plan, err := s.app.Grid.ApplyRoster(ctx, m.Actor(), p.tree, p.members, timeline.Chain{Len: baseLen, Head: head})
	if err != nil {
		data := map[string]any{"Title": "导入花名册"}
		for k, v := range s.adminProblem(err) {
			data[k] = v
		}
		s.render(w, r, errorStatus(err), "adminroster", data)
		return
	}
	otps, err := s.rosterAccounts(ctx, plan)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "passwords", map[string]any{
		"Title": "花名册已导入", "Imported": true, "Changes": plan.Changes(), "Passwords": oneTimePasswords(plan.AddMembers, otps),
	})
}

// rosterAccounts follows an applied roster in the accounts: new members
// get one with a one-time password, returned by member ID; members who
// left lose theirs, and members back get theirs again.
func (s *Server) rosterAccounts(ctx context.Context, plan grid.Plan) (map[string]string, error) {
	logins := make([]accounts.Member, len(plan.AddMembers))
	for i, x := range plan.AddMembers {
		logins[i] = accounts.Member{ID: string(x.ID), Township: string(plan.Township)}
	}
	otps, err := s.app.Accounts.IssueMany(ctx, logins)
	if err != nil {
		return nil, err
	}
	for _, x := range plan.DeactivateMembers {
		if err := s.app.Accounts.Disable(ctx, string(x.ID)); err != nil && fourplusn.ErrorCode(err) != fourplusn.NotFound {
			return nil, err
		}
	}
	for _, ch := range plan.EditMembers {
		if ch.Before.Inactive {
			if err := s.app.Accounts.Enable(ctx, string(ch.Before.ID)); err != nil && fourplusn.ErrorCode(err) != fourplusn.NotFound {
				return nil, err
			}
		}
	}
	return otps, nil
}

// planLine is one change of a roster's difference, in Chinese.
type planLine struct{ What, Detail string }

// planView says what a plan changes, group by group.
func (s *Server) planView(p grid.Plan) []struct {
	Title string
	Lines []planLine
} {
	type group = struct {
		Title string
		Lines []planLine
	}
	tree := s.app.Grid.Directory().Tree()
	var groups []group
	add := func(title string, lines []planLine) {
		if len(lines) > 0 {
			groups = append(groups, group{fmt.Sprintf("%s（%d）", title, len(lines)), lines})
		}
	}
	var lines []planLine
	for _, c := range p.AddCells {
		lines = append(lines, planLine{c.Name, tree.Titles().Title(c.Level()) + "，编号 " + string(c.ID)})
	}
	add("新增网格", lines)
	lines = nil
	for _, ch := range p.RenameCells {
		lines = append(lines, planLine{ch.Before.Name, "改名为 " + ch.After.Name})
	}
	add("网格改名", lines)
	lines = nil
	for _, ch := range p.MoveCells {
		lines = append(lines, planLine{ch.Before.Name, "由 " + s.app.CellName(ch.Before.Path.Parent()) + " 调整到 " + parentName(tree, p, ch.After)})
	}
	add("调整上级网格", lines)
	lines = nil
	for _, c := range p.RetireCells {
		lines = append(lines, planLine{c.Name, "花名册中已无此网格，将撤销"})
	}
	add("撤销网格", lines)
	lines = nil
	for _, x := range p.AddMembers {
		lines = append(lines, planLine{x.Name, string(x.ID) + "，" + x.Department.Title()})
	}
	add("新增人员", lines)
	lines = nil
	for _, ch := range p.EditMembers {
		lines = append(lines, planLine{ch.Before.Name, memberChangeText(ch)})
	}
	add("修改人员信息", lines)
	lines = nil
	for _, x := range p.DeactivateMembers {
		lines = append(lines, planLine{x.Name, "花名册中已无此人，将停用，登录即刻失效"})
	}
	add("停用人员", lines)
	lines = nil
	for _, g := range p.Grants {
		lines = append(lines, planLine{g.Name, "担任 " + cellNameByID(tree, p, g.Cell) + g.Role.Title()})
	}
	add("增加岗位", lines)
	lines = nil
	for _, g := range p.Revokes {
		lines = append(lines, planLine{g.Name, "不再担任 " + cellNameByID(tree, p, g.Cell) + g.Role.Title()})
	}
	add("撤销岗位", lines)
	return groups
}

// cellNameByID names a cell the tree or the plan's new cells hold.
func cellNameByID(tree *grid.Tree, p grid.Plan, id grid.CellID) string {
	if c, err := tree.Cell(id); err == nil {
		return c.Name
	}
	for _, c := range p.AddCells {
		if c.ID == id {
			return c.Name
		}
	}
	return string(id)
}

func parentName(tree *grid.Tree, p grid.Plan, c grid.Cell) string {
	return cellNameByID(tree, p, c.Parent())
}

func memberChangeText(ch grid.MemberChange) string {
	var parts []string
	b, a := ch.Before, ch.After
	if b.Name != a.Name {
		parts = append(parts, "姓名改为 "+a.Name)
	}
	if b.Phone != a.Phone {
		parts = append(parts, "手机号改为 "+a.Phone)
	}
	if b.Department != a.Department {
		parts = append(parts, "部门改为 "+a.Department.Title())
	}
	if b.Body != a.Body {
		parts = append(parts, "所属单位改为 "+cmp.Or(a.Body, "（无）"))
	}
	if b.Inactive && !a.Inactive {
		parts = append(parts, "重新启用")
	}
	return strings.Join(parts, "；")
}
