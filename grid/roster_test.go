package grid_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
)

// townshipOf returns the cells of township in t, township first.
func townshipOf(t *grid.Tree, township grid.CellID) []grid.Cell {
	below, _ := t.Descendants(township)
	return append([]grid.Cell{t.MustCell(township)}, below...)
}

// membersOf returns the members of township, by ID.
func membersOf(members []grid.Member, township grid.CellID) []grid.Member {
	var out []grid.Member
	for _, m := range members {
		if m.Township == township {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b grid.Member) int { return strings.Compare(string(a.ID), string(b.ID)) })
	return out
}

func TestRosterOfResolvesToTheSameTownship(t *testing.T) {
	d := gridtest.Gucheng()
	r, err := grid.RosterOf(d.Tree, gridtest.GuchengID, d.Members)
	require.NoError(t, err)
	require.Len(t, r.Cells, len(townshipOf(d.Tree, gridtest.GuchengID)))
	assert.Equal(t, grid.Spec{ID: gridtest.GuchengID, Name: "古城办事处", Level: 1}, r.Cells[0])

	tree, members, problems := r.Resolve(grid.DefaultTitles)
	require.Empty(t, problems)
	assert.Equal(t, townshipOf(d.Tree, gridtest.GuchengID), tree.Cells(), "the same cells, paths and order")
	assert.Equal(t, grid.DefaultTitles, tree.Titles())
	assert.Equal(t, membersOf(d.Members, gridtest.GuchengID), members, "the same members, by ID")

	again, err := grid.RosterOf(tree, gridtest.GuchengID, members)
	require.NoError(t, err)
	assert.Equal(t, r, again)

	// The neighbour is a township of its own; its members are not Gucheng's.
	lz, err := grid.RosterOf(d.Tree, gridtest.NeighbourID, d.Members)
	require.NoError(t, err)
	assert.Len(t, lz.Cells, 4)
	assert.Equal(t, []grid.MemberID{"lz-qiaotou-police", "lz-secretary"}, []grid.MemberID{lz.Members[0].ID, lz.Members[1].ID})
	_, _, problems = lz.Resolve(grid.DefaultTitles)
	assert.Empty(t, problems)
}

func TestRosterOfLeavesOutWhatIsGone(t *testing.T) {
	d := gridtest.Gucheng()
	require.NoError(t, d.Tree.Retire("mayuan-1-li"))
	members := slices.Clone(d.Members)
	for i, m := range members {
		if m.ID == "mayuan-aux" {
			members[i].Inactive, members[i].Posts = true, nil
		}
	}
	r, err := grid.RosterOf(d.Tree, gridtest.GuchengID, members)
	require.NoError(t, err)
	for _, c := range r.Cells {
		assert.NotEqual(t, grid.CellID("mayuan-1-li"), c.ID, "a retired cell is left out")
	}
	for _, m := range r.Members {
		assert.NotEqual(t, grid.MemberID("mayuan-aux"), m.ID, "an inactive member is left out")
	}
	assert.Len(t, r.Cells, len(townshipOf(d.Tree, gridtest.GuchengID))-1)
	assert.Len(t, r.Members, len(membersOf(d.Members, gridtest.GuchengID))-1)

	// The elder of the 章 family holds a post in the cell; once it is
	// retired, the roster cannot be written without losing the post.
	require.NoError(t, d.Tree.Retire("mayuan-1-zhang"))
	_, err = grid.RosterOf(d.Tree, gridtest.GuchengID, members)
	assert.ErrorIs(t, err, fourplusn.Conflict)
	assert.Contains(t, err.Error(), "mayuan-1-zhang-elder")

	_, err = grid.RosterOf(d.Tree, "mayuan", members)
	assert.ErrorIs(t, err, fourplusn.Invalid)
	_, err = grid.RosterOf(d.Tree, "zhulizhuang", members)
	assert.ErrorIs(t, err, fourplusn.NotFound)
}

// goodRoster is a small township with a cell at every level and a member
// of a department of each kind.
func goodRoster() grid.Roster {
	return grid.Roster{
		Cells: []grid.Spec{
			{ID: "t", Name: "镇", Level: 1},
			{ID: "s", Parent: "t", Name: "片区", Level: 2},
			{ID: "c", Parent: "s", Name: "村", Level: 3},
			{ID: "g", Parent: "c", Name: "组", Level: 4},
			{ID: "h", Parent: "g", Name: "户", Level: 5},
		},
		Members: []grid.MemberSpec{
			{ID: "head", Name: "郭某", Phone: "13800000001", Department: grid.DeptGrid,
				Posts: []grid.PostSpec{{Role: grid.GridHead, Cell: "t"}}},
			{ID: "land", Name: "郑某", Phone: "+86 138-0000-0002", Department: grid.DeptPartner, Body: "土地所",
				Posts: []grid.PostSpec{{Role: grid.Partner, Cell: "t"}, {Role: grid.Partner, Cell: "c"}}},
		},
	}
}

func cellProblem(i int, field string, rule grid.Rule, value, other string) grid.Problem {
	return grid.Problem{Sheet: grid.CellSheet, Index: i, Post: -1, Field: field, Rule: rule, Value: value, Other: other}
}

func memberProblem(i, post int, field string, rule grid.Rule, value, other string) grid.Problem {
	return grid.Problem{Sheet: grid.MemberSheet, Index: i, Post: post, Field: field, Rule: rule, Value: value, Other: other}
}

func TestResolveFindsEveryProblem(t *testing.T) {
	long := strings.Repeat("长", 101)
	tests := []struct {
		name string
		edit func(r *grid.Roster)
		want []grid.Problem
	}{
		{
			name: "each field of a cell wrong at once",
			edit: func(r *grid.Roster) {
				r.Cells = append(r.Cells,
					grid.Spec{ID: "a/b", Parent: "s", Name: long, Level: 7},
					grid.Spec{Parent: "s", Level: 3},
				)
			},
			want: []grid.Problem{
				cellProblem(5, "id", grid.RuleBadID, "a/b", ""),
				cellProblem(5, "name", grid.RuleTooLong, long, "100"),
				cellProblem(5, "level", grid.RuleBadLevel, "7", ""),
				cellProblem(6, "id", grid.RuleRequired, "", ""),
				cellProblem(6, "name", grid.RuleRequired, "", ""),
			},
		},
		{
			name: "links: duplicate, orphan, skipped level, township with a parent, no parent",
			edit: func(r *grid.Roster) {
				r.Cells = append(r.Cells,
					grid.Spec{ID: "c", Parent: "s", Name: "又一村", Level: 3},
					grid.Spec{ID: "x", Parent: "nowhere", Name: "孤", Level: 3},
					grid.Spec{ID: "y", Parent: "s", Name: "跳", Level: 4},
					grid.Spec{ID: "z", Parent: "h", Name: "六", Level: 5},
					grid.Spec{ID: "w", Name: "无上级", Level: 3},
					grid.Spec{ID: "self", Parent: "self", Name: "自", Level: 2},
				)
				r.Cells[0].Parent = "s"
			},
			want: []grid.Problem{
				cellProblem(0, "parent", grid.RuleTownshipWithParent, "s", ""),
				cellProblem(5, "id", grid.RuleDuplicateID, "c", "2"),
				cellProblem(6, "parent", grid.RuleOrphan, "nowhere", ""),
				cellProblem(7, "level", grid.RuleSkippedLevel, "4", "2"),
				cellProblem(8, "level", grid.RuleSkippedLevel, "5", "5"),
				cellProblem(9, "parent", grid.RuleNoParent, "", "3"),
				cellProblem(10, "level", grid.RuleSkippedLevel, "2", "2"),
			},
		},
		{
			name: "two townships",
			edit: func(r *grid.Roster) {
				r.Cells = append(r.Cells, grid.Spec{ID: "t2", Name: "另一镇", Level: 1}, grid.Spec{ID: "t3", Name: "第三镇", Level: 1})
			},
			want: []grid.Problem{
				cellProblem(5, "level", grid.RuleTwoTownships, "1", "0"),
				cellProblem(6, "level", grid.RuleTwoTownships, "1", "0"),
			},
		},
		{
			name: "no township",
			edit: func(r *grid.Roster) { r.Cells = r.Cells[1:] },
			want: []grid.Problem{
				cellProblem(-1, "level", grid.RuleNoTownship, "", ""),
				cellProblem(0, "parent", grid.RuleOrphan, "t", ""),
				memberProblem(0, 0, "cell", grid.RulePostOutsideRoster, "t", ""),
				memberProblem(1, 0, "cell", grid.RulePostOutsideRoster, "t", ""),
			},
		},
		{
			name: "a fault is reported on its own row only",
			edit: func(r *grid.Roster) {
				r.Cells[2].ID = "c c" // its children still find it
				r.Cells[3].Parent = "c c"
				r.Cells[1].Level = 9 // its child's level is not compared with it
				r.Members[1].Posts[1].Cell = "c c"
			},
			want: []grid.Problem{
				cellProblem(1, "level", grid.RuleBadLevel, "9", ""),
				cellProblem(2, "id", grid.RuleBadID, "c c", ""),
			},
		},
		{
			name: "each field of a member wrong at once",
			edit: func(r *grid.Roster) {
				r.Members = append(r.Members,
					grid.MemberSpec{ID: "高敬", Name: long, Phone: "1380000", Department: 9},
					grid.MemberSpec{Department: grid.DeptPartner, Posts: []grid.PostSpec{{}, {Role: 99, Cell: "c"}}},
				)
			},
			want: []grid.Problem{
				memberProblem(2, -1, "id", grid.RuleBadID, "高敬", ""),
				memberProblem(2, -1, "name", grid.RuleTooLong, long, "100"),
				memberProblem(2, -1, "phone", grid.RuleBadPhone, "1380000", ""),
				memberProblem(2, -1, "department", grid.RuleUnknownDepartment, "9", ""),
				memberProblem(2, -1, "posts", grid.RuleNoPosts, "", ""),
				memberProblem(3, -1, "id", grid.RuleRequired, "", ""),
				memberProblem(3, -1, "name", grid.RuleRequired, "", ""),
				memberProblem(3, -1, "phone", grid.RuleRequired, "", ""),
				memberProblem(3, -1, "body", grid.RulePartnerWithoutBody, "", ""),
				memberProblem(3, 0, "role", grid.RuleRequired, "", ""),
				memberProblem(3, 0, "cell", grid.RuleRequired, "", ""),
				memberProblem(3, 1, "role", grid.RuleUnknownRole, "99", ""),
			},
		},
		{
			name: "posts: another township, twice, and a duplicate member",
			edit: func(r *grid.Roster) {
				r.Members[0].Posts = append(r.Members[0].Posts,
					grid.PostSpec{Role: grid.GridHead, Cell: "lz-qiaotou"},
					grid.PostSpec{Role: grid.GridHead, Cell: "t"},
				)
				r.Members[1].Department = 0
				r.Members = append(r.Members, r.Members[0])
			},
			want: []grid.Problem{
				memberProblem(0, 1, "cell", grid.RulePostOutsideRoster, "lz-qiaotou", ""),
				memberProblem(0, 2, "role", grid.RuleDuplicatePost, "grid_head", "0"),
				memberProblem(1, -1, "department", grid.RuleRequired, "", ""),
				memberProblem(2, -1, "id", grid.RuleDuplicateID, "head", "0"),
				memberProblem(2, 1, "cell", grid.RulePostOutsideRoster, "lz-qiaotou", ""),
				memberProblem(2, 2, "role", grid.RuleDuplicatePost, "grid_head", "0"),
			},
		},
		{
			name: "names and bodies the text rule refuses",
			edit: func(r *grid.Roster) {
				r.Cells[2].Name = "   "
				r.Cells[3].Name = "马园\u202e"
				r.Members[0].Name = "　"
				r.Members[1].Body = "土地所\a"
			},
			want: []grid.Problem{
				cellProblem(2, "name", grid.RuleRequired, "", ""),
				cellProblem(3, "name", grid.RuleBadText, "马园\u202e", ""),
				memberProblem(0, -1, "name", grid.RuleRequired, "", ""),
				memberProblem(1, -1, "body", grid.RuleBadText, "土地所\x07", ""),
			},
		},
		{
			name: "an empty roster",
			edit: func(r *grid.Roster) { *r = grid.Roster{} },
			want: []grid.Problem{cellProblem(-1, "level", grid.RuleNoTownship, "", "")},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := goodRoster()
			tc.edit(&r)
			tree, members, problems := r.Resolve(grid.DefaultTitles)
			assert.Equal(t, tc.want, problems)
			assert.Nil(t, tree, "nothing is half-resolved")
			assert.Nil(t, members)
		})
	}

	spaced := goodRoster()
	spaced.Cells[2].Name = "\u3000" + spaced.Cells[2].Name + " "
	spaced.Members[1].Name, spaced.Members[1].Body = " 郑某", "土地所\u00a0"
	tree, members, problems := spaced.Resolve(grid.DefaultTitles)
	require.Empty(t, problems)
	assert.Equal(t, goodRoster().Cells[2].Name, tree.MustCell(spaced.Cells[2].ID).Name, "names are stored cleaned")
	assert.Equal(t, 5, tree.Len())
	require.Len(t, members, 2)
	assert.Equal(t, grid.Member{ID: "land", Name: "郑某", Phone: "13800000002", Department: grid.DeptPartner, Body: "土地所",
		Township: "t", Posts: []grid.Post{{Role: grid.Partner, Cell: tree.MustCell("t").Path}, {Role: grid.Partner, Cell: tree.MustCell("c").Path}}},
		members[1], "the phone in normal form, posts as paths, the township set")
}

func TestRuleNames(t *testing.T) {
	seen := map[string]bool{}
	for r := grid.RuleRequired; r <= grid.RuleBadText; r++ {
		name := r.String()
		assert.NotContains(t, name, "rule(", "rule %d has a name", r)
		assert.False(t, seen[name], "rule name %s is used twice", name)
		seen[name] = true
	}
	assert.Equal(t, "rule(0)", grid.Rule(0).String())
	assert.Equal(t, "cells", grid.CellSheet.String())
	assert.Equal(t, "members", grid.MemberSheet.String())
	assert.Equal(t, "sheet(0)", grid.Sheet(0).String())
}
