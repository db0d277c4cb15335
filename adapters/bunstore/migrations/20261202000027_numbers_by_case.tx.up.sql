-- A case's own applicants' numbers, read by the recurrence mark (see
-- recur.go) for every case it corrects, are found by the township and the
-- case. Keyed by case_id alone, the index lost to the primary key's
-- prefix (township), which also covers the row: SQLite walked every number
-- of the township for each case, so that a registration's cost grew with
-- the township and a million-case import never ended.
DROP INDEX IF EXISTS case_phones_case;
--bun:split
CREATE INDEX IF NOT EXISTS case_phones_case ON case_phones (township, case_id, phone);
--bun:split
DROP INDEX IF EXISTS case_idcards_case;
--bun:split
CREATE INDEX IF NOT EXISTS case_idcards_case ON case_idcards (township, case_id, idcard);
