package pilot_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/mediation"
)

// TestApplyNeedsConsent checks that the application form shows the
// privacy notice and refuses, in Chinese and marking the box, a form
// without consent or with consent to an earlier notice, storing nothing.
func TestApplyNeedsConsent(t *testing.T) {
	app, ts := newPilot(t)
	c := newClient(t, ts.URL)
	_, page := c.get("/apply")
	assert.Contains(t, page, mediation.CurrentPrivacyNotice.Title)
	assert.Contains(t, page, "查阅、复制、更正、删除")
	before := countCases(t, app)
	for name, consent := range map[string][]string{"no consent": nil, "an earlier notice": {"2020-01-01"}} {
		t.Run(name, func(t *testing.T) {
			form := applyForm(c, "form-key-consent-"+name)
			form["consent"] = consent
			resp, body := c.post("/apply", form)
			require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
			assert.True(t, marked(body, "consent"), "the box is marked")
			assert.Contains(t, body, "请阅读本页的《个人信息处理告知》，勾选同意后再提交。")
			assert.Equal(t, before, countCases(t, app), "nothing stored")
		})
	}
}

// TestResendForm checks that the tracking page's form for a lost code
// answers the same sentence for a phone that applied and one that did
// not, and that only the former is sent its code.
func TestResendForm(t *testing.T) {
	app, ts := newPilot(t)
	c := newClient(t, ts.URL)
	resp, body := c.post("/apply", applyForm(c, "form-key-resend-0001"))
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	code := trackingCode.FindStringSubmatch(body)
	require.NotNil(t, code)

	_, page := c.get("/track")
	assert.Contains(t, page, "忘记查询码？")
	answers := map[string]string{}
	for _, phone := range []string{"13912345678", "13900009999"} {
		resp, body := c.post("/track/resend", url.Values{"csrf": {c.csrf()}, "phone": {phone}})
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		answers[phone] = messageOf(t, body)
	}
	assert.Equal(t, mediation.ResendAnswer+"。", answers["13912345678"])
	assert.Equal(t, answers["13912345678"], answers["13900009999"], "the same answer, known or not")

	ctx := context.Background()
	ds, err := app.DB.Outbox().Claim(ctx, time.Now().Add(time.Hour), time.Minute, 100)
	require.NoError(t, err)
	var sent []string
	for _, d := range ds {
		if d.Notification.Action == "tracking_code.resent" {
			sent = append(sent, d.Notification.To[0].Phone)
			assert.Contains(t, d.Notification.Text, code[1])
		}
	}
	assert.Equal(t, []string{"13912345678"}, sent)
}

// resendMessage finds the tracking page's answer to a resend.
var resendMessage = regexp.MustCompile(`id="resend-message">([^<]+)<`)

// messageOf returns the text of the tracking page's answer to a resend.
func messageOf(t *testing.T, body string) string {
	t.Helper()
	m := resendMessage.FindStringSubmatch(body)
	require.NotNil(t, m, body)
	return m[1]
}
