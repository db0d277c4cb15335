package pilot

import (
	"fmt"
	"html/template"
	"time"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// The Chinese names the pages show for the domain's stable names.
var (
	// categoryOrder is the order of the application form's choices.
	categoryOrder = []mediation.Category{
		mediation.Neighbour, mediation.Homestead, mediation.Family, mediation.Injury,
		mediation.Debt, mediation.Labour, mediation.Tenancy, mediation.OtherDispute,
	}
	gradeClasses    = map[work.Grade]string{work.Simple: "green", work.Ordinary: "yellow", work.Major: "red"}
	fileStatusNames = map[mediation.FileStatus]string{mediation.FilePresent: "存档", mediation.FileMissing: "缺失", mediation.FileNotApplicable: "不适用"}
	outcomeNames    = map[mediation.Outcome]string{mediation.Progress: "有进展", mediation.NoProgress: "无进展", mediation.Settled: "达成一致"}
	hazardNames     = map[hazard.Category]string{
		hazard.Fire: "消防", hazard.Electrical: "用电", hazard.Structural: "房屋·建筑结构", hazard.Gas: "燃气",
		hazard.Traffic: "交通", hazard.Flood: "防汛", hazard.DisputeLead: "矛盾纠纷线索", hazard.Other: "其他",
	}
	eventNames = map[timeline.Action]string{
		mediation.ActionRegistered: "登记", mediation.ActionAccepted: "受理", mediation.ActionRejected: "不予受理", mediation.ActionJoined: "加入调解团队",
		mediation.ActionSession: "记录调解", mediation.ActionAgreement: "达成调解协议", mediation.ActionFailed: "调解未成", mediation.ActionWithdrawn: "撤回",
		mediation.ActionEscalated: "呈报上级", mediation.ActionApproved: "上级接手", mediation.ActionReturned: "上级退回",
		mediation.ActionTransferred: "分派", mediation.ActionTransferredOut: "移交外部", mediation.ActionExtended: "延期", mediation.ActionSuspended: "中止调解", mediation.ActionResumed: "恢复调解", mediation.ActionRiskRaised: "风险升级",
		mediation.ActionFollowUp: "回访", mediation.ActionReopened: "重新调解", mediation.ActionClosed: "结案",
		mediation.ActionCorrected: "更正", mediation.ActionDrafted: "起草调解协议", mediation.ActionSigning: "登记协议签署",
		mediation.ActionRightsGiven: "告知权利义务", mediation.ActionAttached: "添加附件",
		mediation.ActionSessionPlanned: "安排调解会", mediation.ActionSessionCancelled: "取消调解会",
		mediation.ActionLinked: "并入同一案件", mediation.ActionReceivedAgain: "另经其他渠道受理", mediation.ActionKeptApart: "核对为不是重复",
		work.ActionHandedOver: "工作交接", work.ActionReassigned: "改由他格办理", work.ActionRelocated: "随网格调整",
		hazard.ActionReported: "上报隐患", hazard.ActionRectified: "整改", hazard.ActionVerified: "验收通过", hazard.ActionVerificationFailed: "验收未通过", hazard.ActionConverted: "转为案件",
	}
	// sexNames, agentKindNames and authorityNames are by the stable
	// names, which forms send and a correction's details keep.
	sexNames       = map[string]string{mediation.Male.String(): "男", mediation.Female.String(): "女", mediation.SexUnstated.String(): "未填"}
	agentKindNames = map[string]string{
		mediation.NearRelative.String(): "近亲属", mediation.Lawyer.String(): "律师",
		mediation.LegalWorker.String(): "基层法律服务工作者", mediation.OtherAgent.String(): "其他公民",
	}
	authorityNames  = map[string]string{mediation.GeneralAuthority.String(): "一般授权", mediation.SpecialAuthority.String(): "特别授权"}
	markNames       = map[mediation.Mark]string{mediation.Signed: "签名", mediation.Sealed: "盖章", mediation.Fingerprinted: "按指印"}
	departmentNames = map[string]string{"police": "公安", "justice": "司法", "grid": "网格", "mediation_committee": "民调", "partner": "N方"}
	statusNames     = map[work.Status]string{work.OnTime: "正常", work.AtRisk: "临期", work.Overdue: "逾期"}
	kindNames       = map[work.DeadlineKind]string{
		mediation.AcceptBy: "受理", mediation.ResolveBy: "办结", mediation.FollowUpBy: "回访",
		mediation.CourtConfirmBy: "司法确认", mediation.ReviewEscalated: "审核呈报", hazard.RectifyBy: "整改", hazard.VerifyBy: "验收",
	}
)

// name returns the label of v in names, or v itself as text when there is
// none, so that a new value shows up rather than vanishing.
func name[K comparable](names map[K]string, v K) string {
	if n, ok := names[v]; ok {
		return n
	}
	return fmt.Sprint(v)
}

// funcs are the templates' helpers.
var funcs = template.FuncMap{
	"state":          mediation.State.Title,
	"category":       mediation.Category.Title,
	"channel":        work.Channel.Title,
	"grade":          work.Grade.Title,
	"gradeCls":       func(g work.Grade) string { return gradeClasses[g] },
	"place":          mediation.Place.Title,
	"outcome":        func(o mediation.Outcome) string { return name(outcomeNames, o) },
	"fileStatus":     func(s mediation.FileStatus) string { return name(fileStatusNames, s) },
	"hazardCategory": func(c hazard.Category) string { return name(hazardNames, c) },
	"hazardState":    hazard.State.Title,
	"event":          func(a timeline.Action) string { return name(eventNames, a) },
	"eventNote":      eventNote,
	"hazardNote":     hazardNote,
	"changes":        changes,
	"mark":           func(m mediation.Mark) string { return name(markNames, m) },
	"department":     func(d string) string { return name(departmentNames, d) },
	"status":         func(s work.Status) string { return name(statusNames, s) },
	"kind":           func(k work.DeadlineKind) string { return name(kindNames, k) },
	"field":          func(id, err string) map[string]string { return map[string]string{"ID": id, "Err": err} },
	"when":           when,
	"since":          since,
	"yuan":           yuan,
	"percent":        percent,
	"change":         change,
	"title":          func(t grid.Titles, l grid.Level) string { return t.Title(l) },
	"roleName":       func(r grid.Role) string { return r.Title() },
	"deptName":       func(d grid.Department) string { return d.Title() },
}

// when shows t in the township's time zone, or a dash for the zero time.
func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(work.Zone).Format("2006-01-02 15:04")
}

// since shows how long ago t was, in the largest sensible unit.
func since(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "刚刚"
	case d < time.Hour:
		return fmt.Sprintf("%d分钟", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d小时%d分", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d天%d小时", int(d.Hours())/24, int(d.Hours())%24)
}

// yuan shows an amount in fen as yuan.
func yuan(fen int64) string {
	if fen%100 == 0 {
		return fmt.Sprintf("%d元", fen/100)
	}
	return fmt.Sprintf("%d.%02d元", fen/100, fen%100)
}

// percent shows a rate, or a dash when it is undefined (nothing to divide).
func percent(r stats.Rate) string {
	if !r.Defined() {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", r.Value()*100)
}

// change shows a month-on-month change as the seed's reports write it:
// 环比 +12% or −46%.
func change(c stats.Change) string {
	p, ok := c.Percent()
	switch {
	case !ok:
		return "—"
	case p > 0:
		return fmt.Sprintf("+%d%%", p)
	case p < 0:
		return fmt.Sprintf("−%d%%", -p)
	}
	return "持平"
}

// turn says in Chinese where a case in state st stands and whose move it
// is: 待马园村委受理, 马园村委调解中, 待回访 …, with handling the name of the
// cell handling it, reviewer that of the cell asked to take it over ("" for
// none), and followedUp whether an agreed case was followed up. The
// state's own name (stateNames) is for lists and filters, where no cell
// is at hand.
func turn(st mediation.State, handling, reviewer string, followedUp bool) string {
	if reviewer != "" && st.Open() {
		return "待" + reviewer + "审核呈报"
	}
	switch st {
	case mediation.Registered:
		return "待" + handling + "受理"
	case mediation.Accepted:
		return handling + "已受理，待调解"
	case mediation.Mediating:
		return handling + "调解中"
	case mediation.Agreed:
		if followedUp {
			return "已达成协议，已回访，待结案"
		}
		return "已达成协议，待回访"
	case mediation.Failed:
		return "调解未成，待结案"
	case mediation.Withdrawn:
		return "已撤回，待结案"
	case mediation.TransferredOut:
		return "已移交外部单位，待结案"
	}
	return st.Title()
}
