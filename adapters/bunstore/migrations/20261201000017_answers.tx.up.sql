-- The parties' answers to how satisfied they are, one row per party asked
-- at a follow-up visit, which the satisfaction rate counts by the visit's
-- time (stats.Asked, stats.Content). A case's JSON holds them; cases
-- stored before satisfaction was asked have none to add.
CREATE TABLE IF NOT EXISTS case_answers (
    case_id TEXT{{if .Postgres}} COLLATE "C"{{end}} NOT NULL REFERENCES cases (id),
    visit   INTEGER NOT NULL,
    party   INTEGER NOT NULL,
    at      BIGINT NOT NULL,
    content INTEGER NOT NULL,
    PRIMARY KEY (case_id, visit, party)
);
--bun:split
CREATE INDEX IF NOT EXISTS case_answers_at ON case_answers (at);
