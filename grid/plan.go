package grid

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/timeline"
)

// Plan is what applying a roster to a township changes: the difference
// between the township as it stands and as the roster has it. It is shown
// to the admin before anything changes; ApplyRoster applies it, in one
// change, if the township has not changed since.
type Plan struct {
	Township CellID
	Base     timeline.Chain // where the administration log ended when the plan was made

	AddCells    []Cell       // new cells, each after its parent
	RenameCells []CellChange // cells whose name changes
	MoveCells   []CellChange // cells that move below another parent, with their subtrees
	RetireCells []Cell       // active cells the roster no longer lists

	AddMembers        []Member       // members the township does not have yet
	EditMembers       []MemberChange // members whose particulars change (or who are active again)
	DeactivateMembers []Member       // active members the roster no longer lists
	Grants            []PostChange   // posts members gain
	Revokes           []PostChange   // posts members who stay lose

	// Blocked is the open work that stops the plan: cases and hazards
	// handled in cells to retire, or answered for by members through posts
	// they lose. Such changes need a takeover or a successor, which a
	// roster cannot name: make them one by one (RetireCell, RevokePost)
	// first.
	Blocked []WorkItem
}

// CellChange is a cell before and after a change.
type CellChange struct{ Before, After Cell }

// MemberChange is a member before and after a change.
type MemberChange struct{ Before, After Member }

// PostChange is a post a member gains or loses, its cell named by ID.
type PostChange struct {
	Member MemberID
	Name   string // the member's name, for the people reading the plan
	Role   Role
	Cell   CellID
}

// Changes returns how many changes the plan makes.
func (p Plan) Changes() int {
	return len(p.AddCells) + len(p.RenameCells) + len(p.MoveCells) + len(p.RetireCells) +
		len(p.AddMembers) + len(p.EditMembers) + len(p.DeactivateMembers) + len(p.Grants) + len(p.Revokes)
}

// rosterTownship checks that tree holds exactly one township, and returns
// it.
func rosterTownship(tree *Tree) (Cell, error) {
	roots := tree.Roots()
	if len(roots) != 1 {
		return Cell{}, fourplusn.FieldError("cells", "a roster holds one township, not %d", len(roots))
	}
	return roots[0], nil
}

// PlanRoster returns what applying the roster of tree and members (one
// township's, as a roster resolves them) to the actor's township would
// change, changing nothing. Needs ManageGrid at the township. Returns
// Invalid for a roster of another township or one that cannot be applied
// (a cell that changes level, or that was retired).
func (s *Service) PlanRoster(ctx context.Context, actor Actor, tree *Tree, members []Member) (Plan, error) {
	d := s.draft(actor, actor.Township)
	return d.plan(ctx, tree, members)
}

// ApplyRoster applies the roster of tree and members to the actor's
// township in one change, if the township's log still ends at base, where
// it ended when the plan was shown; otherwise it returns a Conflict error
// and changes nothing, and the plan is to be shown again. A plan with
// blocked work is refused with a *BlockedError. Needs ManageGrid at the
// township. It returns the plan it applied.
func (s *Service) ApplyRoster(ctx context.Context, actor Actor, tree *Tree, members []Member, base timeline.Chain) (Plan, error) {
	var plan Plan
	err := s.change(ctx, actor, func(d *draft) error {
		if d.base != base {
			return fourplusn.Errorf(fourplusn.Conflict, "the township's grid changed since the difference was shown: review it again")
		}
		var err error
		if plan, err = d.plan(ctx, tree, members); err != nil {
			return err
		}
		if len(plan.Blocked) > 0 {
			return &BlockedError{What: "applying the roster", Items: plan.Blocked}
		}
		d.record(LogRosterImported, map[string]string{"changes": fmt.Sprint(plan.Changes())})
		return d.apply(ctx, plan)
	})
	return plan, err
}

// Found sets up a new township from its roster: the cells of tree, which
// holds that township alone, and members. It is the deployment's
// operator's to do — the pilot's setup page behind its one-time code, or
// its command line — before the township has anyone who may manage it, so
// it asks no policy; its events are the operator's. Returns Conflict for a
// township, cell or member ID the deployment already has.
func (s *Service) Found(ctx context.Context, tree *Tree, members []Member) error {
	root, err := rosterTownship(tree)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.draft(Actor{}, root.ID)
	if _, err := d.dir.tree.Cell(root.ID); err == nil {
		return fourplusn.Errorf(fourplusn.Conflict, "township %q is already set up", root.ID)
	}
	d.record(LogFounded, map[string]string{"cells": fmt.Sprint(tree.Len()), "members": fmt.Sprint(len(members))})
	if _, err := d.addCell(root.Spec()); err != nil {
		return err
	}
	below, _ := tree.Descendants(root.ID)
	for _, c := range below {
		if _, err := d.addCell(c.Spec()); err != nil {
			return fourplusn.WithField("cells", err)
		}
	}
	for i, m := range members {
		if _, taken := d.dir.members[m.ID]; taken {
			return fourplusn.Errorf(fourplusn.Conflict, "member ID %q is taken", m.ID)
		}
		m.Township = root.ID
		if err := m.Validate(); err != nil {
			return fourplusn.WithField(fmt.Sprintf("members[%d]", i), err)
		}
		d.putMember(Member{}, m, LogMemberAdded, nil)
	}
	return s.commit(ctx, d)
}

// plan is the difference between the draft's township and the roster.
func (d *draft) plan(ctx context.Context, tree *Tree, members []Member) (Plan, error) {
	if err := d.may(RootPath(d.township)); err != nil {
		return Plan{}, err
	}
	root, err := rosterTownship(tree)
	if err != nil {
		return Plan{}, err
	}
	if root.ID != d.township {
		return Plan{}, fourplusn.FieldError("cells", "the roster is of township %q, not of %q", root.ID, d.township)
	}
	p := Plan{Township: d.township, Base: d.base}
	now := d.current()
	listed := map[CellID]bool{}
	want, _ := tree.Descendants(root.ID)
	for _, c := range append([]Cell{root}, want...) {
		listed[c.ID] = true
		old, err := now.Cell(c.ID)
		switch {
		case err != nil:
			p.AddCells = append(p.AddCells, c)
			continue
		case old.Path.Township() != d.township:
			return Plan{}, fourplusn.FieldError("cells", "cell ID %q belongs to another township", c.ID)
		case old.Retired:
			return Plan{}, fourplusn.FieldError("cells", "cell %q was retired; a new cell needs a new ID", c.ID)
		case old.Level() != c.Level():
			return Plan{}, fourplusn.FieldError("cells", "cell %q is at level %d, not %d: a cell keeps its level; add a new one instead", c.ID, old.Level(), c.Level())
		}
		if old.Name != c.Name {
			p.RenameCells = append(p.RenameCells, CellChange{old, c})
		}
		if old.Parent() != c.Parent() {
			p.MoveCells = append(p.MoveCells, CellChange{old, c})
		}
	}
	have, _ := now.Descendants(d.township)
	for _, c := range have {
		if !c.Retired && !listed[c.ID] {
			p.RetireCells = append(p.RetireCells, c)
		}
	}

	inRoster := map[MemberID]bool{}
	for _, m := range members {
		inRoster[m.ID] = true
		old, err := d.member(m.ID)
		if err != nil {
			if _, taken := d.dir.members[m.ID]; taken {
				return Plan{}, fourplusn.FieldError("members", "member ID %q belongs to another township", m.ID)
			}
			p.AddMembers = append(p.AddMembers, m)
			continue
		}
		if memberChanged(old, m) || old.Inactive {
			after := cloneMember(old)
			after.Name, after.Phone, after.Department, after.Body, after.Inactive = m.Name, m.Phone, m.Department, m.Body, false
			p.EditMembers = append(p.EditMembers, MemberChange{old, after})
		}
		oldPosts, newPosts := postKeys(old.Posts), postKeys(m.Posts)
		for _, k := range newPosts {
			if !slices.Contains(oldPosts, k) {
				p.Grants = append(p.Grants, PostChange{Member: m.ID, Name: m.Name, Role: k.Role, Cell: k.Cell})
			}
		}
		for _, k := range oldPosts {
			if !slices.Contains(newPosts, k) {
				p.Revokes = append(p.Revokes, PostChange{Member: m.ID, Name: old.Name, Role: k.Role, Cell: k.Cell})
			}
		}
	}
	for _, m := range d.activeMembers() {
		if !inRoster[m.ID] {
			p.DeactivateMembers = append(p.DeactivateMembers, m)
		}
	}
	if p.Blocked, err = d.blocked(ctx, p, members); err != nil {
		return Plan{}, err
	}
	return p, nil
}

// postKey is a post with its cell named by ID, as a roster names it.
type postKey struct {
	Role Role
	Cell CellID
}

func postKeys(posts []Post) []postKey {
	keys := make([]postKey, len(posts))
	for i, p := range posts {
		keys[i] = postKey{p.Role, p.Cell.Cell()}
	}
	return keys
}

// blocked returns the open work a plan would leave behind: what is handled
// in the cells it retires, and what members answer for through posts they
// lose and keep no post to reach.
func (d *draft) blocked(ctx context.Context, p Plan, members []Member) ([]WorkItem, error) {
	var out []WorkItem
	for _, c := range p.RetireCells {
		work, err := d.openWork(ctx, WorkQuery{Within: c.Path})
		if err != nil {
			return nil, err
		}
		for _, f := range work {
			out = append(out, f.items...)
		}
	}
	kept := map[MemberID][]CellID{}
	for _, m := range members {
		for _, k := range postKeys(m.Posts) {
			kept[m.ID] = append(kept[m.ID], k.Cell)
		}
	}
	losing := map[MemberID]bool{}
	for _, r := range p.Revokes {
		losing[r.Member] = true
	}
	for _, m := range p.DeactivateMembers {
		losing[m.ID] = true
	}
	now := d.current()
	for _, id := range slices.Sorted(maps.Keys(losing)) {
		m, _ := d.member(id)
		work, err := d.openWork(ctx, memberWork(m))
		if err != nil {
			return nil, err
		}
		for _, f := range work {
			for _, it := range f.items {
				reached := slices.ContainsFunc(kept[id], func(cell CellID) bool {
					c, err := now.Cell(cell)
					return err == nil && c.Path.Contains(it.Via)
				})
				if !reached && !slices.ContainsFunc(out, func(o WorkItem) bool { return o.Kind == it.Kind && o.ID == it.ID }) {
					out = append(out, it)
				}
			}
		}
	}
	return out, nil
}

// apply makes the plan's changes on the draft: the cells first (added,
// renamed, moved), so that posts can be held in them; then each member's
// particulars and posts, gained before lost, so that no active member is
// ever left without one; then the deactivations and the retirements.
func (d *draft) apply(ctx context.Context, p Plan) error {
	for _, c := range p.AddCells {
		if _, err := d.addCell(c.Spec()); err != nil {
			return fourplusn.WithField("cells", err)
		}
	}
	for _, ch := range p.RenameCells {
		c, _ := d.cell(ch.Before.ID)
		if _, err := d.rename(c, ch.After.Name); err != nil {
			return fourplusn.WithField("cells", err)
		}
	}
	for _, ch := range p.MoveCells {
		c, _ := d.cell(ch.Before.ID)
		np, err := d.cell(ch.After.Parent())
		if err != nil {
			return fourplusn.WithField("cells", err)
		}
		if _, err := d.move(ctx, c, np); err != nil {
			return fourplusn.WithField("cells", err)
		}
	}
	for i, m := range p.AddMembers {
		m.Township, m.Inactive = d.township, false
		m.Posts = slices.Clone(m.Posts)
		for j, post := range m.Posts {
			c, err := d.cell(post.Cell.Cell())
			if err != nil {
				return fourplusn.WithField(fmt.Sprintf("members[%d].posts[%d].cell", i, j), err)
			}
			m.Posts[j].Cell = c.Path
		}
		if err := m.Validate(); err != nil {
			return fourplusn.WithField(fmt.Sprintf("members[%d]", i), err)
		}
		d.putMember(Member{}, m, LogMemberAdded, nil)
	}
	for _, ch := range p.EditMembers {
		before, _ := d.member(ch.Before.ID)
		after := cloneMember(before)
		after.Name, after.Phone, after.Department, after.Body = ch.After.Name, ch.After.Phone, ch.After.Department, ch.After.Body
		if !memberChanged(before, after) {
			continue // active again, which its first post granted below records
		}
		if err := after.Validate(); err != nil {
			return fourplusn.WithField("members", err)
		}
		d.putMember(before, after, LogMemberEdited, nil)
	}
	for _, g := range p.Grants {
		m, _ := d.member(g.Member)
		c, err := d.cell(g.Cell)
		if err != nil {
			return fourplusn.WithField("members", err)
		}
		if err := d.grant(m, Post{Role: g.Role, Cell: c.Path}); err != nil {
			return fourplusn.WithField("members", err)
		}
	}
	for _, m := range p.DeactivateMembers {
		now, _ := d.member(m.ID)
		if err := d.revoke(ctx, now, now.Posts, ""); err != nil {
			return err
		}
	}
	for _, r := range p.Revokes {
		m, _ := d.member(r.Member)
		i := slices.IndexFunc(m.Posts, func(p Post) bool { return p.Role == r.Role && p.Cell.Cell() == r.Cell })
		if i < 0 {
			continue
		}
		if err := d.revoke(ctx, m, []Post{m.Posts[i]}, ""); err != nil {
			return err
		}
	}
	for _, c := range p.RetireCells {
		now, _ := d.cell(c.ID)
		if now.Retired {
			continue // retired with an ancestor
		}
		if err := d.retire(ctx, now, Cell{}); err != nil {
			return err
		}
	}
	return nil
}
