package mediation

import (
	"fmt"
	"strings"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// Notices returns the notices that events, just appended to case c's
// timeline, cause; c is the case as saved with them. It is a pure function,
// for a store to call inside the transaction of the change, so that the
// notices are kept with the change or not at all.
//
// Who is told what:
//   - the first responder, of every step others take until a competent
//     handler has accepted the case, acceptance included: they stay
//     accountable until then (首问负责制), even for a case from outside the
//     township;
//   - the posts of the handling cell that may accept, of a case registered
//     or transferred to them; the posts of the upper cell that may approve,
//     of a case submitted to them; whoever answers for a case, of an
//     escalation returned with instructions; the lower cell, of a case the
//     upper one took over;
//   - the duty officers, of an online application no member has reviewed,
//     of a red (major) case or a new risk, and of an automatic escalation;
//   - a successor, of a case handed over to them when the member who
//     answered for it gave up the post (交接); the posts of a cell, of a
//     case it takes over from a retired one.
func Notices(c *Case, events []timeline.Event) []work.Notice {
	var out []work.Notice
	name := c.noticeName()
	for _, e := range events {
		cause := work.Cause{Township: c.Township, SubjectKind: work.SubjectCase, Subject: string(c.ID), Event: e}
		if c.FirstResponder != "" && e.Actor != c.FirstResponder && e.Action != ActionRegistered && e.Action != work.ActionHandedOver && c.tellsFirstResponder(e) {
			out = append(out, cause.Notice("first-responder", work.NoticeProgress, "【进展】"+name,
				fmt.Sprintf("您首问登记的%s：%s。", name, c.step(e)), work.ToMember(c.FirstResponder)))
		}
		switch e.Action {
		case ActionRegistered:
			out = append(out, cause.Notice("task", work.NoticeTask, "【待受理】"+name,
				fmt.Sprintf("%s已登记，由 %s 处理，请于 %s 前受理。", name, c.Handling, work.ShowTime(c.AcceptDue)),
				work.ToPosts(c.Handling, grid.Accept)))
			if c.FirstResponder == "" {
				out = append(out, cause.Notice("review", work.NoticeTask, "【待审核】网上申请 "+c.label(),
					fmt.Sprintf("居民网上申请%s，尚无人审核，请于 %s 前审核受理。", name, work.ShowTime(c.AcceptDue)),
					work.ToDuty(c.Township)))
			}
			if c.Grade == work.Major || c.Risks != 0 {
				out = append(out, cause.Notice("alert", work.NoticeAlert, "【红色预警】"+name,
					fmt.Sprintf("%s已登记，等级%s%s，请值班员关注。", name, c.Grade.Colour(), riskNote(c.Risks)),
					work.ToDuty(c.Township)))
			}
		case ActionEscalated:
			to := e.Details["to"]
			out = append(out, cause.Notice("task", work.NoticeTask, "【待审核呈报】"+name,
				fmt.Sprintf("%s由下级呈报审核，理由：%s。请接手或退回。", name, e.Details["reason"]),
				work.Recipient{Cell: to, Action: grid.ApproveEscalation.String()}))
			if e.Details["automatic"] == "true" {
				out = append(out, cause.Notice("alert", work.NoticeAlert, "【自动呈报】"+name,
					fmt.Sprintf("%s因“%s”已自动呈报 %s。", name, e.Details["reason"], to), work.ToDuty(c.Township)))
			}
		case ActionReturned:
			out = append(out, cause.Notice("task", work.NoticeTask, "【呈报退回】"+name,
				fmt.Sprintf("%s的呈报被退回，请按指示办理：%s", name, e.Details["instructions"]),
				work.AnswersFor(c.Accountable(), c.Handling, c.nextAction())))
		case ActionApproved:
			out = append(out, cause.Notice("progress", work.NoticeProgress, "【上级接手】"+name,
				fmt.Sprintf("%s已由上级 %s 接手。", name, c.Handling),
				work.Recipient{Cell: e.Details["from"], Action: grid.Escalate.String()}))
		case ActionTransferred:
			out = append(out, cause.Notice("task", work.NoticeTask, "【转来待受理】"+name,
				fmt.Sprintf("%s已转至 %s，理由：%s。请受理。", name, c.Handling, e.Details["reason"]),
				work.ToPosts(c.Handling, grid.Accept)))
		case work.ActionHandedOver:
			out = append(out, cause.Notice("task", work.NoticeTask, "【工作交接】"+name,
				fmt.Sprintf("%s已交接由您负责（%s），请接续办理。", name, e.Details["reason"]), work.ToMember(e.Details["to"])))
		case work.ActionReassigned:
			out = append(out, cause.Notice("task", work.NoticeTask, "【转来待办】"+name,
				fmt.Sprintf("%s已改由 %s 办理（%s），请接续办理。", name, c.Handling, e.Details["reason"]), work.ToPosts(c.Handling, c.nextAction())))
		case ActionRiskRaised:
			out = append(out, cause.Notice("alert", work.NoticeAlert, "【风险升级】"+name,
				fmt.Sprintf("%s出现新风险%s，等级%s。", name, riskNote(c.Risks), c.Grade.Colour()),
				work.ToDuty(c.Township)))
			if to := e.Details["escalated_to"]; to != "" {
				out = append(out, cause.Notice("task", work.NoticeTask, "【待审核呈报】"+name,
					fmt.Sprintf("%s因风险升级已呈报 %s，请接手。", name, to),
					work.Recipient{Cell: to, Action: grid.ApproveEscalation.String()}))
			}
		}
	}
	return out
}

// tellsFirstResponder reports whether the first responder of c answers for
// it at event e: while nobody has accepted it, and at the acceptance
// itself, which relieves them.
func (c *Case) tellsFirstResponder(e timeline.Event) bool {
	switch {
	case c.AcceptedAt.IsZero(), e.Action == ActionAccepted:
		return true
	case e.Action == ActionApproved:
		return c.AcceptedAt.Equal(e.At) // the approval accepted it
	}
	return false
}

// nextAction is what the handling cell must do next to c.
func (c *Case) nextAction() grid.Action {
	if c.State == Registered {
		return grid.Accept
	}
	return grid.Mediate
}

// step says in words what event e did to c.
func (c *Case) step(e timeline.Event) string {
	switch e.Action {
	case ActionAccepted:
		return "已受理，受理人接替您承担责任"
	case ActionApproved:
		return "已由上级接手受理"
	case ActionEscalated:
		return "已呈报 " + e.Details["to"] + " 审核"
	case ActionReturned:
		return "呈报被退回：" + e.Details["instructions"]
	case ActionTransferred:
		return "已转至 " + e.Details["to"] + "，待其受理"
	case ActionTransferredOut:
		return "已移交 " + e.Details["body"]
	case ActionRejected:
		return "不予受理：" + e.Details["reason"]
	case ActionWithdrawn:
		return "申请人已撤回"
	case ActionRiskRaised:
		return "出现新风险" + riskNote(c.Risks)
	}
	return "有新的办理进展"
}

// noticeName names c in notices: its category in words and its number
// (see label).
func (c *Case) noticeName() string {
	n, ok := categoryTitles[c.Category]
	if !ok {
		n = "纠纷"
	}
	return n + " " + c.label()
}

// label names c to staff: by its number, which they can say and file by,
// or by its ID while it has none — a case the store has not numbered.
func (c *Case) label() string {
	if c.Number.IsZero() {
		return string(c.ID)
	}
	return c.Number.String()
}

// riskWords name the risks in notices.
var riskWords = []struct {
	flag RiskFlags
	name string
}{
	{PetitionThreat, "扬言上访"}, {LikelyFight, "可能引发打架斗殴"},
	{CivilToCriminal, "可能民转刑"}, {GroupDispute, "群体性"},
}

// riskNote lists risks in words, as "（扬言上访、群体性）", or "" for none.
func riskNote(r RiskFlags) string {
	var names []string
	for _, n := range riskWords {
		if r.Has(n.flag) {
			names = append(names, n.name)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return "（" + strings.Join(names, "、") + "）"
}
