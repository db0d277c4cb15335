package bunstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// cacheSize bounds the records each cache holds: more than a township's
// staff have open at once, and a few megabytes of memory.
const cacheSize = 2048

// cache keeps records decoded, each with the version it was stored at.
// Reading a record is most of all decoding its JSON; with the cache, a
// record whose version has not changed since it was last read costs one
// lookup of that version by primary key instead. A cached record is never
// trusted without that lookup, so a change another process makes to the
// database is seen at once, and never handed out itself, only copies, so
// that what a caller does to its record cannot reach the next reader.
type cache[T any] struct {
	clone func(*T) *T
	// get reads the version of the record with an ID and, unless that is
	// the version given, its data; prepared once, as it runs on every read.
	get *sql.Stmt

	mu      sync.Mutex
	records map[string]cached[T]
}

// cached is a record as stored at a version. r is never changed.
type cached[T any] struct {
	version int64
	r       *T
}

// newCache prepares the read of table's records for a cache of them.
func newCache[T any](ctx context.Context, db *DB, table string, clone func(*T) *T) (*cache[T], error) {
	q := "SELECT version, CASE WHEN version = ? THEN NULL ELSE data END FROM " + table + " WHERE id = ?"
	stmt, err := db.read.DB.PrepareContext(ctx, db.placeholders(q))
	if err != nil {
		return nil, fmt.Errorf("bunstore: prepare the read of %s: %w", table, err)
	}
	return &cache[T]{clone: clone, get: stmt, records: make(map[string]cached[T])}, nil
}

// lookup returns the record cached under id, if any.
func (c *cache[T]) lookup(id string) (cached[T], bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.records[id]
	return r, ok
}

// put caches a copy of r, stored at version v, under id, unless a later
// version is cached already. A full cache makes room by dropping a record
// chosen at random, as Go's map iteration chooses.
func (c *cache[T]) put(id string, v int64, r *T) {
	r = c.clone(r)
	c.mu.Lock()
	defer c.mu.Unlock()
	prior, ok := c.records[id]
	if ok && prior.version > v {
		return
	}
	if !ok && len(c.records) >= cacheSize {
		for k := range c.records {
			delete(c.records, k)
			break
		}
	}
	c.records[id] = cached[T]{version: v, r: r}
}

// drop forgets the record cached under id.
func (c *cache[T]) drop(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.records, id)
}

// close releases the prepared statement of c, if any.
func (c *cache[T]) close() error {
	if c == nil {
		return nil
	}
	return c.get.Close()
}
