package mediation

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn/grid"
)

// ID identifies a case. IDs sort in the order cases were registered.
type ID string

// Category is the kind of dispute. The set is the township's (see Rules);
// these are the defaults.
type Category string

// The default categories.
const (
	Neighbour    Category = "neighbour" // 邻里纠纷
	Homestead    Category = "homestead" // 宅基地·土地
	Family       Category = "family"    // 婚姻家庭
	Injury       Category = "injury"    // 人身损害赔偿
	Debt         Category = "debt"      // 债务
	Labour       Category = "labour"    // 劳动
	Tenancy      Category = "tenancy"   // 房屋租赁·物业
	OtherDispute Category = "other"     // 其他
)

// categoryTitles name the default categories in Chinese.
var categoryTitles = map[Category]string{
	Neighbour: "邻里纠纷", Homestead: "宅基地纠纷", Family: "婚姻家庭纠纷",
	Injury: "人身损害赔偿纠纷", Debt: "债务纠纷", Labour: "劳动纠纷",
	Tenancy: "租赁物业纠纷", OtherDispute: "其他纠纷",
}

// Title returns the category's name in Chinese: a default category's, or
// a township's own as it is stored, which is its name.
func (c Category) Title() string {
	if n, ok := categoryTitles[c]; ok {
		return n
	}
	return string(c)
}

// RiskFlags are the risks that raise a case's grade at once. They combine.
type RiskFlags uint8

// The risks the seed names.
const (
	PetitionThreat  RiskFlags = 1 << iota // 扬言上访: threatens to petition
	LikelyFight                           // 可能引发打架斗殴
	CivilToCriminal                       // 民转刑: may turn criminal
	GroupDispute                          // 群体性
	allRisks        = PetitionThreat | LikelyFight | CivilToCriminal | GroupDispute
)

var riskNames = []struct {
	flag RiskFlags
	name string
}{{PetitionThreat, "petition_threat"}, {LikelyFight, "likely_fight"}, {CivilToCriminal, "civil_to_criminal"}, {GroupDispute, "group_dispute"}}

// Has reports whether every flag of f is set in r.
func (r RiskFlags) Has(f RiskFlags) bool { return r&f == f }

// String lists the set flags by name, separated by commas.
func (r RiskFlags) String() string {
	var names []string
	for _, n := range riskNames {
		if r.Has(n.flag) {
			names = append(names, n.name)
		}
	}
	return strings.Join(names, ",")
}

// ParseRiskFlags reads flags written by RiskFlags.String.
func ParseRiskFlags(s string) (RiskFlags, error) {
	var r RiskFlags
	if s == "" {
		return 0, nil
	}
	for part := range strings.SplitSeq(s, ",") {
		found := false
		for _, n := range riskNames {
			if n.name == part {
				r |= n.flag
				found = true
			}
		}
		if !found {
			return 0, invalid("risks", "unknown risk %q", part)
		}
	}
	return r, nil
}

// State is where a case stands in its lifecycle.
type State uint8

// The states of a case. Do not reorder: stored values are these names.
const (
	Registered     State = iota + 1 // registered, waiting to be accepted (or reviewed, if applied online)
	Accepted                        // accepted for mediation (受理)
	Mediating                       // at least one session held
	Agreed                          // an agreement was reached; follow-up visits come next
	Failed                          // mediation failed; the parties were pointed onward
	Withdrawn                       // the applicant withdrew
	Rejected                        // not taken, with the reason and referral advice
	TransferredOut                  // handed to a body outside the grid
	Closed                          // finished
	numStates
)

var stateNames = [...]string{"", "registered", "accepted", "mediating", "agreed", "failed", "withdrawn", "rejected", "transferred_out", "closed"}

// String returns the state's stable name.
func (s State) String() string {
	if s.Valid() {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", s)
}

// Valid reports whether s is a state.
func (s State) Valid() bool { return s >= Registered && s < numStates }

var stateTitles = [...]string{"", "待受理", "已受理", "调解中", "已达成协议", "调解未成", "已撤回", "不予受理", "已移交", "已结案"}

// Title returns the state's name in Chinese, as pages, notices and
// registers show it; its stable name if s is no state.
func (s State) Title() string {
	if s.Valid() {
		return stateTitles[s]
	}
	return s.String()
}

// ParseState reads a state's stable name.
func ParseState(s string) (State, error) {
	for st := Registered; st < numStates; st++ {
		if stateNames[st] == s {
			return st, nil
		}
	}
	return 0, invalid("state", "unknown state %q", s)
}

// States lists every state, in lifecycle order.
func States() []State {
	states := make([]State, 0, numStates-1)
	for s := Registered; s < numStates; s++ {
		states = append(states, s)
	}
	return states
}

// Open reports whether a case in state s is still being worked on: neither
// ended (rejected, closed) nor waiting only for closing.
func (s State) Open() bool { return s == Registered || s == Accepted || s == Mediating }

// Claim is something an applicant asks for, with an amount where money is
// claimed.
type Claim struct {
	Description string
	Amount      int64 // in fen (0.01 yuan); 0 when no money is claimed
}

// Participant is a member of a case's 4+N team: one of the four departments,
// or an N-partner — a named body, or a person such as a respected relative.
type Participant struct {
	Department string // a grid.Department name: police, justice, grid, mediation_committee, partner
	Body       string // the N body or relation (e.g. 土地所, 有威望的亲戚); required for partners
	MemberID   string // the member's ID, when the participant is staff
	Name       string
	Role       string // e.g. 司法所长, 村治安主任
}

// Place is where a mediation session was held: the seed's sessions were held
// in fields, homes and village committees as much as at the station.
type Place uint8

// The places of a session.
const (
	PlaceField            Place = iota + 1 // 田间地头
	PlaceHome                              // a party's home
	PlaceVillageCommittee                  // 村委会
	PlaceStation                           // the police station or justice office
	PlaceOnline                            // online
	numPlaces
)

var placeNames = [...]string{"", "field", "home", "village_committee", "station", "online"}

// String returns the place's stable name.
func (p Place) String() string {
	if p >= PlaceField && p < numPlaces {
		return placeNames[p]
	}
	return fmt.Sprintf("place(%d)", p)
}

var placeTitles = [...]string{"", "田间地头", "当事人家中", "村委会", "派出所·司法所", "线上"}

// Title returns the place's name in Chinese, as pages and invitations
// show it; its stable name if p is no place.
func (p Place) Title() string {
	if p >= PlaceField && p < numPlaces {
		return placeTitles[p]
	}
	return p.String()
}

// ParsePlace reads a place's stable name.
func ParsePlace(s string) (Place, error) {
	for p := PlaceField; p < numPlaces; p++ {
		if placeNames[p] == s {
			return p, nil
		}
	}
	return 0, invalid("place", "unknown place %q", s)
}

// Outcome is how a session ended.
type Outcome uint8

// The outcomes of a session.
const (
	Progress   Outcome = iota + 1 // the parties moved closer
	NoProgress                    // nothing moved; enough of these escalate the case
	Settled                       // the parties agreed; an agreement follows
)

// Session is one mediation meeting, offline or online, recorded on the
// platform (线上线下融合).
type Session struct {
	At        time.Time
	Place     Place
	PlaceNote string   // e.g. 洪沟庙村委会议室
	Attendees []string // names of those present
	Notes     string
	Outcome   Outcome
	By        string // the actor who recorded it
	Planned   string // the UID of the planned session it was, if any
}

// Route is where the parties are pointed when mediation fails.
type Route string

// The routes onward from a failed mediation.
const (
	RouteLitigation     Route = "litigation"
	RouteArbitration    Route = "arbitration"
	RoutePolice         Route = "police"
	RouteAdministration Route = "administration"
)

// Failure records why mediation failed and where the parties were pointed.
type Failure struct {
	Reason string
	Route  Route
}

// Rejection records why a case was not taken (e.g. already before a court,
// not mediable, a party refuses mediation) and where the applicant was
// referred instead.
type Rejection struct {
	Reason string
	Advice string
}

// Escalation is a case submitted upward for review (呈报审核), waiting for
// the upper head to take it over or return it.
type Escalation struct {
	From   grid.Path // the cell submitting
	To     grid.Path // the cell asked to take over
	Reason string
	By     string // the actor who submitted, or the system
	At     time.Time
}

// OutsideBody is a body outside the grid a case is transferred to: a court,
// another county's office, an administrative department.
type OutsideBody struct {
	Name    string
	Contact string
	Reason  string
}

// Extension lengthens the time to resolve a case, which needs both parties'
// consent.
type Extension struct {
	Days    int
	Reason  string
	Consent bool // both parties agreed to the extension
	At      time.Time
}

// Satisfaction is how satisfied a party said they were with the outcome
// at a follow-up visit (回访). Its values are stable names, stored as they
// are.
type Satisfaction string

// The degrees of satisfaction a follow-up visit records.
const (
	Satisfied       Satisfaction = "satisfied"        // 满意
	FairlySatisfied Satisfaction = "fairly_satisfied" // 基本满意
	Unsatisfied     Satisfaction = "unsatisfied"      // 不满意
)

// Satisfactions lists the degrees of satisfaction, most satisfied first,
// as forms offer them.
func Satisfactions() []Satisfaction { return []Satisfaction{Satisfied, FairlySatisfied, Unsatisfied} }

// Valid reports whether s is a degree of satisfaction.
func (s Satisfaction) Valid() bool { return s == Satisfied || s == FairlySatisfied || s == Unsatisfied }

// Content reports whether s counts towards the satisfaction rate: 满意 or
// 基本满意.
func (s Satisfaction) Content() bool { return s == Satisfied || s == FairlySatisfied }

// Title returns the degree's name in Chinese.
func (s Satisfaction) Title() string {
	switch s {
	case Satisfied:
		return "满意"
	case FairlySatisfied:
		return "基本满意"
	case Unsatisfied:
		return "不满意"
	}
	return "未询问"
}

// FollowUp is a visit after an agreement (回访): whether it is being
// performed, and how satisfied each party said they were.
type FollowUp struct {
	At        time.Time
	By        string
	Performed bool // the agreement is being performed as agreed
	// Satisfaction holds each party's answer in the order of
	// Case.Parties; "" for a party not asked. It may be shorter than the
	// parties: those past its end were not asked.
	Satisfaction []Satisfaction
	Notes        string
}

// Asked returns how many parties were asked their satisfaction, and how
// many of them answered 满意 or 基本满意.
func (f FollowUp) Asked() (asked, content int) {
	for _, s := range f.Satisfaction {
		if s.Valid() {
			asked++
		}
		if s.Content() {
			content++
		}
	}
	return asked, content
}

// Reopens reports whether the visit found cause to take the case back to
// mediation: the agreement not performed, or a party unsatisfied.
func (f FollowUp) Reopens() bool {
	return !f.Performed || slices.Contains(f.Satisfaction, Unsatisfied)
}
