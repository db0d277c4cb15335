// Package accounts keeps the accounts of a township's staff in a SQL
// database: passwords, one-time passwords, locks after repeated wrong
// passwords, web sessions and API tokens.
//
// A member's account is created with a one-time password, one by one
// (Issue) or for a whole roster in one transaction (IssueMany); it is read
// to them or handed to them on paper. They sign in with it once (Login says
// MustChange) to choose a password of their own (SetPassword), which must
// keep the rules of CheckPassword. An administrator can Reset a forgotten
// password to a new one-time password, Disable the account of a member who
// left and Enable it again, and Unlock a locked login; a reset or disabled
// account's sessions and tokens end at once.
//
// What is kept of each secret is a digest: bcrypt for passwords, which
// people choose and which may be guessed, and SHA-256 for one-time
// passwords, session secrets and API tokens, which are random and too long
// to guess (see newOTP and httpapi.HashToken). Every count and change is
// made in the database, so that several processes may share it.
//
// The package knows members only by ID, which is their login, and
// township; their posts and rights are the grid's. Its errors carry the
// codes of package fourplusn; what a person reads is the caller's to word:
// the rules a password breaks are Rule codes, and a lock's end is in a
// *LockedError.
package accounts
