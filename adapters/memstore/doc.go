// Package memstore keeps fourplusn's records in memory: cases and hazards
// with their timelines, the grid's cells and members, and the grid as a
// tree for work.Cells. It implements the same store contracts
// as the SQL adapter, checked by the same conformance suite, and serves
// tests, examples and demonstrations. Everything is lost when the process
// exits.
package memstore
