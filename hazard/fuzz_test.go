package hazard_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/timeline"
)

// FuzzReport feeds arbitrary reports to Report, from a member or a
// resident: it must either store a hazard whose contact is in normal form,
// whose description obeys the text rule and whose timeline verifies, or refuse with an Invalid or NotFound error
// naming a field and store nothing.
func FuzzReport(f *testing.F) {
	f.Add("路边排水沟堵塞", "a.jpg,b.jpg", "other", "", "mayuan-1", false)
	f.Add("燃气管道老化", "", "gas", "+86 139 0000 1111", "mayuan-1-zhang", true)
	f.Add("院墙之争", "x", "dispute_lead", "8613600004444", "honggoumiao-2", false)
	f.Add("", ",", "", "1", "nowhere", true)
	f.Add("\xff", strings.Repeat("p,", 25), "fire", "0396-1234567", "lz-qiaotou", false)
	fx := newFixture(f)
	head := fx.actor("mayuan-head")
	resident := grid.ResidentActor("r-fuzz", "gucheng")
	f.Fuzz(func(t *testing.T, description, photos, category, phone, location string, byResident bool) {
		in := hazard.Report{
			Category:    hazard.Category(category),
			Location:    grid.CellID(location),
			Description: description,
			Contact:     phone,
		}
		if photos != "" {
			in.Photos = strings.Split(photos, ",")
		}
		actor := head
		if byResident {
			actor = resident
		}
		before := newest(t, fx)
		h, err := fx.svc.Report(ctx, actor, in)
		if err != nil {
			code := fourplusn.ErrorCode(err)
			require.Contains(t, []fourplusn.Code{fourplusn.Invalid, fourplusn.NotFound}, code, "%v", err)
			require.NotEmpty(t, fourplusn.ErrorField(err), "%v", err)
			require.Equal(t, before, newest(t, fx), "nothing stored after a refusal")
			return
		}
		if h.Contact != "" || byResident {
			again, err := fourplusn.ParsePhone(h.Contact)
			require.NoError(t, err)
			require.Equal(t, h.Contact, again)
		}
		require.True(t, utf8.ValidString(h.Description))
		again, err := fourplusn.MultilineText("description", h.Description, 5000)
		require.NoError(t, err, "a stored description the text rule refuses: %q", h.Description)
		require.Equal(t, h.Description, again, "a stored description the text rule would change")
		require.LessOrEqual(t, len(h.Photos), 20)
		require.True(t, h.Handling.Contains(h.Location), "handled at an ancestor of its location")
		require.Equal(t, hazard.Open, h.State)
		stored, err := fx.store.Get(ctx, h.ID)
		require.NoError(t, err)
		require.Equal(t, h, stored)
		events, err := fx.store.Events(ctx, h.ID)
		require.NoError(t, err)
		require.NoError(t, timeline.Verify(string(h.ID), events, h.Chain))
	})
}

// newest returns the ID of the newest hazard stored, or "".
func newest(t *testing.T, f *fixture) hazard.ID {
	page, err := f.store.List(ctx, hazard.Filter{Township: "gucheng", Within: []grid.Path{grid.RootPath("gucheng")}, Limit: 1})
	require.NoError(t, err)
	if len(page.Hazards) == 0 {
		return ""
	}
	return page.Hazards[0].ID
}
