package notify

import (
	"fmt"
	"time"

	"github.com/fourplusn/fourplusn/work"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/timeline"
)

// CaseNotifications returns the notifications that events, just appended to
// case c's timeline, cause; c is the case as saved with them. It is a pure
// function, for a store to call inside the transaction of the change.
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
func CaseNotifications(c *mediation.Case, events []timeline.Event) []Notification {
	var out []Notification
	for _, e := range events {
		b := builder{township: c.Township, kind: SubjectCase, subject: string(c.ID), e: e}
		name := caseName(c)
		if c.FirstResponder != "" && e.Actor != c.FirstResponder && e.Action != mediation.ActionRegistered && e.Action != work.ActionHandedOver && tellsFirstResponder(c, e) {
			b.add(&out, "first-responder", Progress, "【进展】"+name,
				fmt.Sprintf("您首问登记的%s：%s。", name, caseStep(c, e)), ToMember(c.FirstResponder))
		}
		switch e.Action {
		case mediation.ActionRegistered:
			b.add(&out, "task", Task, "【待受理】"+name,
				fmt.Sprintf("%s已登记，由 %s 处理，请于 %s 前受理。", name, c.Handling, ShowTime(c.AcceptDue)),
				ToPosts(c.Handling, grid.Accept))
			if c.FirstResponder == "" {
				b.add(&out, "review", Task, "【待审核】网上申请 "+string(c.ID),
					fmt.Sprintf("居民网上申请%s，尚无人审核，请于 %s 前审核受理。", name, ShowTime(c.AcceptDue)),
					ToDuty(c.Township))
			}
			if c.Grade == work.Major || c.Risks != 0 {
				b.add(&out, "alert", Alert, "【红色预警】"+name,
					fmt.Sprintf("%s已登记，等级%s%s，请值班员关注。", name, gradeName(c.Grade), riskNote(c.Risks)),
					ToDuty(c.Township))
			}
		case mediation.ActionEscalated:
			to := e.Details["to"]
			b.add(&out, "task", Task, "【待审核呈报】"+name,
				fmt.Sprintf("%s由下级呈报审核，理由：%s。请接手或退回。", name, e.Details["reason"]),
				Recipient{Cell: to, Action: grid.ApproveEscalation.String()})
			if e.Details["automatic"] == "true" {
				b.add(&out, "alert", Alert, "【自动呈报】"+name,
					fmt.Sprintf("%s因“%s”已自动呈报 %s。", name, e.Details["reason"], to), ToDuty(c.Township))
			}
		case mediation.ActionReturned:
			b.add(&out, "task", Task, "【呈报退回】"+name,
				fmt.Sprintf("%s的呈报被退回，请按指示办理：%s", name, e.Details["instructions"]),
				answersFor(c.Accountable(), c.Handling, nextAction(c)))
		case mediation.ActionApproved:
			b.add(&out, "progress", Progress, "【上级接手】"+name,
				fmt.Sprintf("%s已由上级 %s 接手。", name, c.Handling),
				Recipient{Cell: e.Details["from"], Action: grid.Escalate.String()})
		case mediation.ActionTransferred:
			b.add(&out, "task", Task, "【转来待受理】"+name,
				fmt.Sprintf("%s已转至 %s，理由：%s。请受理。", name, c.Handling, e.Details["reason"]),
				ToPosts(c.Handling, grid.Accept))
		case work.ActionHandedOver:
			b.add(&out, "task", Task, "【工作交接】"+name,
				fmt.Sprintf("%s已交接由您负责（%s），请接续办理。", name, e.Details["reason"]), ToMember(e.Details["to"]))
		case work.ActionReassigned:
			b.add(&out, "task", Task, "【转来待办】"+name,
				fmt.Sprintf("%s已改由 %s 办理（%s），请接续办理。", name, c.Handling, e.Details["reason"]), ToPosts(c.Handling, nextAction(c)))
		case mediation.ActionRiskRaised:
			b.add(&out, "alert", Alert, "【风险升级】"+name,
				fmt.Sprintf("%s出现新风险%s，等级%s。", name, riskNote(c.Risks), gradeName(c.Grade)),
				ToDuty(c.Township))
			if to := e.Details["escalated_to"]; to != "" {
				b.add(&out, "task", Task, "【待审核呈报】"+name,
					fmt.Sprintf("%s因风险升级已呈报 %s，请接手。", name, to),
					Recipient{Cell: to, Action: grid.ApproveEscalation.String()})
			}
		}
	}
	return out
}

// HazardNotifications returns the notifications that events, just appended
// to hazard h's timeline, cause; h is the hazard as saved with them. The
// posts that must rectify are told of an open hazard, the upper posts that
// verify of a rectified one, whoever rectified of a failed verification,
// the member who blew the whistle of the outcome, the duty officers of
// a red hazard, a successor of a hazard handed over to them, and the posts
// of a cell of a hazard it takes over from a retired one.
func HazardNotifications(h *hazard.Hazard, events []timeline.Event) []Notification {
	var out []Notification
	for _, e := range events {
		b := builder{township: h.Township, kind: SubjectHazard, subject: string(h.ID), e: e}
		name := hazardName(h)
		switch e.Action {
		case hazard.ActionReported:
			if h.State == hazard.Open {
				b.add(&out, "task", Task, "【待整改】"+name,
					fmt.Sprintf("%s已上报，由 %s 整改，请于 %s 前整改。", name, h.Handling, ShowTime(h.RectifyDue)),
					ToPosts(h.Handling, grid.Rectify))
			}
			if h.Grade == work.Major {
				b.add(&out, "alert", Alert, "【红色隐患】"+name,
					fmt.Sprintf("%s已上报，等级%s，请值班员关注。", name, gradeName(h.Grade)), ToDuty(h.Township))
			}
		case hazard.ActionRectified:
			b.add(&out, "task", Task, "【待验收】"+name,
				fmt.Sprintf("%s已整改，请于 %s 前验收。", name, ShowTime(h.VerifyDue)),
				ToPosts(h.VerifyCell(), grid.Verify))
		case hazard.ActionVerificationFailed:
			b.add(&out, "task", Task, "【验收未通过】"+name,
				fmt.Sprintf("%s验收未通过，请于 %s 前重新整改。", name, ShowTime(h.RectifyDue)),
				answersFor(h.Accountable(), h.Handling, grid.Rectify))
		case work.ActionHandedOver:
			b.add(&out, "task", Task, "【工作交接】"+name,
				fmt.Sprintf("%s已交接由您负责（%s），请按期整改。", name, e.Details["reason"]), ToMember(e.Details["to"]))
		case work.ActionReassigned:
			b.add(&out, "task", Task, "【转来待办】"+name,
				fmt.Sprintf("%s已改由 %s 整改（%s）。", name, h.Handling, e.Details["reason"]), ToPosts(h.Handling, grid.Rectify))
		case hazard.ActionVerified, hazard.ActionConverted:
			if h.Owner == "" && h.Reporter != "" && e.Actor != h.Reporter {
				b.add(&out, "reporter", Progress, "【已办结】"+name,
					fmt.Sprintf("您上报的%s已%s。", name, map[timeline.Action]string{hazard.ActionVerified: "验收通过并销号", hazard.ActionConverted: "转为矛盾纠纷调解"}[e.Action]),
					ToMember(h.Reporter))
			}
		}
	}
	return out
}

// tellsFirstResponder reports whether the first responder of c answers for
// it at event e: while nobody has accepted it, and at the acceptance
// itself, which relieves them.
func tellsFirstResponder(c *mediation.Case, e timeline.Event) bool {
	switch {
	case c.AcceptedAt.IsZero(), e.Action == mediation.ActionAccepted:
		return true
	case e.Action == mediation.ActionApproved:
		return c.AcceptedAt.Equal(e.At) // the approval accepted it
	}
	return false
}

// builder makes the notifications of one event, with keys derived from the
// event's place in its timeline so that writing them twice stores them once.
type builder struct {
	township      grid.CellID
	kind, subject string
	e             timeline.Event
}

func (b builder) add(out *[]Notification, role string, kind Kind, title, text string, to ...Recipient) {
	*out = append(*out, Notification{
		Key:      fmt.Sprintf("%s/%s/%d/%s", b.kind, b.subject, b.e.Seq, role),
		Township: b.township, SubjectKind: b.kind, Subject: b.subject,
		Kind: kind, Action: string(b.e.Action), Title: title, Text: text, To: to, At: b.e.At,
	})
}

// answersFor is the member who answers for a subject, or, when the posts of
// a cell answer together, those that may do action there.
func answersFor(member string, cell grid.Path, action grid.Action) Recipient {
	if member != "" {
		return ToMember(member)
	}
	return ToPosts(cell, action)
}

// nextAction is what the handling cell must do next to case c.
func nextAction(c *mediation.Case) grid.Action {
	if c.State == mediation.Registered {
		return grid.Accept
	}
	return grid.Mediate
}

// caseStep says in words what event e did to case c.
func caseStep(c *mediation.Case, e timeline.Event) string {
	switch e.Action {
	case mediation.ActionAccepted:
		return "已受理，受理人接替您承担责任"
	case mediation.ActionApproved:
		return "已由上级接手受理"
	case mediation.ActionEscalated:
		return "已呈报 " + e.Details["to"] + " 审核"
	case mediation.ActionReturned:
		return "呈报被退回：" + e.Details["instructions"]
	case mediation.ActionTransferred:
		return "已转至 " + e.Details["to"] + "，待其受理"
	case mediation.ActionTransferredOut:
		return "已移交 " + e.Details["body"]
	case mediation.ActionRejected:
		return "不予受理：" + e.Details["reason"]
	case mediation.ActionWithdrawn:
		return "申请人已撤回"
	case mediation.ActionRiskRaised:
		return "出现新风险" + riskNote(c.Risks)
	}
	return "有新的办理进展"
}

var categoryNames = map[mediation.Category]string{
	mediation.Neighbour: "邻里纠纷", mediation.Homestead: "宅基地纠纷", mediation.Family: "婚姻家庭纠纷",
	mediation.Injury: "人身损害赔偿纠纷", mediation.Debt: "债务纠纷", mediation.Labour: "劳动纠纷",
	mediation.Tenancy: "租赁物业纠纷", mediation.OtherDispute: "其他纠纷",
}

var hazardNames = map[hazard.Category]string{
	hazard.Fire: "消防隐患", hazard.Electrical: "用电隐患", hazard.Structural: "房屋结构隐患", hazard.Gas: "燃气隐患",
	hazard.Traffic: "交通隐患", hazard.Flood: "防汛隐患", hazard.DisputeLead: "矛盾纠纷线索", hazard.Other: "其他隐患",
}

func caseName(c *mediation.Case) string {
	n, ok := categoryNames[c.Category]
	if !ok {
		n = "纠纷"
	}
	return fmt.Sprintf("%s %s", n, c.ID)
}

func hazardName(h *hazard.Hazard) string {
	n, ok := hazardNames[h.Category]
	if !ok {
		n = "隐患"
	}
	return fmt.Sprintf("%s %s", n, h.ID)
}

func gradeName(g work.Grade) string {
	switch g {
	case work.Simple:
		return "绿色"
	case work.Ordinary:
		return "黄色"
	case work.Major:
		return "红色"
	}
	return g.String()
}

var riskNames = []struct {
	flag mediation.RiskFlags
	name string
}{
	{mediation.PetitionThreat, "扬言上访"}, {mediation.LikelyFight, "可能引发打架斗殴"},
	{mediation.CivilToCriminal, "可能民转刑"}, {mediation.GroupDispute, "群体性"},
}

// riskNote lists risks in words, as "（扬言上访、群体性）", or "" for none.
func riskNote(r mediation.RiskFlags) string {
	s := ""
	for _, n := range riskNames {
		if r.Has(n.flag) {
			if s != "" {
				s += "、"
			}
			s += n.name
		}
	}
	if s == "" {
		return ""
	}
	return "（" + s + "）"
}

// ShowTime shows t as township staff read it: in Asia/Shanghai, to the
// minute.
func ShowTime(t time.Time) string {
	if t.IsZero() {
		return "（无）"
	}
	return t.In(stats.Zone).Format("2006-01-02 15:04")
}
