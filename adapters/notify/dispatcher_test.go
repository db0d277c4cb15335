package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/notify"
	"github.com/fourplusn/fourplusn/adapters/notify/notifytest"
	"github.com/fourplusn/fourplusn/adapters/outbox"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

var ctx = context.Background()

var secret = []byte("shared-secret")

// receiver stands in for a township's webhook receiver: it checks each
// request's signature, drops a key it has processed already, and behaves
// as the test says: down, failing, slow, or well.
type receiver struct {
	mu        sync.Mutex
	mode      string // "ok", "500", "slow", "400"
	requests  []string
	processed map[string]int
	srv       *httptest.Server
	release   chan struct{}
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{mode: "ok", processed: map[string]int{}, release: make(chan struct{})}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(func() { close(r.release); r.srv.Close() })
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	key := req.Header.Get(notify.HeaderKey)
	r.mu.Lock()
	mode := r.mode
	r.requests = append(r.requests, key)
	r.mu.Unlock()
	switch mode {
	case "500":
		http.Error(w, "boom", http.StatusInternalServerError)
		return
	case "400":
		http.Error(w, "bad", http.StatusBadRequest)
		return
	case "slow":
		select { // longer than the client waits
		case <-time.After(2 * time.Second):
		case <-r.release:
		}
		return
	}
	if !notify.Verify(secret, req.Header.Get(notify.HeaderTimestamp), body, req.Header.Get(notify.HeaderSignature)) {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var n work.Notice
	if json.Unmarshal(body, &n) != nil || n.Key != key {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	if r.processed[key] == 0 { // a duplicate is acknowledged and not processed again
		r.processed[key]++
	}
	r.mu.Unlock()
}

func (r *receiver) set(mode string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mode = mode
}

// counts returns the keys of the requests received, and how often each key
// was processed.
func (r *receiver) counts() (requests []string, processed map[string]int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for k, v := range r.processed {
		out[k] = v
	}
	return append([]string(nil), r.requests...), out
}

// dispatcher returns a Dispatcher on env's outbox posting to url, with a
// fixed jitter of one half and a short client timeout.
func dispatcher(t *testing.T, env *notifytest.Env, url string, extra ...notify.Notifier) *notify.Dispatcher {
	t.Helper()
	wh, err := notify.NewWebhook(url, secret)
	require.NoError(t, err)
	wh.Client.Timeout = 200 * time.Millisecond
	wh.Now = env.Clock.Now
	d := notify.NewDispatcher(env.Outbox, env.Members, grid.DefaultPolicy(), append([]notify.Notifier{wh}, extra...)...)
	d.Now, d.Rand = env.Clock.Now, func() float64 { return 0.5 }
	d.Log = slog.New(slog.DiscardHandler)
	return d
}

func testNotification(key string) work.Notice {
	return work.Notice{
		Key: key, Township: gridtest.GuchengID, SubjectKind: work.SubjectCase, Subject: "C1",
		Kind: work.NoticeAlert, Action: "registered", Title: "【测试】", Text: "测试", At: notifytest.Start,
		To: []work.Recipient{work.ToDuty(gridtest.GuchengID)},
	}
}

// TestDeliveryFaults: the receiver is down, then answers 500, then is slow;
// each attempt fails and the next waits longer; once it recovers the
// notification is delivered, once, and never sent again.
func TestDeliveryFaults(t *testing.T) {
	notifytest.Run(t, func(t *testing.T, env *notifytest.Env) {
		rcv := newReceiver(t)
		down := httptest.NewServer(http.NotFoundHandler())
		downURL := down.URL
		down.Close() // nothing listens there any more
		d := dispatcher(t, env, downURL)
		n := testNotification("k/faults")
		require.NoError(t, env.Outbox.Enqueue(ctx, env.Clock.Now(), n))

		base := notify.DefaultBackoff.Base
		var waits []time.Duration
		for i, mode := range []string{"down", "500", "slow"} {
			if mode != "down" {
				d.Notifiers[0].(*notify.Webhook).URL = rcv.srv.URL
				rcv.set(mode)
			}
			claimed, err := d.Deliver(ctx)
			require.NoError(t, err)
			require.Equal(t, 1, claimed, mode)
			dl, err := env.Outbox.Find(ctx, n.Key)
			require.NoError(t, err)
			assert.Equal(t, outbox.Pending, dl.State, mode)
			assert.Equal(t, i+1, dl.Attempts, mode)
			assert.NotEmpty(t, dl.LastError, mode)
			wait := dl.NextAt.Sub(env.Clock.Now())
			waits = append(waits, wait)
			// Equal jitter at 0.5: three quarters of base·2^i.
			assert.Equal(t, base<<i*3/4, wait, mode)
			// Not due before its time: nothing is claimed.
			env.Clock.Advance(wait - time.Second)
			claimed, err = d.Deliver(ctx)
			require.NoError(t, err)
			assert.Zero(t, claimed, mode)
			env.Clock.Advance(time.Second)
		}
		assert.Less(t, waits[0], waits[1])
		assert.Less(t, waits[1], waits[2])
		failing, err := env.Outbox.Failures(ctx, gridtest.GuchengID, 10)
		require.NoError(t, err)
		require.Len(t, failing, 1, "a failing delivery is visible to the duty officers")

		rcv.set("ok")
		claimed, err := d.Deliver(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, claimed)
		dl, err := env.Outbox.Find(ctx, n.Key)
		require.NoError(t, err)
		assert.Equal(t, outbox.Delivered, dl.State)
		assert.Equal(t, []string{"webhook"}, dl.Delivered)
		env.Clock.Advance(24 * time.Hour)
		claimed, err = d.Deliver(ctx)
		require.NoError(t, err)
		assert.Zero(t, claimed)
		_, processed := rcv.counts()
		assert.Equal(t, map[string]int{n.Key: 1}, processed)
		failing, err = env.Outbox.Failures(ctx, gridtest.GuchengID, 10)
		require.NoError(t, err)
		assert.Empty(t, failing)
	})
}

// crashing is an outbox whose dispatcher dies after sending and before
// recording: Record fails.
type crashing struct{ outbox.Store }

func (crashing) Record(context.Context, int64, string, outbox.Result) error {
	return errors.New("the process died")
}

// TestRestartMidDelivery: a dispatcher sends and stops before recording;
// no other dispatcher sends while its lease holds; after it, a restarted
// dispatcher sends again with the same key, the receiver drops the
// duplicate, and nothing is sent after that.
func TestRestartMidDelivery(t *testing.T) {
	notifytest.Run(t, func(t *testing.T, env *notifytest.Env) {
		rcv := newReceiver(t)
		n := testNotification("k/restart")
		require.NoError(t, env.Outbox.Enqueue(ctx, env.Clock.Now(), n))
		first := dispatcher(t, env, rcv.srv.URL)
		first.Outbox = crashing{env.Outbox}
		_, err := first.Deliver(ctx)
		require.Error(t, err)

		env = env.Reopen(t)
		second := dispatcher(t, env, rcv.srv.URL)
		claimed, err := second.Deliver(ctx)
		require.NoError(t, err)
		assert.Zero(t, claimed, "the first dispatcher's lease still holds")

		env.Clock.Advance(second.Lease + time.Second)
		claimed, err = second.Deliver(ctx)
		require.NoError(t, err)
		assert.Equal(t, 1, claimed)
		env.Clock.Advance(time.Hour)
		claimed, err = second.Deliver(ctx)
		require.NoError(t, err)
		assert.Zero(t, claimed)

		requests, processed := rcv.counts()
		assert.Equal(t, []string{n.Key, n.Key}, requests, "at least once: sent again after the crash, under the same key")
		assert.Equal(t, map[string]int{n.Key: 1}, processed, "the receiver dropped the duplicate by its key")
		dl, err := env.Outbox.Find(ctx, n.Key)
		require.NoError(t, err)
		assert.Equal(t, outbox.Delivered, dl.State)
	})
}

// flaky fails its first n messages.
type flaky struct {
	mu    sync.Mutex
	fails int
	got   []string
}

func (f *flaky) Name() string { return "flaky" }

func (f *flaky) Notify(_ context.Context, m notify.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, m.Key)
	if f.fails > 0 {
		f.fails--
		return errors.New("not now")
	}
	return nil
}

// TestPartialDelivery: a notifier that has a notification is not asked
// again when another one fails and is retried.
func TestPartialDelivery(t *testing.T) {
	notifytest.Run(t, func(t *testing.T, env *notifytest.Env) {
		rcv := newReceiver(t)
		f := &flaky{fails: 1}
		d := dispatcher(t, env, rcv.srv.URL, f)
		n := testNotification("k/partial")
		require.NoError(t, env.Outbox.Enqueue(ctx, env.Clock.Now(), n))
		_, err := d.Deliver(ctx)
		require.NoError(t, err)
		dl, err := env.Outbox.Find(ctx, n.Key)
		require.NoError(t, err)
		assert.Equal(t, []string{"webhook"}, dl.Delivered)
		env.Clock.Advance(time.Hour)
		_, err = d.Deliver(ctx)
		require.NoError(t, err)
		requests, _ := rcv.counts()
		assert.Len(t, requests, 1, "the webhook had it already")
		assert.Equal(t, []string{n.Key, n.Key}, f.got)
		dl, err = env.Outbox.Find(ctx, n.Key)
		require.NoError(t, err)
		assert.Equal(t, outbox.Delivered, dl.State)
	})
}

// TestGivingUp: a refusal (4xx) fails the delivery at once, and running out
// of attempts fails it too; both are listed for the duty officers.
func TestGivingUp(t *testing.T) {
	notifytest.Run(t, func(t *testing.T, env *notifytest.Env) {
		rcv := newReceiver(t)
		d := dispatcher(t, env, rcv.srv.URL)
		d.Backoff.Attempts = 3
		rcv.set("400")
		refused := testNotification("k/refused")
		require.NoError(t, env.Outbox.Enqueue(ctx, env.Clock.Now(), refused))
		_, err := d.Deliver(ctx)
		require.NoError(t, err)
		dl, err := env.Outbox.Find(ctx, refused.Key)
		require.NoError(t, err)
		assert.Equal(t, outbox.Failed, dl.State)
		assert.Equal(t, 1, dl.Attempts)

		rcv.set("500")
		tired := testNotification("k/tired")
		require.NoError(t, env.Outbox.Enqueue(ctx, env.Clock.Now(), tired))
		for range 5 {
			_, err := d.Deliver(ctx)
			require.NoError(t, err)
			env.Clock.Advance(time.Hour)
		}
		dl, err = env.Outbox.Find(ctx, tired.Key)
		require.NoError(t, err)
		assert.Equal(t, outbox.Failed, dl.State)
		assert.Equal(t, 3, dl.Attempts)

		failed, err := env.Outbox.Failures(ctx, gridtest.GuchengID, 10)
		require.NoError(t, err)
		require.Len(t, failed, 2)
		assert.Equal(t, tired.Key, failed[0].Notification.Key, "newest first")
		other, err := env.Outbox.Failures(ctx, gridtest.NeighbourID, 10)
		require.NoError(t, err)
		assert.Empty(t, other, "another township does not see them")
	})
}

// TestOutboxWithChange: the notices of a change to a case or a hazard are
// in the outbox as soon as the change is, and a refused change leaves none.
func TestOutboxWithChange(t *testing.T) {
	notifytest.Run(t, func(t *testing.T, env *notifytest.Env) {
		head := env.Demo.Member("mayuan-1-head").Actor()
		c, err := env.Cases.Register(ctx, head, mediation.Intake{
			Channel: work.ChannelGridHead, Category: mediation.Neighbour, Location: "mayuan-1",
			Applicants:  []mediation.Party{{Name: "章某", Phone: "13800138000"}},
			Respondents: []mediation.Party{{Name: "李某"}}, Facts: "邻居占道",
		})
		require.NoError(t, err)
		task, err := env.Outbox.Find(ctx, "case/"+string(c.ID)+"/1/task")
		require.NoError(t, err)
		assert.Equal(t, work.NoticeTask, task.Notification.Kind)
		assert.Equal(t, []work.Recipient{work.ToPosts(c.Handling, grid.Accept)}, task.Notification.To)

		// A resident may not accept: nothing changes, nothing is written.
		_, err = env.Cases.Accept(ctx, grid.ResidentActor("r1", gridtest.GuchengID), c.ID, 0)
		require.Error(t, err)
		_, err = env.Outbox.Find(ctx, "case/"+string(c.ID)+"/2/first-responder")
		require.ErrorIs(t, err, fourplusn.NotFound)

		officer := env.Demo.Member("mayuan-police").Actor()
		_, err = env.Cases.Accept(ctx, officer, c.ID, 0)
		require.NoError(t, err)
		told, err := env.Outbox.Find(ctx, "case/"+string(c.ID)+"/2/first-responder")
		require.NoError(t, err)
		assert.Equal(t, []work.Recipient{work.ToMember("mayuan-1-head")}, told.Notification.To)

		// A hazard's change writes the notices hazard.Notices gives it.
		h, err := env.Hazards.Report(ctx, head, hazard.Report{Category: hazard.Fire, Location: "mayuan-1", Description: "楼道堆放杂物"})
		require.NoError(t, err)
		alert, err := env.Outbox.Find(ctx, "hazard/"+string(h.ID)+"/1/alert")
		require.NoError(t, err)
		assert.Equal(t, work.NoticeAlert, alert.Notification.Kind)
		assert.Equal(t, []work.Recipient{work.ToDuty(gridtest.GuchengID)}, alert.Notification.To, "a red hazard alerts the watch")
	})
}

// TestRun: a running dispatcher delivers what is written while it runs,
// and stops when its context ends.
func TestRun(t *testing.T) {
	env := notifytest.Engines()[1].New(t)
	rcv := newReceiver(t)
	d := dispatcher(t, env, rcv.srv.URL)
	d.Poll = 5 * time.Millisecond
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.Run(runCtx) }()
	n := testNotification("k/run")
	require.NoError(t, env.Outbox.Enqueue(ctx, env.Clock.Now(), n))
	require.Eventually(t, func() bool {
		dl, err := env.Outbox.Find(ctx, n.Key)
		return err == nil && dl.State == outbox.Delivered
	}, 5*time.Second, 5*time.Millisecond)
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
}

// slow takes the whole lease over each message.
type slow struct{ clock *notifytest.Clock }

func (slow) Name() string { return "slow" }

func (s slow) Notify(context.Context, notify.Message) error {
	s.clock.Advance(2 * time.Minute)
	return nil
}

// TestLeaseRunsOut: a batch whose lease ran out leaves the rest unsent,
// for the next claim, rather than race another dispatcher.
func TestLeaseRunsOut(t *testing.T) {
	env := notifytest.Engines()[0].New(t)
	d := notify.NewDispatcher(env.Outbox, nil, nil, slow{env.Clock})
	d.Now, d.Log = env.Clock.Now, slog.New(slog.DiscardHandler)
	for _, k := range []string{"k/1", "k/2", "k/3"} {
		require.NoError(t, env.Outbox.Enqueue(ctx, env.Clock.Now(), testNotification(k)))
	}
	claimed, err := d.Deliver(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, claimed)
	for k, attempts := range map[string]int{"k/1": 1, "k/2": 0, "k/3": 0} {
		dl, err := env.Outbox.Find(ctx, k)
		require.NoError(t, err)
		assert.Equal(t, attempts, dl.Attempts, k)
	}
	claimed, err = d.Deliver(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, claimed, "the lease is over: the rest are claimed again")
}
