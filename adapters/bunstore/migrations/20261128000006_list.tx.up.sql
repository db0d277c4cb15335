-- Listing: a page is the newest matches of a township, in one state or in
-- any, within subtrees or received by one member or applied for by one
-- resident. These indexes hold every column that selection reads, so a
-- page's IDs are found in the index alone, in ID order, and only the
-- page's own records are read from the table.
CREATE INDEX IF NOT EXISTS cases_list ON cases (township, id, handling_path, location_path, first_responder, applicant);
--bun:split
CREATE INDEX IF NOT EXISTS cases_state_list ON cases (township, state, id, handling_path, location_path, first_responder, applicant);
--bun:split
-- cases_list covers everything this one did.
DROP INDEX IF EXISTS cases_township_id;
--bun:split
CREATE INDEX IF NOT EXISTS hazards_list ON hazards (township, id, handling_path, location_path, reporter, owner);
--bun:split
CREATE INDEX IF NOT EXISTS hazards_state_list ON hazards (township, state, id, handling_path, location_path, reporter, owner);
--bun:split
DROP INDEX IF EXISTS hazards_township_id;
