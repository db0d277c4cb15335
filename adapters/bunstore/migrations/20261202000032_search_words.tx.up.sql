-- PostgreSQL keeps each case's tsvector of its search tokens in a stored
-- column and indexes that, instead of indexing the expression: a search
-- for a word most cases hold is answered by reading rows until a page is
-- full (see searchCond), and reading a row's stored tsvector costs
-- nothing where computing it took a fifth of a millisecond. SQLite's
-- full-text index is its own table and is left as it is.
{{if .Postgres -}}
ALTER TABLE case_search ADD COLUMN IF NOT EXISTS words tsvector GENERATED ALWAYS AS (to_tsvector('simple', grams)) STORED
{{- else -}}
SELECT 1
{{- end}};
--bun:split
{{if .Postgres -}}
CREATE INDEX IF NOT EXISTS case_search_words ON case_search USING GIN (words)
{{- else -}}
SELECT 1
{{- end}};
--bun:split
{{if .Postgres -}}
DROP INDEX IF EXISTS case_search_grams
{{- else -}}
SELECT 1
{{- end}};
