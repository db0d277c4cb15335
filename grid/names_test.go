package grid_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
)

func TestTitles(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range grid.Roles() {
		title := r.Title()
		require.NotEmpty(t, title, "role %s has a title", r)
		assert.False(t, seen[title], "title %s is used twice", title)
		seen[title] = true
		for _, s := range []string{title, r.String()} {
			got, err := grid.ParseRoleTitle(s)
			require.NoError(t, err, s)
			assert.Equal(t, r, got, s)
		}
	}
	assert.Len(t, grid.Departments(), 5)
	for _, d := range grid.Departments() {
		require.True(t, d.Valid())
		title := d.Title()
		require.NotEmpty(t, title, "department %s has a title", d)
		assert.False(t, seen[title], "title %s is used twice", title)
		seen[title] = true
		for _, s := range []string{title, d.String()} {
			got, err := grid.ParseDepartmentTitle(s)
			require.NoError(t, err, s)
			assert.Equal(t, d, got, s)
		}
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
