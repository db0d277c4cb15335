package httpapi

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
)

// Authenticator identifies the actor of a request. A request without
// credentials is the anonymous actor (grid.Actor{} with Kind
// grid.Anonymous), not an error: routes that need an actor refuse it with
// 401 themselves, and the public routes serve it. Credentials that are
// present but wrong, expired or malformed are an error with code
// fourplusn.Unauthorized.
type Authenticator interface {
	Authenticate(r *http.Request) (grid.Actor, error)
}

// tokenPrefix marks fourplusn's tokens, so that a leaked one is easy to
// recognise in logs and by secret scanners.
const tokenPrefix = "fpn_"

// maxTokenLen bounds the credentials TokenAuth reads; longer ones are
// refused before they are hashed.
const maxTokenLen = 256

// TokenStore keeps the digests of bearer tokens and the actor each one
// authenticates as. [TokenAuth] reads and writes tokens only through it, so
// that a server can keep them in its own database and they survive
// restarts; [MemoryTokens] is the in-memory one. The digest is
// [HashToken] of the token: a store never sees a token itself.
//
// A store must be safe for concurrent use. LookupToken of an unknown
// digest returns found false and no error; an error means the store
// failed, and the request is answered 500, not 401.
type TokenStore interface {
	SaveToken(ctx context.Context, digest string, actor grid.Actor) error
	LookupToken(ctx context.Context, digest string) (actor grid.Actor, found bool, err error)
	DeleteToken(ctx context.Context, digest string) error
}

// HashToken returns the digest under which a TokenStore keeps token: the
// lower-case hex SHA-256 of its bytes.
//
// A fast hash is enough here, where passwords would need a slow one
// (bcrypt, scrypt, Argon2): a slow hash makes guessing a low-entropy
// secret from its digest expensive, but each token is 32 bytes from
// crypto/rand, 256 bits of entropy, so there is nothing to guess — finding
// a token from its digest means inverting SHA-256 on a uniformly random
// input, which no amount of hashing speed makes feasible. The fast,
// unsalted digest also lets a request be authenticated with one indexed
// lookup instead of a slow comparison against every stored hash. Lookups
// by digest leak, at most, timing about the digest of a wrong guess, which
// says nothing about any valid token.
func HashToken(token string) string {
	d := sha256.Sum256([]byte(token))
	var digest [2 * sha256.Size]byte
	hex.Encode(digest[:], d[:])
	return string(digest[:])
}

// NewToken returns a fresh bearer token: "fpn_" and 32 random bytes in
// unpadded base64url. TokenAuth.IssueToken uses it; a server that issues
// tokens on its own (say, from a command line, into its database) can use
// it too and keep HashToken of the result.
func NewToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("issuing a token: %w", err)
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// TokenAuth is an Authenticator of bearer tokens ("Authorization: Bearer
// fpn_…") kept in a [TokenStore]. IssueToken makes a token for an actor;
// the token itself is returned once and only its digest ([HashToken]) is
// stored, so a dump of the table does not yield usable credentials.
//
// A TokenAuth is safe for concurrent use if its store is. Its zero value
// is not ready; use NewTokenAuth.
type TokenAuth struct {
	store TokenStore
}

var _ Authenticator = (*TokenAuth)(nil)

// NewTokenAuth returns an authenticator of the tokens in store; a nil
// store is a new, empty [MemoryTokens].
func NewTokenAuth(store TokenStore) *TokenAuth {
	if store == nil {
		store = NewMemoryTokens()
	}
	return &TokenAuth{store: store}
}

// IssueToken returns a new bearer token that authenticates as actor until
// revoked. Returns an Invalid error for an anonymous actor or one without
// an ID or township, and an error if the random source or the store fails.
func (a *TokenAuth) IssueToken(ctx context.Context, actor grid.Actor) (string, error) {
	switch {
	case actor.Kind == grid.Anonymous || actor.Kind > grid.System:
		return "", fourplusn.FieldError("kind", "tokens are issued to staff, residents and the system, not to kind %d", actor.Kind)
	case actor.ID == "":
		return "", fourplusn.FieldError("id", "the actor has no ID")
	case actor.Township == "":
		return "", fourplusn.FieldError("township", "the actor has no township")
	}
	token, err := NewToken()
	if err != nil {
		return "", err
	}
	if err := a.store.SaveToken(ctx, HashToken(token), actor); err != nil {
		return "", fmt.Errorf("storing a token: %w", err)
	}
	return token, nil
}

// Revoke withdraws token; it authenticates no one afterwards. Revoking an
// unknown token does nothing.
func (a *TokenAuth) Revoke(ctx context.Context, token string) error {
	if err := a.store.DeleteToken(ctx, HashToken(token)); err != nil {
		return fmt.Errorf("revoking a token: %w", err)
	}
	return nil
}

// Authenticate returns the actor of r's bearer token: the anonymous actor
// when r has no Authorization header, and an Unauthorized error when the
// header is not a bearer token or the token is unknown or revoked.
func (a *TokenAuth) Authenticate(r *http.Request) (grid.Actor, error) {
	token, present, err := BearerToken(r)
	if !present || err != nil {
		return grid.Actor{}, err
	}
	actor, found, err := a.store.LookupToken(r.Context(), HashToken(token))
	if err != nil {
		return grid.Actor{}, fmt.Errorf("looking up a token: %w", err)
	}
	if !found {
		return grid.Actor{}, errBadCredentials
	}
	return actor, nil
}

// BearerToken returns the bearer token of r's Authorization header.
// present is false, with no error, when r has no such header: the request
// is anonymous. A header that is repeated, not of the Bearer scheme, empty
// or longer than any token is an Unauthorized error. An Authenticator of
// its own can use it to read the header the way TokenAuth does.
func BearerToken(r *http.Request) (token string, present bool, err error) {
	header := r.Header.Values("Authorization")
	switch len(header) {
	case 0:
		return "", false, nil
	case 1:
	default:
		return "", true, errBadCredentials
	}
	scheme, token, ok := strings.Cut(header[0], " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", true, errBadCredentials
	}
	token = strings.TrimSpace(token)
	if token == "" || len(token) > maxTokenLen {
		return "", true, errBadCredentials
	}
	return token, true, nil
}

// MemoryTokens is a TokenStore in memory: tokens last as long as the
// process. It suits tests and single-process demos; a server whose tokens
// must survive a restart keeps them in its database instead. Safe for
// concurrent use; use NewMemoryTokens.
type MemoryTokens struct {
	mu     sync.RWMutex
	tokens map[string]grid.Actor
}

var _ TokenStore = (*MemoryTokens)(nil)

// NewMemoryTokens returns an empty in-memory token store.
func NewMemoryTokens() *MemoryTokens {
	return &MemoryTokens{tokens: map[string]grid.Actor{}}
}

// SaveToken keeps actor under digest, replacing any actor already there.
func (m *MemoryTokens) SaveToken(_ context.Context, digest string, actor grid.Actor) error {
	actor.Posts = slices.Clone(actor.Posts)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tokens[digest] = actor
	return nil
}

// LookupToken returns the actor kept under digest, a copy the caller may
// change.
func (m *MemoryTokens) LookupToken(_ context.Context, digest string) (grid.Actor, bool, error) {
	m.mu.RLock()
	actor, found := m.tokens[digest]
	m.mu.RUnlock()
	actor.Posts = slices.Clone(actor.Posts)
	return actor, found, nil
}

// DeleteToken forgets digest; forgetting an unknown digest does nothing.
func (m *MemoryTokens) DeleteToken(_ context.Context, digest string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.tokens, digest)
	return nil
}

// errBadCredentials is the one answer to every kind of wrong credentials,
// so that the answer tells an attacker nothing about which part was wrong.
var errBadCredentials = &fourplusn.Error{Code: fourplusn.Unauthorized, Message: "the credentials are not valid"}
