package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/httpapi"
)

// maxSecretLen bounds the session secrets and tokens looked up; longer
// ones are no one's and are not hashed.
const maxSecretLen = 256

// usable returns member's account if it may hold sessions and tokens: a
// NotFound error when there is none, a Conflict error when it is disabled
// or its member has not chosen a password yet.
func usable(ctx context.Context, db bun.IDB, member string) (account, error) {
	acct, found, err := readAccount(ctx, db, member)
	switch {
	case err != nil:
		return account{}, err
	case !found:
		return account{}, notFound(member)
	case acct.disabled:
		return account{}, fourplusn.Errorf(fourplusn.Conflict, "the account of %s is disabled", member)
	case acct.passwordHash == "":
		return account{}, fourplusn.Errorf(fourplusn.Conflict, "%s has not chosen a password yet", member)
	}
	return acct, nil
}

// CreateSession starts a session of member, who has just signed in, and
// returns its secret for the caller's cookie; only its digest is kept.
// The session lasts SessionTTL, until EndSession, or until the member's
// account is reset or disabled or their password changed elsewhere.
// Expired sessions of everyone are swept meanwhile.
//
// Returns a NotFound error when member has no account, and a Conflict
// error when it is disabled or its member must choose a password first.
func (a *Accounts) CreateSession(ctx context.Context, member string) (string, error) {
	secret, err := httpapi.NewToken()
	if err != nil {
		return "", err
	}
	now := a.now()
	err = a.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := usable(ctx, tx, member); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM accounts_sessions WHERE expires <= ?", column(now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO accounts_sessions (digest, member, expires) VALUES (?, ?, ?)",
			httpapi.HashToken(secret), member, column(now.Add(a.opts.SessionTTL)))
		return err
	})
	if err != nil {
		return "", wrap("create a session of", member, err)
	}
	return secret, nil
}

// Session returns the member whose session secret is. ok is false, with
// no error, for an unknown, ended or expired session and for one of a
// disabled account; an error means the database failed.
func (a *Accounts) Session(ctx context.Context, secret string) (member string, ok bool, err error) {
	if secret == "" || len(secret) > maxSecretLen {
		return "", false, nil
	}
	now := a.now()
	d := httpapi.HashToken(secret)
	k := cacheKey{sessionCredential, d}
	if v, ok := a.cache.get(k, now); ok {
		return v.member, true, nil
	}
	gen := a.cache.generation()
	var expires int64
	err = a.lookups.queryRow(ctx, sessionLookup, d, column(now)).Scan(&member, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("accounts: read a session: %w", err)
	}
	a.cache.put(k, verified{member: member, expires: fromColumn(expires), until: now.Add(cacheTTL)}, gen)
	return member, true, nil
}

// EndSession ends the session of secret: its member signs out. Ending an
// unknown session does nothing.
func (a *Accounts) EndSession(ctx context.Context, secret string) error {
	d := httpapi.HashToken(secret)
	err := a.revoking(ctx, "", func(ctx context.Context, tx bun.Tx) (string, error) {
		var member string
		err := tx.QueryRowContext(ctx, "SELECT member FROM accounts_sessions WHERE digest = ?", d).Scan(&member)
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil // nothing to end; "" forgets all, which is rare and harmless
		}
		if err != nil {
			return "", err
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM accounts_sessions WHERE digest = ?", d)
		return member, err
	})
	if err != nil {
		return fmt.Errorf("accounts: end a session: %w", err)
	}
	return nil
}
