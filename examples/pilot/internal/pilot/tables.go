package pilot

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/uptrace/bun"
)

// The pilot's own table, beside the store's and the accounts': a key/value
// table of settings (the seed marker).
var tableDDL = []string{
	`CREATE TABLE IF NOT EXISTS pilot_settings (key VARCHAR(100) PRIMARY KEY, value TEXT NOT NULL)`,
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

// newSecret returns 32 random bytes, URL-safe: a CSRF token, a form's key.
func newSecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}
