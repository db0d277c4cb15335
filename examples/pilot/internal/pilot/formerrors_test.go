package pilot

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
)

// latin matches a word in Latin letters, which no message may hold but
// the names of file formats.
var latin = regexp.MustCompile(`[A-Za-z]{2,}`)

// chineseOnly asserts that msg is a Chinese sentence: not empty, and no
// word in Latin letters.
func chineseOnly(t *testing.T, what, msg string) {
	t.Helper()
	assert.NotEmpty(t, msg, what)
	for _, w := range latin.FindAllString(msg, -1) {
		assert.Contains(t, []string{"PDF", "JPEG", "PNG", "WebP", "HEIC", "MB"}, w, "%s: %q", what, msg)
	}
}

// TestErrorMessages: every refusal the domain names has its Chinese
// message, found through any wrapping; an error of each code that no
// sentinel names is said by its code; nothing English reaches a page.
func TestErrorMessages(t *testing.T) {
	for _, s := range sentinels {
		t.Run(s.err.Error(), func(t *testing.T) {
			chineseOnly(t, s.err.Error(), s.msg)
			assert.Equal(t, s.msg, errorMessage(fmt.Errorf("act on case 1: %w", s.err)), "found through a wrapping")
		})
	}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fourplusn.Errorf(fourplusn.Conflict, "a closed case cannot be accepted"), codeMessages[fourplusn.Conflict]},
		{fourplusn.Errorf(fourplusn.NotFound, "no case c-1"), codeMessages[fourplusn.NotFound]},
		{fourplusn.Errorf(fourplusn.Forbidden, "no"), codeMessages[fourplusn.Forbidden]},
		{fourplusn.Errorf(fourplusn.Unavailable, "database is locked"), codeMessages[fourplusn.Unavailable]},
		{fourplusn.FieldError("applicants[0].phone", "not a mobile number"), "填写有误：手机号码，请返回修改后重新提交。"},
		{fourplusn.FieldError("handling", `cell "lz-qiaotou" is in another township`), "填写有误：分派至，请返回修改后重新提交。"},
		{fourplusn.FieldError("no_such_field", "bad"), "填写有误：其中一项，请返回修改后重新提交。"},
		{fmt.Errorf("disk full"), "系统内部错误，请稍后再试。"},
	} {
		got := errorMessage(tc.err)
		assert.Equal(t, tc.want, got, "%v", tc.err)
		chineseOnly(t, tc.err.Error(), got)
	}
	for _, code := range []fourplusn.Code{fourplusn.Invalid, fourplusn.Unauthorized, fourplusn.Forbidden, fourplusn.NotFound, fourplusn.Conflict, fourplusn.Unavailable} {
		chineseOnly(t, fmt.Sprint(code), codeMessages[code])
	}
}

// TestInputHints: every input of every form says in Chinese what it
// takes, and every field label is Chinese.
func TestInputHints(t *testing.T) {
	forms := map[string][]input{"apply": applyInputs, "register": registerInputs}
	for action, inputs := range caseInputs {
		forms["case "+action] = inputs
	}
	for action, inputs := range hazardInputs {
		forms["hazard "+action] = inputs
	}
	for name, inputs := range forms {
		for _, in := range inputs {
			chineseOnly(t, name+" "+in.name+" label", in.label)
			chineseOnly(t, name+" "+in.name+" hint", in.hint)
			assert.NotEmpty(t, in.fields, "%s %s answers for a field", name, in.name)
		}
	}
	for _, field := range slices.Sorted(maps.Keys(fieldLabels)) {
		chineseOnly(t, field, fieldLabels[field])
	}
}

// TestTurn: a case's state says whose move it is.
func TestTurn(t *testing.T) {
	for _, tc := range []struct {
		st         mediation.State
		reviewer   string
		followedUp bool
		want       string
	}{
		{mediation.Registered, "", false, "待马园村委受理"},
		{mediation.Registered, "东片区", false, "待东片区审核呈报"},
		{mediation.Accepted, "", false, "马园村委已受理，待调解"},
		{mediation.Mediating, "", false, "马园村委调解中"},
		{mediation.Agreed, "", false, "已达成协议，待回访"},
		{mediation.Agreed, "", true, "已达成协议，已回访，待结案"},
		{mediation.Failed, "", false, "调解未成，待结案"},
		{mediation.Withdrawn, "", false, "已撤回，待结案"},
		{mediation.TransferredOut, "", false, "已移交外部单位，待结案"},
		{mediation.Rejected, "", false, "不予受理"},
		{mediation.Closed, "", false, "已结案"},
	} {
		assert.Equal(t, tc.want, turn(tc.st, "马园村委", tc.reviewer, tc.followedUp), "%v", tc.st)
	}
	for _, st := range mediation.States() {
		chineseOnly(t, st.String(), turn(st, "马园村委", "", false))
	}
}

// TestCaseActor: the resident who applied is 申请人 with a masked name,
// never their ID.
func TestCaseActor(t *testing.T) {
	a := &App{}
	c := &mediation.Case{Applicant: "r-form-key-0123", Applicants: []mediation.Party{{Name: "刘秀英"}}}
	assert.Equal(t, "申请人 刘**", a.caseActor(timeline.Event{Actor: "r-form-key-0123"}, c))
}
