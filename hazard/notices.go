package hazard

import (
	"fmt"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// Notices returns the notices that events, just appended to hazard h's
// timeline, cause; h is the hazard as saved with them. It is a pure
// function, for a store to call inside the transaction of the change. The
// posts that must rectify are told of an open hazard, the upper posts that
// verify of a rectified one, whoever rectified of a failed verification,
// the member who blew the whistle of the outcome, the duty officers of a
// red hazard, a successor of a hazard handed over to them, and the posts
// of a cell of a hazard it takes over from a retired one.
func Notices(h *Hazard, events []timeline.Event) []work.Notice {
	var out []work.Notice
	name := h.noticeName()
	for _, e := range events {
		cause := work.Cause{Township: h.Township, SubjectKind: work.SubjectHazard, Subject: string(h.ID), Event: e}
		switch e.Action {
		case ActionReported:
			if h.State == Open {
				out = append(out, cause.Notice("task", work.NoticeTask, "【待整改】"+name,
					fmt.Sprintf("%s已上报，由 %s 整改，请于 %s 前整改。", name, h.Handling, work.ShowTime(h.RectifyDue)),
					work.ToPosts(h.Handling, grid.Rectify)))
			}
			if h.Grade == work.Major {
				out = append(out, cause.Notice("alert", work.NoticeAlert, "【红色隐患】"+name,
					fmt.Sprintf("%s已上报，等级%s，请值班员关注。", name, h.Grade.Colour()), work.ToDuty(h.Township)))
			}
		case ActionRectified:
			out = append(out, cause.Notice("task", work.NoticeTask, "【待验收】"+name,
				fmt.Sprintf("%s已整改，请于 %s 前验收。", name, work.ShowTime(h.VerifyDue)),
				work.ToPosts(h.VerifyCell(), grid.Verify)))
		case ActionVerificationFailed:
			out = append(out, cause.Notice("task", work.NoticeTask, "【验收未通过】"+name,
				fmt.Sprintf("%s验收未通过，请于 %s 前重新整改。", name, work.ShowTime(h.RectifyDue)),
				work.AnswersFor(h.Accountable(), h.Handling, grid.Rectify)))
		case work.ActionHandedOver:
			out = append(out, cause.Notice("task", work.NoticeTask, "【工作交接】"+name,
				fmt.Sprintf("%s已交接由您负责（%s），请按期整改。", name, e.Details["reason"]), work.ToMember(e.Details["to"])))
		case work.ActionReassigned:
			out = append(out, cause.Notice("task", work.NoticeTask, "【转来待办】"+name,
				fmt.Sprintf("%s已改由 %s 整改（%s）。", name, h.Handling, e.Details["reason"]), work.ToPosts(h.Handling, grid.Rectify)))
		case ActionVerified, ActionConverted:
			if h.Owner == "" && h.Reporter != "" && e.Actor != h.Reporter {
				out = append(out, cause.Notice("reporter", work.NoticeProgress, "【已办结】"+name,
					fmt.Sprintf("您上报的%s已%s。", name, outcomeWords[e.Action]), work.ToMember(h.Reporter)))
			}
		}
	}
	return out
}

// outcomeWords say how a hazard was finished, for its reporter.
var outcomeWords = map[timeline.Action]string{ActionVerified: "验收通过并销号", ActionConverted: "转为矛盾纠纷调解"}

// noticeName names h in notices: its category in words and its ID.
func (h *Hazard) noticeName() string {
	n, ok := categoryWords[h.Category]
	if !ok {
		n = "隐患"
	}
	return fmt.Sprintf("%s %s", n, h.ID)
}
