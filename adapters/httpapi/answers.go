package httpapi

import (
	"encoding/json"
	"net/http"
	"sync"
)

// answers keeps the encoded answers about recently written cases and
// hazards. Once the store has a record at hand, building and encoding its
// answer is most of the work of reading it, and a record is read far more
// often than it changes; an answer is reused while the record keeps its
// version.
//
// An answer is kept for each way a record is shown at once: masked or not,
// overdue or not. Those are everything in an answer that is not the stored
// record itself, so an answer is reused only for a viewer who would be
// shown the same bytes.
type answers struct {
	mu      sync.Mutex
	entries map[answerKey]answer
}

// maxAnswers bounds the answers kept, and maxAnswerSize the size of one:
// at a few kilobytes each, a few megabytes in all. A larger record, with a
// long history of sessions, is encoded for every read.
const (
	maxAnswers    = 4096
	maxAnswerSize = 16 << 10
)

// answerKey names one way of showing one record.
type answerKey struct {
	kind    byte // 'c' for a case, 'h' for a hazard
	id      string
	masked  bool // personal data masked for the viewer
	overdue bool // past a deadline when shown
}

// answer is the answer about a record at one version.
type answer struct {
	version int64
	etag    string
	body    []byte // JSON, never changed once kept
}

func newAnswers() *answers {
	return &answers{entries: make(map[answerKey]answer)}
}

// write answers with status and the record at version shown as key names:
// the kept answer if there is one for that version, else the encoding of
// the value render returns, which is then kept.
func (a *answers) write(w http.ResponseWriter, status int, key answerKey, version int64, render func() any) error {
	a.mu.Lock()
	ans, ok := a.entries[key]
	a.mu.Unlock()
	if !ok || ans.version != version {
		body, err := json.Marshal(render())
		if err != nil {
			return err
		}
		ans = answer{version: version, etag: etag(version), body: append(body, '\n')}
		a.keep(key, ans)
	}
	w.Header().Set("ETag", ans.etag)
	return writeBody(w, status, ans.body)
}

// keep keeps ans under key unless an answer about a later version is kept
// already. When full, it makes room by dropping an answer chosen at
// random, as Go's map iteration chooses.
func (a *answers) keep(key answerKey, ans answer) {
	if len(ans.body) > maxAnswerSize {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	prior, ok := a.entries[key]
	if ok && prior.version > ans.version {
		return
	}
	if !ok && len(a.entries) >= maxAnswers {
		for k := range a.entries {
			delete(a.entries, k)
			break
		}
	}
	a.entries[key] = ans
}
