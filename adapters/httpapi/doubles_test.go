package httpapi_test

import (
	"context"
	"crypto/rand"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/httpapi"
	"github.com/fourplusn/fourplusn/grid"
)

// textRosters is a roster format of the tests' own, so that the roster
// routes are tested with a real reader and writer and not with canned
// answers: CSV records, one a cell or a member,
//
//	cell,<id>,<level>,<parent>,<name>
//	member,<id>,<name>,<phone>,<department>,<body>,<role>@<cell>;<role>@<cell>…
//
// read through encoding/csv and checked by the grid's own rules, with
// every problem placed by sheet (网格 for cells, 人员 for members), line
// and column.
type textRosters struct{}

var _ httpapi.Rosters = textRosters{}

// rosterProblems is the error of a roster file with problems.
type rosterProblems []httpapi.RosterProblem

func (p rosterProblems) Error() string {
	lines := make([]string, len(p))
	for i, q := range p {
		lines[i] = fmt.Sprintf("%s 第 %d 行 %s 列：%s", q.Sheet, q.Row, q.Column, q.Message)
	}
	return "花名册有问题：" + strings.Join(lines, "；")
}

func (p rosterProblems) Problems() []httpapi.RosterProblem { return p }

func (p rosterProblems) Unwrap() error {
	return &fourplusn.Error{Code: fourplusn.Invalid, Message: p.Error()}
}

// Columns of the records, as spreadsheet letters.
func column(i int) string { return string(rune('A' + i)) }

func (textRosters) Read(r io.Reader) (*grid.Tree, []grid.Member, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	var problems rosterProblems
	fault := func(sheet string, line, col int, format string, args ...any) {
		problems = append(problems, httpapi.RosterProblem{Sheet: sheet, Row: line, Column: column(col), Message: fmt.Sprintf(format, args...)})
	}
	type memberRow struct {
		line   int
		fields []string
	}
	var specs []grid.Spec
	var cellLines []int
	var memberRows []memberRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if pe, ok := errors.AsType[*csv.ParseError](err); ok {
			fault("", pe.Line, pe.Column-1, "无法读取：%v", pe.Err)
			return nil, nil, problems
		}
		if err != nil {
			return nil, nil, err
		}
		line, _ := cr.FieldPos(0)
		switch {
		case rec[0] == "cell" && len(rec) == 5:
			level, err := strconv.Atoi(rec[2])
			if err != nil {
				fault("网格", line, 2, "层级应为数字，不是“%s”", rec[2])
				continue
			}
			specs = append(specs, grid.Spec{ID: grid.CellID(rec[1]), Level: grid.Level(level), Parent: grid.CellID(rec[3]), Name: rec[4]})
			cellLines = append(cellLines, line)
		case rec[0] == "member" && len(rec) == 7:
			memberRows = append(memberRows, memberRow{line, rec})
		default:
			fault("", line, 0, "不是网格或人员的记录")
		}
	}
	if len(problems) > 0 {
		return nil, nil, problems
	}
	tree, err := grid.Build(grid.DefaultTitles, specs)
	if err != nil {
		var i int
		_, _ = fmt.Sscanf(fourplusn.ErrorField(err), "cells[%d]", &i)
		fault("网格", cellLines[i], 1, "%s", fourplusn.ErrorMessage(err))
		return nil, nil, problems
	}
	roots := tree.Roots()
	if len(roots) != 1 {
		fault("网格", 0, 0, "花名册应只有一个办事处，而不是 %d 个", len(roots))
		return nil, nil, problems
	}
	var members []grid.Member
	for _, row := range memberRows {
		f := row.fields
		m := grid.Member{ID: grid.MemberID(f[1]), Name: f[2], Phone: f[3], Body: f[5], Township: roots[0].ID}
		found := len(problems)
		var err error
		if m.Department, err = grid.ParseDepartment(f[4]); err != nil {
			fault("人员", row.line, 4, "部门“%s”不存在", f[4])
		}
		for post := range strings.SplitSeq(f[6], ";") {
			role, cell, _ := strings.Cut(post, "@")
			r, err := grid.ParseRole(role)
			if err != nil {
				fault("人员", row.line, 6, "岗位“%s”不存在", role)
				continue
			}
			c, err := tree.Cell(grid.CellID(cell))
			if err != nil {
				fault("人员", row.line, 6, "网格“%s”不在花名册中", cell)
				continue
			}
			m.Posts = append(m.Posts, grid.Post{Role: r, Cell: c.Path})
		}
		if err := m.Validate(); err != nil && len(problems) == found {
			fault("人员", row.line, 0, "%s", fourplusn.ErrorMessage(err))
		}
		members = append(members, m)
	}
	if len(problems) > 0 {
		return nil, nil, problems
	}
	return tree, members, nil
}

func (textRosters) Write(w io.Writer, tree *grid.Tree, members []grid.Member) error {
	cw := csv.NewWriter(w)
	for _, c := range tree.Cells() {
		if err := cw.Write([]string{"cell", string(c.ID), strconv.Itoa(int(c.Level())), string(c.Parent()), c.Name}); err != nil {
			return err
		}
	}
	for _, m := range members {
		posts := make([]string, len(m.Posts))
		for i, p := range m.Posts {
			posts[i] = p.Role.String() + "@" + string(p.Cell.Cell())
		}
		if err := cw.Write([]string{"member", string(m.ID), m.Name, m.Phone, m.Department.String(), m.Body, strings.Join(posts, ";")}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// memAccounts are staff accounts kept in memory, whose API tokens are the
// fixture's TokenAuth's: revoking one, or disabling its account, stops it
// from authenticating.
type memAccounts struct {
	auth *httpapi.TokenAuth
	now  func() time.Time

	mu       sync.Mutex
	accounts map[grid.MemberID]*account
	tokens   map[string]*heldToken // by the listing's ID
	issued   int
}

type account struct {
	otp      string
	disabled bool
}

type heldToken struct {
	member  grid.MemberID
	token   string
	listing httpapi.Token
}

var _ httpapi.Accounts = (*memAccounts)(nil)

func newMemAccounts(auth *httpapi.TokenAuth, now func() time.Time) *memAccounts {
	return &memAccounts{auth: auth, now: now, accounts: map[grid.MemberID]*account{}, tokens: map[string]*heldToken{}}
}

func (a *memAccounts) IssuePassword(_ context.Context, m grid.Member) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.accounts[m.ID]; ok {
		return "", fourplusn.Errorf(fourplusn.Conflict, "member %q has an account", m.ID)
	}
	otp := rand.Text()
	a.accounts[m.ID] = &account{otp: otp}
	return otp, nil
}

func (a *memAccounts) ResetPassword(ctx context.Context, m grid.Member) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	acc, ok := a.accounts[m.ID]
	if !ok {
		return "", fourplusn.Errorf(fourplusn.NotFound, "member %q has no account", m.ID)
	}
	acc.otp, acc.disabled = rand.Text(), false
	return acc.otp, a.endTokens(ctx, m.ID)
}

func (a *memAccounts) Disable(ctx context.Context, m grid.Member) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	acc, ok := a.accounts[m.ID]
	if !ok {
		return fourplusn.Errorf(fourplusn.NotFound, "member %q has no account", m.ID)
	}
	acc.disabled, acc.otp = true, ""
	return a.endTokens(ctx, m.ID)
}

// endTokens revokes every token of member; a.mu is held.
func (a *memAccounts) endTokens(ctx context.Context, member grid.MemberID) error {
	for id, t := range a.tokens {
		if t.member == member {
			if err := a.auth.Revoke(ctx, t.token); err != nil {
				return err
			}
			delete(a.tokens, id)
		}
	}
	return nil
}

func (a *memAccounts) Tokens(_ context.Context, member grid.MemberID) ([]httpapi.Token, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []httpapi.Token
	for _, t := range a.tokens {
		if t.member == member {
			out = append(out, t.listing)
		}
	}
	slices.SortFunc(out, func(x, y httpapi.Token) int { return strings.Compare(x.ID, y.ID) })
	return out, nil
}

func (a *memAccounts) RevokeToken(ctx context.Context, member grid.MemberID, id string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	t, ok := a.tokens[id]
	if !ok || t.member != member {
		return fourplusn.Errorf(fourplusn.NotFound, "token not found")
	}
	if err := a.auth.Revoke(ctx, t.token); err != nil {
		return err
	}
	delete(a.tokens, id)
	return nil
}

// signIn trades member's one-time password for an API token labelled
// label, as a first sign-in would, and returns the token and its ID.
func (a *memAccounts) signIn(ctx context.Context, m grid.Member, otp, label string) (string, string, error) {
	a.mu.Lock()
	acc, ok := a.accounts[m.ID]
	valid := ok && !acc.disabled && acc.otp != "" && acc.otp == otp
	a.mu.Unlock()
	if !valid {
		return "", "", fourplusn.Errorf(fourplusn.Unauthorized, "wrong password")
	}
	return a.issueToken(ctx, m, label)
}

// issueToken issues member an API token labelled label, and returns it
// and its ID.
func (a *memAccounts) issueToken(ctx context.Context, m grid.Member, label string) (string, string, error) {
	token, err := a.auth.IssueToken(ctx, m.Actor())
	if err != nil {
		return "", "", err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.issued++
	id := fmt.Sprintf("tok-%04d", a.issued)
	created := a.now().UTC()
	a.tokens[id] = &heldToken{member: m.ID, token: token, listing: httpapi.Token{ID: id, Label: label, Created: created, Expires: created.Add(30 * 24 * time.Hour)}}
	return token, id, nil
}
