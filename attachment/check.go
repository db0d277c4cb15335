package attachment

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/timeline"
)

// The details of an event that adds a file name its sums by these keys.
const (
	DetailSum       = "sha256"
	DetailThumbnail = "thumbnail_sha256"
)

// Check checks that every file the events of subject's timeline record —
// each sum under DetailSum or DetailThumbnail — is in files and still
// hashes to its sum. It returns nil if so, and otherwise a
// *timeline.BreakError at the first event whose file is missing or was
// changed, so that errors.Is(err, timeline.ErrBroken) holds.
func Check(ctx context.Context, files Files, subject string, events []timeline.Event) error {
	for _, e := range events {
		for _, key := range []string{DetailSum, DetailThumbnail} {
			s, ok := e.Details[key]
			if !ok {
				continue
			}
			sum, err := ParseSum(s)
			if err != nil {
				return &timeline.BreakError{Subject: subject, Seq: e.Seq, Reason: fmt.Sprintf("%s is not a sum: %q", key, s)}
			}
			if reason, err := recheck(ctx, files, sum); err != nil {
				return err
			} else if reason != "" {
				return &timeline.BreakError{Subject: subject, Seq: e.Seq, Reason: reason}
			}
		}
	}
	return nil
}

// recheck hashes the file stored under sum, and says what is wrong with
// it, or "" if nothing is. It returns an error only when the store could
// not be read.
func recheck(ctx context.Context, files Files, sum Sum) (string, error) {
	r, _, err := files.Open(ctx, sum)
	if errors.Is(err, fourplusn.NotFound) {
		return fmt.Sprintf("its file %s is missing", sum), nil
	}
	if err != nil {
		return "", err
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", fmt.Errorf("read file %s: %w", sum, err)
	}
	if got := Sum(h.Sum(nil)); got != sum {
		return fmt.Sprintf("its file %s now hashes to %s", sum, got), nil
	}
	return "", nil
}
