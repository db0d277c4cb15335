package notify_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/notify"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

func intake(location grid.CellID, ch work.Channel, risks mediation.RiskFlags) mediation.Intake {
	return mediation.Intake{
		Channel: ch, Category: mediation.Neighbour, Location: location, Risks: risks,
		Applicants:  []mediation.Party{{Name: "章某", Phone: "13800138000"}},
		Respondents: []mediation.Party{{Name: "李某"}}, Facts: "邻居占道",
	}
}

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// TestResolve resolves recipients to the people holding the posts now.
func TestResolve(t *testing.T) {
	demo := gridtest.Gucheng()
	policy := grid.DefaultPolicy()
	ids := func(cs []notify.Contact) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Member)
		}
		return out
	}
	tests := []struct {
		name string
		to   []work.Recipient
		want []string
	}{
		{"duty officers", []work.Recipient{work.ToDuty(gridtest.GuchengID)}, []string{"gc-duty-1", "gc-duty-2"}},
		{"posts of a cell that may accept", []work.Recipient{work.ToPosts(demo.Path("mayuan"), grid.Accept)}, []string{"mayuan-head", "mayuan-police"}},
		{"a member, once however often named", []work.Recipient{work.ToMember("mayuan-head"), work.ToPosts(demo.Path("mayuan"), grid.Accept)}, []string{"mayuan-head", "mayuan-police"}},
		{"nobody holds it", []work.Recipient{work.ToMember("nobody")}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := notify.Resolve(tt.to, demo.Members, policy)
			require.NoError(t, err)
			assert.Equal(t, tt.want, ids(got))
		})
	}
	_, err := notify.Resolve([]work.Recipient{{Cell: "not a path"}}, demo.Members, policy)
	assert.Equal(t, "to[0].cell", fourplusn.ErrorField(err))
}

// TestWebhookSignature checks the signature against HMAC-SHA256 computed
// here, and that any change to the timestamp, the body or the signature
// fails verification.
func TestWebhookSignature(t *testing.T) {
	body := []byte(`{"key":"k"}`)
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("1700000000." + string(body)))
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	assert.Equal(t, want, notify.Sign(secret, "1700000000", body))
	assert.True(t, notify.Verify(secret, "1700000000", body, want))
	assert.False(t, notify.Verify(secret, "1700000001", body, want))
	assert.False(t, notify.Verify(secret, "1700000000", []byte(`{"key":"K"}`), want))
	assert.False(t, notify.Verify([]byte("other"), "1700000000", body, want))
	_, err := notify.NewWebhook("http://127.0.0.1/", nil)
	assert.Equal(t, "secret", fourplusn.ErrorField(err))
}

// robotServer stands in for WeCom's robot webhook: it records each body
// and answers the error codes queued, then 0.
type robotServer struct {
	mu     sync.Mutex
	bodies []map[string]any
	codes  []int
}

func (s *robotServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var m map[string]any
	json.Unmarshal(b, &m)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bodies = append(s.bodies, m)
	code := 0
	if len(s.codes) > 0 {
		code, s.codes = s.codes[0], s.codes[1:]
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"errcode": code, "errmsg": "x"})
}

// TestRobot sends to a stand-in for WeCom's robot webhook in WeCom's
// documented formats: text mentioning mobile numbers, markdown when nobody
// is mentioned, and its error codes retried or not.
func TestRobot(t *testing.T) {
	srv := &robotServer{codes: []int{45009, 93000}}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	r, err := notify.NewRobot("a-key")
	require.NoError(t, err)
	assert.Contains(t, r.URL, "key=a-key")
	r.URL, r.Markdown = ts.URL+"/cgi-bin/webhook/send?key=a-key", true
	m := notify.Message{Notice: testNotification("k/robot"), Contacts: []notify.Contact{{Member: "gc-duty-1", Phone: "13800000004"}}}

	err = r.Notify(ctx, m)
	require.Error(t, err, "45009: the robot's limit; retried")
	assert.False(t, notify.IsPermanent(err))
	err = r.Notify(ctx, m)
	assert.True(t, notify.IsPermanent(err), "93000: an invalid key; not retried")
	require.NoError(t, r.Notify(ctx, m))
	m.Contacts = nil
	require.NoError(t, r.Notify(ctx, m))

	require.Len(t, srv.bodies, 4)
	text := srv.bodies[2]
	assert.Equal(t, "text", text["msgtype"])
	assert.Equal(t, []any{"13800000004"}, text["text"].(map[string]any)["mentioned_mobile_list"])
	assert.Equal(t, "【测试】\n测试", text["text"].(map[string]any)["content"])
	md := srv.bodies[3]
	assert.Equal(t, "markdown", md["msgtype"])
	assert.Contains(t, md["markdown"].(map[string]any)["content"], `<font color="warning">【测试】</font>`)
}

// TestRobotLimits cuts long texts to WeCom's byte limits on a character
// boundary.
func TestRobotLimits(t *testing.T) {
	n := testNotification("k/long")
	n.Text = strings.Repeat("纠", 3000) // 9000 bytes
	for _, tt := range []struct {
		markdown bool
		field    string
		limit    int
	}{{false, "text", 2048}, {true, "markdown", 4096}} {
		b, err := json.Marshal(notify.RobotBody(notify.Message{Notice: n}, tt.markdown))
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		content := m[tt.field].(map[string]any)["content"].(string)
		assert.LessOrEqual(t, len(content), tt.limit)
		assert.Greater(t, len(content), tt.limit-4)
		assert.True(t, utf8.ValidString(content))
	}
}

// TestLog logs masked phone numbers only.
func TestLog(t *testing.T) {
	var buf strings.Builder
	l := notify.Log{Logger: slogTo(&buf)}
	require.NoError(t, l.Notify(context.Background(), notify.Message{Notice: testNotification("k/log"), Contacts: []notify.Contact{{Member: "gc-duty-1", Phone: "13800000004"}}}))
	assert.Contains(t, buf.String(), "138****0004")
	assert.NotContains(t, buf.String(), "13800000004")
	assert.Contains(t, buf.String(), "k/log")
}

func TestConfig(t *testing.T) {
	names := func(ns []notify.Notifier) []string {
		var out []string
		for _, n := range ns {
			out = append(out, n.Name())
		}
		return out
	}
	ns, err := notify.Config{}.Notifiers(nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"log"}, names(ns))
	ns, err = notify.Config{WebhookURL: "http://127.0.0.1:9/hook", WebhookSecret: "s", RobotKey: "k"}.Notifiers(nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"log", "webhook", "wecom_robot"}, names(ns))
	_, err = notify.Config{WebhookURL: "http://127.0.0.1:9/hook"}.Notifiers(nil)
	assert.Equal(t, "secret", fourplusn.ErrorField(err))
}
