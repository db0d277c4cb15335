package bunstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
)

// Files keeps attachments' bytes in the database's files table, so that a
// PostgreSQL deployment needs no disk of its own for them. A file is read
// whole into memory to be written and to be read: the table suits photos
// and scans of a few megabytes, not video.
type Files struct {
	db *DB
}

var _ attachment.Files = (*Files)(nil)

// Files returns the database's attachment.Files.
func (db *DB) Files() *Files { return &Files{db: db} }

// Put stores r's bytes under sum; see attachment.Files. It commits before
// it returns, which is when the database makes a write durable.
func (f *Files) Put(ctx context.Context, sum attachment.Sum, r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("bunstore: read the file: %w", err)
	}
	if got := attachment.Sum(sha256.Sum256(data)); got != sum {
		return attachment.Mismatch(sum, got)
	}
	_, err = f.db.write.ExecContext(ctx, "INSERT INTO files (sum, size, data) VALUES (?, ?, ?) ON CONFLICT (sum) DO NOTHING",
		sum.String(), len(data), data)
	if err != nil {
		return unavailable(fmt.Errorf("bunstore: put file: %w", err))
	}
	return nil
}

// Open returns the bytes stored under sum; see attachment.Files.
func (f *Files) Open(ctx context.Context, sum attachment.Sum) (io.ReadCloser, int64, error) {
	var data []byte
	err := f.db.read.QueryRowContext(ctx, "SELECT data FROM files WHERE sum = ?", sum.String()).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, fourplusn.Errorf(fourplusn.NotFound, "no file %s", sum)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("bunstore: open file: %w", err)
	}
	return io.NopCloser(bytes.NewReader(data)), int64(len(data)), nil
}

// Delete removes the bytes stored under sum; see attachment.Files.
func (f *Files) Delete(ctx context.Context, sum attachment.Sum) error {
	if _, err := f.db.write.ExecContext(ctx, "DELETE FROM files WHERE sum = ?", sum.String()); err != nil {
		return fmt.Errorf("bunstore: delete file: %w", err)
	}
	return nil
}
