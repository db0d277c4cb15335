package grid

import (
	"fmt"

	"github.com/fourplusn/fourplusn"
)

// Action is something an actor may be allowed to do to a target.
type Action uint8

// The actions the services ask about. Do not reorder: Policy tables are
// indexed by them.
const (
	View              Action = iota + 1 // see a case or hazard (personal data masked)
	Register                            // register a dispute: first inquiry, or a resident's application
	Review                              // review an online application
	Accept                              // accept a case for mediation (受理), route it
	Mediate                             // take part in mediation: team, sessions, agreements
	Escalate                            // submit a case upward for review (呈报)
	ApproveEscalation                   // take over or return a case submitted from below
	Transfer                            // hand a case to another cell or an outside body
	Close                               // close a case, record its outcome
	ReportHazard                        // report a safety hazard (吹哨)
	Rectify                             // rectify a hazard, report the rectification
	Verify                              // verify a rectification
	ViewStats                           // see statistics of a subtree
	Track                               // the tracking view of overdue and at-risk work (跟踪问效)
	ViewPersonal                        // see personal data unmasked
	ManageGrid                          // add, move and retire cells; manage members
	Dedupe                              // link a case to another as its duplicate, or keep the two apart
	numActions
)

var actionNames = [...]string{"", "view", "register", "review", "accept", "mediate", "escalate",
	"approve_escalation", "transfer", "close", "report_hazard", "rectify", "verify", "view_stats",
	"track", "view_personal", "manage_grid", "dedupe"}

// Actions lists every action, in order.
func Actions() []Action {
	actions := make([]Action, 0, numActions-1)
	for a := View; a < numActions; a++ {
		actions = append(actions, a)
	}
	return actions
}

// Valid reports whether a is one of the actions.
func (a Action) Valid() bool { return a >= View && a < numActions }

// String returns the action's stable name.
func (a Action) String() string {
	if a.Valid() {
		return actionNames[a]
	}
	return fmt.Sprintf("action(%d)", a)
}

// ParseAction reads an action's stable name.
func ParseAction(s string) (Action, error) {
	for a := View; a < numActions; a++ {
		if actionNames[a] == s {
			return a, nil
		}
	}
	return 0, fourplusn.FieldError("action", "unknown action %q", s)
}

// Decides reports whether a is a decision. Level-5 posts (clan elders,
// village worthies, security activists) register and take part but do not
// decide, whatever a township's table says.
func (a Action) Decides() bool {
	switch a {
	case Review, Accept, ApproveEscalation, Transfer, Close, Verify, ManageGrid, Dedupe:
		return true
	}
	return false
}

// Target is what an action is done to, as the policy sees it: the cell it
// belongs to (for a case, its handling cell) and, for a resident's
// application, the resident who owns it.
type Target struct {
	Cell  Path
	Owner string // the ID of the resident who applied, if any
}

// The reasons Can refuses. They are shared values so that Can never
// allocates; match them with errors.Is.
var (
	ErrNoActor        = &fourplusn.Error{Code: fourplusn.Unauthorized, Message: "no actor: sign in first"}
	ErrNoTarget       = &fourplusn.Error{Code: fourplusn.Invalid, Message: "the target has no cell"}
	ErrOtherTownship  = &fourplusn.Error{Code: fourplusn.Forbidden, Message: "the target belongs to another township"}
	ErrNotGranted     = &fourplusn.Error{Code: fourplusn.Forbidden, Message: "no post of the actor's role and level may do this"}
	ErrOutsideSubtree = &fourplusn.Error{Code: fourplusn.Forbidden, Message: "the target is outside the subtrees of the actor's posts"}
	ErrNotOwner       = &fourplusn.Error{Code: fourplusn.Forbidden, Message: "residents may act only on their own applications"}
)

// systemActions are what a township's scheduled work may do there. They are
// fixed: the system escalates and watches, it does not decide cases.
var systemActions = [numActions]bool{View: true, Escalate: true, ViewStats: true, Track: true}

// Policy is the role × action table: for each role and action, the deepest
// level at which a post of that role may do it (0: never). A post at level k
// may act in its cell's subtree if k is at or above that level, so an upper
// level may do whatever a lower one may, there and below. The zero Policy
// allows nothing; DefaultPolicy is the seed's practice. A Policy is safe for
// concurrent use by Can once it is no longer being Set.
type Policy struct {
	deepest [numRoles][numActions]Level
}

// defaultGrants is the seed's practice, role by role: the deepest level at
// which each role may do each action (omitted: never).
var defaultGrants = map[Role]map[Action]Level{
	GridHead: {View: 5, Register: 5, Review: 4, Accept: 4, Mediate: 5, Escalate: 5, ApproveEscalation: 4,
		Transfer: 4, Close: 4, ReportHazard: 5, Rectify: 5, Verify: 4, ViewStats: 3, Track: 2, ViewPersonal: 4, ManageGrid: 1},
	GridWorker: {View: 5, Register: 5, Mediate: 5, ReportHazard: 5, Rectify: 5},
	CommunityPolice: {View: 5, Register: 5, Review: 4, Accept: 4, Mediate: 5, Escalate: 5, Transfer: 4,
		Close: 4, ReportHazard: 5, Rectify: 5, Verify: 4, ViewStats: 3, ViewPersonal: 5},
	AuxiliaryPolice: {View: 5, Register: 5, Mediate: 5, ReportHazard: 5, Rectify: 5},
	JusticeOfficer: {View: 5, Register: 5, Review: 4, Accept: 4, Mediate: 5, Escalate: 5, ApproveEscalation: 4,
		Transfer: 4, Close: 4, ReportHazard: 5, Verify: 4, ViewStats: 2, Track: 2, ViewPersonal: 5},
	Mediator: {View: 5, Register: 5, Review: 4, Accept: 4, Mediate: 5, Escalate: 5, Close: 4, ReportHazard: 5, ViewPersonal: 5},
	// The duty officer sees what arrives through every channel, and so
	// decides which arrivals are one dispute (Dedupe); the member who
	// registered a case may too, by a rule of the mediation package.
	DutyOfficer: {View: 5, Register: 5, Review: 4, Accept: 4, Transfer: 4, ReportHazard: 5, ViewStats: 2, Track: 2, ViewPersonal: 5, Dedupe: 4},
	Partner:     {View: 5, Mediate: 5, ReportHazard: 5},
	// A township may give the keeping of its grid and staff to a clerk in
	// an admin post at the township instead of to its head.
	Admin: {ManageGrid: 1},
}

// DefaultPolicy returns a new Policy holding the seed's practice, ready to be
// adjusted with Set.
func DefaultPolicy() *Policy {
	p := new(Policy)
	for r, grants := range defaultGrants {
		for a, l := range grants {
			if err := p.Set(r, a, l); err != nil {
				panic(err) // the default table breaks a fixed rule: a programming error
			}
		}
	}
	return p
}

// Set lets posts of role r do action a at levels 1 to deepest, or revokes it
// when deepest is 0. Returns Invalid for an unknown role or action, a level
// outside the grid, and a decision granted at level 5.
func (p *Policy) Set(r Role, a Action, deepest Level) error {
	switch {
	case !r.Valid():
		return fourplusn.FieldError("role", "unknown role %d", r)
	case !a.Valid():
		return fourplusn.FieldError("action", "unknown action %d", a)
	case deepest > MaxLevel:
		return fourplusn.FieldError("level", "level %d is outside the grid", deepest)
	case deepest == MaxLevel && a.Decides():
		return fourplusn.FieldError("level", "%s is a decision; level-%d posts take part but do not decide", a, MaxLevel)
	}
	p.deepest[r][a] = deepest
	return nil
}

// Deepest returns the deepest level at which role r may do action a, or 0.
func (p *Policy) Deepest(r Role, a Action) Level {
	if !r.Valid() || !a.Valid() {
		return 0
	}
	return p.deepest[r][a]
}

// Can reports whether actor may do action to target: nil if so, otherwise
// one of the Err values above. A member may act when one of their posts
// grants the action at the post's level and the target lies in that post's
// subtree; a resident may view and apply for their own applications in
// their township; the system may view, escalate and track in its township.
// No grant crosses townships. Can does not allocate.
func (p *Policy) Can(actor Actor, action Action, target Target) error {
	if target.Cell.IsZero() {
		return ErrNoTarget
	}
	township := target.Cell.Township()
	switch actor.Kind {
	case Staff:
	case Resident:
		switch {
		case actor.Township != township:
			return ErrOtherTownship
		case action == Register && target.Owner == actor.ID,
			action == View && target.Owner == actor.ID:
			return nil
		}
		return ErrNotOwner
	case System:
		switch {
		case actor.Township != township:
			return ErrOtherTownship
		case action.Valid() && systemActions[action]:
			return nil
		}
		return ErrNotGranted
	default:
		return ErrNoActor
	}
	if !action.Valid() {
		return ErrNotGranted
	}
	err := ErrOtherTownship
	for _, post := range actor.Posts {
		if post.Cell.Township() != township {
			continue
		}
		if !post.Role.Valid() || post.Cell.Level() > p.deepest[post.Role][action] {
			if err == ErrOtherTownship {
				err = ErrNotGranted
			}
			continue
		}
		if post.Cell.Contains(target.Cell) {
			return nil
		}
		err = ErrOutsideSubtree
	}
	return err
}

// Scope returns the cells in whose subtrees actor may do action: the paths
// of the posts that grant it, without any that lie inside another. Stores
// use it to list what an actor may see. A resident's and the system's scope
// is their township, which for a resident is further narrowed to their own
// applications by the caller.
func (p *Policy) Scope(actor Actor, action Action) []Path {
	switch actor.Kind {
	case Resident, System:
		if actor.Kind == System && !(action.Valid() && systemActions[action]) {
			return nil
		}
		return []Path{RootPath(actor.Township)}
	case Staff:
	default:
		return nil
	}
	var granted []Path
	for _, post := range actor.Posts {
		if action.Valid() && post.Role.Valid() && post.Cell.Level() <= p.deepest[post.Role][action] {
			granted = append(granted, post.Cell)
		}
	}
	var scope []Path
	for i, g := range granted {
		redundant := false
		for j, o := range granted {
			// Drop g if another grant holds it; of equal grants keep the first.
			if j != i && o.Contains(g) && (o != g || j < i) {
				redundant = true
				break
			}
		}
		if !redundant {
			scope = append(scope, g)
		}
	}
	return scope
}
