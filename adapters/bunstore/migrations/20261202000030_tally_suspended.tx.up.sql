-- A case whose mediation stands still (中止) is now within its deadline
-- while it does (stats.overdueAt): the tally kept the end of its pending
-- at its deadline. Where a case is suspended, the tally is emptied, and
-- Open fills it again from the cases by the new rule; elsewhere nothing
-- changes.
DELETE FROM case_tally WHERE EXISTS (SELECT 1 FROM cases WHERE suspended = 1);
