package wecom

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/inbox"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// Registrar registers cases; *mediation.Service is one.
type Registrar interface {
	Register(ctx context.Context, actor grid.Actor, in mediation.Intake) (*mediation.Case, error)
}

// Config is a WeCom application's callback settings, as its admin console
// shows them (应用管理 → 接收消息 → 设置API接收).
type Config struct {
	Token          string // Token
	EncodingAESKey string // EncodingAESKey, 43 characters
	CorpID         string // the enterprise's CorpID, which every message names as its receiver
	// Channel is what applications count as: work.ChannelWeCom for a
	// WeCom application, work.ChannelWeChat for one that relays a
	// community or village WeChat group. Zero means ChannelWeCom.
	Channel work.Channel
}

// Handler is a WeCom application's callback URL; see the package comment.
type Handler struct {
	Crypto  *Crypto
	Inbox   inbox.Store
	Cases   Registrar
	Places  Places
	Channel work.Channel
	// Actor returns the member a message from sender is registered by,
	// who becomes the case's first responder: one intake member for every
	// sender, such as the watch's duty officer, or, in a deployment that
	// knows its members' WeCom user IDs, the sender's own.
	Actor func(ctx context.Context, sender string) (grid.Actor, error)
	// Attach and Images, when both are set, take image messages: the
	// picture is fetched, made fit to keep (attachment.Sanitize) and
	// attached to the case its sender last applied with, by the member
	// Actor names. Without them an image is answered with a request for
	// text, as any other message that is not text.
	Attach Attacher
	Images Images
	// Now returns the current time; tests replace it with a fake clock.
	Now func() time.Time
	Log *slog.Logger
}

// New returns a Handler for cfg that stores every message in box,
// registers cases through cases as the member actor names for the message's
// sender (see Handler.Actor), and finds places through places. Returns
// Invalid, naming the setting, for a bad token, key or channel.
func New(cfg Config, box inbox.Store, cases Registrar, places Places, actor func(ctx context.Context, sender string) (grid.Actor, error)) (*Handler, error) {
	c, err := NewCrypto(cfg.Token, cfg.EncodingAESKey, cfg.CorpID)
	if err != nil {
		return nil, err
	}
	ch := cfg.Channel
	switch ch {
	case 0:
		ch = work.ChannelWeCom
	case work.ChannelWeCom, work.ChannelWeChat:
	default:
		return nil, fourplusn.FieldError("channel", "a WeCom callback takes WeCom or WeChat messages, not %s", ch)
	}
	if actor == nil {
		return nil, fourplusn.FieldError("intake", "messages are registered by a member")
	}
	return &Handler{
		Crypto: c, Inbox: box, Cases: cases, Places: places, Channel: ch, Actor: actor,
		Now: time.Now, Log: slog.Default(),
	}, nil
}

// Member returns the Handler.Actor of a deployment whose every message
// is registered by one member, such as the watch's duty officer.
func Member(intake grid.Actor) func(context.Context, string) (grid.Actor, error) {
	return func(context.Context, string) (grid.Actor, error) { return intake, nil }
}

// maxBody bounds a callback's body: WeCom's messages are a few kilobytes.
const maxBody = 64 << 10

// ServeHTTP answers WeCom: GET verifies the URL, POST delivers a message.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sig, ts, nonce := q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce")
	switch r.Method {
	case http.MethodGet:
		h.verifyURL(w, r, sig, ts, nonce, q.Get("echostr"))
	case http.MethodPost:
		h.receive(w, r, sig, ts, nonce)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// verifyURL answers the URL verification WeCom makes when the callback is
// saved: the decrypted echostr, in plain text.
func (h *Handler) verifyURL(w http.ResponseWriter, r *http.Request, sig, ts, nonce, echo string) {
	if err := h.Crypto.Verify(sig, ts, nonce, echo); err != nil {
		http.Error(w, "signature mismatch", http.StatusUnauthorized)
		return
	}
	plain, err := h.Crypto.Decrypt(echo)
	if err != nil {
		h.Log.WarnContext(r.Context(), "wecom: cannot decrypt echostr", "err", err)
		http.Error(w, "cannot decrypt echostr", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(plain)
}

// envelope is what WeCom posts: the encrypted message.
type envelope struct {
	ToUserName string `xml:"ToUserName"`
	AgentID    string `xml:"AgentID"`
	Encrypt    string `xml:"Encrypt"`
}

// incoming is a decrypted message, text or otherwise.
type incoming struct {
	ToUserName   string `xml:"ToUserName"`
	FromUserName string `xml:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime"`
	MsgType      string `xml:"MsgType"`
	Content      string `xml:"Content"`
	PicURL       string `xml:"PicUrl"`
	MediaID      string `xml:"MediaId"`
	MsgID        string `xml:"MsgId"`
	AgentID      string `xml:"AgentID"`
}

// receive stores a message, handles it, and answers with an encrypted
// passive reply, or with nothing for a message that needs none.
func (h *Handler) receive(w http.ResponseWriter, r *http.Request, sig, ts, nonce string) {
	ctx := r.Context()
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		http.Error(w, "body unreadable or too large", http.StatusRequestEntityTooLarge)
		return
	}
	var env envelope
	if err := xml.Unmarshal(body, &env); err != nil || env.Encrypt == "" {
		http.Error(w, "not a WeCom callback message", http.StatusBadRequest)
		return
	}
	if err := h.Crypto.Verify(sig, ts, nonce, env.Encrypt); err != nil {
		http.Error(w, "signature mismatch", http.StatusUnauthorized)
		return
	}
	plain, err := h.Crypto.Decrypt(env.Encrypt)
	if err != nil {
		h.Log.WarnContext(ctx, "wecom: cannot decrypt a signed message", "err", err)
		http.Error(w, "cannot decrypt", http.StatusBadRequest)
		return
	}
	var in incoming
	readable := xml.Unmarshal(plain, &in) == nil
	m := inbox.Message{
		ID: newID(h.Now()), Channel: h.Channel, SourceID: in.MsgID, Sender: in.FromUserName,
		Received: h.Now().UTC(), Body: string(plain), Status: inbox.Received,
	}
	if m.SourceID == "" {
		// Events and unreadable messages have no MsgId: the same bytes
		// sent again are the same message.
		sum := sha256.Sum256(plain)
		m.SourceID = "sha256:" + hex.EncodeToString(sum[:])
	}
	stored, fresh, err := h.Inbox.Receive(ctx, m)
	if err != nil {
		// Not stored, so not answered: WeCom sends it again.
		h.Log.ErrorContext(ctx, "wecom: cannot store a message", "err", err)
		http.Error(w, "cannot store the message", http.StatusServiceUnavailable)
		return
	}
	if !fresh && stored.Status != inbox.Received {
		h.reply(w, r, in, stored.Reply, ts, nonce) // WeCom sent it again: answer as before
		return
	}
	stored = h.handle(ctx, stored, in, readable)
	if err := h.Inbox.Settle(ctx, stored); err != nil {
		h.Log.ErrorContext(ctx, "wecom: cannot record what became of a message", "id", stored.ID, "err", err)
	}
	h.reply(w, r, in, stored.Reply, ts, nonce)
}

// handle turns a stored message into a case if it can, and returns it with
// what became of it and the reply to send.
func (h *Handler) handle(ctx context.Context, m inbox.Message, in incoming, readable bool) inbox.Message {
	if readable && in.MsgType == "image" && h.Attach != nil && h.Images != nil {
		return h.attachImage(ctx, m, in)
	}
	if !readable || in.MsgType != "text" {
		m.Status = inbox.Unsupported
		if readable && in.MsgType != "event" {
			m.Reply = "您的消息已收到。请用文字发送：姓名、电话、地点和事情经过，以便登记。"
		}
		return m
	}
	actor, err := h.Actor(ctx, in.FromUserName)
	if err != nil {
		return h.failed(ctx, m, fmt.Errorf("no member registers messages from %q: %w", in.FromUserName, err))
	}
	app, missing := Parse(in.Content)
	intake := mediation.Intake{
		Channel: h.Channel, Category: app.Category, Risks: app.Risks, Facts: app.Facts,
		Applicants:     []mediation.Party{{Name: app.Name, Phone: app.Phone}},
		Respondents:    []mediation.Party{{Name: app.Respondent}},
		IdempotencyKey: "wecom:" + m.SourceID,
	}
	text := app.Place
	if text == "" {
		text = in.Content // a place named without a label
	}
	if cell, ok := h.Places.Find(ctx, actor.Township, text); ok {
		intake.Location = cell
		missing = without(missing, FieldPlace)
	} else if app.Place != "" {
		// A place the grid does not know: first-inquiry responsibility
		// registers it as outside the township rather than refuse it.
		intake.Outside = app.Place
	}
	if len(missing) > 0 {
		m.Status, m.Missing, m.Reply = inbox.Incomplete, missing, askFor(missing)
		return m
	}
	c, err := h.Cases.Register(ctx, actor, intake)
	if fourplusn.ErrorCode(err) == fourplusn.Invalid {
		m.Status, m.Error = inbox.Incomplete, err.Error()
		m.Reply = "您的消息已收到，但还不能登记：" + fieldProblem(fourplusn.ErrorField(err)) + "请核对后重新发送。"
		return m
	}
	if err != nil {
		return h.failed(ctx, m, err)
	}
	m.Status, m.Case, m.Tracking = inbox.Registered, c.ID, c.TrackingCode
	m.Reply = fmt.Sprintf("您的纠纷申请已登记，跟踪码：%s。请保存跟踪码，凭它查询办理进度；工作人员会尽快与您联系。", c.TrackingCode)
	return m
}

// failed records that registering m failed through no fault of its text.
func (h *Handler) failed(ctx context.Context, m inbox.Message, err error) inbox.Message {
	h.Log.ErrorContext(ctx, "wecom: cannot register a message", "id", m.ID, "err", err)
	m.Status, m.Error = inbox.Failed, err.Error()
	m.Reply = "您的消息已收到并保存，值班人员将为您人工登记，请稍候。"
	return m
}

// fieldProblem says in words which part of an application the domain
// refused.
func fieldProblem(field string) string {
	switch {
	case field == "":
		return ""
	case containsAny(field, []string{"respondents"}):
		return "对方姓名有误（如过长）。"
	case containsAny(field, []string{"name"}):
		return "姓名有误（如过长）。"
	case containsAny(field, []string{"phone"}):
		return "手机号码有误。"
	case containsAny(field, []string{"facts"}):
		return "事情经过有误（如过长）。"
	case containsAny(field, []string{"outside", "location"}):
		return "地点有误。"
	}
	return "信息有误（" + field + "）。"
}

// replyMessage is a passive text reply, before encryption.
type replyMessage struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   cdata    `xml:"ToUserName"`
	FromUserName cdata    `xml:"FromUserName"`
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      cdata    `xml:"MsgType"`
	Content      cdata    `xml:"Content"`
}

// replyEnvelope is the encrypted reply WeCom expects.
type replyEnvelope struct {
	XMLName      xml.Name `xml:"xml"`
	Encrypt      cdata    `xml:"Encrypt"`
	MsgSignature cdata    `xml:"MsgSignature"`
	TimeStamp    string   `xml:"TimeStamp"`
	Nonce        cdata    `xml:"Nonce"`
}

type cdata struct {
	Text string `xml:",cdata"`
}

// reply answers with text, encrypted and signed, or with an empty body
// when there is nothing to say.
func (h *Handler) reply(w http.ResponseWriter, r *http.Request, in incoming, text, ts, nonce string) {
	if text == "" {
		w.WriteHeader(http.StatusOK)
		return
	}
	plain, err := xml.Marshal(replyMessage{
		ToUserName: cdata{in.FromUserName}, FromUserName: cdata{in.ToUserName}, CreateTime: h.Now().Unix(),
		MsgType: cdata{"text"}, Content: cdata{text},
	})
	if err == nil {
		var enc string
		if enc, err = h.Crypto.Encrypt(plain); err == nil {
			if ts == "" {
				ts = strconv.FormatInt(h.Now().Unix(), 10)
			}
			plain, err = xml.Marshal(replyEnvelope{
				Encrypt: cdata{enc}, MsgSignature: cdata{Signature(h.Crypto.token, ts, nonce, enc)},
				TimeStamp: ts, Nonce: cdata{nonce},
			})
		}
	}
	if err != nil {
		h.Log.ErrorContext(r.Context(), "wecom: cannot encrypt a reply", "err", err)
		w.WriteHeader(http.StatusOK) // the message is stored; only the answer is lost
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Write(plain)
}

func without(fields []string, f string) []string {
	out := fields[:0:0]
	for _, x := range fields {
		if x != f {
			out = append(out, x)
		}
	}
	return out
}

// newID returns a message ID that sorts in the order messages arrived.
func newID(now time.Time) string {
	var b [5]byte
	rand.Read(b[:])
	return now.UTC().Format("20060102150405.000000") + hex.EncodeToString(b[:])
}
