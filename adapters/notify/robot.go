package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/work"
)

// RobotURL is where WeCom's group robots take messages; a robot is chosen
// by its key.
const RobotURL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"

// The limits of a robot's messages, in bytes of UTF-8.
const (
	maxRobotText     = 2048
	maxRobotMarkdown = 4096
)

// robotInvalidKey is WeCom's error code for a robot key that is not valid,
// or a robot removed from its group: no retry will cure it.
const robotInvalidKey = 93000

// Robot posts messages to a WeCom group (企业微信群) through the group's
// robot (群机器人) webhook. A text message mentions its contacts by mobile
// number (mentioned_mobile_list), so that WeCom notifies each of them in
// the group. WeCom's markdown messages cannot mention mobile numbers, so
// with Markdown set a message with nobody to mention goes as markdown and
// one with contacts still goes as text: reaching the person is the point.
type Robot struct {
	// URL is the robot's webhook with its key,
	// RobotURL + "?key=…"; tests point it at a local server.
	URL      string
	Markdown bool
	Client   *http.Client
}

// NewRobot returns a Robot for the robot with key. Returns Invalid for an
// empty key.
func NewRobot(key string) (*Robot, error) {
	if strings.TrimSpace(key) == "" {
		return nil, fourplusn.FieldError("key", "required: the robot's webhook key")
	}
	return &Robot{URL: RobotURL + "?key=" + url.QueryEscape(key), Client: &http.Client{Timeout: 10 * time.Second}}, nil
}

// Name returns "wecom_robot".
func (r *Robot) Name() string { return "wecom_robot" }

// robotText and robotMarkdown are WeCom's documented message bodies.
type robotText struct {
	Content             string   `json:"content"`
	MentionedMobileList []string `json:"mentioned_mobile_list,omitempty"`
}

type robotMarkdown struct {
	Content string `json:"content"`
}

type robotMessage struct {
	MsgType  string         `json:"msgtype"`
	Text     *robotText     `json:"text,omitempty"`
	Markdown *robotMarkdown `json:"markdown,omitempty"`
}

// robotAnswer is WeCom's answer: errcode 0 is success, whatever the HTTP
// status says.
type robotAnswer struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// Notify posts m to the group. A message to a resident's own phone
// (work.Recipient.Phone) is not the group's to read — it holds their
// tracking codes — so Notify drops it and reports it delivered. WeCom answers 200 with an error code;
// code 93000 (invalid key, robot removed) is Permanent, any other non-zero
// code — 45009 for the robot's limit of 20 messages a minute among them —
// is retried.
func (r *Robot) Notify(ctx context.Context, m Message) error {
	if ToResident(m.Notice) {
		return nil
	}
	body, err := json.Marshal(RobotBody(m, r.Markdown))
	if err != nil {
		return Permanent(fmt.Errorf("encode: %w", err))
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	answer, err := post(ctx, r.Client, r.URL, h, body)
	if err != nil {
		return err
	}
	var a robotAnswer
	if err := json.Unmarshal(answer, &a); err != nil {
		return fmt.Errorf("robot answered something other than JSON: %w", err)
	}
	switch a.ErrCode {
	case 0:
		return nil
	case robotInvalidKey:
		return Permanent(fmt.Errorf("robot key refused: %d %s", a.ErrCode, a.ErrMsg))
	}
	return fmt.Errorf("robot refused the message: %d %s", a.ErrCode, a.ErrMsg)
}

// RobotBody returns the robot message m becomes: markdown if asked for and
// there is nobody to mention, otherwise text with the contacts' mobile
// numbers as mentions. Contents are cut to WeCom's limits.
func RobotBody(m Message, markdown bool) any {
	var phones []string
	for _, c := range m.Contacts {
		if c.Phone != "" {
			phones = append(phones, c.Phone)
		}
	}
	if markdown && len(phones) == 0 {
		content := "### " + m.Title + "\n" + m.Text
		if m.Kind == work.NoticeAlert || m.Kind == work.NoticeOverdue {
			content = `### <font color="warning">` + m.Title + "</font>\n" + m.Text
		}
		return robotMessage{MsgType: "markdown", Markdown: &robotMarkdown{Content: cut(content, maxRobotMarkdown)}}
	}
	return robotMessage{MsgType: "text", Text: &robotText{Content: cut(m.Title+"\n"+m.Text, maxRobotText), MentionedMobileList: phones}}
}

// cut returns s cut to at most n bytes, at a character boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
