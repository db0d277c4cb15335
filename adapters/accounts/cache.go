package accounts

import (
	"context"
	"sync"
	"time"

	"github.com/uptrace/bun"
)

// Feed carries word of the accounts' changes between the instances sharing
// their database — processes behind one load balancer — so that each may
// keep the tokens and sessions it verified for a while and still refuse a
// revoked one as soon as the word arrives. bunstore.DB.Topic of
// bunstore.TopicAccounts is one; the accounts take it as this port so as
// not to depend on the store.
type Feed interface {
	// Announce makes a change of member's credentials heard by every
	// instance's Subscribe once tx commits, and by none if it rolls back;
	// committed is called once tx has committed.
	Announce(ctx context.Context, tx bun.Tx, member string) (committed func(), err error)
	// Subscribe calls heard with the member of every change announced by
	// any instance, and with "" when anything may have changed (many
	// changed, or changes were missed), until cancel is called. heard
	// must not block.
	Subscribe(heard func(member string)) (cancel func())
}

// cacheTTL bounds how long a verified token or session is trusted without
// being read again. It is a backstop only: a revocation is heard through
// the Feed within milliseconds, and this covers a word lost while the
// listener reconnects and has not yet said so.
const cacheTTL = 30 * time.Second

// cacheSize bounds the credentials kept: far above the staff of a county
// signed in at once, so that a full cache means someone is trying tokens.
const cacheSize = 10000

// credential is what a cache entry verified: a bearer token or a session.
type credential uint8

const (
	tokenCredential credential = iota
	sessionCredential
)

// cacheKey names a verified credential by its digest, so that the cache
// holds no secret.
type cacheKey struct {
	kind   credential
	digest string
}

// verified is a credential as it was read from the database.
type verified struct {
	member   string
	expires  time.Time // the credential's own expiry, compared with now at every use
	lastUsed time.Time // a token's, as recorded; zero for a session
	until    time.Time // when it must be read again (cacheTTL)
}

// credCache keeps the credentials verified lately. A nil *credCache keeps
// nothing: the accounts read every credential from the database when no
// Feed would tell them of a revocation made elsewhere.
type credCache struct {
	mu sync.Mutex
	// gen counts the drops: a credential read before a drop is not kept
	// after it, since the read may have preceded the revocation's commit.
	gen     uint64
	entries map[cacheKey]verified
}

// newCredCache returns an empty cache that feed empties.
func newCredCache(feed Feed) *credCache {
	c := &credCache{entries: map[cacheKey]verified{}}
	feed.Subscribe(c.drop)
	return c
}

// get returns the credential of k if it is kept, unexpired at now and
// within its cacheTTL.
func (c *credCache) get(k cacheKey, now time.Time) (verified, bool) {
	if c == nil {
		return verified{}, false
	}
	c.mu.Lock()
	v, ok := c.entries[k]
	c.mu.Unlock()
	if !ok || !now.Before(v.expires) || !now.Before(v.until) {
		return verified{}, false
	}
	return v, true
}

// generation returns the count of drops, read before a credential is
// looked up in the database and given to put.
func (c *credCache) generation() uint64 {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put keeps v as the credential of k, read when the count of drops was
// gen; not if a drop came since.
func (c *credCache) put(k cacheKey, v verified, gen uint64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if _, ok := c.entries[k]; !ok && len(c.entries) >= cacheSize {
		for other := range c.entries { // any one: map order is random
			delete(c.entries, other)
			break
		}
	}
	c.entries[k] = v
}

// drop forgets member's credentials, or all of them for "".
func (c *credCache) drop(member string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if member == "" {
		clear(c.entries)
		return
	}
	for k, v := range c.entries {
		if v.member == member {
			delete(c.entries, k)
		}
	}
}

// revoking runs fn in a transaction that ends or may end member's
// credentials ("" for anyone's), announcing it through the Feed so that
// every instance forgets them once it commits. This instance forgets them
// at once, even when the transaction fails, since a failed commit may
// have been made.
func (a *Accounts) revoking(ctx context.Context, member string, fn func(ctx context.Context, tx bun.Tx) (string, error)) error {
	var committed func()
	err := a.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		m, err := fn(ctx, tx)
		if err != nil {
			return err
		}
		member = m
		if a.opts.Feed == nil {
			return nil
		}
		committed, err = a.opts.Feed.Announce(ctx, tx, member)
		return err
	})
	a.cache.drop(member)
	if err == nil && committed != nil {
		committed()
	}
	return err
}
