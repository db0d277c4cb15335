package bunstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// notOwned are the tables whose rows belong to no township, with the
// reason; every other table's keys must start with township.
var notOwned = map[string]string{
	"bun_migrations":      "the schema's version: one for the database",
	"bun_migration_locks": "the lock of the migrations: one for the database",
	"tracking_state":      "one row (id 1) that says whether the deadline rows of every township are filled",
	"files":               "attachments by their SHA-256: the same bytes attached in two townships are stored once, and the key is the content itself",
	"channel_messages":    "a message is received, and kept once by its channel's own ID, before it is known which township it is for",
	"channel_senders":     "belongs to channel_messages: a sender's messages before and after routing, whatever township they reached",
	"grid_townships":      "its key, id, is the township itself",
	"watch_lease":         "the lease of the one watch every instance of the county competes for",
	"rate_buckets":        "the anonymous routes' rate limits, kept by client address, whatever township is asked about",
	// The grid is read whole by every instance when it starts and written
	// a change at a time; a member's ID is theirs across the county, as
	// their login is. A reference table on a distributed engine.
	"grid_cells":   "the county's grid, read whole at start: a reference table",
	"grid_members": "the county's members, whose IDs are unique across it: a reference table",
}

// townshipExceptions are single keys of township-owned tables that do not
// start with township, with the reason.
var townshipExceptions = map[string]string{
	// A resident quotes the code alone; see
	// migrations/20261201000022_township_keys.txt.
	"cases (tracking_code)": "unique across the county: a reference table on a distributed engine",
	// SQLite is never distributed; its rowid is what its FTS5 index and
	// its AUTOINCREMENT-like ids rest on.
	"sqlite case_search (n)":    "the rowid the FTS5 index case_search_fts refers to",
	"sqlite notify_outbox (id)": "the rowid that numbers the notifications in the order they were written",
}

// tableKey is a primary or unique key as the catalogue lists it.
type tableKey struct {
	table   string
	columns []string
}

func (k tableKey) String() string { return k.table + " (" + strings.Join(k.columns, ", ") + ")" }

// uniqueKeys reads the primary and unique keys of every table of db's
// schema from the catalogue.
func uniqueKeys(t *testing.T, db *bunstore.DB, postgres bool) []tableKey {
	t.Helper()
	ctx := context.Background()
	var keys []tableKey
	if postgres {
		rows, err := db.Bun().QueryContext(ctx, `SELECT t.relname, ic.relname, a.attname
FROM pg_index AS ix
JOIN pg_class AS t ON t.oid = ix.indrelid
JOIN pg_class AS ic ON ic.oid = ix.indexrelid
JOIN pg_namespace AS n ON n.oid = t.relnamespace
CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k (attnum, ord)
JOIN pg_attribute AS a ON a.attrelid = t.oid AND a.attnum = k.attnum
WHERE n.nspname = current_schema() AND ix.indisunique
ORDER BY t.relname, ic.relname, k.ord`)
		require.NoError(t, err)
		defer rows.Close()
		last := ""
		for rows.Next() {
			var table, index, column string
			require.NoError(t, rows.Scan(&table, &index, &column))
			if index != last {
				keys, last = append(keys, tableKey{table: table}), index
			}
			keys[len(keys)-1].columns = append(keys[len(keys)-1].columns, column)
		}
		require.NoError(t, rows.Err())
		return keys
	}
	for _, table := range tables(t, db.Bun(), false) {
		var indexes []string
		hasPK := false
		scan(t, db.Bun(), "SELECT name, origin FROM pragma_index_list(?) WHERE \"unique\" = 1 ORDER BY name", func(s func(...any) error) error {
			var name, origin string
			if err := s(&name, &origin); err != nil {
				return err
			}
			hasPK = hasPK || origin == "pk"
			indexes = append(indexes, name)
			return nil
		}, table)
		for _, index := range indexes {
			k := tableKey{table: table}
			scan(t, db.Bun(), "SELECT name FROM pragma_index_info(?) ORDER BY seqno", func(s func(...any) error) error {
				var c string
				err := s(&c)
				k.columns = append(k.columns, c)
				return err
			}, index)
			keys = append(keys, k)
		}
		if !hasPK {
			// An INTEGER PRIMARY KEY is the rowid, with no index listed.
			k := tableKey{table: "sqlite " + table}
			scan(t, db.Bun(), "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", func(s func(...any) error) error {
				var c string
				err := s(&c)
				k.columns = append(k.columns, c)
				return err
			}, table)
			if len(k.columns) > 0 {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

// tables lists the tables of db's schema, without SQLite's own and the
// FTS5 index's, which SQLite makes.
func tables(t *testing.T, db bun.IDB, postgres bool) []string {
	t.Helper()
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'case\\_search\\_fts%' ESCAPE '\\' ORDER BY name"
	if postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
	}
	return names(t, db, q)
}

// scan runs q and calls row for each row.
func scan(t *testing.T, db bun.IDB, q string, row func(scan func(...any) error) error, args ...any) {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q, args...)
	require.NoError(t, err, q)
	defer rows.Close()
	for rows.Next() {
		require.NoError(t, row(rows.Scan), q)
	}
	require.NoError(t, rows.Err(), q)
}

// TestTownshipKeys reads the catalogue of a freshly migrated store and
// fails for a primary or unique key of a table whose rows belong to a
// township that does not start with the column township: such a key
// could not hold on a database distributed by township.
func TestTownshipKeys(t *testing.T) {
	onEachEngine(t, func(t *testing.T, dsn string) {
		postgres := strings.HasPrefix(dsn, "postgres")
		db, err := bunstore.Open(context.Background(), dsn)
		require.NoError(t, err)
		defer db.Close()
		keys := uniqueKeys(t, db, postgres)
		require.NotEmpty(t, keys)
		keyed := map[string]bool{}
		for _, k := range keys {
			table := strings.TrimPrefix(k.table, "sqlite ")
			if _, ok := notOwned[table]; ok {
				continue
			}
			keyed[table] = true
			if _, ok := townshipExceptions[k.String()]; ok {
				continue
			}
			assert.Equal(t, "township", k.columns[0], "%s: a key of a table whose rows belong to a township must start with township", k)
		}
		for _, table := range tables(t, db.Bun(), postgres) {
			if _, ok := notOwned[table]; !ok {
				assert.True(t, keyed[table], "%s has no primary key", table)
			}
		}
		for _, table := range bunstore.TownshipKeyTables() {
			assert.True(t, keyed[table], "%s is not in the catalogue", table)
		}
	})
}

// secondDSN returns a new, empty database of dsn's engine.
func secondDSN(t *testing.T, dsn string) string {
	if strings.HasPrefix(dsn, "postgres") {
		return schemaDSN(t, postgresDSN(t))
	}
	return filepath.Join(t.TempDir(), "old.db")
}

// storeAt returns a store of the schema version, holding what fill
// stores: fill writes a store of the newest schema, whose rows are copied
// into the columns the older schema has. Tables the older schema lacks
// are left for its newer migrations to make and fill.
func storeAt(t *testing.T, dsn, version string, fill func(db *bunstore.DB)) {
	t.Helper()
	ctx := context.Background()
	postgres := strings.HasPrefix(dsn, "postgres")
	src, err := bunstore.Open(ctx, secondDSN(t, dsn))
	require.NoError(t, err)
	defer src.Close()
	fill(src)

	restore := bunstore.SetSchemaLimit(version)
	old, err := bunstore.Open(ctx, dsn)
	restore()
	require.NoError(t, err)
	defer old.Close()
	names := tables(t, old.Bun(), postgres)
	// The tables others refer to go first.
	slices.SortStableFunc(names, func(a, b string) int {
		first := func(n string) bool { return n == "cases" || n == "hazards" || n == "channel_messages" }
		switch {
		case first(a) && !first(b):
			return -1
		case first(b) && !first(a):
			return 1
		}
		return 0
	})
	have := map[string]bool{}
	for _, n := range tables(t, src.Bun(), postgres) {
		have[n] = true
	}
	for _, table := range names {
		if !have[table] || strings.HasPrefix(table, "bun_") {
			continue
		}
		into, from := columns(t, old.Bun(), table, postgres), columns(t, src.Bun(), table, postgres)
		var cols []string
		for _, c := range into {
			if slices.Contains(from, c) {
				cols = append(cols, c)
			}
		}
		list := strings.Join(cols, ", ")
		rows, err := src.Bun().QueryContext(ctx, "SELECT "+list+" FROM "+table)
		require.NoError(t, err)
		var all [][]any
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			require.NoError(t, rows.Scan(ptrs...))
			all = append(all, vals)
		}
		require.NoError(t, rows.Err())
		rows.Close()
		for _, vals := range all {
			_, err := old.Bun().ExecContext(ctx, "INSERT INTO "+table+" ("+list+") VALUES (?"+strings.Repeat(", ?", len(cols)-1)+") ON CONFLICT DO NOTHING", vals...)
			require.NoError(t, err, table)
		}
	}
	if postgres {
		_, err := old.Bun().ExecContext(ctx, "SELECT setval(pg_get_serial_sequence('notify_outbox', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM notify_outbox")
		require.NoError(t, err)
	}
}

// columns lists table's columns.
func columns(t *testing.T, db bun.IDB, table string, postgres bool) []string {
	q := "SELECT name FROM pragma_table_info(?) ORDER BY cid"
	if postgres {
		q = "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position"
	}
	return names(t, db, q, table)
}

// names returns the one column of q's rows.
func names(t *testing.T, db bun.IDB, q string, args ...any) []string {
	t.Helper()
	var out []string
	scan(t, db, q, func(s func(...any) error) error {
		var n string
		err := s(&n)
		out = append(out, n)
		return err
	}, args...)
	return out
}

// counts returns the number of rows of each table of db.
func counts(t *testing.T, db *bunstore.DB, postgres bool) map[string]int {
	out := map[string]int{}
	for _, table := range tables(t, db.Bun(), postgres) {
		var n int
		require.NoError(t, db.Bun().QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n))
		out[table] = n
	}
	return out
}

// TestMigrateTownshipKeys fills a store of the schema before migration
// 20261201000022 with cases and hazards, their events, team, phone
// numbers, answers and idempotency keys, and the deadline runner's
// steps on them, and checks that the migrations 20261201000022 and
// 20261201000024 keep every row and every hash chain, that a step is
// found in the township of its case or hazard (one whose subject is
// gone, in the empty township), that the store works on, and that the
// migrations run again change nothing.
func TestMigrateTownshipKeys(t *testing.T) {
	ctx := context.Background()
	onEachEngine(t, func(t *testing.T, dsn string) {
		postgres := strings.HasPrefix(dsn, "postgres")
		const n = 30
		var before map[string]int
		storeAt(t, dsn, "20261201000021", func(db *bunstore.DB) {
			for i := 1; i <= n; i++ {
				c, events := testCase(i)
				c.Applicants = append(c.Applicants, mediation.Party{Name: "丙某", Phone: "13700001111", IDCard: "41170219800101001X"})
				_, err := db.Cases().Create(ctx, c, events, work.IdempotencyKey{Scope: "m1", Key: c.TrackingCode})
				require.NoError(t, err)
				_, err = db.Cases().Update(ctx, c.ID, c.Version, func(c *mediation.Case) ([]timeline.Event, error) {
					at := c.RegisteredAt.Add(time.Hour)
					c.Team = append(c.Team, mediation.Participant{Department: "grid"})
					c.FollowUps = append(c.FollowUps, mediation.FollowUp{At: at, By: "m1", Performed: true, Satisfaction: []mediation.Satisfaction{mediation.Satisfied}})
					var e timeline.Event
					e, c.Chain = c.Chain.Append(timeline.Event{Subject: string(c.ID), At: at, Actor: "m1", Action: "visited"})
					return []timeline.Event{e}, nil
				})
				require.NoError(t, err)
				h, hevents := testHazard(i)
				_, err = db.Hazards().Create(ctx, h, hevents, work.IdempotencyKey{Scope: "m1", Key: string(h.ID)})
				require.NoError(t, err)
				for _, k := range stepKeys(c.ID, h.ID) {
					require.NoError(t, db.DeadlineActions().Record(ctx, c.Township, k, stepSubject(k), c.RegisteredAt))
				}
			}
			require.NoError(t, db.DeadlineActions().Record(ctx, "gucheng", goneStep, "C9999", time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)))
			before = counts(t, db, postgres)
		})

		db, err := bunstore.Open(ctx, dsn)
		require.NoError(t, err)
		after := counts(t, db, postgres)
		for _, table := range bunstore.TownshipKeyTables() {
			assert.Equal(t, before[table], after[table], "%s keeps its rows", table)
		}
		assert.Equal(t, n, after["cases"])
		assert.Equal(t, n, after["hazards"])
		assert.Equal(t, 2*n, after["case_events"], "every event")
		assert.Equal(t, n, after["case_answers"], "every answer")
		assert.Equal(t, 2*n+1, after["deadline_actions"], "every step of the deadline runner")
		checkStore(t, db, n)
		checkSteps(t, db, n)
		require.NoError(t, db.Close())

		// Run again: the migration finds its work done.
		_, err = bunstore.Open(ctx, dsn)
		require.NoError(t, err)
		db, err = bunstore.Open(ctx, dsn)
		require.NoError(t, err)
		_, err = db.Bun().ExecContext(ctx, "DELETE FROM bun_migrations WHERE name IN ('20261201000022', '20261201000024')")
		require.NoError(t, err)
		require.NoError(t, db.Close())
		db, err = bunstore.Open(ctx, dsn)
		require.NoError(t, err)
		defer db.Close()
		assert.Equal(t, after, counts(t, db, postgres), "the migration run again changes nothing")
		checkStore(t, db, n)
		checkSteps(t, db, n)
	})
}

// goneStep is a step of the deadline runner on a case no longer stored.
const goneStep = "case/C9999/accept/1/50%"

// stepKeys are the keys of a step of the deadline runner on case c and
// one on hazard h, named as the runner names them (work.DeadlineRule).
func stepKeys(c mediation.ID, h hazard.ID) []string {
	return []string{"case/" + string(c) + "/accept/1/50%", "hazard/" + string(h) + "/rectify/1/50%"}
}

// stepSubject is the subject a step's key names.
func stepSubject(key string) string { return strings.Split(key, "/")[1] }

// checkSteps checks that the steps TestMigrateTownshipKeys stored on
// each of the n cases and hazards are found in the township of their
// subject, and the step on a subject gone in the empty township.
func checkSteps(t *testing.T, db *bunstore.DB, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 1; i <= n; i++ {
		c, _ := testCase(i)
		h, _ := testHazard(i)
		keys := stepKeys(c.ID, h.ID)
		acted, err := db.DeadlineActions().Acted(ctx, c.Township, keys)
		require.NoError(t, err)
		assert.Equal(t, map[string]bool{keys[0]: true, keys[1]: true}, acted, "the steps on %s and %s", c.ID, h.ID)
	}
	acted, err := db.DeadlineActions().Acted(ctx, "gucheng", []string{goneStep})
	require.NoError(t, err)
	assert.Empty(t, acted, "a step whose subject is gone has no township")
	acted, err = db.DeadlineActions().Acted(ctx, "", []string{goneStep})
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{goneStep: true}, acted, "and is kept")
}

// checkStore checks that each of the n cases and hazards of testCase and
// testHazard is whole: found by its ID, tracking code, phone number and
// idempotency key, with an intact timeline.
func checkStore(t *testing.T, db *bunstore.DB, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 1; i <= n; i++ {
		want, _ := testCase(i)
		c, err := db.Cases().Get(ctx, want.ID)
		require.NoError(t, err)
		events, err := db.Cases().Events(ctx, c.ID)
		require.NoError(t, err)
		assert.Len(t, events, int(c.Chain.Len))
		assert.NoError(t, timeline.Verify(string(c.ID), events, c.Chain), "case %s", c.ID)
		assert.Len(t, c.Team, len(want.Team)+1)
		byCode, err := db.Cases().GetByTrackingCode(ctx, want.TrackingCode)
		require.NoError(t, err)
		assert.Equal(t, c.ID, byCode.ID)
		again, _ := testCase(i)
		got, err := db.Cases().Create(ctx, again, nil, work.IdempotencyKey{Scope: "m1", Key: want.TrackingCode})
		if assert.NoError(t, err, "the idempotency key finds the case") {
			assert.Equal(t, c.ID, got.ID)
		}

		wantH, _ := testHazard(i)
		h, err := db.Hazards().Get(ctx, wantH.ID)
		require.NoError(t, err)
		hevents, err := db.Hazards().Events(ctx, h.ID)
		require.NoError(t, err)
		assert.NoError(t, timeline.Verify(string(h.ID), hevents, h.Chain), "hazard %s", h.ID)
	}
	byPhone, err := db.Cases().ByApplicantPhone(ctx, "13700001111")
	require.NoError(t, err)
	assert.Len(t, byPhone, n)
}

// testHazard returns an open hazard n in mayuan-1 with its first event.
func testHazard(n int) (*hazard.Hazard, []timeline.Event) {
	at := time.Date(2026, 5, 2, 8, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Hour)
	p := demo.Path("mayuan-1")
	h := &hazard.Hazard{
		ID: hazard.ID(fmt.Sprintf("H%04d", n)), Version: 1, Township: p.Township(), Category: hazard.Other, Grade: work.Simple,
		Description: "排水沟堵塞", Location: p, Handling: p, Reporter: "mayuan-1-head",
		State: hazard.Open, ReportedAt: at, RectifyDue: at.Add(72 * time.Hour),
	}
	var e timeline.Event
	e, h.Chain = h.Chain.Append(timeline.Event{Subject: string(h.ID), At: at, Actor: h.Reporter, Action: "reported"})
	return h, []timeline.Event{e}
}
