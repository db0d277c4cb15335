// Package deadlines runs the township's clock: on a schedule it finds what
// is due on cases and hazards and acts on it, so that nothing waits unseen.
//
// A Runner asks mediation.Rules.Deadlines and hazard.Rules.Deadlines — pure
// domain functions — what is due, and for each deadline:
//   - reminds whoever answers for it when a fraction of the time allowed
//     has passed (by default half and four fifths), each fraction once;
//   - when the deadline passes, tells them and the posts of the cell that
//     must act, alerts the duty officers to an application nobody accepted
//     in time (and to a red case or hazard left overdue), and submits an
//     overdue case upward through mediation.Service.AutoEscalate, once.
//
// Reminders go to a notification outbox (package adapters/notify), which a
// Dispatcher delivers. What the runner has done is stored in a State, by a
// key per deadline and step, so it acts once even across restarts and with
// two runners on one database: it acts first and records after, and each
// act is idempotent (an outbox stores a notification key once, and
// AutoEscalate does nothing to a case already waiting for review), so a
// runner stopped between the two acts again harmlessly.
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
	"time"

	"github.com/fourplusn/fourplusn/work"

	"github.com/fourplusn/fourplusn/adapters/notify"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
)

// State records what the runner has done. bunstore.DeadlineActions and
// memstore.DeadlineActions implement it.
type State interface {
	// Acted returns which of keys have been recorded.
	Acted(ctx context.Context, keys []string) (map[string]bool, error)
	// Record records key, about subject, as done at at. Recording a key
	// again changes nothing.
	Record(ctx context.Context, key, subject string, at time.Time) error
}

// Outbox takes the runner's notifications. notify.Outbox implementations
// have this method.
type Outbox interface {
	Enqueue(ctx context.Context, now time.Time, ns ...notify.Notification) error
}

// Runner finds what is due and acts on it; see the package comment.
type Runner struct {
	Cases     *mediation.Service
	Hazards   *hazard.Service // nil when hazards are not tracked
	Townships []grid.CellID
	State     State
	Outbox    Outbox
	// Reminders are the fractions of the time allowed at which whoever
	// answers for a deadline is reminded, ascending, each below 1; the
	// deadline itself is always acted on.
	Reminders []float64
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

// New returns a Runner for the townships that reminds at half and four
// fifths of the time allowed, ticks every minute, and uses the system
// clock and slog's default logger. hazards may be nil.
func New(cases *mediation.Service, hazards *hazard.Service, state State, outbox Outbox, townships ...grid.CellID) *Runner {
	return &Runner{
		Cases: cases, Hazards: hazards, Townships: townships, State: state, Outbox: outbox,
		Reminders: []float64{0.5, 0.8}, Interval: time.Minute, Now: time.Now, Log: slog.Default(),
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
			subjects := map[string]subject{}
			for _, c := range page.Cases {
				subjects[string(c.ID)] = subject{kind: notify.SubjectCase, township: t, grade: c.Grade}
			}
			errs = append(errs, r.act(ctx, now, actor, subjects, r.Cases.Rules.Deadlines(now, page.Cases...), &rep))
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
			subjects := map[string]subject{}
			for _, h := range page.Hazards {
				subjects[string(h.ID)] = subject{kind: notify.SubjectHazard, township: t, grade: h.Grade}
			}
			errs = append(errs, r.act(ctx, now, actor, subjects, r.Hazards.Rules.Deadlines(now, page.Hazards...), &rep))
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

// subject is what the runner needs to know of a deadline's case or hazard.
type subject struct {
	kind     string
	township grid.CellID
	grade    work.Grade
}

// step is one thing to do for a deadline: a reminder, the deadline passed,
// an escalation, each with its key.
type step struct {
	key      string
	fraction float64 // of the time allowed; 1 for the deadline itself
}

// act does what is due for deadlines and not yet done.
func (r *Runner) act(ctx context.Context, now time.Time, actor grid.Actor, subjects map[string]subject, ds []work.Deadline, rep *Report) error {
	var keys []string
	plans := make([][]step, len(ds))
	for i, d := range ds {
		if action(d.Kind) == 0 {
			continue // the parties' own window (court confirmation): nobody to remind
		}
		plans[i] = r.steps(subjects[d.Subject].kind, d)
		for _, s := range plans[i] {
			keys = append(keys, s.key)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	done, err := r.State.Acted(ctx, keys)
	if err != nil {
		return fmt.Errorf("deadlines: read state: %w", err)
	}
	var errs []error
	for i, d := range ds {
		// The latest step whose moment has passed is the one to take;
		// earlier ones not yet taken are recorded with it unsent, so that
		// a runner that was down does not send a backlog of stale ones.
		latest := -1
		for j, s := range plans[i] {
			if s.fraction < 1 && !now.Before(moment(d, s.fraction)) || s.fraction >= 1 && now.After(d.Due) {
				latest = j
			}
		}
		if latest < 0 || done[plans[i][latest].key] {
			continue
		}
		if err := r.take(ctx, now, actor, subjects[d.Subject], d, plans[i][latest], rep); err != nil {
			errs = append(errs, err)
			continue
		}
		for _, s := range plans[i][:latest+1] {
			if done[s.key] {
				continue
			}
			if err := r.State.Record(ctx, s.key, d.Subject, now); err != nil {
				errs = append(errs, fmt.Errorf("deadlines: record %s: %w", s.key, err))
			}
		}
	}
	return errors.Join(errs...)
}

// steps returns d's steps in order: its reminders, keyed by the start of
// the time allowed so that an extension does not repeat them, then the
// deadline itself, keyed by its due time, so that an extended deadline that
// passes again counts again.
func (r *Runner) steps(kind string, d work.Deadline) []step {
	base := fmt.Sprintf("%s/%s/%s/%d", kind, d.Subject, d.Kind, d.Since.UnixNano())
	var out []step
	for _, f := range r.Reminders {
		if f > 0 && f < 1 {
			out = append(out, step{key: fmt.Sprintf("%s/%d%%", base, int(f*100+0.5)), fraction: f})
		}
	}
	return append(out, step{key: fmt.Sprintf("%s/due-%d", base, d.Due.UnixNano()), fraction: 1})
}

// moment is when the fraction f of d's time allowed has passed.
func moment(d work.Deadline, f float64) time.Time {
	return d.Since.Add(time.Duration(f * float64(d.Due.Sub(d.Since))))
}

// take does step s of deadline d: a reminder, or for the deadline itself
// the overdue notice, the duty alert and the escalation it calls for.
// Notifications go out first and the escalation last; all are idempotent.
func (r *Runner) take(ctx context.Context, now time.Time, actor grid.Actor, sub subject, d work.Deadline, s step, rep *Report) error {
	cell := d.Cell
	n := notify.Notification{
		Key: s.key, Township: sub.township, SubjectKind: sub.kind, Subject: d.Subject,
		Action: string(d.Kind), At: now,
	}
	what := deadlineNames[d.Kind]
	if s.fraction < 1 {
		n.Kind, n.Title = notify.Reminder, fmt.Sprintf("【提醒】%s %s", what, d.Subject)
		n.Text = fmt.Sprintf("%s %s 的%s期限已过%d%%，请于 %s 前办理。", subjectName(sub.kind), d.Subject, what, int(s.fraction*100+0.5), notify.ShowTime(d.Due))
		n.To = []notify.Recipient{answers(d, sub, cell)}
		rep.Reminders++
		return r.enqueue(ctx, now, n)
	}
	n.Kind, n.Title = notify.Overdue, fmt.Sprintf("【超期】%s %s", what, d.Subject)
	n.Text = fmt.Sprintf("%s %s 的%s期限 %s 已过，请立即办理。", subjectName(sub.kind), d.Subject, what, notify.ShowTime(d.Due))
	n.To = []notify.Recipient{answers(d, sub, cell)}
	if posts := notify.ToPosts(cell, action(d.Kind)); n.To[0] != posts {
		n.To = append(n.To, posts)
	}
	ns := []notify.Notification{n}
	if d.Kind == mediation.AcceptBy || sub.grade == work.Major {
		alert := n
		alert.Key, alert.Kind = s.key+"/duty", notify.Alert
		alert.Title = fmt.Sprintf("【值班预警】%s %s 超期", what, d.Subject)
		if d.Kind == mediation.AcceptBy {
			alert.Title = fmt.Sprintf("【值班预警】申请 %s 超期未受理", d.Subject)
		}
		alert.To = []notify.Recipient{notify.ToDuty(sub.township)}
		ns = append(ns, alert)
		rep.Alerts++
	}
	rep.Overdue++
	if err := r.enqueue(ctx, now, ns...); err != nil {
		return err
	}
	if sub.kind != notify.SubjectCase || d.Kind != mediation.AcceptBy && d.Kind != mediation.ResolveBy {
		return nil
	}
	escalated, err := r.Cases.AutoEscalate(ctx, actor, mediation.ID(d.Subject))
	if err != nil {
		return fmt.Errorf("deadlines: escalate case %s: %w", d.Subject, err)
	}
	if escalated {
		rep.Escalations++
	}
	return nil
}

func (r *Runner) enqueue(ctx context.Context, now time.Time, ns ...notify.Notification) error {
	if err := r.Outbox.Enqueue(ctx, now, ns...); err != nil {
		return fmt.Errorf("deadlines: enqueue %s: %w", ns[0].Key, err)
	}
	return nil
}

// answers is who answers for d: its accountable member; the duty watch for
// an online application nobody has reviewed; otherwise the posts of the
// cell that may act.
func answers(d work.Deadline, sub subject, cell grid.Path) notify.Recipient {
	switch {
	case d.Accountable != "":
		return notify.ToMember(d.Accountable)
	case sub.kind == notify.SubjectCase && d.Kind == mediation.AcceptBy:
		return notify.ToDuty(sub.township)
	}
	return notify.ToPosts(cell, action(d.Kind))
}

// action is what the posts of a deadline's cell must do to meet it, or 0
// for a deadline no post meets.
func action(k work.DeadlineKind) grid.Action {
	switch k {
	case mediation.AcceptBy:
		return grid.Accept
	case mediation.ResolveBy, mediation.FollowUpBy:
		return grid.Mediate
	case mediation.ReviewEscalated:
		return grid.ApproveEscalation
	case hazard.RectifyBy:
		return grid.Rectify
	case hazard.VerifyBy:
		return grid.Verify
	}
	return 0
}

var deadlineNames = map[work.DeadlineKind]string{
	mediation.AcceptBy: "受理", mediation.ResolveBy: "调处", mediation.FollowUpBy: "回访",
	mediation.ReviewEscalated: "呈报审核", hazard.RectifyBy: "整改", hazard.VerifyBy: "验收",
}

func subjectName(kind string) string {
	if kind == notify.SubjectHazard {
		return "隐患"
	}
	return "纠纷"
}
