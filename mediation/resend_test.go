package mediation_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// TestResendCodes checks that the tracking codes of the open cases a phone
// applied for are sent to that phone, one notice, with every code and
// number; that a phone that applied for nothing, or only for closed
// cases, or was only a respondent's, is sent nothing; and that a phone is
// sent at most ResendsPerDay times a day, once a period however often it
// asks.
func TestResendCodes(t *testing.T) {
	f := newFixture(t)
	duty := f.actor("gc-duty-1")
	in := neighbourDispute()
	in.Channel = work.ChannelWalkIn
	in.Applicants[0].Phone = "137 0000 1111" // as a resident types it
	in.Respondents[0].Phone = "13700002222"
	first, err := f.svc.Register(ctx, duty, in)
	require.NoError(t, err)
	second, err := f.svc.Register(ctx, duty, in)
	require.NoError(t, err)

	require.NoError(t, f.svc.ResendCodes(ctx, "13700001111"))
	require.NoError(t, f.svc.ResendCodes(ctx, "13700002222"), "a respondent's phone is answered the same")
	require.NoError(t, f.svc.ResendCodes(ctx, "13900009999"), "an unknown phone is answered the same")
	sent := f.outbox.take()
	require.Len(t, sent, 1, "one notice, to the applicant's phone only")
	n := sent[0]
	assert.Equal(t, []work.Recipient{work.ToPhone("13700001111")}, n.To)
	assert.Equal(t, first.Township, n.Township)
	for _, c := range []*mediation.Case{first, second} {
		assert.Contains(t, n.Text, c.TrackingCode)
		assert.Contains(t, n.Text, c.Number.String())
	}
	assert.NotContains(t, n.Title, first.TrackingCode, "titles are logged; codes are not")
	assert.NotContains(t, n.Key, "13700001111", "keys are logged; numbers are not")

	// Asked every ten minutes for two days, the phone is sent at most
	// ResendsPerDay notices a day, in work.Zone.
	perDay := map[string]int{}
	for range 2 * 24 * 6 {
		f.clock.Advance(10 * time.Minute)
		require.NoError(t, f.svc.ResendCodes(ctx, "13700001111"))
		for range f.outbox.take() {
			perDay[f.clock.Now().In(work.Zone).Format(time.DateOnly)]++
		}
	}
	assert.Equal(t, map[string]int{"2022-11-01": mediation.ResendsPerDay - 2, "2022-11-02": mediation.ResendsPerDay, "2022-11-03": 2}, perDay,
		"the first day's first period ran to the notice of 9:00 and its second was before it; the third day ran to 9:00")
	assert.Equal(t, "phone", fourplusn.ErrorField(f.svc.ResendCodes(ctx, "12345")))
}

// TestResendNoticesLeaveClosedCasesOut: a closed case's code is not sent,
// and a phone with only closed cases is sent nothing.
func TestResendNoticesLeaveClosedCasesOut(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, work.Zone)
	open := &mediation.Case{ID: "C1", Township: "gucheng", TrackingCode: "OPENCODE22", State: mediation.Mediating,
		Number: mediation.Number{Prefix: "古调", Year: 2026, Seq: 1}, Applicants: []mediation.Party{{Phone: "13700001111"}}}
	closed := open.Clone()
	closed.ID, closed.TrackingCode, closed.State, closed.Number.Seq = "C2", "SHUTCODE22", mediation.Closed, 2
	ns := mediation.ResendNotices("13700001111", []*mediation.Case{closed, open}, now)
	require.Len(t, ns, 1)
	assert.Contains(t, ns[0].Text, "OPENCODE22")
	assert.NotContains(t, ns[0].Text, "SHUTCODE22")
	assert.Empty(t, mediation.ResendNotices("13700001111", []*mediation.Case{closed}, now))
}
