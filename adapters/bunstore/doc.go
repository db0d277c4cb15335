// Package bunstore keeps fourplusn's records in SQL through bun: in one
// embedded SQLite file by default (modernc.org/sqlite, pure Go), or in
// PostgreSQL when a county outgrows one file. It implements the case and
// hazard stores, the statistics source and the indicator store, and passes
// the same conformance suite (adapters/storetest) as the memory store.
//
// Each record is a row of indexed columns for the questions asked of it —
// its township, state, grade, paths, times — and a JSON column with the
// whole record. Times are stored as Unix nanoseconds in UTC, NULL for none,
// so that they compare the same on both engines and keep Go's precision.
// Subtree queries use the grid's materialized path: the subtree of a cell
// with path P is P itself and the index range [P+"/", P+"0").
//
// A change and its timeline events are written in one transaction, and
// updates are versioned. On SQLite every write goes through one connection
// in an immediate transaction, so writers queue in the process instead of
// failing with "database is locked"; reads use a separate pool.
package bunstore
