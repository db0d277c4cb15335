package accounts_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/fourplusn/fourplusn/adapters/accounts"
	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/internal/pgtest"
)

// hearWait bounds how long a test waits for another instance to hear a
// change: far above the milliseconds a NOTIFY takes, far below the
// kept credentials' 30 s backstop, which would otherwise refuse them.
const hearWait = 10 * time.Second

// pair is two instances of the accounts, each over its own handle of one
// database, as two pilots behind a load balancer open it, sharing a clock.
type pair struct {
	A, B     *accounts.Accounts
	StoreB   *bunstore.DB
	Clock    *clock
	postgres bool
}

// openPair opens two instances: on SQLite in one process over one store,
// as the pilot keeps one; on PostgreSQL over two stores on a fresh schema,
// the second's listener heard connecting before it returns.
func openPair(t *testing.T, postgres bool) *pair {
	t.Helper()
	ctx := context.Background()
	p := &pair{Clock: &clock{}, postgres: postgres}
	open := func(store *bunstore.DB) *accounts.Accounts {
		a, err := accounts.Open(ctx, store.Bun(), accounts.Options{Now: p.Clock.Now, Cost: bcrypt.MinCost,
			Logger: slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)), Reader: store.Reader(), Feed: store.Topic(bunstore.TopicAccounts)})
		require.NoError(t, err)
		return a
	}
	if !postgres {
		store := openSQLite(t)
		p.A, p.B, p.StoreB = open(store), open(store), store
		return p
	}
	dsn, schema := pgtest.Schema(t, pgtest.DSN(t, "the PostgreSQL run"), "fourplusn_accounts")
	stores := make([]*bunstore.DB, 2)
	for i := range stores {
		// Each store's connections name it, for a test to find them.
		u, err := url.Parse(dsn)
		require.NoError(t, err)
		q := u.Query()
		q.Set("application_name", fmt.Sprintf("%s_%d", schema, i))
		u.RawQuery = q.Encode()
		s, err := bunstore.Open(ctx, u.String())
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		stores[i] = s
	}
	connected := make(chan struct{}, 1)
	cancel := stores[1].Subscribe(func(c bunstore.Change) {
		if c.Topic == bunstore.TopicAll {
			select {
			case connected <- struct{}{}:
			default:
			}
		}
	})
	defer cancel()
	p.A, p.B, p.StoreB = open(stores[0]), open(stores[1]), stores[1]
	select {
	case <-connected:
	case <-time.After(hearWait):
		t.Fatal("the second instance's listener did not connect")
	}
	return p
}

// refused waits until ok reports false, as the second instance hears of
// the change: at once on SQLite, where the word is published as the
// commit returns; within hearWait on PostgreSQL.
func (p *pair) refused(t *testing.T, what string, ok func() bool) {
	t.Helper()
	began := time.Now()
	if !p.postgres {
		assert.False(t, ok(), "%s: refused by the other instance as the change returns", what)
		return
	}
	for ok() {
		if time.Since(began) > hearWait {
			t.Fatalf("%s: still accepted by the other instance after %v", what, hearWait)
		}
		time.Sleep(time.Millisecond)
	}
	t.Logf("%s: refused by the other instance %v after the change returned", what, time.Since(began))
}

// A token or session verified by one instance and kept is refused by it as
// soon as another instance revokes it, ends it or disables, resets or
// re-passwords its account; the instance that made the change refuses it
// at once.
func TestRevocationsHeardByEveryInstance(t *testing.T) {
	ctx := context.Background()
	const pw = "正确的密码-2026年"
	type credential struct{ token, session string }
	for _, engine := range []struct {
		name     string
		postgres bool
	}{{"SQLite", false}, {"PostgreSQL", true}} {
		t.Run(engine.name, func(t *testing.T) {
			p := openPair(t, engine.postgres)
			for i, c := range []struct {
				name    string
				session bool // the change ends sessions; tokens otherwise, or both with both
				token   bool
				change  func(member string, cr credential) error
			}{
				{"a token revoked", false, true, func(m string, cr credential) error {
					list, err := p.A.Tokens(ctx, m)
					if err != nil {
						return err
					}
					return p.A.RevokeToken(ctx, list[0].ID)
				}},
				{"a member's tokens revoked", false, true, func(m string, _ credential) error {
					_, err := p.A.RevokeTokensOf(ctx, m)
					return err
				}},
				{"a session ended", true, false, func(_ string, cr credential) error { return p.A.EndSession(ctx, cr.session) }},
				{"an account disabled", true, true, func(m string, _ credential) error { return p.A.Disable(ctx, m) }},
				{"an account reset", true, true, func(m string, _ credential) error {
					_, err := p.A.Reset(ctx, m)
					return err
				}},
				{"a password changed", true, false, func(m string, _ credential) error {
					return p.A.SetPassword(ctx, accounts.PasswordChange{Member: m, Old: pw, New: "另一个正确的密码-2027年"})
				}},
			} {
				t.Run(c.name, func(t *testing.T) {
					member := fmt.Sprintf("member.%d", i)
					withPassword(t, p.A, member, pw)
					token, _, err := p.A.IssueToken(ctx, member, "", 0)
					require.NoError(t, err)
					session, err := p.A.CreateSession(ctx, member)
					require.NoError(t, err)
					// Another member's credentials, kept by B too, are
					// not touched by the change.
					other := member + ".other"
					withPassword(t, p.A, other, pw)
					otherToken, _, err := p.A.IssueToken(ctx, other, "", 0)
					require.NoError(t, err)
					tokenOK := func(inst *accounts.Accounts, tok string) bool {
						m, ok, err := inst.Authenticate(ctx, tok)
						require.NoError(t, err)
						return ok && m != ""
					}
					sessionOK := func(inst *accounts.Accounts) bool {
						_, ok, err := inst.Session(ctx, session)
						require.NoError(t, err)
						return ok
					}
					for _, inst := range []*accounts.Accounts{p.A, p.B} {
						require.True(t, tokenOK(inst, token))
						require.True(t, sessionOK(inst))
						require.True(t, tokenOK(inst, otherToken))
					}
					require.NoError(t, c.change(member, credential{token, session}))
					if c.token {
						assert.False(t, tokenOK(p.A, token), "the token is refused at once by the instance that revoked it")
						p.refused(t, "the token", func() bool { return tokenOK(p.B, token) })
					}
					if c.session {
						assert.False(t, sessionOK(p.A), "the session is refused at once by the instance that ended it")
						p.refused(t, "the session", func() bool { return sessionOK(p.B) })
					}
					assert.True(t, tokenOK(p.B, otherToken), "another member's token goes on")
				})
			}
		})
	}
}

// A kept credential is trusted no longer than it is valid, to the
// nanosecond, and no longer than 30 s without being read again: a row
// deleted behind the accounts' back, with no word of it, is refused once
// the 30 s pass.
func TestKeptCredentialsExpire(t *testing.T) {
	ctx := context.Background()
	p := openPair(t, false)
	withPassword(t, p.A, "li.ming", "正确的密码-2026年")
	short, _, err := p.A.IssueToken(ctx, "li.ming", "", 10*time.Second)
	require.NoError(t, err)
	long, _, err := p.A.IssueToken(ctx, "li.ming", "", 0)
	require.NoError(t, err)
	for _, tok := range []string{short, long} {
		require.True(t, authenticates(t, p.B, tok, "li.ming"))
	}
	p.Clock.Advance(10*time.Second - 1)
	assert.True(t, authenticates(t, p.B, short, "li.ming"), "a nanosecond before its expiry")
	p.Clock.Advance(1)
	assert.False(t, authenticates(t, p.B, short, "li.ming"), "at its expiry, though kept for 20 s more")

	_, err = p.StoreB.Bun().ExecContext(ctx, "DELETE FROM accounts_tokens")
	require.NoError(t, err)
	assert.True(t, authenticates(t, p.B, long, "li.ming"), "kept: no word came of the deletion")
	p.Clock.Advance(20 * time.Second)
	assert.False(t, authenticates(t, p.B, long, "li.ming"), "read again 30 s after it was verified")
}

// When the connection that hears the changes breaks, whatever was kept is
// forgotten once it is made again: changes may have been missed meanwhile.
func TestLostListenerForgetsAll(t *testing.T) {
	ctx := context.Background()
	p := openPair(t, true)
	withPassword(t, p.A, "li.ming", "正确的密码-2026年")
	token, _, err := p.A.IssueToken(ctx, "li.ming", "", 0)
	require.NoError(t, err)
	require.True(t, authenticates(t, p.B, token, "li.ming"))
	// Deleted with no word: B keeps trusting what it verified — unless
	// its listener, on a loaded machine, found its connection slow and
	// made it again by itself already, forgetting all as it should.
	_, err = p.StoreB.Bun().ExecContext(ctx, "DELETE FROM accounts_tokens")
	require.NoError(t, err)
	if !authenticates(t, p.B, token, "li.ming") {
		t.Skip("the listener connected again by itself before the test broke its connection: nothing was kept to forget")
	}

	var schema string
	require.NoError(t, p.StoreB.Bun().QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema))
	// Only the second store's listener, by the name its connections give.
	res, err := p.StoreB.Bun().ExecContext(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ? AND query LIKE 'LISTEN%'",
		schema+"_1")
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	require.Positive(t, n, "the listener's connection found")
	// The listener connects again after a second and then says it may
	// have missed changes.
	p.refused(t, "the token deleted while no word could come", func() bool { return authenticates(t, p.B, token, "li.ming") })
}
