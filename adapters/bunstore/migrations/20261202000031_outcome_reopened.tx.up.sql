-- A case agreed, reopened and then failed or withdrawn keeps its agreement
-- on file; its outcome is now how it ended (stats.Outcome), not the
-- agreement. Where such a case is stored, the tally is emptied first, and
-- Open fills it again from the cases with their outcomes corrected.
DELETE FROM case_tally WHERE EXISTS (
    SELECT 1 FROM cases WHERE outcome = 'cases.agreed' AND
{{- if .Postgres}}
    (jsonb_typeof(data::jsonb->'Failure') = 'object' OR COALESCE(data::jsonb->>'Withdrawal', '') <> '')
{{- else}}
    (json_type(data, '$.Failure') = 'object' OR COALESCE(json_extract(data, '$.Withdrawal'), '') <> '')
{{- end}}
);
--bun:split
UPDATE cases SET outcome = 'cases.failed' WHERE outcome = 'cases.agreed' AND
{{- if .Postgres}}
    jsonb_typeof(data::jsonb->'Failure') = 'object';
{{- else}}
    json_type(data, '$.Failure') = 'object';
{{- end}}
--bun:split
UPDATE cases SET outcome = 'cases.withdrawn' WHERE outcome = 'cases.agreed' AND
{{- if .Postgres}}
    COALESCE(data::jsonb->>'Withdrawal', '') <> '';
{{- else}}
    COALESCE(json_extract(data, '$.Withdrawal'), '') <> '';
{{- end}}
