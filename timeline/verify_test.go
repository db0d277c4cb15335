package timeline_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/timeline"
)

var base = time.Date(2024, 3, 1, 8, 30, 0, 0, time.UTC)

// build returns a timeline of n events of subject and the Chain it ends as.
func build(subject string, n int) ([]timeline.Event, timeline.Chain) {
	var c timeline.Chain
	events := make([]timeline.Event, 0, n)
	for i := range n {
		var e timeline.Event
		e, c = c.Append(timeline.Event{
			Subject: subject,
			At:      base.Add(time.Duration(i) * time.Hour),
			Actor:   fmt.Sprint("member-", i%3),
			Action:  timeline.Action(fmt.Sprint("action-", i)),
			Channel: []string{"walk-in", "hotline", ""}[i%3],
			Details: map[string]string{"step": fmt.Sprint(i), "note": "邻里纠纷"},
		})
		events = append(events, e)
	}
	return events, c
}

func requireBreak(t *testing.T, err error, seq int64, reason string) {
	t.Helper()
	require.Error(t, err)
	var b *timeline.BreakError
	require.ErrorAs(t, err, &b)
	assert.Equal(t, seq, b.Seq, "seq; error: %v", err)
	assert.Contains(t, b.Reason, reason)
	assert.ErrorIs(t, err, timeline.ErrBroken)
	assert.ErrorIs(t, err, fourplusn.Internal)
	assert.Equal(t, fourplusn.Internal, fourplusn.ErrorCode(err))
}

func TestVerifyDetectsTampering(t *testing.T) {
	const n = 20
	other, _ := build("case-2", n)
	edit := func(i int, f func(e *timeline.Event)) func([]timeline.Event, *timeline.Chain) []timeline.Event {
		return func(events []timeline.Event, _ *timeline.Chain) []timeline.Event {
			f(&events[i])
			return events
		}
	}
	const (
		content = "hash does not match its content"
		link    = "previous hash does not match"
		head    = "recorded head"
	)
	for _, tc := range []struct {
		name   string
		mutate func(events []timeline.Event, want *timeline.Chain) []timeline.Event
		seq    int64
		reason string
	}{
		{"edit subject", edit(6, func(e *timeline.Event) { e.Subject = "case-3" }), 7, "found an event of case-3"},
		{"edit seq", edit(6, func(e *timeline.Event) { e.Seq = 70 }), 7, "found event 70"},
		{"edit at", edit(6, func(e *timeline.Event) { e.At = e.At.Add(-time.Nanosecond) }), 7, content},
		{"edit actor", edit(6, func(e *timeline.Event) { e.Actor = "member-9" }), 7, content},
		{"edit action", edit(6, func(e *timeline.Event) { e.Action = "close" }), 7, content},
		{"edit channel", edit(6, func(e *timeline.Event) { e.Channel = "wechat" }), 7, content},
		{"edit detail value", edit(6, func(e *timeline.Event) { e.Details["note"] = "已调解" }), 7, content},
		{"add detail", edit(6, func(e *timeline.Event) { e.Details["extra"] = "" }), 7, content},
		{"remove detail", edit(6, func(e *timeline.Event) { delete(e.Details, "note") }), 7, content},
		{"edit prev", edit(6, func(e *timeline.Event) { e.Prev[0] ^= 1 }), 7, link},
		{"edit hash", edit(6, func(e *timeline.Event) { e.Hash[31] ^= 1 }), 7, content},
		{"edit last", edit(n-1, func(e *timeline.Event) { e.Action = "close" }), n, content},
		{"edit and rehash", edit(6, func(e *timeline.Event) {
			e.Action = "close"
			*e, _ = timeline.Chain{Len: e.Seq - 1, Head: e.Prev}.Append(*e)
		}), 8, link},
		{"delete first", func(ev []timeline.Event, _ *timeline.Chain) []timeline.Event { return ev[1:] }, 1, "found event 2"},
		{"delete middle", func(ev []timeline.Event, _ *timeline.Chain) []timeline.Event { return slices.Delete(ev, 9, 10) }, 10, "found event 11"},
		{"delete last", func(ev []timeline.Event, _ *timeline.Chain) []timeline.Event { return ev[:n-1] }, n, "missing"},
		{"delete all", func(ev []timeline.Event, _ *timeline.Chain) []timeline.Event { return nil }, 1, "missing"},
		{"duplicate", func(ev []timeline.Event, _ *timeline.Chain) []timeline.Event { return slices.Insert(ev, 5, ev[4]) }, 6, "found event 5"},
		{"swap adjacent", func(ev []timeline.Event, _ *timeline.Chain) []timeline.Event {
			ev[6], ev[7] = ev[7], ev[6]
			return ev
		}, 7, "found event 8"},
		{"swap distant", func(ev []timeline.Event, _ *timeline.Chain) []timeline.Event {
			ev[2], ev[14] = ev[14], ev[2]
			return ev
		}, 3, "found event 15"},
		{"truncate by 1", func(ev []timeline.Event, _ *timeline.Chain) []timeline.Event { return ev[:n-1] }, n, "missing"},
		{"truncate by 5", func(ev []timeline.Event, _ *timeline.Chain) []timeline.Event { return ev[:n-5] }, n - 4, "missing"},
		{"splice from another subject", func(ev []timeline.Event, _ *timeline.Chain) []timeline.Event {
			ev[6] = other[6]
			return ev
		}, 7, "found an event of case-2"},
		{"splice in relabelled", func(ev []timeline.Event, _ *timeline.Chain) []timeline.Event {
			ev[6] = other[6]
			ev[6].Subject = "case-1"
			return ev
		}, 7, link},
		{"insert from another subject", func(ev []timeline.Event, _ *timeline.Chain) []timeline.Event {
			return slices.Insert(ev, 6, other[6])
		}, 7, "found an event of case-2"},
		{"append beyond want", func(ev []timeline.Event, want *timeline.Chain) []timeline.Event {
			extra, _ := want.Append(timeline.Event{Subject: "case-1", At: base, Action: "reopen"})
			return append(ev, extra)
		}, n + 1, "beyond the end"},
		{"want longer", func(ev []timeline.Event, want *timeline.Chain) []timeline.Event {
			want.Len++
			return ev
		}, n + 1, "missing"},
		{"want shorter", func(ev []timeline.Event, want *timeline.Chain) []timeline.Event {
			want.Len--
			return ev
		}, n, "beyond the end"},
		{"want other head", func(ev []timeline.Event, want *timeline.Chain) []timeline.Event {
			want.Head[0] ^= 1
			return ev
		}, n, head},
		{"want empty", func(ev []timeline.Event, want *timeline.Chain) []timeline.Event {
			*want = timeline.Chain{}
			return ev
		}, 1, "beyond the end"},
		{"want negative", func(ev []timeline.Event, want *timeline.Chain) []timeline.Event {
			want.Len = -1
			return ev
		}, 0, "impossible"},
		{"want head without events", func(ev []timeline.Event, want *timeline.Chain) []timeline.Event {
			want.Len = 0
			return nil
		}, 0, "impossible"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			events, want := build("case-1", n)
			require.NoError(t, timeline.Verify("case-1", events, want))
			events = tc.mutate(events, &want)
			requireBreak(t, timeline.Verify("case-1", events, want), tc.seq, tc.reason)
		})
	}
}

func TestVerifyAccepts(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)

	events, want := build("case-1", 20)
	assert.NoError(t, timeline.Verify("case-1", events, want), "untouched")

	events[6].At = events[6].At.In(shanghai)
	assert.NoError(t, timeline.Verify("case-1", events, want), "the same instant in another zone")

	assert.NoError(t, timeline.Verify("case-1", nil, timeline.Chain{}), "empty")

	sealed, c := timeline.Chain{}.Append(timeline.Event{Subject: "case-1", Details: map[string]string{}})
	sealed.Details = nil // as a store may read an empty map back
	assert.NoError(t, timeline.Verify("case-1", []timeline.Event{sealed}, c), "empty details read back as nil")
}

func TestBreakErrorMessage(t *testing.T) {
	events, want := build("case-1", 3)
	events[1].Actor = "someone-else"
	err := timeline.Verify("case-1", events, want)
	assert.EqualError(t, err, "timeline of case-1 broken at event 2: hash does not match its content")
	assert.Equal(t, "internal error", fourplusn.ErrorMessage(err))
	assert.False(t, errors.Is(err, fourplusn.Conflict))
}

// randomString returns a short string, sometimes empty, sometimes not ASCII.
func randomString(r *rand.Rand) string {
	const alphabet = "abcxyz-_0189 纠纷调解网格"
	runes := []rune(alphabet)
	s := make([]rune, r.IntN(8))
	for i := range s {
		s[i] = runes[r.IntN(len(runes))]
	}
	return string(s)
}

// randomChain returns a random timeline of 0 to 50 events of subject.
func randomChain(r *rand.Rand, subject string) ([]timeline.Event, timeline.Chain) {
	zones := []*time.Location{time.UTC, time.FixedZone("CST", 8*3600), time.FixedZone("west", -5*3600)}
	var c timeline.Chain
	n := r.IntN(51)
	events := make([]timeline.Event, 0, n)
	for range n {
		var details map[string]string
		if k := r.IntN(6); k > 0 {
			details = make(map[string]string, k)
			for range k {
				details[randomString(r)] = randomString(r)
			}
		}
		at := time.Unix(r.Int64N(8e9)-4e9, r.Int64N(1e9)).In(zones[r.IntN(len(zones))]) // 1843 to 2096
		var e timeline.Event
		e, c = c.Append(timeline.Event{
			Subject: subject, At: at, Actor: randomString(r), Action: timeline.Action(randomString(r)),
			Channel: randomString(r), Details: details,
		})
		events = append(events, e)
	}
	return events, c
}

// A mutation changes a verified timeline or its expected Chain; min is the
// number of events it needs.
type mutation struct {
	name  string
	min   int
	apply func(r *rand.Rand, events []timeline.Event, want *timeline.Chain) []timeline.Event
}

func editOne(name string, f func(r *rand.Rand, e *timeline.Event)) mutation {
	return mutation{name, 1, func(r *rand.Rand, events []timeline.Event, _ *timeline.Chain) []timeline.Event {
		f(r, &events[r.IntN(len(events))])
		return events
	}}
}

var mutations = []mutation{
	editOne("subject", func(_ *rand.Rand, e *timeline.Event) { e.Subject += "x" }),
	editOne("seq", func(r *rand.Rand, e *timeline.Event) { e.Seq += 1 + r.Int64N(100) }),
	editOne("at", func(r *rand.Rand, e *timeline.Event) { e.At = e.At.Add(time.Duration(1 + r.Int64N(1e12))) }),
	editOne("actor", func(_ *rand.Rand, e *timeline.Event) { e.Actor += "x" }),
	editOne("action", func(_ *rand.Rand, e *timeline.Event) { e.Action += "x" }),
	editOne("channel", func(_ *rand.Rand, e *timeline.Event) { e.Channel += "x" }),
	editOne("detail", func(r *rand.Rand, e *timeline.Event) {
		if len(e.Details) == 0 {
			e.Details = map[string]string{randomString(r): randomString(r)}
			return
		}
		for k := range e.Details {
			if r.IntN(2) == 0 {
				delete(e.Details, k)
			} else {
				e.Details[k] += "x"
			}
			return
		}
	}),
	editOne("prev", func(r *rand.Rand, e *timeline.Event) { e.Prev[r.IntN(32)] ^= 1 << r.IntN(8) }),
	editOne("hash", func(r *rand.Rand, e *timeline.Event) { e.Hash[r.IntN(32)] ^= 1 << r.IntN(8) }),
	{"delete", 1, func(r *rand.Rand, events []timeline.Event, _ *timeline.Chain) []timeline.Event {
		i := r.IntN(len(events))
		return slices.Delete(events, i, i+1)
	}},
	{"duplicate", 1, func(r *rand.Rand, events []timeline.Event, _ *timeline.Chain) []timeline.Event {
		i := r.IntN(len(events))
		return slices.Insert(events, i, events[i])
	}},
	{"swap", 2, func(r *rand.Rand, events []timeline.Event, _ *timeline.Chain) []timeline.Event {
		i := r.IntN(len(events))
		j := (i + 1 + r.IntN(len(events)-1)) % len(events)
		events[i], events[j] = events[j], events[i]
		return events
	}},
	{"truncate", 1, func(r *rand.Rand, events []timeline.Event, _ *timeline.Chain) []timeline.Event {
		return events[:r.IntN(len(events))]
	}},
	{"splice", 1, func(r *rand.Rand, events []timeline.Event, _ *timeline.Chain) []timeline.Event {
		other, _ := build("other", len(events))
		i := r.IntN(len(events))
		events[i] = other[i]
		return events
	}},
	{"append", 0, func(r *rand.Rand, events []timeline.Event, want *timeline.Chain) []timeline.Event {
		extra, _ := want.Append(timeline.Event{Subject: "subject", Action: timeline.Action(randomString(r))})
		return append(events, extra)
	}},
	{"want len", 0, func(r *rand.Rand, events []timeline.Event, want *timeline.Chain) []timeline.Event {
		want.Len += []int64{-1, 1}[r.IntN(2)] * (1 + r.Int64N(5))
		return events
	}},
	{"want head", 0, func(r *rand.Rand, events []timeline.Event, want *timeline.Chain) []timeline.Event {
		want.Head[r.IntN(32)] ^= 1 << r.IntN(8)
		return events
	}},
}

func TestVerifyRandomChains(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 44))
	seen := map[string]int{}
	for round := range 1000 {
		events, want := randomChain(r, "subject")
		require.NoError(t, timeline.Verify("subject", events, want), "round %d", round)
		require.Equal(t, int64(len(events)), want.Len)

		m := mutations[r.IntN(len(mutations))]
		for len(events) < m.min {
			m = mutations[r.IntN(len(mutations))]
		}
		seen[m.name]++
		events = m.apply(r, events, &want)
		err := timeline.Verify("subject", events, want)
		require.ErrorIs(t, err, timeline.ErrBroken, "round %d, mutation %s", round, m.name)
	}
	for _, m := range mutations {
		assert.Positive(t, seen[m.name], "mutation %s never tried", m.name)
	}
}
