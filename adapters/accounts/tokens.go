package accounts

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/httpapi"
)

// Token is an API token as its holder's administrators see it: never the
// token itself, which is shown once when issued, nor its digest.
type Token struct {
	// ID is the token's public handle, to name it in lists and to revoke
	// it by: 16 hex digits, unrelated to the token.
	ID       string
	Member   string
	Township string
	Label    string // what the token is for, as its issuer wrote it
	Created  time.Time
	Expires  time.Time
	// LastUsed is when the token last authenticated, to the
	// lastUsedStep; zero if never.
	LastUsed time.Time
}

// maxLabelLen bounds a token's label, in characters.
const maxLabelLen = 100

// lastUsedStep is how often Authenticate records that a token is used: at
// most once in this long, so that authenticating a request is a read, not
// a write, nearly always.
const lastUsedStep = time.Hour

// IssueToken makes an API token that authenticates as member for ttl, or
// for TokenTTL when ttl is 0, and returns it, "fpn_" and 32 random bytes
// as httpapi.NewToken makes them, with its listing; only its digest is
// kept. Expired tokens of everyone are swept meanwhile.
//
// Returns an Invalid error for a negative ttl or a label longer than 100
// characters or holding control characters, a NotFound error when member
// has no account, and a Conflict error when it is disabled or its member
// must choose a password first.
func (a *Accounts) IssueToken(ctx context.Context, member, label string, ttl time.Duration) (string, Token, error) {
	switch {
	case ttl < 0:
		return "", Token{}, fourplusn.FieldError("ttl", "a token's lifetime cannot be negative")
	case ttl == 0:
		ttl = a.opts.TokenTTL
	}
	switch {
	case !utf8.ValidString(label) || strings.ContainsFunc(label, unicode.IsControl):
		return "", Token{}, fourplusn.FieldError("label", "a label is text without control characters")
	case utf8.RuneCountInString(label) > maxLabelLen:
		return "", Token{}, fourplusn.FieldError("label", "a label is at most %d characters", maxLabelLen)
	}
	token, err := httpapi.NewToken()
	if err != nil {
		return "", Token{}, err
	}
	var id [8]byte
	if _, err := rand.Read(id[:]); err != nil {
		return "", Token{}, fmt.Errorf("accounts: random: %w", err)
	}
	now := a.now()
	t := Token{ID: hex.EncodeToString(id[:]), Member: member, Label: label, Created: now, Expires: now.Add(ttl)}
	err = a.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		acct, err := usable(ctx, tx, member)
		if err != nil {
			return err
		}
		t.Township = acct.township
		if _, err := tx.ExecContext(ctx, "DELETE FROM accounts_tokens WHERE expires <= ?", column(now)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO accounts_tokens (digest, id, member, township, label, created, expires, last_used) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
			httpapi.HashToken(token), t.ID, t.Member, t.Township, t.Label, column(t.Created), column(t.Expires))
		return err
	})
	if err != nil {
		return "", Token{}, wrap("issue a token to", member, err)
	}
	return token, t, nil
}

// Authenticate returns the member token authenticates as. ok is false,
// with no error, for a token that is unknown, revoked or expired and for
// one of a disabled account; an error means the database failed. It is
// one lookup by the token's digest, the primary key, unless the token was
// verified lately and kept (Options.Feed); once an hour at most it also
// records that the token was used.
func (a *Accounts) Authenticate(ctx context.Context, token string) (member string, ok bool, err error) {
	if !strings.HasPrefix(token, "fpn_") || len(token) > maxSecretLen {
		return "", false, nil
	}
	now := a.now()
	d := httpapi.HashToken(token)
	k := cacheKey{tokenCredential, d}
	if v, ok := a.cache.get(k, now); ok && now.Before(v.lastUsed.Add(lastUsedStep)) {
		return v.member, true, nil
	}
	gen := a.cache.generation()
	var expires, lastUsed int64
	err = a.lookups.queryRow(ctx, tokenLookup, d, column(now)).Scan(&member, &expires, &lastUsed)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("accounts: look up a token: %w", err)
	}
	used := fromColumn(lastUsed)
	if !now.Before(used.Add(lastUsedStep)) {
		if _, err := a.db.ExecContext(ctx, "UPDATE accounts_tokens SET last_used = ? WHERE digest = ?", column(now), d); err != nil {
			return "", false, fmt.Errorf("accounts: record the use of a token: %w", err)
		}
		used = now
	}
	a.cache.put(k, verified{member: member, expires: fromColumn(expires), lastUsed: used, until: now.Add(cacheTTL)}, gen)
	return member, true, nil
}

// Tokens returns member's tokens that have not expired, oldest first.
func (a *Accounts) Tokens(ctx context.Context, member string) ([]Token, error) {
	return a.tokens(ctx, "member", member)
}

// TownshipTokens returns the tokens of township's members that have not
// expired, oldest first.
func (a *Accounts) TownshipTokens(ctx context.Context, township string) ([]Token, error) {
	return a.tokens(ctx, "township", township)
}

// tokens returns the unexpired tokens whose column by, member or
// township, is value.
func (a *Accounts) tokens(ctx context.Context, by, value string) ([]Token, error) {
	rows, err := a.db.QueryContext(ctx, "SELECT id, member, township, label, created, expires, last_used FROM accounts_tokens "+
		"WHERE "+by+" = ? AND expires > ? ORDER BY created, id", value, column(a.now()))
	if err != nil {
		return nil, fmt.Errorf("accounts: list the tokens of %s: %w", value, err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		var created, expires, lastUsed int64
		if err := rows.Scan(&t.ID, &t.Member, &t.Township, &t.Label, &created, &expires, &lastUsed); err != nil {
			return nil, fmt.Errorf("accounts: list the tokens of %s: %w", value, err)
		}
		t.Created, t.Expires, t.LastUsed = fromColumn(created), fromColumn(expires), fromColumn(lastUsed)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("accounts: list the tokens of %s: %w", value, err)
	}
	return out, nil
}

// RevokeToken revokes the token of handle id: it authenticates no one
// from now on. Returns a NotFound error when no token has that handle.
func (a *Accounts) RevokeToken(ctx context.Context, id string) error {
	err := a.revoking(ctx, "", func(ctx context.Context, tx bun.Tx) (string, error) {
		var member string
		err := tx.QueryRowContext(ctx, "SELECT member FROM accounts_tokens WHERE id = ?", id).Scan(&member)
		if errors.Is(err, sql.ErrNoRows) {
			return "", fourplusn.Errorf(fourplusn.NotFound, "no token %s", id)
		}
		if err != nil {
			return "", err
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM accounts_tokens WHERE id = ?", id)
		return member, err
	})
	return wrap("revoke token", id, err)
}

// RevokeTokensOf revokes every token of member and returns how many there
// were.
func (a *Accounts) RevokeTokensOf(ctx context.Context, member string) (int, error) {
	var n int64
	err := a.revoking(ctx, member, func(ctx context.Context, tx bun.Tx) (string, error) {
		res, err := tx.ExecContext(ctx, "DELETE FROM accounts_tokens WHERE member = ?", member)
		if err != nil {
			return member, err
		}
		n, err = res.RowsAffected()
		return member, err
	})
	if err != nil {
		return 0, fmt.Errorf("accounts: revoke the tokens of %s: %w", member, err)
	}
	return int(n), nil
}
