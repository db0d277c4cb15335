package mediation_test

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// FuzzRegister feeds arbitrary intake to Register: it must either store a
// case whose personal data is in normal form and whose text obeys the
// text rule, or refuse with an Invalid error naming a field and store
// nothing.
func FuzzRegister(f *testing.F) {
	f.Add("王某某", "13900001111", "", "两家争吵", 45, int64(0), uint8(1), "neighbour", "mayuan-1", "")
	f.Add("章某某", "+86 138 0000 1234", "11010519491231002x", "推倒致伤", 81, int64(5_000_000), uint8(5), "injury", "mayuan-1", "")
	f.Add("朱某某", "8613600004444", "", "多年积怨", 56, int64(0), uint8(6), "neighbour", "", "确山县朗陵村委朱里庄")
	f.Add("", "1", "X", "\xff", -1, int64(-5), uint8(0), "", "nowhere", "x")
	fx := newFixture(f)
	head := fx.actor("mayuan-head")
	f.Fuzz(func(t *testing.T, name, phone, idCard, facts string, age int, amount int64, channel uint8, category, location, outside string) {
		in := mediation.Intake{
			Channel:     work.Channel(channel),
			Category:    mediation.Category(category),
			Applicants:  []mediation.Party{{Name: name, Phone: phone, IDCard: idCard, Age: age}},
			Respondents: []mediation.Party{{Name: "某某"}},
			Facts:       facts,
			Location:    grid.CellID(location),
			Outside:     outside,
		}
		if amount != 0 {
			in.Claims = []mediation.Claim{{Description: "赔偿", Amount: amount}}
		}
		c, err := fx.svc.Register(ctx, head, in)
		if err != nil {
			code := fourplusn.ErrorCode(err)
			require.Contains(t, []fourplusn.Code{fourplusn.Invalid, fourplusn.NotFound}, code, "%v", err)
			if code == fourplusn.Invalid {
				require.NotEmpty(t, fourplusn.ErrorField(err), "%v", err)
			}
			return
		}
		p := c.Applicants[0]
		again, err := fourplusn.ParsePhone(p.Phone)
		require.NoError(t, err)
		require.Equal(t, p.Phone, again)
		require.Len(t, p.Phone, 11)
		require.True(t, utf8.ValidString(c.Facts))
		for _, text := range []struct {
			clean func(field, s string, max int) (string, error)
			s     string
			max   int
		}{{fourplusn.Text, p.Name, 50}, {fourplusn.MultilineText, c.Facts, 5000}, {fourplusn.OptionalText, c.Outside, 200}} {
			again, err := text.clean("text", text.s, text.max)
			require.NoError(t, err, "stored text the rule refuses: %q", text.s)
			require.Equal(t, text.s, again, "stored text the rule would change")
		}
		if !c.OutOfJurisdiction() {
			require.True(t, c.Handling.Contains(c.Location), "handled at an ancestor of its location")
		}
		stored, err := fx.store.Get(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, c, stored)
	})
}
