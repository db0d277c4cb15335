package accounts

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"golang.org/x/text/unicode/norm"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/httpapi"
	"github.com/fourplusn/fourplusn/grid"
)

// Result is who a login signed in.
type Result struct {
	Member   string
	Township string
	// MustChange says the member signed in with their one-time password,
	// which allows nothing but choosing a password (SetPassword with it as
	// the old one): the caller asks for one now and starts no session.
	MustChange bool
}

// errWrong is the one error of wrong credentials: it does not say whether
// the login or the password was wrong, nor whether the account is
// disabled.
var errWrong = &fourplusn.Error{Code: fourplusn.Unauthorized, Message: "wrong login or password"}

// LockedError says a login is locked, after MaxFailures wrong passwords
// in a row, until Until; even the right password is refused until then.
// Login returns it inside an Unauthorized error; errors.As finds it, for
// the caller to say until when.
type LockedError struct {
	Until time.Time
}

// Error says until when the login is locked.
func (e *LockedError) Error() string {
	return "too many wrong passwords: the login is locked until " + e.Until.UTC().Format(time.RFC3339)
}

func lockedError(until time.Time) error {
	le := &LockedError{Until: until}
	return &fourplusn.Error{Code: fourplusn.Unauthorized, Message: le.Error(), Err: le}
}

// account is an account's row.
type account struct {
	member, township string
	passwordHash     string
	otpDigest        string
	otpExpires       time.Time
	disabled         bool
	created, changed time.Time
}

// readAccount returns member's account; found is false when there is
// none.
func readAccount(ctx context.Context, db bun.IDB, member string) (acct account, found bool, err error) {
	var otpExpires, created, changed int64
	var disabled int
	err = db.QueryRowContext(ctx, "SELECT township, password_hash, otp_digest, otp_expires, disabled, created, changed FROM accounts_members WHERE member = ?", member).
		Scan(&acct.township, &acct.passwordHash, &acct.otpDigest, &otpExpires, &disabled, &created, &changed)
	if errors.Is(err, sql.ErrNoRows) {
		return account{}, false, nil
	}
	if err != nil {
		return account{}, false, err
	}
	acct.member, acct.disabled = member, disabled != 0
	acct.otpExpires, acct.created, acct.changed = fromColumn(otpExpires), fromColumn(created), fromColumn(changed)
	return acct, true, nil
}

// Login checks login's password, or their one-time password, and returns
// who signed in. client is the address the attempt comes from, for the
// log.
//
// Wrong credentials are one Unauthorized error, whatever was wrong: an
// unknown login, a wrong password, an expired or used one-time password, a
// disabled account. An unknown login takes as long as a known one. After
// MaxFailures failures in a row the login is locked, for LockFor at first
// and twice as long at each further lock in a row, up to MaxLock; while it
// is locked every attempt, even with the right password, is refused with
// an Unauthorized error holding a *LockedError, and is not counted. A
// login that signs in starts again from no failures; so does one that has
// not failed for FailureWindow. Unlock and Reset lift a lock. Logins
// without an account are counted and locked too, so that a lock does not
// tell which accounts exist. Limits per address are the caller's.
func (a *Accounts) Login(ctx context.Context, login, password, client string) (Result, error) {
	acct, withOTP, err := a.verify(ctx, login, password, client)
	if err != nil {
		return Result{}, err
	}
	return Result{Member: acct.member, Township: acct.township, MustChange: withOTP}, nil
}

// verify checks that password, or the waiting one-time password, is
// login's, counting the failures and keeping the lock as Login says, and
// returns the account as it was read and whether the one-time password
// matched.
func (a *Accounts) verify(ctx context.Context, login, password, client string) (account, bool, error) {
	now := a.now()
	if grid.ValidateMemberID(grid.MemberID(login)) != nil {
		// No account can have it, so nothing is counted: only the time
		// is spent.
		passwordMatches(a.dummyHash(), password)
		return account{}, false, errWrong
	}
	if until, err := a.lockedUntil(ctx, login, now); err != nil || !until.IsZero() {
		if err != nil {
			return account{}, false, fmt.Errorf("accounts: read the lock of %s: %w", login, err)
		}
		return account{}, false, lockedError(until)
	}
	acct, found, err := readAccount(ctx, a.db, login)
	if err != nil {
		return account{}, false, fmt.Errorf("accounts: read account %s: %w", login, err)
	}
	// One bcrypt comparison whatever the account, so that the time taken
	// tells nothing: against the dummy hash when there is no password.
	hash := acct.passwordHash
	if hash == "" {
		hash = a.dummyHash()
	}
	withPassword := passwordMatches(hash, password) && acct.passwordHash != ""
	withOTP := acct.otpDigest != "" && now.Before(acct.otpExpires) &&
		subtle.ConstantTimeCompare([]byte(otpDigest(password)), []byte(acct.otpDigest)) == 1
	if !found || acct.disabled || !withPassword && !withOTP {
		return account{}, false, a.fail(ctx, login, now, client)
	}
	if err := a.succeed(ctx, login, now); err != nil {
		return account{}, false, err
	}
	return acct, withOTP && !withPassword, nil
}

// lockedUntil returns when login's lock ends, or the zero time when it is
// not locked at now.
func (a *Accounts) lockedUntil(ctx context.Context, login string, now time.Time) (time.Time, error) {
	var until int64
	err := a.db.QueryRowContext(ctx, "SELECT locked_until FROM accounts_logins WHERE login = ?", login).Scan(&until)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return time.Time{}, nil
	case err != nil:
		return time.Time{}, err
	case until <= column(now):
		return time.Time{}, nil
	}
	return fromColumn(until), nil
}

// fail counts a failure of login at now and returns the error of the
// attempt: errWrong, or a lock's error when this failure locks the login.
// The count is one upsert, in a transaction with the lock it may cause,
// so that failures racing on one login are all counted: the row stays
// locked (PostgreSQL) or the database written by one (SQLite) until both
// are done.
func (a *Accounts) fail(ctx context.Context, login string, now time.Time, client string) error {
	var failures int
	var until time.Time
	err := a.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// Failures older than the window no longer count, this login's
		// included; they are swept here, as new ones come.
		if _, err := tx.ExecContext(ctx, "DELETE FROM accounts_logins WHERE last_failure < ? AND locked_until < ?",
			column(now.Add(-a.opts.FailureWindow)), column(now)); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, "INSERT INTO accounts_logins (login, failures, last_failure, locked_until) VALUES (?, 1, ?, 0) "+
			"ON CONFLICT (login) DO UPDATE SET failures = accounts_logins.failures + 1, last_failure = excluded.last_failure "+
			"RETURNING failures", login, column(now)).Scan(&failures)
		if err != nil || failures%a.opts.MaxFailures != 0 {
			return err
		}
		until = now.Add(a.lockFor(failures / a.opts.MaxFailures))
		_, err = tx.ExecContext(ctx, "UPDATE accounts_logins SET locked_until = ? WHERE login = ?", column(until), login)
		return err
	})
	if err != nil {
		return fmt.Errorf("accounts: count a failed login of %s: %w", login, err)
	}
	if until.IsZero() {
		return errWrong
	}
	a.opts.Logger.WarnContext(ctx, "accounts: login locked after repeated wrong passwords",
		"member", login, "failures", failures, "until", until, "client", client)
	return lockedError(until)
}

// lockFor returns how long the n-th lock in a row lasts: LockFor, doubled
// n-1 times, at most MaxLock.
func (a *Accounts) lockFor(n int) time.Duration {
	d := a.opts.LockFor
	for i := 1; i < n && d < a.opts.MaxLock; i++ {
		d *= 2
	}
	return min(d, a.opts.MaxLock)
}

// succeed forgets login's failures after it signed in at now, unless a
// failure racing with it locked the login meanwhile: then the lock stands
// and the sign-in is refused.
func (a *Accounts) succeed(ctx context.Context, login string, now time.Time) error {
	res, err := a.db.ExecContext(ctx, "DELETE FROM accounts_logins WHERE login = ? AND locked_until <= ?", login, column(now))
	if err != nil {
		return fmt.Errorf("accounts: forget the failures of %s: %w", login, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 1 {
		return nil
	}
	until, err := a.lockedUntil(ctx, login, now)
	switch {
	case err != nil:
		return fmt.Errorf("accounts: read the lock of %s: %w", login, err)
	case !until.IsZero():
		return lockedError(until)
	}
	return nil
}

// Unlock lifts the lock of member's login and forgets their failures.
// Returns a NotFound error when member has no account.
func (a *Accounts) Unlock(ctx context.Context, member string) error {
	err := a.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, found, err := readAccount(ctx, tx, member); err != nil || !found {
			if err == nil {
				err = notFound(member)
			}
			return err
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM accounts_logins WHERE login = ?", member)
		return err
	})
	return wrap("unlock", member, err)
}

// PasswordChange is a member's change of their own password.
type PasswordChange struct {
	Member string
	// Old is the current password, or the waiting one-time password of a
	// member who has none yet.
	Old string
	New string
	// Forbidden are words the password may not be (see CheckPassword):
	// the member's phone and name.
	Forbidden []string
	// Session is the secret of the session making the change, which goes
	// on; the member's other sessions end. Empty ends them all.
	Session string
	// Client is the address the change comes from, for the log.
	Client string
}

// SetPassword makes c.New the password of c.Member, who proves who they
// are with c.Old. A one-time password used so is spent: it signs in no
// more, and of two changes racing with it only one succeeds. The member's
// sessions other than c.Session end; their API tokens go on.
//
// Returns an Invalid error of the field "password" holding a
// *PasswordError when c.New breaks a rule of CheckPassword or is c.Old,
// every broken rule listed; and, when c.Old is wrong, the errors of Login,
// counting towards the same lock.
func (a *Accounts) SetPassword(ctx context.Context, c PasswordChange) error {
	broken := passwordRules(c.New, c.Member, c.Forbidden)
	if norm.NFKC.String(c.New) == norm.NFKC.String(c.Old) {
		broken = append(broken, RuleUnchanged)
	}
	if err := passwordError(broken); err != nil {
		return err
	}
	acct, _, err := a.verify(ctx, c.Member, c.Old, c.Client)
	if err != nil {
		return err
	}
	hash, err := hashPassword(c.New, a.opts.Cost)
	if err != nil {
		return fmt.Errorf("accounts: hash a password: %w", err)
	}
	now := a.now()
	keep := ""
	if c.Session != "" {
		keep = httpapi.HashToken(c.Session)
	}
	err = a.revoking(ctx, acct.member, func(ctx context.Context, tx bun.Tx) (string, error) {
		// Only if the account is still as verify read it: a change racing
		// with this one, with the same one-time password, finds it changed
		// and fails.
		res, err := tx.ExecContext(ctx, "UPDATE accounts_members SET password_hash = ?, otp_digest = '', otp_expires = 0, changed = ? "+
			"WHERE member = ? AND password_hash = ? AND otp_digest = ? AND disabled = 0",
			hash, column(now), acct.member, acct.passwordHash, acct.otpDigest)
		if err != nil {
			return acct.member, err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			if err == nil {
				err = errWrong
			}
			return acct.member, err
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM accounts_sessions WHERE member = ? AND digest <> ?", acct.member, keep)
		return acct.member, err
	})
	return wrap("set the password of", c.Member, err)
}

// Disable deactivates member's account: their login is refused, and their
// sessions and API tokens end, at once. Returns a NotFound error when
// member has no account.
func (a *Accounts) Disable(ctx context.Context, member string) error {
	err := a.revoking(ctx, member, func(ctx context.Context, tx bun.Tx) (string, error) {
		res, err := tx.ExecContext(ctx, "UPDATE accounts_members SET disabled = 1 WHERE member = ?", member)
		if err := oneRow(res, err, member); err != nil {
			return member, err
		}
		return member, endAccess(ctx, tx, member)
	})
	return wrap("disable", member, err)
}

// Enable reactivates member's account: they may sign in again with the
// password they had, but the sessions and tokens that ended stay ended.
// Returns a NotFound error when member has no account.
func (a *Accounts) Enable(ctx context.Context, member string) error {
	res, err := a.db.ExecContext(ctx, "UPDATE accounts_members SET disabled = 0 WHERE member = ?", member)
	return wrap("enable", member, oneRow(res, err, member))
}

// Account is the state of a member's account, for an administrator's
// page.
type Account struct {
	Member   string
	Township string
	Disabled bool
	// MustChange says the member has not chosen a password: only their
	// one-time password signs them in, until OneTimeExpires.
	MustChange     bool
	OneTimeExpires time.Time // zero when no one-time password waits
	LockedUntil    time.Time // zero when the login is not locked
	Created        time.Time
	Changed        time.Time // when the member last chose a password; zero if never
}

// Account returns the state of member's account, or a NotFound error.
func (a *Accounts) Account(ctx context.Context, member string) (Account, error) {
	now := a.now()
	acct, found, err := readAccount(ctx, a.db, member)
	if err == nil && !found {
		err = notFound(member)
	}
	if err != nil {
		return Account{}, wrap("read account", member, err)
	}
	until, err := a.lockedUntil(ctx, member, now)
	if err != nil {
		return Account{}, wrap("read the lock of", member, err)
	}
	out := Account{
		Member: member, Township: acct.township, Disabled: acct.disabled,
		MustChange: acct.passwordHash == "", LockedUntil: until,
		Created: acct.created, Changed: acct.changed,
	}
	if acct.otpDigest != "" {
		out.OneTimeExpires = acct.otpExpires
	}
	return out, nil
}

// endAccess ends member's sessions and API tokens.
func endAccess(ctx context.Context, tx bun.Tx, member string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM accounts_sessions WHERE member = ?", member); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "DELETE FROM accounts_tokens WHERE member = ?", member)
	return err
}

// notFound is the error of a member without an account.
func notFound(member string) error {
	return fourplusn.Errorf(fourplusn.NotFound, "member %s has no account", member)
}

// oneRow returns the error of an UPDATE of member's account: err, or a
// NotFound error when it changed no row.
func oneRow(res sql.Result, err error, member string) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound(member)
	}
	return nil
}

// wrap returns err of the operation op on member: nil, an *fourplusn.Error
// as it is, or any other error wrapped with what failed.
func wrap(op, member string, err error) error {
	var e *fourplusn.Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("accounts: %s %s: %w", op, member, err)
}
