package files_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/files"
	"github.com/fourplusn/fourplusn/adapters/storetest"
	"github.com/fourplusn/fourplusn/attachment"
)

func TestConformance(t *testing.T) {
	storetest.Files(t, func(t *testing.T) attachment.Files {
		d, err := files.Open(t.TempDir())
		require.NoError(t, err)
		return d
	})
}

// TestAll checks that All yields every file stored, and only those.
func TestAll(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d, err := files.Open(dir)
	require.NoError(t, err)
	want := map[attachment.Sum]bool{}
	for i := range 5 {
		data := []byte(fmt.Sprintf("photo %d", i))
		sum := attachment.Sum(sha256.Sum256(data))
		require.NoError(t, d.Put(ctx, sum, bytes.NewReader(data)))
		want[sum] = true
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "README"), []byte("not a file of the store"), 0o600))
	got := map[attachment.Sum]bool{}
	for sum, err := range d.All(ctx) {
		require.NoError(t, err)
		got[sum] = true
	}
	assert.Equal(t, want, got)

	n := 0
	for range d.All(ctx) {
		n++
		break
	}
	assert.Equal(t, 1, n, "stops when told")
}

// TestUnfinishedWritesCleared checks that what a Put cut short left
// behind is cleared when the store is opened again, and the files put
// stay.
func TestUnfinishedWritesCleared(t *testing.T) {
	dir := t.TempDir()
	d, err := files.Open(dir)
	require.NoError(t, err)
	data := []byte("a photo")
	sum := attachment.Sum(sha256.Sum256(data))
	require.NoError(t, d.Put(context.Background(), sum, bytes.NewReader(data)))
	left := filepath.Join(dir, sum.String()[:2], ".put-123")
	require.NoError(t, os.WriteFile(left, []byte("half a pho"), 0o600))

	d, err = files.Open(dir)
	require.NoError(t, err)
	assert.NoFileExists(t, left)
	r, _, err := d.Open(context.Background(), sum)
	require.NoError(t, err)
	defer r.Close()
	got, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, data, got)
}

// TestAcknowledgedPutsSurviveKill runs a writer in a child process that
// puts files one after another and prints the sum of each as Put returns;
// it is killed with SIGKILL mid-way, and every file it acknowledged must
// be there, whole.
func TestAcknowledgedPutsSurviveKill(t *testing.T) {
	if dir := os.Getenv("FILES_KILL_WRITER"); dir != "" {
		killWriter(dir)
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestAcknowledgedPutsSurviveKill$")
	cmd.Env = append(os.Environ(), "FILES_KILL_WRITER="+dir)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	acked := map[string]int{}
	lines := bufio.NewScanner(out)
	deadline := time.Now().Add(30 * time.Second)
	for lines.Scan() && len(acked) < 20 && time.Now().Before(deadline) {
		var sum string
		var n int
		if _, err := fmt.Sscan(lines.Text(), &sum, &n); err == nil {
			acked[sum] = n
		}
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	require.GreaterOrEqual(t, len(acked), 20, "the writer acknowledged files before it was killed")

	d, err := files.Open(dir)
	require.NoError(t, err)
	for s, n := range acked {
		sum, err := attachment.ParseSum(s)
		require.NoError(t, err)
		r, size, err := d.Open(context.Background(), sum)
		require.NoError(t, err, "acknowledged file %d is there", n)
		h := sha256.New()
		_, err = io.Copy(h, r)
		r.Close()
		require.NoError(t, err)
		assert.Equal(t, sum, attachment.Sum(h.Sum(nil)), "file %d is whole", n)
		assert.Positive(t, size)
	}
}

// killWriter puts 256 KB files into dir until it is killed, printing the
// sum of each once Put returns.
func killWriter(dir string) {
	d, err := files.Open(dir)
	if err != nil {
		panic(err)
	}
	for n := 0; ; n++ {
		data := bytes.Repeat([]byte(strconv.Itoa(n)), 256<<10/len(strconv.Itoa(n)))
		sum := attachment.Sum(sha256.Sum256(data))
		if err := d.Put(context.Background(), sum, bytes.NewReader(data)); err != nil {
			panic(err)
		}
		fmt.Println(sum, n)
	}
}
