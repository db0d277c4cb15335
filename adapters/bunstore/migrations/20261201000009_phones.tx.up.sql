-- The applicants' phone numbers of each case, for sending a lost tracking
-- code again to the phone that applied (mediation.Store.ByApplicantPhone):
-- a case's JSON holds them, and this table is what an index can answer.
-- Cases stored before it existed are added from their JSON.
CREATE TABLE IF NOT EXISTS case_phones (
    case_id TEXT{{if .Postgres}} COLLATE "C"{{end}} NOT NULL REFERENCES cases (id),
    phone   TEXT{{if .Postgres}} COLLATE "C"{{end}} NOT NULL,
    PRIMARY KEY (phone, case_id)
);
--bun:split
INSERT INTO case_phones (case_id, phone)
{{if .Postgres -}}
SELECT DISTINCT c.id, a.value->>'Phone'
FROM cases AS c, jsonb_array_elements(COALESCE(NULLIF(c.data::jsonb->'Applicants', 'null'::jsonb), '[]'::jsonb)) AS a(value)
WHERE COALESCE(a.value->>'Phone', '') <> ''
{{- else -}}
SELECT DISTINCT c.id, json_extract(a.value, '$.Phone')
FROM cases AS c, json_each(c.data, '$.Applicants') AS a
WHERE COALESCE(json_extract(a.value, '$.Phone'), '') <> ''
{{- end}}
ON CONFLICT DO NOTHING;
