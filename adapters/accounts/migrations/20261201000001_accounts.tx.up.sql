-- Staff accounts. Times are Unix nanoseconds in UTC, 0 for none; flags
-- are 0 or 1. Only digests of secrets are kept: bcrypt for passwords,
-- SHA-256 for one-time passwords, sessions and tokens (see otp.go).
CREATE TABLE IF NOT EXISTS accounts_members (
    member        TEXT PRIMARY KEY,
    township      TEXT NOT NULL,
    password_hash TEXT NOT NULL,   -- '' until the member chooses a password
    otp_digest    TEXT NOT NULL,   -- '' when no one-time password waits
    otp_expires   BIGINT NOT NULL,
    disabled      INTEGER NOT NULL,
    created       BIGINT NOT NULL,
    changed       BIGINT NOT NULL  -- when the member last chose a password
);
--bun:split
CREATE INDEX IF NOT EXISTS accounts_members_township ON accounts_members (township, member);
--bun:split
-- Failed logins in a row, per login, whether or not an account has it, so
-- that a lock does not tell which logins exist.
CREATE TABLE IF NOT EXISTS accounts_logins (
    login        TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    last_failure BIGINT NOT NULL,
    locked_until BIGINT NOT NULL
);
--bun:split
CREATE INDEX IF NOT EXISTS accounts_logins_last_failure ON accounts_logins (last_failure);
--bun:split
CREATE TABLE IF NOT EXISTS accounts_sessions (
    digest  TEXT PRIMARY KEY,
    member  TEXT NOT NULL REFERENCES accounts_members (member),
    expires BIGINT NOT NULL
);
--bun:split
CREATE INDEX IF NOT EXISTS accounts_sessions_member ON accounts_sessions (member);
--bun:split
CREATE INDEX IF NOT EXISTS accounts_sessions_expires ON accounts_sessions (expires);
--bun:split
CREATE TABLE IF NOT EXISTS accounts_tokens (
    digest    TEXT PRIMARY KEY,
    id        TEXT NOT NULL UNIQUE,
    member    TEXT NOT NULL REFERENCES accounts_members (member),
    township  TEXT NOT NULL,
    label     TEXT NOT NULL,
    created   BIGINT NOT NULL,
    expires   BIGINT NOT NULL,
    last_used BIGINT NOT NULL
);
--bun:split
CREATE INDEX IF NOT EXISTS accounts_tokens_member ON accounts_tokens (member, created);
--bun:split
CREATE INDEX IF NOT EXISTS accounts_tokens_township ON accounts_tokens (township, created);
--bun:split
CREATE INDEX IF NOT EXISTS accounts_tokens_expires ON accounts_tokens (expires);
