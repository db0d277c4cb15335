package pilot

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/files"
)

// BackupFiles copies the attached files to dir, a directory readable by
// its owner alone, created if need be, and returns how many files it
// copied and their bytes. Files are kept by their sum and never change, so
// a directory that earlier backups filled is given only the files it
// lacks, and nothing in it is replaced. Run after the database's Backup, it copies every file the copy
// of the database refers to: a file is stored before the event that
// attaches it commits, and files are never changed. A file that no longer
// hashes to its sum is not copied; the error names each such file once
// the others are copied, and pilot verify names the case it belongs to.
func (a *App) BackupFiles(ctx context.Context, dir string) (n int, size int64, err error) {
	from, ok := a.Files.(*files.Dir)
	if !ok {
		return 0, 0, errors.New("the attached files are kept in the database and are copied with it")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, 0, err
	}
	to, err := files.Open(dir)
	if err != nil {
		return 0, 0, err
	}
	var changed []error
	for sum, err := range from.All(ctx) {
		if err != nil {
			return n, size, err
		}
		if had, _, err := to.Open(ctx, sum); err == nil {
			had.Close()
			continue
		}
		r, m, err := from.Open(ctx, sum)
		if err != nil {
			return n, size, err
		}
		err = to.Put(ctx, sum, r)
		r.Close()
		if fourplusn.ErrorCode(err) == fourplusn.Invalid {
			changed = append(changed, fmt.Errorf("file %s was changed, not copied: %w", sum, err))
			continue
		}
		if err != nil {
			return n, size, err
		}
		n++
		size += m
	}
	return n, size, errors.Join(changed...)
}
