package grid_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
)

// checkTitles checks that each of values has a title of its own, and that
// parse reads it back from its title and from its stable name.
func checkTitles[T interface {
	comparable
	String() string
	Title() string
}](t *testing.T, values []T, parse func(string) (T, error), seen map[string]bool) {
	t.Helper()
	for _, v := range values {
		title := v.Title()
		require.NotEmpty(t, title, "%s has a title", v)
		assert.False(t, seen[title], "title %s is used twice", title)
		seen[title] = true
		for _, s := range []string{title, v.String()} {
			got, err := parse(s)
			require.NoError(t, err, s)
			assert.Equal(t, v, got, s)
		}
	}
}

func TestTitles(t *testing.T) {
	seen := map[string]bool{}
	checkTitles(t, grid.Roles(), grid.ParseRoleTitle, seen)
	checkTitles(t, grid.Departments(), grid.ParseDepartmentTitle, seen)
	assert.Len(t, grid.Departments(), 5)
	for _, d := range grid.Departments() {
		assert.True(t, d.Valid())
	}
	assert.Equal(t, "网格长", grid.GridHead.Title())
	assert.Equal(t, "N方成员", grid.Partner.Title())
	assert.Equal(t, "民调", grid.DeptMediation.Title())
	assert.Equal(t, "", grid.Role(0).Title())
	assert.Equal(t, "", grid.Department(0).Title())
	assert.Equal(t, "", grid.Department(6).Title())
	assert.False(t, grid.Department(0).Valid())

	for _, s := range []string{"", "网格", "村长", " 网格长"} {
		_, err := grid.ParseRoleTitle(s)
		assert.ErrorIs(t, err, fourplusn.Invalid, s)
		assert.Equal(t, "role", fourplusn.ErrorField(err), s)
	}
	for _, s := range []string{"", "网格长", "军队"} {
		_, err := grid.ParseDepartmentTitle(s)
		assert.ErrorIs(t, err, fourplusn.Invalid, s)
		assert.Equal(t, "department", fourplusn.ErrorField(err), s)
	}
}
