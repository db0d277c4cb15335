-- Make every comparison the stores make in SQL give Go's answer.
--
-- Times: a time column is never NULL. The zero time, which Go orders
-- before every other time, is stored as the smallest BIGINT, {{.Zero}},
-- so that "accept_due < ?" is what c.AcceptDue.Before(t) is, zero or not.
-- (The first migration stored it as NULL, which compares as unknown.)
-- hazards.first_rectified_at stays NULL for a hazard never rectified: that
-- is "no rectification", not a time.
--
-- Text: paths and IDs are compared by ranges ([P || '/', P || '0') is the
-- subtree of P) and sorted for paging, which needs byte order. SQLite
-- compares bytes; PostgreSQL uses the database's collation unless told
-- otherwise, so those columns get COLLATE "C".
--
-- Every statement may run twice: the migration is recorded only after it
-- commits.
UPDATE cases SET accepted_at = {{.Zero}} WHERE accepted_at IS NULL;
--bun:split
UPDATE cases SET resolved_at = {{.Zero}} WHERE resolved_at IS NULL;
--bun:split
UPDATE cases SET routed_at = {{.Zero}} WHERE routed_at IS NULL;
--bun:split
UPDATE cases SET accept_due = {{.Zero}} WHERE accept_due IS NULL;
--bun:split
UPDATE cases SET resolve_due = {{.Zero}} WHERE resolve_due IS NULL;
--bun:split
UPDATE hazards SET rectify_due = {{.Zero}} WHERE rectify_due IS NULL;
--bun:split
UPDATE hazards SET verify_due = {{.Zero}} WHERE verify_due IS NULL;
--bun:split
UPDATE hazards SET closed_at = {{.Zero}} WHERE closed_at IS NULL;
--bun:split
UPDATE hazards SET converted_at = {{.Zero}} WHERE converted_at IS NULL;
--bun:split
-- Listing newest first within a township walks this index backwards.
CREATE INDEX IF NOT EXISTS cases_township_id ON cases (township, id);
--bun:split
CREATE INDEX IF NOT EXISTS hazards_township_id ON hazards (township, id);
{{- if .Postgres}}
--bun:split
ALTER TABLE cases
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN handling_path TYPE TEXT COLLATE "C",
    ALTER COLUMN location_path TYPE TEXT COLLATE "C",
    ALTER COLUMN stats_path TYPE TEXT COLLATE "C";
--bun:split
ALTER TABLE case_events ALTER COLUMN subject TYPE TEXT COLLATE "C";
--bun:split
ALTER TABLE case_keys ALTER COLUMN record_id TYPE TEXT COLLATE "C";
--bun:split
ALTER TABLE case_participants ALTER COLUMN case_id TYPE TEXT COLLATE "C";
--bun:split
ALTER TABLE hazards
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN handling_path TYPE TEXT COLLATE "C",
    ALTER COLUMN location_path TYPE TEXT COLLATE "C";
--bun:split
ALTER TABLE hazard_events ALTER COLUMN subject TYPE TEXT COLLATE "C";
--bun:split
ALTER TABLE hazard_keys ALTER COLUMN record_id TYPE TEXT COLLATE "C";
--bun:split
ALTER TABLE indicators ALTER COLUMN cell_path TYPE TEXT COLLATE "C";
{{- end}}
