package timeline_test

import (
	"testing"

	"github.com/fourplusn/fourplusn/timeline"
)

func BenchmarkAppend(b *testing.B) {
	e := timeline.Event{
		Subject: "case-2024-0001",
		At:      base,
		Actor:   "gc-head-mayuan",
		Action:  "session",
		Channel: "walk-in",
		Details: map[string]string{"grade": "2", "note": "邻里纠纷", "party": "张三", "session": "4+N"},
	}
	var c timeline.Chain
	b.ReportAllocs()
	for b.Loop() {
		_, c = c.Append(e)
	}
}

func BenchmarkVerify(b *testing.B) {
	events, want := build("case-2024-0001", 100)
	b.ReportAllocs()
	for b.Loop() {
		if err := timeline.Verify("case-2024-0001", events, want); err != nil {
			b.Fatal(err)
		}
	}
}
