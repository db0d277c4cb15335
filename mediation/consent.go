package mediation

import (
	"fmt"
	"time"

	"github.com/fourplusn/fourplusn/work"
)

// RetentionYears is how long a case's file, and the personal data in it,
// is kept after the case is closed: the term a people's mediation
// committee keeps its case files (卷宗) for. The privacy notice tells
// residents this term; change both together.
const RetentionYears = 10

// PrivacyNotice is a version of the notice on the processing of personal
// information (个人信息处理告知) that a resident reads, and consents to,
// before applying online, as the Personal Information Protection Law
// (arts. 14 and 17) requires. A new text is a new version: a consent
// names the version it was given to.
type PrivacyNotice struct {
	Version string
	Title   string
	Text    string // paragraphs separated by blank lines
}

// CurrentPrivacyNotice is the notice online applications are consented
// to now. An application that consents to another version is refused
// (see Consent.Check), so that no one is taken to accept a text they did
// not see.
var CurrentPrivacyNotice = PrivacyNotice{
	Version: "2026-12-01",
	Title:   "个人信息处理告知",
	Text: fmt.Sprintf(`收集哪些信息：您的姓名、手机号码，您填写的身份证号码和住址，以及纠纷的事实和请求；对方当事人的同类信息，以您填写的为限。

为什么收集：用于登记、受理和调解您申请的矛盾纠纷（《中华人民共和国人民调解法》），并通过查询码和手机告知您办理进展。不用于其他目的。

谁能看到：负责办理该纠纷的网格的工作人员，以及参与本案调解的"4+N"团队成员（公安、司法、网格、人民调解委员会及受邀的其他单位）。其他人员只能看到遮挡后的信息（如 138****1234）。

保存多久：随案件卷宗保存，至结案后 %d 年，期满后删除或匿名化。

您的权利：您可以查阅、复制、更正、删除您的个人信息，或撤回同意（撤回不影响撤回前已进行的处理，但可能无法继续办理）。请凭查询码向受理您申请的人民调解委员会或办事处值班室提出，工作人员将在 15 个工作日内答复。`, RetentionYears),
}

// Consent is a resident's consent to a privacy notice, as recorded with
// their online application: to which version, when, and through which
// channel it was given.
type Consent struct {
	Version string
	At      time.Time
	Channel work.Channel
}

// Check reports whether c consents to the current notice, naming the
// field "consent" when it does not: an online application must carry it.
func (c Consent) Check() error {
	switch c.Version {
	case "":
		return invalid("consent", "an online application must consent to the privacy notice (个人信息处理告知) version %s", CurrentPrivacyNotice.Version)
	case CurrentPrivacyNotice.Version:
		return nil
	}
	return invalid("consent", "consent was given to privacy notice version %q; read and consent to the current version %s", c.Version, CurrentPrivacyNotice.Version)
}
