package bunstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/fourplusn/fourplusn"
)

// ErrFenced is returned, wrapped, by a write made through a store fenced
// by a lease token (Outbox.Fenced, DeadlineActions.Fenced) once the lease
// has passed to another holder: the write is refused, and nothing of it
// is stored. It has the code Conflict.
var ErrFenced = &fourplusn.Error{Code: fourplusn.Conflict, Message: "the watch's lease has passed to another instance"}

// Lease is a named lease in the database (table watch_lease), by which
// several processes on one database choose the one that does a piece of
// work, such as the pilot's watch. It is a row with a holder, an expiry
// and a fencing token that rises by one each time the lease changes
// holder.
//
// A row rather than a PostgreSQL advisory lock: it works on SQLite as on
// PostgreSQL, and it survives a paused holder. A session's advisory lock
// is held as long as its connection lives, and the connection of a
// process that is stopped (SIGSTOP, a long GC pause, a frozen VM) lives
// on, so the work would stop with it; a lease row expires, another
// process takes it with a higher token, and the paused one's writes,
// fenced by its old token, are refused when it wakes (see Fence). The
// expiry is read against the processes' own clocks, which must agree to
// well within the lease's length (NTP does).
//
// A Lease is safe for concurrent use.
type Lease struct {
	db     *DB
	name   string
	holder string
	ttl    time.Duration

	mu    sync.Mutex
	token int64 // the token this Lease holds the lease with; 0 for none
}

// Lease returns the lease called name as held by holder, a name unique to
// the process (its host, its process ID and something random), taken for
// ttl at each Hold.
func (db *DB) Lease(name, holder string, ttl time.Duration) *Lease {
	return &Lease{db: db, name: name, holder: holder, ttl: ttl}
}

// Hold takes the lease until now+ttl if it is free or has expired, or
// renews it if this Lease holds it, and returns the fencing token it holds
// it with; it returns 0 if another holder holds it. Taking the lease
// raises the token; renewing keeps it, even after the expiry, if nobody
// took the lease meanwhile.
func (l *Lease) Hold(ctx context.Context, now time.Time) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	until := timeColumn(now.Add(l.ttl))
	var got int64
	err := l.db.runInTx(ctx, func(ctx context.Context, tx writeTx) error {
		got = 0
		lock := ""
		if l.db.postgres {
			lock = " FOR UPDATE"
		}
		var holder string
		var token, expires int64
		err := tx.QueryRowContext(ctx, "SELECT holder, token, expires_at FROM watch_lease WHERE name = ?"+lock, l.name).Scan(&holder, &token, &expires)
		var res sql.Result
		switch {
		case errors.Is(err, sql.ErrNoRows):
			res, err = tx.ExecContext(ctx, "INSERT INTO watch_lease (name, holder, token, expires_at) VALUES (?, ?, 1, ?) ON CONFLICT (name) DO NOTHING", l.name, l.holder, until)
			token = 1
		case err != nil:
			return err
		case l.token != 0 && holder == l.holder && token == l.token:
			res, err = tx.ExecContext(ctx, "UPDATE watch_lease SET expires_at = ? WHERE name = ? AND token = ?", until, l.name, token)
		case expires <= timeColumn(now):
			res, err = tx.ExecContext(ctx, "UPDATE watch_lease SET holder = ?, token = token + 1, expires_at = ? WHERE name = ? AND token = ?", l.holder, until, l.name, token)
			token++
		default:
			return nil // held by another
		}
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return err // another took it first
		}
		got = token
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("bunstore: hold lease %s: %w", l.name, err)
	}
	l.token = got
	return got, nil
}

// Release gives the lease up if this Lease holds it, so that another
// holder may take it at once rather than when it expires. The token stays,
// so the next holder's is higher.
func (l *Lease) Release(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.token == 0 {
		return nil
	}
	_, err := l.db.write.ExecContext(ctx, "UPDATE watch_lease SET expires_at = ? WHERE name = ? AND holder = ? AND token = ?", zeroTime, l.name, l.holder, l.token)
	if err != nil {
		return fmt.Errorf("bunstore: release lease %s: %w", l.name, unavailable(err))
	}
	l.token = 0
	return nil
}

// Fence is a lease's name and a token it was held with. The writes of a
// store fenced by it check, in their own transaction, that the lease's
// token is still this one, and are refused with ErrFenced once another
// holder has taken the lease. On PostgreSQL the check locks the lease's
// row until the write commits, so that a new holder takes the lease only
// after the old one's last write, and sees it.
type Fence struct {
	Lease string
	Token int64
}

// check returns ErrFenced, wrapped, unless f's lease still has f's token;
// a nil f checks nothing.
func (f *Fence) check(ctx context.Context, tx writeTx) error {
	if f == nil {
		return nil
	}
	lock := ""
	if tx.db.postgres {
		lock = " FOR SHARE"
	}
	var token int64
	err := tx.QueryRowContext(ctx, "SELECT token FROM watch_lease WHERE name = ?"+lock, f.Lease).Scan(&token)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("lease %s is not held: %w", f.Lease, ErrFenced)
	case err != nil:
		return fmt.Errorf("check lease %s: %w", f.Lease, err)
	case token != f.Token:
		return fmt.Errorf("lease %s: token %d, now %d: %w", f.Lease, f.Token, token, ErrFenced)
	}
	return nil
}

// claimPrefix is what begins the claims made under f, so that a fenced
// Claim tells its own holder's claims from those of a holder before it.
func (f *Fence) claimPrefix() string {
	return "t" + strconv.FormatInt(f.Token, 10) + "-"
}

// exec runs query with args on db's writer, in a transaction that checks
// f first if f is not nil.
func (db *DB) fencedExec(ctx context.Context, f *Fence, query string, args ...any) (sql.Result, error) {
	if f == nil {
		res, err := db.write.ExecContext(ctx, query, args...)
		return res, unavailable(err)
	}
	var res sql.Result
	err := db.runInTx(ctx, func(ctx context.Context, tx writeTx) error {
		if err := f.check(ctx, tx); err != nil {
			return err
		}
		var err error
		res, err = tx.ExecContext(ctx, query, args...)
		return err
	})
	return res, err
}
