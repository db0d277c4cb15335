-- The bytes of attachments, by their SHA-256 in hex (attachment.Files),
-- for a deployment that keeps everything in the database.
CREATE TABLE IF NOT EXISTS files (
    sum  TEXT{{if .Postgres}} COLLATE "C"{{end}} PRIMARY KEY,
    size BIGINT NOT NULL,
    data {{if .Postgres}}BYTEA{{else}}BLOB{{end}} NOT NULL
);
