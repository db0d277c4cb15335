// Package deadlines runs the township's clock: on a schedule it finds what
// is due on cases and hazards and does what the rules of the work say, so
// that nothing waits unseen.
//
// What a deadline calls for is the domain's to decide. A Runner asks
// mediation.Rules.Deadlines and hazard.Rules.Deadlines what is due, and the
// Rules' Due what each deadline calls for now: a reminder to whoever
// answers for it at fractions of the time allowed; once it has passed,
// notices to them and to the cell that must act, an alert to the duty
// officers, the submission of a case upward. The runner takes each step
// once: its notices go to an outbox (package adapters/outbox), which
// notify's Dispatcher delivers, and an escalation goes through
// mediation.Service.AutoEscalate.
//
// What the runner has done is stored in a State, by the township and key
// of each step, so it acts once even across restarts and with two runners
// on one database: it acts first and records after, and each act is idempotent
// (an outbox stores a notice's key once, and AutoEscalate does nothing to
// a case already waiting for review), so a runner stopped between the two
// acts again harmlessly. A runner that was down takes only the latest step
// due and records the earlier ones with it, so it sends no backlog of
// stale reminders.
//
// The clock pauses where the rules say: an extension agreed by both parties
// moves a case's ResolveDue, and a reminder's moment is its fraction of the
// time allowed as it now stands, so a reminder not yet sent waits for the
// extended time, and one already sent is not sent again. A passed deadline
// is keyed by its due time: an extended case that runs out again is
// overdue again.
package deadlines

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// State records what the runner has done, by township: a step's key is
// its township's, as the case or hazard it is about is, so that the record
// can be kept with the township's data. bunstore.DeadlineActions and
// memstore.DeadlineActions implement it.
type State interface {
	// Acted returns which of keys have been recorded in township.
	Acted(ctx context.Context, township grid.CellID, keys []string) (map[string]bool, error)
	// Record records key, about subject of township, as done at at.
	// Recording a key again changes nothing.
	Record(ctx context.Context, township grid.CellID, key, subject string, at time.Time) error
}

// Outbox takes the notices the runner sends. outbox.Store implementations
// have this method.
type Outbox interface {
	Enqueue(ctx context.Context, now time.Time, ns ...work.Notice) error
}

// Runner finds what is due and does what the rules say of it; see the
// package comment.
type Runner struct {
	Cases     *mediation.Service
	Hazards   *hazard.Service // nil when hazards are not tracked
	Townships []grid.CellID
	State     State
	Outbox    Outbox
	Interval  time.Duration // how often Run ticks
	// Now returns the current time; tests replace it with a fake clock.
	Now func() time.Time
	Log *slog.Logger
	// Ticked, if set, is called by Run after each tick with when the tick
	// began and ended, by Now, and its error: what a program's metrics
	// need to show how long the ticks take and how far behind its
	// schedule the runner is.
	Ticked func(began, ended time.Time, err error)
}

// New returns a Runner for the townships that ticks every minute, and uses
// the system clock and slog's default logger. hazards may be nil.
func New(cases *mediation.Service, hazards *hazard.Service, state State, outbox Outbox, townships ...grid.CellID) *Runner {
	return &Runner{
		Cases: cases, Hazards: hazards, Townships: townships, State: state, Outbox: outbox,
		Interval: time.Minute, Now: time.Now, Log: slog.Default(),
	}
}

// Report counts what one tick did.
type Report struct {
	Reminders   int // deadlines reminded of before they passed
	Overdue     int // passed deadlines notified
	Alerts      int // duty officers alerted
	Escalations int // cases submitted upward
}

// Run ticks every Interval until ctx is done, and returns ctx's error. A
// tick's error is logged, and the next tick tries again.
func (r *Runner) Run(ctx context.Context) error {
	t := time.NewTicker(r.Interval)
	defer t.Stop()
	for {
		began := r.Now()
		rep, err := r.Tick(ctx)
		if r.Ticked != nil {
			r.Ticked(began, r.Now(), err)
		}
		if err != nil && ctx.Err() == nil {
			r.Log.ErrorContext(ctx, "deadlines: tick", "err", err)
		} else if rep != (Report{}) {
			r.Log.InfoContext(ctx, "deadlines: tick", "reminders", rep.Reminders, "overdue", rep.Overdue, "alerts", rep.Alerts, "escalations", rep.Escalations)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// caseStates are the states in which a case has deadlines the runner acts
// on.
var caseStates = []mediation.State{mediation.Registered, mediation.Accepted, mediation.Mediating, mediation.Agreed}

// Tick acts once on everything due now in every township. It goes on past
// a failure with one subject and returns the failures joined.
func (r *Runner) Tick(ctx context.Context) (Report, error) {
	now := r.Now().UTC()
	var rep Report
	var errs []error
	for _, t := range r.Townships {
		actor := grid.SystemActor(t)
		errs = append(errs, pages(func(before string) (string, error) {
			page, err := r.Cases.List(ctx, actor, mediation.Filter{States: caseStates, Limit: work.MaxPage, Before: mediation.ID(before)})
			if err != nil {
				return "", fmt.Errorf("deadlines: list cases of %s: %w", t, err)
			}
			errs = append(errs, r.act(ctx, now, actor, r.Cases.Rules().Due, r.escalate, r.Cases.Rules().Deadlines(now, page.Cases...), &rep))
			return string(page.Next), nil
		}))
		if r.Hazards == nil {
			continue
		}
		errs = append(errs, pages(func(before string) (string, error) {
			page, err := r.Hazards.List(ctx, actor, hazard.Filter{States: []hazard.State{hazard.Open, hazard.Rectified}, Limit: work.MaxPage, Before: hazard.ID(before)})
			if err != nil {
				return "", fmt.Errorf("deadlines: list hazards of %s: %w", t, err)
			}
			errs = append(errs, r.act(ctx, now, actor, r.Hazards.Rules().Due, nil, r.Hazards.Rules().Deadlines(now, page.Hazards...), &rep))
			return string(page.Next), nil
		}))
	}
	return rep, errors.Join(errs...)
}

// pages calls page with each page's cursor, "" for the first, until it
// returns no next cursor or an error.
func pages(page func(before string) (next string, err error)) error {
	next := ""
	for {
		var err error
		if next, err = page(next); err != nil || next == "" {
			return err
		}
	}
}

// due is the rules of a kind of work that say what a deadline calls for
// at a moment (mediation.Rules.Due, hazard.Rules.Due).
type due func(d work.Deadline, now time.Time) (work.Step, bool)

// escalation submits subject upward, and reports whether it did.
type escalation func(ctx context.Context, actor grid.Actor, subject string) (bool, error)

// act takes, for each of deadlines, the step the rules say is due at now,
// unless it was taken already; escalate does the escalations of their kind
// of work (nil for none).
func (r *Runner) act(ctx context.Context, now time.Time, actor grid.Actor, rules due, escalate escalation, ds []work.Deadline, rep *Report) error {
	type pending struct {
		township grid.CellID
		subject  string
		step     work.Step
	}
	var todo []pending
	// A deadline's township is its cell's, as its notices' is; the
	// deadlines of one tick's page are all of the actor's township, but
	// the record is read by each deadline's own.
	keys := map[grid.CellID][]string{}
	for _, d := range ds {
		if s, ok := rules(d, now); ok {
			t := d.Cell.Township()
			todo = append(todo, pending{t, d.Subject, s})
			keys[t] = append(append(keys[t], s.Key), s.Earlier...)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	done := map[grid.CellID]map[string]bool{}
	for t, ks := range keys {
		acted, err := r.State.Acted(ctx, t, ks)
		if err != nil {
			return fmt.Errorf("deadlines: read state of %s: %w", t, err)
		}
		done[t] = acted
	}
	var errs []error
	for _, p := range todo {
		if done[p.township][p.step.Key] {
			continue
		}
		if err := r.take(ctx, now, actor, escalate, p.subject, p.step, rep); err != nil {
			errs = append(errs, err)
			continue
		}
		for _, k := range slices.Concat(p.step.Earlier, []string{p.step.Key}) {
			if done[p.township][k] {
				continue
			}
			if err := r.State.Record(ctx, p.township, k, p.subject, now); err != nil {
				errs = append(errs, fmt.Errorf("deadlines: record %s: %w", k, err))
			}
		}
	}
	return errors.Join(errs...)
}

// take does step s of a deadline of subject: its notices first, and the
// escalation it calls for last; both are idempotent.
func (r *Runner) take(ctx context.Context, now time.Time, actor grid.Actor, escalate escalation, subject string, s work.Step, rep *Report) error {
	if err := r.Outbox.Enqueue(ctx, now, s.Notices...); err != nil {
		return fmt.Errorf("deadlines: enqueue %s: %w", s.Key, err)
	}
	for _, n := range s.Notices {
		switch n.Kind {
		case work.NoticeReminder:
			rep.Reminders++
		case work.NoticeOverdue:
			rep.Overdue++
		case work.NoticeAlert:
			rep.Alerts++
		}
	}
	if !s.Escalate || escalate == nil {
		return nil
	}
	escalated, err := escalate(ctx, actor, subject)
	if err != nil {
		return fmt.Errorf("deadlines: escalate case %s: %w", subject, err)
	}
	if escalated {
		rep.Escalations++
	}
	return nil
}

// escalate submits case id upward through the service, as the rules of
// cases say an overdue one is.
func (r *Runner) escalate(ctx context.Context, actor grid.Actor, id string) (bool, error) {
	return r.Cases.AutoEscalate(ctx, actor, mediation.ID(id))
}
