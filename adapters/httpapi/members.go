package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/uptrace/bunrouter"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
)

func (s *server) routeMembers(g *bunrouter.Group) {
	s.handle(g, http.MethodGet, "/members", s.listMembers)
	s.handle(g, http.MethodGet, "/members/:id", s.getMember)
	s.handle(g, http.MethodPost, "/members", s.addMember)
	s.handle(g, http.MethodPatch, "/members/:id", s.editMember)
	s.handle(g, http.MethodPost, "/members/:id/posts", s.grantPost)
	s.handle(g, http.MethodPost, "/members/:id/posts/revoke", s.revokePost)
	s.handle(g, http.MethodPost, "/members/:id/deactivate", s.deactivateMember)
}

// memberListJSON lists members of staff.
type memberListJSON struct {
	Members []memberJSON `json:"members"`
}

// newMemberJSON is a member to add (POST /members): their particulars and
// their posts, each in a cell named by its ID.
type newMemberJSON struct {
	ID         string       `json:"id"`
	Name       string       `json:"name"`
	Phone      string       `json:"phone"`
	Department string       `json:"department" oa:"enum=department"`
	Body       string       `json:"body,omitempty" oa:"when=department:partner"`
	Posts      []postInJSON `json:"posts"`
}

// postInJSON is a post as a request names it: a role and the ID of its
// cell.
type postInJSON struct {
	Role string `json:"role" oa:"enum=role"`
	Cell string `json:"cell"`
}

// addedMemberJSON is a member just added and, when the deployment keeps
// accounts, the one-time password of their new account, shown this once.
type addedMemberJSON struct {
	Member          memberJSON `json:"member"`
	OneTimePassword string     `json:"one_time_password,omitempty"`
}

// memberEditJSON changes a member's particulars (PATCH /members/{id});
// what is left out stays as it is.
type memberEditJSON struct {
	Name       *string `json:"name,omitempty"`
	Phone      *string `json:"phone,omitempty"`
	Department *string `json:"department,omitempty" oa:"enum=department"`
	Body       *string `json:"body,omitempty"`
}

// revokeJSON takes a post from a member, naming who takes over the open
// work they answer for through it.
type revokeJSON struct {
	Role      string `json:"role" oa:"enum=role"`
	Cell      string `json:"cell"`
	Successor string `json:"successor,omitempty"`
}

// successorJSON names who takes over a departing member's open work.
type successorJSON struct {
	Successor string `json:"successor,omitempty"`
}

// memberOut writes m, with their phone in full or masked.
func memberOut(m grid.Member, full bool) memberJSON {
	phone := m.Phone
	if !full {
		phone = fourplusn.MaskPhone(phone)
	}
	out := memberJSON{ID: string(m.ID), Name: m.Name, Phone: phone, Department: m.Department.String(), Body: m.Body, Active: !m.Inactive, Posts: make([]postJSON, len(m.Posts))}
	for i, p := range m.Posts {
		out.Posts[i] = postJSON{Role: p.Role.String(), Cell: p.Cell.String()}
	}
	return out
}

// memberFor writes m as actor may see them: their phone in full only if
// actor may see personal data, or keeps the grid's staff (ManageGrid),
// where m holds a post (at the township, for a member who holds none).
// Who keeps the roster must reach the people on it; the export of the
// roster holds every phone in full.
func (s *server) memberFor(actor grid.Actor, m grid.Member) memberJSON {
	full := false
	for _, p := range placesOf(m) {
		t := grid.Target{Cell: p}
		full = full || s.policy.Can(actor, grid.ViewPersonal, t) == nil || s.policy.Can(actor, grid.ManageGrid, t) == nil
	}
	return memberOut(m, full)
}

// placesOf returns the cells where m holds posts, or their township for a
// member who holds none: where what may be done to m is asked.
func placesOf(m grid.Member) []grid.Path {
	if len(m.Posts) == 0 {
		return []grid.Path{grid.RootPath(m.Township)}
	}
	places := make([]grid.Path, len(m.Posts))
	for i, p := range m.Posts {
		places[i] = p.Cell
	}
	return places
}

// listMembers is GET /members: the members of the actor's township, active
// and inactive, by ID; ?cell= keeps those holding a post in that cell,
// ?q= those whose name or login starts so. Needs ManageGrid at the
// township.
func (s *server) listMembers(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := s.townshipManager(req)
	if err != nil {
		return err
	}
	q, err := parseQuery(req, "cell", "q")
	if err != nil {
		return err
	}
	cell, prefix := q.one("cell"), q.one("q")
	if q.err != nil {
		return q.err
	}
	dir := s.cfg.Grid.Directory()
	members := dir.Members(actor.Township)
	if cell != "" {
		c, err := cellIn(dir, actor.Township, cell)
		if err != nil {
			return fourplusn.WithField("cell", err)
		}
		members = dir.MembersOf(c.ID)
	}
	out := memberListJSON{Members: []memberJSON{}}
	for _, m := range members {
		if prefix == "" || strings.HasPrefix(m.Name, prefix) || len(m.ID) >= len(prefix) && strings.EqualFold(string(m.ID[:len(prefix)]), prefix) {
			out.Members = append(out.Members, s.memberFor(actor, m))
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

// getMember is GET /members/{id}: a member of the actor's township. Needs
// ManageGrid at the township.
func (s *server) getMember(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := s.townshipManager(req)
	if err != nil {
		return err
	}
	m, err := memberOf(s.cfg.Grid.Directory(), actor, req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.memberFor(actor, m))
}

// memberOf returns the member of the request's path, if they are of the
// actor's township: a member of another is not found.
func memberOf(dir *grid.Directory, actor grid.Actor, req bunrouter.Request) (grid.Member, error) {
	id := grid.MemberID(req.Param("id"))
	m, ok := dir.Member(id)
	if grid.ValidateMemberID(id) != nil || !ok || m.Township != actor.Township {
		return grid.Member{}, fourplusn.Errorf(fourplusn.NotFound, "member %q not found", id)
	}
	return m, nil
}

// cellIn returns cell id of township as dir has it: NotFound for a cell of
// another township, as for one that does not exist.
func cellIn(dir *grid.Directory, township grid.CellID, id string) (grid.Cell, error) {
	if err := grid.ValidateCellID(grid.CellID(id)); err != nil {
		return grid.Cell{}, stripField(err)
	}
	c, err := dir.Tree().Cell(grid.CellID(id))
	if err != nil || c.Path.Township() != township {
		return grid.Cell{}, fourplusn.Errorf(fourplusn.NotFound, "cell %q not found", id)
	}
	return c, nil
}

// postIn reads a post of a request body, resolving its cell in township as
// dir has it; field names the post in the body ("" for the whole body).
func postIn(dir *grid.Directory, township grid.CellID, field string, p postInJSON) (grid.Post, error) {
	named := func(sub string, err error) error {
		if field != "" {
			sub = field + "." + sub
		}
		return fourplusn.WithField(sub, stripField(err))
	}
	role, err := grid.ParseRole(p.Role)
	if err != nil {
		return grid.Post{}, named("role", err)
	}
	if p.Cell == "" {
		return grid.Post{}, named("cell", fourplusn.Errorf(fourplusn.Invalid, "a post needs a cell"))
	}
	c, err := cellIn(dir, township, p.Cell)
	if err != nil {
		return grid.Post{}, named("cell", err)
	}
	return grid.Post{Role: role, Cell: c.Path}, nil
}

// addMember is POST /members: a member joins the actor's township with
// their posts. Needs ManageGrid at every post's cell. When the deployment
// keeps accounts, the member's account is made at once and its one-time
// password answered, this once.
func (s *server) addMember(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := staffOf(req)
	if err != nil {
		return err
	}
	var body newMemberJSON
	if err := decodeBody(w, req, &body, false); err != nil {
		return err
	}
	dir := s.cfg.Grid.Directory()
	m := grid.Member{ID: grid.MemberID(body.ID), Name: body.Name, Phone: body.Phone, Body: body.Body}
	if m.Department, err = grid.ParseDepartment(body.Department); err != nil {
		return err
	}
	for i, p := range body.Posts {
		post, err := postIn(dir, actor.Township, fmt.Sprintf("posts[%d]", i), p)
		if err != nil {
			return err
		}
		m.Posts = append(m.Posts, post)
	}
	ctx := req.Context()
	if m, err = s.cfg.Grid.AddMember(ctx, actor, m); err != nil {
		return err
	}
	out := addedMemberJSON{Member: s.memberFor(actor, m)}
	if s.serves("accounts") {
		if out.OneTimePassword, err = s.cfg.Accounts.IssuePassword(ctx, m); err != nil {
			return fmt.Errorf("member %s was added, but no account was made for them: %w", m.ID, err)
		}
	}
	w.Header().Set("Location", s.api+"/members/"+string(m.ID))
	return writeJSON(w, http.StatusCreated, out)
}

// editMember is PATCH /members/{id}: a member's particulars change; those
// left out stay. Needs ManageGrid wherever the member holds a post.
func (s *server) editMember(w http.ResponseWriter, req bunrouter.Request) error {
	return s.changeMember(w, req, func(ctx context.Context, actor grid.Actor, m grid.Member) (grid.Member, error) {
		var body memberEditJSON
		if err := decodeBody(w, req, &body, false); err != nil {
			return m, err
		}
		if body == (memberEditJSON{}) {
			return m, fourplusn.Errorf(fourplusn.Invalid, "give the name, phone, department or body to change")
		}
		e := grid.MemberEdit{Name: m.Name, Phone: m.Phone, Department: m.Department, Body: m.Body}
		if body.Name != nil {
			e.Name = *body.Name
		}
		if body.Phone != nil {
			e.Phone = *body.Phone
		}
		if body.Body != nil {
			e.Body = *body.Body
		}
		if body.Department != nil {
			var err error
			if e.Department, err = grid.ParseDepartment(*body.Department); err != nil {
				return m, err
			}
		}
		return s.cfg.Grid.EditMember(ctx, actor, m.ID, e)
	})
}

// grantPost is POST /members/{id}/posts: the member gains a post, which
// they act through from their next request. Needs ManageGrid at its cell.
func (s *server) grantPost(w http.ResponseWriter, req bunrouter.Request) error {
	return s.changeMember(w, req, func(ctx context.Context, actor grid.Actor, m grid.Member) (grid.Member, error) {
		var body postInJSON
		if err := decodeBody(w, req, &body, false); err != nil {
			return m, err
		}
		p, err := postIn(s.cfg.Grid.Directory(), actor.Township, "", body)
		if err != nil {
			return m, err
		}
		return s.cfg.Grid.GrantPost(ctx, actor, m.ID, p)
	})
}

// revokePost is POST /members/{id}/posts/revoke: the member loses a post.
// The open work they answer for through it alone goes to the successor
// named; without one, a post with such work is kept and the answer (409)
// lists the work. Needs ManageGrid at the post's cell.
func (s *server) revokePost(w http.ResponseWriter, req bunrouter.Request) error {
	return s.changeMember(w, req, func(ctx context.Context, actor grid.Actor, m grid.Member) (grid.Member, error) {
		var body revokeJSON
		if err := decodeBody(w, req, &body, false); err != nil {
			return m, err
		}
		p, err := postIn(s.cfg.Grid.Directory(), actor.Township, "", postInJSON{Role: body.Role, Cell: body.Cell})
		if err != nil {
			return m, err
		}
		return s.cfg.Grid.RevokePost(ctx, actor, m.ID, p, grid.MemberID(body.Successor))
	})
}

// deactivateMember is POST /members/{id}/deactivate: the member left. They
// hold no posts and sign in nowhere from now on, and their account, when
// the deployment keeps accounts, is disabled; their open work goes to the
// successor named, as when a post is revoked. Needs ManageGrid wherever
// they hold a post.
func (s *server) deactivateMember(w http.ResponseWriter, req bunrouter.Request) error {
	return s.changeMember(w, req, func(ctx context.Context, actor grid.Actor, m grid.Member) (grid.Member, error) {
		var body successorJSON
		if err := decodeBody(w, req, &body, true); err != nil {
			return m, err
		}
		left, err := s.cfg.Grid.DeactivateMember(ctx, actor, m.ID, grid.MemberID(body.Successor))
		if err != nil {
			return left, err
		}
		if s.serves("accounts") {
			if err := s.cfg.Accounts.Disable(ctx, left); err != nil && fourplusn.ErrorCode(err) != fourplusn.NotFound {
				return left, fmt.Errorf("member %s was deactivated, but their account was not disabled: %w", m.ID, err)
			}
		}
		return left, nil
	})
}

// staffAndMember returns the request's staff actor and the member of its
// path, who must be of the actor's township.
func (s *server) staffAndMember(req bunrouter.Request) (grid.Actor, grid.Member, error) {
	actor, err := staffOf(req)
	if err != nil {
		return actor, grid.Member{}, err
	}
	m, err := memberOf(s.cfg.Grid.Directory(), actor, req)
	return actor, m, err
}

// changeMember runs one change of the member of the request's path, who
// must be of the staff actor's township, and answers with the member as
// changed.
func (s *server) changeMember(w http.ResponseWriter, req bunrouter.Request, change func(context.Context, grid.Actor, grid.Member) (grid.Member, error)) error {
	actor, m, err := s.staffAndMember(req)
	if err != nil {
		return err
	}
	if m, err = change(req.Context(), actor, m); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.memberFor(actor, m))
}
