// Package gridtest provides grids for tests, examples and demonstrations: the
// seed's Gucheng sub-district with a member for every role, and random trees
// of any size for property tests and benchmarks.
package gridtest

import (
	"context"
	"fmt"

	"github.com/fourplusn/fourplusn/grid"
)

// Demo is a demonstration deployment: the Gucheng township, a neighbouring
// township to show that the two never see each other, and their members.
type Demo struct {
	Tree    *grid.Tree
	Members []grid.Member
	byID    map[grid.MemberID]int
}

// Township IDs of the demo deployment.
const (
	GuchengID   grid.CellID = "gucheng"
	NeighbourID grid.CellID = "linzhen"
)

// PilotCommunities are the three communities where the mechanism was
// piloted before it was rolled out to all eight.
var PilotCommunities = []grid.CellID{"mayuan", "wuguiqiao", "dayuzhuang"}

// Member returns the member id; it panics if there is none, as a fixture
// lookup with a wrong ID is a bug in the test.
func (d *Demo) Member(id grid.MemberID) grid.Member {
	i, ok := d.byID[id]
	if !ok {
		panic(fmt.Sprintf("gridtest: no demo member %q", id))
	}
	return d.Members[i]
}

// Path returns the path of cell id; it panics if there is none.
func (d *Demo) Path(id grid.CellID) grid.Path { return d.Tree.MustCell(id).Path }

// community is one of Gucheng's eight communities with its villager groups.
type community struct {
	id     grid.CellID
	short  string // the place name, which groups and heads are named after
	kind   string // 村委 or 社区
	sector grid.CellID
	groups int
}

var communities = []community{
	{"mayuan", "马园", "村委", "gc-east", 3},
	{"wuguiqiao", "吴桂桥", "村委", "gc-east", 2},
	{"dayuzhuang", "大余庄", "村委", "gc-west", 2},
	{"honggoumiao", "洪沟庙", "村委", "gc-west", 3},
	{"guchengjie", "古城街", "社区", "gc-east", 2},
	{"nanguan", "南关", "社区", "gc-south", 2},
	{"xiaoyuzhuang", "小余庄", "村委", "gc-south", 2},
	{"zhaiwan", "翟湾", "村委", "gc-west", 2},
}

var groupNames = []string{"一组", "二组", "三组"}

// Gucheng returns the demo deployment, built anew on each call so tests may
// change it. Gucheng has three sectors and eight communities (the pilots 马园,
// 吴桂桥, 大余庄, then 洪沟庙 and four more), villager groups below them, and
// the household clusters of the seed's stories: the 章 and 李 families of
// 马园 one group (story 1), the 仝 and 赵 families of 洪沟庙 two group (story
// 2). 朗陵村委朱里庄 is deliberately absent: it moved to another county, and
// the seed's third story is about exactly that.
func Gucheng() *Demo {
	specs := []grid.Spec{
		{ID: GuchengID, Name: "古城办事处", Level: 1},
		{ID: "gc-east", Parent: GuchengID, Name: "东片区", Level: 2},
		{ID: "gc-west", Parent: GuchengID, Name: "西片区", Level: 2},
		{ID: "gc-south", Parent: GuchengID, Name: "南片区", Level: 2},
	}
	for _, c := range communities {
		specs = append(specs, grid.Spec{ID: c.id, Parent: c.sector, Name: c.short + c.kind, Level: 3})
		for g := range c.groups {
			specs = append(specs, grid.Spec{ID: groupID(c.id, g+1), Parent: c.id, Name: c.short + groupNames[g], Level: 4})
		}
	}
	specs = append(specs,
		grid.Spec{ID: "mayuan-1-zhang", Parent: "mayuan-1", Name: "章氏家族", Level: 5},
		grid.Spec{ID: "mayuan-1-li", Parent: "mayuan-1", Name: "李氏家族", Level: 5},
		grid.Spec{ID: "honggoumiao-2-tong", Parent: "honggoumiao-2", Name: "仝氏家族", Level: 5},
		grid.Spec{ID: "honggoumiao-2-zhao", Parent: "honggoumiao-2", Name: "赵氏家族", Level: 5},
		// The neighbouring township: small, and never visible from Gucheng.
		grid.Spec{ID: NeighbourID, Name: "邻镇办事处", Level: 1},
		grid.Spec{ID: "lz-north", Parent: NeighbourID, Name: "北片区", Level: 2},
		grid.Spec{ID: "lz-qiaotou", Parent: "lz-north", Name: "桥头村委", Level: 3},
		grid.Spec{ID: "lz-qiaotou-1", Parent: "lz-qiaotou", Name: "桥头一组", Level: 4},
	)
	tree, err := grid.Build(grid.DefaultTitles, specs)
	if err != nil {
		panic(err) // the fixture itself is wrong
	}
	d := &Demo{Tree: tree, byID: map[grid.MemberID]int{}}
	post := func(r grid.Role, cell grid.CellID) grid.Post {
		return grid.Post{Role: r, Cell: tree.MustCell(cell).Path}
	}
	phone := 0
	add := func(id grid.MemberID, name string, dept grid.Department, body string, posts ...grid.Post) {
		phone++
		m := grid.Member{ID: id, Name: name, Phone: fmt.Sprintf("1380000%04d", phone), Department: dept, Body: body, Township: posts[0].Cell.Township(), Posts: posts}
		if err := m.Validate(); err != nil {
			panic(fmt.Sprintf("gridtest: member %s: %v", id, err))
		}
		d.byID[id] = len(d.Members)
		d.Members = append(d.Members, m)
	}
	// Gucheng's leadership and the station's watch.
	add("gc-secretary", "郭某", grid.DeptGrid, "", post(grid.GridHead, GuchengID))
	add("gc-justice", "高敬", grid.DeptJustice, "", post(grid.JusticeOfficer, GuchengID))
	add("gc-mediator", "孙某", grid.DeptMediation, "", post(grid.Mediator, GuchengID))
	add("gc-duty-1", "周某", grid.DeptPolice, "", post(grid.DutyOfficer, GuchengID))
	add("gc-duty-2", "吴某", grid.DeptPolice, "", post(grid.DutyOfficer, GuchengID))
	add("gc-land", "郑某", grid.DeptPartner, "土地所", post(grid.Partner, GuchengID))
	add("gc-governance", "冯某", grid.DeptPartner, "综治中心", post(grid.Partner, GuchengID))
	add("gc-admin", "宋某", grid.DeptGrid, "", post(grid.Admin, GuchengID))
	add("gc-east-head", "陈某", grid.DeptGrid, "", post(grid.GridHead, "gc-east"))
	add("gc-west-head", "褚某", grid.DeptGrid, "", post(grid.GridHead, "gc-west"))
	add("gc-south-head", "卫某", grid.DeptGrid, "", post(grid.GridHead, "gc-south"))
	// Each community: its committee head, and one officer per village (一村一警).
	for _, c := range communities {
		add(grid.MemberID(c.id+"-head"), c.short+c.kind+"书记", grid.DeptGrid, "", post(grid.GridHead, c.id))
		add(grid.MemberID(c.id+"-police"), c.short+"民警", grid.DeptPolice, "", post(grid.CommunityPolice, c.id))
		for g := range c.groups {
			add(grid.MemberID(groupID(c.id, g+1)+"-head"), c.short+groupNames[g]+"组长", grid.DeptGrid, "", post(grid.GridHead, groupID(c.id, g+1)))
		}
	}
	// The people the seed names, and the other roles.
	add("mayuan-security", "胡得才", grid.DeptGrid, "", post(grid.GridWorker, "mayuan"))
	add("honggoumiao-security", "刘保柱", grid.DeptGrid, "", post(grid.GridHead, "honggoumiao-2"), post(grid.GridWorker, "honggoumiao"))
	add("mayuan-aux", "蒋某", grid.DeptPolice, "", post(grid.AuxiliaryPolice, "mayuan"))
	add("mayuan-residents", "沈某", grid.DeptPartner, "居委会", post(grid.Partner, "mayuan"))
	add("mayuan-1-zhang-elder", "章某某", grid.DeptGrid, "", post(grid.GridHead, "mayuan-1-zhang"))
	add("honggoumiao-2-tong-elder", "仝某某", grid.DeptGrid, "", post(grid.GridHead, "honggoumiao-2-tong"))
	// The neighbouring township's head and officer.
	add("lz-secretary", "韩某", grid.DeptGrid, "", post(grid.GridHead, NeighbourID))
	add("lz-qiaotou-police", "杨某", grid.DeptPolice, "", post(grid.CommunityPolice, "lz-qiaotou"))
	return d
}

func groupID(community grid.CellID, n int) grid.CellID {
	return grid.CellID(fmt.Sprintf("%s-%d", community, n))
}

// Found sets the demo deployment up in s, each township from its roster as
// a real one is (grid.Service.Found), and returns the service of the grid
// s then keeps.
func (d *Demo) Found(ctx context.Context, s grid.Store) (*grid.Service, error) {
	svc, err := grid.NewService(ctx, s, grid.DefaultPolicy(), d.Tree.Titles())
	if err != nil {
		return nil, err
	}
	for _, root := range d.Tree.Roots() {
		township, err := d.Tree.Township(root.ID)
		if err != nil {
			return nil, err
		}
		var members []grid.Member
		for _, m := range d.Members {
			if m.Township == root.ID {
				members = append(members, m)
			}
		}
		if err := svc.Found(ctx, township, members); err != nil {
			return nil, fmt.Errorf("gridtest: found %s: %w", root.ID, err)
		}
	}
	return svc, nil
}
