package grid

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fourplusn/fourplusn"
)

// Department is the body a member works for: the four of "4+N", or a named
// partner body (the N).
type Department uint8

// The departments. Do not reorder: stored values are these numbers' names.
const (
	DeptPolice    Department = iota + 1 // 公安: community and auxiliary police, duty officers
	DeptJustice                         // 司法: the justice office
	DeptGrid                            // 网格: grid heads and grid workers
	DeptMediation                       // 民调: the people's mediation committee
	DeptPartner                         // N: a named body (land office, residents' committee, …)
)

var departmentNames = [...]string{"", "police", "justice", "grid", "mediation_committee", "partner"}

// String returns the department's stable name, as stored and sent.
func (d Department) String() string {
	if int(d) < len(departmentNames) && d != 0 {
		return departmentNames[d]
	}
	return fmt.Sprintf("department(%d)", d)
}

// ParseDepartment reads a department's stable name.
func ParseDepartment(s string) (Department, error) {
	for d := DeptPolice; d <= DeptPartner; d++ {
		if departmentNames[d] == s {
			return d, nil
		}
	}
	return 0, fourplusn.FieldError("department", "unknown department %q", s)
}

// MarshalText writes the department's stable name, so that stored and
// transmitted members do not depend on the constants' order.
func (d Department) MarshalText() ([]byte, error) {
	if d < DeptPolice || d > DeptPartner {
		return nil, fourplusn.FieldError("department", "unknown department %d", d)
	}
	return []byte(departmentNames[d]), nil
}

// UnmarshalText reads a department's stable name.
func (d *Department) UnmarshalText(text []byte) error {
	v, err := ParseDepartment(string(text))
	*d = v
	return err
}

// Role is what a post does in its cell.
type Role uint8

// The roles. Do not reorder: Policy tables are indexed by them.
const (
	GridHead        Role = iota + 1 // 网格长: the head of a cell at any level
	GridWorker                      // 网格员
	CommunityPolice                 // 社区民警: one officer per village or grid
	AuxiliaryPolice                 // 辅警
	JusticeOfficer                  // 司法所: the justice office head and staff
	Mediator                        // 人民调解员 of the mediation committee
	DutyOfficer                     // 值班员: the 24-hour watch
	Partner                         // an N-partner taking part case by case
	Admin                           // 管理员: keeps a township's grid and staff, and decides no case
	numRoles
)

var roleNames = [...]string{"", "grid_head", "grid_worker", "community_police", "auxiliary_police", "justice_officer", "mediator", "duty_officer", "partner", "admin"}

// Roles lists every role, in order.
func Roles() []Role {
	roles := make([]Role, 0, numRoles-1)
	for r := GridHead; r < numRoles; r++ {
		roles = append(roles, r)
	}
	return roles
}

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { return r >= GridHead && r < numRoles }

// String returns the role's stable name, as stored and sent.
func (r Role) String() string {
	if r.Valid() {
		return roleNames[r]
	}
	return fmt.Sprintf("role(%d)", r)
}

// ParseRole reads a role's stable name.
func ParseRole(s string) (Role, error) {
	for r := GridHead; r < numRoles; r++ {
		if roleNames[r] == s {
			return r, nil
		}
	}
	return 0, fourplusn.FieldError("role", "unknown role %q", s)
}

// MarshalText writes the role's stable name.
func (r Role) MarshalText() ([]byte, error) {
	if !r.Valid() {
		return nil, fourplusn.FieldError("role", "unknown role %d", r)
	}
	return []byte(roleNames[r]), nil
}

// UnmarshalText reads a role's stable name.
func (r *Role) UnmarshalText(text []byte) error {
	v, err := ParseRole(string(text))
	*r = v
	return err
}

// Post is a role held in a cell. A member may hold several.
type Post struct {
	Role Role
	Cell Path
}

// MemberID identifies a member of a township's staff.
type MemberID string

// Member is a person who holds posts in the grid: a grid head, an officer, a
// mediator, a partner from one of the N bodies. A member belongs to one
// township and holds posts only there. A deactivated member (one who left)
// holds no posts and is no actor, but stays on record: timelines name them.
type Member struct {
	ID         MemberID
	Name       string
	Phone      string // a mainland mobile number
	Department Department
	Body       string // the named body of a partner (e.g. 土地所); empty for the four departments
	Township   CellID // the township the member serves
	Posts      []Post
	Inactive   bool // deactivated: holds no posts, signs in nowhere
}

// Validate checks a member's fields and reports every one at fault at
// once, naming each: ID, name and phone are required, the department must
// be known, a partner names its body, and an active member holds at least
// one post; each post has a valid role and a cell of the member's
// township. An inactive member holds none. It cleans the name and body as
// the text rule says (see fourplusn.Text) and puts the phone in normal
// form, in place, so that what is stored is the cleaned member.
func (m *Member) Validate() error {
	var v fourplusn.Validation
	if m.ID == "" {
		v.Fail("id", "a member ID is required")
	} else {
		v.Add(ValidateMemberID(m.ID))
	}
	if m.Township == "" {
		v.Fail("township", "a member belongs to a township")
	}
	m.Name = v.Keep(fourplusn.Text("name", m.Name, maxNameLen))
	switch {
	case m.Department < DeptPolice || m.Department > DeptPartner:
		v.Fail("department", "unknown department %d", m.Department)
	case m.Department == DeptPartner && strings.TrimSpace(m.Body) == "":
		v.Fail("body", "a partner must name the body it comes from")
	default:
		m.Body = v.Keep(fourplusn.OptionalText("body", m.Body, maxNameLen))
	}
	switch {
	case m.Inactive && len(m.Posts) > 0:
		v.Fail("posts", "an inactive member holds no posts")
	case !m.Inactive && len(m.Posts) == 0:
		v.Fail("posts", "a member holds at least one post")
	}
	phone, err := fourplusn.ParsePhone(m.Phone)
	if v.Add(fourplusn.WithField("phone", err)) {
		m.Phone = phone
	}
	for i, p := range m.Posts {
		field := fmt.Sprintf("posts[%d]", i)
		switch {
		case !p.Role.Valid():
			v.Fail(field+".role", "unknown role %d", p.Role)
		case p.Cell.IsZero():
			v.Fail(field+".cell", "a post needs a cell")
		case p.Cell.Township() != m.Township:
			v.Fail(field+".cell", "post in %q, outside the member's township %q", p.Cell, m.Township)
		case slices.Contains(m.Posts[:i], p):
			v.Fail(field, "the post %s in %s is listed twice", p.Role, p.Cell)
		}
	}
	return v.Err()
}

// Actor returns the member as the actor of a request. An inactive member
// holds no posts, so their actor may do nothing.
func (m Member) Actor() Actor {
	return Actor{Kind: Staff, ID: string(m.ID), Township: m.Township, Posts: m.Posts}
}

// maxMemberIDLen bounds a member ID, which is also their login.
const maxMemberIDLen = 64

// ValidateMemberID reports whether id may name a member: 1 to 64 ASCII
// letters, digits, '-', '_', '.' or '@'. A member's ID is their login, typed
// on a phone and written in a roster, so it has no spaces and no look-alike
// characters.
func ValidateMemberID(id MemberID) error {
	if id == "" {
		return fourplusn.FieldError("id", "a member ID is required")
	}
	if len(id) > maxMemberIDLen {
		return fourplusn.FieldError("id", "member ID %q is longer than %d characters", id, maxMemberIDLen)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '@') {
			return fourplusn.FieldError("id", "member ID %q may hold only letters, digits, '-', '_', '.' and '@'", id)
		}
	}
	return nil
}

// ActorKind tells apart the kinds of actor the policy knows.
type ActorKind uint8

// The kinds of actor. The zero value is Anonymous, so a forgotten actor is
// refused rather than trusted.
const (
	Anonymous ActorKind = iota // nobody identified
	Staff                      // a member acting through their posts
	Resident                   // a resident: sees and applies for their own cases only
	System                     // scheduled work of one township: deadlines, reminders
)

// Actor is whoever makes a request: a member with posts, a resident, or the
// system. Every service method takes one and asks the Policy about it.
type Actor struct {
	Kind     ActorKind
	ID       string
	Township CellID // the township the actor belongs to
	Posts    []Post // a member's posts; empty for other kinds
}

// ResidentActor returns the actor of resident id of township.
func ResidentActor(id string, township CellID) Actor {
	return Actor{Kind: Resident, ID: id, Township: township}
}

// SystemActor returns the actor of township's scheduled work. It is scoped to
// one township like everyone else.
func SystemActor(township CellID) Actor {
	return Actor{Kind: System, ID: "system:" + string(township), Township: township}
}
