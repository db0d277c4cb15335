-- The allowances of the anonymous routes, shared by every process on the
-- database (see Limits): one row per limit and client, holding the
-- theoretical arrival time of the next request (GCRA) in Unix
-- microseconds. A row whose time has passed is a full bucket, the same as
-- no row, and is swept. The rows belong to a client address, not to a
-- township, so the key has no township in it.
CREATE TABLE IF NOT EXISTS rate_buckets (
    key TEXT PRIMARY KEY,
    tat BIGINT NOT NULL
);
--bun:split
CREATE INDEX IF NOT EXISTS rate_buckets_tat ON rate_buckets (tat);
