package xlsx

import (
	"fmt"

	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

// The Chinese names the workbooks give the domain's stable names: those
// the pilot's pages show, so that a register read beside the pages agrees
// with them.
var (
	stateNames = map[mediation.State]string{
		mediation.Registered: "待受理", mediation.Accepted: "已受理", mediation.Mediating: "调解中",
		mediation.Agreed: "已达成协议", mediation.Failed: "调解未成", mediation.Withdrawn: "已撤回",
		mediation.Rejected: "不予受理", mediation.TransferredOut: "已移交", mediation.Closed: "已结案",
	}
	categoryNames = map[mediation.Category]string{
		mediation.Neighbour: "邻里纠纷", mediation.Homestead: "宅基地·土地", mediation.Family: "婚姻家庭",
		mediation.Injury: "人身损害赔偿", mediation.Debt: "债务", mediation.Labour: "劳动",
		mediation.Tenancy: "房屋租赁·物业", mediation.OtherDispute: "其他",
	}
	channelNames = map[work.Channel]string{
		work.ChannelGridHead: "网格长上报", work.ChannelOnline: "在线申请", work.ChannelWeCom: "企业微信",
		work.ChannelWeChat: "微信群", work.ChannelPolice: "社区民警", work.ChannelWalkIn: "来访",
		work.ChannelReferral: "移送", work.ChannelScreening: "主动排查（吹哨）",
	}
	gradeNames   = map[work.Grade]string{work.Simple: "绿色·简易", work.Ordinary: "黄色·一般", work.Major: "红色·重大"}
	outcomeNames = map[stats.Measure]string{
		stats.Agreed: "调解成功", stats.Failed: "调解不成功", stats.Withdrawn: "撤回",
		stats.Rejected: "不予受理", stats.TransferredOut: "移交外部",
	}
	// IndicatorNames are the Chinese names of the imported indicators the
	// report shows, by their stable names.
	IndicatorNames = map[string]string{
		stats.RuralPropertyCrime: "农村侵财类案件", stats.ThreeVehicleTheft: "盗窃“三车”案件", stats.TelecomFraud: "电信网络诈骗",
	}
)

// Indicators are the stable names of the indicators the report shows, in
// its order.
var Indicators = []string{stats.RuralPropertyCrime, stats.ThreeVehicleTheft, stats.TelecomFraud}

// name returns the label of v in names, or v itself as text when there is
// none, so that a value added later shows up rather than vanishing.
func name[K comparable](names map[K]string, v K) string {
	if n, ok := names[v]; ok {
		return n
	}
	return fmt.Sprint(v)
}
