package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/uptrace/bunrouter"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
)

// Accounts are the staff's accounts, which the deployment keeps (the
// pilot, in its database): the API asks for a member's one-time password
// when they are added or have forgotten theirs, has an account disabled
// when its member leaves, and lists and revokes a member's own API
// tokens. Members are known to it by the grid's members, whose IDs are
// their logins.
//
// Errors carry the codes of package fourplusn: NotFound for a member
// without an account or a token that is not the member's, Conflict for an
// account that cannot change so; any other error is the store's.
type Accounts interface {
	// IssuePassword makes the account of member, just added, and returns
	// its one-time password, which they change when they first sign in.
	IssuePassword(ctx context.Context, member grid.Member) (string, error)
	// ResetPassword gives the account of member a new one-time password in
	// place of the one they forgot, and returns it; their sessions and
	// tokens end.
	ResetPassword(ctx context.Context, member grid.Member) (string, error)
	// Disable disables the account of member, who left: they sign in no
	// more, and their sessions and tokens end.
	Disable(ctx context.Context, member grid.Member) error
	// Tokens lists member's API tokens that have not expired, oldest
	// first.
	Tokens(ctx context.Context, member grid.MemberID) ([]Token, error)
	// RevokeToken revokes member's API token id: it authenticates no one
	// from then on.
	RevokeToken(ctx context.Context, member grid.MemberID, id string) error
}

// Token is an API token as its holder sees it listed: never the token
// itself, which is shown once when it is issued.
type Token struct {
	ID       string // the handle by which it is revoked
	Label    string // what it is for, as its holder wrote it
	Created  time.Time
	Expires  time.Time // the zero time for a token that does not expire
	LastUsed time.Time // the zero time for a token never used
}

func (s *server) routeAccounts(g *bunrouter.Group) {
	s.handle(g, http.MethodPost, "/members/:id/password", s.resetPassword)
	s.handle(g, http.MethodGet, "/tokens", s.listTokens)
	s.handle(g, http.MethodDelete, "/tokens/:id", s.revokeToken)
}

// passwordJSON is a one-time password, shown this once.
type passwordJSON struct {
	OneTimePassword string `json:"one_time_password"`
}

// tokensJSON lists the caller's API tokens.
type tokensJSON struct {
	Tokens []tokenJSON `json:"tokens"`
}

// tokenJSON is an API token as listed.
type tokenJSON struct {
	ID       string    `json:"id"`
	Label    string    `json:"label"`
	Created  timestamp `json:"created"`
	Expires  timestamp `json:"expires,omitempty"`
	LastUsed timestamp `json:"last_used,omitempty"`
}

// resetPassword is POST /members/{id}/password: a new one-time password
// for an active member's account, or for a member who has no account yet
// (one added by a roster) a new account. Needs ManageGrid wherever the
// member holds a post.
func (s *server) resetPassword(w http.ResponseWriter, req bunrouter.Request) error {
	actor, m, err := s.staffAndMember(req)
	if err != nil {
		return err
	}
	for _, p := range placesOf(m) {
		if err := s.policy.Can(actor, grid.ManageGrid, grid.Target{Cell: p}); err != nil {
			return err
		}
	}
	if m.Inactive {
		return fourplusn.Errorf(fourplusn.Conflict, "member %q left: grant them a post before they sign in again", m.ID)
	}
	if err := decodeBody(w, req, &noBodyJSON{}, true); err != nil {
		return err
	}
	ctx := req.Context()
	otp, err := s.cfg.Accounts.ResetPassword(ctx, m)
	if fourplusn.ErrorCode(err) == fourplusn.NotFound {
		otp, err = s.cfg.Accounts.IssuePassword(ctx, m)
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, passwordJSON{OneTimePassword: otp})
}

// listTokens is GET /tokens: the caller's own API tokens. Staff only.
func (s *server) listTokens(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := staffOf(req)
	if err != nil {
		return err
	}
	tokens, err := s.cfg.Accounts.Tokens(req.Context(), grid.MemberID(actor.ID))
	if err != nil {
		return err
	}
	out := tokensJSON{Tokens: make([]tokenJSON, len(tokens))}
	for i, t := range tokens {
		out.Tokens[i] = tokenJSON{ID: t.ID, Label: t.Label, Created: ts(t.Created), Expires: ts(t.Expires), LastUsed: ts(t.LastUsed)}
	}
	return writeJSON(w, http.StatusOK, out)
}

// revokeToken is DELETE /tokens/{id}: one of the caller's own API tokens
// revoked. Another's token is not found. Staff only.
func (s *server) revokeToken(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := staffOf(req)
	if err != nil {
		return err
	}
	id := req.Param("id")
	if !validID(id) {
		return fourplusn.Errorf(fourplusn.NotFound, "token not found")
	}
	if err := s.cfg.Accounts.RevokeToken(req.Context(), grid.MemberID(actor.ID), id); err != nil {
		return err
	}
	w.Header()["Cache-Control"] = noStore
	w.WriteHeader(http.StatusNoContent)
	return nil
}
