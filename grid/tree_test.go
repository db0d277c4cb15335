package grid_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
)

func TestBuildRejectsInvalidTrees(t *testing.T) {
	base := []grid.Spec{
		{ID: "t", Name: "镇", Level: 1},
		{ID: "s", Parent: "t", Name: "片区", Level: 2},
		{ID: "c", Parent: "s", Name: "村", Level: 3},
		{ID: "g", Parent: "c", Name: "组", Level: 4},
		{ID: "h", Parent: "g", Name: "户", Level: 5},
	}
	with := func(extra ...grid.Spec) []grid.Spec { return append(append([]grid.Spec{}, base...), extra...) }
	tests := []struct {
		name  string
		specs []grid.Spec
		field string // the field naming the spec at fault
		cell  string // the cell the message names
	}{
		{"duplicate ID", with(grid.Spec{ID: "c", Parent: "s", Name: "又一村", Level: 3}), "cells[5]", `"c"`},
		{"orphan", with(grid.Spec{ID: "x", Parent: "nowhere", Name: "孤", Level: 3}), "cells[5]", `"x"`},
		{"skipped level", with(grid.Spec{ID: "x", Parent: "s", Name: "跳", Level: 4}), "cells[5]", `"x"`},
		{"sixth level", with(grid.Spec{ID: "x", Parent: "h", Name: "六", Level: 6}), "cells[5]", `"x"`},
		{"sixth level numbered five", with(grid.Spec{ID: "x", Parent: "h", Name: "六", Level: 5}), "cells[5]", `"x"`},
		{"root below level 1", with(grid.Spec{ID: "x", Name: "根", Level: 2}), "cells[5]", `"x"`},
		{"cycle", with(
			grid.Spec{ID: "a", Parent: "b", Name: "甲", Level: 3},
			grid.Spec{ID: "b", Parent: "a", Name: "乙", Level: 3},
		), "cells[5]", `"a"`},
		{"self parent", with(grid.Spec{ID: "x", Parent: "x", Name: "自", Level: 2}), "cells[5]", `"x"`},
		{"bad ID", with(grid.Spec{ID: "a/b", Parent: "s", Name: "斜", Level: 3}), "cells[5].id", `"a/b"`},
		{"empty ID", with(grid.Spec{Parent: "s", Name: "空", Level: 3}), "cells[5].id", `""`},
		{"empty name", with(grid.Spec{ID: "x", Parent: "s", Level: 3}), "cells[5].name", `"x"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := grid.Build(grid.DefaultTitles, tc.specs)
			require.Error(t, err)
			assert.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err))
			assert.Equal(t, tc.field, fourplusn.ErrorField(err))
			assert.Contains(t, err.Error(), "cell "+tc.cell)
		})
	}
	tree, err := grid.Build(grid.DefaultTitles, base)
	require.NoError(t, err)
	assert.Equal(t, "/t/s/c/g/h", tree.MustCell("h").Path.String())
}

func TestTreeQueries(t *testing.T) {
	d := gridtest.Gucheng()
	tree := d.Tree
	assert.Equal(t, []grid.CellID{gridtest.GuchengID, gridtest.NeighbourID}, ids(tree.Roots()))
	assert.Equal(t, "户·家族", tree.Titles().Title(5))
	assert.Equal(t, "", tree.Titles().Title(6))

	zhang := tree.MustCell("mayuan-1-zhang")
	assert.Equal(t, grid.Level(5), zhang.Level())
	assert.Equal(t, grid.CellID("mayuan-1"), zhang.Parent())
	assert.Equal(t, "/gucheng/gc-east/mayuan/mayuan-1/mayuan-1-zhang", zhang.Path.String())

	anc, err := tree.Ancestors("mayuan-1-zhang")
	require.NoError(t, err)
	assert.Equal(t, []grid.CellID{"gucheng", "gc-east", "mayuan", "mayuan-1"}, ids(anc))

	at, err := tree.AncestorAt("mayuan-1-zhang", 3)
	require.NoError(t, err)
	assert.Equal(t, grid.CellID("mayuan"), at.ID)
	self, err := tree.AncestorAt("mayuan", 3)
	require.NoError(t, err)
	assert.Equal(t, grid.CellID("mayuan"), self.ID)
	_, err = tree.AncestorAt("mayuan", 4)
	assert.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err))

	desc, err := tree.Descendants("mayuan")
	require.NoError(t, err)
	assert.Equal(t, []grid.CellID{"mayuan-1", "mayuan-1-zhang", "mayuan-1-li", "mayuan-2", "mayuan-3"}, ids(desc))
	children, err := tree.Children("gc-east")
	require.NoError(t, err)
	assert.Equal(t, []grid.CellID{"mayuan", "wuguiqiao", "guchengjie"}, ids(children))

	assert.True(t, tree.IsWithin("mayuan-1-li", "gc-east"))
	assert.True(t, tree.IsWithin("mayuan", "mayuan"))
	assert.False(t, tree.IsWithin("gc-east", "mayuan"))
	assert.False(t, tree.IsWithin("mayuan", "gc-west"))
	assert.False(t, tree.IsWithin("lz-qiaotou", "gucheng"))
	assert.False(t, tree.IsWithin("nowhere", "gucheng"))

	lca, err := tree.LowestCommonAncestor("mayuan-1-zhang", "wuguiqiao-2")
	require.NoError(t, err)
	assert.Equal(t, grid.CellID("gc-east"), lca.ID)
	lca, err = tree.LowestCommonAncestor("mayuan-1-zhang", "mayuan-1-li")
	require.NoError(t, err)
	assert.Equal(t, grid.CellID("mayuan-1"), lca.ID)
	lca, err = tree.LowestCommonAncestor("mayuan", "mayuan-3")
	require.NoError(t, err)
	assert.Equal(t, grid.CellID("mayuan"), lca.ID)
	_, err = tree.LowestCommonAncestor("mayuan", "lz-qiaotou")
	assert.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err))

	for _, f := range []func() error{
		func() error { _, err := tree.Cell("zhulizhuang"); return err },
		func() error { _, err := tree.Ancestors("zhulizhuang"); return err },
		func() error { _, err := tree.Descendants("zhulizhuang"); return err },
		func() error { _, err := tree.Children("zhulizhuang"); return err },
		func() error { _, err := tree.AncestorAt("zhulizhuang", 1); return err },
		func() error { _, err := tree.LowestCommonAncestor("mayuan", "zhulizhuang"); return err },
	} {
		assert.ErrorIs(t, f(), fourplusn.NotFound, "朗陵村委朱里庄 is not in the demo tree")
	}
}

func TestTreeAddMoveRetire(t *testing.T) {
	tree := gridtest.Gucheng().Tree
	n := tree.Len()

	c, err := tree.Add(grid.Spec{ID: "mayuan-4", Parent: "mayuan", Name: "马园四组"})
	require.NoError(t, err)
	assert.Equal(t, grid.Level(4), c.Level())
	assert.Equal(t, n+1, tree.Len())
	_, err = tree.Add(grid.Spec{ID: "mayuan-4", Parent: "mayuan", Name: "重复"})
	assert.ErrorIs(t, err, fourplusn.Conflict)
	_, err = tree.Add(grid.Spec{ID: "x", Parent: "nowhere", Name: "孤"})
	assert.ErrorIs(t, err, fourplusn.NotFound)
	_, err = tree.Add(grid.Spec{ID: "x", Parent: "mayuan-1-zhang", Name: "六级"})
	assert.Equal(t, "parent", fourplusn.ErrorField(err))
	_, err = tree.Add(grid.Spec{ID: "x", Parent: "mayuan", Name: "错级", Level: 3})
	assert.Equal(t, "level", fourplusn.ErrorField(err))
	_, err = tree.Add(grid.Spec{ID: "new-town", Name: "新镇"})
	require.NoError(t, err)
	assert.Len(t, tree.Roots(), 3)

	// Move 马园一组 with its households from 马园 to 吴桂桥.
	moved, err := tree.Move("mayuan-1", "wuguiqiao")
	require.NoError(t, err)
	assert.Equal(t, []grid.CellID{"mayuan-1", "mayuan-1-zhang", "mayuan-1-li"}, ids(moved))
	assert.Equal(t, "/gucheng/gc-east/wuguiqiao/mayuan-1/mayuan-1-zhang", tree.MustCell("mayuan-1-zhang").Path.String())
	assert.True(t, tree.IsWithin("mayuan-1-li", "wuguiqiao"))
	assert.False(t, tree.IsWithin("mayuan-1-li", "mayuan"))
	desc, _ := tree.Descendants("mayuan")
	assert.Equal(t, []grid.CellID{"mayuan-2", "mayuan-3", "mayuan-4"}, ids(desc))
	// A move across sectors changes the level-2 ancestor as well.
	_, err = tree.Move("mayuan-1", "honggoumiao")
	require.NoError(t, err)
	assert.Equal(t, grid.CellID("gc-west"), tree.MustCell("mayuan-1-li").Path.At(2))

	for _, tc := range []struct {
		name, id, parent string
		code             fourplusn.Code
	}{
		{"breaks levels", "mayuan-1", "gc-east", fourplusn.Invalid},
		{"below itself", "mayuan", "mayuan-1", fourplusn.Invalid},
		{"a township", "gucheng", "linzhen", fourplusn.Invalid},
		{"to another township", "mayuan-2", "lz-qiaotou", fourplusn.Invalid},
		{"unknown cell", "nowhere", "mayuan", fourplusn.NotFound},
		{"unknown parent", "mayuan-2", "nowhere", fourplusn.NotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := allCells(tree)
			_, err := tree.Move(grid.CellID(tc.id), grid.CellID(tc.parent))
			assert.ErrorIs(t, err, tc.code)
			assert.Equal(t, before, allCells(tree), "a refused move changes nothing")
		})
	}

	// Retire bottom-up; a retired parent takes no new cells or moves.
	assert.ErrorIs(t, tree.Retire("mayuan-1"), fourplusn.Conflict)
	require.NoError(t, tree.Retire("mayuan-1-zhang"))
	require.NoError(t, tree.Retire("mayuan-1-li"))
	require.NoError(t, tree.Retire("mayuan-1"))
	assert.True(t, tree.MustCell("mayuan-1").Retired)
	_, err = tree.Add(grid.Spec{ID: "y", Parent: "mayuan-1", Name: "新户"})
	assert.ErrorIs(t, err, fourplusn.Conflict)
	_, err = tree.Move("honggoumiao-2-tong", "mayuan-1")
	assert.ErrorIs(t, err, fourplusn.Conflict)
	assert.ErrorIs(t, tree.Retire("nowhere"), fourplusn.NotFound)
}

func TestPath(t *testing.T) {
	p := grid.RootPath("t").Child("s").Child("c")
	assert.Equal(t, grid.Level(3), p.Level())
	assert.Equal(t, grid.CellID("c"), p.Cell())
	assert.Equal(t, grid.CellID("t"), p.Township())
	assert.Equal(t, grid.CellID("s"), p.At(2))
	assert.Equal(t, grid.CellID(""), p.At(4))
	assert.Equal(t, grid.CellID(""), p.At(0))
	assert.Equal(t, "/t/s", p.Parent().String())
	assert.True(t, grid.RootPath("t").Parent().IsZero())
	assert.True(t, p.Child("g").Child("h").Child("six").IsZero(), "no sixth level")
	assert.True(t, grid.Path{}.Child("x").IsZero())
	assert.False(t, grid.Path{}.Contains(p))
	assert.True(t, p.Contains(p))
	assert.False(t, p.Contains(p.Parent()))
	assert.Equal(t, "/t/s", p.Common(grid.RootPath("t").Child("s").Child("d")).String())
	assert.True(t, p.Common(grid.RootPath("u")).IsZero())

	q, err := grid.ParsePath("/t/s/c")
	require.NoError(t, err)
	assert.Equal(t, p, q)
	for _, bad := range []string{"", "t/s", "/", "/t//c", "/t/s/c/g/h/x", "/t/s c"} {
		_, err := grid.ParsePath(bad)
		assert.ErrorIs(t, err, fourplusn.Invalid, bad)
	}
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"/gucheng/gc-east/mayuan", "/", "", "//", "/a/b/c/d/e/f", "/a.b_c-d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := grid.ParsePath(s)
		if err != nil {
			require.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err))
			return
		}
		require.Equal(t, s, p.String(), "an accepted path reads back as written")
		require.True(t, p.Level().Valid())
		require.True(t, p.Prefix(1).Contains(p))
	})
}

func TestMemberValidate(t *testing.T) {
	d := gridtest.Gucheng()
	ok := d.Member("gc-justice")
	require.NoError(t, ok.Validate())
	tests := []struct {
		name  string
		edit  func(*grid.Member)
		field string
	}{
		{"no id", func(m *grid.Member) { m.ID = "" }, "id"},
		{"no name", func(m *grid.Member) { m.Name = "" }, "name"},
		{"a name of spaces", func(m *grid.Member) { m.Name = " \u3000 " }, "name"},
		{"a name with a bidi override", func(m *grid.Member) { m.Name = "高\u202e敬" }, "name"},
		{"a name with an escape", func(m *grid.Member) { m.Name = "高敬\x1b" }, "name"},
		{"a body with a NUL", func(m *grid.Member) { m.Department, m.Body = grid.DeptPartner, "土地所\x00" }, "body"},
		{"a partner's body of spaces", func(m *grid.Member) { m.Department, m.Body = grid.DeptPartner, "   " }, "body"},
		{"bad phone", func(m *grid.Member) { m.Phone = "12345" }, "phone"},
		{"landline", func(m *grid.Member) { m.Phone = "03962345678" }, "phone"},
		{"no department", func(m *grid.Member) { m.Department = 0 }, "department"},
		{"partner without body", func(m *grid.Member) { m.Department = grid.DeptPartner }, "body"},
		{"no posts", func(m *grid.Member) { m.Posts = nil }, "posts"},
		{"inactive with posts", func(m *grid.Member) { m.Inactive = true }, "posts"},
		{"no township", func(m *grid.Member) { m.Township = "" }, "township"},
		{"login with a space", func(m *grid.Member) { m.ID = "gc justice" }, "id"},
		{"login in Chinese", func(m *grid.Member) { m.ID = "高敬" }, "id"},
		{"post in another township", func(m *grid.Member) { m.Posts = []grid.Post{{Role: grid.Mediator, Cell: d.Path("lz-qiaotou")}} }, "posts[0].cell"},
		{"post twice", func(m *grid.Member) { m.Posts = append(m.Posts, m.Posts[0]) }, "posts[1]"},
		{"bad role", func(m *grid.Member) { m.Posts = []grid.Post{{Role: 0, Cell: d.Path("mayuan")}} }, "posts[0].role"},
		{"no cell", func(m *grid.Member) { m.Posts = []grid.Post{{Role: grid.Mediator}} }, "posts[0].cell"},
		{"two townships", func(m *grid.Member) {
			m.Posts = []grid.Post{{Role: grid.Mediator, Cell: d.Path("mayuan")}, {Role: grid.Mediator, Cell: d.Path("lz-qiaotou")}}
		}, "posts[1].cell"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := ok
			m.Posts = append([]grid.Post(nil), ok.Posts...)
			tc.edit(&m)
			err := m.Validate()
			assert.ErrorIs(t, err, fourplusn.Invalid)
			assert.Equal(t, tc.field, fourplusn.ErrorField(err))
		})
	}
}

// TestMemberValidateEveryField checks that a member with several mistakes
// names them all, and that a valid member is cleaned in place.
func TestMemberValidateEveryField(t *testing.T) {
	d := gridtest.Gucheng()
	m := d.Member("gc-justice")
	m.Name, m.Phone, m.Posts = "\a", "12345", nil
	err := m.Validate()
	require.ErrorIs(t, err, fourplusn.Invalid)
	var fields []string
	for _, f := range fourplusn.ErrorFields(err) {
		fields = append(fields, f.Field)
	}
	assert.Equal(t, []string{"name", "posts", "phone"}, fields)

	m = d.Member("gc-justice")
	want := m
	m.Name, m.Phone = "\u3000"+m.Name+" ", "+86 "+m.Phone
	require.NoError(t, m.Validate())
	assert.Equal(t, want, m, "trimmed, and the phone in normal form")
}

func TestNames(t *testing.T) {
	for _, r := range grid.Roles() {
		got, err := grid.ParseRole(r.String())
		require.NoError(t, err)
		assert.Equal(t, r, got)
	}
	for _, a := range grid.Actions() {
		got, err := grid.ParseAction(a.String())
		require.NoError(t, err)
		assert.Equal(t, a, got)
	}
	for d := grid.DeptPolice; d <= grid.DeptPartner; d++ {
		got, err := grid.ParseDepartment(d.String())
		require.NoError(t, err)
		assert.Equal(t, d, got)
	}
	_, err := grid.ParseRole("king")
	assert.Equal(t, "role", fourplusn.ErrorField(err))
	_, err = grid.ParseAction("")
	assert.Equal(t, "action", fourplusn.ErrorField(err))
	_, err = grid.ParseDepartment("army")
	assert.Equal(t, "department", fourplusn.ErrorField(err))
	assert.Equal(t, "role(0)", grid.Role(0).String())
}

func TestGuchengFixture(t *testing.T) {
	d := gridtest.Gucheng()
	communities := 0
	for _, c := range allCells(d.Tree) {
		if c.Path.Township() == gridtest.GuchengID && c.Level() == 3 {
			communities++
		}
	}
	assert.Equal(t, 8, communities)
	for _, id := range gridtest.PilotCommunities {
		assert.Equal(t, grid.Level(3), d.Tree.MustCell(id).Level())
	}
	roles := map[grid.Role]bool{}
	for _, m := range d.Members {
		require.NoError(t, m.Validate())
		for _, p := range m.Posts {
			if p.Cell.Township() == gridtest.GuchengID {
				roles[p.Role] = true
			}
		}
	}
	for _, r := range grid.Roles() {
		assert.True(t, roles[r], "Gucheng has a member with role %s", r)
	}
}

func ids(cells []grid.Cell) []grid.CellID {
	out := make([]grid.CellID, len(cells))
	for i, c := range cells {
		out[i] = c.ID
	}
	return out
}

func TestPathText(t *testing.T) {
	p := gridtest.Gucheng().Path("mayuan-1-zhang")
	for _, want := range []grid.Path{p, {}, grid.RootPath("t")} {
		b, err := json.Marshal(struct{ P grid.Path }{want})
		require.NoError(t, err)
		var got struct{ P grid.Path }
		require.NoError(t, json.Unmarshal(b, &got))
		assert.Equal(t, want, got.P)
	}
	var q grid.Path
	assert.ErrorIs(t, q.UnmarshalText([]byte("no-slash")), fourplusn.Invalid)
}
