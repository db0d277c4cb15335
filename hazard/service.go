package hazard

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/internal/kernel"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// Converter registers the mediation case a dispute lead becomes.
// *mediation.Service satisfies it.
type Converter interface {
	Register(ctx context.Context, actor grid.Actor, in mediation.Intake) (*mediation.Case, error)
}

// Service is the hazard work of one deployment: every method authorizes its
// actor through the grid policy before it acts, and every change lands in
// the store together with its timeline event. NewService builds it.
//
// Refusals follow mediation's rule: an actor who may not see a hazard gets
// NotFound, as if it did not exist; an actor who may see it but not do the
// action gets Forbidden; no actor at all gets Unauthorized.
type Service struct {
	store     Store
	cells     work.Cells
	policy    *grid.Policy
	rules     Rules
	converter Converter
	clock     func() time.Time
	newID     func() ID
	records   kernel.Records[*Hazard, ID]
}

// Config is what a Service works with. Store, Cells, Policy and Rules are
// required; the rest have defaults.
type Config struct {
	Store  Store
	Cells  work.Cells
	Policy *grid.Policy
	// Rules are the township's hazard categories, grading and deadlines,
	// usually DefaultRules with the township's changes.
	Rules Rules
	// Converter registers the mediation cases dispute leads become; nil
	// when the deployment does not convert them.
	Converter Converter
	// Now returns the current time: time.Now unless a test gives a clock.
	Now func() time.Time
	// NewID returns a new, unique hazard ID that sorts after every earlier
	// one. The default is time-ordered with random bits.
	NewID func() ID
	// Files, if set, keeps the files attached to hazards, which
	// CheckTimeline then checks too; without it Attach fails.
	Files attachment.Files
	// FileQuota bounds the files of each of the hazards; the default is
	// attachment.DefaultQuota.
	FileQuota attachment.Quota
}

// NewService returns the Service of c. It returns an error naming what is
// missing, or the rule at fault if the rules are invalid. The Service keeps
// its own copy of the rules.
func NewService(c Config) (*Service, error) {
	switch {
	case c.Store == nil:
		return nil, errors.New("hazard: Config.Store is required")
	case c.Cells == nil:
		return nil, errors.New("hazard: Config.Cells is required")
	case c.Policy == nil:
		return nil, errors.New("hazard: Config.Policy is required")
	}
	if err := c.Rules.Validate(); err != nil {
		return nil, fmt.Errorf("hazard rules: %w", err)
	}
	s := &Service{
		store: c.Store, cells: c.Cells, policy: c.Policy, rules: c.Rules.clone(), converter: c.Converter,
		clock: c.Now, newID: c.NewID,
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.newID == nil {
		s.newID = newID
	}
	s.records = kernel.Records[*Hazard, ID]{Noun: "hazard", Store: s.store, Policy: s.policy, Kind: kind{s.policy}, Now: s.clock, Files: c.Files, Quota: c.FileQuota}
	return s, nil
}

// Rules returns the rules the service works by. They are the service's
// own: read them, do not change them.
func (s *Service) Rules() Rules { return s.rules }

// newID returns "H", the UTC time to the microsecond and 40 random bits.
func newID() ID {
	var b [5]byte
	rand.Read(b[:])
	return ID("H" + time.Now().UTC().Format("20060102150405.000000") + hex.EncodeToString(b[:]))
}

func (s *Service) now() time.Time { return s.clock().UTC() }

// Report records a hazard as found (吹哨) and routes it. A member reports it
// through any post that may report hazards, wherever in the township it was
// found; a resident reports online, and becomes the hazard's owner, who may
// follow it. The hazard is graded (by the report, or from its category) and
// handled by the location's ancestor at the grade's level, and keeps the
// reasons for both (GradeReasons, Hazard.Grading). A hazard
// reported with OnTheSpot evidence was rectified on the spot and waits for
// verification; that needs the reporting post to be allowed to rectify too.
// Any other hazard is open, due to be rectified within the grade's time.
//
// Returns Invalid for bad input (naming the field, including a location in
// another township), Unauthorized without an actor, Forbidden for an actor
// who may not report or rectify on the spot, NotFound (field "location")
// for an unknown location, and Conflict for an idempotency key reused with
// another request. A retry with the same key and input returns the first
// hazard. The hazard is returned as stored, with the reporter's own
// contact in full.
func (s *Service) Report(ctx context.Context, actor grid.Actor, in Report) (*Hazard, error) {
	if actor.Kind == grid.Anonymous || actor.ID == "" {
		return nil, grid.ErrNoActor
	}
	if err := in.validate(s.rules, actor.Kind); err != nil {
		return nil, err
	}
	cell, err := s.cells.Cell(ctx, in.Location)
	if err != nil {
		return nil, fourplusn.WithField("location", err)
	}
	if cell.Path.Township() != actor.Township {
		return nil, invalid("location", "cell %q is in another township", in.Location)
	}
	now := s.now()
	h := &Hazard{
		Township: actor.Township, Category: in.Category, Description: in.Description,
		Photos: in.Photos, Channel: in.Channel, ReferredBy: in.ReferredBy, Location: cell.Path, Reporter: actor.ID,
		Contact: in.Contact, State: Open, ReportedAt: now, Version: 1,
	}
	if err := s.admit(actor, h, in.OnTheSpot != nil); err != nil {
		return nil, err
	}
	s.rules.grade(h, in.Grade)
	h.RectifyDue = now.Add(s.rules.Grades[h.Grade].RectifyWithin)
	h.ID = s.newID()
	details := map[string]string{
		"category": string(h.Category), "grade": h.Grade.String(),
		"location": h.Location.String(), "handling": h.Handling.String(),
		"photos": strconv.Itoa(len(h.Photos)),
	}
	if h.ReferredBy != "" {
		details["referred_by"] = h.ReferredBy
	}
	events := []timeline.Event{s.records.Record(h, actor, ActionReported, h.Channel.String(), now, details)}
	if spot := in.OnTheSpot; spot != nil {
		r := Rectification{Evidence: spot.Evidence, Photos: spot.Photos, By: actor.ID, At: now}
		h.rectified(r, s.rules)
		h.OnTheSpot = true
		events = append(events, s.records.Record(h, actor, ActionRectified, "", now, map[string]string{
			"on_the_spot": "true", "photos": strconv.Itoa(len(r.Photos)), "verify_due": h.VerifyDue.Format(time.RFC3339),
		}))
	}
	key := work.IdempotencyKey{Scope: actor.ID, Key: in.IdempotencyKey}
	if key.Key != "" {
		key.Fingerprint = work.Fingerprint(in)
	}
	return s.store.Create(ctx, h, events, key)
}

// admit checks that actor may report h, and rectify it on the spot if
// onTheSpot, and fills in the hazard's owner or reporting post.
func (s *Service) admit(actor grid.Actor, h *Hazard, onTheSpot bool) error {
	switch actor.Kind {
	case grid.Resident:
		h.Owner = actor.ID
		return s.policy.Can(actor, grid.Register, grid.Target{Cell: grid.RootPath(actor.Township), Owner: actor.ID})
	case grid.Staff:
	default:
		return grid.ErrNotGranted
	}
	var err error = grid.ErrNotGranted
	for _, post := range actor.Posts {
		if post.Cell.Township() != h.Township {
			continue
		}
		target := grid.Target{Cell: post.Cell}
		if err = s.policy.Can(actor, grid.ReportHazard, target); err != nil {
			continue
		}
		if onTheSpot {
			if err = s.policy.Can(actor, grid.Rectify, target); err != nil {
				continue
			}
		}
		h.ReporterCell = post.Cell
		return nil
	}
	return err
}

// rectified records r as the hazard's latest rectification.
func (h *Hazard) rectified(r Rectification, rules Rules) {
	h.Rectifications = append(h.Rectifications, r)
	h.State, h.RectifiedAt, h.VerifyDue = Rectified, r.At, r.At.Add(rules.VerifyWithin)
	h.Assignee = "" // whoever rectified it answers for it from now on
}

// Get returns hazard id as actor may see it: with the reporter's contact
// masked unless the actor may see personal data at the handling cell.
// Anyone who may view the hazard's handling cell or its location may see
// it, as may the member who reported it and the resident who reported it
// online. Returns Unauthorized without an actor and NotFound for a hazard
// the actor may not see.
func (s *Service) Get(ctx context.Context, actor grid.Actor, id ID) (*Hazard, error) {
	return s.records.Get(ctx, actor, id)
}

// Timeline returns the events of hazard id, oldest first, after checking
// that actor may see the hazard as Get does.
func (s *Service) Timeline(ctx context.Context, actor grid.Actor, id ID) ([]timeline.Event, error) {
	return s.records.Timeline(ctx, actor, id)
}

// CheckTimeline checks the hash chain of hazard id's timeline against the head
// the hazard keeps. Returns nil when intact, an error matching
// timeline.ErrBroken when not, and, as Get does, Unauthorized without an
// actor and NotFound for a hazard the actor may not see.
func (s *Service) CheckTimeline(ctx context.Context, actor grid.Actor, id ID) error {
	return s.records.CheckTimeline(ctx, actor, id)
}

// List returns the hazards actor may see that match f, newest first. The
// actor's township and the subtrees they may view are set on f by List; a
// member also sees what they reported, and residents see only their own
// reports. Returns Invalid for a bad filter and Unauthorized without an
// actor.
func (s *Service) List(ctx context.Context, actor grid.Actor, f Filter) (Page, error) {
	var page Page
	err := s.records.List(ctx, actor, f.Owner, func(ctx context.Context, sc kernel.Scope) (_ []*Hazard, err error) {
		f.Township, f.Within, f.Reporter, f.Owner = sc.Township, sc.Within, sc.Taker, sc.Owner
		page, err = s.store.List(ctx, f)
		return page.Hazards, err
	})
	if err != nil {
		return Page{}, err
	}
	return page, nil
}

// act runs a transition on hazard id at the given version (0 for whatever
// is current) after checking that actor may see the hazard and may do need
// at the cell at returns. The transition and its event are stored
// together, or not at all.
func (s *Service) act(ctx context.Context, actor grid.Actor, id ID, version int64, need grid.Action, at func(*Hazard) grid.Target, fn kernel.Change[*Hazard]) (*Hazard, error) {
	return s.records.Act(ctx, actor, id, version, need, at, fn)
}

// handlingCell and verifyCell say where an action is authorized. Neither
// names the hazard's owner: ownership lets a resident see their report,
// never act on it.
func handlingCell(h *Hazard) grid.Target { return grid.Target{Cell: h.Handling} }
func verifyCell(h *Hazard) grid.Target   { return grid.Target{Cell: h.VerifyCell()} }

// conflict is the error of an action the hazard's state does not allow.
func conflict(h *Hazard, action string) error {
	if h.State == Converted {
		return fourplusn.Errorf(fourplusn.Conflict, "hazard %s was converted into case %s; it cannot be %s", h.ID, h.Case, action)
	}
	return fourplusn.Errorf(fourplusn.Conflict, "a %s hazard cannot be %s", h.State, action)
}
