package mediation_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// TestDue: which deadline of a case, at which moment, calls for which
// notices, to whom, and whether the case goes up.
func TestDue(t *testing.T) {
	demo := gridtest.Gucheng()
	group, upper := demo.Path("mayuan-1"), demo.Path("mayuan")
	since := time.Date(2022, 11, 1, 1, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	duty := work.ToDuty(gridtest.GuchengID)
	head := work.ToMember("mayuan-1-head")
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
		at          time.Duration // after the time allowed began; it lasts a day
		want        []notice      // nil: nothing is due
		escalate    bool
	}{
		{name: "an application, a third of the way", kind: mediation.AcceptBy, cell: group, grade: work.Simple, at: 8 * time.Hour},
		{
			name: "an application nobody reviewed, at half: the watch is reminded", kind: mediation.AcceptBy, cell: group, grade: work.Simple, at: day / 2,
			want: []notice{{work.NoticeReminder, "【提醒】受理 C1", []work.Recipient{duty}}},
		},
		{
			name: "an application nobody accepted in time: the watch, the cell, an alert, the case goes up", kind: mediation.AcceptBy, cell: group, grade: work.Simple, at: day + time.Minute,
			want: []notice{
				{work.NoticeOverdue, "【超期】受理 C1", []work.Recipient{duty, work.ToPosts(group, grid.Accept)}},
				{work.NoticeAlert, "【值班预警】申请 C1 超期未受理", []work.Recipient{duty}},
			},
			escalate: true,
		},
		{
			name: "a registered case not accepted in time: its first responder answers", kind: mediation.AcceptBy, accountable: "mayuan-1-head", cell: group, grade: work.Simple, at: day + time.Minute,
			want: []notice{
				{work.NoticeOverdue, "【超期】受理 C1", []work.Recipient{head, work.ToPosts(group, grid.Accept)}},
				{work.NoticeAlert, "【值班预警】申请 C1 超期未受理", []work.Recipient{duty}},
			},
			escalate: true,
		},
		{
			name: "a green case at four fifths of its time to resolve", kind: mediation.ResolveBy, accountable: "mayuan-1-head", cell: group, grade: work.Simple, at: day * 4 / 5,
			want: []notice{{work.NoticeReminder, "【提醒】调处 C1", []work.Recipient{head}}},
		},
		{
			name: "a green case not resolved in time: no alert, the case goes up", kind: mediation.ResolveBy, accountable: "mayuan-1-head", cell: group, grade: work.Simple, at: day + time.Minute,
			want:     []notice{{work.NoticeOverdue, "【超期】调处 C1", []work.Recipient{head, work.ToPosts(group, grid.Mediate)}}},
			escalate: true,
		},
		{
			name: "a red case not resolved in time: the watch is alerted", kind: mediation.ResolveBy, accountable: "mayuan-1-head", cell: group, grade: work.Major, at: day + time.Minute,
			want: []notice{
				{work.NoticeOverdue, "【超期】调处 C1", []work.Recipient{head, work.ToPosts(group, grid.Mediate)}},
				{work.NoticeAlert, "【值班预警】调处 C1 超期", []work.Recipient{duty}},
			},
			escalate: true,
		},
		{
			name: "a follow-up visit overdue: told, not escalated", kind: mediation.FollowUpBy, accountable: "mayuan-1-head", cell: group, grade: work.Ordinary, at: day + time.Minute,
			want: []notice{{work.NoticeOverdue, "【超期】回访 C1", []work.Recipient{head, work.ToPosts(group, grid.Mediate)}}},
		},
		{
			name: "an escalation not reviewed in time: the upper posts that may approve", kind: mediation.ReviewEscalated, cell: upper, grade: work.Ordinary, at: day + time.Minute,
			want: []notice{{work.NoticeOverdue, "【超期】呈报审核 C1", []work.Recipient{work.ToPosts(upper, grid.ApproveEscalation)}}},
		},
		{name: "the parties' window for court confirmation: nobody to tell", kind: mediation.CourtConfirmBy, accountable: "mayuan-1-head", cell: group, grade: work.Simple, at: day + time.Minute},
	}
	rules := mediation.DefaultRules()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := work.Deadline{Subject: "C1", Kind: tt.kind, Since: since, Due: since.Add(day), Accountable: tt.accountable, Cell: tt.cell, Grade: tt.grade}
			s, ok := rules.Due(d, since.Add(tt.at))
			if tt.want == nil {
				assert.False(t, ok)
				return
			}
			require.True(t, ok)
			var got []notice
			for _, n := range s.Notices {
				got = append(got, notice{n.Kind, n.Title, n.To})
				assert.Equal(t, work.SubjectCase, n.SubjectKind)
				assert.Equal(t, gridtest.GuchengID, n.Township)
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.escalate, s.Escalate)
		})
	}
}

// TestDueOfDeadlines: what Deadlines lists of a registered online
// application is due by the rules, keyed by the case and its deadline.
func TestDueOfDeadlines(t *testing.T) {
	f := newFixture(t)
	in := neighbourDispute()
	in.Channel, in.Consent = work.ChannelOnline, mediation.CurrentPrivacyNotice.Version
	c, err := f.svc.Register(ctx, grid.ResidentActor("r1", gridtest.GuchengID), in)
	require.NoError(t, err)
	rules := mediation.DefaultRules()
	ds := rules.Deadlines(c.AcceptDue, f.stored(t, c.ID))
	require.Len(t, ds, 1)
	s, ok := rules.Due(ds[0], c.AcceptDue)
	require.True(t, ok)
	assert.Equal(t, fmt.Sprintf("case/%s/accept/%d/80%%", c.ID, c.RegisteredAt.UnixNano()), s.Key)
	assert.Equal(t, []string{fmt.Sprintf("case/%s/accept/%d/50%%", c.ID, c.RegisteredAt.UnixNano())}, s.Earlier)
	assert.Equal(t, []work.Recipient{work.ToDuty(gridtest.GuchengID)}, s.Notices[0].To, "nobody has reviewed it: the watch answers")

	rules.Reminders = []float64{0.25}
	quarter := c.RegisteredAt.Add(c.AcceptDue.Sub(c.RegisteredAt) / 4)
	s, ok = rules.Due(ds[0], quarter)
	require.True(t, ok, "the township's own reminder, at a quarter of the time allowed")
	assert.Equal(t, fmt.Sprintf("case/%s/accept/%d/25%%", c.ID, c.RegisteredAt.UnixNano()), s.Key)
	_, ok = rules.Due(ds[0], quarter.Add(-time.Second))
	assert.False(t, ok, "nothing before it")
}

// BenchmarkDue measures what the deadline runner's question costs it for
// one deadline on each tick: one long before its first reminder, and one
// past due, whose notices are built again each time.
func BenchmarkDue(b *testing.B) {
	since := time.Date(2022, 11, 1, 1, 0, 0, 0, time.UTC)
	d := work.Deadline{Subject: "C1", Kind: mediation.ResolveBy, Since: since, Due: since.Add(24 * time.Hour),
		Accountable: "mayuan-1-head", Cell: gridtest.Gucheng().Path("mayuan-1"), Grade: work.Major}
	rules := mediation.DefaultRules()
	for _, bb := range []struct {
		name string
		at   time.Duration
	}{{"early", time.Hour}, {"overdue", 25 * time.Hour}} {
		b.Run(bb.name, func(b *testing.B) {
			now := since.Add(bb.at)
			b.ReportAllocs()
			for b.Loop() {
				rules.Due(d, now)
			}
		})
	}
}

// TestDueNamesTheCaseByItsNumber: a case's deadlines carry its number, and
// the notices of a passed deadline name the case by it, as people know
// it; a case without a number yet is named by its ID.
func TestDueNamesTheCaseByItsNumber(t *testing.T) {
	demo := gridtest.Gucheng()
	registered := time.Date(2026, 11, 1, 1, 0, 0, 0, time.UTC)
	rules := mediation.DefaultRules()
	for _, tc := range []struct {
		number mediation.Number
		want   string
	}{
		{mediation.Number{Prefix: "古调", Year: 2026, Seq: 58}, "古调〔2026〕58号"},
		{mediation.Number{}, "C1"},
	} {
		c := &mediation.Case{
			ID: "C1", Number: tc.number, Township: gridtest.GuchengID, State: mediation.Registered, Grade: work.Simple,
			Handling: demo.Path("mayuan-1"), RegisteredAt: registered, AcceptDue: registered.Add(24 * time.Hour),
		}
		now := registered.Add(48 * time.Hour)
		due := rules.Deadlines(now, c)
		require.Len(t, due, 1)
		assert.Equal(t, "C1", due[0].Subject, "the subject stays the ID, which keys the notices")
		assert.Equal(t, tc.want, due[0].Named())
		step, ok := rules.Due(due[0], now)
		require.True(t, ok)
		require.NotEmpty(t, step.Notices)
		for _, n := range step.Notices {
			assert.Contains(t, n.Title, tc.want)
			assert.Equal(t, "C1", n.Subject)
		}
	}
}
