package pilot

import (
	"context"
	"errors"
	"io"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/httpapi"
	"github.com/fourplusn/fourplusn/adapters/roster"
	"github.com/fourplusn/fourplusn/grid"
)

// The parts of the API that the pilot's other adapters serve: the roster
// file format and the staff's accounts.

// apiRosters reads and writes rosters for the API with package roster.
type apiRosters struct{ app *App }

var _ httpapi.Rosters = apiRosters{}

// Read reads and resolves a roster file; its problems are the API's.
func (r apiRosters) Read(in io.Reader) (*grid.Tree, []grid.Member, error) {
	tree, members, err := roster.Check(in, r.app.Grid.Directory().Tree().Titles())
	var ps *roster.Problems
	if errors.As(err, &ps) {
		return nil, nil, rosterProblems{ps: ps}
	}
	return tree, members, err
}

// Write writes the roster of tree's township and its members.
func (r apiRosters) Write(w io.Writer, tree *grid.Tree, members []grid.Member) error {
	ro, err := grid.RosterOf(tree, tree.Roots()[0].ID, members)
	if err != nil {
		return err
	}
	return roster.Write(w, ro, tree.Titles())
}

// rosterProblems are a roster file's problems, as the API lists them.
type rosterProblems struct{ ps *roster.Problems }

// Error lists the problems.
func (p rosterProblems) Error() string { return p.ps.Error() }

// Unwrap returns the problems as package roster has them: an Invalid
// error.
func (p rosterProblems) Unwrap() error { return p.ps }

// Problems lists the problems.
func (p rosterProblems) Problems() []httpapi.RosterProblem {
	out := make([]httpapi.RosterProblem, len(p.ps.List))
	for i, x := range p.ps.List {
		out[i] = httpapi.RosterProblem(x)
	}
	return out
}

// apiAccounts serves the API's account routes from the pilot's accounts.
type apiAccounts struct{ app *App }

var _ httpapi.Accounts = apiAccounts{}

// IssuePassword gives a member just added an account.
func (a apiAccounts) IssuePassword(ctx context.Context, m grid.Member) (string, error) {
	return a.app.Accounts.Issue(ctx, string(m.ID), string(m.Township))
}

// ResetPassword gives m a new one-time password.
func (a apiAccounts) ResetPassword(ctx context.Context, m grid.Member) (string, error) {
	return a.app.ResetPassword(ctx, string(m.ID))
}

// Disable disables the account of m, who left; a member without one has
// nothing to disable.
func (a apiAccounts) Disable(ctx context.Context, m grid.Member) error {
	if err := a.app.Accounts.Disable(ctx, string(m.ID)); fourplusn.ErrorCode(err) != fourplusn.NotFound {
		return err
	}
	return nil
}

// Tokens lists member's tokens that have not expired.
func (a apiAccounts) Tokens(ctx context.Context, member grid.MemberID) ([]httpapi.Token, error) {
	ts, err := a.app.Accounts.Tokens(ctx, string(member))
	if err != nil {
		return nil, err
	}
	out := make([]httpapi.Token, len(ts))
	for i, t := range ts {
		out[i] = httpapi.Token{ID: t.ID, Label: t.Label, Created: t.Created, Expires: t.Expires, LastUsed: t.LastUsed}
	}
	return out, nil
}

// RevokeToken revokes member's token id; another member's is not found.
func (a apiAccounts) RevokeToken(ctx context.Context, member grid.MemberID, id string) error {
	return a.app.revokeOwnToken(ctx, member, id)
}

// revokeOwnToken revokes member's token id, and only theirs: the accounts
// revoke any token by its handle, so whose it is is checked here.
func (a *App) revokeOwnToken(ctx context.Context, member grid.MemberID, id string) error {
	ts, err := a.Accounts.Tokens(ctx, string(member))
	if err != nil {
		return err
	}
	for _, t := range ts {
		if t.ID == id {
			return a.Accounts.RevokeToken(ctx, id)
		}
	}
	return fourplusn.Errorf(fourplusn.NotFound, "token %s not found", id)
}
