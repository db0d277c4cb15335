package kernel

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/work"
)

// TestHandlingReason: the reason names the level the grade's rule gives,
// and, when the work was found above that level, the level of the cell
// that then handles it, so that it never contradicts Handling.
func TestHandlingReason(t *testing.T) {
	group := grid.RootPath("t").Child("east").Child("v1").Child("g1")
	for _, tc := range []struct {
		name  string
		grade work.Grade
		level grid.Level
		loc   grid.Path
		text  string
	}{
		{"green to the villager group", work.Simple, 4, group, "绿色·简易隐患由四级网格办理"},
		{"yellow to the community", work.Ordinary, 3, group, "黄色·一般隐患由三级网格办理"},
		{"red to the sector", work.Major, 2, group, "红色·重大隐患由二级网格办理"},
		{"red to the township", work.Major, 1, group, "红色·重大隐患由一级网格办理"},
		{"found in a household cluster", work.Simple, 4, group.Child("h1"), "绿色·简易隐患由四级网格办理"},
		{"found above its level", work.Simple, 4, group.Prefix(3), "绿色·简易隐患由四级网格办理；所在网格为三级，即由该网格办理"},
		{"found at the township", work.Ordinary, 3, group.Prefix(1), "黄色·一般隐患由三级网格办理；所在网格为一级，即由该网格办理"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := HandlingReason("隐患", tc.grade, tc.level, tc.loc)
			assert.Equal(t, work.Reason{Code: work.ReasonLevel, Text: tc.text}, r)
			if tc.loc.Level() < tc.level {
				assert.Equal(t, tc.loc, Handling(tc.level, tc.loc), "handled where it was found, as the reason says")
			}
		})
	}
}
