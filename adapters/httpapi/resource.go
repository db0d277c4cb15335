package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/uptrace/bunrouter"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
)

// resource is how the API serves one kind of record — cases, hazards — so
// that the steps they share are written once: the ID read from the path,
// the record got as the actor may see it and answered with its ETag, its
// timeline, a page of a listing, a record just created, and the actions
// sent with If-Match (see action). R is the domain's record, J its JSON
// and F the filter its listing takes.
type resource[ID ~string, R, J, F any] struct {
	s *server
	// noun names a record in errors ("case"); path is where the routes
	// live below the API's prefix ("/cases").
	noun, path string
	svc        service[ID, R]
	// key returns a record's ID and version.
	key func(*R) (ID, int64)
	// view returns how a record, as the service presented it to its
	// reader, is shown at a time; out writes it so.
	view func(*R, time.Time) view
	out  func(*R, view) J
	// filters names the query parameters of the listing (see
	// listParams), and filter reads them into an F; list returns a page
	// of what the actor may see, and page writes it.
	filters []string
	filter  func(*query, time.Time) F
	list    func(context.Context, grid.Actor, F) ([]*R, ID, error)
	page    func(items []J, next string) any
}

// service is what a resource asks of its kind's domain service;
// mediation.Service and hazard.Service are each one.
type service[ID ~string, R any] interface {
	Get(ctx context.Context, actor grid.Actor, id ID) (*R, error)
	Timeline(ctx context.Context, actor grid.Actor, id ID) ([]timeline.Event, error)
}

// route registers the reads: GET path (the listing), GET path/{id} and
// GET path/{id}/timeline.
func (k *resource[ID, R, J, F]) route(g *bunrouter.Group) {
	k.s.handle(g, http.MethodGet, k.path, k.serveList)
	k.s.handle(g, http.MethodGet, k.path+"/:id", k.serveOne)
	k.s.handle(g, http.MethodGet, k.path+"/:id/timeline", k.serveTimeline)
}

// named returns the request's actor, who must be signed in, and the ID
// of the record its path names; one that cannot be an ID names no record.
func (k *resource[ID, R, J, F]) named(req bunrouter.Request) (grid.Actor, ID, error) {
	actor, err := signedIn(req)
	if err != nil {
		return actor, "", err
	}
	id := req.Param("id")
	if !validID(id) {
		return actor, "", fourplusn.Errorf(fourplusn.NotFound, "%s not found", k.noun)
	}
	return actor, ID(id), nil
}

// read returns the record of the request's path as its actor may see it.
func (k *resource[ID, R, J, F]) read(req bunrouter.Request) (*R, error) {
	actor, id, err := k.named(req)
	if err != nil {
		return nil, err
	}
	return k.svc.Get(req.Context(), actor, id)
}

// render writes r as it is shown at now.
func (k *resource[ID, R, J, F]) render(r *R, now time.Time) J {
	return k.out(r, k.view(r, now))
}

// answer answers with status, r and its ETag, through the answers kept:
// out writes r in the view the answer's key names.
func (k *resource[ID, R, J, F]) answer(w http.ResponseWriter, status int, r *R) error {
	id, version := k.key(r)
	key := answerKey{kind: k.path, id: string(id), view: k.view(r, k.s.now())}
	return k.s.answers.write(w, status, key, version, func(v view) any { return k.out(r, v) })
}

// created answers 201 with record id, just created by actor, read back
// through get so that it is shown as the actor may see it, like every
// other answer, and with its Location.
func (k *resource[ID, R, J, F]) created(ctx context.Context, w http.ResponseWriter, actor grid.Actor, id ID) error {
	r, err := k.svc.Get(ctx, actor, id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", k.url(id))
	return k.answer(w, http.StatusCreated, r)
}

// url is where record id is served, below the API's prefix.
func (k *resource[ID, R, J, F]) url(id ID) string { return k.s.api + k.path + "/" + string(id) }

// serveOne is GET path/{id}.
func (k *resource[ID, R, J, F]) serveOne(w http.ResponseWriter, req bunrouter.Request) error {
	r, err := k.read(req)
	if err != nil {
		return err
	}
	return k.answer(w, http.StatusOK, r)
}

// serveTimeline is GET path/{id}/timeline.
func (k *resource[ID, R, J, F]) serveTimeline(w http.ResponseWriter, req bunrouter.Request) error {
	actor, id, err := k.named(req)
	if err != nil {
		return err
	}
	events, err := k.svc.Timeline(req.Context(), actor, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, timelineOut(string(id), events))
}

// serveList is GET path: the records the actor may see, newest first, a
// page at a time.
func (k *resource[ID, R, J, F]) serveList(w http.ResponseWriter, req bunrouter.Request) error {
	actor, err := signedIn(req)
	if err != nil {
		return err
	}
	q, err := parseQuery(req, k.filters...)
	if err != nil {
		return err
	}
	f := k.filter(q, k.s.now())
	if q.err != nil {
		return q.err
	}
	rs, next, err := k.list(req.Context(), actor, f)
	if err != nil {
		return err
	}
	now := k.s.now()
	items := make([]J, len(rs))
	for i, r := range rs {
		items[i] = k.render(r, now)
	}
	return writeJSON(w, http.StatusOK, k.page(items, string(next)))
}

// action registers POST path/{id}/name, an action that changes a record:
// do runs it as the request's actor, on the version If-Match named (0 for
// none), with the body read into a B, and returns the record, which is the
// answer, with its ETag.
func action[ID ~string, R, J, F, B any](k *resource[ID, R, J, F], g *bunrouter.Group, name string, optional bool, do func(context.Context, grid.Actor, ID, int64, *B) (*R, error)) {
	act(k, g, name, optional, func(ctx context.Context, w http.ResponseWriter, t sent[ID], b *B) error {
		r, err := do(ctx, t.actor, t.id, t.version, b)
		if err != nil {
			return err
		}
		return k.answer(w, http.StatusOK, r)
	})
}

// sent is what the request of an action names: its actor, the record,
// the version If-Match named, if it named one (matched), and the route's
// parameters, for an action on a part of the record.
type sent[ID ~string] struct {
	actor   grid.Actor
	id      ID
	version int64
	matched bool
	params  bunrouter.Params
}

// act registers POST path/{id}/name, an action that writes its own answer:
// it reads the actor, the record's ID and If-Match, then the body into a B
// (which may be empty when optional), and runs do; what do fails with is
// explained by stale.
func act[ID ~string, R, J, F, B any](k *resource[ID, R, J, F], g *bunrouter.Group, name string, optional bool, do func(context.Context, http.ResponseWriter, sent[ID], *B) error) {
	k.s.handle(g, http.MethodPost, k.path+"/:id/"+name, func(w http.ResponseWriter, req bunrouter.Request) error {
		t := sent[ID]{params: req.Params()}
		var err error
		if t.actor, t.id, err = k.named(req); err != nil {
			return err
		}
		if t.version, t.matched, err = ifMatch(req); err != nil {
			return err
		}
		var body B
		if err := decodeBody(w, req, &body, optional); err != nil {
			return err
		}
		ctx := req.Context()
		if err := do(ctx, w, t, &body); err != nil {
			return k.stale(ctx, t, err)
		}
		return nil
	})
}

// stale explains a failed action. When the request named a version with
// If-Match and the domain answered Conflict, the record is read again as
// the actor sees it: a version other than the one named makes it 412
// Precondition Failed, while the same version means the conflict was the
// record's state, a 409. Reading it as the actor also keeps a stale
// version from revealing a record the actor may not see, which the store
// checks before it authorizes: that stays 404.
func (k *resource[ID, R, J, F]) stale(ctx context.Context, t sent[ID], err error) error {
	if !t.matched || fourplusn.ErrorCode(err) != fourplusn.Conflict {
		return err
	}
	r, gerr := k.svc.Get(ctx, t.actor, t.id)
	if gerr != nil {
		return gerr
	}
	if _, v := k.key(r); v != t.version {
		return errPrecondition
	}
	return err
}
