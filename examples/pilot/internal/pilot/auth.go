package pilot

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/accounts"
	"github.com/fourplusn/fourplusn/adapters/httpapi"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/work"
)

// apiAuth authenticates the API's bearer tokens against the accounts: a
// token of a deactivated member, or one revoked or expired, authenticates
// no one. The actor has the posts the member holds now.
type apiAuth struct{ app *App }

var _ httpapi.Authenticator = apiAuth{}

// Authenticate returns the member r's bearer token belongs to.
func (a apiAuth) Authenticate(r *http.Request) (grid.Actor, error) {
	token, present, err := httpapi.BearerToken(r)
	if !present || err != nil {
		return grid.Actor{}, err
	}
	id, ok, err := a.app.Accounts.Authenticate(r.Context(), token)
	if err != nil {
		return grid.Actor{}, err
	}
	m, active := a.app.Member(id)
	if !ok || !active {
		return grid.Actor{}, fourplusn.Errorf(fourplusn.Unauthorized, "the credentials are not valid")
	}
	return m.Actor(), nil
}

// IssueToken makes an API bearer token for member id, labelled, that
// expires after ttl (0: the accounts' default of 90 days), and returns it;
// it is shown only once.
func (a *App) IssueToken(ctx context.Context, id, label string, ttl time.Duration) (string, accounts.Token, error) {
	if _, ok := a.Member(id); !ok {
		return "", accounts.Token{}, fourplusn.Errorf(fourplusn.NotFound, "no active member %q", id)
	}
	return a.Accounts.IssueToken(ctx, id, label, ttl)
}

// ResetPassword gives member id a new one-time password, which it
// returns, ending their sessions and tokens; a member who has no account
// yet gets one.
func (a *App) ResetPassword(ctx context.Context, id string) (string, error) {
	m, ok := a.Grid.Directory().Member(grid.MemberID(id))
	if !ok || m.Inactive {
		return "", fourplusn.Errorf(fourplusn.NotFound, "no active member %q", id)
	}
	otp, err := a.Accounts.Reset(ctx, id)
	if fourplusn.ErrorCode(err) == fourplusn.NotFound {
		return a.Accounts.Issue(ctx, id, string(m.Township))
	}
	return otp, err
}

// forbiddenWords are what a member's password may not be: their phone
// number and name.
func forbiddenWords(m grid.Member) []string { return []string{m.Phone, m.Name} }

// passwordRuleText says each rule a chosen password breaks in Chinese.
var passwordRuleText = map[accounts.Rule]string{
	accounts.RuleTooShort:  "新密码太短：至少 10 个字符。",
	accounts.RuleTooLong:   "新密码太长：最多 128 个字符。",
	accounts.RuleControl:   "新密码含有不能输入的控制字符。",
	accounts.RuleLogin:     "新密码不能是账号本身。",
	accounts.RulePersonal:  "新密码不能是您的手机号或姓名。",
	accounts.RuleCommon:    "新密码是最常被猜中的密码之一，请换一个。",
	accounts.RuleUnchanged: "新密码不能与原密码相同。",
}

// passwordProblems returns what is wrong with a chosen password, in
// Chinese, one line a broken rule, or nil when err says nothing of the
// rules.
func passwordProblems(err error) []string {
	var pe *accounts.PasswordError
	if !errors.As(err, &pe) {
		return nil
	}
	out := make([]string, len(pe.Rules))
	for i, r := range pe.Rules {
		out[i] = passwordRuleText[r]
	}
	return out
}

// lockedText says until when a login is locked, or "" when err is not a
// lock.
func lockedText(err error) string {
	var le *accounts.LockedError
	if !errors.As(err, &le) {
		return ""
	}
	return "密码错误次数过多，账号已暂时锁定至 " + le.Until.In(work.Zone).Format("15:04") + "，请稍后再试，或请管理员解锁。"
}
