package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite" // to read the backup as SQLite does

	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
)

// writers is how many clients register cases at once in the load.
const writers = 8

// load is eight members of staff registering cases through the API, each
// one after another, until stopped or until the pilot stops answering.
type load struct {
	mu    sync.Mutex
	acked map[string]string // case ID → its facts, for each registration answered 201
	odd   []string          // answers that were neither 201 nor a dropped connection
	stop  chan struct{}
	wg    sync.WaitGroup
	more  chan struct{} // a registration was acknowledged
}

// startLoad starts the writers on the pilots at bases, spread over them
// in turn, as the member whose API token is token. round tells the cases
// of one load from another's. A writer whose pilot stops answering stops.
func startLoad(token string, round int, bases ...string) *load {
	l := &load{acked: map[string]string{}, stop: make(chan struct{}), more: make(chan struct{}, 1)}
	c := &http.Client{Timeout: 10 * time.Second}
	for w := range writers {
		l.wg.Go(func() {
			for i := range 5000 {
				select {
				case <-l.stop:
					return
				default:
				}
				facts := fmt.Sprintf("第%d轮第%d位写入者的第%d件：两家因排水沟堵塞互相指责。", round, w, i)
				id, ok := l.register(c, bases[w%len(bases)], token, facts, fmt.Sprintf("load-%d-%d-%d", round, w, i))
				if !ok {
					return
				}
				if id != "" {
					l.mu.Lock()
					l.acked[id] = facts
					l.mu.Unlock()
					select {
					case l.more <- struct{}{}:
					default:
					}
				}
			}
		})
	}
	return l
}

// register sends one registration. It returns the new case's ID when it
// was acknowledged, and false when the pilot no longer answers.
func (l *load) register(c *http.Client, base, token, facts, key string) (string, bool) {
	body, _ := json.Marshal(map[string]any{
		"channel": "walk_in", "category": "neighbour", "facts": facts, "location": "mayuan-1",
		"applicants":  []map[string]any{{"name": "王某某", "phone": "13900001111"}},
		"respondents": []map[string]any{{"name": "张某某"}},
	})
	req, _ := http.NewRequest(http.MethodPost, base+"api/v1/cases", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	resp, err := c.Do(req)
	if err != nil {
		return "", false // killed, or shut down: not acknowledged
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", false // the answer was cut off: not acknowledged
	}
	if resp.StatusCode != http.StatusCreated {
		l.mu.Lock()
		l.odd = append(l.odd, fmt.Sprintf("%d %s", resp.StatusCode, b))
		l.mu.Unlock()
		return "", false
	}
	return strings.TrimPrefix(resp.Header.Get("Location"), "/api/v1/cases/"), true
}

// waitFor waits until n registrations were acknowledged.
func (l *load) waitFor(t *testing.T, n int) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for len(l.acknowledged()) < n {
		select {
		case <-l.more:
		case <-deadline:
			t.Fatalf("only %d of %d registrations acknowledged in 30 s", len(l.acknowledged()), n)
		}
	}
}

// acknowledged returns the registrations acknowledged so far.
func (l *load) acknowledged() map[string]string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]string, len(l.acked))
	for id, f := range l.acked {
		out[id] = f
	}
	return out
}

// end stops the writers and waits for them; every answer the pilot gave
// must have been an acknowledgement.
func (l *load) end(t *testing.T) {
	t.Helper()
	close(l.stop)
	l.wg.Wait()
	assert.Empty(t, l.odd, "the pilot answered every registration 201 or not at all")
}

// seeded loads the demo township into dir's database and returns an API
// token of its first duty officer.
func seeded(t *testing.T, bin, dir string) string {
	t.Helper()
	runCmd(t, bin, dir, "seed")
	token := strings.TrimSpace(strings.SplitN(runCmd(t, bin, dir, "token", "gc-duty-1"), "\n", 2)[0])
	require.True(t, strings.HasPrefix(token, "fpn_"), "a token: %q", token)
	return token
}

// TestBackupWhileWriting backs the pilot's database up while eight
// writers register cases: the copy passes SQLite's integrity check and
// pilot verify, and holds every case acknowledged before the backup
// began. A second backup to the same file is refused.
func TestBackupWhileWriting(t *testing.T) {
	bin := buildPilot(t)
	dir := t.TempDir()
	token := seeded(t, bin, dir)
	p := start(t, bin, dir)
	l := startLoad(token, 0, p.url)
	l.waitFor(t, 40)
	before := l.acknowledged()
	var withPhoto string
	for id := range before {
		withPhoto = id
		break
	}
	attachPhoto(t, p.url, token, withPhoto)
	out := runCmd(t, bin, dir, "backup", "backup.db")
	during := len(l.acknowledged()) - len(before)
	l.end(t)
	assert.Contains(t, out, "backed up the database to backup.db")
	assert.Contains(t, out, "backed up 2 attached files to backup.db.files", "the photo and its thumbnail")
	t.Logf("%d cases acknowledged before the backup, %d more while it ran", len(before), during)

	again := exec.Command(bin, "backup", "backup.db")
	again.Dir = dir
	refused, err := again.CombinedOutput()
	require.Error(t, err, "a backup never replaces a file")
	assert.Contains(t, string(refused), "exists")
	assert.Contains(t, runCmd(t, bin, dir, "backup", "backup2.db", "backup.db.files"), "backed up 0 attached files to backup.db.files",
		"a directory earlier backups filled is given only what it lacks")
	p.stop(t)

	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "backup.db")+"?mode=ro")
	require.NoError(t, err)
	var verdict string
	require.NoError(t, db.QueryRow("PRAGMA integrity_check").Scan(&verdict))
	assert.Equal(t, "ok", verdict)
	rows, err := db.Query("SELECT id FROM cases")
	require.NoError(t, err)
	inCopy := map[string]bool{}
	for rows.Next() {
		var id string
		require.NoError(t, rows.Scan(&id))
		inCopy[id] = true
	}
	require.NoError(t, rows.Err())
	require.NoError(t, db.Close())
	for id := range before {
		assert.True(t, inCopy[id], "case %s, acknowledged before the backup began, is in it", id)
	}
	// Restored elsewhere, the copy is whole: its case's photo is there.
	restored := t.TempDir()
	require.NoError(t, os.Rename(filepath.Join(dir, "backup.db"), filepath.Join(restored, "backup.db")))
	require.NoError(t, os.Rename(filepath.Join(dir, "backup.db.files"), filepath.Join(restored, "backup.db.files")))
	assert.Regexp(t, checked, runCmd(t, bin, restored, "-db", "backup.db", "-files", "backup.db.files", "verify"))
	require.NoError(t, os.RemoveAll(filepath.Join(restored, "backup.db.files")))
	broken := exec.Command(bin, "-db", "backup.db", "-files", "backup.db.files", "verify")
	broken.Dir = restored
	missing, err := broken.CombinedOutput()
	require.Error(t, err, "without its files the copy is not whole")
	assert.Contains(t, string(missing), "BROKEN case "+withPhoto)
}

// attachPhoto attaches a small photo to case id through the API.
func attachPhoto(t *testing.T, base, token, id string) {
	t.Helper()
	var img bytes.Buffer
	require.NoError(t, jpeg.Encode(&img, image.NewGray(image.Rect(0, 0, 64, 48)), nil))
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	require.NoError(t, mw.WriteField("kind", "photo"))
	fw, err := mw.CreateFormFile("file", "现场.jpg")
	require.NoError(t, err)
	_, err = fw.Write(img.Bytes())
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, base+"api/v1/cases/"+id+"/attachments", &body)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", b)
}

// TestCrash kills the pilot with SIGKILL while eight writers register
// cases, three times over: after each restart every case acknowledged
// before any crash is there as it was sent, with its timeline, and in the
// end pilot verify finds every timeline intact.
func TestCrash(t *testing.T) {
	bin := buildPilot(t)
	dir := t.TempDir()
	token := seeded(t, bin, dir)
	acked := map[string]string{}
	c := &http.Client{Timeout: 10 * time.Second}
	for round := range 3 {
		p := start(t, bin, dir)
		checkCases(t, c, p.url, token, acked)
		l := startLoad(token, round, p.url)
		l.waitFor(t, 60)
		require.NoError(t, p.cmd.Process.Kill())
		p.cmd.Wait()
		l.end(t)
		got := l.acknowledged()
		t.Logf("round %d: %d cases acknowledged before SIGKILL", round, len(got))
		for id, f := range got {
			acked[id] = f
		}
	}
	p := start(t, bin, dir)
	checkCases(t, c, p.url, token, acked)
	p.stop(t)
	assert.Regexp(t, checked, runCmd(t, bin, dir, "verify"))
}

// checkCases checks that every case of want is stored with its facts and
// its timeline's first event, its registration.
func checkCases(t *testing.T, c *http.Client, base, token string, want map[string]string) {
	t.Helper()
	read := func(path string, v any) int {
		req, err := http.NewRequest(http.MethodGet, base+path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := c.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
		}
		return resp.StatusCode
	}
	for id, facts := range want {
		var got struct {
			Facts string `json:"facts"`
		}
		if !assert.Equal(t, http.StatusOK, read("api/v1/cases/"+id, &got), "acknowledged case %s is kept", id) {
			continue
		}
		assert.Equal(t, facts, got.Facts, id)
		var tl struct {
			Events []struct {
				Action timeline.Action `json:"action"`
			} `json:"events"`
		}
		require.Equal(t, http.StatusOK, read("api/v1/cases/"+id+"/timeline", &tl), id)
		if assert.NotEmpty(t, tl.Events, id) {
			assert.Equal(t, mediation.ActionRegistered, tl.Events[0].Action, id)
		}
	}
}
