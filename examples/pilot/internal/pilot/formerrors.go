package pilot

import (
	"errors"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
)

// The pages show a validation error in Chinese only: each field at fault
// by its Chinese label, and beside each input at fault what it takes. The
// domain's messages, written in English for the API's clients, are never
// shown.

// input is an input of one of the pilot's forms: its name, its Chinese
// label, what it takes (shown beside it when it is at fault), and the
// domain's fields it answers for, with list indexes left out
// ("applicants[].name").
type input struct {
	name, label, hint string
	fields            []string
}

// applyInputs are the inputs of the resident's application form: the
// applicant's name, phone and address, then their other particulars.
var applyInputs = append([]input{
	{"name", "申请人姓名", "请填写申请人姓名，不超过50个字，不含控制字符等特殊字符。", []string{"applicants", "applicants[].name"}},
	{"phone", "手机号码", "请填写11位手机号码。", []string{"applicants[].phone"}},
	{"address", "住址", "住址不超过200个字，不含特殊字符。", []string{"applicants[].address"}},
	{"respondent", "对方姓名", "请填写对方姓名，不超过50个字，不含特殊字符。", []string{"respondents", "respondents[].name"}},
	{"category", "纠纷类别", "请从列表中选择纠纷类别。", []string{"category"}},
	{"location", "纠纷发生地", "请从列表中选择纠纷发生地。", []string{"location", "outside"}},
	{"claim", "请求金额", "请以元为单位填写金额，如 1500 或 1500.50，最多两位小数。", []string{"claims", "claims[].amount", "claims[].description"}},
	{"facts", "纠纷经过", "请填写纠纷经过，不超过5000字，不含控制字符等特殊字符。", []string{"facts"}},
	{"consent", "个人信息处理告知", "请阅读本页的《个人信息处理告知》，勾选同意后再提交。", []string{"consent"}},
}, particularInputs("applicants")...)

// caseInputs are the inputs of the case page's action forms, by action.
var caseInputs = map[string][]input{
	"duplicate-of": {
		{"into", "合并到", "该案件不能作为合并的对象，请回到案件页核对。", []string{"into"}},
	},
	"kept-apart": {
		{"reason", "不是重复的理由", "请填写不是重复的理由，不超过200个字。", []string{"reason"}},
		{"other", "另一案件", "该案件不能核对，请回到案件页查看。", []string{"other"}},
	},
	"transfer": {
		{"to", "分派到", "请从列表中选择网格。", []string{"to"}},
		{"reason", "分派理由", "请填写分派理由，不超过200个字。", []string{"reason"}},
	},
	"join": {
		{"department", "力量", "请从列表中选择力量。", []string{"participant", "participant.department"}},
		{"name", "姓名", "请填写姓名，不超过50个字，不含特殊字符。", []string{"participant.name"}},
		{"role", "职务", "职务不超过200个字，不含特殊字符。", []string{"participant.role"}},
		{"body", "N方单位或关系", "N方须填写单位或关系，不超过200个字。", []string{"participant.body"}},
	},
	"session": {
		{"place", "地点", "请从列表中选择地点。", []string{"place", "session.place"}},
		{"place_note", "地点说明", "地点说明不超过200个字，不含特殊字符。", []string{"session.place_note"}},
		{"attendees", "参加人员", "请填写参加人员姓名，以顿号分隔，每人不超过50个字。", []string{"session.attendees", "session.attendees[]"}},
		{"notes", "调解情况", "请填写调解情况，不超过5000字，不含控制字符等特殊字符。", []string{"session.notes"}},
		{"outcome", "结果", "请从列表中选择结果。", []string{"session.outcome"}},
	},
	"plan": {
		{"start", "开始时间", "请选择开始时间，须在现在之后、一年之内。", []string{"start"}},
		{"minutes", "时长", "请从列表中选择时长。", []string{"end"}},
		{"place", "地点", "请从列表中选择地点。", []string{"place"}},
		{"place_note", "地点说明", "地点说明不超过200个字，不含特殊字符。", []string{"place_note"}},
		{"team", "邀请团队成员", "请至少勾选一位团队成员或当事人。", []string{"team", "team[]"}},
		{"parties", "邀请当事人", "请勾选要邀请的当事人。", []string{"parties", "parties[]"}},
		{"note", "通知事项", "通知事项不超过5000字，不含控制字符等特殊字符。", []string{"note"}},
	},
	"cancel-session": {
		{"reason", "取消理由", "请填写取消理由，不超过200个字。", []string{"reason"}},
		{"uid", "调解会", "该调解会不存在，请回到案件页查看。", []string{"uid"}},
	},
	"draft":     draftInputs,
	"supersede": append([]input{{"reason", "变更理由", "请填写变更协议的理由，不超过200个字。", []string{"reason"}}}, draftInputs...),
	"oral": {
		{"disputes", "争议事项", "请填写争议事项，不超过5000字。", []string{"agreement.disputes"}},
		{"terms", "协议内容", "请填写协议内容，不超过5000字。", []string{"agreement.terms"}},
		{"amount", "赔偿金额", "请以元为单位填写大于零的金额，如 30000 或 30000.50，最多两位小数。", []string{"agreement.payments", "agreement.payments[].amount"}},
	},
	"signing": {
		{"revision", "协议稿次", "协议已修订，请按最新一稿重新签署。", []string{"signing.revision"}},
		{"marks", "当事人签署", "请为尚未签署的当事人选择签署方式；代签的须是特别授权的代理人，签署时间不晚于明天。", []string{"signing", "signing.marks", "signing.marks[].party", "signing.marks[].agent", "signing.marks[].mark", "signing.marks[].at"}},
		{"mediator_at", "调解员签名时间", "调解员签名时间不晚于明天，且不早于登记前一年。", []string{"signing.mediator_signed", "signing.mediator_at"}},
		{"sealed_at", "盖章时间", "盖章时间不晚于明天，且不早于登记前一年。", []string{"signing.sealed", "signing.sealed_at"}},
	},
	"correct": append([]input{
		{"reason", "更正理由", "请填写更正理由，不超过200个字。", []string{"reason"}},
		{"facts", "纠纷经过", "请填写更正后的纠纷经过，不超过5000字。", []string{"facts", "correction"}},
	}, particularInputs("applicants", "respondents")...),
	"rights": {
		{"party", "告知对象", "请勾选已告知的当事人，每人只勾一次。", []string{"parties", "parties[]"}},
		{"manner", "告知方式", "请选择书面告知并签收或口头告知。", []string{"manner"}},
		{"at", "告知时间", "告知时间不早于登记前一年，不晚于明天。", []string{"at"}},
	},
	"followup": {
		{"notes", "回访情况", "请填写回访情况，不超过5000字。", []string{"notes"}},
		{"satisfaction", "满意度", "请为每位当事人选择满意、基本满意、不满意或未询问。", []string{"satisfaction", "satisfaction[]"}},
	},
	"close":    {{"note", "结案说明", "结案说明不超过5000字。", []string{"note"}}},
	"escalate": {{"reason", "呈报理由", "请填写呈报理由，不超过200个字。", []string{"reason"}}},
	"suspend":  {{"reason", "中止理由", "请填写中止理由，不超过200个字。", []string{"reason"}}},
	"reopen":   {{"reason", "重新调解理由", "请填写重新调解理由，不超过200个字。", []string{"reason"}}},
	"return":   {{"instructions", "指导意见", "请填写指导意见，不超过5000字。", []string{"instructions"}}},
}

// draftInputs are the inputs of the form that drafts or revises a
// written agreement.
var draftInputs = []input{
	{"number", "协议编号", "协议编号不超过200个字。", []string{"agreement.number"}},
	{"facts", "纠纷主要事实", "请填写纠纷主要事实，不超过5000字。", []string{"agreement.facts"}},
	{"disputes", "争议事项", "请填写争议事项，不超过5000字。", []string{"agreement.disputes"}},
	{"responsibilities", "责任承担", "责任承担不超过5000字。", []string{"agreement.responsibilities"}},
	{"terms", "协议内容", "请填写协议内容，不超过5000字。", []string{"agreement.terms"}},
	{"amount", "赔偿金额", "请以元为单位填写大于零的金额，如 30000 或 30000.50，最多两位小数。", []string{"agreement.payments", "agreement.payments[].amount", "agreement.payments[].due"}},
	{"manner", "履行方式", "请写明履行方式，不超过5000字。", []string{"agreement.manner"}},
	{"place", "履行地点", "履行地点不超过200个字。", []string{"agreement.place"}},
	{"perform_by", "履行期限", "请填写履行期限，不早于登记前一年，不晚于十年后。", []string{"agreement.perform_by"}},
	{"mediator", "调解员姓名", "请填写调解员本人的姓名，不超过50个字。", []string{"agreement.mediator"}},
	{"mediator_post", "调解员职务", "调解员职务不超过200个字。", []string{"agreement.mediator_post"}},
}

// fieldLabels name in Chinese the domain's fields that no input answers
// for, or that pages other than the forms above may meet.
var fieldLabels = map[string]string{
	"channel": "受理渠道", "handling": "分派至", "idempotency_key": "表单编号", "referred_by": "移送单位", "risks": "风险", "hazard": "隐患",
	"session": "调解记录", "session.at": "调解时间", "correction": "更正内容",
	"agreement": "调解协议", "agreement.form": "协议形式", "agreement.facts": "纠纷事实", "agreement.mediator": "调解员",
	"agreement.committee": "人民调解委员会", "agreement.perform_by": "履行期限", "agreement.signatures": "当事人签字",
	"agreement.signatures[].party": "签字当事人", "agreement.signatures[].at": "签字时间", "agreement.mediator_signed_at": "调解员签名",
	"agreement.sealed": "委员会盖章", "agreement.payments[].payer": "付款方", "agreement.payments[].payee": "收款方",
	"agreement.payments[].due": "付款期限", "version": "案件版本", "reason": "理由", "advice": "引导意见",
	"name": "名称或姓名", "phone": "手机号码", "body": "所属单位", "id": "编号", "department": "部门", "role": "岗位",
	"posts": "岗位", "parent": "上级网格", "level": "网格级别", "township": "办事处", "contact": "联系方式",
	"description": "情况描述", "evidence": "整改情况", "photos": "照片", "days": "延期天数", "consent": "双方同意",
	"route": "引导途径", "successor": "接替人员", "takeover": "接手网格", "password": "密码",
}

// indexes matches the list indexes of a field's name.
var indexes = regexp.MustCompile(`\[[0-9]+\]`)

// unindexed returns field without its list indexes: "applicants[0].name"
// is "applicants[].name".
func unindexed(field string) string { return indexes.ReplaceAllString(field, "[]") }

// formInput returns the input of inputs that answers for field.
func formInput(inputs []input, field string) (input, bool) {
	i := inputIndex(inputs, field)
	if i < 0 {
		return input{}, false
	}
	return inputs[i], true
}

// inputIndex returns the index of the input of inputs that answers for
// field, or -1.
func inputIndex(inputs []input, field string) int {
	key := unindexed(field)
	return slices.IndexFunc(inputs, func(in input) bool { return slices.Contains(in.fields, key) })
}

// fieldLabel names field in Chinese for a page that has no input for it.
func fieldLabel(field string) string {
	key := unindexed(field)
	if l, ok := fieldLabels[key]; ok {
		return l
	}
	if in, ok := formInput(applyInputs, key); ok {
		return in.label
	}
	if in, ok := formInput(particularInputs("applicants", "respondents"), key); ok {
		return in.label
	}
	// The forms in the order of their names, so that a field found in
	// several is always named the same.
	for _, action := range slices.Sorted(maps.Keys(caseInputs)) {
		if in, ok := formInput(caseInputs[action], key); ok {
			return in.label
		}
	}
	return "其中一项"
}

// invalidLabels lists in Chinese, once each, the fields err finds at
// fault, joined with 、, in the order of rank (a form's order).
func invalidLabels(err error, label func(field string) string, rank func(field string) int) string {
	fields := slices.Clone(fourplusn.ErrorFields(err))
	slices.SortStableFunc(fields, func(a, b *fourplusn.Error) int { return rank(a.Field) - rank(b.Field) })
	var labels []string
	for _, f := range fields {
		if f.Field == "" {
			continue
		}
		if l := label(f.Field); !slices.Contains(labels, l) {
			labels = append(labels, l)
		}
	}
	return strings.Join(labels, "、")
}

// formState is a form posted again after it was refused: what was typed,
// kept, and what is wrong, in Chinese. Its zero value is a form not
// posted.
type formState struct {
	Action  string            // which form of the page was posted; "" for none
	Values  url.Values        // what was typed
	Errors  map[string]string // by input name: what the input takes
	Message string            // the fields at fault, named in Chinese
	// Since is the version of the record the form was built on, when
	// the record changed before it was posted (a stale form): the page
	// shows what changed since, beside the form filled again.
	Since int64
}

// refused returns the state of the form of action, of inputs, posted with
// values and refused with err, an Invalid error.
func refused(action string, inputs []input, values url.Values, err error) formState {
	st := formState{Action: action, Values: values, Errors: map[string]string{}}
	for _, f := range fourplusn.ErrorFields(err) {
		if in, ok := formInput(inputs, f.Field); ok {
			st.Errors[errorKey(in, f.Field)] = in.hint
		}
	}
	st.Message = "填写有误，请修改后重新提交。"
	labels := invalidLabels(err, func(field string) string {
		if in, ok := formInput(inputs, field); ok {
			return in.label
		}
		return fieldLabel(field)
	}, func(field string) int {
		// The inputs in the form's order; fields no input answers for last.
		if i := inputIndex(inputs, field); i >= 0 {
			return i
		}
		return len(inputs)
	})
	if labels != "" {
		st.Message = "填写有误，请修改以下各项后重新提交：" + labels + "。"
	}
	return st
}

// errorKey is the name of the input in that answers for field: its own,
// or, for an input of a list, which a form names with the indexes in
// ("applicants[0].sex"), the field itself.
func errorKey(in input, field string) string {
	if strings.Contains(in.name, "[]") {
		return field
	}
	return in.name
}

// Value returns what was typed into input name of the form of action, or
// def when that form was not the one posted.
func (st formState) Value(action, name, def string) string {
	if st.Action != action {
		return def
	}
	return st.Values.Get(name)
}

// Err returns what input name of the form of action takes, when it is at
// fault, or "".
func (st formState) Err(action, name string) string {
	if st.Action != action {
		return ""
	}
	return st.Errors[name]
}

// Checked reports whether the box of value i in the checkboxes name of
// the form of action was ticked when it was posted.
func (st formState) Checked(action, name string, i int) bool {
	return st.Action == action && slices.Contains(st.Values[name], strconv.Itoa(i))
}

// Posted reports whether the form of action is the one posted.
func (st formState) Posted(action string) bool { return st.Action == action }

// sentinels say in Chinese why the domain refused, for the refusals it
// names: why a step cannot be taken now, and what to do instead.
var sentinels = []struct {
	err error
	msg string
}{
	{grid.ErrNoActor, "请先登录。"},
	{grid.ErrNoTarget, "该记录没有所属网格，无法办理，请联系网格管理员。"},
	{grid.ErrOtherTownship, "该记录属于其他办事处，您无权办理。"},
	{grid.ErrNotGranted, "您所在岗位的角色和层级不能进行此操作。"},
	{grid.ErrOutsideSubtree, "该记录不在您所在网格的管辖范围内，您无权办理。"},
	{grid.ErrNotOwner, "只能查看或补充本人的申请。"},
	{mediation.ErrNoDraft, "尚无协议草稿，请先起草书面调解协议。"},
	{mediation.ErrDraftPending, "已有待签署的协议草稿，请修订草稿或登记签署。"},
	{mediation.ErrAgreementInEffect, "协议已生效，不能修订；如需变更，请填写理由另行起草变更协议。"},
	{mediation.ErrNothingInEffect, "尚无已生效的协议可以变更。"},
	{mediation.ErrStaleRevision, "签署的不是最新一稿，请打印最新一稿协议书重新签署。"},
	{mediation.ErrParticularsChanged, "起草后当事人基本情况已更正，请先保存修订稿、重新打印后再登记签署。"},
	{attachment.ErrNoFiles, "本系统未开启附件功能，请联系管理员。"},
}

// sentinelMessage returns what sentinels say of err, if it wraps one.
func sentinelMessage(err error) (string, bool) {
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			return s.msg, true
		}
	}
	return "", false
}

// codeMessages say in Chinese what an error of each code means, for
// an error no sentinel names: something Chinese and useful, never the
// domain's English.
var codeMessages = map[fourplusn.Code]string{
	fourplusn.Invalid:      "填写有误，请返回修改后重新提交。",
	fourplusn.Unauthorized: "请先登录。",
	fourplusn.Forbidden:    "您无权进行此操作。",
	fourplusn.NotFound:     "未找到该记录，或您无权查看。",
	fourplusn.Conflict:     "记录已被他人更新，或当前状态不允许此操作，请刷新后重试。",
	fourplusn.Unavailable:  "系统暂时无法保存，请稍后再试。",
}

// errorMessage says err in Chinese: by the sentinel it wraps, or the
// fields at fault of an Invalid error named in Chinese, or by its code;
// an error of no code is an internal one and is shown only as such.
func errorMessage(err error) string {
	if msg, ok := sentinelMessage(err); ok {
		return msg
	}
	code := fourplusn.ErrorCode(err)
	if code == fourplusn.Invalid {
		if labels := invalidLabels(err, fieldLabel, func(string) int { return 0 }); labels != "" {
			return "填写有误：" + labels + "，请返回修改后重新提交。"
		}
	}
	if msg, ok := codeMessages[code]; ok {
		return msg
	}
	return "系统内部错误，请稍后再试。"
}
