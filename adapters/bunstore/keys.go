package bunstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// townshipKey is how migrations 20261201000022 and 20261201000024 key
// one table by township: the table's primary key and unique keys after
// it, and, for a table without the column township, the parent its rows
// belong to, whose township fills the new column, or the expression that
// fills it.
type townshipKey struct {
	table   string
	primary []string   // the new primary key, township first
	unique  [][]string // the unique keys other than the primary one
	// parent is the table whose row a row of this one belongs to, by the
	// column ref holding the parent's id; "" for a table that has the
	// column township already.
	parent, ref string
	// fill, for a table without the column township and without a
	// parent, is the SQL expression over its old row t that gives a
	// row's township; both engines must read it alike. No foreign key
	// is made for it.
	fill string
	// rowid, on SQLite, keeps the column as the table's INTEGER PRIMARY
	// KEY, the rowid another structure refers to (the FTS5 index of
	// case_search reads its rows by n); primary is then a unique key.
	rowid string
	// indexes serve the queries that name a row without its township —
	// a case by its ID, the cases of a phone number — which the keys,
	// township first, no longer serve.
	indexes []string
}

// townshipKeys are the tables migration 20261201000022 keys by township,
// parents before their children.
var townshipKeys = []townshipKey{
	// tracking_code stays unique across townships: see the migration's
	// note in migrations/20261201000022_township_keys.txt.
	{table: "cases", primary: []string{"township", "id"}, unique: [][]string{{"tracking_code"}}, indexes: []string{"cases_id ON cases (id)"}},
	{table: "case_events", primary: []string{"township", "subject", "seq"}, parent: "cases", ref: "subject", indexes: []string{"case_events_subject ON case_events (subject, seq)"}},
	{table: "case_keys", primary: []string{"township", "scope", "ikey"}, parent: "cases", ref: "record_id", indexes: []string{"case_keys_record ON case_keys (record_id)"}},
	{table: "case_participants", primary: []string{"township", "case_id", "n"}, parent: "cases", ref: "case_id", indexes: []string{"case_participants_case ON case_participants (case_id, n)"}},
	{table: "case_phones", primary: []string{"township", "phone", "case_id"}, parent: "cases", ref: "case_id", indexes: []string{"case_phones_phone ON case_phones (phone, case_id)"}},
	{table: "case_idcards", primary: []string{"township", "idcard", "case_id"}, parent: "cases", ref: "case_id", indexes: []string{"case_idcards_idcard ON case_idcards (idcard, case_id)"}},
	{table: "case_answers", primary: []string{"township", "case_id", "visit", "party"}, parent: "cases", ref: "case_id", indexes: []string{"case_answers_case ON case_answers (case_id, visit, party)"}},
	{table: "case_search", primary: []string{"township", "case_id"}, parent: "cases", ref: "case_id", rowid: "n", indexes: []string{"case_search_case ON case_search (case_id)"}},
	{table: "case_search_phones", primary: []string{"township", "phone", "case_id"}, parent: "cases", ref: "case_id", indexes: []string{"case_search_phones_phone ON case_search_phones (phone, case_id)"}},
	{table: "hazards", primary: []string{"township", "id"}, indexes: []string{"hazards_id ON hazards (id)"}},
	{table: "hazard_events", primary: []string{"township", "subject", "seq"}, parent: "hazards", ref: "subject", indexes: []string{"hazard_events_subject ON hazard_events (subject, seq)"}},
	{table: "indicators", primary: []string{"township", "name", "cell_path", "period", "start"}},
	// On SQLite the rowid id numbers the notifications as they were
	// written; the dedupe key is a township's.
	{table: "notify_outbox", primary: []string{"township", "id"}, unique: [][]string{{"township", "dedupe_key"}}, rowid: "id", indexes: []string{"notify_outbox_id ON notify_outbox (id)"}},
	{table: "hazard_keys", primary: []string{"township", "scope", "ikey"}, parent: "hazards", ref: "record_id", indexes: []string{"hazard_keys_record ON hazard_keys (record_id)"}},
}

// migrateTownshipKeys is migration 20261201000022: it keys every table
// of townshipKeys by township, so that the schema can be distributed by
// township without a redesign (see docs/pilot.md). A child table
// without the column township gets it, filled from its parent, and its
// foreign key becomes (township, ref) → parent (township, id).
func (db *DB) migrateTownshipKeys(ctx context.Context) error {
	return db.keyByTownship(ctx, townshipKeys)
}

// deadlineKey is how migration 20261201000024 keys deadline_actions. A
// step is the runner's about one case or hazard, named by its ID in
// subject, whose township the step's becomes: case and hazard IDs do not
// meet (a hazard's begins with H), and the step's key names its kind
// first (work.SubjectCase, work.SubjectHazard). A step whose subject is
// no longer stored gets the empty township: no runner asks of it again, as
// there is no deadline of a subject gone, and it is kept so that no row
// is lost.
var deadlineKey = townshipKey{
	table:   "deadline_actions",
	primary: []string{"township", "action_key"},
	fill: `COALESCE(CASE WHEN t.action_key LIKE 'hazard/%'
    THEN (SELECT h.township FROM hazards AS h WHERE h.id = t.subject)
    ELSE (SELECT c.township FROM cases AS c WHERE c.id = t.subject) END, '')`,
}

// migrateDeadlineKeys is migration 20261201000024: it keys
// deadline_actions by township, as 20261201000022 keyed the others; see
// deadlineKey.
func (db *DB) migrateDeadlineKeys(ctx context.Context) error {
	return db.keyByTownship(ctx, []townshipKey{deadlineKey})
}

// keyByTownship keys the tables of keys by township, parents before
// their children.
//
// It is written in Go because the engines change a key so differently:
// PostgreSQL alters the table in place; SQLite cannot change a primary
// key and rebuilds the table — a new one, every row copied, the old one
// dropped, the new one renamed, its indexes and triggers made again —
// with its foreign keys off, as SQLite's documentation prescribes, and
// checked before the commit. Everything happens in one transaction, and
// a table whose primary key starts with township already is left as it
// is, so that the migration is safe to run again.
func (db *DB) keyByTownship(ctx context.Context, keys []townshipKey) error {
	if db.postgres {
		return db.runInTx(ctx, func(ctx context.Context, tx writeTx) error {
			return townshipKeysPostgres(ctx, tx, keys)
		})
	}
	// foreign_keys cannot change inside a transaction, and the writer's
	// one connection is the one runInTx uses.
	if _, err := db.write.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		return fmt.Errorf("township keys: %w", err)
	}
	err := db.runInTx(ctx, func(ctx context.Context, tx writeTx) error {
		return townshipKeysSQLite(ctx, tx, keys)
	})
	if _, on := db.write.ExecContext(ctx, "PRAGMA foreign_keys = ON"); on != nil && err == nil {
		err = fmt.Errorf("township keys: %w", on)
	}
	return err
}

// townshipKeysPostgres keys the tables of keys in place.
func townshipKeysPostgres(ctx context.Context, tx writeTx, keys []townshipKey) error {
	var todo []townshipKey
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, "LOCK TABLE "+k.table+" IN ACCESS EXCLUSIVE MODE"); err != nil {
			return fmt.Errorf("township keys: %w", err)
		}
		first, err := primaryFirstPostgres(ctx, tx, k.table)
		if err != nil {
			return err
		}
		if first != "township" {
			todo = append(todo, k)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	// The foreign keys go first, as they depend on the keys they name.
	for _, k := range keys {
		if err := dropConstraints(ctx, tx, k.table, "f"); err != nil {
			return err
		}
	}
	for _, k := range todo {
		var steps []string
		switch {
		case k.parent != "":
			steps = append(steps,
				"ALTER TABLE "+k.table+` ADD COLUMN IF NOT EXISTS township TEXT COLLATE "C"`,
				"UPDATE "+k.table+" AS t SET township = p.township FROM "+k.parent+" AS p WHERE p.id = t."+k.ref,
				"ALTER TABLE "+k.table+" ALTER COLUMN township SET NOT NULL")
		case k.fill != "":
			steps = append(steps,
				"ALTER TABLE "+k.table+` ADD COLUMN IF NOT EXISTS township TEXT COLLATE "C"`,
				"UPDATE "+k.table+" AS t SET township = "+k.fill,
				"ALTER TABLE "+k.table+" ALTER COLUMN township SET NOT NULL")
		}
		for _, q := range steps {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("township keys: %s: %w", k.table, err)
			}
		}
		if err := dropConstraints(ctx, tx, k.table, "p", "u"); err != nil {
			return err
		}
		steps = []string{"ALTER TABLE " + k.table + " ADD PRIMARY KEY (" + strings.Join(k.primary, ", ") + ")"}
		for _, u := range k.unique {
			steps = append(steps, "ALTER TABLE "+k.table+" ADD UNIQUE ("+strings.Join(u, ", ")+")")
		}
		for _, ix := range k.indexes {
			steps = append(steps, "CREATE INDEX IF NOT EXISTS "+ix)
		}
		for _, q := range steps {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("township keys: %s: %w", k.table, err)
			}
		}
	}
	for _, k := range keys {
		if k.parent == "" {
			continue
		}
		q := "ALTER TABLE " + k.table + " ADD FOREIGN KEY (township, " + k.ref + ") REFERENCES " + k.parent + " (township, id)"
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("township keys: %s: %w", k.table, err)
		}
	}
	return nil
}

// primaryFirstPostgres returns the first column of table's primary key.
func primaryFirstPostgres(ctx context.Context, tx writeTx, table string) (string, error) {
	var first string
	err := tx.QueryRowContext(ctx, `SELECT a.attname FROM pg_index AS i
JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
WHERE i.indrelid = ?::regclass AND i.indisprimary`, table).Scan(&first)
	if err != nil {
		return "", fmt.Errorf("township keys: primary key of %s: %w", table, err)
	}
	return first, nil
}

// dropConstraints drops table's constraints of the pg_constraint types
// given ("p" primary, "u" unique, "f" foreign).
func dropConstraints(ctx context.Context, tx writeTx, table string, types ...string) error {
	var names []string
	err := scanAll(ctx, tx, "SELECT conname FROM pg_constraint WHERE conrelid = ?::regclass AND contype::text IN (?"+strings.Repeat(", ?", len(types)-1)+")",
		func(scan func(...any) error) error {
			var n string
			if err := scan(&n); err != nil {
				return err
			}
			names = append(names, n)
			return nil
		}, append([]any{table}, anys(types)...)...)
	if err != nil {
		return fmt.Errorf("township keys: constraints of %s: %w", table, err)
	}
	for _, n := range names {
		if _, err := tx.ExecContext(ctx, "ALTER TABLE "+table+` DROP CONSTRAINT "`+n+`"`); err != nil {
			return fmt.Errorf("township keys: %s: %w", table, err)
		}
	}
	return nil
}

// anys returns ss as arguments of a query.
func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// sqliteColumn is a row of pragma_table_info.
type sqliteColumn struct {
	name, typ string
	notNull   bool
	dflt      *string
}

// townshipKeysSQLite rebuilds each table of keys not keyed yet.
func townshipKeysSQLite(ctx context.Context, tx writeTx, keys []townshipKey) error {
	for _, k := range keys {
		done, err := hasKeySQLite(ctx, tx, k.table, k.primary)
		if err != nil {
			return fmt.Errorf("township keys: keys of %s: %w", k.table, err)
		}
		if done {
			continue
		}
		if err := rebuildSQLite(ctx, tx, k); err != nil {
			return fmt.Errorf("township keys: %s: %w", k.table, err)
		}
	}
	// The foreign keys were off: any row the copy left without its
	// parent fails the migration instead of staying.
	rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return fmt.Errorf("township keys: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		var table, parent string
		var rowid, fk any
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			return fmt.Errorf("township keys: %w", err)
		}
		return fmt.Errorf("township keys: a row of %s (rowid %v) has no row of %s", table, rowid, parent)
	}
	return rows.Err()
}

// hasKeySQLite reports whether SQLite's table has a unique index on
// exactly columns, in their order.
func hasKeySQLite(ctx context.Context, tx writeTx, table string, columns []string) (bool, error) {
	var indexes []string
	err := scanAll(ctx, tx, "SELECT name FROM pragma_index_list(?) WHERE \"unique\" = 1", func(scan func(...any) error) error {
		var n string
		err := scan(&n)
		indexes = append(indexes, n)
		return err
	}, table)
	if err != nil {
		return false, err
	}
	for _, index := range indexes {
		var cols []string
		err := scanAll(ctx, tx, "SELECT name FROM pragma_index_info(?) ORDER BY seqno", func(scan func(...any) error) error {
			var c string
			err := scan(&c)
			cols = append(cols, c)
			return err
		}, index)
		if err != nil {
			return false, err
		}
		if slices.Equal(cols, columns) {
			return true, nil
		}
	}
	return false, nil
}

// rebuildSQLite makes table k anew with its new keys and every row of the
// old one, and its indexes and triggers again.
func rebuildSQLite(ctx context.Context, tx writeTx, k townshipKey) error {
	var cols []sqliteColumn
	err := scanAll(ctx, tx, "SELECT name, type, \"notnull\", dflt_value FROM pragma_table_info(?) ORDER BY cid", func(scan func(...any) error) error {
		var c sqliteColumn
		if err := scan(&c.name, &c.typ, &c.notNull, &c.dflt); err != nil {
			return err
		}
		cols = append(cols, c)
		return nil
	}, k.table)
	if err != nil {
		return err
	}
	// The indexes and triggers made by statements, which go with the old
	// table; those of its constraints (sql NULL) are made by the new one.
	var again []string
	err = scanAll(ctx, tx, "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name", func(scan func(...any) error) error {
		var q string
		if err := scan(&q); err != nil {
			return err
		}
		again = append(again, q)
		return nil
	}, k.table)
	if err != nil {
		return err
	}
	var defs, names, from []string
	if !slices.ContainsFunc(cols, func(c sqliteColumn) bool { return c.name == "township" }) {
		switch {
		case k.parent != "":
			defs, names, from = append(defs, "township TEXT NOT NULL"), append(names, "township"), append(from, "p.township")
		case k.fill != "":
			defs, names, from = append(defs, "township TEXT NOT NULL"), append(names, "township"), append(from, k.fill)
		}
	}
	for _, c := range cols {
		def := c.name + " " + c.typ
		switch {
		case c.name == k.rowid:
			def += " PRIMARY KEY"
		case c.notNull || slices.Contains(k.primary, c.name):
			def += " NOT NULL"
		}
		if c.dflt != nil {
			def += " DEFAULT " + *c.dflt
		}
		defs, names, from = append(defs, def), append(names, c.name), append(from, "t."+c.name)
	}
	keys := append([][]string{k.primary}, k.unique...)
	for i, key := range keys {
		kind := "UNIQUE"
		if i == 0 && k.rowid == "" {
			kind = "PRIMARY KEY"
		}
		defs = append(defs, kind+" ("+strings.Join(key, ", ")+")")
	}
	if k.parent != "" {
		defs = append(defs, "FOREIGN KEY (township, "+k.ref+") REFERENCES "+k.parent+" (township, id)")
	}
	source := k.table + " AS t"
	if slices.Contains(from, "p.township") {
		source += " JOIN " + k.parent + " AS p ON p.id = t." + k.ref
	}
	steps := []string{
		"DROP TABLE IF EXISTS " + k.table + "_keyed",
		"CREATE TABLE " + k.table + "_keyed (\n    " + strings.Join(defs, ",\n    ") + "\n)",
		"INSERT INTO " + k.table + "_keyed (" + strings.Join(names, ", ") + ") SELECT " + strings.Join(from, ", ") + " FROM " + source,
	}
	for _, q := range steps {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	var before, after int64
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+k.table).Scan(&before); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+k.table+"_keyed").Scan(&after); err != nil {
		return err
	}
	if before != after {
		// A row whose parent is missing would be lost by the join.
		return fmt.Errorf("%d rows of %d have no row of %s", before-after, before, k.parent)
	}
	steps = append([]string{
		"DROP TABLE " + k.table,
		"ALTER TABLE " + k.table + "_keyed RENAME TO " + k.table,
	}, again...)
	for _, ix := range k.indexes {
		steps = append(steps, "CREATE INDEX IF NOT EXISTS "+ix)
	}
	for _, q := range steps {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
