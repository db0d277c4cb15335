package hazard_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/notify/notifytest"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/work"
)

// TestNotices follows a hazard from the whistle through a failed
// verification, and checks who the outbox tells what by the rule of
// Notices.
func TestNotices(t *testing.T) {
	env := notifytest.Engines()[0].New(t)
	head := env.Demo.Member("mayuan-1-head").Actor()
	h, err := env.Hazards.Report(ctx, head, hazard.Report{Category: hazard.Electrical, Grade: work.Simple, Location: "mayuan-1", Description: "电线裸露"})
	require.NoError(t, err)
	find := func(seq int, role string) work.Notice {
		d, err := env.Outbox.Find(ctx, "hazard/"+string(h.ID)+"/"+strconv.Itoa(seq)+"/"+role)
		require.NoError(t, err, role)
		return d.Notification
	}
	assert.Equal(t, []work.Recipient{work.ToPosts(h.Handling, grid.Rectify)}, find(1, "task").To)
	h, err = env.Hazards.Rectify(ctx, head, h.ID, 0, hazard.Rectification{Evidence: "已更换电线"})
	require.NoError(t, err)
	assert.Equal(t, []work.Recipient{work.ToPosts(h.VerifyCell(), grid.Verify)}, find(2, "task").To)
	h, err = env.Hazards.Verify(ctx, env.Demo.Member("mayuan-head").Actor(), h.ID, 0, hazard.Verification{Notes: "接头仍裸露"})
	require.NoError(t, err)
	assert.Equal(t, []work.Recipient{work.ToMember("mayuan-1-head")}, find(3, "task").To, "whoever rectified answers again")
}
