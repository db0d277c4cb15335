package grid

// The Chinese titles of roles and departments, as pages and rosters show
// them. The stable names (Role.String, Department.String) are what is stored
// and sent; the titles are what people read and type.

// roleTitles is indexed by Role; its length makes the compiler count the
// roles, and TestTitles checks that none is left without a title.
var roleTitles = [numRoles]string{
	GridHead:        "网格长",
	GridWorker:      "网格员",
	CommunityPolice: "社区民警",
	AuxiliaryPolice: "辅警",
	JusticeOfficer:  "司法所工作人员",
	Mediator:        "人民调解员",
	DutyOfficer:     "值班员",
	Partner:         "N方成员",
	Admin:           "管理员",
}

// Title returns the role's Chinese title (网格长 for GridHead), or "" for a
// value that is no role.
func (r Role) Title() string {
	if !r.Valid() {
		return ""
	}
	return roleTitles[r]
}

// ParseRoleTitle reads a role from its title ("网格长") or its stable name
// ("grid_head"), so that a roster typed by people and one written by a
// program read alike. Returns an Invalid error naming the field "role".
func ParseRoleTitle(s string) (Role, error) {
	for r := GridHead; r < numRoles; r++ {
		if roleTitles[r] == s {
			return r, nil
		}
	}
	return ParseRole(s)
}

// departmentTitles is indexed by Department.
var departmentTitles = [DeptPartner + 1]string{
	DeptPolice:    "公安",
	DeptJustice:   "司法",
	DeptGrid:      "网格",
	DeptMediation: "民调",
	DeptPartner:   "N方",
}

// Departments lists every department, in order: the four of "4+N", then
// the partners.
func Departments() []Department {
	depts := make([]Department, 0, DeptPartner)
	for d := DeptPolice; d <= DeptPartner; d++ {
		depts = append(depts, d)
	}
	return depts
}

// Valid reports whether d is one of the departments.
func (d Department) Valid() bool { return d >= DeptPolice && d <= DeptPartner }

// Title returns the department's Chinese title (公安 for DeptPolice), or ""
// for a value that is no department.
func (d Department) Title() string {
	if !d.Valid() {
		return ""
	}
	return departmentTitles[d]
}

// ParseDepartmentTitle reads a department from its title ("民调") or its
// stable name ("mediation_committee"). Returns an Invalid error naming the
// field "department".
func ParseDepartmentTitle(s string) (Department, error) {
	for d := DeptPolice; d <= DeptPartner; d++ {
		if departmentTitles[d] == s {
			return d, nil
		}
	}
	return ParseDepartment(s)
}
