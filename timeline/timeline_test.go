package timeline_test

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Shanghai, on machines without a zone database

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/timeline"
)

// The vectors were computed from the documented encoding by a separate
// implementation (Python's struct and hashlib), not by this package. If a
// test here fails, the encoding changed: every stored timeline would stop
// verifying. Change the encoding only with a new tag.
func TestCanonicalVector(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)

	var c timeline.Chain
	first, c := c.Append(timeline.Event{
		Subject: "case-2024-0001",
		At:      time.Date(2024, 3, 1, 16, 30, 0, 123456789, shanghai),
		Actor:   "gc-head-mayuan",
		Action:  "accept",
		Channel: "walk-in",
		Details: map[string]string{"party": "张三", "grade": "2", "note": "邻里纠纷"},
	})
	assert.Equal(t,
		"0000000000000015666f7572706c75736e2f74696d656c696e652f7631"+ // tag
			"000000000000000e636173652d323032342d30303031"+ // subject
			"0000000000000001"+ // seq
			"0000000065e19208"+"00000000075bcd15"+ // at: seconds, nanoseconds
			"000000000000000e67632d686561642d6d617975616e"+ // actor
			"0000000000000006616363657074"+ // action
			"000000000000000777616c6b2d696e"+ // channel
			"0000000000000003"+ // details: grade, note, party
			"00000000000000056772616465"+"000000000000000132"+
			"00000000000000046e6f7465"+"000000000000000ce982bbe9878ce7baa0e7bab7"+
			"00000000000000057061727479"+"0000000000000006e5bca0e4b889"+
			"0000000000000000000000000000000000000000000000000000000000000000", // prev
		hex.EncodeToString(first.AppendCanonical(nil)))
	assert.Equal(t, "df83e0047700f096bc084158a311bc8e0bfb1ff3219f850aeec7db43b2a63b0e", first.Hash.String())

	second, c := c.Append(timeline.Event{
		Subject: "case-2024-0001",
		At:      time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC),
		Actor:   "gc-med-liu",
		Action:  "session",
	})
	assert.Equal(t, first.Hash, second.Prev)
	assert.Equal(t, "d6e0e58445ba08c2903aa0405f7468b433fdb5d8e4cc2940f36caff4807691ac", second.Hash.String())
	assert.Equal(t, timeline.Chain{Len: 2, Head: second.Hash}, c)
	assert.NoError(t, timeline.Verify("case-2024-0001", []timeline.Event{first, second}, c))
}

// The example in the doc comment of AppendCanonical must be true.
func TestCanonicalDocExample(t *testing.T) {
	e, _ := timeline.Chain{}.Append(timeline.Event{
		Subject: "c", At: time.Unix(1, 2), Actor: "a", Action: "x", Details: map[string]string{"k": "v"},
	})
	canonical := e.AppendCanonical(nil)
	assert.Len(t, canonical, 146)
	assert.Equal(t, "0000000000000015666f7572706c75736e2f74696d656c696e652f7631"+
		"000000000000000163"+"0000000000000001"+"0000000000000001"+"0000000000000002"+
		"000000000000000161"+"000000000000000178"+"0000000000000000"+
		"0000000000000001"+"00000000000000016b"+"000000000000000176"+
		"0000000000000000000000000000000000000000000000000000000000000000",
		hex.EncodeToString(canonical))
	assert.Equal(t, "6f61884052f05bfc53f757e4652aa81a4553726f26ce59562a15b50a31749150", e.Hash.String())
}

func TestAppendCanonicalAppends(t *testing.T) {
	e, _ := timeline.Chain{}.Append(timeline.Event{Subject: "c", Action: "x"})
	prefix := []byte("prefix")
	got := e.AppendCanonical(prefix)
	assert.Equal(t, "prefix", string(got[:len(prefix)]))
	assert.Equal(t, e.AppendCanonical(nil), got[len(prefix):])
}

// Fields that look alike once concatenated must not hash alike.
func TestCanonicalIsUnambiguous(t *testing.T) {
	at := time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
	events := []timeline.Event{
		{Subject: "c", At: at, Actor: "ab", Action: "c"},
		{Subject: "c", At: at, Actor: "a", Action: "bc"},
		{Subject: "c", At: at, Actor: "a", Channel: "bc"},
		{Subject: "c", At: at, Actor: "a", Details: map[string]string{"b": "c"}},
		{Subject: "c", At: at, Actor: "a", Details: map[string]string{"bc": ""}},
		{Subject: "c", At: at, Actor: "a", Details: map[string]string{"": "bc"}},
		{Subject: "c", At: at, Actor: "a", Details: map[string]string{"b": "", "c": ""}},
		{Subject: "ca", At: at},
		{Subject: "c", At: at, Actor: "a"},
		{Subject: "c", At: at.Add(time.Nanosecond), Actor: "a"},
		{Subject: "c", At: at.Add(time.Second), Actor: "a"},
	}
	seen := map[timeline.Hash]int{}
	for i, e := range events {
		sealed, _ := timeline.Chain{}.Append(e)
		j, dup := seen[sealed.Hash]
		require.False(t, dup, "events %d and %d hash alike", j, i)
		seen[sealed.Hash] = i
	}
}

func TestAppendSeals(t *testing.T) {
	junk := timeline.Hash{1, 2, 3}
	c := timeline.Chain{}
	var events []timeline.Event
	for i := range 3 {
		var e timeline.Event
		// Whatever the caller puts in Seq, Prev and Hash is replaced.
		e, c = c.Append(timeline.Event{Subject: "case-1", Seq: 99, Prev: junk, Hash: junk, Action: timeline.Action(fmt.Sprint("step ", i))})
		events = append(events, e)
	}
	for i, e := range events {
		assert.Equal(t, int64(i+1), e.Seq)
		if i == 0 {
			assert.True(t, e.Prev.IsZero())
		} else {
			assert.Equal(t, events[i-1].Hash, e.Prev)
		}
		assert.False(t, e.Hash.IsZero())
	}
	assert.Equal(t, timeline.Chain{Len: 3, Head: events[2].Hash}, c)
	require.NoError(t, timeline.Verify("case-1", events, c))
}

func TestAppendDoesNotAliasDetails(t *testing.T) {
	details := map[string]string{"grade": "2"}
	var c timeline.Chain
	e, c := c.Append(timeline.Event{Subject: "case-1", Action: "grade", Details: details})

	details["grade"] = "1"
	details["added"] = "later"
	assert.Equal(t, map[string]string{"grade": "2"}, e.Details)
	require.NoError(t, timeline.Verify("case-1", []timeline.Event{e}, c))

	e.Details["grade"] = "3"
	assert.Equal(t, "1", details["grade"], "the sealed event's map is its own")
}

func TestAtIsStoredInUTC(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	local := time.Date(2024, 3, 1, 16, 30, 0, 5, shanghai)
	utc := time.Date(2024, 3, 1, 8, 30, 0, 5, time.UTC)

	a, _ := timeline.Chain{}.Append(timeline.Event{Subject: "case-1", At: local, Action: "accept"})
	b, _ := timeline.Chain{}.Append(timeline.Event{Subject: "case-1", At: utc, Action: "accept"})
	assert.Equal(t, time.UTC, a.At.Location())
	assert.Equal(t, utc, a.At)
	assert.Equal(t, b.Hash, a.Hash)

	// The same instant read back in another zone still verifies.
	a.At = a.At.In(shanghai)
	assert.NoError(t, timeline.Verify("case-1", []timeline.Event{a}, timeline.Chain{Len: 1, Head: b.Hash}))
}

// A timeline stored as JSON and read back still verifies: Hash is text,
// At keeps its nanoseconds.
func TestJSONRoundTripVerifies(t *testing.T) {
	events, want := build("case-1", 5)
	data, err := json.Marshal(events)
	require.NoError(t, err)
	var back []timeline.Event
	require.NoError(t, json.Unmarshal(data, &back))
	assert.NoError(t, timeline.Verify("case-1", back, want))
}

func Example() {
	at := time.Date(2024, 3, 1, 8, 30, 0, 0, time.UTC)
	var c timeline.Chain // kept with the case
	var events []timeline.Event
	for _, action := range []timeline.Action{"register", "accept", "session"} {
		var e timeline.Event
		e, c = c.Append(timeline.Event{Subject: "case-7", At: at, Actor: "gc-head-mayuan", Action: action})
		events = append(events, e)
		at = at.Add(time.Hour)
	}
	fmt.Println(c.Len, timeline.Verify("case-7", events, c))

	events[1].Actor = "someone-else"
	fmt.Println(timeline.Verify("case-7", events, c))
	// Output:
	// 3 <nil>
	// timeline of case-7 broken at event 2: hash does not match its content
}
