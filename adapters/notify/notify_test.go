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
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/fourplusn/fourplusn/work"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/notify"
	"github.com/fourplusn/fourplusn/adapters/notify/notifytest"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
)

func intake(location grid.CellID, ch work.Channel, risks mediation.RiskFlags) mediation.Intake {
	return mediation.Intake{
		Channel: ch, Category: mediation.Neighbour, Location: location, Risks: risks,
		Applicants:  []mediation.Party{{Name: "章某", Phone: "13800138000"}},
		Respondents: []mediation.Party{{Name: "李某"}}, Facts: "邻居占道",
	}
}

// TestCaseNotifications runs the Service through each change and checks
// who the outbox tells what: the first responder until acceptance, the
// posts that must act, the duty officers for what is grave.
func TestCaseNotifications(t *testing.T) {
	type want struct {
		role string // the key's last part
		kind notify.Kind
		to   func(env *notifytest.Env, c *mediation.Case) []notify.Recipient
	}
	member := func(id string) func(*notifytest.Env, *mediation.Case) []notify.Recipient {
		return func(*notifytest.Env, *mediation.Case) []notify.Recipient {
			return []notify.Recipient{notify.ToMember(id)}
		}
	}
	duty := func(*notifytest.Env, *mediation.Case) []notify.Recipient {
		return []notify.Recipient{notify.ToDuty(gridtest.GuchengID)}
	}
	tests := []struct {
		name string
		// run makes the change under test and returns the case and the
		// sequence number of its event.
		run  func(t *testing.T, env *notifytest.Env) (*mediation.Case, int)
		want []want
		none []string // roles that must not be written for that event
	}{
		{
			name: "a grid head registers: the handling cell must accept",
			run: func(t *testing.T, env *notifytest.Env) (*mediation.Case, int) {
				c, err := env.Cases.Register(ctx, env.Demo.Member("mayuan-1-head").Actor(), intake("mayuan-1", work.ChannelGridHead, 0))
				require.NoError(t, err)
				return c, 1
			},
			want: []want{{"task", notify.Task, func(_ *notifytest.Env, c *mediation.Case) []notify.Recipient {
				return []notify.Recipient{notify.ToPosts(c.Handling, grid.Accept)}
			}}},
			none: []string{"review", "alert", "first-responder"},
		},
		{
			name: "a resident applies online: the duty watch must review",
			run: func(t *testing.T, env *notifytest.Env) (*mediation.Case, int) {
				c, err := env.Cases.Register(ctx, grid.ResidentActor("r1", gridtest.GuchengID), intake("mayuan-1", work.ChannelOnline, 0))
				require.NoError(t, err)
				return c, 1
			},
			want: []want{{"review", notify.Task, duty}},
		},
		{
			name: "a threat to petition: the duty officers are alerted",
			run: func(t *testing.T, env *notifytest.Env) (*mediation.Case, int) {
				c, err := env.Cases.Register(ctx, env.Demo.Member("mayuan-police").Actor(), intake("mayuan-1", work.ChannelPolice, mediation.PetitionThreat))
				require.NoError(t, err)
				return c, 1
			},
			want: []want{{"alert", notify.Alert, duty}},
		},
		{
			name: "another member accepts: the first responder is told",
			run: func(t *testing.T, env *notifytest.Env) (*mediation.Case, int) {
				c, err := env.Cases.Register(ctx, env.Demo.Member("mayuan-1-head").Actor(), intake("mayuan-1", work.ChannelGridHead, 0))
				require.NoError(t, err)
				c, err = env.Cases.Accept(ctx, env.Demo.Member("mayuan-police").Actor(), c.ID, 0)
				require.NoError(t, err)
				return c, 2
			},
			want: []want{{"first-responder", notify.Progress, member("mayuan-1-head")}},
		},
		{
			name: "after acceptance the first responder is no longer told",
			run: func(t *testing.T, env *notifytest.Env) (*mediation.Case, int) {
				c, err := env.Cases.Register(ctx, env.Demo.Member("mayuan-1-head").Actor(), intake("mayuan-1", work.ChannelGridHead, 0))
				require.NoError(t, err)
				police := env.Demo.Member("mayuan-police").Actor()
				c, err = env.Cases.Accept(ctx, police, c.ID, 0)
				require.NoError(t, err)
				c, err = env.Cases.Extend(ctx, police, c.ID, 0, mediation.Extension{Days: 3, Reason: "双方同意", Consent: true})
				require.NoError(t, err)
				return c, 3
			},
			none: []string{"first-responder", "task"},
		},
		{
			name: "a transfer undoes the acceptance: the first responder answers again and is told",
			run: func(t *testing.T, env *notifytest.Env) (*mediation.Case, int) {
				c, err := env.Cases.Register(ctx, env.Demo.Member("mayuan-1-head").Actor(), intake("mayuan-1", work.ChannelGridHead, 0))
				require.NoError(t, err)
				police := env.Demo.Member("mayuan-police").Actor()
				c, err = env.Cases.Accept(ctx, police, c.ID, 0)
				require.NoError(t, err)
				c, err = env.Cases.Transfer(ctx, police, c.ID, 0, "wuguiqiao", "当事人住吴桂桥")
				require.NoError(t, err)
				return c, 3
			},
			want: []want{
				{"first-responder", notify.Progress, member("mayuan-1-head")},
				{"task", notify.Task, func(_ *notifytest.Env, c *mediation.Case) []notify.Recipient {
					return []notify.Recipient{notify.ToPosts(c.Handling, grid.Accept)}
				}},
			},
		},
		{
			name: "an escalation waits for the upper cell, and the first responder hears of it",
			run: func(t *testing.T, env *notifytest.Env) (*mediation.Case, int) {
				c, err := env.Cases.Register(ctx, env.Demo.Member("mayuan-1-head").Actor(), intake("mayuan-1", work.ChannelGridHead, 0))
				require.NoError(t, err)
				c, err = env.Cases.Escalate(ctx, env.Demo.Member("mayuan-head").Actor(), c.ID, 0, "双方情绪激动")
				require.NoError(t, err)
				return c, 2
			},
			want: []want{
				{"first-responder", notify.Progress, member("mayuan-1-head")},
				{"task", notify.Task, func(_ *notifytest.Env, c *mediation.Case) []notify.Recipient {
					return []notify.Recipient{{Cell: c.Escalation.To.String(), Action: grid.ApproveEscalation.String()}}
				}},
			},
		},
		{
			name: "the first responder leaves his post: the successor is told, once",
			run: func(t *testing.T, env *notifytest.Env) (*mediation.Case, int) {
				c, err := env.Cases.Register(ctx, env.Demo.Member("mayuan-police").Actor(), intake("mayuan-1", work.ChannelPolice, 0))
				require.NoError(t, err)
				item := grid.WorkItem{Kind: "case", ID: string(c.ID), Accountable: "mayuan-police"}
				require.NoError(t, env.Cases.HandOver(ctx, env.Demo.Member("gc-secretary").Actor(), grid.Handover{Item: item, To: "mayuan-aux", Reason: "岗位调整：由蒋某接手"}))
				return c, 2
			},
			want: []want{{"task", notify.Task, member("mayuan-aux")}},
			none: []string{"first-responder"},
		},
		{
			name: "a retired cell's case: the cell taking over must act",
			run: func(t *testing.T, env *notifytest.Env) (*mediation.Case, int) {
				c, err := env.Cases.Register(ctx, env.Demo.Member("mayuan-1-head").Actor(), intake("mayuan-1", work.ChannelGridHead, 0))
				require.NoError(t, err)
				item := grid.WorkItem{Kind: "case", ID: string(c.ID)}
				require.NoError(t, env.Cases.HandOver(ctx, env.Demo.Member("gc-secretary").Actor(), grid.Handover{Item: item, Cell: env.Demo.Path("mayuan"), Reason: "网格撤销"}))
				return c, 2
			},
			want: []want{{"task", notify.Task, func(*notifytest.Env, *mediation.Case) []notify.Recipient {
				return []notify.Recipient{notify.ToPosts(gridtest.Gucheng().Path("mayuan"), grid.Accept)}
			}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, e := range notifytest.Engines()[:2] {
				t.Run(e.Name, func(t *testing.T) {
					env := e.New(t)
					c, seq := tt.run(t, env)
					prefix := "case/" + string(c.ID) + "/" + itoa(seq) + "/"
					for _, w := range tt.want {
						d, err := env.Outbox.Find(ctx, prefix+w.role)
						require.NoError(t, err, w.role)
						assert.Equal(t, w.kind, d.Notification.Kind, w.role)
						assert.Equal(t, w.to(env, c), d.Notification.To, w.role)
						assert.Equal(t, gridtest.GuchengID, d.Notification.Township)
						assert.NotContains(t, d.Notification.Text, "13800138000", "no personal data")
						assert.NotContains(t, d.Notification.Text, "章某")
					}
					for _, role := range tt.none {
						_, err := env.Outbox.Find(ctx, prefix+role)
						assert.ErrorIs(t, err, fourplusn.NotFound, role)
					}
				})
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// TestHazardNotifications follows a hazard from the whistle through a
// failed verification.
func TestHazardNotifications(t *testing.T) {
	env := notifytest.Engines()[0].New(t)
	head := env.Demo.Member("mayuan-1-head").Actor()
	h, err := env.Hazards.Report(ctx, head, hazard.Report{Category: hazard.Electrical, Grade: work.Simple, Location: "mayuan-1", Description: "电线裸露"})
	require.NoError(t, err)
	find := func(seq int, role string) notify.Notification {
		d, err := env.Outbox.Find(ctx, "hazard/"+string(h.ID)+"/"+itoa(seq)+"/"+role)
		require.NoError(t, err, role)
		return d.Notification
	}
	assert.Equal(t, []notify.Recipient{notify.ToPosts(h.Handling, grid.Rectify)}, find(1, "task").To)
	h, err = env.Hazards.Rectify(ctx, head, h.ID, 0, hazard.Rectification{Evidence: "已更换电线"})
	require.NoError(t, err)
	assert.Equal(t, []notify.Recipient{notify.ToPosts(h.VerifyCell(), grid.Verify)}, find(2, "task").To)
	h, err = env.Hazards.Verify(ctx, env.Demo.Member("mayuan-head").Actor(), h.ID, 0, hazard.Verification{Notes: "接头仍裸露"})
	require.NoError(t, err)
	assert.Equal(t, []notify.Recipient{notify.ToMember("mayuan-1-head")}, find(3, "task").To, "whoever rectified answers again")
}

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
		to   []notify.Recipient
		want []string
	}{
		{"duty officers", []notify.Recipient{notify.ToDuty(gridtest.GuchengID)}, []string{"gc-duty-1", "gc-duty-2"}},
		{"posts of a cell that may accept", []notify.Recipient{notify.ToPosts(demo.Path("mayuan"), grid.Accept)}, []string{"mayuan-head", "mayuan-police"}},
		{"a member, once however often named", []notify.Recipient{notify.ToMember("mayuan-head"), notify.ToPosts(demo.Path("mayuan"), grid.Accept)}, []string{"mayuan-head", "mayuan-police"}},
		{"nobody holds it", []notify.Recipient{notify.ToMember("nobody")}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := notify.Resolve(tt.to, demo.Members, policy)
			require.NoError(t, err)
			assert.Equal(t, tt.want, ids(got))
		})
	}
	_, err := notify.Resolve([]notify.Recipient{{Cell: "not a path"}}, demo.Members, policy)
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
	m := notify.Message{Notification: testNotification("k/robot"), Contacts: []notify.Contact{{Member: "gc-duty-1", Phone: "13800000004"}}}

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
		b, err := json.Marshal(notify.RobotBody(notify.Message{Notification: n}, tt.markdown))
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
	require.NoError(t, l.Notify(context.Background(), notify.Message{Notification: testNotification("k/log"), Contacts: []notify.Contact{{Member: "gc-duty-1", Phone: "13800000004"}}}))
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
