-- The open deadlines of cases and hazards (work.Deadline), kept with each
-- change by the rules EnableTracking was given, so that the tracking view
-- finds what is at risk or overdue — risk_at at or before now — through
-- an index, without reading the work that is on time. tracking_state says
-- by which rules the rows were made, and whether a program that keeps no
-- index (one that never called EnableTracking) has changed records since.
CREATE TABLE IF NOT EXISTS open_deadlines (
    township      TEXT NOT NULL,
    record        TEXT{{if .Postgres}} COLLATE "C"{{end}} NOT NULL,
    subject       TEXT{{if .Postgres}} COLLATE "C"{{end}} NOT NULL,
    kind          TEXT{{if .Postgres}} COLLATE "C"{{end}} NOT NULL,
    name          TEXT NOT NULL,
    handling_path TEXT{{if .Postgres}} COLLATE "C"{{end}} NOT NULL,
    location_path TEXT{{if .Postgres}} COLLATE "C"{{end}} NOT NULL,
    cell_path     TEXT NOT NULL,
    since_at      BIGINT NOT NULL,
    due           BIGINT NOT NULL,
    risk_at       BIGINT NOT NULL,
    lapses        INTEGER NOT NULL,
    accountable   TEXT NOT NULL,
    grade         TEXT NOT NULL,
    PRIMARY KEY (township, record, subject, kind)
);
--bun:split
CREATE INDEX IF NOT EXISTS open_deadlines_risk ON open_deadlines (township, risk_at, due, lapses, handling_path, location_path, record, subject, kind);
--bun:split
CREATE TABLE IF NOT EXISTS tracking_state (
    id          INTEGER PRIMARY KEY,
    rules       TEXT NOT NULL,
    stale       INTEGER NOT NULL
);
--bun:split
INSERT INTO tracking_state (id, rules, stale) VALUES (1, '', 1) ON CONFLICT DO NOTHING;
