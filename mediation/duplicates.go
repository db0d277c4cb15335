package mediation

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// Duplicates across channels.
//
// The same dispute often arrives more than once: a party posts it in a
// WeCom group, the grid head reports it, and the party walks into the
// station the next day. Each arrival is registered (first-inquiry
// responsibility forbids turning one away), so the service finds, for a
// case, the earlier and later cases that are likely the same dispute
// (Duplicates), and the registrar or the duty officer decides: the two are
// one dispute (LinkDuplicate: one case stays the case, and the other
// arrival's channel and first responder are recorded on it; the duplicate
// is closed as linked, never deleted or merged silently), or they are
// not (KeepApart, with a reason). The figures count a linked duplicate
// once: it counts in no cell (see stats.CaseCell).

// DefaultDuplicateWindow is how far apart, by registration, two cases
// may be and still be offered as duplicates, unless Config says otherwise.
const DefaultDuplicateWindow = 30 * 24 * time.Hour

// MaxCandidates bounds the candidates Duplicates returns, best first.
const MaxCandidates = 10

// nearbyLimit bounds the cases a store returns for one NearbyQuery: the
// newest of them, which is plenty within a window of weeks.
const nearbyLimit = work.MaxPage

// unionSize bounds the cases whose candidates one query of the store
// finds (see Service.nearbyEach): its answers, up to nearbyLimit a case,
// are held in memory at once.
const unionSize = 50

// The codes of the reasons a candidate is offered for.
const (
	ReasonPhone        = "dup:phone"     // a party's phone number is the same
	ReasonIDCard       = "dup:idcard"    // a party's resident ID number is the same
	ReasonSameCell     = "dup:cell"      // arisen in the same cell
	ReasonNearCell     = "dup:near_cell" // arisen in a neighbouring cell: a sibling under the same parent
	ReasonName         = "dup:name"      // a party's name is the same
	ReasonFacts        = "dup:facts"     // the facts are written much alike
	ReasonSameCategory = "dup:category"  // the same category of dispute
	similarFacts       = 0.15            // the share of grams that, with a shared number or a shared name in a near cell, makes a candidate
	verySimilarFact    = 0.45            // the share that makes a candidate with no number shared, in a near cell
)

// NearbyQuery asks a store for the cases that may be duplicates of one or
// more: those of Township registered in [From, To) that share one of
// Phones with an applicant, or one of IDCards with an applicant, or that
// arose in the subtree of one of Near. Linked duplicates (Case.DuplicateOf)
// count in no cell and are not found by Near. A store answers it by
// indexed lookups, never by reading every case, and returns at most Limit
// cases, newest first.
type NearbyQuery struct {
	Township grid.CellID
	Phones   []string
	IDCards  []string
	Near     []grid.Path // for each case asked about, the parent of its cell: its cell and its siblings
	From, To time.Time
	Limit    int
}

// Nearby reports whether c answers q. Stores that filter in memory use it;
// SQL stores express the same test in their queries.
func (q *NearbyQuery) Nearby(c *Case) bool {
	if c.Township != q.Township || c.RegisteredAt.Before(q.From) || !c.RegisteredAt.Before(q.To) {
		return false
	}
	if c.DuplicateOf == "" && !c.OutOfJurisdiction() && slices.ContainsFunc(q.Near, func(p grid.Path) bool { return p.Contains(c.Location) }) {
		return true
	}
	for _, p := range c.Applicants {
		if p.Phone != "" && slices.Contains(q.Phones, p.Phone) || p.IDCard != "" && slices.Contains(q.IDCards, p.IDCard) {
			return true
		}
	}
	return false
}

// include widens q, a query of the same township, so that every case
// answering o answers q too: their numbers and cells together, within
// the window covering both. A cell within another asked already adds
// nothing. The room for answers, Limit, is the caller's to set.
func (q *NearbyQuery) include(o NearbyQuery) {
	for _, n := range o.Phones {
		if !slices.Contains(q.Phones, n) {
			q.Phones = append(q.Phones, n)
		}
	}
	for _, n := range o.IDCards {
		if !slices.Contains(q.IDCards, n) {
			q.IDCards = append(q.IDCards, n)
		}
	}
	for _, p := range o.Near {
		if !slices.ContainsFunc(q.Near, func(n grid.Path) bool { return n.Contains(p) }) {
			q.Near = append(slices.DeleteFunc(q.Near, p.Contains), p)
		}
	}
	if q.From.IsZero() || o.From.Before(q.From) {
		q.From = o.From
	}
	if o.To.After(q.To) {
		q.To = o.To
	}
}

// Candidate is a case that is likely the same dispute as another, with
// why it was found: each reason's Text says it in Chinese.
type Candidate struct {
	Case    *Case
	Score   float64 // how alike the facts are: the share of their grams, 0 to 1
	Reasons []work.Reason
}

// Receipt is an arrival of a case's dispute through another channel: a
// duplicate linked to it, with who first received it and how.
type Receipt struct {
	Case           ID
	Number         Number
	Channel        work.Channel
	FirstResponder string
	RegisteredAt   time.Time
	LinkedBy       string
	LinkedAt       time.Time
}

// Apart is a case judged not to be a duplicate of this one, with why.
type Apart struct {
	Case   ID
	Reason string
	By     string
	At     time.Time
}

// The actions of the timeline that record duplicates. Do not change the
// values: they are stored and hashed.
const (
	// ActionLinked closes a case as a duplicate; details: into (the ID
	// of the case that stays), number (its number).
	ActionLinked timeline.Action = "duplicate.linked"
	// ActionReceivedAgain records on the case that stays a duplicate
	// linked to it; details: duplicate, number, channel, first_responder.
	ActionReceivedAgain timeline.Action = "duplicate.received"
	// ActionKeptApart records a candidate judged a different dispute;
	// details: other, reason.
	ActionKeptApart timeline.Action = "duplicate.kept_apart"
)

// FactsSimilarity returns how alike two texts are: the Dice coefficient of
// their sets of two-character grams (Grams of their Words), 0 for nothing
// shared and 1 for the same grams. Chinese is written without spaces and
// retold in other words by each channel; grams of two characters survive
// rewording that whole words do not.
func FactsSimilarity(a, b string) float64 {
	ga, gb := gramSet(a), gramSet(b)
	if len(ga) == 0 || len(gb) == 0 {
		return 0
	}
	shared := 0
	for g := range ga {
		if gb[g] {
			shared++
		}
	}
	return 2 * float64(shared) / float64(len(ga)+len(gb))
}

// Grams returns the overlapping two-character grams of a word, or the
// word itself when it has one character: what the facts are compared by
// and what a search index of them holds.
func Grams(w string) []string {
	rs := []rune(w)
	if len(rs) < 2 {
		return []string{w}
	}
	out := make([]string, 0, len(rs)-1)
	for i := 1; i < len(rs); i++ {
		out = append(out, string(rs[i-1:i+1]))
	}
	return out
}

func gramSet(s string) map[string]bool {
	set := map[string]bool{}
	for _, w := range Words(s) {
		for _, g := range Grams(w) {
			set[g] = true
		}
	}
	return set
}

// numbers returns the phone and ID numbers of c's parties, each once.
func numbers(c *Case) (phones, idcards []string) {
	for _, p := range slices.Concat(c.Applicants, c.Respondents) {
		if p.Phone != "" && !slices.Contains(phones, p.Phone) {
			phones = append(phones, p.Phone)
		}
		if p.IDCard != "" && !slices.Contains(idcards, p.IDCard) {
			idcards = append(idcards, p.IDCard)
		}
	}
	return phones, idcards
}

// MatchDuplicate reports whether d is likely the same dispute as c, and
// why. It is the detector's rule: their facts are alike (a family brings
// more than one dispute, so a shared number alone is not enough), and
// they share a party's phone or ID number, or a party's name and the same
// or a neighbouring cell (a cell has many disputes, so place and words
// alone are not enough). Cases already linked, decided apart,
// or from other townships never match.
func MatchDuplicate(c, d *Case) (Candidate, bool) {
	if c.ID == d.ID || c.Township != d.Township || c.DuplicateOf != "" || d.DuplicateOf != "" ||
		slices.ContainsFunc(c.KeptApart, func(a Apart) bool { return a.Case == d.ID }) ||
		slices.ContainsFunc(d.KeptApart, func(a Apart) bool { return a.Case == c.ID }) {
		return Candidate{}, false
	}
	var reasons []work.Reason
	phones, idcards := numbers(c)
	dPhones, dIDCards := numbers(d)
	shared := false
	for _, p := range phones {
		if slices.Contains(dPhones, p) {
			reasons = append(reasons, work.Reason{Code: ReasonPhone, Text: "当事人手机号码相同（" + fourplusn.MaskPhone(p) + "）"})
			shared = true
			break
		}
	}
	for _, n := range idcards {
		if slices.Contains(dIDCards, n) {
			reasons = append(reasons, work.Reason{Code: ReasonIDCard, Text: "当事人身份证号码相同"})
			shared = true
			break
		}
	}
	near := false
	switch {
	case c.Location.IsZero() || d.Location.IsZero():
	case c.Location == d.Location:
		reasons = append(reasons, work.Reason{Code: ReasonSameCell, Text: "发生在同一网格"})
		near = true
	case c.Location.Level() > 1 && c.Location.Parent() == d.Location.Parent():
		reasons = append(reasons, work.Reason{Code: ReasonNearCell, Text: "发生在相邻网格（同属一个上级网格）"})
		near = true
	}
	named := false
	for _, p := range slices.Concat(c.Applicants, c.Respondents) {
		if len([]rune(p.Name)) >= 2 && slices.ContainsFunc(slices.Concat(d.Applicants, d.Respondents), func(q Party) bool { return q.Name == p.Name }) {
			reasons = append(reasons, work.Reason{Code: ReasonName, Text: "当事人姓名相同"})
			named = true
			break
		}
	}
	score := FactsSimilarity(c.Facts, d.Facts)
	if !(shared && score >= similarFacts || named && near && score >= similarFacts) {
		return Candidate{}, false
	}
	reasons = append(reasons, work.Reason{Code: ReasonFacts, Text: fmt.Sprintf("事实描述相近（相同字词占%d%%）", int(score*100+0.5))})
	if c.Category == d.Category {
		reasons = append(reasons, work.Reason{Code: ReasonSameCategory, Text: "纠纷类别相同：" + c.Category.Title()})
	}
	return Candidate{Case: d, Score: score, Reasons: reasons}, true
}

// nearbyQuery is what the store is asked for the candidates of c.
func (s *Service) nearbyQuery(c *Case) NearbyQuery {
	q := NearbyQuery{Township: c.Township, From: c.RegisteredAt.Add(-s.dupWindow), To: c.RegisteredAt.Add(s.dupWindow + time.Nanosecond), Limit: nearbyLimit}
	q.Phones, q.IDCards = numbers(c)
	if !c.Location.IsZero() {
		near := c.Location
		if near.Level() > 1 {
			near = near.Parent()
		}
		q.Near = []grid.Path{near}
	}
	return q
}

// FindDuplicates returns the cases of store likely the same dispute as c,
// best first, at most MaxCandidates, registered within window of it: the
// detector as a whole, with no actor, for evaluation and for tools.
func FindDuplicates(ctx context.Context, store Store, c *Case, window time.Duration) ([]Candidate, error) {
	s := &Service{store: store, dupWindow: window}
	found, err := s.store.Nearby(ctx, s.nearbyQuery(c))
	if err != nil {
		return nil, fmt.Errorf("mediation: find duplicates: %w", err)
	}
	return candidates(c, found), nil
}

// candidates returns the cases of found that MatchDuplicate c, best
// first, at most MaxCandidates.
func candidates(c *Case, found []*Case) []Candidate {
	var out []Candidate
	for _, d := range found {
		if cand, ok := MatchDuplicate(c, d); ok {
			out = append(out, cand)
		}
	}
	slices.SortStableFunc(out, func(a, b Candidate) int {
		return cmp.Or(cmp.Compare(len(b.Reasons), len(a.Reasons)), cmp.Compare(b.Score, a.Score), cmp.Compare(b.Case.ID, a.Case.ID))
	})
	if len(out) > MaxCandidates {
		out = out[:MaxCandidates]
	}
	return out
}

// nearbyEach returns, for each of cases, what the store's Nearby returns
// for its nearbyQuery, nil for a nil case, from one query of the store
// for all of a township's: the union of theirs (NearbyQuery.include),
// with room for all their answers, which are sorted out to each case by
// its own query's Nearby.
//
// A case arisen in a sector has the whole township for its near cells:
// its answers are the township's newest cases, the same for every such
// case of the same weeks, and in the union they would crowd out the
// others' answers. Such cases have a union of their own, with room for
// one case's answers.
//
// A union's answers are its newest; if it returns as many as it has
// room for, older answers may be missing, and a case that did not get
// its own fill from them is asked for alone.
func (s *Service) nearbyEach(ctx context.Context, cases []*Case) ([][]*Case, error) {
	type key struct {
		township grid.CellID
		wide     bool // near the whole township
	}
	qs := make([]NearbyQuery, len(cases))
	keys := make([]key, len(cases))
	unions := map[key]*NearbyQuery{}
	for i, c := range cases {
		if c == nil {
			continue
		}
		qs[i] = s.nearbyQuery(c)
		keys[i] = key{c.Township, slices.ContainsFunc(qs[i].Near, func(p grid.Path) bool { return p.Level() == 1 })}
		u, ok := unions[keys[i]]
		if !ok {
			u = &NearbyQuery{Township: c.Township}
			unions[keys[i]] = u
		}
		u.include(qs[i])
		if keys[i].wide {
			u.Limit = max(u.Limit, qs[i].Limit)
		} else {
			u.Limit += qs[i].Limit
		}
	}
	found := map[key][]*Case{}
	for k, u := range unions {
		cs, err := s.store.Nearby(ctx, *u)
		if err != nil {
			return nil, fmt.Errorf("mediation: find duplicates: %w", err)
		}
		found[k] = cs
	}
	out := make([][]*Case, len(cases))
	for i, c := range cases {
		if c == nil {
			continue
		}
		q, all := &qs[i], found[keys[i]]
		for _, d := range all {
			if len(out[i]) == q.Limit {
				break
			}
			if q.Nearby(d) {
				out[i] = append(out[i], d)
			}
		}
		if len(all) >= unions[keys[i]].Limit && len(out[i]) < q.Limit {
			var err error
			if out[i], err = s.store.Nearby(ctx, *q); err != nil {
				return nil, fmt.Errorf("mediation: find duplicates: %w", err)
			}
		}
	}
	return out, nil
}

// Duplicates returns the cases likely the same dispute as case id, best
// first, with why each was found, as Get would return them to actor: only
// those actor may see, masked as Get masks them. A linked duplicate and a
// case that has ended have none. Needs View of case id; returns NotFound
// for a case the actor may not see, Unauthorized without an actor.
func (s *Service) Duplicates(ctx context.Context, actor grid.Actor, id ID) ([]Candidate, error) {
	each, err := s.DuplicatesEach(ctx, actor, []ID{id})
	if err != nil {
		return nil, err
	}
	return each[0], nil
}

// DuplicatesEach returns, for each of the cases ids in turn, what
// Duplicates returns for it, from one search of the store for them all
// (see nearbyEach) for every unionSize of them: a page that shows many
// cases, each with its likely duplicates — the duty console — costs a
// search for every fifty cases, not one a case.
// Takes at most work.MaxPage cases; returns Invalid ("ids") for more, and
// for any of them what Duplicates returns.
func (s *Service) DuplicatesEach(ctx context.Context, actor grid.Actor, ids []ID) ([][]Candidate, error) {
	if len(ids) > work.MaxPage {
		return nil, invalid("ids", "at most %d cases at once, not %d", work.MaxPage, len(ids))
	}
	// The candidates are compared with the stored cases, not the copies
	// presented to actor, whose numbers may be masked.
	open := make([]*Case, len(ids))
	for i, id := range ids {
		c, err := s.store.Get(ctx, id)
		if err == nil {
			err = s.records.CanView(actor, c)
		}
		if err != nil {
			return nil, err
		}
		if c.DuplicateOf == "" && !c.State.Ended() {
			open[i] = c
		}
	}
	out := make([][]Candidate, len(ids))
	for from := 0; from < len(open); from += unionSize {
		part := open[from:min(from+unionSize, len(open))]
		found, err := s.nearbyEach(ctx, part)
		if err != nil {
			return nil, err
		}
		for i, c := range part {
			if c == nil {
				continue
			}
			for _, cand := range candidates(c, found[i]) {
				if s.policy.Can(actor, grid.View, cand.Case.target()) != nil {
					continue
				}
				// A case found near several is one value in their
				// answers: each is presented its own copy.
				cand.Case = kind{s.policy}.Present(actor, cand.Case.Clone())
				out[from+i] = append(out[from+i], cand)
			}
		}
	}
	return out, nil
}

// MayDedupe is the rule of who decides whether c is a duplicate: the
// member who registered it, through a post that may register at its
// handling cell, or a post granted grid.Dedupe there (the duty officer).
// It returns nil when actor may, else Forbidden; pages ask it to offer
// only the buttons that will work.
func (s *Service) MayDedupe(actor grid.Actor, c *Case) error {
	err := s.policy.Can(actor, grid.Dedupe, c.target())
	if err == nil || actor.Kind == grid.Staff && actor.ID == c.FirstResponder && s.policy.Can(actor, grid.Register, c.target()) == nil {
		return nil
	}
	return &fourplusn.Error{Code: fourplusn.Forbidden, Message: "only the member who registered the case or the duty officer may decide whether it is a duplicate", Err: err}
}

// LinkDuplicate decides that case id is the same dispute as case into,
// which stays the case: id is closed as linked (Case.DuplicateOf), and
// into records the arrival (Case.AlsoReceived: id's channel and first
// responder). Both timelines record it. Case id must be open (registered,
// accepted or in mediation, no escalation waiting); into must not itself
// be a linked duplicate. The duplicate is closed first, so that a failure
// in between leaves it linked and a retry with the same cases records the
// arrival on into and changes nothing else.
//
// Needs, on case id, to be the member who registered it or to hold
// grid.Dedupe (the duty officer); into must be a case the actor may see.
// Returns Invalid ("into") for the same case or one of another township,
// NotFound for a case the actor may not see, Forbidden, and Conflict for
// a stale version or a state that does not allow it.
func (s *Service) LinkDuplicate(ctx context.Context, actor grid.Actor, id ID, version int64, into ID) (*Case, error) {
	if into == id || into == "" {
		return nil, invalid("into", "give another case for this one to be linked to")
	}
	kept, err := s.records.Get(ctx, actor, into)
	if err != nil {
		return nil, fourplusn.WithField("into", err)
	}
	if kept.DuplicateOf != "" {
		return nil, fourplusn.Errorf(fourplusn.Conflict, "case %s is itself a duplicate of %s: link to that case", into, kept.DuplicateOf)
	}
	dup, err := s.act(ctx, actor, id, version, grid.View, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		if err := s.MayDedupe(actor, c); err != nil {
			return "", nil, err
		}
		if c.Township != kept.Township {
			return "", nil, invalid("into", "the case belongs to another township")
		}
		if c.DuplicateOf != "" {
			if c.DuplicateOf == into {
				return "", nil, errAlreadyLinked
			}
			return "", nil, fourplusn.Errorf(fourplusn.Conflict, "case %s is already linked to %s", c.ID, c.DuplicateOf)
		}
		if !in(c, Registered, Accepted, Mediating) {
			return "", nil, conflict(c, "linked as a duplicate")
		}
		c.DuplicateOf, c.State, c.ClosedAt = into, Closed, now
		return ActionLinked, map[string]string{"into": string(into), "number": kept.Number.String()}, nil
	})
	if errors.Is(err, errAlreadyLinked) {
		dup, err = s.records.Get(ctx, actor, id)
	}
	if err != nil {
		return nil, err
	}
	stored, err := s.store.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("mediation: link %s: %w", id, err)
	}
	_, err = s.act(ctx, actor, into, 0, grid.View, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		if slices.ContainsFunc(c.AlsoReceived, func(r Receipt) bool { return r.Case == id }) {
			return "", nil, errAlreadyLinked
		}
		c.AlsoReceived = append(c.AlsoReceived, Receipt{
			Case: id, Number: stored.Number, Channel: stored.Channel, FirstResponder: stored.FirstResponder,
			RegisteredAt: stored.RegisteredAt, LinkedBy: actor.ID, LinkedAt: now,
		})
		return ActionReceivedAgain, map[string]string{"duplicate": string(id), "number": stored.Number.String(),
			"channel": stored.Channel.String(), "first_responder": stored.FirstResponder}, nil
	})
	if err != nil && !errors.Is(err, errAlreadyLinked) {
		return nil, fmt.Errorf("mediation: record the duplicate %s on %s: %w", id, into, err)
	}
	return dup, nil
}

// errAlreadyLinked marks a link already made, which a retry completes.
var errAlreadyLinked = fourplusn.Errorf(fourplusn.Conflict, "already linked")

// KeepApart decides that case other is not the same dispute as case id,
// for the reason given, recorded on id's timeline: other is no longer
// offered as a duplicate of id, nor id of other. Needs, on case id, to be
// the member who registered it or to hold grid.Dedupe; other must be a
// case the actor may see. Returns Invalid naming "reason" or "other",
// NotFound, Forbidden, and Conflict for a stale version, a linked
// duplicate, or a pair already kept apart.
func (s *Service) KeepApart(ctx context.Context, actor grid.Actor, id ID, version int64, other ID, reason string) (*Case, error) {
	reason, err := fourplusn.Text("reason", reason, maxShortText)
	if err != nil {
		return nil, err
	}
	if other == id || other == "" {
		return nil, invalid("other", "give another case")
	}
	if _, err := s.records.Get(ctx, actor, other); err != nil {
		return nil, fourplusn.WithField("other", err)
	}
	return s.act(ctx, actor, id, version, grid.View, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		if err := s.MayDedupe(actor, c); err != nil {
			return "", nil, err
		}
		if c.DuplicateOf != "" {
			return "", nil, fourplusn.Errorf(fourplusn.Conflict, "case %s is linked as a duplicate of %s", c.ID, c.DuplicateOf)
		}
		if slices.ContainsFunc(c.KeptApart, func(a Apart) bool { return a.Case == other }) {
			return "", nil, fourplusn.Errorf(fourplusn.Conflict, "case %s is already kept apart from %s", c.ID, other)
		}
		c.KeptApart = append(c.KeptApart, Apart{Case: other, Reason: reason, By: actor.ID, At: now})
		return ActionKeptApart, map[string]string{"other": string(other), "reason": reason}, nil
	})
}
