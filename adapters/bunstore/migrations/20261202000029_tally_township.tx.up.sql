-- The township's own rows of the tally (grains D, M and Y, the empty
-- cell): each the sum of the township's cells' rows of its bucket, so that
-- a sum over the whole township reads a row a bucket, not one a cell (see
-- tally.go). Written from the cells' rows for a tally filled before them.
INSERT INTO case_tally (township, cell, grain, bucket, registered, open_end, pending1_end, pending2_start, pending2_end, accepted, escalated, outside, agreed, failed, withdrawn, rejected, transferred_out, team_police, team_justice, team_grid, team_mediation_committee, team_partner)
SELECT township, '', UPPER(grain), bucket, SUM(registered), SUM(open_end), SUM(pending1_end), SUM(pending2_start), SUM(pending2_end), SUM(accepted), SUM(escalated), SUM(outside), SUM(agreed), SUM(failed), SUM(withdrawn), SUM(rejected), SUM(transferred_out), SUM(team_police), SUM(team_justice), SUM(team_grid), SUM(team_mediation_committee), SUM(team_partner)
FROM case_tally
WHERE grain IN ('d', 'm', 'y')
GROUP BY township, grain, bucket
ON CONFLICT DO NOTHING;
