package hazard

import (
	"fmt"
	"time"

	"github.com/fourplusn/fourplusn"
)

// ID identifies a hazard. IDs sort in the order hazards were reported.
type ID string

// Category is the kind of hazard. The set is the township's (see Rules);
// these are the defaults.
type Category string

// The default categories.
const (
	Fire        Category = "fire"         // 消防
	Electrical  Category = "electrical"   // 用电
	Structural  Category = "structural"   // 房屋·建筑结构
	Gas         Category = "gas"          // 燃气
	Traffic     Category = "traffic"      // 交通
	Flood       Category = "flood"        // 防汛
	DisputeLead Category = "dispute_lead" // 矛盾纠纷线索: may be converted into a mediation case
	Other       Category = "other"        // 其他
)

// categoryWords name the default categories in Chinese.
var categoryWords = map[Category]string{
	Fire: "消防隐患", Electrical: "用电隐患", Structural: "房屋结构隐患", Gas: "燃气隐患",
	Traffic: "交通隐患", Flood: "防汛隐患", DisputeLead: "矛盾纠纷线索", Other: "其他隐患",
}

// Title returns the category's name in Chinese (消防隐患), as pages,
// notices and partner systems show it; a category of the township's own
// is shown by its stored name, which the package cannot translate.
func (c Category) Title() string {
	if n, ok := categoryWords[c]; ok {
		return n
	}
	return string(c)
}

// State is where a hazard stands in its lifecycle.
type State uint8

// The states of a hazard. Do not reorder: stored values are these names.
// A hazard whose rectification failed verification is Open again, with
// Reopens counting how often that happened.
const (
	Open      State = iota + 1 // reported, waiting to be rectified
	Rectified                  // rectified, waiting for an upper post to verify it (验收)
	Closed                     // verified: finished
	Converted                  // a dispute lead turned into a mediation case: finished here
	numStates
)

var stateNames = [...]string{"", "open", "rectified", "closed", "converted"}

var stateTitles = [...]string{"", "待整改", "待验收", "已销号", "已转为案件"}

// String returns the state's stable name.
func (s State) String() string {
	if s.Valid() {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", s)
}

// Title returns the state's name in Chinese, as pages and partner systems
// show it; its stable name if s is no state.
func (s State) Title() string {
	if s.Valid() {
		return stateTitles[s]
	}
	return s.String()
}

// Finished reports whether a hazard in state s is done with: verified,
// or converted into a case. Until then it is open work.
func (s State) Finished() bool { return s == Closed || s == Converted }

// Valid reports whether s is a state.
func (s State) Valid() bool { return s >= Open && s < numStates }

// ParseState reads a state's stable name.
func ParseState(s string) (State, error) {
	for st := Open; st < numStates; st++ {
		if stateNames[st] == s {
			return st, nil
		}
	}
	return 0, fourplusn.FieldError("state", "unknown state %q", s)
}

// States lists every state, in lifecycle order.
func States() []State {
	states := make([]State, 0, numStates-1)
	for s := Open; s < numStates; s++ {
		states = append(states, s)
	}
	return states
}

// Rectification is what a post did to remove a hazard, with its evidence.
// Callers give Evidence and Photos; the Service fills in By and At.
type Rectification struct {
	Evidence string   // what was done, in words
	Photos   []string // references to photos of the result (URLs or storage keys)
	By       string   // the actor who rectified it
	At       time.Time
}

// Verification is an upper post's check of a rectification (验收). Callers
// give Passed and Notes (required when it failed: what is still wrong); the
// Service fills in By and At.
type Verification struct {
	Passed bool
	Notes  string
	By     string
	At     time.Time
}
