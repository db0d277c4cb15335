package notify_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/notify"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/work"
)

// residentNotice is a tracking code sent again to a resident's phone.
func residentNotice() work.Notice {
	n := testNotification("resend/gucheng/x/2026120108")
	n.Kind, n.Title, n.Text = work.NoticeProgress, "【查询码】", "古调〔2026〕1号 查询码 ABCDEFGHJK"
	n.To = []work.Recipient{work.ToPhone("13700001111")}
	return n
}

// TestNoticesToAResidentsPhone checks that a notice to a resident's phone
// resolves to that phone, reaches the webhook with the number in full
// only for a receiver that texts it, is never posted to a WeCom group,
// and is logged with the number masked and without the code.
func TestNoticesToAResidentsPhone(t *testing.T) {
	n := residentNotice()
	contacts, err := notify.Resolve(n.To, gridtest.Gucheng().Members, grid.DefaultPolicy())
	require.NoError(t, err)
	assert.Equal(t, []notify.Contact{{Phone: "13700001111"}}, contacts)
	assert.True(t, notify.ToResident(n))
	assert.False(t, notify.ToResident(testNotification("k")), "a notice to staff")
	m := notify.Message{Notice: n, Contacts: contacts, Attempt: 1}

	var bodies []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
	}))
	defer ts.Close()
	for _, full := range []bool{true, false} {
		wh, err := notify.NewWebhook(ts.URL, secret)
		require.NoError(t, err)
		wh.FullPhones = full
		require.NoError(t, wh.Notify(ctx, m))
	}
	require.Len(t, bodies, 2)
	var sent struct {
		To       []work.Recipient `json:"to"`
		Contacts []notify.Contact `json:"contacts"`
		Text     string           `json:"text"`
	}
	require.NoError(t, json.Unmarshal([]byte(bodies[0]), &sent))
	assert.Equal(t, []work.Recipient{{Phone: "13700001111"}}, sent.To, "an SMS gateway gets the number")
	assert.Equal(t, "13700001111", sent.Contacts[0].Phone)
	assert.Contains(t, sent.Text, "ABCDEFGHJK", "and the code to text")
	assert.NotContains(t, bodies[1], "13700001111", "masked for a receiver that does not text")
	assert.Contains(t, bodies[1], "137****1111")

	robot := &robotServer{}
	rs := httptest.NewServer(robot)
	defer rs.Close()
	r, err := notify.NewRobot("a-key")
	require.NoError(t, err)
	r.URL = rs.URL + "/cgi-bin/webhook/send?key=a-key"
	require.NoError(t, r.Notify(ctx, m), "dropped as delivered")
	assert.Empty(t, robot.bodies, "a resident's code is never posted to a group")

	var buf strings.Builder
	require.NoError(t, notify.Log{Logger: slogTo(&buf)}.Notify(ctx, m))
	assert.Contains(t, buf.String(), "137****1111")
	assert.NotContains(t, buf.String(), "13700001111")
	assert.NotContains(t, buf.String(), "ABCDEFGHJK")
}
