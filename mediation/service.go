package mediation

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/internal/kernel"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// Service is the mediation work of one deployment: every method authorizes
// its actor through the grid policy before it acts, and every change lands
// in the store together with its timeline event. NewService builds it.
//
// Refusals follow one rule: an actor who may not see a case gets NotFound,
// as if it did not exist; an actor who may see it but not do the action
// gets Forbidden.
type Service struct {
	store           Store
	cells           work.Cells
	policy          *grid.Policy
	rules           Rules
	clock           func() time.Time
	newID           func() ID
	newTrackingCode func() string
	records         kernel.Records[*Case, ID]
	outbox          Outbox
	files           attachment.Files
	locate          func(ctx context.Context, township grid.CellID, p orb.Point) (grid.CellID, error)
	dupWindow       time.Duration
}

// Config is what a Service works with. Store, Cells, Policy and Rules are
// required; the rest have defaults.
type Config struct {
	Store  Store
	Cells  work.Cells
	Policy *grid.Policy
	// Rules are the township's grading and deadline tables, usually
	// DefaultRules with the township's changes.
	Rules Rules
	// Locate, if set, returns the lowest cell of township containing p
	// (grid/geo's Service.Locate), or NotFound: what routes an intake
	// that gives a position instead of a cell. Without it, such an
	// intake is refused naming "location".
	Locate func(ctx context.Context, township grid.CellID, p orb.Point) (grid.CellID, error)
	// Now returns the current time: time.Now unless a test gives a clock.
	Now func() time.Time
	// NewID returns a new, unique case ID that sorts after every earlier
	// one. The default is time-ordered with random bits.
	NewID func() ID
	// NewTrackingCode returns a new code for residents to follow a case.
	// The default is ten random characters that read aloud unmistakably.
	NewTrackingCode func() string
	// Outbox, if set, takes the tracking codes ResendCodes sends again;
	// without it ResendCodes fails.
	Outbox Outbox
	// Files, if set, keeps the files attached to cases, which
	// CheckTimeline then checks too; without it Attach fails.
	Files attachment.Files
	// FileQuota bounds the files of each of the cases; the default is
	// attachment.DefaultQuota.
	FileQuota attachment.Quota
	// DuplicateWindow is how far apart by registration two cases may be
	// and still be offered as duplicates (Service.Duplicates); the
	// default is DefaultDuplicateWindow.
	DuplicateWindow time.Duration
}

// NewService returns the Service of c. It returns an error naming what is
// missing, or the rule at fault if the rules are invalid. The Service keeps
// its own copy of the rules.
func NewService(c Config) (*Service, error) {
	switch {
	case c.Store == nil:
		return nil, errors.New("mediation: Config.Store is required")
	case c.Cells == nil:
		return nil, errors.New("mediation: Config.Cells is required")
	case c.Policy == nil:
		return nil, errors.New("mediation: Config.Policy is required")
	}
	if err := c.Rules.Validate(); err != nil {
		return nil, fmt.Errorf("mediation rules: %w", err)
	}
	s := &Service{
		store: c.Store, cells: c.Cells, policy: c.Policy, rules: c.Rules.clone(),
		clock: c.Now, newID: c.NewID, newTrackingCode: c.NewTrackingCode, outbox: c.Outbox, files: c.Files, locate: c.Locate,
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.dupWindow = c.DuplicateWindow; s.dupWindow <= 0 {
		s.dupWindow = DefaultDuplicateWindow
	}
	if s.newID == nil {
		s.newID = newID
	}
	if s.newTrackingCode == nil {
		s.newTrackingCode = newTrackingCode
	}
	s.records = kernel.Records[*Case, ID]{Noun: "case", Store: s.store, Policy: s.policy, Kind: kind{s.policy}, Now: s.clock, Files: s.files, Quota: c.FileQuota}
	return s, nil
}

// Rules returns the rules the service works by. They are the service's
// own: read them, do not change them.
func (s *Service) Rules() Rules { return s.rules }

func newID() ID {
	var b [5]byte
	rand.Read(b[:])
	return ID(time.Now().UTC().Format("20060102150405.000000") + hex.EncodeToString(b[:]))
}

// trackingAlphabet leaves out letters and digits that are easily confused
// when read aloud or copied by hand (0/O, 1/I/L).
const trackingAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

func newTrackingCode() string {
	var b [10]byte
	rand.Read(b[:])
	for i := range b {
		b[i] = trackingAlphabet[int(b[i])%len(trackingAlphabet)]
	}
	return string(b[:])
}

func (s *Service) now() time.Time { return s.clock().UTC() }

// locateIntake is the cell of township where a dispute given by its
// position arose. Returns Invalid naming "location" when no cell's
// boundary contains it, or the township has none.
func (s *Service) locateIntake(ctx context.Context, township grid.CellID, p orb.Point) (grid.CellID, error) {
	if s.locate == nil {
		return "", invalid("location", "the township's cells have no boundaries to find the position in; give the cell")
	}
	id, err := s.locate(ctx, township, p)
	if fourplusn.ErrorCode(err) == fourplusn.NotFound {
		return "", invalid("location", "no cell of the township contains the position given; give the cell")
	}
	if err != nil {
		return "", fmt.Errorf("mediation: locate the dispute: %w", err)
	}
	return id, nil
}

// Register records a dispute as first received and routes it. A member
// registers it through any post that may register (first-inquiry
// responsibility: a post may not refuse a dispute because it arose
// elsewhere) and becomes its first responder; a resident applies online for
// themselves. The case is graded, and handled by the location's ancestor at
// the grade's level; one that arose outside the township is handled by the
// first responder's own cell. Through the grid-head channel the member must
// head a level 3–5 cell; through the police channel, be an officer. The
// case is numbered in its township's register of the year it is
// registered in (in work.Zone), with the township's prefix (see
// Rules.NumberPrefixes); the store gives its place in the register.
//
// A member may route the case as it is registered, to a cell other than
// the rules' (Intake.Handling), where they may transfer it from that cell:
// the case then waits for that cell to accept it, with no transfer
// recorded. Returns Invalid ("handling") for a cell of another township or
// a resident's route, NotFound ("handling") for an unknown cell.
//
// An online application records the resident's consent to the privacy
// notice (Intake.Consent) on the case and in the registration's event.
//
// Returns Invalid for bad input (naming the field; "consent" for an online
// application without consent to the current notice), Unauthorized
// without an actor, Forbidden for an actor who may not register, NotFound for an
// unknown location, and Conflict for an idempotency key reused with another
// request. A retry with the same key and input returns the first case.
func (s *Service) Register(ctx context.Context, actor grid.Actor, in Intake) (*Case, error) {
	now := s.now()
	if err := in.validate(s.rules, when{registered: now, now: now}); err != nil {
		return nil, err
	}
	c := &Case{
		Township: actor.Township, Channel: in.Channel, ReferredBy: in.ReferredBy, Category: in.Category,
		Applicants: in.Applicants, Respondents: in.Respondents, Facts: in.Facts, Claims: in.Claims,
		Risks: in.Risks, Outside: in.Outside, Hazard: in.Hazard, State: Registered, RegisteredAt: now, Version: 1,
	}
	c.Grade = s.rules.Grade(in.Category, in.Claims, in.Risks)
	if in.Location == "" && in.Outside == "" {
		id, err := s.locateIntake(ctx, actor.Township, *in.Point)
		if err != nil {
			return nil, err
		}
		in.Location = id
	}
	if in.Location != "" {
		cell, err := s.cells.Cell(ctx, in.Location)
		if err != nil {
			return nil, fourplusn.WithField("location", err)
		}
		c.Location = cell.Path
	}
	if err := s.admit(actor, c); err != nil {
		return nil, err
	}
	if c.OutOfJurisdiction() {
		c.Handling = c.FirstResponderCell
	} else {
		c.Handling = s.rules.handling(c.Grade, c.Location)
	}
	chosen := c.Handling
	if in.Handling != "" {
		if err := s.route(ctx, actor, c, in.Handling); err != nil {
			return nil, err
		}
	}
	c.Grading = append(s.rules.GradeReasons(in.Category, in.Claims, in.Risks), s.rules.handlingReasons(c, chosen)...)
	c.AcceptDue = s.rules.Grades[c.Grade].acceptDue(now, s.rules.Calendar)
	c.ID, c.TrackingCode = s.newID(), s.newTrackingCode()
	prefix, err := s.numberPrefix(ctx, c.Township)
	if err != nil {
		return nil, err
	}
	// The store gives the sequence, in the write that creates the case.
	c.Number = Number{Prefix: prefix, Year: now.In(work.Zone).Year()}
	details := map[string]string{
		"grade": c.Grade.String(), "handling": c.Handling.String(), "category": string(c.Category),
	}
	if c.Risks != 0 {
		details["risks"] = c.Risks.String()
	}
	if c.Handling != chosen {
		details["routed_from"] = chosen.String()
	}
	if c.OutOfJurisdiction() {
		details["outside"] = c.Outside
	}
	if c.Hazard != "" {
		details["hazard"] = c.Hazard
	}
	if c.Channel == work.ChannelOnline {
		c.Consent = &Consent{Version: in.Consent, At: now, Channel: c.Channel}
		details["consent_version"] = c.Consent.Version
		details["consent_at"] = now.Format(time.RFC3339)
		details["consent_channel"] = c.Channel.String()
	}
	first := s.records.Record(c, actor, ActionRegistered, c.Channel.String(), now, details)
	key := work.IdempotencyKey{Scope: actor.ID, Key: in.IdempotencyKey}
	if in.Hazard != "" {
		// A hazard turns into one case, whoever converts it.
		key.Scope = "hazard"
	}
	if key.Key != "" {
		key.Fingerprint = work.Fingerprint(in)
	}
	return s.store.Create(ctx, c, []timeline.Event{first}, key)
}

// route makes the cell to, in c's township, handle c as it is registered,
// for an actor who may transfer a case from the cell the rules chose.
func (s *Service) route(ctx context.Context, actor grid.Actor, c *Case, to grid.CellID) error {
	if actor.Kind == grid.Resident {
		return invalid("handling", "residents do not route their applications")
	}
	cell, err := s.cells.Cell(ctx, to)
	if err != nil {
		return fourplusn.WithField("handling", err)
	}
	if cell.Path.Township() != c.Township {
		return invalid("handling", "cell %q is in another township", to)
	}
	if cell.Path == c.Handling {
		return nil
	}
	if err := s.policy.Can(actor, grid.Transfer, grid.Target{Cell: c.Handling}); err != nil {
		return err
	}
	c.Handling = cell.Path
	return nil
}

// numberPrefix returns the prefix of township's case numbers: the rules'
// own, or the default of the township's name.
func (s *Service) numberPrefix(ctx context.Context, township grid.CellID) (string, error) {
	if prefix, ok := s.rules.NumberPrefixes[township]; ok {
		return prefix, nil
	}
	cell, err := s.cells.Cell(ctx, township)
	if err != nil {
		return "", fmt.Errorf("the township %s of a case's number: %w", township, err)
	}
	return DefaultNumberPrefix(cell.Name), nil
}

// admit checks that actor may register c through its channel, and fills in
// the case's first responder or applicant.
func (s *Service) admit(actor grid.Actor, c *Case) error {
	if actor.Kind == grid.Anonymous {
		return grid.ErrNoActor
	}
	if !c.OutOfJurisdiction() && c.Location.Township() != actor.Township {
		return invalid("location", "cell %q is in another township; register it as outside the township", c.Location.Cell())
	}
	if actor.Kind == grid.Resident {
		if c.Channel != work.ChannelOnline {
			return invalid("channel", "residents apply online")
		}
		c.Applicant = actor.ID
		target := grid.Target{Cell: grid.RootPath(actor.Township), Owner: actor.ID}
		if c.OutOfJurisdiction() {
			// Whoever reviews it becomes its first responder; until then
			// the township's duty watch holds it.
			c.FirstResponderCell = target.Cell
		}
		return s.policy.Can(actor, grid.Register, target)
	}
	if c.Channel == work.ChannelOnline {
		return invalid("channel", "only residents apply online; record a member's intake by its channel")
	}
	var err error = grid.ErrNotGranted
	for _, post := range actor.Posts {
		if !channelFits(c.Channel, post) {
			continue
		}
		if err = s.policy.Can(actor, grid.Register, grid.Target{Cell: post.Cell}); err == nil {
			c.FirstResponder, c.FirstResponderCell = actor.ID, post.Cell
			return nil
		}
	}
	if err == grid.ErrNotGranted && (c.Channel == work.ChannelGridHead || c.Channel == work.ChannelPolice) {
		return invalid("channel", "the %s channel needs a %s post", c.Channel, map[work.Channel]string{work.ChannelGridHead: "level 3–5 grid head", work.ChannelPolice: "police"}[c.Channel])
	}
	return err
}

// channelFits reports whether a member may receive disputes through channel
// in post: the grid-head channel is a level 3–5 head's, the police channel
// an officer's.
func channelFits(ch work.Channel, post grid.Post) bool {
	switch ch {
	case work.ChannelGridHead:
		return post.Role == grid.GridHead && post.Cell.Level() >= 3
	case work.ChannelPolice:
		return post.Role == grid.CommunityPolice || post.Role == grid.AuxiliaryPolice
	}
	return true
}

// Get returns case id as actor may see it: with personal data masked unless
// the actor may see it in full. Anyone who may view the case's handling cell
// or its location may see it, as may its first responder and the resident
// who applied. Returns NotFound for a case the actor may not see.
func (s *Service) Get(ctx context.Context, actor grid.Actor, id ID) (*Case, error) {
	return s.records.Get(ctx, actor, id)
}

// GetByNumber returns the case of actor's township numbered n, as Get
// returns it, to those who may see it as Get says. Returns Invalid for a
// number that is not whole (see Number.Validate), Unauthorized without an
// actor, and NotFound — the same for a number not given as for a case the
// actor may not see — otherwise.
func (s *Service) GetByNumber(ctx context.Context, actor grid.Actor, n Number) (*Case, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	if actor.Kind == grid.Anonymous {
		return nil, grid.ErrNoActor
	}
	c, err := s.store.GetByNumber(ctx, actor.Township, n)
	if err == nil {
		err = s.records.CanView(actor, c)
	}
	if fourplusn.ErrorCode(err) == fourplusn.NotFound {
		return nil, fourplusn.Errorf(fourplusn.NotFound, "no case is numbered %s", n)
	}
	if err != nil {
		return nil, err
	}
	return s.records.Kind.Present(actor, c), nil
}

// Timeline returns the events of case id, oldest first, after checking that
// actor may see the case as Get does. Where Get masks the parties, the
// particulars a correction changed are masked in its event too.
func (s *Service) Timeline(ctx context.Context, actor grid.Actor, id ID) ([]timeline.Event, error) {
	return s.records.Timeline(ctx, actor, id)
}

// CheckTimeline checks the hash chain of case id's timeline against the head the
// case keeps. Returns nil when intact, an error matching timeline.ErrBroken
// when not, and NotFound for a case the actor may not see.
func (s *Service) CheckTimeline(ctx context.Context, actor grid.Actor, id ID) error {
	return s.records.CheckTimeline(ctx, actor, id)
}

// List returns the cases actor may see that match f, newest first. The
// actor's township and the subtrees they may view are set on f by List;
// a member also sees the cases they first received, and residents see
// only their own applications. So is f.Personal, from where actor may see
// personal data, which is where Get would show the parties unmasked.
// Returns Invalid for a bad filter or a category not in the rules, and
// Unauthorized without an actor.
func (s *Service) List(ctx context.Context, actor grid.Actor, f Filter) (Page, error) {
	if _, ok := s.rules.Categories[f.Category]; f.Category != "" && !ok {
		return Page{}, invalid("category", "unknown category %q", f.Category)
	}
	f.Personal = nil
	if actor.Kind == grid.Staff {
		f.Personal = s.policy.Scope(actor, grid.ViewPersonal)
	}
	var page Page
	err := s.records.List(ctx, actor, f.Owner, func(ctx context.Context, sc kernel.Scope) (_ []*Case, err error) {
		f.Township, f.Within, f.FirstResponder, f.Owner = sc.Township, sc.Within, sc.Taker, sc.Owner
		page, err = s.store.List(ctx, f)
		return page.Cases, err
	})
	if err != nil {
		return Page{}, err
	}
	return page, nil
}

// act runs a transition on case id at the given version (0 for whatever is
// current) after checking that actor may do need to it. The transition and
// its event are stored together, or not at all.
func (s *Service) act(ctx context.Context, actor grid.Actor, id ID, version int64, need grid.Action, fn kernel.Change[*Case]) (*Case, error) {
	return s.records.Act(ctx, actor, id, version, need, (*Case).target, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		action, details, err := fn(c, now)
		if err == nil && c.State != Accepted && c.State != Mediating {
			c.endPause(now) // out of mediation, the case awaits no party
		}
		return action, details, err
	})
}

// conflict is the error of an action the case's state does not allow.
func conflict(c *Case, action string) error {
	if c.Escalation != nil {
		return fourplusn.Errorf(fourplusn.Conflict, "case %s is waiting for the upper level to review its escalation; it cannot be %s now", c.ID, action)
	}
	return fourplusn.Errorf(fourplusn.Conflict, "a %s case cannot be %s", c.State, action)
}

// in reports whether c is in one of states with no escalation waiting.
func in(c *Case, states ...State) bool {
	return c.Escalation == nil && slices.Contains(states, c.State)
}
