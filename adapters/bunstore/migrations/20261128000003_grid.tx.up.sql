-- The grid: its cells and its members. Both are read whole when a program
-- starts (grid.LoadTree) and written one change at a time, so a cell is a
-- row of its own columns and a member a JSON document with the township
-- it serves in, which members are listed by.
CREATE TABLE IF NOT EXISTS grid_cells (
    id       TEXT{{if .Postgres}} COLLATE "C"{{end}} PRIMARY KEY,
    path     TEXT{{if .Postgres}} COLLATE "C"{{end}} NOT NULL,
    name     TEXT NOT NULL,
    retired  INTEGER NOT NULL
);
--bun:split
CREATE TABLE IF NOT EXISTS grid_members (
    id       TEXT{{if .Postgres}} COLLATE "C"{{end}} PRIMARY KEY,
    township TEXT{{if .Postgres}} COLLATE "C"{{end}} NOT NULL,
    data     TEXT NOT NULL
);
--bun:split
CREATE INDEX IF NOT EXISTS grid_members_township ON grid_members (township, id);
