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
// An answer is kept for each view of a record (see view), which is
// everything in an answer that is not the stored record itself, so an
// answer is reused only for a reader who would be shown the same bytes.
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

// view is how a record is shown to one reader at one time: all that an
// answer about it holds besides the record as stored at its version. A
// service presents a record to a reader by masking its personal data or
// not, and marks the copy it masked; whether the record is past a
// deadline depends on when it is shown. The view is part of the key
// of a kept answer, and answers.write hands the writer of a record the
// view from that key, so an answer is never written for one view and kept
// for another.
type view struct {
	masked  bool // personal data masked for the reader
	overdue bool // past a deadline when shown
}

// answerKey names one view of one record.
type answerKey struct {
	kind string // the path of the record's routes: "/cases", "/hazards"
	id   string
	view view
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

// write answers with status and the record at version in the view key
// names: the kept answer if there is one for that version, else the
// encoding of what render returns for that view, which is then kept.
// render is given the view from the key, and nothing else decides it.
func (a *answers) write(w http.ResponseWriter, status int, key answerKey, version int64, render func(view) any) error {
	a.mu.Lock()
	ans, ok := a.entries[key]
	a.mu.Unlock()
	if !ok || ans.version != version {
		body, err := json.Marshal(render(key.view))
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
