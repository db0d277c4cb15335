// Package files keeps attachments' bytes in a directory of the file
// system, beside the SQLite database by default: one file for each sum
// (content-addressed), at <dir>/<first two hex digits>/<the rest>.
//
// A file is written whole to a temporary file in the same directory,
// synced, then renamed into place and the directory synced, so that once
// Put returns the file survives the machine stopping, and a Put cut short
// leaves no file under the sum: at worst a temporary file, which Open
// clears out.
package files

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
)

// Dir is an attachment.Files in a directory.
type Dir struct {
	path string
}

var _ attachment.Files = (*Dir)(nil)

// tempPrefix starts the names of files not yet renamed into place.
const tempPrefix = ".put-"

// Open returns the store in the directory path, which it creates if need
// be, and removes what Puts cut short left behind.
func Open(path string) (*Dir, error) {
	if err := os.MkdirAll(path, 0o750); err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasPrefix(d.Name(), tempPrefix) {
			return os.Remove(p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("files: clear unfinished writes: %w", err)
	}
	return &Dir{path: path}, nil
}

func (d *Dir) name(sum attachment.Sum) (dir, file string) {
	s := sum.String()
	dir = filepath.Join(d.path, s[:2])
	return dir, filepath.Join(dir, s[2:])
}

// Put stores r's bytes under sum; see attachment.Files.
func (d *Dir) Put(ctx context.Context, sum attachment.Sum, r io.Reader) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	dir, file := d.name(sum)
	if _, err := os.Stat(file); err == nil {
		_, err = io.Copy(io.Discard, r)
		return err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	tmp, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return fmt.Errorf("files: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(tmp, h), r); err != nil {
		return fmt.Errorf("files: write: %w", err)
	}
	if got := attachment.Sum(h.Sum(nil)); got != sum {
		return attachment.Mismatch(sum, got)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("files: sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("files: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("files: sync %s: %w", filepath.Base(dir), err)
	}
	return nil
}

// Open returns the bytes stored under sum; see attachment.Files.
func (d *Dir) Open(ctx context.Context, sum attachment.Sum) (io.ReadCloser, int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	_, file := d.name(sum)
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, fourplusn.Errorf(fourplusn.NotFound, "no file %s", sum)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("files: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("files: %w", err)
	}
	return f, info.Size(), nil
}

// Delete removes the bytes stored under sum; see attachment.Files.
func (d *Dir) Delete(ctx context.Context, sum attachment.Sum) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	_, file := d.name(sum)
	if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("files: %w", err)
	}
	return nil
}

// All yields the sum of every file stored, in no particular order, and
// stops at the first error reading the directory, which it yields. A file
// whose name is not a sum is not the store's and is passed over.
func (d *Dir) All(ctx context.Context) iter.Seq2[attachment.Sum, error] {
	return func(yield func(attachment.Sum, error) bool) {
		err := filepath.WalkDir(d.path, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if e.IsDir() {
				return nil
			}
			sum, err := attachment.ParseSum(filepath.Base(filepath.Dir(p)) + e.Name())
			if err != nil {
				return nil
			}
			if !yield(sum, nil) {
				return fs.SkipAll
			}
			return nil
		})
		if err != nil {
			yield(attachment.Sum{}, fmt.Errorf("files: %w", err))
		}
	}
}
