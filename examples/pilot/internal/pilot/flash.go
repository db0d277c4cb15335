package pilot

import (
	"net/http"
	"net/url"

	"github.com/fourplusn/fourplusn/mediation"
)

// Every action confirms itself: the page it redirects to shows, once,
// what was done and what happens next (成功提示). The sentence travels in
// a short-lived cookie, so that the address stays the page's own and a
// reload neither repeats the action nor the message.

// flashCookie holds the sentence the next page shows once.
const flashCookie = "fpn_flash"

// done redirects to the page at to (post/redirect/get), which shows msg
// once.
func done(w http.ResponseWriter, r *http.Request, to, msg string) {
	http.SetCookie(w, &http.Cookie{
		Name: flashCookie, Value: url.QueryEscape(msg), Path: "/", MaxAge: 60,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: isHTTPS(r),
	})
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// takeFlash returns the sentence r's page is to show, if any, and clears
// it so that the next page does not show it again.
func takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: isHTTPS(r)})
	msg, err := url.QueryUnescape(c.Value)
	if err != nil {
		return ""
	}
	return msg
}

// caseDone says in Chinese what action did to c and what happens next:
// "已分派至马园村委，等待其受理。".
func (a *App) caseDone(action string, c *mediation.Case) string {
	handling := a.CellName(c.Handling)
	switch action {
	case "accept":
		return "已受理，办结时限 " + when(c.ResolveDue) + "。下一步：组织调解，加入调解团队并记录调解情况。"
	case "transfer":
		return "已分派至" + handling + "，等待其受理。"
	case "join":
		return "已加入调解团队。下一步：记录调解情况。"
	case "session":
		return "调解记录已保存。当前：" + a.caseTurn(c) + "。"
	case "plan":
		return "调解会已安排。下一步：下载日历邀请（.ics），发给受邀人员。"
	case "cancel-session":
		return "调解会已取消。请把取消通知（.ics）发给受邀人员。"
	case "draft", "supersede":
		return "协议稿已保存。下一步：打印协议书，由当事人签署后登记签署。"
	case "signing":
		if c.Draft == nil {
			return "签署已登记，协议生效。下一步：回访履行情况。"
		}
		return "签署已登记，尚有当事人未签署。"
	case "oral":
		return "口头协议已登记。下一步：回访履行情况。"
	case "correct":
		return "更正已保存，时间线记下了更正前后的内容。"
	case "rights":
		return "权利义务告知已登记。"
	case "followup":
		if c.Reopenable() {
			return "回访已记录：协议未履行或有当事人不满意，可重新调解，也可补齐卷宗后结案。"
		}
		return "回访已记录。下一步：补齐卷宗后结案。"
	case "reopen":
		return "已重新进入调解，办结时限至 " + when(c.ResolveDue) + "。"
	case "close":
		return "已结案，卷宗归档。"
	case "escalate":
		if c.Escalation != nil {
			return "已呈报" + a.CellName(c.Escalation.To) + "，等待其审核。"
		}
	case "suspend":
		return "已中止调解。等待当事人期间，办结时限不计；当事人到场后请恢复调解。"
	case "resume":
		return "已恢复调解，办结时限顺延至 " + when(c.ResolveDue) + "。"
	case "approve":
		return "已接手，现由" + handling + "办理。当前：" + a.caseTurn(c) + "。"
	case "return":
		return "已退回" + handling + "，由其继续办理。"
	}
	return "已保存。当前：" + a.caseTurn(c) + "。"
}
