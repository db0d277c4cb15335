-- Each cell's boundary, as the GeoJSON geometry grid/geo writes (a
-- Polygon or MultiPolygon in WGS-84), for routing a point to its cell
-- and drawing the township's map. Apart from grid_cells, so that a cell
-- without one costs nothing and no column is added to a table SQLite
-- would have to rebuild.
CREATE TABLE IF NOT EXISTS cell_boundaries (
    township TEXT{{if .Postgres}} COLLATE "C"{{end}} NOT NULL,
    cell     TEXT{{if .Postgres}} COLLATE "C"{{end}} NOT NULL,
    geojson  TEXT NOT NULL,
    PRIMARY KEY (township, cell)
);
