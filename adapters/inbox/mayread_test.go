package inbox_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/inbox"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
)

// TestMayRead: the township's inbox is for the posts that may review
// applications and see personal data for the whole township, and nobody
// else.
func TestMayRead(t *testing.T) {
	demo := gridtest.Gucheng()
	policy := grid.DefaultPolicy()
	for _, tc := range []struct {
		actor grid.Actor
		want  fourplusn.Code // "" for allowed
	}{
		{demo.Member("gc-duty-1").Actor(), ""},                     // the township's watch
		{demo.Member("gc-justice").Actor(), ""},                    // the justice office, at the township
		{demo.Member("gc-east-head").Actor(), fourplusn.Forbidden}, // a sector head: not the whole township
		{demo.Member("mayuan-head").Actor(), fourplusn.Forbidden},
		{demo.Member("gc-land").Actor(), fourplusn.Forbidden},      // a partner reviews nothing
		{demo.Member("lz-secretary").Actor(), fourplusn.Forbidden}, // another township's head
		{grid.ResidentActor("r-1", gridtest.GuchengID), fourplusn.Forbidden},
		{grid.SystemActor(gridtest.GuchengID), fourplusn.Forbidden},
		{grid.Actor{}, fourplusn.Unauthorized},
	} {
		err := inbox.MayRead(policy, tc.actor, gridtest.GuchengID)
		if tc.want == "" {
			assert.NoError(t, err, tc.actor.ID)
		} else {
			assert.Equal(t, tc.want, fourplusn.ErrorCode(err), "%s: %v", tc.actor.ID, err)
		}
	}
}
