-- The cases each sender's channel messages became, for finding the case
-- a sender's photo belongs to (inbox.Store.LastCase): a message's JSON
-- holds its sender and case, and this table is what an index can answer.
-- Messages that became cases before it existed are added from their JSON.
CREATE TABLE IF NOT EXISTS channel_senders (
    channel    TEXT NOT NULL,
    sender     TEXT{{if .Postgres}} COLLATE "C"{{end}} NOT NULL,
    message_id TEXT{{if .Postgres}} COLLATE "C"{{end}} NOT NULL REFERENCES channel_messages (id),
    case_id    TEXT{{if .Postgres}} COLLATE "C"{{end}} NOT NULL,
    PRIMARY KEY (channel, sender, message_id)
);
--bun:split
INSERT INTO channel_senders (channel, sender, message_id, case_id)
{{if .Postgres -}}
SELECT channel, data::jsonb->>'Sender', id, data::jsonb->>'Case'
FROM channel_messages
WHERE status = 'registered' AND COALESCE(data::jsonb->>'Case', '') <> ''
{{- else -}}
SELECT channel, json_extract(data, '$.Sender'), id, json_extract(data, '$.Case')
FROM channel_messages
WHERE status = 'registered' AND COALESCE(json_extract(data, '$.Case'), '') <> ''
{{- end}}
ON CONFLICT DO NOTHING;
