package grid_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
)

// TestGridTextRule checks that the names and bodies an administrator
// types go through the text rule: refused with the field named and
// nothing changed, or stored cleaned.
func TestGridTextRule(t *testing.T) {
	tw := newTownship(t, nil)
	admin := tw.actor(t, "gc-admin")
	member := func(name, body string) grid.Member {
		return grid.Member{ID: "mayuan-partner", Name: name, Phone: "13912345678", Department: grid.DeptPartner, Body: body,
			Posts: []grid.Post{{Role: grid.Partner, Cell: tw.path(t, "mayuan")}}}
	}
	for _, tc := range []struct {
		name   string
		do     func() error
		fields []string
	}{
		{"a cell named by spaces", func() error {
			_, err := tw.grid.AddCell(ctx, admin, grid.Spec{ID: "mayuan-9", Parent: "mayuan", Name: "\u3000 "})
			return err
		}, []string{"name"}},
		{"a cell renamed with a bidi override", func() error {
			_, err := tw.grid.RenameCell(ctx, admin, "mayuan-1", "马园\u202e一组")
			return err
		}, []string{"name"}},
		{"a member with a bell in the name and a blank body", func() error {
			_, err := tw.grid.AddMember(ctx, admin, member("郑某\a", "   "))
			return err
		}, []string{"name", "body"}},
		{"an edit with a NUL", func() error {
			_, err := tw.grid.EditMember(ctx, admin, "gc-justice", grid.MemberEdit{Name: "高\x00敬", Phone: "13900000001", Department: grid.DeptJustice})
			return err
		}, []string{"name"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := tw.snapshot(t)
			err := tc.do()
			require.ErrorIs(t, err, fourplusn.Invalid)
			var fields []string
			for _, f := range fourplusn.ErrorFields(err) {
				fields = append(fields, f.Field)
			}
			assert.Equal(t, tc.fields, fields, "%v", err)
			assert.Equal(t, before, tw.snapshot(t), "nothing changed")
		})
	}

	cell, err := tw.grid.AddCell(ctx, admin, grid.Spec{ID: "mayuan-9", Parent: "mayuan", Name: " 马园九组\u3000"})
	require.NoError(t, err)
	assert.Equal(t, "马园九组", cell.Name)
	_, err = tw.grid.RenameCell(ctx, admin, "mayuan-9", "马园第九组 ")
	require.NoError(t, err)
	assert.Equal(t, "马园第九组", tw.grid.Directory().Tree().MustCell("mayuan-9").Name)
	added, err := tw.grid.AddMember(ctx, admin, member(" 郑某 ", "\u3000土地所"))
	require.NoError(t, err)
	stored, ok := tw.grid.Directory().Member(added.ID)
	require.True(t, ok)
	assert.Equal(t, "郑某", stored.Name)
	assert.Equal(t, "土地所", stored.Body)
}
