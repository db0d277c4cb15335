-- The tally answers a count up to a time within a day by adding to the
-- whole days before it the instants of that day's part (tally.go,
-- partial): the cases registered, accepted, resolved or falling due in
-- it. Registrations, acceptances and resolutions have their indexes
-- (20261128000005_stats); these find what fell due.
CREATE INDEX IF NOT EXISTS cases_accept_due ON cases (township, accept_due);
--bun:split
CREATE INDEX IF NOT EXISTS cases_resolve_due ON cases (township, resolve_due);
