package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/httpapi"
	"github.com/fourplusn/fourplusn/adapters/outbox"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// TestApplicationConsent checks that an application without consent, or
// with consent to another version of the privacy notice, is refused
// naming consent and stores nothing, and that an accepted one records
// the consent on the case and in its registration event; and that the
// notice is served to whoever asks.
func TestApplicationConsent(t *testing.T) {
	e := newEnv(t)
	res := e.anonymous().get("/api/v1/privacy-notice")
	require.Equal(t, http.StatusOK, res.Code, "%s", res)
	var notice struct{ Version, Title, Text string }
	res.decode(t, &notice)
	assert.Equal(t, mediation.CurrentPrivacyNotice.Version, notice.Version)
	assert.Contains(t, notice.Text, "查阅、复制、更正、删除")

	for _, tc := range []struct {
		name    string
		consent any // nil leaves it out
		field   string
	}{
		{"no consent", nil, "consent"},
		{"no version", map[string]any{}, "consent.version"},
		{"an earlier version", map[string]any{"version": "2020-01-01"}, "consent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := application()
			delete(body, "consent")
			if tc.consent != nil {
				body["consent"] = tc.consent
			}
			before := e.snapshot(t)
			res := e.anonymous().post("/api/v1/applications", body, "Idempotency-Key", applicationKey)
			require.Equal(t, http.StatusBadRequest, res.Code, "%s", res)
			assert.Equal(t, []string{tc.field}, res.errorFields(t))
			assert.Equal(t, before, e.snapshot(t), "nothing stored")
		})
	}

	res = e.anonymous().post("/api/v1/applications", application(), "Idempotency-Key", applicationKey)
	require.Equal(t, http.StatusCreated, res.Code, "%s", res)
	var out struct{ ID string }
	res.decode(t, &out)
	stored, err := e.st.cases.Get(ctx, mediation.ID(out.ID))
	require.NoError(t, err)
	now := e.clock.Now().UTC()
	assert.Equal(t, &mediation.Consent{Version: mediation.CurrentPrivacyNotice.Version, At: now, Channel: work.ChannelOnline}, stored.Consent)
	events, err := e.st.cases.Events(ctx, stored.ID)
	require.NoError(t, err)
	assert.Equal(t, mediation.CurrentPrivacyNotice.Version, events[0].Details["consent_version"])
	assert.Equal(t, now.Format(time.RFC3339), events[0].Details["consent_at"])
	assert.Equal(t, "online", events[0].Details["consent_channel"])

	res = e.as("gc-duty-1").post("/api/v1/cases", map[string]any{
		"channel": "walk_in", "category": "neighbour", "facts": "邻居家狗夜里吠叫。", "location": "mayuan-1",
		"applicants": []map[string]any{{"name": "李某", "phone": "13900004444"}}, "respondents": []map[string]any{{"name": "赵某"}},
	})
	assert.Equal(t, http.StatusCreated, res.Code, "a walk-in needs no consent: %s", res)
}

// TestResendCodes checks that a request for lost codes is answered the
// same for a phone that applied and one that did not; that only the
// former is sent a notice, one, to that phone, with the code and the
// number; that asking again the same day sends no more than the limit;
// and that the route is rate-limited.
func TestResendCodes(t *testing.T) {
	e := newEnv(t)
	c := e.seedCase(t, "accepted") // applied with 13900001111
	asked := 0
	ask := func(phone string) *response {
		t.Helper()
		asked++ // from an address of its own, under the rate limit
		return e.anonymous().from(fmt.Sprintf("198.51.100.%d:4000", asked)).post("/api/v1/track/resend", map[string]any{"phone": phone})
	}
	pending := func() []work.Notice {
		t.Helper()
		ds, err := e.st.outbox.Claim(ctx, e.clock.Now().Add(time.Hour), time.Hour, 100)
		require.NoError(t, err)
		var out []work.Notice
		for _, d := range ds {
			if d.Notification.Action == "tracking_code.resent" {
				out = append(out, d.Notification)
			}
		}
		return out
	}

	known, unknown := ask("13900001111"), ask("13900009999")
	require.Equal(t, http.StatusAccepted, known.Code, "%s", known)
	assert.Equal(t, known.Code, unknown.Code)
	assert.Equal(t, string(known.Body), string(unknown.Body), "the same answer, known or not")
	assert.JSONEq(t, `{"message":"`+mediation.ResendAnswer+`"}`, string(known.Body))
	sent := pending()
	require.Len(t, sent, 1, "one notice, for the known phone")
	assert.Equal(t, []work.Recipient{work.ToPhone("13900001111")}, sent[0].To)
	assert.Contains(t, sent[0].Text, c.TrackingCode)
	assert.Contains(t, sent[0].Text, c.Number.String())

	// Asked every half hour until 23:30: one more period of the day
	// (16:00 to 24:00) sends one more; the day's first, before 9:00, is
	// past. The answer stays the same throughout.
	keys := map[string]bool{sent[0].Key: true}
	for range 29 {
		e.clock.Advance(30 * time.Minute)
		res := ask("13900001111")
		require.Equal(t, string(known.Body), string(res.Body), "the same answer, sent or not")
		for _, n := range pending() {
			keys[n.Key] = true
		}
	}
	assert.Len(t, keys, 2, "9:00 to 23:30")
	assert.LessOrEqual(t, len(keys), mediation.ResendsPerDay)

	res := ask("12345")
	assert.Equal(t, http.StatusBadRequest, res.Code)
	assert.Equal(t, []string{"phone"}, res.errorFields(t))

	limited := newEnv(t, func(c *httpapi.Config) { c.PublicRate, c.PublicBurst = 0.001, 2 })
	client := limited.anonymous().from("203.0.113.30:4000")
	for range 2 {
		require.Equal(t, http.StatusAccepted, client.post("/api/v1/track/resend", map[string]any{"phone": "13900009999"}).Code)
	}
	assert.Equal(t, http.StatusTooManyRequests, client.post("/api/v1/track/resend", map[string]any{"phone": "13900009999"}).Code)
}

// TestFailedResendHidesTheCodes checks that staff shown a failed delivery
// of codes sent again see to whom, masked, but not the codes.
func TestFailedResendHidesTheCodes(t *testing.T) {
	e := newEnv(t)
	c := e.seedCase(t, "accepted")
	require.Equal(t, http.StatusAccepted, e.anonymous().post("/api/v1/track/resend", map[string]any{"phone": "13900001111"}).Code)
	ds, err := e.st.outbox.Claim(ctx, e.clock.Now().Add(time.Hour), time.Hour, 100)
	require.NoError(t, err)
	for _, d := range ds {
		require.NoError(t, e.st.outbox.Record(ctx, d.ID, d.Claim, outbox.Result{State: outbox.Failed, LastError: "gateway down"}))
	}
	res := e.as("gc-duty-1").get("/api/v1/notifications/failures")
	require.Equal(t, http.StatusOK, res.Code, "%s", res)
	assert.Contains(t, string(res.Body), "139****1111")
	assert.NotContains(t, string(res.Body), c.TrackingCode)
	assert.NotContains(t, string(res.Body), "13900001111")
}
