-- Times are Unix nanoseconds in UTC (BIGINT), NULL for none: they compare
-- and sort the same on SQLite and PostgreSQL, and keep Go's precision.
-- Paths are the grid's text form "/township/…/cell"; a subtree of P is
-- P itself and the range [P || '/', P || '0').
CREATE TABLE IF NOT EXISTS cases (
    id              TEXT PRIMARY KEY,
    township        TEXT NOT NULL,
    tracking_code   TEXT NOT NULL UNIQUE,
    version         BIGINT NOT NULL,
    state           TEXT NOT NULL,
    grade           TEXT NOT NULL,
    channel         TEXT NOT NULL,
    source          TEXT NOT NULL,
    category        TEXT NOT NULL,
    handling_path   TEXT NOT NULL,
    location_path   TEXT NOT NULL,
    stats_path      TEXT NOT NULL,
    l1              TEXT NOT NULL,
    l2              TEXT NOT NULL,
    l3              TEXT NOT NULL,
    l4              TEXT NOT NULL,
    l5              TEXT NOT NULL,
    first_responder TEXT NOT NULL,
    applicant       TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    escalations     INTEGER NOT NULL,
    outside         INTEGER NOT NULL,
    registered_at   BIGINT NOT NULL,
    accepted_at     BIGINT,
    resolved_at     BIGINT,
    routed_at       BIGINT,
    accept_due      BIGINT,
    resolve_due     BIGINT,
    data            TEXT NOT NULL
);
--bun:split
CREATE INDEX IF NOT EXISTS cases_handling ON cases (township, handling_path);
--bun:split
CREATE INDEX IF NOT EXISTS cases_location ON cases (township, location_path);
--bun:split
CREATE INDEX IF NOT EXISTS cases_stats ON cases (township, stats_path, registered_at);
--bun:split
CREATE INDEX IF NOT EXISTS cases_first_responder ON cases (township, first_responder);
--bun:split
CREATE TABLE IF NOT EXISTS case_events (
    subject TEXT NOT NULL REFERENCES cases (id),
    seq     BIGINT NOT NULL,
    at      BIGINT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    channel TEXT NOT NULL,
    details TEXT NOT NULL,
    prev    TEXT NOT NULL,
    hash    TEXT NOT NULL,
    PRIMARY KEY (subject, seq)
);
--bun:split
CREATE TABLE IF NOT EXISTS case_keys (
    scope       TEXT NOT NULL,
    ikey        TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    record_id   TEXT NOT NULL REFERENCES cases (id),
    PRIMARY KEY (scope, ikey)
);
--bun:split
CREATE TABLE IF NOT EXISTS case_participants (
    case_id    TEXT NOT NULL REFERENCES cases (id),
    n          INTEGER NOT NULL,
    department TEXT NOT NULL,
    PRIMARY KEY (case_id, n)
);
--bun:split
CREATE TABLE IF NOT EXISTS hazards (
    id                 TEXT PRIMARY KEY,
    township           TEXT NOT NULL,
    version            BIGINT NOT NULL,
    state              TEXT NOT NULL,
    grade              TEXT NOT NULL,
    channel            TEXT NOT NULL,
    source             TEXT NOT NULL,
    category           TEXT NOT NULL,
    handling_path      TEXT NOT NULL,
    location_path      TEXT NOT NULL,
    l1                 TEXT NOT NULL,
    l2                 TEXT NOT NULL,
    l3                 TEXT NOT NULL,
    l4                 TEXT NOT NULL,
    l5                 TEXT NOT NULL,
    reporter           TEXT NOT NULL,
    owner              TEXT NOT NULL,
    on_the_spot        INTEGER NOT NULL,
    reported_at        BIGINT NOT NULL,
    first_rectified_at BIGINT,
    rectify_due        BIGINT,
    verify_due         BIGINT,
    closed_at          BIGINT,
    converted_at       BIGINT,
    data               TEXT NOT NULL
);
--bun:split
CREATE INDEX IF NOT EXISTS hazards_handling ON hazards (township, handling_path);
--bun:split
CREATE INDEX IF NOT EXISTS hazards_location ON hazards (township, location_path, reported_at);
--bun:split
CREATE TABLE IF NOT EXISTS hazard_events (
    subject TEXT NOT NULL REFERENCES hazards (id),
    seq     BIGINT NOT NULL,
    at      BIGINT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    channel TEXT NOT NULL,
    details TEXT NOT NULL,
    prev    TEXT NOT NULL,
    hash    TEXT NOT NULL,
    PRIMARY KEY (subject, seq)
);
--bun:split
CREATE TABLE IF NOT EXISTS hazard_keys (
    scope       TEXT NOT NULL,
    ikey        TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    record_id   TEXT NOT NULL REFERENCES hazards (id),
    PRIMARY KEY (scope, ikey)
);
--bun:split
CREATE TABLE IF NOT EXISTS indicators (
    name      TEXT NOT NULL,
    cell_path TEXT NOT NULL,
    township  TEXT NOT NULL,
    period    INTEGER NOT NULL,
    start     BIGINT NOT NULL,
    value     BIGINT NOT NULL,
    PRIMARY KEY (name, cell_path, period, start)
);
