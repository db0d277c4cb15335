package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/httpapi"
	"github.com/fourplusn/fourplusn/adapters/inbox"
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/adapters/outbox"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/work"
)

// TestNotificationFailures: the township's watch sees the notifications
// that did not get through, given up on or failing, newest first, and only
// its own township's; the delivered ones are not shown, and the page size
// is checked.
func TestNotificationFailures(t *testing.T) {
	for _, st := range []stores{memStores(), sqliteStores(t)} {
		t.Run(st.name, func(t *testing.T) {
			e := newEnvOn(t, st)
			now := e.clock.Now()
			note := func(key string, township grid.CellID) work.Notice {
				return work.Notice{
					Key: key, Township: township, SubjectKind: work.SubjectCase, Subject: "C1", Kind: work.NoticeAlert,
					Action: "registered", Title: "【待受理】邻里纠纷", Text: "请值班员关注。", To: []work.Recipient{work.ToDuty(township)}, At: now,
				}
			}
			require.NoError(t, st.outbox.Enqueue(ctx, now,
				note("given-up", gridtest.GuchengID), note("failing", gridtest.GuchengID), note("delivered", gridtest.GuchengID), note("neighbour", gridtest.NeighbourID)))
			held, err := st.outbox.Claim(ctx, now, time.Minute, 10)
			require.NoError(t, err)
			require.Len(t, held, 4)
			results := map[string]outbox.Result{
				// A store may keep the time of a next attempt on a delivery
				// given up on; the answer shows none.
				"given-up":  {State: outbox.Failed, LastError: "receiver refused the message: 400 Bad Request", NextAt: now.Add(time.Hour)},
				"failing":   {State: outbox.Pending, LastError: "receiver answered 502 Bad Gateway", NextAt: now.Add(time.Minute)},
				"delivered": {State: outbox.Delivered, Delivered: []string{"webhook"}},
				"neighbour": {State: outbox.Failed, LastError: "send: connection refused"},
			}
			for _, d := range held {
				require.NoError(t, st.outbox.Record(ctx, d.ID, d.Claim, results[d.Notification.Key]))
			}

			type failure struct {
				Key       string
				State     string
				Attempts  int
				LastError string `json:"last_error"`
				NextAt    string `json:"next_at"`
				Title     string
				To        []struct{ Cell, Role string }
			}
			list := func(member, query string) []failure {
				t.Helper()
				res := e.as(member).get("/api/v1/notifications/failures" + query)
				require.Equal(t, http.StatusOK, res.Code, "%s: %s", member, res)
				var out struct{ Failures []failure }
				res.decode(t, &out)
				return out.Failures
			}
			got := list("gc-duty-1", "")
			require.Len(t, got, 2)
			assert.Equal(t, failure{
				Key: "failing", State: "pending", Attempts: 1, LastError: "receiver answered 502 Bad Gateway",
				NextAt: now.Add(time.Minute).UTC().Format(time.RFC3339Nano), Title: "【待受理】邻里纠纷",
				To: []struct{ Cell, Role string }{{"/gucheng", "duty_officer"}},
			}, got[0])
			assert.Equal(t, "given-up", got[1].Key)
			assert.Equal(t, "failed", got[1].State)
			assert.Empty(t, got[1].NextAt, "only a delivery still to be tried has a next attempt")

			assert.Len(t, list("gc-duty-1", "?limit=1"), 1)
			neighbour := list("lz-secretary", "")
			require.Len(t, neighbour, 1, "each township sees its own")
			assert.Equal(t, "neighbour", neighbour[0].Key)

			for _, q := range []string{"?limit=0", "?limit=101", "?limit=x", "?township=linzhen"} {
				res := e.as("gc-duty-1").get("/api/v1/notifications/failures" + q)
				assert.Equal(t, http.StatusBadRequest, res.Code, "%s: %s", q, res)
			}
		})
	}
}

// TestInbox: the township's watch sees the messages its chat channel
// received, by what became of them — the failed ones by default — newest
// first and whole; nobody else does, and a bad status or page size is
// refused naming the parameter.
func TestInbox(t *testing.T) {
	for _, st := range []stores{memStores(), sqliteStores(t)} {
		t.Run(st.name, func(t *testing.T) {
			e := newEnvOn(t, st)
			receive := func(source, body string, status inbox.Status, missing ...string) {
				t.Helper()
				m, fresh, err := st.inbox.Receive(ctx, inbox.Message{
					ID: "in-" + source, Channel: work.ChannelWeCom, SourceID: source, Sender: "wx-" + source, Received: e.clock.Now(), Body: body, Status: inbox.Received,
				})
				require.NoError(t, err)
				require.True(t, fresh)
				m.Status, m.Missing = status, missing
				if status == inbox.Failed {
					m.Error = "registering failed"
				}
				require.NoError(t, st.inbox.Settle(ctx, m))
				e.clock.Advance(time.Minute)
			}
			receive("m1", "王某 13900001111 马园一组 院墙纠纷", inbox.Failed)
			receive("m2", "院墙又被推倒了", inbox.Incomplete, "name", "phone")
			receive("m3", "李某 13900002222 马园二组 排水沟", inbox.Failed)

			type message struct {
				SourceID string `json:"source_id"`
				Body     string
				Status   string
				Missing  []string
				Error    string
			}
			list := func(query string) []message {
				t.Helper()
				res := e.as("gc-duty-1").get("/api/v1/inbox" + query)
				require.Equal(t, http.StatusOK, res.Code, res)
				var out struct{ Messages []message }
				res.decode(t, &out)
				return out.Messages
			}
			failed := list("")
			require.Len(t, failed, 2)
			assert.Equal(t, message{SourceID: "m3", Body: "李某 13900002222 马园二组 排水沟", Status: "failed", Missing: []string{}, Error: "registering failed"}, failed[0],
				"newest first, as it came: the watch registers it by hand")
			assert.Equal(t, "m1", failed[1].SourceID)
			assert.Equal(t, []message{{SourceID: "m2", Body: "院墙又被推倒了", Status: "incomplete", Missing: []string{"name", "phone"}}}, list("?status=incomplete"))
			assert.Len(t, list("?limit=1"), 1)
			assert.Empty(t, list("?status=registered"))

			for q, field := range map[string]string{"?status=lost": "status", "?limit=0": "limit", "?limit=101": "limit", "?township=linzhen": "township"} {
				res := e.as("gc-duty-1").get("/api/v1/inbox" + q)
				assert.Equal(t, http.StatusBadRequest, res.Code, "%s: %s", q, res)
				assert.Equal(t, field, res.errorField(), q)
			}
			for _, member := range []string{"lz-secretary", "gc-east-head", "gc-land"} {
				assert.Equal(t, http.StatusForbidden, e.as(member).get("/api/v1/inbox").Code, member)
			}
		})
	}
}

// TestInboxNeedsItsTownship: an inbox without the township it belongs to
// is a configuration error, not an inbox anyone may read.
func TestInboxNeedsItsTownship(t *testing.T) {
	e := newEnv(t)
	_, err := httpapi.New(httpapi.Config{
		Cases: e.cases, Grid: e.grid, Auth: httpapi.NewTokenAuth(nil), Inbox: memstore.NewChannelMessages(),
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "InboxTownship")
}
