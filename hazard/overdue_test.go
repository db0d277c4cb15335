package hazard_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/work"
)

// TestDue: which deadline of a hazard, at which moment, calls for which
// notices and to whom; a hazard never goes up by itself.
func TestDue(t *testing.T) {
	demo := gridtest.Gucheng()
	group, upper := demo.Path("mayuan-1"), demo.Path("mayuan")
	since := time.Date(2023, 3, 20, 1, 0, 0, 0, time.UTC)
	allowed := 72 * time.Hour
	type notice struct {
		kind  work.NoticeKind
		title string
		to    []work.Recipient
	}
	tests := []struct {
		name        string
		kind        work.DeadlineKind
		accountable string
		cell        grid.Path
		grade       work.Grade
		at          time.Duration // after the time allowed began
		want        []notice      // nil: nothing is due
	}{
		{name: "a fresh hazard", kind: hazard.RectifyBy, cell: group, grade: work.Simple, at: time.Hour},
		{
			name: "half its time to rectify: the posts that rectify", kind: hazard.RectifyBy, cell: group, grade: work.Simple, at: allowed / 2,
			want: []notice{{work.NoticeReminder, "【提醒】整改 H1", []work.Recipient{work.ToPosts(group, grid.Rectify)}}},
		},
		{
			name: "reopened after a failed verification: whoever rectified", kind: hazard.RectifyBy, accountable: "mayuan-1-head", cell: group, grade: work.Simple, at: allowed * 4 / 5,
			want: []notice{{work.NoticeReminder, "【提醒】整改 H1", []work.Recipient{work.ToMember("mayuan-1-head")}}},
		},
		{
			name: "a green hazard not rectified in time: the posts, once", kind: hazard.RectifyBy, cell: group, grade: work.Simple, at: allowed + time.Minute,
			want: []notice{{work.NoticeOverdue, "【超期】整改 H1", []work.Recipient{work.ToPosts(group, grid.Rectify)}}},
		},
		{
			name: "a red hazard not rectified in time: the watch is alerted", kind: hazard.RectifyBy, cell: group, grade: work.Major, at: allowed + time.Minute,
			want: []notice{
				{work.NoticeOverdue, "【超期】整改 H1", []work.Recipient{work.ToPosts(group, grid.Rectify)}},
				{work.NoticeAlert, "【值班预警】整改 H1 超期", []work.Recipient{work.ToDuty(gridtest.GuchengID)}},
			},
		},
		{
			name: "a rectification not verified in time: the upper posts that verify", kind: hazard.VerifyBy, cell: upper, grade: work.Ordinary, at: allowed + time.Minute,
			want: []notice{{work.NoticeOverdue, "【超期】验收 H1", []work.Recipient{work.ToPosts(upper, grid.Verify)}}},
		},
		{name: "a deadline of cases: not the hazards' to act on", kind: "accept", cell: group, grade: work.Simple, at: allowed + time.Minute},
	}
	rules := hazard.DefaultRules()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := work.Deadline{Subject: "H1", Kind: tt.kind, Since: since, Due: since.Add(allowed), Accountable: tt.accountable, Cell: tt.cell, Grade: tt.grade}
			s, ok := rules.Due(d, since.Add(tt.at))
			if tt.want == nil {
				assert.False(t, ok)
				return
			}
			require.True(t, ok)
			var got []notice
			for _, n := range s.Notices {
				got = append(got, notice{n.Kind, n.Title, n.To})
				assert.Equal(t, work.SubjectHazard, n.SubjectKind)
			}
			assert.Equal(t, tt.want, got)
			assert.False(t, s.Escalate)
		})
	}
}
