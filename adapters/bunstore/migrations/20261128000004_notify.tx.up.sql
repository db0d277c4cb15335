-- Notifications, deadlines acted on, and messages received on channels.
--
-- notify_outbox holds every notification from the moment the change that
-- causes it commits (it is written in that change's transaction) until it
-- is delivered; failed deliveries stay for the duty officers to see. The
-- dedupe key makes writing a notification twice store it once. Times are
-- Unix nanoseconds as elsewhere, the zero time {{.Zero}}.
CREATE TABLE IF NOT EXISTS notify_outbox (
    id            {{if .Postgres}}BIGSERIAL{{else}}INTEGER{{end}} PRIMARY KEY,
    dedupe_key    TEXT{{if .Postgres}} COLLATE "C"{{end}} NOT NULL UNIQUE,
    township      TEXT{{if .Postgres}} COLLATE "C"{{end}} NOT NULL,
    subject       TEXT NOT NULL,
    state         TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    next_at       BIGINT NOT NULL,
    claimed_until BIGINT NOT NULL,
    claim         TEXT NOT NULL,
    attempts      INTEGER NOT NULL,
    delivered     TEXT NOT NULL,
    last_error    TEXT NOT NULL,
    data          TEXT NOT NULL
);
--bun:split
-- A dispatcher looks for pending deliveries due now, oldest first.
CREATE INDEX IF NOT EXISTS notify_outbox_due ON notify_outbox (state, next_at, id);
--bun:split
-- The duty officers look at their township's failures, newest first.
CREATE INDEX IF NOT EXISTS notify_outbox_township ON notify_outbox (township, state, id);
--bun:split
-- deadline_actions records what the deadline runner has done — each
-- reminder, alert and escalation by its key — so that it acts once,
-- across restarts.
CREATE TABLE IF NOT EXISTS deadline_actions (
    action_key TEXT{{if .Postgres}} COLLATE "C"{{end}} PRIMARY KEY,
    subject    TEXT NOT NULL,
    acted_at   BIGINT NOT NULL
);
--bun:split
-- channel_messages keeps every message received on an intake channel
-- (WeCom, WeChat) as it came, before it is parsed, and what became of it.
-- A channel's own message ID is unique, so a message the channel sends
-- again is recognised.
CREATE TABLE IF NOT EXISTS channel_messages (
    id          TEXT{{if .Postgres}} COLLATE "C"{{end}} PRIMARY KEY,
    channel     TEXT NOT NULL,
    source_id   TEXT NOT NULL,
    status      TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    data        TEXT NOT NULL,
    UNIQUE (channel, source_id)
);
--bun:split
CREATE INDEX IF NOT EXISTS channel_messages_status ON channel_messages (status, id);
