package attachment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/fourplusn/fourplusn"
)

// Sum is the SHA-256 of a file's bytes, by which it is stored and which
// the timeline records.
type Sum [sha256.Size]byte

// String returns the sum in lower-case hex, as the timeline writes it.
func (s Sum) String() string { return hex.EncodeToString(s[:]) }

// MarshalText writes the sum as String does, and the zero sum — no file —
// as nothing, so that records store it as a string.
func (s Sum) MarshalText() ([]byte, error) {
	if s == (Sum{}) {
		return nil, nil
	}
	return []byte(s.String()), nil
}

// UnmarshalText reads a sum MarshalText wrote.
func (s *Sum) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*s = Sum{}
		return nil
	}
	sum, err := ParseSum(string(b))
	*s = sum
	return err
}

// ParseSum reads a sum written in hex, as String writes it.
func ParseSum(s string) (Sum, error) {
	var sum Sum
	if len(s) != 2*len(sum) {
		return Sum{}, fourplusn.FieldError("sha256", "must be %d hex digits", 2*len(sum))
	}
	if _, err := hex.Decode(sum[:], []byte(s)); err != nil {
		return Sum{}, fourplusn.FieldError("sha256", "must be %d hex digits", 2*len(sum))
	}
	return sum, nil
}

// Files keeps the bytes of attachments by their sum (content-addressed):
// what is stored under a sum always hashes to it, so the same photo
// attached twice is kept once. Implementations must be safe for
// concurrent use; storetest.Files checks one.
type Files interface {
	// Put stores the bytes r yields under sum, reading r to its end, and
	// returns once they would survive the machine stopping. Bytes that do
	// not hash to sum are refused (Invalid) and nothing is stored; bytes
	// stored already are not stored again.
	Put(ctx context.Context, sum Sum, r io.Reader) error
	// Open returns a reader of the bytes stored under sum and their size,
	// or NotFound. The caller closes it.
	Open(ctx context.Context, sum Sum) (io.ReadCloser, int64, error)
	// Delete removes the bytes stored under sum; removing bytes not
	// stored is no error.
	Delete(ctx context.Context, sum Sum) error
}

// ErrNoFiles is what attaching and opening files return in a deployment
// that keeps no files: its services were given no Files.
var ErrNoFiles = errors.New("no store of files is configured: attachments are off")

// ErrTooManyFiles is what attaching a file to a record that has the most
// files its Quota allows wraps.
var ErrTooManyFiles = errors.New("too many files")

// ErrQuotaFull is what attaching a file that would take a record's files
// past the bytes its Quota allows wraps.
var ErrQuotaFull = errors.New("the record's files would be too large")

// Quota bounds the files of one record, so that no record — nor whoever
// may attach to it — can fill the store.
type Quota struct {
	Files int   // the most files a record may have
	Bytes int64 // the most bytes its files may hold together, thumbnails not counted
}

// DefaultQuota takes every photo and scan of a long mediation: two hundred
// files, a gigabyte in all (phone photos are stored at 1–5 MB).
var DefaultQuota = Quota{Files: 200, Bytes: 1 << 30}

// Admit returns nil if a file of size bytes may join the files of a
// record, or an Invalid error naming "file" that wraps ErrTooManyFiles or
// ErrQuotaFull. A zero Quota admits as DefaultQuota does.
func (q Quota) Admit(files []Attachment, size int64) error {
	if q == (Quota{}) {
		q = DefaultQuota
	}
	if len(files) >= q.Files {
		return &fourplusn.Error{Code: fourplusn.Invalid, Field: "file", Err: ErrTooManyFiles,
			Message: fmt.Sprintf("%d files are attached already, the most allowed", len(files))}
	}
	total := size
	for _, f := range files {
		total += f.Size
	}
	if total > q.Bytes {
		return &fourplusn.Error{Code: fourplusn.Invalid, Field: "file", Err: ErrQuotaFull,
			Message: fmt.Sprintf("would bring the attached files to %d MB, more than the %d MB allowed", (total+1<<20-1)>>20, q.Bytes>>20)}
	}
	return nil
}

// Mismatch is the error Put returns for bytes that do not hash to the sum
// they were given with.
func Mismatch(want, got Sum) error {
	return fourplusn.Errorf(fourplusn.Invalid, "the bytes hash to %s, not %s", got, want)
}
