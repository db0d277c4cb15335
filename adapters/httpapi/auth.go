package httpapi

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
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

// TokenAuth is an Authenticator of bearer tokens ("Authorization: Bearer
// fpn_…") kept in memory. IssueToken makes a token for an actor; the token
// itself is returned once and only its SHA-256 digest is kept, so a dump of
// the table does not yield usable credentials.
//
// A fast hash is enough here, where passwords would need a slow one
// (bcrypt, scrypt, Argon2): a slow hash makes guessing a low-entropy
// secret from its digest expensive, but each token is 32 bytes from
// crypto/rand, 256 bits of entropy, so there is nothing to guess — finding
// a token from its digest means inverting SHA-256 on a uniformly random
// input, which no amount of hashing speed makes feasible. The fast,
// unsalted digest also lets a request be authenticated with one map lookup
// instead of a slow comparison against every stored hash. Lookups by digest
// leak, at most, timing about the digest of a wrong guess, which says
// nothing about any valid token.
//
// A TokenAuth is safe for concurrent use. Its zero value is not ready;
// use NewTokenAuth.
type TokenAuth struct {
	mu     sync.RWMutex
	tokens map[[sha256.Size]byte]grid.Actor
}

var _ Authenticator = (*TokenAuth)(nil)

// NewTokenAuth returns an empty token table.
func NewTokenAuth() *TokenAuth {
	return &TokenAuth{tokens: map[[sha256.Size]byte]grid.Actor{}}
}

// IssueToken returns a new bearer token that authenticates as actor until
// revoked. Returns an Invalid error for an anonymous actor or one without
// an ID or township, and an error if the system's random source fails.
func (a *TokenAuth) IssueToken(actor grid.Actor) (string, error) {
	switch {
	case actor.Kind == grid.Anonymous || actor.Kind > grid.System:
		return "", fourplusn.FieldError("kind", "tokens are issued to staff, residents and the system, not to kind %d", actor.Kind)
	case actor.ID == "":
		return "", fourplusn.FieldError("id", "the actor has no ID")
	case actor.Township == "":
		return "", fourplusn.FieldError("township", "the actor has no township")
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("issuing a token: %w", err)
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	actor.Posts = slices.Clone(actor.Posts)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.tokens[sha256.Sum256([]byte(token))] = actor
	return token, nil
}

// Revoke withdraws token; it authenticates no one afterwards. Revoking an
// unknown token does nothing.
func (a *TokenAuth) Revoke(token string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.tokens, sha256.Sum256([]byte(token)))
}

// Authenticate returns the actor of r's bearer token: the anonymous actor
// when r has no Authorization header, and an Unauthorized error when the
// header is not a bearer token or the token is unknown or revoked.
func (a *TokenAuth) Authenticate(r *http.Request) (grid.Actor, error) {
	header := r.Header.Values("Authorization")
	switch len(header) {
	case 0:
		return grid.Actor{}, nil
	case 1:
	default:
		return grid.Actor{}, errBadCredentials
	}
	scheme, token, ok := strings.Cut(header[0], " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return grid.Actor{}, errBadCredentials
	}
	token = strings.TrimSpace(token)
	if token == "" || len(token) > maxTokenLen {
		return grid.Actor{}, errBadCredentials
	}
	digest := sha256.Sum256([]byte(token))
	a.mu.RLock()
	actor, found := a.tokens[digest]
	a.mu.RUnlock()
	if !found {
		return grid.Actor{}, errBadCredentials
	}
	actor.Posts = slices.Clone(actor.Posts)
	return actor, nil
}

// errBadCredentials is the one answer to every kind of wrong credentials,
// so that the answer tells an attacker nothing about which part was wrong.
var errBadCredentials = &fourplusn.Error{Code: fourplusn.Unauthorized, Message: "the credentials are not valid"}
