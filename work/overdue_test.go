package work_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/work"
)

// TestDeadlineRuleDue follows one deadline, a day long, through its
// reminders and past its end: which step is due at each moment, with what
// key, what it stands for, and what it sends.
func TestDeadlineRuleDue(t *testing.T) {
	demo := gridtest.Gucheng()
	since := time.Date(2022, 11, 1, 1, 0, 0, 0, time.UTC)
	d := work.Deadline{Subject: "C1", Kind: "accept", Since: since, Due: since.Add(24 * time.Hour), Cell: demo.Path("mayuan-1"), Grade: work.Simple}
	head := work.ToMember("mayuan-1-head")
	posts := work.ToPosts(d.Cell, grid.Accept)
	rule := work.DeadlineRule{
		SubjectKind: work.SubjectCase, Noun: "纠纷", What: "受理", Action: grid.Accept, Answers: head,
		Reminders: []float64{0, 0.5, 0.8, 1}, // 0 and 1 are no reminders
	}
	base := fmt.Sprintf("case/C1/accept/%d", since.UnixNano())
	passed := fmt.Sprintf("%s/due-%d", base, d.Due.UnixNano())
	tests := []struct {
		name    string
		rule    func(work.DeadlineRule) work.DeadlineRule
		at      time.Duration // after since
		key     string        // "" for no step
		earlier []string
		kinds   []work.NoticeKind
		to      [][]work.Recipient
		title   string // of the last notice
		text    string // of the first
		escal   bool
	}{
		{name: "before the first reminder", at: 12*time.Hour - time.Nanosecond},
		{
			name: "half the time allowed", at: 12 * time.Hour, key: base + "/50%",
			kinds: []work.NoticeKind{work.NoticeReminder}, to: [][]work.Recipient{{head}},
			title: "【提醒】受理 C1", text: "纠纷 C1 的受理期限已过50%，请于 2022-11-02 09:00 前办理。",
		},
		{
			name: "four fifths: the half stands behind it", at: 19*time.Hour + 12*time.Minute, key: base + "/80%", earlier: []string{base + "/50%"},
			kinds: []work.NoticeKind{work.NoticeReminder}, to: [][]work.Recipient{{head}}, title: "【提醒】受理 C1",
		},
		{
			name: "at the deadline it has not passed", at: 24 * time.Hour, key: base + "/80%", earlier: []string{base + "/50%"},
			kinds: []work.NoticeKind{work.NoticeReminder}, to: [][]work.Recipient{{head}},
		},
		{
			name: "passed: whoever answers and the posts that must act", at: 24*time.Hour + time.Nanosecond, key: passed, earlier: []string{base + "/50%", base + "/80%"},
			kinds: []work.NoticeKind{work.NoticeOverdue}, to: [][]work.Recipient{{head, posts}},
			title: "【超期】受理 C1", text: "纠纷 C1 的受理期限 2022-11-02 09:00 已过，请立即办理。",
		},
		{
			name: "passed, with the posts answering: told once", at: 25 * time.Hour, key: passed, earlier: []string{base + "/50%", base + "/80%"},
			rule:  func(r work.DeadlineRule) work.DeadlineRule { r.Answers = posts; return r },
			kinds: []work.NoticeKind{work.NoticeOverdue}, to: [][]work.Recipient{{posts}},
		},
		{
			name: "passed, alerting the watch and escalating", at: 25 * time.Hour, key: passed, earlier: []string{base + "/50%", base + "/80%"},
			rule:  func(r work.DeadlineRule) work.DeadlineRule { r.Alert, r.Escalate = true, true; return r },
			kinds: []work.NoticeKind{work.NoticeOverdue, work.NoticeAlert}, to: [][]work.Recipient{{head, posts}, {work.ToDuty(gridtest.GuchengID)}},
			title: "【值班预警】受理 C1 超期", escal: true,
		},
		{
			name: "an alert of its own title", at: 25 * time.Hour, key: passed, earlier: []string{base + "/50%", base + "/80%"},
			rule: func(r work.DeadlineRule) work.DeadlineRule {
				r.Alert, r.AlertTitle = true, "【值班预警】申请 C1 超期未受理"
				return r
			},
			kinds: []work.NoticeKind{work.NoticeOverdue, work.NoticeAlert}, to: [][]work.Recipient{{head, posts}, {work.ToDuty(gridtest.GuchengID)}},
			title: "【值班预警】申请 C1 超期未受理",
		},
		{
			name: "no reminders: nothing until it passes", at: 23 * time.Hour,
			rule: func(r work.DeadlineRule) work.DeadlineRule { r.Reminders = nil; return r },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rule
			if tt.rule != nil {
				r = tt.rule(r)
			}
			now := since.Add(tt.at)
			s, ok := r.Due(d, now)
			if tt.key == "" {
				assert.False(t, ok, "nothing is due")
				return
			}
			require.True(t, ok)
			assert.Equal(t, tt.key, s.Key)
			if tt.earlier == nil {
				assert.Empty(t, s.Earlier)
			} else {
				assert.Equal(t, tt.earlier, s.Earlier)
			}
			assert.Equal(t, tt.escal, s.Escalate)
			require.Len(t, s.Notices, len(tt.kinds))
			for i, n := range s.Notices {
				assert.Equal(t, tt.kinds[i], n.Kind, "notice %d", i)
				assert.Equal(t, tt.to[i], n.To, "notice %d", i)
				assert.Equal(t, gridtest.GuchengID, n.Township)
				assert.Equal(t, work.SubjectCase, n.SubjectKind)
				assert.Equal(t, "C1", n.Subject)
				assert.Equal(t, "accept", n.Action)
				assert.Equal(t, now, n.At)
			}
			assert.Equal(t, tt.key, s.Notices[0].Key)
			if len(s.Notices) > 1 {
				assert.Equal(t, tt.key+"/duty", s.Notices[1].Key)
			}
			if tt.title != "" {
				assert.Equal(t, tt.title, s.Notices[len(s.Notices)-1].Title)
			}
			if tt.text != "" {
				assert.Equal(t, tt.text, s.Notices[0].Text)
			}
		})
	}
}

// TestDeadlineRuleExtended: an extension moves the deadline and so the
// moments of its reminders, but not their keys, which a scheduler has
// recorded; the passed deadline's key is its new due time.
func TestDeadlineRuleExtended(t *testing.T) {
	since := time.Date(2022, 11, 1, 1, 0, 0, 0, time.UTC)
	d := work.Deadline{Subject: "H1", Kind: "rectify", Since: since, Due: since.Add(24 * time.Hour), Cell: gridtest.Gucheng().Path("mayuan-1")}
	rule := work.DeadlineRule{SubjectKind: work.SubjectHazard, Noun: "隐患", What: "整改", Action: grid.Rectify, Answers: work.ToPosts(d.Cell, grid.Rectify), Reminders: []float64{0.5}}
	before, ok := rule.Due(d, since.Add(12*time.Hour))
	require.True(t, ok)

	extended := d
	extended.Due = since.Add(96 * time.Hour)
	_, ok = rule.Due(extended, since.Add(12*time.Hour))
	assert.False(t, ok, "half of four days has not passed")
	after, ok := rule.Due(extended, since.Add(48*time.Hour))
	require.True(t, ok)
	assert.Equal(t, before.Key, after.Key, "the same reminder: not sent twice")
	assert.Contains(t, after.Notices[0].Text, "2022-11-05 09:00", "the new deadline, in Shanghai")

	first, ok := rule.Due(d, since.Add(25*time.Hour))
	require.True(t, ok)
	second, ok := rule.Due(extended, since.Add(97*time.Hour))
	require.True(t, ok)
	assert.NotEqual(t, first.Key, second.Key, "overdue again is a step of its own")
	assert.Equal(t, fmt.Sprintf("hazard/H1/rectify/%d/due-%d", since.UnixNano(), extended.Due.UnixNano()), second.Key)
}
