package grid

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/timeline"
)

// Service keeps a deployment's grid: it serves the [Directory] every
// request reads, and makes every administrative change — cells added,
// renamed, moved and retired; members added, edited and deactivated; posts
// granted and revoked; rosters applied — after asking the policy for
// ManageGrid where the change is made. A change is stored with the events
// of the township's administration log that record it, all or none, and is
// then swapped in as a new Directory: the next request sees it, without a
// restart, and no request sees part of it.
//
// Changes leave no open work behind: a cell that still handles open cases
// or hazards is retired only when another cell takes them over, and a
// member gives up a post they answer for open work through only to a
// successor. The open work is asked of, and handed over through, Work.
//
// A Service is safe for concurrent use; changes are made one at a time.
type Service struct {
	store  Store
	policy *Policy
	titles Titles
	// Work is the deployment's open work, asked before a change that could
	// leave some behind. Set it before the first change; nil means there is
	// none to ask about.
	Work []Work
	// Now returns the current time; tests replace it with a fake clock.
	Now func() time.Time

	mu  sync.Mutex // held by every change
	dir atomic.Pointer[Directory]
}

// NewService returns the service of the grid kept in store, read whole into
// its first Directory, with the policy and level titles given.
func NewService(ctx context.Context, store Store, policy *Policy, titles Titles) (*Service, error) {
	if store == nil || policy == nil {
		return nil, errors.New("grid: a service needs a store and a policy")
	}
	s := &Service{store: store, policy: policy, titles: titles, Now: time.Now}
	if err := s.Reload(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Directory returns the grid as it stands now. A request takes it once and
// reads only it, so that it sees no change half made.
func (s *Service) Directory() *Directory { return s.dir.Load() }

// Cell returns cell id of the current grid: what the case and hazard
// services ask of the grid.
func (s *Service) Cell(ctx context.Context, id CellID) (Cell, error) {
	return s.Directory().Cell(ctx, id)
}

// Policy returns the policy the service asks.
func (s *Service) Policy() *Policy { return s.policy }

// Reload reads the whole grid from the store again, for when another
// process changed it.
func (s *Service) Reload(ctx context.Context) error {
	d, err := loadDirectory(ctx, s.store, s.titles)
	if err != nil {
		return err
	}
	s.dir.Store(d)
	return nil
}

// Log returns township's administration log, oldest first, from event
// after+1 on, at most limit events (0 for all). Needs ManageGrid at the
// township.
func (s *Service) Log(ctx context.Context, actor Actor, after int64, limit int) ([]timeline.Event, error) {
	if err := s.policy.Can(actor, ManageGrid, Target{Cell: RootPath(actor.Township)}); err != nil {
		return nil, err
	}
	return s.store.Log(ctx, actor.Township, after, limit)
}

// VerifyLog checks the hash chain of township's administration log against
// where the store says it ends. It is for the deployment's operator (the
// pilot's verify command), so it asks no policy.
func (s *Service) VerifyLog(ctx context.Context, township CellID) error {
	head, err := s.store.Head(ctx, township)
	if err != nil {
		return err
	}
	events, err := s.store.Log(ctx, township, 0, 0)
	if err != nil {
		return err
	}
	return VerifyLog(township, events, head)
}

// AddCell adds a cell below spec.Parent, in the actor's township. Needs
// ManageGrid at the parent. Returns NotFound for a parent the actor's
// township does not have, Invalid for a bad spec or a parent at level 5,
// and Conflict for an ID already taken or a retired parent.
func (s *Service) AddCell(ctx context.Context, actor Actor, spec Spec) (Cell, error) {
	var added Cell
	err := s.change(ctx, actor, func(d *draft) error {
		if spec.Parent == "" {
			return fourplusn.FieldError("parent", "a new cell needs a parent: townships are set up with their roster")
		}
		parent, err := d.cell(spec.Parent)
		if err != nil {
			return fourplusn.WithField("parent", err)
		}
		if err := d.may(parent.Path); err != nil {
			return err
		}
		if added, err = d.addCell(spec); err != nil {
			return err
		}
		return nil
	})
	return added, err
}

// RenameCell gives cell id a new name. Needs ManageGrid at the cell.
// Returns NotFound for a cell the actor's township does not have and
// Invalid for a bad name.
func (s *Service) RenameCell(ctx context.Context, actor Actor, id CellID, name string) (Cell, error) {
	var renamed Cell
	err := s.change(ctx, actor, func(d *draft) error {
		c, err := d.cell(id)
		if err != nil {
			return err
		}
		if err := d.may(c.Path); err != nil {
			return err
		}
		renamed, err = d.rename(c, name)
		return err
	})
	return renamed, err
}

// MoveCell moves cell id and its subtree below newParent, which must be at
// the level of its present parent and in the same township. The paths of
// the open cases and hazards in the subtree and the posts held there move
// with it; ended records keep the paths they ended under, as history.
// Needs ManageGrid at the cell and at the new parent. Returns NotFound for
// cells the actor's township does not have, Invalid for a move that would
// break the levels, and Conflict for a retired new parent.
func (s *Service) MoveCell(ctx context.Context, actor Actor, id, newParent CellID) (Cell, error) {
	var moved Cell
	err := s.change(ctx, actor, func(d *draft) error {
		c, err := d.cell(id)
		if err != nil {
			return err
		}
		np, err := d.cell(newParent)
		if err != nil {
			return fourplusn.WithField("parent", err)
		}
		if err := d.may(c.Path); err != nil {
			return err
		}
		if err := d.may(np.Path); err != nil {
			return err
		}
		moved, err = d.move(ctx, c, np)
		return err
	})
	return moved, err
}

// RetireCell retires cell id and every cell below it: they keep their
// records but take no new work. Open cases and hazards handled there go to
// takeover, which must be an active cell of the township outside the
// retired subtree; without one, a cell with open work is not retired and
// the error is a *BlockedError listing the work. A cell where active
// members still hold posts is not retired either (Conflict): their posts
// are revoked or moved first. Needs ManageGrid at the cell and at
// takeover. The township itself cannot be retired.
func (s *Service) RetireCell(ctx context.Context, actor Actor, id, takeover CellID) error {
	return s.change(ctx, actor, func(d *draft) error {
		c, err := d.cell(id)
		if err != nil {
			return err
		}
		if err := d.may(c.Path); err != nil {
			return err
		}
		var to Cell
		if takeover != "" {
			if to, err = d.cell(takeover); err != nil {
				return fourplusn.WithField("takeover", err)
			}
			if err := d.may(to.Path); err != nil {
				return err
			}
		}
		return d.retire(ctx, c, to)
	})
}

// MemberEdit is what an admin may change of a member's own particulars;
// posts change through GrantPost and RevokePost.
type MemberEdit struct {
	Name       string
	Phone      string
	Department Department
	Body       string
}

// AddMember adds m to the actor's township. Needs ManageGrid at every
// post's cell. Returns Invalid for a bad member (naming the field),
// NotFound for a post in a cell the township does not have, and Conflict
// for an ID already taken anywhere in the deployment or a post in a
// retired cell.
func (s *Service) AddMember(ctx context.Context, actor Actor, m Member) (Member, error) {
	m.Township, m.Inactive = actor.Township, false
	err := s.change(ctx, actor, func(d *draft) error {
		// The posts' cells first: a cell of another township is not found,
		// whatever else is wrong.
		for i, p := range m.Posts {
			if err := d.postable(p); err != nil {
				return fourplusn.WithField(fmt.Sprintf("posts[%d].cell", i), err)
			}
			if err := d.may(p.Cell); err != nil {
				return err
			}
		}
		if err := m.Validate(); err != nil {
			return err
		}
		if _, taken := d.dir.members[m.ID]; taken {
			return fourplusn.Errorf(fourplusn.Conflict, "member ID %q is taken", m.ID)
		}
		d.putMember(Member{}, m, LogMemberAdded, nil)
		return nil
	})
	return m, err
}

// EditMember changes member id's particulars. Needs ManageGrid at every
// cell the member holds a post in (at the township for an inactive
// member). Returns NotFound for a member the actor's township does not
// have and Invalid for bad particulars.
func (s *Service) EditMember(ctx context.Context, actor Actor, id MemberID, e MemberEdit) (Member, error) {
	var after Member
	err := s.change(ctx, actor, func(d *draft) error {
		before, err := d.member(id)
		if err != nil {
			return err
		}
		if err := d.mayAll(before); err != nil {
			return err
		}
		after = cloneMember(before)
		after.Name, after.Phone, after.Department, after.Body = e.Name, e.Phone, e.Department, e.Body
		if err := after.Validate(); err != nil {
			return err
		}
		if !memberChanged(before, after) {
			return nil
		}
		d.putMember(before, after, LogMemberEdited, nil)
		return nil
	})
	return after, err
}

// GrantPost gives member id the post p, which must be in an active cell of
// the township; an inactive member granted a post is active again. Needs
// ManageGrid at the post's cell. Returns NotFound for an unknown member or
// cell, Invalid for an unknown role, and Conflict for a post already held
// or a retired cell.
func (s *Service) GrantPost(ctx context.Context, actor Actor, id MemberID, p Post) (Member, error) {
	var after Member
	err := s.change(ctx, actor, func(d *draft) error {
		before, err := d.member(id)
		if err != nil {
			return err
		}
		if err := d.grant(before, p); err != nil {
			return err
		}
		after, _ = d.member(id)
		return nil
	})
	return after, err
}

// RevokePost takes the post p from member id. The open cases and hazards
// the member answers for through that post alone go to successor, an
// active member of the township who may see them, and each one's timeline
// records the handover; without a successor, a post with such work is not
// revoked and the error is a *BlockedError listing the work. A member's
// last post is not revoked (Invalid): deactivate the member instead.
// Needs ManageGrid at the post's cell.
func (s *Service) RevokePost(ctx context.Context, actor Actor, id MemberID, p Post, successor MemberID) (Member, error) {
	var after Member
	err := s.change(ctx, actor, func(d *draft) error {
		before, err := d.member(id)
		if err != nil {
			return err
		}
		if len(before.Posts) == 1 && before.Posts[0] == p {
			if err := d.may(p.Cell); err != nil {
				return err
			}
			return fourplusn.FieldError("post", "this is member %q's only post: deactivate the member instead", id)
		}
		if err := d.revoke(ctx, before, []Post{p}, successor); err != nil {
			return err
		}
		after, _ = d.member(id)
		return nil
	})
	return after, err
}

// DeactivateMember deactivates member id, who left: they hold no posts,
// sign in nowhere, and stay on record. Their open work goes to successor
// as RevokePost hands it over. Needs ManageGrid at every cell they hold a
// post in.
func (s *Service) DeactivateMember(ctx context.Context, actor Actor, id MemberID, successor MemberID) (Member, error) {
	var after Member
	err := s.change(ctx, actor, func(d *draft) error {
		before, err := d.member(id)
		if err != nil {
			return err
		}
		if before.Inactive {
			return fourplusn.Errorf(fourplusn.Conflict, "member %q is already inactive", id)
		}
		if err := d.revoke(ctx, before, before.Posts, successor); err != nil {
			return err
		}
		after, _ = d.member(id)
		return nil
	})
	return after, err
}

// change runs one administrative change of the actor's township: fn makes
// it on a draft of the directory, and the change is then stored with its
// events and swapped in. A change that makes no event stores nothing.
func (s *Service) change(ctx context.Context, actor Actor, fn func(*draft) error) error {
	if actor.Kind != Staff {
		if actor.Kind == Anonymous {
			return ErrNoActor
		}
		return ErrNotGranted
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.draft(actor, actor.Township)
	if _, err := d.dir.tree.Cell(actor.Township); err != nil {
		return ErrNotGranted
	}
	if err := fn(d); err != nil {
		return err
	}
	return s.commit(ctx, d)
}

func (s *Service) draft(actor Actor, township CellID) *draft {
	dir := s.dir.Load()
	return &draft{
		s: s, dir: dir, actor: actor, township: township, now: s.Now().UTC(),
		head: dir.Head(township), base: dir.Head(township),
		members: map[MemberID]Member{}, cells: map[CellID]bool{},
	}
}

// commit stores d's change and swaps in the directory it makes. When the
// store reports that another change came first (another process changed
// the grid), the directory is read again so that the next try starts from
// what is stored.
func (s *Service) commit(ctx context.Context, d *draft) error {
	if len(d.events) == 0 {
		return nil
	}
	tree := d.tree
	if tree == nil {
		tree = d.dir.tree
	}
	ch := Change{Events: d.events}
	for _, id := range slices.Sorted(maps.Keys(d.cells)) {
		c, _ := tree.Cell(id)
		ch.Cells = append(ch.Cells, c)
	}
	for _, id := range slices.Sorted(maps.Keys(d.members)) {
		ch.Members = append(ch.Members, d.members[id])
	}
	if err := s.store.Apply(ctx, d.township, d.base, ch); err != nil {
		if fourplusn.ErrorCode(err) == fourplusn.Conflict {
			if rerr := s.Reload(ctx); rerr != nil {
				return errors.Join(err, rerr)
			}
		}
		return err
	}
	s.dir.Store(d.dir.with(tree, ch.Members, d.township, ch.End(d.base)))
	return nil
}

// draft is a change being made: a copy of the tree made on the first
// change of a cell, the members changed so far, and the events recording
// it all.
type draft struct {
	s        *Service
	dir      *Directory
	actor    Actor
	township CellID
	now      time.Time
	base     timeline.Chain // where the log ended when the change began
	head     timeline.Chain // where it ends with the events so far
	tree     *Tree          // nil until a cell changes
	cells    map[CellID]bool
	members  map[MemberID]Member
	events   []timeline.Event
}

// record appends an event to the township's log.
func (d *draft) record(action timeline.Action, details map[string]string) {
	actor := d.actor.ID
	if d.actor.Kind == Anonymous {
		actor = operatorID
	}
	var e timeline.Event
	e, d.head = d.head.Append(timeline.Event{Subject: logSubject(d.township), At: d.now, Actor: actor, Action: action, Details: details})
	d.events = append(d.events, e)
}

// may checks that the actor may manage the grid at p.
func (d *draft) may(p Path) error {
	if d.actor.Kind == Anonymous {
		return nil // the operator, setting a township up
	}
	return d.s.policy.Can(d.actor, ManageGrid, Target{Cell: p})
}

// mayAll checks that the actor may manage the grid wherever m holds a
// post, or at the township for a member who holds none.
func (d *draft) mayAll(m Member) error {
	if len(m.Posts) == 0 {
		return d.may(RootPath(d.township))
	}
	for _, p := range m.Posts {
		if err := d.may(p.Cell); err != nil {
			return err
		}
	}
	return nil
}

// working returns the tree the draft changes, copying it first.
func (d *draft) working() *Tree {
	if d.tree == nil {
		d.tree = d.dir.tree.Clone()
	}
	return d.tree
}

// current returns the tree as the draft has it so far.
func (d *draft) current() *Tree {
	if d.tree != nil {
		return d.tree
	}
	return d.dir.tree
}

// cell returns cell id of the township; NotFound for a cell of another.
func (d *draft) cell(id CellID) (Cell, error) {
	c, err := d.current().Cell(id)
	if err != nil || c.Path.Township() != d.township {
		return Cell{}, fourplusn.Errorf(fourplusn.NotFound, "cell %q not found", id)
	}
	return c, nil
}

// member returns member id of the township as the draft has them;
// NotFound for a member of another.
func (d *draft) member(id MemberID) (Member, error) {
	m, ok := d.members[id]
	if !ok {
		m, ok = d.dir.members[id]
	}
	if !ok || m.Township != d.township {
		return Member{}, fourplusn.Errorf(fourplusn.NotFound, "member %q not found", id)
	}
	return cloneMember(m), nil
}

// activeMembers returns the township's active members as the draft has
// them, by ID.
func (d *draft) activeMembers() []Member {
	var out []Member
	for _, id := range d.dir.byTownship[d.township] {
		if _, changed := d.members[id]; !changed {
			if m := d.dir.members[id]; !m.Inactive {
				out = append(out, m)
			}
		}
	}
	for _, m := range d.members {
		if m.Township == d.township && !m.Inactive {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b Member) int { return compareIDs(a.ID, b.ID) })
	return out
}

func compareIDs(a, b MemberID) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// putMember records m's change from before to after with action.
func (d *draft) putMember(before, after Member, action timeline.Action, extra map[string]string) {
	details := map[string]string{"member": string(after.ID), "after": snapshot(after)}
	if before.ID != "" {
		details["before"] = snapshot(before)
	}
	maps.Copy(details, extra)
	d.members[after.ID] = cloneMember(after)
	d.record(action, details)
}

// touch marks cells as changed, to be stored.
func (d *draft) touch(cells ...Cell) {
	for _, c := range cells {
		d.cells[c.ID] = true
	}
}

func (d *draft) addCell(spec Spec) (Cell, error) {
	if _, err := d.current().Cell(spec.ID); err == nil {
		return Cell{}, fourplusn.Errorf(fourplusn.Conflict, "cell ID %q is taken", spec.ID)
	}
	c, err := d.working().Add(spec)
	if err != nil {
		return Cell{}, err
	}
	d.touch(c)
	d.record(LogCellAdded, map[string]string{"cell": string(c.ID), "after": snapshot(c)})
	return c, nil
}

func (d *draft) rename(c Cell, name string) (Cell, error) {
	if name == c.Name {
		return c, nil
	}
	after, err := d.working().Rename(c.ID, name)
	if err != nil {
		return Cell{}, err
	}
	d.touch(after)
	d.record(LogCellRenamed, map[string]string{"cell": string(c.ID), "before": snapshot(c), "after": snapshot(after)})
	return after, nil
}

// move moves c below np, rebasing the posts and the open work in c's
// subtree.
func (d *draft) move(ctx context.Context, c, np Cell) (Cell, error) {
	if c.Parent() == np.ID {
		return c, nil
	}
	moved, err := d.working().Move(c.ID, np.ID)
	if err != nil {
		return Cell{}, err
	}
	from, onto := c.Path, moved[0].Path
	work, err := d.openWork(ctx, WorkQuery{Within: from})
	if err != nil {
		return Cell{}, err
	}
	reason := "网格调整：" + c.Name + "划归" + np.Name
	if err := d.handOver(ctx, work, func(it WorkItem) Handover {
		return Handover{Item: it, From: from, Onto: onto, Reason: reason}
	}); err != nil {
		return Cell{}, err
	}
	d.touch(moved...)
	for _, m := range d.activeMembers() {
		after := cloneMember(m)
		changed := false
		for i, p := range after.Posts {
			if from.Contains(p.Cell) {
				after.Posts[i].Cell = Rebase(p.Cell, from, onto)
				changed = true
			}
		}
		if changed {
			// The member's posts moved with their cells: stored, but not an
			// event of its own; the cell's move records it.
			d.members[m.ID] = after
		}
	}
	d.record(LogCellMoved, map[string]string{"cell": string(c.ID), "before": snapshot(c), "after": snapshot(moved[0])})
	return moved[0], nil
}

// Rebase returns p moved from the subtree of from to the subtree of onto:
// p itself when it does not lie under from.
func Rebase(p, from, onto Path) Path {
	if !from.Contains(p) || from.Level() != onto.Level() {
		return p
	}
	q := onto
	for l := from.Level() + 1; l <= p.Level(); l++ {
		q = q.Child(p.At(l))
	}
	return q
}

func (d *draft) retire(ctx context.Context, c Cell, to Cell) error {
	if c.Level() == 1 {
		return fourplusn.FieldError("id", "the township %q itself cannot be retired", c.ID)
	}
	if c.Retired {
		return fourplusn.Errorf(fourplusn.Conflict, "cell %q is already retired", c.ID)
	}
	if to.ID != "" && (to.Retired || c.Path.Contains(to.Path)) {
		return fourplusn.FieldError("takeover", "cell %q cannot take over the work of %q: it is retired or would be retired with it", to.ID, c.ID)
	}
	var holders []string
	for _, m := range d.activeMembers() {
		if slices.ContainsFunc(m.Posts, func(p Post) bool { return c.Path.Contains(p.Cell) }) {
			holders = append(holders, string(m.ID))
		}
	}
	if len(holders) > 0 {
		return fourplusn.Errorf(fourplusn.Conflict, "members still hold posts in cell %q or below it (%v): revoke or move their posts first", c.ID, holders)
	}
	work, err := d.openWork(ctx, WorkQuery{Within: c.Path})
	if err != nil {
		return err
	}
	if len(work) > 0 && to.ID == "" {
		var blocked []WorkItem
		for _, f := range work {
			blocked = append(blocked, f.items...)
		}
		return &BlockedError{What: fmt.Sprintf("retiring cell %q", c.ID), Items: blocked}
	}
	reason := "网格撤销：" + c.Name + "的工作由" + to.Name + "接手"
	if err := d.handOver(ctx, work, func(it WorkItem) Handover {
		return Handover{Item: it, Cell: to.Path, Reason: reason}
	}); err != nil {
		return err
	}
	// Deepest first: a cell is retired only once everything below it is.
	below, _ := d.current().Descendants(c.ID)
	cells := append([]Cell{c}, below...)
	slices.SortStableFunc(cells, func(a, b Cell) int { return int(b.Level()) - int(a.Level()) })
	for _, x := range cells {
		if x.Retired {
			continue
		}
		if err := d.working().Retire(x.ID); err != nil {
			return err
		}
		after, _ := d.working().Cell(x.ID)
		d.touch(after)
		details := map[string]string{"cell": string(x.ID), "before": snapshot(x), "after": snapshot(after)}
		if to.ID != "" {
			details["takeover"] = string(to.ID)
		}
		d.record(LogCellRetired, details)
	}
	return nil
}

// postable checks that a post may be held in the cell at p: an active cell
// of the township, where the path says it is.
func (d *draft) postable(p Post) error {
	c, err := d.cell(p.Cell.Cell())
	if err != nil {
		return err
	}
	switch {
	case c.Path != p.Cell:
		return fourplusn.Errorf(fourplusn.NotFound, "cell %q is not at %s", c.ID, p.Cell)
	case c.Retired:
		return fourplusn.Errorf(fourplusn.Conflict, "cell %q is retired", c.ID)
	}
	return nil
}

func (d *draft) grant(before Member, p Post) error {
	if !p.Role.Valid() {
		return fourplusn.FieldError("role", "unknown role %d", p.Role)
	}
	if err := d.postable(p); err != nil {
		return fourplusn.WithField("cell", err)
	}
	if err := d.may(p.Cell); err != nil {
		return err
	}
	if slices.Contains(before.Posts, p) {
		return fourplusn.Errorf(fourplusn.Conflict, "member %q already holds the post %s in %s", before.ID, p.Role, p.Cell.Cell())
	}
	after := cloneMember(before)
	after.Posts = append(after.Posts, p)
	after.Inactive = false
	if err := after.Validate(); err != nil {
		return err
	}
	d.putMember(before, after, LogPostGranted, map[string]string{"role": p.Role.String(), "post": p.Cell.String()})
	return nil
}

// revoke takes posts from m, handing the open work m answers for through
// them alone to successor; taking every post deactivates m.
func (d *draft) revoke(ctx context.Context, m Member, posts []Post, successor MemberID) error {
	for _, p := range posts {
		if !slices.Contains(m.Posts, p) {
			return fourplusn.Errorf(fourplusn.NotFound, "member %q holds no post %s in %s", m.ID, p.Role, p.Cell.Cell())
		}
		if err := d.may(p.Cell); err != nil {
			return err
		}
	}
	remaining := slices.DeleteFunc(slices.Clone(m.Posts), func(p Post) bool { return slices.Contains(posts, p) })
	deactivate := len(remaining) == 0
	work, err := d.openWork(ctx, memberWork(m))
	if err != nil {
		return err
	}
	// Only the work m answers for through the posts given up changes hands:
	// what a remaining post reaches stays with them.
	var heldThere []WorkItem
	for i := range work {
		work[i].items = slices.DeleteFunc(work[i].items, func(it WorkItem) bool {
			return slices.ContainsFunc(remaining, func(p Post) bool { return p.Cell.Contains(it.Via) })
		})
		heldThere = append(heldThere, work[i].items...)
	}
	extra := map[string]string{}
	if len(heldThere) > 0 {
		if successor == "" {
			what := fmt.Sprintf("revoking member %q's post", m.ID)
			if deactivate {
				what = fmt.Sprintf("deactivating member %q", m.ID)
			}
			return &BlockedError{What: what, Items: heldThere}
		}
		to, err := d.member(successor)
		if err != nil {
			return fourplusn.WithField("successor", err)
		}
		if to.Inactive || to.ID == m.ID {
			return fourplusn.FieldError("successor", "member %q cannot take over: they are inactive or the member giving the work up", successor)
		}
		for _, it := range heldThere {
			if err := d.s.policy.Can(to.Actor(), View, Target{Cell: it.Handling}); err != nil {
				return fourplusn.FieldError("successor", "member %q holds no post that may see the %s %s in %s", successor, it.Kind, it.ID, it.Handling.Cell())
			}
		}
		reason := "岗位调整：由" + to.Name + "接手"
		if err := d.handOver(ctx, work, func(it WorkItem) Handover {
			return Handover{Item: it, To: successor, Reason: reason}
		}); err != nil {
			return err
		}
		extra["successor"] = string(successor)
	}
	after := cloneMember(m)
	after.Posts = remaining
	if deactivate {
		after.Posts, after.Inactive = nil, true
		d.putMember(m, after, LogMemberDeactivated, extra)
		return nil
	}
	extra["role"], extra["post"] = posts[0].Role.String(), posts[0].Cell.String()
	d.putMember(m, after, LogPostRevoked, extra)
	return nil
}

// memberWork selects the open work m answers for.
func memberWork(m Member) WorkQuery {
	q := WorkQuery{Member: m.ID}
	for _, p := range m.Posts {
		q.Scope = append(q.Scope, p.Cell)
	}
	return q
}

// found is the open work one Work holds.
type found struct {
	work  Work
	items []WorkItem
}

// openWork asks every Work for the open items q selects.
func (d *draft) openWork(ctx context.Context, q WorkQuery) ([]found, error) {
	var out []found
	for _, w := range d.s.Work {
		items, err := w.OpenWork(ctx, d.township, q)
		if err != nil {
			return nil, fmt.Errorf("grid: open work: %w", err)
		}
		if len(items) > 0 {
			out = append(out, found{w, items})
		}
	}
	return out, nil
}

// handOver hands every item of work over as h says for it.
func (d *draft) handOver(ctx context.Context, work []found, h func(WorkItem) Handover) error {
	for _, f := range work {
		for _, it := range f.items {
			if err := f.work.HandOver(ctx, d.actor, h(it)); err != nil {
				return fmt.Errorf("grid: handing the open %s %s over: %w", it.Kind, it.ID, err)
			}
		}
	}
	return nil
}

// memberChanged reports whether a member's particulars differ.
func memberChanged(a, b Member) bool {
	return a.Name != b.Name || a.Phone != b.Phone || a.Department != b.Department || a.Body != b.Body
}
