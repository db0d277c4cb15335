-- Each township's administration log: who changed its grid and staff, when,
-- from what to what, hash-chained like a case's timeline. grid_townships
-- keeps where each log ends, as a case row keeps its chain, so that a log
-- cut short is caught. Keys begin with the township, which every row
-- belongs to.
CREATE TABLE IF NOT EXISTS grid_townships (
    id       TEXT{{if .Postgres}} COLLATE "C"{{end}} PRIMARY KEY,
    log_len  BIGINT NOT NULL,
    log_head TEXT NOT NULL
);
--bun:split
CREATE TABLE IF NOT EXISTS grid_log (
    township TEXT{{if .Postgres}} COLLATE "C"{{end}} NOT NULL,
    seq      BIGINT NOT NULL,
    at       BIGINT NOT NULL,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    details  TEXT NOT NULL,
    prev     TEXT NOT NULL,
    hash     TEXT NOT NULL,
    PRIMARY KEY (township, seq)
);
