package wecom

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/mediation"
)

// Application is what a message says: who applies, where, what happened.
type Application struct {
	Name       string
	Phone      string // the 11-digit normal form
	Respondent string // the other party's name
	Place      string // as written; "" when the message names none
	Facts      string
	Category   mediation.Category
	Risks      mediation.RiskFlags
}

// The fields a message must give, as Missing names them.
const (
	FieldName       = "name"
	FieldPhone      = "phone"
	FieldRespondent = "respondent"
	FieldPlace      = "place"
	FieldFacts      = "facts"
)

// labels are the words people put before each field, longest first where
// one begins another, so that 联系电话 is read as one label, not 电话.
var labels = []struct {
	field string
	words []string
}{
	{FieldName, []string{"申请人姓名", "申请人", "当事人", "姓名", "名字"}},
	{FieldPhone, []string{"联系电话", "手机号码", "联系方式", "手机号", "电话", "手机"}},
	{FieldRespondent, []string{"被申请人", "对方姓名", "纠纷对象", "对方"}},
	{FieldPlace, []string{"发生地点", "所在地", "地点", "地址", "位置", "村组"}},
	{FieldFacts, []string{"事情经过", "纠纷情况", "事情", "事由", "情况", "经过", "内容", "诉求", "问题"}},
}

var (
	labelRE *regexp.Regexp
	labelOf = map[string]string{}
	// phoneRE finds a mobile number written without a label: 11 digits
	// starting 1[3-9], not inside a longer number.
	phoneRE = regexp.MustCompile(`(?:^|[^0-9])(1[3-9][0-9]{9})(?:[^0-9]|$)`)
)

func init() {
	var alts []string
	for _, l := range labels {
		for _, w := range l.words {
			alts = append(alts, regexp.QuoteMeta(w))
			labelOf[w] = l.field
		}
	}
	// A label is a word followed by a colon, half or full width.
	labelRE = regexp.MustCompile(`(` + strings.Join(alts, "|") + `)[ \t\x{3000}]*[:：]`)
}

// maxMessage bounds the text Parse reads; WeCom's own limit on a text
// message is 2048 bytes.
const maxMessage = 8 << 10

// Parse reads an application from a message's text. People write
// "姓名：张三 电话：138… 对方：李四 地点：马园一组 事情：…", on one line or several,
// with half- or full-width colons; a mobile number without a label is
// found too, and when no field is labelled at all the text is taken as
// what happened. The category and the risks (a threat to petition, a
// likely fight, …) are guessed from words in the text and default to
// other and none. Parse returns the fields it found and the names of the
// required ones it did not (FieldName, FieldPhone, FieldRespondent,
// FieldPlace, FieldFacts), in that order; a number that is not a mainland mobile
// number counts as missing. The place is checked by the caller, against
// the grid.
func Parse(text string) (Application, []string) {
	if len(text) > maxMessage {
		text = text[:maxMessage]
	}
	text = strings.ToValidUTF8(text, "")
	values := map[string]string{}
	matches := labelRE.FindAllStringSubmatchIndex(text, -1)
	for i, m := range matches {
		end := len(text)
		if i+1 < len(matches) {
			end = matches[i+1][0]
		}
		field := labelOf[text[m[2]:m[3]]]
		if v := trimValue(text[m[1]:end]); v != "" && values[field] == "" {
			values[field] = v
		}
	}
	var a Application
	a.Name, a.Respondent = values[FieldName], values[FieldRespondent]
	a.Place, a.Facts = values[FieldPlace], values[FieldFacts]
	phone := values[FieldPhone]
	if phone == "" {
		if m := phoneRE.FindStringSubmatch(text); m != nil {
			phone = m[1]
		}
	}
	if p, err := fourplusn.ParsePhone(phone); err == nil {
		a.Phone = p
	}
	if a.Facts == "" && len(matches) == 0 {
		rest := strings.Replace(text, phone, "", 1)
		if rest = trimValue(rest); utf8.RuneCountInString(rest) >= minFacts {
			a.Facts = rest
		}
	}
	a.Category, a.Risks = classify(text)
	var missing []string
	for _, f := range []struct {
		name, value string
	}{{FieldName, a.Name}, {FieldPhone, a.Phone}, {FieldRespondent, a.Respondent}, {FieldPlace, a.Place}, {FieldFacts, a.Facts}} {
		if f.value == "" {
			missing = append(missing, f.name)
		}
	}
	return a, missing
}

// minFacts is the fewest characters an unlabelled message must have to be
// taken as what happened: "你好" is a greeting, not a dispute.
const minFacts = 8

// trimValue trims white space and the punctuation that separates fields.
func trimValue(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",，;；。.、|/", r)
	})
}

// categoryWords guess a dispute's category, checked in this order.
var categoryWords = []struct {
	category mediation.Category
	words    []string
}{
	{mediation.Homestead, []string{"宅基地", "地界", "砌墙", "院墙", "承包地", "土地"}},
	{mediation.Injury, []string{"打伤", "受伤", "推倒", "殴打", "伤害", "医药费", "手术"}},
	{mediation.Family, []string{"离婚", "婚姻", "赡养", "抚养", "家暴", "夫妻", "婆媳"}},
	{mediation.Labour, []string{"工资", "欠薪", "工伤", "工钱", "劳务"}},
	{mediation.Debt, []string{"欠款", "借款", "欠钱", "借钱", "还钱", "欠债"}},
	{mediation.Tenancy, []string{"房租", "租金", "租房", "物业", "房东"}},
	{mediation.Neighbour, []string{"邻居", "噪音", "漏水", "占道", "堵路", "垃圾"}},
}

// riskWords are words that raise a case's grade at once (see
// mediation.Rules): a threat to petition, a likely fight, a risk of
// turning criminal, a group dispute.
var riskWords = []struct {
	risk  mediation.RiskFlags
	words []string
}{
	{mediation.PetitionThreat, []string{"上访", "上北京", "去北京"}},
	{mediation.LikelyFight, []string{"打架", "斗殴", "动手", "要打"}},
	{mediation.CivilToCriminal, []string{"报复", "拿刀", "要杀", "放火"}},
	{mediation.GroupDispute, []string{"群体", "聚集", "围堵", "十几户", "几十人"}},
}

func classify(text string) (mediation.Category, mediation.RiskFlags) {
	category := mediation.OtherDispute
	for _, c := range categoryWords {
		if containsAny(text, c.words) {
			category = c.category
			break
		}
	}
	var risks mediation.RiskFlags
	for _, r := range riskWords {
		if containsAny(text, r.words) {
			risks |= r.risk
		}
	}
	return category, risks
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// fieldNames are the missing fields as a reply names them.
var fieldNames = map[string]string{
	FieldName: "姓名", FieldPhone: "手机号码", FieldRespondent: "对方姓名",
	FieldPlace: "事发地点（村组或社区）", FieldFacts: "事情经过",
}

// askFor is the reply to a message that lacks the fields missing.
func askFor(missing []string) string {
	names := make([]string, len(missing))
	for i, f := range missing {
		names[i] = fieldNames[f]
	}
	return "您的消息已收到，但还不能登记：请补充" + strings.Join(names, "、") + "。\n请按以下格式重新发送：\n" +
		"姓名：张三\n电话：13800000000\n对方：李四\n地点：马园一组\n事情：邻居砌墙占了通道，双方发生争吵"
}
