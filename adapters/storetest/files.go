package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
)

// Files checks an attachment.Files: bytes put come back whole under their
// sum, bytes that do not hash to it are refused and leave nothing, the
// same bytes put twice — at once or one after the other — are kept once,
// a file of a phone photo's size is streamed, Delete removes, and a
// canceled context stops every method. newFiles returns a fresh, empty
// store each time it is called.
func Files(t *testing.T, newFiles func(t *testing.T) attachment.Files) {
	t.Run("put and open", func(t *testing.T) { filesPutAndOpen(t, newFiles(t)) })
	t.Run("wrong sum", func(t *testing.T) { filesWrongSum(t, newFiles(t)) })
	t.Run("same bytes twice", func(t *testing.T) { filesTwice(t, newFiles(t)) })
	t.Run("concurrent puts", func(t *testing.T) { filesConcurrent(t, newFiles(t)) })
	t.Run("delete", func(t *testing.T) { filesDelete(t, newFiles(t)) })
	t.Run("canceled context", func(t *testing.T) { filesCanceled(t, newFiles(t)) })
}

// someBytes returns n random bytes and their sum.
func someBytes(n int, seed uint64) ([]byte, attachment.Sum) {
	r := rand.New(rand.NewPCG(seed, 17))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b, sha256.Sum256(b)
}

// read returns what f holds under sum.
func read(t *testing.T, f attachment.Files, sum attachment.Sum) []byte {
	t.Helper()
	r, size, err := f.Open(context.Background(), sum)
	require.NoError(t, err)
	defer r.Close()
	b, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, int64(len(b)), size, "the size given is the size read")
	return b
}

func filesPutAndOpen(t *testing.T, f attachment.Files) {
	ctx := context.Background()
	for i, n := range []int{0, 1, 4096, 3 << 20} {
		data, sum := someBytes(n, uint64(i))
		require.NoError(t, f.Put(ctx, sum, bytes.NewReader(data)), "%d bytes", n)
		assert.True(t, bytes.Equal(data, read(t, f, sum)), "%d bytes come back whole", n)
	}
	_, missing := someBytes(10, 99)
	_, _, err := f.Open(ctx, missing)
	assert.ErrorIs(t, err, fourplusn.NotFound)
}

func filesWrongSum(t *testing.T, f attachment.Files) {
	ctx := context.Background()
	data, _ := someBytes(1000, 1)
	_, other := someBytes(1000, 2)
	err := f.Put(ctx, other, bytes.NewReader(data))
	require.ErrorIs(t, err, fourplusn.Invalid)
	_, _, err = f.Open(ctx, other)
	assert.ErrorIs(t, err, fourplusn.NotFound, "nothing is stored under the wrong sum")
}

func filesTwice(t *testing.T, f attachment.Files) {
	ctx := context.Background()
	data, sum := someBytes(5000, 3)
	require.NoError(t, f.Put(ctx, sum, bytes.NewReader(data)))
	r := bytes.NewReader(data)
	require.NoError(t, f.Put(ctx, sum, r))
	assert.Zero(t, r.Len(), "Put reads its reader to the end even when it stores nothing")
	assert.Equal(t, data, read(t, f, sum))
}

func filesConcurrent(t *testing.T, f attachment.Files) {
	ctx := context.Background()
	data, sum := someBytes(256<<10, 4)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() { errs[i] = f.Put(ctx, sum, bytes.NewReader(data)) })
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	assert.True(t, bytes.Equal(data, read(t, f, sum)))
}

func filesDelete(t *testing.T, f attachment.Files) {
	ctx := context.Background()
	data, sum := someBytes(100, 5)
	keep, kept := someBytes(100, 6)
	require.NoError(t, f.Put(ctx, sum, bytes.NewReader(data)))
	require.NoError(t, f.Put(ctx, kept, bytes.NewReader(keep)))
	require.NoError(t, f.Delete(ctx, sum))
	_, _, err := f.Open(ctx, sum)
	assert.ErrorIs(t, err, fourplusn.NotFound)
	require.NoError(t, f.Delete(ctx, sum), "deleting what is gone is no error")
	assert.Equal(t, keep, read(t, f, kept), "the others stay")
}

func filesCanceled(t *testing.T, f attachment.Files) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data, sum := someBytes(100, 7)
	assert.ErrorIs(t, f.Put(ctx, sum, bytes.NewReader(data)), context.Canceled)
	_, _, err := f.Open(ctx, sum)
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, f.Delete(ctx, sum), context.Canceled)
	_, _, err = f.Open(context.Background(), sum)
	assert.ErrorIs(t, err, fourplusn.NotFound, "a canceled Put stores nothing")
}
