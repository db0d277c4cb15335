package pilot

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/uptrace/bun"
	"golang.org/x/crypto/bcrypt"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/httpapi"
	"github.com/fourplusn/fourplusn/grid"
)

// The pilot's own tables, beside the store's: staff accounts, web sessions,
// API tokens and a key/value table of settings (the seed marker). Only
// digests of secrets are kept: bcrypt for passwords, which people choose
// and may guess, and SHA-256 for session and API tokens, which are 256
// random bits each and so cannot be guessed from a fast digest.
var tableDDL = []string{
	`CREATE TABLE IF NOT EXISTS pilot_settings (key VARCHAR(100) PRIMARY KEY, value TEXT NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS pilot_accounts (member_id VARCHAR(200) PRIMARY KEY, password_hash VARCHAR(200) NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS pilot_sessions (digest VARCHAR(64) PRIMARY KEY, member_id VARCHAR(200) NOT NULL, expires BIGINT NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS pilot_api_tokens (digest VARCHAR(64) PRIMARY KEY, member_id VARCHAR(200) NOT NULL, created BIGINT NOT NULL)`,
}

func createTables(ctx context.Context, db *bun.DB) error {
	for _, q := range tableDDL {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("create the pilot's tables: %w", err)
		}
	}
	return nil
}

// setting returns the value of key, or "" when it is not set.
func setting(ctx context.Context, db bun.IDB, key string) (string, error) {
	var v string
	err := db.QueryRowContext(ctx, `SELECT value FROM pilot_settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read setting %s: %w", key, err)
	}
	return v, nil
}

func setSetting(ctx context.Context, db bun.IDB, key, value string) error {
	if _, err := db.ExecContext(ctx, `DELETE FROM pilot_settings WHERE key = ?`, key); err != nil {
		return fmt.Errorf("write setting %s: %w", key, err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO pilot_settings (key, value) VALUES (?, ?)`, key, value); err != nil {
		return fmt.Errorf("write setting %s: %w", key, err)
	}
	return nil
}

// setPasswords gives every member of ids the password hash (made once,
// since bcrypt is slow on purpose and the demo accounts share a password).
func setPasswords(ctx context.Context, db bun.IDB, hash []byte, ids ...string) error {
	for _, id := range ids {
		if _, err := db.ExecContext(ctx, `DELETE FROM pilot_accounts WHERE member_id = ?`, id); err != nil {
			return fmt.Errorf("set password of %s: %w", id, err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO pilot_accounts (member_id, password_hash) VALUES (?, ?)`, id, string(hash)); err != nil {
			return fmt.Errorf("set password of %s: %w", id, err)
		}
	}
	return nil
}

// dummyHash is compared against when the login names no account, so that
// a wrong name takes as long as a wrong password and does not reveal which
// accounts exist.
// It is made on first use, not at start-up, which it would slow by the
// cost of one bcrypt hash.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("no such account"), bcrypt.DefaultCost)
	return h
})

// checkPassword returns nil when password is member id's, and an
// Unauthorized error otherwise.
func checkPassword(ctx context.Context, db bun.IDB, id, password string) error {
	var hash string
	err := db.QueryRowContext(ctx, `SELECT password_hash FROM pilot_accounts WHERE member_id = ?`, id).Scan(&hash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return fourplusn.Errorf(fourplusn.Unauthorized, "wrong account or password")
	case err != nil:
		return fmt.Errorf("read account: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return fourplusn.Errorf(fourplusn.Unauthorized, "wrong account or password")
	}
	return nil
}

// newSecret returns 32 random bytes, URL-safe, and their SHA-256 digest in
// hex: the secret goes to its holder once, the digest into the table.
func newSecret() (secret, digest string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("random: %w", err)
	}
	secret = base64.RawURLEncoding.EncodeToString(b)
	return secret, digestOf(secret), nil
}

// digestOf is the hex SHA-256 of a session's secret, as httpapi.HashToken
// is of an API token.
func digestOf(secret string) string {
	d := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(d[:])
}

// SessionTTL is how long a staff login lasts.
const SessionTTL = 12 * time.Hour

func createSession(ctx context.Context, db bun.IDB, memberID string, now time.Time) (string, error) {
	secret, digest, err := newSecret()
	if err != nil {
		return "", err
	}
	// Expired sessions of anyone are swept as new ones are made, so the
	// table does not grow without bound.
	if _, err := db.ExecContext(ctx, `DELETE FROM pilot_sessions WHERE expires < ?`, now.Unix()); err != nil {
		return "", fmt.Errorf("sweep sessions: %w", err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO pilot_sessions (digest, member_id, expires) VALUES (?, ?, ?)`, digest, memberID, now.Add(SessionTTL).Unix()); err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return secret, nil
}

// sessionMember returns the member a session secret belongs to, or "" for
// an unknown or expired session.
func sessionMember(ctx context.Context, db bun.IDB, secret string, now time.Time) (string, error) {
	var id string
	err := db.QueryRowContext(ctx, `SELECT member_id FROM pilot_sessions WHERE digest = ? AND expires >= ?`, digestOf(secret), now.Unix()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read session: %w", err)
	}
	return id, nil
}

func deleteSession(ctx context.Context, db bun.IDB, secret string) error {
	if _, err := db.ExecContext(ctx, `DELETE FROM pilot_sessions WHERE digest = ?`, digestOf(secret)); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// IssueToken makes a bearer token for the API that authenticates as member
// id, keeps its digest, and returns the token, which is shown only once.
func (a *App) IssueToken(ctx context.Context, id string) (string, error) {
	m, ok := a.Member(id)
	if !ok {
		return "", fourplusn.Errorf(fourplusn.NotFound, "no member %q", id)
	}
	return httpapi.NewTokenAuth(apiTokens{a}).IssueToken(ctx, m.Actor())
}

// apiTokens keeps the API's token digests in the pilot's table, so that
// tokens issued by the token command survive restarts. It implements
// httpapi.TokenStore; only members hold tokens.
type apiTokens struct{ app *App }

// SaveToken keeps digest for actor, a member.
func (t apiTokens) SaveToken(ctx context.Context, digest string, actor grid.Actor) error {
	if _, err := t.app.DB.Bun().ExecContext(ctx, `INSERT INTO pilot_api_tokens (digest, member_id, created) VALUES (?, ?, ?)`,
		digest, actor.ID, t.app.Now().Unix()); err != nil {
		return fmt.Errorf("store token: %w", err)
	}
	return nil
}

// LookupToken returns the member digest belongs to, as the grid has them
// now: a member whose posts changed acts with the new ones.
func (t apiTokens) LookupToken(ctx context.Context, digest string) (grid.Actor, bool, error) {
	var id string
	err := t.app.DB.Bun().QueryRowContext(ctx, `SELECT member_id FROM pilot_api_tokens WHERE digest = ?`, digest).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return grid.Actor{}, false, nil
	}
	if err != nil {
		return grid.Actor{}, false, fmt.Errorf("read token: %w", err)
	}
	m, ok := t.app.Member(id)
	if !ok {
		return grid.Actor{}, false, nil
	}
	return m.Actor(), true, nil
}

// DeleteToken forgets digest.
func (t apiTokens) DeleteToken(ctx context.Context, digest string) error {
	if _, err := t.app.DB.Bun().ExecContext(ctx, `DELETE FROM pilot_api_tokens WHERE digest = ?`, digest); err != nil {
		return fmt.Errorf("delete token: %w", err)
	}
	return nil
}
