package mediation_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// TestOnlineApplicationsNeedConsent checks that an online application
// is refused, naming "consent", without consent to the current privacy
// notice, and that members' registrations need none.
func TestOnlineApplicationsNeedConsent(t *testing.T) {
	resident := grid.ResidentActor("r-1", gridtest.GuchengID)
	for _, tc := range []struct {
		name    string
		actor   func(*fixture) grid.Actor
		channel work.Channel
		consent string
		field   string // "" when it is registered
	}{
		{"an application without consent", func(*fixture) grid.Actor { return resident }, work.ChannelOnline, "", "consent"},
		{"an application consenting to an earlier notice", func(*fixture) grid.Actor { return resident }, work.ChannelOnline, "2020-01-01", "consent"},
		{"an application consenting to the current notice", func(*fixture) grid.Actor { return resident }, work.ChannelOnline, mediation.CurrentPrivacyNotice.Version, ""},
		{"a walk-in registered by the duty officer", func(f *fixture) grid.Actor { return f.actor("gc-duty-1") }, work.ChannelWalkIn, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			in := neighbourDispute()
			in.Channel, in.Consent = tc.channel, tc.consent
			c, err := f.svc.Register(ctx, tc.actor(f), in)
			if tc.field != "" {
				require.Error(t, err)
				assert.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err))
				assert.Equal(t, tc.field, fourplusn.ErrorField(err))
				return
			}
			require.NoError(t, err)
			if tc.channel != work.ChannelOnline {
				assert.Nil(t, c.Consent, "a member's registration records no consent")
				return
			}
			now := f.clock.Now().UTC()
			assert.Equal(t, &mediation.Consent{Version: tc.consent, At: now, Channel: work.ChannelOnline}, c.Consent)
			events, err := f.svc.Timeline(ctx, resident, c.ID)
			require.NoError(t, err)
			require.Equal(t, mediation.ActionRegistered, events[0].Action)
			assert.Equal(t, tc.consent, events[0].Details["consent_version"])
			assert.Equal(t, now.Format(time.RFC3339), events[0].Details["consent_at"])
			assert.Equal(t, "online", events[0].Details["consent_channel"])
		})
	}
}

// TestPrivacyNoticeSaysWhatTheLawAsks checks that the notice names what
// is collected, why, who sees it, how long it is kept and the resident's
// rights, with the retention term the code keeps.
func TestPrivacyNoticeSaysWhatTheLawAsks(t *testing.T) {
	n := mediation.CurrentPrivacyNotice
	require.NotEmpty(t, n.Version)
	for _, want := range []string{"姓名", "手机号码", "身份证号码", "住址", "人民调解法", "4+N", "138****1234", "查阅", "复制", "更正", "删除", "结案后 10 年"} {
		assert.Contains(t, n.Text, want)
	}
	assert.Equal(t, 10, mediation.RetentionYears)
}
