package pilot_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/examples/pilot/internal/pilot"
	"github.com/fourplusn/fourplusn/internal/pgtest"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// hearWait bounds how long a test waits for a change made through one
// instance to reach another: far above the milliseconds it takes, far
// below the consoles' 15 s heartbeat, which would otherwise bring it.
const hearWait = 10 * time.Second

// twoPilots starts two pilots on one PostgreSQL database — a schema of its
// own, dropped when the test ends — as two instances behind a load
// balancer would run, each serving with sopts, the first loading the
// demo. It skips the test when FOURPLUSN_TEST_POSTGRES is not set.
func twoPilots(t *testing.T, sopts pilot.ServerOptions) (a, b *pilot.App, ta, tb *httptest.Server) {
	t.Helper()
	dsn, _ := pgtest.Schema(t, pgtest.DSN(t, "the test of two instances on one PostgreSQL"), "fourplusn_pilots")
	ctx := context.Background()
	start := func() (*pilot.App, *httptest.Server) {
		app, _, err := pilot.Open(ctx, dsn, slog.New(slog.NewTextHandler(io.Discard, nil)), pilot.Options{Demo: true, PasswordCost: bcrypt.MinCost})
		require.NoError(t, err)
		srv, err := pilot.NewServer(app, sopts)
		require.NoError(t, err)
		ts := httptest.NewServer(srv)
		t.Cleanup(func() {
			srv.Shutdown()
			ts.Close()
			app.Close()
		})
		return app, ts
	}
	a, ta = start()
	b, tb = start()
	return a, b, ta, tb
}

// registerThrough registers a case through app, as its pages would.
func registerThrough(t *testing.T, app *pilot.App, facts string) *mediation.Case {
	t.Helper()
	police, ok := app.Member("mayuan-police")
	require.True(t, ok)
	c, err := app.Cases.Register(context.Background(), police.Actor(), mediation.Intake{
		Channel: work.ChannelWalkIn, Category: mediation.Neighbour,
		Applicants:  []mediation.Party{{Name: "刘秀英", Phone: "13812340001", Address: "马园一组"}},
		Respondents: []mediation.Party{{Name: "王芳", Address: "马园一组"}},
		Facts:       facts, Location: "mayuan-1",
	})
	require.NoError(t, err)
	return c
}

// A case registered through one instance nudges a duty console whose
// stream is open on the other, and the console's list there then shows
// it: the officer on duty hears of every change, whichever instance the
// load balancer sent its maker to.
func TestConsoleFanOutAcrossInstances(t *testing.T) {
	a, b, _, tb := twoPilots(t, pilot.ServerOptions{})

	// The other instance hears a first change: its listener is connected
	// and past the reconnection's catch-up, so that a nudge the stream
	// gets below is the change's own.
	heard := make(chan bunstore.Change, 100)
	defer b.DB.Subscribe(func(c bunstore.Change) {
		if c.Topic == bunstore.TopicCase {
			heard <- c
		}
	})()
	first := registerThrough(t, a, "第一件：楼上漏水。")
	select {
	case c := <-heard:
		assert.Equal(t, string(first.ID), c.ID)
	case <-time.After(hearWait):
		t.Fatal("the other instance did not hear the first case")
	}

	cl := newClient(t, tb.URL)
	require.Equal(t, http.StatusSeeOther, cl.login("gc-duty-1", pilot.DemoPassword).StatusCode)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, tb.URL+"/console/events", nil)
	require.NoError(t, err)
	resp, err := cl.http.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	events := make(chan string, 10)
	open := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "retry:") {
				close(open)
			}
			if name, ok := strings.CutPrefix(line, "event: "); ok {
				events <- name
			}
		}
		close(events)
	}()
	select {
	case <-open:
	case <-time.After(hearWait):
		t.Fatal("the console's stream did not open")
	}

	began := time.Now()
	second := registerThrough(t, a, "第二件：院墙间距之争。")
	select {
	case name := <-events:
		assert.Equal(t, "changed", name, "the console is nudged, not merely ticked")
		t.Logf("the console on the other instance was nudged %v after the registration began", time.Since(began))
	case <-time.After(hearWait):
		t.Fatalf("no nudge reached the console on the other instance within %v", hearWait)
	}
	_, body := cl.get("/console")
	assert.Contains(t, body, second.Number.String(), "the console's list on the other instance shows the case")
}

// A change of the grid made through one instance — a cell renamed, a
// member added — reaches the other's tree, which the instance holds in
// memory, without a restart.
func TestGridAcrossInstances(t *testing.T) {
	a, b, _, _ := twoPilots(t, pilot.ServerOptions{})
	ctx := context.Background()
	secretary, ok := a.Member("gc-secretary")
	require.True(t, ok)
	before, err := b.Grid.Directory().Tree().Cell("mayuan-1")
	require.NoError(t, err)
	_, err = a.Grid.RenameCell(ctx, secretary.Actor(), "mayuan-1", "马园第一村民组")
	require.NoError(t, err)

	began := time.Now()
	for {
		c, err := b.Grid.Directory().Tree().Cell("mayuan-1")
		require.NoError(t, err)
		if c.Name == "马园第一村民组" {
			t.Logf("the other instance's tree had the new name %v after the change", time.Since(began))
			break
		}
		require.Equal(t, before.Name, c.Name, "the old name until the new one")
		if time.Since(began) > hearWait {
			t.Fatalf("the other instance's tree still has the old name after %v", hearWait)
		}
		time.Sleep(10 * time.Millisecond)
	}
	assert.Equal(t, a.Grid.Directory().Head("gucheng"), b.Grid.Directory().Head("gucheng"), "both trees are at the same end of the log")
}

// The public pages' rate limit per address is one across the instances:
// an address spreading its lookups over both gets the burst of one.
func TestPublicLimitAcrossInstances(t *testing.T) {
	_, _, ta, tb := twoPilots(t, pilot.ServerOptions{})
	const burst = 20 // the pilot's public burst
	for i := range burst {
		base := ta.URL
		if i%2 == 1 {
			base = tb.URL
		}
		resp, _ := newClient(t, base).get("/track?code=NOSUCHCODE")
		require.Equal(t, http.StatusNotFound, resp.StatusCode, "lookup %d is within the burst", i+1)
	}
	for _, base := range []string{ta.URL, tb.URL} {
		resp, body := newClient(t, base).get("/track?code=NOSUCHCODE")
		assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
		assert.Contains(t, body, "查询过于频繁")
	}
}
