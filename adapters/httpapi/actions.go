package httpapi

import (
	"context"
	"net/http"

	"github.com/uptrace/bunrouter"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
)

// versioned is how the API reads, answers with and checks the version of
// one kind of record — cases, hazards — so that their actions share one
// handler.
type versioned[ID ~string, R any] struct {
	id      func(bunrouter.Request) (ID, error)
	get     func(context.Context, grid.Actor, ID) (*R, error)
	version func(*R) int64
	write   func(http.ResponseWriter, int, *R) error
}

// recordAction registers POST path (ending in an action's name): it reads
// the body into a B (which may be empty when optional), takes the version
// from If-Match, runs do as the request's actor, and answers with the
// record and its ETag.
func recordAction[ID ~string, R, B any](s *server, g *bunrouter.Group, path string, k versioned[ID, R], do func(context.Context, grid.Actor, ID, int64, *B) (*R, error), optional bool) {
	s.handle(g, http.MethodPost, path, func(w http.ResponseWriter, req bunrouter.Request) error {
		actor, err := signedIn(req)
		if err != nil {
			return err
		}
		id, err := k.id(req)
		if err != nil {
			return err
		}
		version, matched, err := ifMatch(req)
		if err != nil {
			return err
		}
		var body B
		if err := decodeBody(w, req, &body, optional); err != nil {
			return err
		}
		ctx := req.Context()
		r, err := do(ctx, actor, id, version, &body)
		if err != nil {
			return k.stale(ctx, actor, id, version, matched, err)
		}
		return k.write(w, http.StatusOK, r)
	})
}

// stale explains a failed action. When the request named a version with
// If-Match and the domain answered Conflict, the record is read again as
// the actor sees it: a version other than the one named makes it 412
// Precondition Failed, while the same version means the conflict was the
// record's state, a 409. Reading it as the actor also keeps a stale
// version from revealing a record the actor may not see, which the store
// checks before it authorizes: that stays 404.
func (k versioned[ID, R]) stale(ctx context.Context, actor grid.Actor, id ID, version int64, matched bool, err error) error {
	if !matched || fourplusn.ErrorCode(err) != fourplusn.Conflict {
		return err
	}
	r, gerr := k.get(ctx, actor, id)
	if gerr != nil {
		return gerr
	}
	if k.version(r) != version {
		return errPrecondition
	}
	return err
}
