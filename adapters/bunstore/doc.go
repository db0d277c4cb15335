// Package bunstore keeps fourplusn's records in SQL through bun: in one
// embedded SQLite file by default (modernc.org/sqlite, pure Go, no cgo),
// or in PostgreSQL when a county outgrows one file. It implements the grid,
// case and hazard stores (grid.Store, mediation.Store, hazard.Store), the
// statistics source (stats.Source and stats.Batcher) and the indicator
// store (stats.Indicators), and passes the same conformance suite,
// adapters/storetest, as the memory store.
//
// Each record is a row of indexed columns for the questions asked of it —
// its township, state, grade, paths, times — and a JSON column with the
// whole record, which is what is read back. Decoded records are kept, each
// with its version, and a read asks the database only for the version
// unless it changed. A case's timeline, its
// idempotency keys and its 4+N team's departments have tables of their
// own. The schema is created and upgraded by the migrations embedded in
// the package, on Open; the newest migration applied is the schema's
// version, and Open refuses a database of a version it does not know.
//
// # Times and paths
//
// Times are stored as BIGINT Unix nanoseconds in UTC: integers compare and
// sort the same on both engines and keep Go's precision, so a condition
// such as "accept_due < ?" gives exactly what c.AcceptDue.Before(t) gives.
// The zero time is stored as the smallest BIGINT, which sorts before every
// other time as Go's zero time does; no time column is NULL, except a
// hazard's first rectification, which is NULL when there was none.
//
// A cell's subtree is found by its materialized path "/township/…/cell":
// the subtree of P is P itself and the index range [P+"/", P+"0"), '0'
// being the byte after '/'. That needs paths compared byte by byte, which
// SQLite does; on PostgreSQL the path and ID columns are declared
// COLLATE "C", whatever the database's collation.
//
// Statistics are SQL aggregates over those columns: every value TallyCase
// derives from a case — its cell, its outcome, when it was routed — is
// computed by the stats package's own functions when the row is written,
// and the conditions compare them as TallyCase does. The counts over whole
// days come from a running tally per cell and day, month and year, kept in
// each write's transaction (tally.go); a batch of counts reads each tally
// sum, and each set of rows several measures count, once.
//
// # Concurrency
//
// A change and its timeline events are written in one transaction, and
// updates are versioned. On SQLite (WAL, busy_timeout 5000, foreign keys
// on) every write goes through one connection in an IMMEDIATE transaction,
// so writers queue in the process instead of failing with "database is
// locked", and reads use a separate read-only pool. On PostgreSQL an update
// locks its row with SELECT … FOR UPDATE.
//
// # Operations
//
// A write the database refuses for want of room — SQLite's SQLITE_FULL,
// PostgreSQL's disk_full, out_of_memory or too_many_connections — is
// rolled back whole and fails with a fourplusn.Unavailable error, which
// adapters answer "try again later" (HTTP 503). Backup copies a SQLite
// database while it is written (VACUUM INTO, one read transaction); Ping
// and PoolStats serve a program's readiness check and metrics.
package bunstore
