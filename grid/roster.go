package grid

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/fourplusn/fourplusn"
)

// Roster is one township's grid and staff as a whole, as its roster
// (花名册) lists them: what a township's office keeps in a spreadsheet, loads
// into the grid, and exports again.
type Roster struct {
	Cells   []Spec // the township's cells, the township among them
	Members []MemberSpec
}

// MemberSpec is a member as a roster lists them: posts name their cells by
// ID, and the township is the roster's.
type MemberSpec struct {
	ID         MemberID
	Name       string
	Phone      string // as given; Resolve keeps its normal form
	Department Department
	Body       string // the named body of a partner
	Posts      []PostSpec
}

// PostSpec is a post as a roster lists it: a role in a cell named by ID.
type PostSpec struct {
	Role Role
	Cell CellID
}

// Sheet names the list of a roster a problem is found in.
type Sheet uint8

// The lists of a roster.
const (
	CellSheet   Sheet = iota + 1 // Roster.Cells
	MemberSheet                  // Roster.Members
)

var sheetNames = [...]string{"", "cells", "members"}

// String returns the name of the list, as Roster's fields are named.
func (s Sheet) String() string {
	if s == CellSheet || s == MemberSheet {
		return sheetNames[s]
	}
	return fmt.Sprintf("sheet(%d)", s)
}

// Rule is a rule of a roster that a problem breaks.
type Rule uint8

// The rules. Do not reorder: adapters word each one in their own language
// and may keep tables indexed by them.
const (
	RuleRequired           Rule = iota + 1 // the field is empty (a zero level, department or role too)
	RuleBadID                              // a cell or member ID of a form ValidateCellID or ValidateMemberID rejects
	RuleTooLong                            // a name longer than Other characters
	RuleDuplicateID                        // an ID listed before, at index Other
	RuleBadLevel                           // a level outside 1–MaxLevel
	RuleNoTownship                         // no cell at level 1
	RuleTwoTownships                       // a second cell at level 1; Other is the index of the first
	RuleTownshipWithParent                 // a level-1 cell names a parent
	RuleNoParent                           // a cell below level 1 names no parent; Other is its level
	RuleOrphan                             // the parent is not in the roster
	RuleSkippedLevel                       // the level is not one below the parent's, which is Other
	RuleBadPhone                           // not a mainland mobile number (fourplusn.ParsePhone)
	RuleUnknownDepartment                  // a department that is none of the five
	RulePartnerWithoutBody                 // a partner who names no body
	RuleNoPosts                            // a member with no post
	RulePostOutsideRoster                  // a post in a cell the roster does not hold, such as another township's
	RuleDuplicatePost                      // the same role in the same cell, listed before at post index Other
	RuleUnknownRole                        // a role that is none of the roles
	RuleBadText                            // a name or body holding what the text rule refuses (fourplusn.Text): control or invisible format characters, bytes that are not UTF-8
	numRules
)

var ruleNames = [numRules]string{"", "required", "bad_id", "too_long", "duplicate_id", "bad_level",
	"no_township", "two_townships", "township_with_parent", "no_parent", "orphan", "skipped_level",
	"bad_phone", "unknown_department", "partner_without_body", "no_posts", "post_outside_roster",
	"duplicate_post", "unknown_role", "bad_text"}

// String returns the rule's stable name.
func (r Rule) String() string {
	if r >= RuleRequired && r < numRules {
		return ruleNames[r]
	}
	return fmt.Sprintf("rule(%d)", r)
}

// Problem is one thing wrong with a roster: where it is and which rule it
// breaks, structured so that an adapter can say it in its own words (a
// spreadsheet adapter names the row and column).
type Problem struct {
	Sheet Sheet
	Index int    // index in Cells or Members; -1 for the list as a whole
	Post  int    // index in the member's Posts for a post's problem, else -1
	Field string // "id", "name", "level", "parent", "phone", "department", "body", "role", "cell" or "posts"
	Rule  Rule
	Value string // the value at fault, as given
	Other string // the other party of the rule, as each Rule says; an index is in decimal
}

// Resolve checks r as a whole and returns the township's tree, built with
// titles, and its members, with their Township set, their phones in normal
// form and their posts as paths. Otherwise it returns every problem found,
// never only the first, ordered by list, index and post, and nil for the
// tree and the members: nothing is half-resolved.
//
// The roster holds exactly one township (the level-1 cell), every other
// cell lies below it one level at a time, and members hold posts only in
// its cells. A roster that passes is one that Build and Member.Validate
// accept.
func (r Roster) Resolve(titles Titles) (*Tree, []Member, []Problem) {
	var c check
	township, index := c.cells(r.Cells)
	c.members(r.Members, index)
	if len(c.problems) > 0 {
		slices.SortStableFunc(c.problems, func(a, b Problem) int {
			return cmp.Or(cmp.Compare(a.Sheet, b.Sheet), cmp.Compare(a.Index, b.Index), cmp.Compare(a.Post, b.Post))
		})
		return nil, nil, c.problems
	}
	// The check above states every rule of Build and Member.Validate for
	// each row, so that none stops at the first row; an error from them
	// here means the two disagree, a bug in this package.
	tree, err := Build(titles, r.Cells)
	if err != nil {
		panic(fmt.Sprintf("grid: Build rejects a roster that passed its check: %v", err))
	}
	members := make([]Member, len(r.Members))
	for i, m := range r.Members {
		phone, _ := fourplusn.ParsePhone(m.Phone)
		posts := make([]Post, len(m.Posts))
		for j, p := range m.Posts {
			posts[j] = Post{Role: p.Role, Cell: tree.MustCell(p.Cell).Path}
		}
		members[i] = Member{ID: m.ID, Name: m.Name, Phone: phone, Department: m.Department, Body: m.Body,
			Township: r.Cells[township].ID, Posts: posts}
		if err := members[i].Validate(); err != nil {
			panic(fmt.Sprintf("grid: Member.Validate rejects a member that passed the roster check: %v", err))
		}
	}
	return tree, members, nil
}

// check gathers the problems of a roster.
type check struct {
	problems []Problem
}

func (c *check) add(sheet Sheet, index, post int, field string, rule Rule, value, other string) {
	c.problems = append(c.problems, Problem{Sheet: sheet, Index: index, Post: post, Field: field, Rule: rule, Value: value, Other: other})
}

// id checks an ID, which its validator found malformed if invalid is not
// nil, against the IDs before it, which index maps to their first index; it
// records the ID's first index there.
func (c *check) id(sheet Sheet, i int, id string, invalid error, index map[string]int) {
	switch first, dup := index[id]; {
	case id == "":
		c.add(sheet, i, -1, "id", RuleRequired, "", "")
		return
	case dup:
		c.add(sheet, i, -1, "id", RuleDuplicateID, id, strconv.Itoa(first))
		return
	}
	// A malformed ID is still indexed, so that the rows naming it find it
	// and only its own row is at fault.
	index[id] = i
	if invalid != nil {
		c.add(sheet, i, -1, "id", RuleBadID, id, "")
	}
}

// text checks a name or body of at most maxNameLen characters as the text
// rule says (fourplusn.Text), as Build and Member.Validate do; one left
// empty breaks missing, or no rule for an optional field (0).
func (c *check) text(sheet Sheet, i int, field, s string, missing Rule) {
	clean, err := fourplusn.OptionalText(field, s, math.MaxInt)
	switch {
	case err != nil:
		c.add(sheet, i, -1, field, RuleBadText, s, "")
	case clean == "" && missing != 0:
		c.add(sheet, i, -1, field, missing, "", "")
	case utf8.RuneCountInString(clean) > maxNameLen:
		c.add(sheet, i, -1, field, RuleTooLong, s, strconv.Itoa(maxNameLen))
	}
}

// cells checks the cells and returns the index of the township and the
// index of each cell ID's first row.
func (c *check) cells(cells []Spec) (township int, index map[string]int) {
	index = make(map[string]int, len(cells))
	township = -1
	for i, s := range cells {
		c.id(CellSheet, i, string(s.ID), ValidateCellID(s.ID), index)
		c.text(CellSheet, i, "name", s.Name, RuleRequired)
		level := strconv.Itoa(int(s.Level))
		switch {
		case s.Level == 0:
			c.add(CellSheet, i, -1, "level", RuleRequired, "", "")
		case !s.Level.Valid():
			c.add(CellSheet, i, -1, "level", RuleBadLevel, level, "")
		case s.Level == 1 && township >= 0:
			c.add(CellSheet, i, -1, "level", RuleTwoTownships, level, strconv.Itoa(township))
		case s.Level == 1:
			township = i
		}
	}
	if township < 0 {
		c.add(CellSheet, -1, -1, "level", RuleNoTownship, "", "")
	}
	for i, s := range cells {
		parent, hasParent := index[string(s.Parent)]
		switch {
		case s.Level == 1 && s.Parent != "":
			c.add(CellSheet, i, -1, "parent", RuleTownshipWithParent, string(s.Parent), "")
		case s.Level > 1 && s.Parent == "":
			c.add(CellSheet, i, -1, "parent", RuleNoParent, "", strconv.Itoa(int(s.Level)))
		case s.Parent == "":
		case !hasParent:
			c.add(CellSheet, i, -1, "parent", RuleOrphan, string(s.Parent), "")
		case s.Level.Valid() && cells[parent].Level.Valid() && s.Level != cells[parent].Level+1:
			// Levels grow by one along every link, so no cell can be its
			// own ancestor: a cycle breaks this rule somewhere.
			c.add(CellSheet, i, -1, "level", RuleSkippedLevel, strconv.Itoa(int(s.Level)), strconv.Itoa(int(cells[parent].Level)))
		}
	}
	return township, index
}

// members checks the members, whose posts must lie in the cells of cells,
// which maps cell IDs to their index.
func (c *check) members(members []MemberSpec, cells map[string]int) {
	index := make(map[string]int, len(members))
	for i, m := range members {
		c.id(MemberSheet, i, string(m.ID), ValidateMemberID(m.ID), index)
		c.text(MemberSheet, i, "name", m.Name, RuleRequired)
		if m.Phone == "" {
			c.add(MemberSheet, i, -1, "phone", RuleRequired, "", "")
		} else if _, err := fourplusn.ParsePhone(m.Phone); err != nil {
			c.add(MemberSheet, i, -1, "phone", RuleBadPhone, m.Phone, "")
		}
		switch {
		case m.Department == 0:
			c.add(MemberSheet, i, -1, "department", RuleRequired, "", "")
		case !m.Department.Valid():
			c.add(MemberSheet, i, -1, "department", RuleUnknownDepartment, strconv.Itoa(int(m.Department)), "")
		case m.Department == DeptPartner:
			c.text(MemberSheet, i, "body", m.Body, RulePartnerWithoutBody)
		default:
			c.text(MemberSheet, i, "body", m.Body, 0)
		}
		if len(m.Posts) == 0 {
			c.add(MemberSheet, i, -1, "posts", RuleNoPosts, "", "")
		}
		for j, p := range m.Posts {
			switch {
			case p.Role == 0:
				c.add(MemberSheet, i, j, "role", RuleRequired, "", "")
			case !p.Role.Valid():
				c.add(MemberSheet, i, j, "role", RuleUnknownRole, strconv.Itoa(int(p.Role)), "")
			}
			if _, ok := cells[string(p.Cell)]; p.Cell == "" {
				c.add(MemberSheet, i, j, "cell", RuleRequired, "", "")
			} else if !ok {
				c.add(MemberSheet, i, j, "cell", RulePostOutsideRoster, string(p.Cell), "")
			}
			if first := slices.Index(m.Posts[:j], p); first >= 0 {
				c.add(MemberSheet, i, j, "role", RuleDuplicatePost, p.Role.String(), strconv.Itoa(first))
			}
		}
	}
}

// RosterOf returns the roster of township as t and members hold it: what
// Resolve takes to build them again. Retired cells and inactive members are
// left out, and so are members of other townships; cells come in
// depth-first order, township first (as Tree.Descendants gives them), and
// members by ID. Returns NotFound for an unknown township, Invalid for a
// cell that is no township, and Conflict for a retired township or an
// active member's post in a cell the roster leaves out.
func RosterOf(t *Tree, township CellID, members []Member) (Roster, error) {
	root, err := t.Cell(township)
	switch {
	case err != nil:
		return Roster{}, err
	case root.Level() != 1:
		return Roster{}, fourplusn.FieldError("township", "cell %q is at level %d, not a township", township, root.Level())
	case root.Retired:
		return Roster{}, fourplusn.Errorf(fourplusn.Conflict, "township %q is retired", township)
	}
	below, _ := t.Descendants(township)
	r := Roster{Cells: []Spec{root.Spec()}}
	listed := map[CellID]bool{township: true}
	for _, c := range below {
		if !c.Retired {
			r.Cells = append(r.Cells, c.Spec())
			listed[c.ID] = true
		}
	}
	for _, m := range members {
		if m.Township != township || m.Inactive {
			continue
		}
		posts := make([]PostSpec, len(m.Posts))
		for j, p := range m.Posts {
			if !listed[p.Cell.Cell()] {
				return Roster{}, fourplusn.Errorf(fourplusn.Conflict, "member %q holds a post in %q, which is retired or not in township %q", m.ID, p.Cell, township)
			}
			posts[j] = PostSpec{Role: p.Role, Cell: p.Cell.Cell()}
		}
		r.Members = append(r.Members, MemberSpec{ID: m.ID, Name: m.Name, Phone: m.Phone, Department: m.Department, Body: m.Body, Posts: posts})
	}
	slices.SortFunc(r.Members, func(a, b MemberSpec) int { return cmp.Compare(a.ID, b.ID) })
	return r, nil
}
