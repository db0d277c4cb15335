package wecom_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/inbox"
	"github.com/fourplusn/fourplusn/adapters/notify/notifytest"
	"github.com/fourplusn/fourplusn/adapters/wecom"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

var ctx = context.Background()

// The stand-in enterprise's callback settings.
const (
	token  = "fourplusnToken"
	aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	corpID = "ww0123456789abcdef"
)

// weCom stands in for WeCom's servers: it encrypts and signs messages as
// WeCom's callback protocol documents and posts them to the callback URL.
type weCom struct {
	t      *testing.T
	crypto *wecom.Crypto
	url    string
	mu     sync.Mutex
	nonce  int
}

// textMessage is a member's text message in WeCom's documented format.
func textMessage(from, content string, msgID int) string {
	return fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"+
		"<CreateTime>1669856400</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content>"+
		"<MsgId>%d</MsgId><AgentID>1000002</AgentID></xml>", corpID, from, content, msgID)
}

// post sends plain as WeCom would and returns the status and the
// decrypted reply ("" when the answer is empty).
func (w *weCom) post(plain string, signature func(string) string) (int, string) {
	t := w.t
	t.Helper()
	enc, err := w.crypto.Encrypt([]byte(plain))
	require.NoError(t, err)
	w.mu.Lock()
	w.nonce++
	ts, nonce := "1669856400", fmt.Sprint(1000+w.nonce)
	w.mu.Unlock()
	sig := wecom.Signature(token, ts, nonce, enc)
	if signature != nil {
		sig = signature(sig)
	}
	body := fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><Encrypt><![CDATA[%s]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>", corpID, enc)
	q := url.Values{"msg_signature": {sig}, "timestamp": {ts}, "nonce": {nonce}}
	resp, err := http.Post(w.url+"?"+q.Encode(), "text/xml", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if resp.StatusCode != http.StatusOK || len(answer) == 0 {
		return resp.StatusCode, ""
	}
	var env struct {
		Encrypt      string `xml:"Encrypt"`
		MsgSignature string `xml:"MsgSignature"`
		TimeStamp    string `xml:"TimeStamp"`
		Nonce        string `xml:"Nonce"`
	}
	require.NoError(t, xml.Unmarshal(answer, &env))
	require.NoError(t, w.crypto.Verify(env.MsgSignature, env.TimeStamp, env.Nonce, env.Encrypt), "the reply is signed")
	plainReply, err := w.crypto.Decrypt(env.Encrypt)
	require.NoError(t, err)
	var reply struct {
		ToUserName string `xml:"ToUserName"`
		MsgType    string `xml:"MsgType"`
		Content    string `xml:"Content"`
	}
	require.NoError(t, xml.Unmarshal(plainReply, &reply))
	assert.Equal(t, "text", reply.MsgType)
	return resp.StatusCode, reply.Content
}

type setup struct {
	env *notifytest.Env
	wc  *weCom
	h   *wecom.Handler
}

func newSetup(t *testing.T, env *notifytest.Env) setup {
	h, err := wecom.New(wecom.Config{Token: token, EncodingAESKey: aesKey, CorpID: corpID},
		env.Inbox, env.Cases, wecom.TreePlaces{Tree: func() *grid.Tree { return env.Demo.Tree }}, wecom.Member(env.Demo.Member("gc-duty-1").Actor()))
	require.NoError(t, err)
	h.Now, h.Log = env.Clock.Now, slog.New(slog.DiscardHandler)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := wecom.NewCrypto(token, aesKey, corpID)
	require.NoError(t, err)
	return setup{env: env, wc: &weCom{t: t, crypto: c, url: srv.URL}, h: h}
}

func forEngine(t *testing.T, fn func(t *testing.T, s setup)) {
	notifytest.Run(t, func(t *testing.T, env *notifytest.Env) { fn(t, newSetup(t, env)) })
}

const good = "姓名：章某某\n电话：13800138000\n对方：李某\n地点：马园一组\n事情：邻居砌墙占了通道，双方发生争吵"

// TestGroupMessageBecomesCase: a text message becomes a case on the WeCom
// channel, first received by the intake member, and the reply carries its
// tracking code; WeCom sending the message again changes nothing.
func TestGroupMessageBecomesCase(t *testing.T) {
	forEngine(t, func(t *testing.T, s setup) {
		status, reply := s.wc.post(textMessage("zhangsan", good, 7001), nil)
		require.Equal(t, http.StatusOK, status)
		msgs, err := s.env.Inbox.List(ctx, inbox.Registered, 10)
		require.NoError(t, err)
		require.Len(t, msgs, 1)
		m := msgs[0]
		assert.Contains(t, reply, "跟踪码："+m.Tracking)
		assert.Equal(t, "7001", m.SourceID)
		assert.Equal(t, "zhangsan", m.Sender)
		assert.Contains(t, m.Body, "13800138000", "the message is kept as it came")

		c, err := s.env.CaseStore.GetByTrackingCode(ctx, m.Tracking)
		require.NoError(t, err)
		assert.Equal(t, m.Case, c.ID)
		assert.Equal(t, work.ChannelWeCom, c.Channel)
		assert.Equal(t, "gc-duty-1", c.FirstResponder)
		assert.Equal(t, s.env.Demo.Path("mayuan-1"), c.Location)
		assert.Equal(t, mediation.Homestead, c.Category)
		assert.Equal(t, "13800138000", c.Applicants[0].Phone)
		assert.Equal(t, "李某", c.Respondents[0].Name)

		status, again := s.wc.post(textMessage("zhangsan", good, 7001), nil)
		require.Equal(t, http.StatusOK, status)
		assert.Equal(t, reply, again, "a message sent again is answered as before")
		page, err := s.env.CaseStore.List(ctx, mediation.Filter{Township: "gucheng", Within: nil, FirstResponder: "gc-duty-1"})
		require.NoError(t, err)
		assert.Len(t, page.Cases, 1, "and registered once")
	})
}

// TestMalformedMessage: a message lacking fields is stored and answered
// with what is missing; a non-text message is stored and answered too.
func TestMalformedMessage(t *testing.T) {
	forEngine(t, func(t *testing.T, s setup) {
		status, reply := s.wc.post(textMessage("lisi", "我家隔壁天天半夜噪音扰民 13800138003", 7002), nil)
		require.Equal(t, http.StatusOK, status)
		assert.Contains(t, reply, "姓名")
		assert.Contains(t, reply, "对方姓名")
		assert.Contains(t, reply, "事发地点")
		assert.NotContains(t, reply, "手机号码、", "the number was given")
		msgs, err := s.env.Inbox.List(ctx, inbox.Incomplete, 10)
		require.NoError(t, err)
		require.Len(t, msgs, 1)
		assert.Equal(t, []string{wecom.FieldName, wecom.FieldRespondent, wecom.FieldPlace}, msgs[0].Missing)
		assert.Contains(t, msgs[0].Body, "噪音扰民")
		assert.Empty(t, msgs[0].Case)

		image := fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[lisi]]></FromUserName><CreateTime>1669856400</CreateTime>"+
			"<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://127.0.0.1/p.jpg]]></PicUrl><MediaId><![CDATA[m1]]></MediaId><MsgId>7003</MsgId><AgentID>1000002</AgentID></xml>", corpID)
		status, reply = s.wc.post(image, nil)
		require.Equal(t, http.StatusOK, status)
		assert.Contains(t, reply, "请用文字")
		msgs, err = s.env.Inbox.List(ctx, inbox.Unsupported, 10)
		require.NoError(t, err)
		require.Len(t, msgs, 1)
		assert.Contains(t, msgs[0].Body, "m1")
	})
}

// TestOutsidePlace: a place the grid does not know is registered as outside
// the township, under first-inquiry responsibility, not refused.
func TestOutsidePlace(t *testing.T) {
	forEngine(t, func(t *testing.T, s setup) {
		text := strings.Replace(good, "马园一组", "朗陵村委朱里庄", 1)
		status, reply := s.wc.post(textMessage("wangwu", text, 7004), nil)
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, reply, "跟踪码")
		msgs, err := s.env.Inbox.List(ctx, inbox.Registered, 10)
		require.NoError(t, err)
		require.Len(t, msgs, 1)
		c, err := s.env.CaseStore.Get(ctx, msgs[0].Case)
		require.NoError(t, err)
		assert.True(t, c.OutOfJurisdiction())
		assert.Equal(t, "朗陵村委朱里庄", c.Outside)
	})
}

// TestRefused: a message with a wrong signature, or not from WeCom at all,
// is refused and not stored.
func TestRefused(t *testing.T) {
	forEngine(t, func(t *testing.T, s setup) {
		status, _ := s.wc.post(textMessage("mallory", good, 7005), func(string) string { return strings.Repeat("0", 40) })
		assert.Equal(t, http.StatusUnauthorized, status)
		resp, err := http.Post(s.wc.url+"?msg_signature=x&timestamp=1&nonce=2", "text/xml", strings.NewReader("not xml"))
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		for _, st := range []inbox.Status{inbox.Received, inbox.Registered, inbox.Incomplete, inbox.Unsupported, inbox.Failed} {
			msgs, err := s.env.Inbox.List(ctx, st, 10)
			require.NoError(t, err)
			assert.Empty(t, msgs, st)
		}
	})
}

// TestVerifyURL answers WeCom's URL verification with the decrypted
// echostr, here the published sample's, and refuses a wrong signature.
func TestVerifyURL(t *testing.T) {
	env := notifytest.Engines()[0].New(t)
	h, err := wecom.New(wecom.Config{Token: "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo", EncodingAESKey: "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt", CorpID: "ww1436e0e65a779aee"},
		env.Inbox, env.Cases, wecom.TreePlaces{Tree: func() *grid.Tree { return env.Demo.Tree }}, wecom.Member(env.Demo.Member("gc-duty-1").Actor()))
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	q := url.Values{
		"msg_signature": {"012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb"}, "timestamp": {"1476416373"}, "nonce": {"47744683"},
		"echostr": {"fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA=="},
	}
	resp, err := http.Get(srv.URL + "?" + q.Encode())
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "1288432023552776189", string(body))

	q.Set("nonce", "47744684")
	resp, err = http.Get(srv.URL + "?" + q.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}
