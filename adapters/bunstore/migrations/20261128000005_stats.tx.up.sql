-- Statistics: a period's figures read the records of the period alone.
-- Each index leads with the time a group of measures asks about and holds
-- the columns those measures test, so that a month of a township is one
-- range of one index, read without the table. (The path-first index
-- answers a small subtree; for a township or a sector, time comes first.)
CREATE INDEX IF NOT EXISTS cases_registered ON cases (township, registered_at, stats_path, escalations, outside, routed_at, accept_due, source, channel, category);
--bun:split
CREATE INDEX IF NOT EXISTS cases_accepted ON cases (township, accepted_at, stats_path, registered_at);
--bun:split
CREATE INDEX IF NOT EXISTS cases_resolved ON cases (township, outcome, resolved_at, stats_path, registered_at);
--bun:split
-- Open and pending at a time: the cases not resolved by then.
CREATE INDEX IF NOT EXISTS cases_unresolved ON cases (township, resolved_at, registered_at, stats_path, accepted_at, accept_due, resolve_due);
--bun:split
CREATE INDEX IF NOT EXISTS hazards_reported ON hazards (township, reported_at, location_path, first_rectified_at, on_the_spot);
--bun:split
-- The tally: running counts of cases per township, cell and day or month
-- in Asia/Shanghai (grain 'd' or 'm'), from which the measures over all of
-- history are summed; see tally.go. Open fills it for the cases stored
-- before it existed. On SQLite the rows are kept in the key's order, so
-- that a sum reads one range of one tree.
CREATE TABLE IF NOT EXISTS case_tally (
    township       TEXT{{if .Postgres}} COLLATE "C"{{end}} NOT NULL,
    cell           TEXT{{if .Postgres}} COLLATE "C"{{end}} NOT NULL,
    grain          TEXT NOT NULL,
    bucket         BIGINT NOT NULL,
    registered     BIGINT NOT NULL,
    open_end       BIGINT NOT NULL,
    pending1_end   BIGINT NOT NULL,
    pending2_start BIGINT NOT NULL,
    pending2_end   BIGINT NOT NULL,
    accepted       BIGINT NOT NULL,
    escalated      BIGINT NOT NULL,
    outside        BIGINT NOT NULL,
    agreed         BIGINT NOT NULL,
    failed         BIGINT NOT NULL,
    withdrawn      BIGINT NOT NULL,
    rejected       BIGINT NOT NULL,
    transferred_out BIGINT NOT NULL,
    team_police    BIGINT NOT NULL,
    team_justice   BIGINT NOT NULL,
    team_grid      BIGINT NOT NULL,
    team_mediation_committee BIGINT NOT NULL,
    team_partner   BIGINT NOT NULL,
    PRIMARY KEY (township, grain, bucket, cell)
){{if not .Postgres}} WITHOUT ROWID{{end}};
