package accounts

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
	"golang.org/x/text/unicode/norm"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/httpapi"
	"github.com/fourplusn/fourplusn/grid"
)

// Member names a member to give an account: their ID, which is their
// login, and the township they serve.
type Member struct {
	ID       string
	Township string
}

// otpAlphabet is the alphabet of one-time passwords: digits and capital
// letters without 0, 1, I and O, which are read for one another.
const otpAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

var otpEncoding = base32.NewEncoding(otpAlphabet).WithPadding(base32.NoPadding)

// otpBytes is the randomness of a one-time password: 80 bits, 16
// characters of otpAlphabet.
const otpBytes = 10

// newOTP returns a fresh one-time password, "ABCD-EFGH-JKMN-PQRS": 80
// random bits in four groups of four characters, to be read aloud or
// copied from a printed sheet.
//
// It is kept as its SHA-256 digest (otpDigest), as an API token is
// (httpapi.HashToken), not with bcrypt as a chosen password is: a slow
// hash only makes guessing a secret of low entropy from its digest
// expensive, and this one has 80 bits from crypto/rand, so finding it from
// its digest means some 2^79 SHA-256 computations on average, beyond any
// attacker, while it is usable for OneTimeTTL at most and only once. The
// fast digest is what lets an import give 10,000 members their passwords
// in well under a second, where bcrypt would take minutes.
func newOTP() (string, error) {
	var b [otpBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("accounts: random: %w", err)
	}
	s := otpEncoding.EncodeToString(b[:])
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16], nil
}

// otpDigest returns the digest a one-time password is kept as, of its
// canonical form: without spaces and hyphens, in capitals and half-width
// forms, so that "abcd efgh jkmn pqrs" typed from the sheet matches.
func otpDigest(otp string) string {
	s := strings.ToUpper(norm.NFKC.String(otp))
	s = strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, s)
	return httpapi.HashToken(s)
}

// Issue creates member's account in township and returns its one-time
// password, which is shown once and then kept only as a digest. The
// member signs in with it once, to choose a password of their own, within
// OneTimeTTL.
//
// Returns an Invalid error for a member ID that is not a login (see
// grid.ValidateMemberID) or a township that is not a cell ID, and a
// Conflict error when member has an account already (Reset gives it a new
// one-time password).
func (a *Accounts) Issue(ctx context.Context, member, township string) (string, error) {
	m := Member{ID: member, Township: township}
	if err := m.validate(); err != nil {
		return "", err
	}
	otps, err := a.create(ctx, []Member{m})
	if err != nil {
		return "", err
	}
	return otps[member], nil
}

// IssueMany creates the accounts of members, as Issue does, in one
// transaction: all or none. It returns each member's one-time password by
// member ID. An import of a roster calls it once for the whole roster.
//
// Returns an Invalid error naming the first member at fault
// ("members[3].id") for an ID or township Issue would refuse and for a
// member listed twice, and a Conflict error naming the members who have
// accounts already.
func (a *Accounts) IssueMany(ctx context.Context, members []Member) (map[string]string, error) {
	seen := make(map[string]int, len(members))
	for i, m := range members {
		if err := m.validate(); err != nil {
			return nil, fourplusn.WithField(fmt.Sprintf("members[%d]", i), err)
		}
		if j, dup := seen[m.ID]; dup {
			return nil, fourplusn.FieldError(fmt.Sprintf("members[%d].id", i), "member %s is listed twice, also as members[%d]", m.ID, j)
		}
		seen[m.ID] = i
	}
	return a.create(ctx, members)
}

// validate checks m's ID and township, naming the field at fault.
func (m Member) validate() error {
	if err := grid.ValidateMemberID(grid.MemberID(m.ID)); err != nil {
		return err
	}
	if err := grid.ValidateCellID(grid.CellID(m.Township)); err != nil {
		var e *fourplusn.Error
		errors.As(err, &e)
		return fourplusn.FieldError("township", "%s", e.Message)
	}
	return nil
}

// insertBatch is how many accounts one INSERT creates: enough that an
// import of 10,000 takes twenty statements, few enough that a statement
// stays well within what either engine accepts.
const insertBatch = 500

// create inserts the accounts of members, valid and distinct, each with a
// fresh one-time password, and returns the passwords.
func (a *Accounts) create(ctx context.Context, members []Member) (map[string]string, error) {
	now := a.now()
	expires := column(now.Add(a.opts.OneTimeTTL))
	otps := make(map[string]string, len(members))
	digests := make([]string, len(members))
	for i, m := range members {
		otp, err := newOTP()
		if err != nil {
			return nil, err
		}
		otps[m.ID], digests[i] = otp, otpDigest(otp)
	}
	var existing []string
	err := a.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for start := 0; start < len(members); start += insertBatch {
			end := min(start+insertBatch, len(members))
			var q strings.Builder
			q.WriteString("INSERT INTO accounts_members (member, township, password_hash, otp_digest, otp_expires, disabled, created, changed) VALUES ")
			args := make([]any, 0, 4*(end-start))
			for i := start; i < end; i++ {
				if i > start {
					q.WriteString(", ")
				}
				q.WriteString("(?, ?, '', ?, ?, 0, ?, 0)")
				args = append(args, members[i].ID, members[i].Township, digests[i], expires, column(now))
			}
			// An existing account is left as it is, and missing from what
			// the statement returns.
			q.WriteString(" ON CONFLICT (member) DO NOTHING RETURNING member")
			rows, err := tx.QueryContext(ctx, q.String(), args...)
			if err != nil {
				return err
			}
			inserted := make(map[string]bool, end-start)
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				inserted[id] = true
			}
			if err := rows.Close(); err != nil {
				return err
			}
			if err := rows.Err(); err != nil {
				return err
			}
			for _, m := range members[start:end] {
				if !inserted[m.ID] {
					existing = append(existing, m.ID)
				}
			}
		}
		if len(existing) > 0 {
			return errExisting
		}
		return nil
	})
	switch {
	case errors.Is(err, errExisting):
		return nil, existingError(existing)
	case err != nil:
		return nil, fmt.Errorf("accounts: create accounts: %w", err)
	}
	return otps, nil
}

// errExisting rolls back a creation that met existing accounts.
var errExisting = errors.New("accounts exist")

// existingError is the Conflict error of a creation that met the existing
// accounts of ids, which it names, the first ten of them.
func existingError(ids []string) error {
	const shown = 10
	if len(ids) <= shown {
		return fourplusn.Errorf(fourplusn.Conflict, "these members have accounts already: %s", strings.Join(ids, ", "))
	}
	return fourplusn.Errorf(fourplusn.Conflict, "%d members have accounts already: %s and %d more", len(ids), strings.Join(ids[:shown], ", "), len(ids)-shown)
}

// Reset gives member's account a new one-time password, returned as Issue
// returns it, in place of their password, which stops working. Their
// sessions and API tokens end at once, and a lock of their login is
// lifted: an administrator resets an account for a member they have
// recognised. A disabled account stays disabled.
//
// Returns a NotFound error when member has no account.
func (a *Accounts) Reset(ctx context.Context, member string) (string, error) {
	otp, err := newOTP()
	if err != nil {
		return "", err
	}
	now := a.now()
	err = a.revoking(ctx, member, func(ctx context.Context, tx bun.Tx) (string, error) {
		res, err := tx.ExecContext(ctx, "UPDATE accounts_members SET password_hash = '', otp_digest = ?, otp_expires = ? WHERE member = ?",
			otpDigest(otp), column(now.Add(a.opts.OneTimeTTL)), member)
		if err := oneRow(res, err, member); err != nil {
			return member, err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM accounts_logins WHERE login = ?", member); err != nil {
			return member, err
		}
		return member, endAccess(ctx, tx, member)
	})
	if err != nil {
		return "", wrap("reset", member, err)
	}
	return otp, nil
}

// Demo creates the accounts of members, as IssueMany does, each with
// password as its chosen password, and no one-time password to change it
// first. It is for demonstration data only, whose password everyone may
// know: it checks none of CheckPassword's rules.
func (a *Accounts) Demo(ctx context.Context, members []Member, password string) error {
	if _, err := a.IssueMany(ctx, members); err != nil {
		return err
	}
	hash, err := hashPassword(password, a.opts.Cost)
	if err != nil {
		return fmt.Errorf("accounts: hash the demo password: %w", err)
	}
	err = a.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, m := range members {
			if _, err := tx.ExecContext(ctx, "UPDATE accounts_members SET password_hash = ?, otp_digest = '', otp_expires = 0, changed = ? WHERE member = ?",
				hash, column(a.now()), m.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("accounts: set the demo password: %w", err)
	}
	return nil
}
