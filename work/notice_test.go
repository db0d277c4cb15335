package work_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// TestCauseNotice: a notice of an event is keyed by the event's place in
// its subject's timeline and the recipient's role, so the same cause
// always gives the same key, and it carries the event's action and time.
func TestCauseNotice(t *testing.T) {
	at := time.Date(2022, 11, 1, 1, 0, 0, 0, time.UTC)
	c := work.Cause{Township: gridtest.GuchengID, SubjectKind: work.SubjectHazard, Subject: "H7", Event: timeline.Event{Seq: 3, Action: "rectified", At: at}}
	n := c.Notice("task", work.NoticeTask, "【待验收】", "请验收。", work.ToMember("m1"))
	assert.Equal(t, work.Notice{
		Key: "hazard/H7/3/task", Township: gridtest.GuchengID, SubjectKind: work.SubjectHazard, Subject: "H7",
		Kind: work.NoticeTask, Action: "rectified", Title: "【待验收】", Text: "请验收。", To: []work.Recipient{{Member: "m1"}}, At: at,
	}, n)
}

func TestRecipients(t *testing.T) {
	cell := gridtest.Gucheng().Path("mayuan")
	tests := []struct {
		name string
		got  work.Recipient
		want work.Recipient
	}{
		{"a member", work.ToMember("m1"), work.Recipient{Member: "m1"}},
		{"the posts that may act", work.ToPosts(cell, grid.Accept), work.Recipient{Cell: "/gucheng/gc-east/mayuan", Action: "accept"}},
		{"the watch", work.ToDuty(gridtest.GuchengID), work.Recipient{Cell: "/gucheng", Role: grid.DutyOfficer}},
		{"the member who answers", work.AnswersFor("m1", cell, grid.Mediate), work.Recipient{Member: "m1"}},
		{"nobody in particular: the posts", work.AnswersFor("", cell, grid.Mediate), work.ToPosts(cell, grid.Mediate)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, tt.got) })
	}
}

func TestShowTime(t *testing.T) {
	assert.Equal(t, "2022-11-01 09:00", work.ShowTime(time.Date(2022, 11, 1, 1, 0, 30, 0, time.UTC)), "Beijing time, to the minute")
	assert.Equal(t, "2023-01-01 07:59", work.ShowTime(time.Date(2022, 12, 31, 23, 59, 0, 0, time.UTC)))
	assert.Equal(t, "（无）", work.ShowTime(time.Time{}))
}

func TestGradeColour(t *testing.T) {
	assert.Equal(t, []string{"绿色", "黄色", "红色"}, []string{work.Simple.Colour(), work.Ordinary.Colour(), work.Major.Colour()})
	assert.Equal(t, "grade(9)", work.Grade(9).Colour())
}
