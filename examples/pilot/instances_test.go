package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun/driver/pgdriver"
)

// postgresEnv names the PostgreSQL server the tests may use.
const postgresEnv = "FOURPLUSN_TEST_POSTGRES"

// freshDatabase creates a database of its own on the server of
// FOURPLUSN_TEST_POSTGRES, dropped when the test ends, and returns its
// DSN and a connection to it; it skips the test when the variable is
// unset.
func freshDatabase(t *testing.T) (string, *sql.DB) {
	t.Helper()
	dsn := os.Getenv(postgresEnv)
	if dsn == "" {
		t.Skipf("%s is not set: skipping the test of several pilots on one PostgreSQL (set it to a DSN such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", postgresEnv)
	}
	ctx := context.Background()
	name := fmt.Sprintf("fpn_instances_%d", rand.Uint64())
	admin := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(dsn)))
	_, err := admin.ExecContext(ctx, "CREATE DATABASE "+name)
	require.NoError(t, err)
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	u.Path = "/" + name
	db := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(u.String())))
	t.Cleanup(func() {
		db.Close()
		_, err := admin.ExecContext(ctx, "DROP DATABASE "+name+" WITH (FORCE)")
		assert.NoError(t, err)
		admin.Close()
	})
	return u.String(), db
}

// hook is a township's webhook receiver that records the notifications
// it is sent, by key.
type hook struct {
	mu   sync.Mutex
	keys map[string]int // times each key was received
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var n struct {
		Key string `json:"key"`
	}
	b, _ := io.ReadAll(r.Body)
	if json.Unmarshal(b, &n) != nil || n.Key == "" {
		http.Error(w, "no key", http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.keys[n.Key]++
	h.mu.Unlock()
}

func (h *hook) received() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[string]int, len(h.keys))
	for k, n := range h.keys {
		out[k] = n
	}
	return out
}

var leaderGauge = regexp.MustCompile(`(?m)^fourplusn_watch_leader (\d)`)

// leads reports whether the pilot at base says it runs the watch.
func leads(c *http.Client, base string) bool {
	resp, err := c.Get(base + "metrics")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := leaderGauge.FindSubmatch(b)
	return m != nil && string(m[1]) == "1"
}

// Three pilots on one PostgreSQL database, eight writers spread over
// them, and the one that runs the watch killed with SIGKILL mid-load:
// another takes the watch over within 30 s, every acknowledged write is
// kept, every notification reaches the webhook by its key, every deadline
// due is acted on once, and verify finds no broken timeline.
func TestInstances(t *testing.T) {
	dsn, db := freshDatabase(t)
	bin := buildPilot(t)
	h := &hook{keys: map[string]int{}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	t.Setenv("PILOT_DB", dsn)
	t.Setenv("PILOT_WEBHOOK_URL", srv.URL)
	t.Setenv("PILOT_WEBHOOK_SECRET", "hook-secret")
	dir := t.TempDir()
	token := seeded(t, bin, dir)

	// A short lease, renewed every second, so that the test is quick.
	var ps []*process
	for range 3 {
		ps = append(ps, start(t, bin, dir, "-watch-lease", "3s", "-deadline-tick", "1s"))
	}
	c := &http.Client{Timeout: 5 * time.Second}
	var leader int
	require.Eventually(t, func() bool {
		n := 0
		for i, p := range ps {
			if leads(c, p.url) {
				leader, n = i, n+1
			}
		}
		return n == 1
	}, 30*time.Second, 100*time.Millisecond, "one of the three runs the watch")

	l := startLoad(token, 0, ps[0].url, ps[1].url, ps[2].url)
	l.waitFor(t, 60)
	require.NoError(t, ps[leader].cmd.Process.Signal(syscall.SIGKILL))
	ps[leader].cmd.Wait()
	killed := time.Now()
	var survivors []*process
	for i, p := range ps {
		if i != leader {
			survivors = append(survivors, p)
		}
	}
	require.Eventually(t, func() bool {
		return leads(c, survivors[0].url) || leads(c, survivors[1].url)
	}, 30*time.Second, 100*time.Millisecond, "a survivor takes the watch over within 30 s")
	t.Logf("the watch taken over %.1f s after the leader was killed", time.Since(killed).Seconds())
	assert.False(t, leads(c, survivors[0].url) && leads(c, survivors[1].url), "never two watches at once")
	l.waitFor(t, len(l.acknowledged())+40)
	l.end(t)
	acked := l.acknowledged()
	t.Logf("%d cases acknowledged", len(acked))
	checkCases(t, c, survivors[0].url, token, acked)

	ctx := context.Background()
	count := func(query string) int {
		var n int
		require.NoError(t, db.QueryRowContext(ctx, query).Scan(&n))
		return n
	}
	require.Eventually(t, func() bool {
		return count("SELECT count(*) FROM notify_outbox WHERE state <> 'delivered'") == 0
	}, 60*time.Second, 200*time.Millisecond, "every notification is delivered")
	rows, err := db.QueryContext(ctx, "SELECT dedupe_key FROM notify_outbox")
	require.NoError(t, err)
	want := map[string]bool{}
	for rows.Next() {
		var k string
		require.NoError(t, rows.Scan(&k))
		want[k] = true
	}
	require.NoError(t, rows.Err())
	got := h.received()
	twice := 0
	for k := range want {
		if !assert.Contains(t, got, k, "notification %s reached the webhook", k) {
			continue
		}
		twice += got[k] - 1
	}
	for k := range got {
		assert.Contains(t, want, k, "the webhook was sent only what the outbox holds")
	}
	// Only what the killed leader had sent and not yet recorded can be
	// sent again: at most one batch.
	assert.LessOrEqual(t, twice, 50, "notifications sent again after the kill")
	t.Logf("%d notifications, %d of them received twice (sent by the killed leader, not recorded before it died)", len(want), twice)

	// Each deadline step the runner took is recorded once, and its
	// notices are in the outbox once, whichever instance took it.
	actions := count("SELECT count(*) FROM deadline_actions")
	assert.Positive(t, actions, "the demo township's deadlines were acted on")
	assert.Equal(t, actions, count("SELECT count(DISTINCT action_key) FROM deadline_actions"))
	assert.Zero(t, count("SELECT count(*) FROM deadline_actions AS a WHERE a.township = '' OR a.township <> COALESCE((SELECT c.township FROM cases AS c WHERE c.id = a.subject), (SELECT h.township FROM hazards AS h WHERE h.id = a.subject), '')"),
		"each step is recorded in its case's or hazard's township")
	assert.Positive(t, count("SELECT count(*) FROM notify_outbox WHERE data LIKE '%\"kind\":\"overdue\"%' OR data LIKE '%\"kind\":\"reminder\"%' OR data LIKE '%\"kind\":\"alert\"%'"), "the deadlines' notices were sent")
	t.Logf("%d deadline actions", actions)

	for _, p := range survivors {
		p.stop(t)
	}
	assert.Regexp(t, checked, runCmd(t, bin, dir, "verify"))
}
