package pilot

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// What the timeline says of an event beyond its name: the revision of an
// agreement drafted or signed, and what a correction changed. Every word
// is Chinese; the details' stable names and values are not shown.

// eventNote sums up, in Chinese, the details of an event of an
// agreement's life, a correction or the notice of rights given, naming the
// parties as c, the event's case, presents them: "" for the other events.
func eventNote(e timeline.Event, c *mediation.Case) string {
	d := e.Details
	switch e.Action {
	case mediation.ActionRightsGiven:
		return rightsNote(d, c)
	case mediation.ActionDrafted:
		note := "第" + d["revision"] + "稿"
		if d["supersedes"] != "" {
			note += "，拟变更第" + d["supersedes"] + "稿协议，理由：" + d["reason"]
		}
		return note
	case mediation.ActionSigning:
		var parts []string
		// Each party's mark is a detail, so no index reaches their number.
		for i := range len(d) {
			m, ok := d[fmt.Sprintf("parties[%d].mark", i)]
			if !ok {
				continue
			}
			by := ""
			if d[fmt.Sprintf("parties[%d].by", i)] == "agent" {
				by = "（代理人代签）"
			}
			parts = append(parts, "第"+strconv.Itoa(i+1)+"位当事人"+markLabel(m)+by)
		}
		if d["mediator"] == "signed" {
			parts = append(parts, "调解员签名")
		}
		if d["sealed"] == "true" {
			parts = append(parts, "委员会盖章")
		}
		note := "第" + d["revision"] + "稿：" + strings.Join(parts, "、")
		if d["in_effect"] != "" {
			note += "；协议生效"
		}
		return note
	case mediation.ActionFollowUp:
		note := "协议正在履行"
		if d["performed"] != "true" {
			note = "协议未履行"
		}
		if n := d["asked"]; n != "" && n != "0" {
			note += "；询问满意度" + n + "人，满意及基本满意" + d["content"] + "人"
		}
		return note
	case mediation.ActionLinked:
		return "并入" + d["number"]
	case mediation.ActionReceivedAgain:
		ch, _ := work.ParseChannel(d["channel"])
		return d["number"] + "经" + ch.Title() + "渠道受理，已并入本案"
	case mediation.ActionKeptApart:
		return "理由：" + d["reason"]
	case mediation.ActionCorrected, mediation.ActionSuspended, mediation.ActionReopened:
		return "理由：" + d["reason"]
	case mediation.ActionResumed:
		if due, err := time.Parse(time.RFC3339, d["resolve_due"]); err == nil {
			return "办结时限顺延至 " + work.ShowTime(due)
		}
	case mediation.ActionAttached:
		k, _ := attachment.ParseKind(d["kind"])
		if k.Personal() && c.Masked {
			// As the case's list of files leaves it out.
			return "附件" + d["attachment"] + "，仅对可查看当事人信息的人员显示"
		}
		return kindLabel(k) + d["attachment"] + "，属" + ofLabel(d["of"])
	}
	return ""
}

// caseActor names who did e on c: the resident who applied as 申请人 with
// their name masked, whoever sees the case (their ID, "r-…", is the
// form's key, never shown), and anyone else as ActorName does.
func (a *App) caseActor(e timeline.Event, c *mediation.Case) string {
	if c.Applicant != "" && e.Actor == c.Applicant {
		if len(c.Applicants) > 0 {
			return "申请人 " + fourplusn.MaskName(c.Applicants[0].Name)
		}
		return "申请人"
	}
	return a.ActorName(e.Actor)
}

// markLabel names a mark by its stable name in Chinese.
func markLabel(stable string) string {
	for m, label := range markNames {
		if m.String() == stable {
			return label
		}
	}
	return "签署"
}

// corrected is one field a correction changed, named and shown in Chinese.
type corrected struct{ Field, Before, After string }

// changes lists what a correction changed, each field before and after as
// the timeline holds it (masked for those who may not see the parties'
// personal data), in the order of the fields' names; nil for any other
// event.
func changes(e timeline.Event) []corrected {
	if e.Action != mediation.ActionCorrected {
		return nil
	}
	var out []corrected
	for _, k := range slices.Sorted(maps.Keys(e.Details)) {
		field, ok := strings.CutSuffix(k, ".before")
		if !ok {
			continue
		}
		out = append(out, corrected{
			Field:  changeLabel(field),
			Before: detailValue(field, e.Details[k]),
			After:  detailValue(field, e.Details[field+".after"]),
		})
	}
	return out
}

// changeLabel names a corrected field in Chinese, with the party's place
// on its side when there are several: 被申请人2 手机号码.
func changeLabel(field string) string {
	if field == "facts" {
		return "纠纷经过"
	}
	side, rest, _ := strings.Cut(field, "[")
	n, rest, _ := strings.Cut(rest, "]")
	label := sideNames[side]
	if i, err := strconv.Atoi(n); err == nil && i > 0 {
		label += strconv.Itoa(i + 1)
	}
	return label + strings.TrimPrefix(fieldLabel(side+"[]"+unindexed(rest)), sideNames[side])
}

// detailValue shows a corrected value in Chinese where the timeline keeps
// a stable name: a sex, an agent's kind or authorisation.
func detailValue(field, v string) string {
	var labels map[string]string
	switch field[strings.LastIndexByte(field, '.')+1:] {
	case "sex":
		labels = sexNames
	case "kind":
		labels = agentKindNames
	case "authority":
		labels = authorityNames
	}
	if l, ok := labels[v]; ok {
		return l
	}
	return v
}
