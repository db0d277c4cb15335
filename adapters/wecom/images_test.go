package wecom_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/inbox"
	"github.com/fourplusn/fourplusn/adapters/wecom"
	"github.com/fourplusn/fourplusn/attachment"
)

// imageMessage is a member's image message in WeCom's documented format.
func imageMessage(from, picURL string, msgID int) string {
	return fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"+
		"<CreateTime>1669856400</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[%s]]></PicUrl>"+
		"<MediaId><![CDATA[media-%d]]></MediaId><MsgId>%d</MsgId><AgentID>1000002</AgentID></xml>", corpID, from, picURL, msgID, msgID)
}

// phonePhoto is a small JPEG with an EXIF block naming the camera, as a
// phone sends it.
func phonePhoto(t *testing.T) []byte {
	var b bytes.Buffer
	require.NoError(t, jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 32, 24)), nil))
	exif := append([]byte("Exif\x00\x00II*\x00\x08\x00\x00\x00\x00\x00"), "PhoneCam X1"...)
	seg := []byte{0xff, 0xe1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(exif)+2))
	jpg := b.Bytes()
	return append(append(append(append([]byte{}, jpg[:2]...), seg...), exif...), jpg[2:]...)
}

// pictures stands in for WeCom's picture hosts, counting the fetches.
func pictures(t *testing.T, body []byte) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// withImages gives s's handler the service to attach with and the
// pictures at srv's host.
func withImages(s setup, srv *httptest.Server) {
	u, _ := url.Parse(srv.URL)
	s.h.Attach, s.h.Images = s.env.Cases, wecom.PicURLs{Client: srv.Client(), Hosts: []string{u.Hostname()}}
}

// TestImageAttachedToSendersCase: a photo sent after an application is
// attached to the case it became, without its EXIF; sent again, it is
// answered as before and attached once.
func TestImageAttachedToSendersCase(t *testing.T) {
	forEngine(t, func(t *testing.T, s setup) {
		photo := phonePhoto(t)
		srv, fetches := pictures(t, photo)
		withImages(s, srv)
		_, _ = s.wc.post(textMessage("zhangsan", good, 7001), nil)

		status, reply := s.wc.post(imageMessage("zhangsan", srv.URL+"/pic/1.jpg", 7002), nil)
		require.Equal(t, http.StatusOK, status)
		assert.Equal(t, "照片已收到，已附在您的纠纷申请中。", reply)
		msgs, err := s.env.Inbox.List(ctx, inbox.Attached, 10)
		require.NoError(t, err)
		require.Len(t, msgs, 1)
		c, err := s.env.CaseStore.Get(ctx, msgs[0].Case)
		require.NoError(t, err)
		require.Len(t, c.Attachments, 1)
		assert.Equal(t, attachment.Photo, c.Attachments[0].Kind)
		assert.Equal(t, "gc-duty-1", c.Attachments[0].AddedBy)
		duty := s.env.Demo.Member("gc-duty-1").Actor()
		_, r, err := s.env.Cases.OpenAttachment(ctx, duty, c.ID, "1", false)
		require.NoError(t, err)
		kept, _ := io.ReadAll(r)
		r.Close()
		assert.NotContains(t, string(kept), "PhoneCam", "kept without its EXIF")
		require.NoError(t, s.env.Cases.CheckTimeline(ctx, duty, c.ID))

		_, again := s.wc.post(imageMessage("zhangsan", srv.URL+"/pic/1.jpg", 7002), nil)
		assert.Equal(t, reply, again, "sent again, answered as before")
		c, err = s.env.CaseStore.Get(ctx, c.ID)
		require.NoError(t, err)
		assert.Len(t, c.Attachments, 1, "and attached once")
		assert.Equal(t, int32(1), fetches.Load())
	})
}

// TestImageRefusals: a photo with no case to go to, from a host not
// WeCom's, or not a picture at all, is kept and answered, and attaches
// nothing.
func TestImageRefusals(t *testing.T) {
	forEngine(t, func(t *testing.T, s setup) {
		srv, fetches := pictures(t, []byte("<html><script>alert(1)</script></html>"))
		withImages(s, srv)

		_, reply := s.wc.post(imageMessage("lisi", srv.URL+"/pic/2.jpg", 8001), nil)
		assert.Contains(t, reply, "请先用文字发送", "no case yet: apply in text first")
		assert.Zero(t, fetches.Load(), "nothing fetched for a sender with no case")

		_, _ = s.wc.post(textMessage("lisi", good, 8002), nil)
		_, reply = s.wc.post(imageMessage("lisi", srv.URL+"/pic/3.jpg", 8003), nil)
		assert.Equal(t, "照片已收到，但无法附入您的申请：不是可以接收的照片格式。请重新拍照后发送。", reply)
		incomplete, err := s.env.Inbox.List(ctx, inbox.Incomplete, 10)
		require.NoError(t, err)
		require.Len(t, incomplete, 1)
		assert.Contains(t, incomplete[0].Error, "file:")

		_, reply = s.wc.post(imageMessage("lisi", "http://169.254.169.254/latest/meta-data", 8004), nil)
		assert.Contains(t, reply, "值班人员将为您附入申请", "a host not WeCom's is never fetched")
		failed, err := s.env.Inbox.List(ctx, inbox.Failed, 10)
		require.NoError(t, err)
		require.Len(t, failed, 1)
		assert.Contains(t, failed[0].Error, "not fetched")
		assert.Equal(t, int32(1), fetches.Load(), "only the picture at the allowed host was fetched")

		page, err := s.env.CaseStore.Get(ctx, incomplete[0].Case)
		require.NoError(t, err)
		assert.Empty(t, page.Attachments)
		assert.True(t, strings.HasPrefix(string(page.ID), "C"))
	})
}

func TestPicURLsHosts(t *testing.T) {
	p := wecom.PicURLs{Hosts: []string{"qpic.cn"}}
	for _, bad := range []string{"ftp://wework.qpic.cn/a", "http://qpic.cn.evil.example/a", "http://evilqpic.cn/a", "::", "http://localhost/a"} {
		_, err := p.Fetch(context.Background(), bad, "")
		assert.Error(t, err, bad)
	}
}

// TestPicURLsRedirect: a picture host that redirects elsewhere is not
// followed there: WeCom's address must not lead the server to one of the
// deployment's own.
func TestPicURLsRedirect(t *testing.T) {
	inside, reached := pictures(t, []byte("secret"))
	hop := httptest.NewServer(http.RedirectHandler(strings.Replace(inside.URL, "127.0.0.1", "localhost", 1)+"/admin", http.StatusFound))
	t.Cleanup(hop.Close)
	u, _ := url.Parse(hop.URL)
	p := wecom.PicURLs{Hosts: []string{u.Hostname()}}
	_, err := p.Fetch(context.Background(), hop.URL+"/pic.jpg", "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a host of WeCom's configured")
	assert.Zero(t, reached.Load())
}

// TestImageSlowHost: a picture host that does not answer in time fails
// the picture, not the message: WeCom is answered before it gives up.
func TestImageSlowHost(t *testing.T) {
	forEngine(t, func(t *testing.T, s setup) {
		stall := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write(phonePhoto(t)[:100])
			w.(http.Flusher).Flush()
			select {
			case <-stall:
			case <-r.Context().Done():
			}
		}))
		t.Cleanup(func() { close(stall); srv.Close() })
		withImages(s, srv)
		_, _ = s.wc.post(textMessage("wangwu", good, 9001), nil)
		start := time.Now()
		status, reply := s.wc.post(imageMessage("wangwu", srv.URL+"/pic/9.jpg", 9002), nil)
		assert.Less(t, time.Since(start), 5*time.Second, "answered before WeCom gives up")
		assert.Equal(t, http.StatusOK, status)
		assert.Contains(t, reply, "值班人员将为您附入申请")
		failed, err := s.env.Inbox.List(ctx, inbox.Failed, 10)
		require.NoError(t, err)
		require.Len(t, failed, 1)
		assert.Contains(t, failed[0].Error, "deadline")
	})
}
