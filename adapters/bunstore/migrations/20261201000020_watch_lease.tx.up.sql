-- The leases of the work one instance at a time does among the pilots on
-- one database (the watch: the deadline runner and the dispatcher). A row
-- belongs to no township: it names a process's role, so its key is the
-- name alone. token is the fencing token, raised by one at every change
-- of holder, never lowered; expires_at is in Unix nanoseconds.
CREATE TABLE IF NOT EXISTS watch_lease (
    name       TEXT NOT NULL PRIMARY KEY,
    holder     TEXT NOT NULL,
    token      BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
