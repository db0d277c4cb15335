package main

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/wecom"
)

// The pilot's watch, configured as a township would through the
// environment: a message to the WeCom application's callback becomes a
// case whose tracking code is the reply, and the notification of the new
// application reaches the township's webhook, signed.
func TestWatch(t *testing.T) {
	bin := buildPilot(t)
	const (
		token  = "pilotToken"
		aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
		corpID = "ww0123456789abcdef"
	)
	var mu sync.Mutex
	var received []*http.Request
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		received = append(received, r)
		mu.Unlock()
	}))
	defer hook.Close()
	t.Setenv("PILOT_WECOM_TOKEN", token)
	t.Setenv("PILOT_WECOM_AES_KEY", aesKey)
	t.Setenv("PILOT_WECOM_CORP_ID", corpID)
	t.Setenv("PILOT_WEBHOOK_URL", hook.URL)
	t.Setenv("PILOT_WEBHOOK_SECRET", "hook-secret")
	p := start(t, bin, t.TempDir(), "-demo")
	defer p.stop(t)

	c, err := wecom.NewCrypto(token, aesKey, corpID)
	require.NoError(t, err)
	msg := fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName>"+
		"<CreateTime>1669856400</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content>"+
		"<MsgId>7001</MsgId><AgentID>1000002</AgentID></xml>", corpID,
		"姓名：章某某\n电话：13800138000\n对方：李某\n地点：马园一组\n事情：邻居砌墙占了通道，双方发生争吵")
	enc, err := c.Encrypt([]byte(msg))
	require.NoError(t, err)
	ts, nonce := "1669856400", "1001"
	q := url.Values{"msg_signature": {wecom.Signature(token, ts, nonce, enc)}, "timestamp": {ts}, "nonce": {nonce}}
	body := fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><Encrypt><![CDATA[%s]]></Encrypt></xml>", corpID, enc)
	resp, err := http.Post(p.url+"wecom/callback?"+q.Encode(), "text/xml", strings.NewReader(body))
	require.NoError(t, err)
	answer, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", answer)
	var env struct {
		Encrypt string `xml:"Encrypt"`
	}
	require.NoError(t, xml.Unmarshal(answer, &env))
	plain, err := c.Decrypt(env.Encrypt)
	require.NoError(t, err)
	assert.Contains(t, string(plain), "跟踪码")

	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(received) > 0
	}, 30*time.Second, 100*time.Millisecond, "the new application's notification reaches the webhook")
	mu.Lock()
	defer mu.Unlock()
	assert.NotEmpty(t, received[0].Header.Get("X-Fourplusn-Signature"), "signed with the township's secret")
}
