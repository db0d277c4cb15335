-- The tally answers a count up to a time within a day by adding to the
-- whole days before it the instants of that day's part (tally.go,
-- partial): the cases registered, accepted, resolved or falling due in
-- it. Registrations, acceptances and resolutions have their indexes
-- (20261128000005_stats); these find what fell due while it still
-- counted — not yet accepted or resolved — without reading the cases
-- whose deadline passed after they were done.
CREATE INDEX IF NOT EXISTS cases_accept_due_open ON cases (township, accept_due, accepted_at, resolved_at, stats_path);
--bun:split
CREATE INDEX IF NOT EXISTS cases_resolve_due_open ON cases (township, resolve_due, resolved_at, stats_path);
