// Package memstore keeps fourplusn's records in memory: cases with their
// timelines, and the grid as a tree. It implements the same store contracts
// as the SQL adapter, checked by the same conformance suite, and serves
// tests, examples and demonstrations. Everything is lost when the process
// exits.
package memstore
