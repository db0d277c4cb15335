package accounts

import (
	"context"
	"database/sql"
	"sync"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/fourplusn/fourplusn/internal/sqltext"
)

// The lookups every request makes: a bearer token's and a session's. They
// are prepared once and run on Options.Reader when there is one. bun
// writes a query's arguments into its text, so SQLite parsed the token's
// lookup anew on every API request, on the one writer connection: that
// was most of what the pilot's API spent beyond the bare API's.
const (
	tokenLookup = "SELECT t.member, t.expires, t.last_used FROM accounts_tokens t JOIN accounts_members m ON m.member = t.member " +
		"WHERE t.digest = ? AND t.expires > ? AND m.disabled = 0"
	sessionLookup = "SELECT s.member, s.expires FROM accounts_sessions s JOIN accounts_members m ON m.member = s.member " +
		"WHERE s.digest = ? AND s.expires > ? AND m.disabled = 0"
)

// lookups are the prepared statements of the per-request lookups.
type lookups struct {
	db       *bun.DB // the reader, or the accounts' database
	mu       sync.Mutex
	prepared map[string]*sql.Stmt
}

// queryRow runs query, one of the lookups, with args: through its
// prepared statement, prepared on first use; unprepared if preparing
// fails, to be tried again next time.
func (l *lookups) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	l.mu.Lock()
	stmt := l.prepared[query]
	l.mu.Unlock()
	if stmt == nil {
		var err error
		// Prepared without the lock: preparing waits for a connection.
		if stmt, err = l.db.DB.PrepareContext(ctx, l.placeholders(query)); err != nil {
			return l.db.DB.QueryRowContext(ctx, l.placeholders(query), args...)
		}
		l.mu.Lock()
		if other := l.prepared[query]; other != nil {
			stmt.Close() // prepared meanwhile by another request
			stmt = other
		} else {
			if l.prepared == nil {
				l.prepared = map[string]*sql.Stmt{}
			}
			l.prepared[query] = stmt
		}
		l.mu.Unlock()
	}
	return stmt.QueryRowContext(ctx, args...)
}

// placeholders writes query's "?" as the database takes them: PostgreSQL
// numbers them $1, $2, …
func (l *lookups) placeholders(query string) string {
	if l.db.Dialect().Name() != dialect.PG {
		return query
	}
	return sqltext.Numbered(query)
}
