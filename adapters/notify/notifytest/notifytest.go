// Package notifytest builds the environments the tests of the
// notification, deadline and channel adapters run in: the demo township's
// services on a fake clock over the memory store, over SQLite in a
// temporary directory, and over PostgreSQL when FOURPLUSN_TEST_POSTGRES
// names a server, each with its outbox, deadline record and inbox. Each
// environment can be reopened on the same data, as a restarted process
// would be.
package notifytest

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/adapters/files"
	"github.com/fourplusn/fourplusn/adapters/inbox"
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/adapters/outbox"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/internal/pgtest"
	"github.com/fourplusn/fourplusn/mediation"
)

// Start is when every environment's clock starts: 9 a.m. in Shanghai on
// 1 November 2022, when the seed's first story began.
var Start = time.Date(2022, 11, 1, 1, 0, 0, 0, time.UTC)

// Clock is a fake clock that tests move by hand.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Actions is what the deadline runner records; bunstore.DeadlineActions
// and memstore.DeadlineActions are.
type Actions interface {
	Acted(ctx context.Context, township grid.CellID, keys []string) (map[string]bool, error)
	Record(ctx context.Context, township grid.CellID, key, subject string, at time.Time) error
}

// Env is one environment: services and stores on one set of data.
type Env struct {
	Demo    *gridtest.Demo
	Clock   *Clock
	Cases   *mediation.Service
	Hazards *hazard.Service
	// CaseStore and HazardStore are the services' stores, for tests that
	// look behind the services.
	CaseStore   mediation.Store
	HazardStore hazard.Store
	Outbox      outbox.Store
	Actions     Actions
	Inbox       inbox.Store
	Members     grid.Store
	// Reopen returns the environment as a restarted process sees it: new
	// services and stores on the same data and the same clock.
	Reopen func(t *testing.T) *Env
}

// Engine makes fresh environments of one kind.
type Engine struct {
	Name string
	New  func(t *testing.T) *Env
}

// Engines returns the memory, SQLite and PostgreSQL engines; the last
// skips its tests when FOURPLUSN_TEST_POSTGRES is not set.
func Engines() []Engine {
	return []Engine{{"memory", newMemory}, {"SQLite", newSQLite}, {"PostgreSQL", newPostgres}}
}

// serial numbers IDs, so that they are unique and sort in the order made
// across reopenings too.
var serial atomic.Int64

// services builds the services on stores with clk and sequential IDs.
func services(t *testing.T, demo *gridtest.Demo, clk *Clock, cases mediation.Store, hazards hazard.Store, files attachment.Files) (*mediation.Service, *hazard.Service) {
	cells := memstore.Grid{Tree: demo.Tree}
	next := func(prefix string) string {
		return fmt.Sprintf("%s%s%06d", prefix, clk.Now().UTC().Format("20060102150405"), serial.Add(1))
	}
	ms, err := mediation.NewService(mediation.Config{
		Store: cases, Cells: cells, Policy: grid.DefaultPolicy(), Rules: mediation.DefaultRules(), Now: clk.Now, Files: files,
		NewID:           func() mediation.ID { return mediation.ID(next("C")) },
		NewTrackingCode: func() string { return next("T") },
	})
	require.NoError(t, err)
	hs, err := hazard.NewService(hazard.Config{
		Store: hazards, Cells: cells, Policy: grid.DefaultPolicy(), Rules: hazard.DefaultRules(), Converter: ms, Now: clk.Now, Files: files,
		NewID: func() hazard.ID { return hazard.ID(next("H")) },
	})
	require.NoError(t, err)
	return ms, hs
}

func saveMembers(t *testing.T, s grid.Store, demo *gridtest.Demo) {
	_, err := demo.Found(context.Background(), s)
	require.NoError(t, err)
}

func newMemory(t *testing.T) *Env {
	demo, clk := gridtest.Gucheng(), &Clock{now: Start}
	cases, hazards, box := memstore.NewCases(), memstore.NewHazards(), memstore.NewOutbox()
	cases.EnableOutbox(box, mediation.Notices)
	hazards.EnableOutbox(box, hazard.Notices)
	members := memstore.NewGridStore()
	saveMembers(t, members, demo)
	actions, inbox := memstore.NewDeadlineActions(), memstore.NewChannelMessages()
	dir, err := files.Open(t.TempDir())
	require.NoError(t, err)
	var open func(t *testing.T) *Env
	open = func(t *testing.T) *Env {
		ms, hs := services(t, demo, clk, cases, hazards, dir)
		return &Env{Demo: demo, Clock: clk, Cases: ms, Hazards: hs, CaseStore: cases, HazardStore: hazards,
			Outbox: box, Actions: actions, Inbox: inbox, Members: members, Reopen: open}
	}
	return open(t)
}

// onDB builds an environment on the database open opens, again at each
// reopening; the previous database is closed first.
func onDB(t *testing.T, open func(t *testing.T) *bunstore.DB) *Env {
	demo, clk := gridtest.Gucheng(), &Clock{now: Start}
	db := open(t)
	saveMembers(t, db.Grid(), demo)
	var reopen func(t *testing.T) *Env
	build := func(t *testing.T, db *bunstore.DB) *Env {
		db.EnableOutbox(mediation.Notices, hazard.Notices)
		ms, hs := services(t, demo, clk, db.Cases(), db.Hazards(), db.Files())
		return &Env{Demo: demo, Clock: clk, Cases: ms, Hazards: hs, CaseStore: db.Cases(), HazardStore: db.Hazards(),
			Outbox: db.Outbox(), Actions: db.DeadlineActions(), Inbox: db.ChannelMessages(), Members: db.Grid(), Reopen: reopen}
	}
	reopen = func(t *testing.T) *Env {
		require.NoError(t, db.Close())
		db = open(t)
		return build(t, db)
	}
	return build(t, db)
}

func newSQLite(t *testing.T) *Env {
	path := filepath.Join(t.TempDir(), "test.db")
	return onDB(t, func(t *testing.T) *bunstore.DB {
		db, err := bunstore.Open(context.Background(), path)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		return db
	})
}

// newPostgres opens the server in a schema of its own, dropped when the
// test ends, or skips the test.
func newPostgres(t *testing.T) *Env {
	dsn, _ := pgtest.Schema(t, pgtest.DSN(t, "the PostgreSQL run"), "fourplusn_notify")
	ctx := context.Background()
	return onDB(t, func(t *testing.T) *bunstore.DB {
		db, err := bunstore.Open(ctx, dsn)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		return db
	})
}

// Run runs fn in a subtest on a fresh environment of each engine.
func Run(t *testing.T, fn func(t *testing.T, env *Env)) {
	for _, e := range Engines() {
		t.Run(e.Name, func(t *testing.T) { fn(t, e.New(t)) })
	}
}
