package httpapi

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAnswersBounds: the answers kept never exceed maxAnswers, an answer
// larger than maxAnswerSize is written but not kept, and an answer about
// an older version never replaces one about a newer.
func TestAnswersBounds(t *testing.T) {
	a := newAnswers()
	renders := 0
	write := func(id string, version int64, body string) string {
		t.Helper()
		w := httptest.NewRecorder()
		err := a.write(w, http.StatusOK, answerKey{kind: "/cases", id: id}, version, func(view) any { renders++; return body })
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf(`"%d"`, version), w.Header().Get("ETag"))
		return w.Body.String()
	}

	for i := range maxAnswers + 100 {
		write(fmt.Sprint(i), 1, "x")
		require.LessOrEqual(t, len(a.entries), maxAnswers)
	}

	renders = 0
	assert.Equal(t, "\"v2\"\n", write("a", 2, "v2"))
	assert.Equal(t, "\"v2\"\n", write("a", 2, "changed"), "kept: the same version is not encoded again")
	assert.Equal(t, 1, renders)
	assert.Equal(t, "\"v1\"\n", write("a", 1, "v1"), "a read of an older version gets its own answer")
	assert.Equal(t, "\"v2\"\n", write("a", 2, "changed"), "but the newer one stays kept")
	assert.Equal(t, 2, renders)

	big := strings.Repeat("x", maxAnswerSize)
	assert.Len(t, write("big", 1, big), maxAnswerSize+3)
	write("big", 1, big)
	assert.Equal(t, 4, renders, "a large answer is encoded every time")
}
