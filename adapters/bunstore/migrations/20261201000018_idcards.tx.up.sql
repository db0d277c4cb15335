-- The applicants' resident ID numbers of each case, which with case_phones
-- tell the recurrence rate (stats.Recurred) the same applicant again. A
-- case's JSON holds them; cases stored before this table existed are added
-- from their JSON.
CREATE TABLE IF NOT EXISTS case_idcards (
    case_id TEXT{{if .Postgres}} COLLATE "C"{{end}} NOT NULL REFERENCES cases (id),
    idcard  TEXT{{if .Postgres}} COLLATE "C"{{end}} NOT NULL,
    PRIMARY KEY (idcard, case_id)
);
--bun:split
INSERT INTO case_idcards (case_id, idcard)
{{if .Postgres -}}
SELECT DISTINCT c.id, a.value->>'IDCard'
FROM cases AS c, jsonb_array_elements(COALESCE(NULLIF(c.data::jsonb->'Applicants', 'null'::jsonb), '[]'::jsonb)) AS a(value)
WHERE COALESCE(a.value->>'IDCard', '') <> ''
{{- else -}}
SELECT DISTINCT c.id, json_extract(a.value, '$.IDCard')
FROM cases AS c, json_each(c.data, '$.Applicants') AS a
WHERE COALESCE(json_extract(a.value, '$.IDCard'), '') <> ''
{{- end}}
ON CONFLICT DO NOTHING;
--bun:split
CREATE INDEX IF NOT EXISTS case_idcards_case ON case_idcards (case_id);
--bun:split
CREATE INDEX IF NOT EXISTS case_phones_case ON case_phones (case_id);
