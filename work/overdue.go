package work

import (
	"fmt"
	"time"

	"github.com/fourplusn/fourplusn/grid"
)

// Step is what a deadline calls for at a moment: a reminder while it runs,
// or what its passing triggers. Each kind of work's Rules decide it
// (mediation.Rules.Due, hazard.Rules.Due); a scheduler takes each step
// once.
type Step struct {
	// Key identifies the step: the same step of the same deadline always
	// has the same key, so that a scheduler records it and never takes it
	// twice. Reminders are keyed by the start of the time allowed, so that
	// an extension does not repeat one already sent; the deadline itself
	// is keyed by its due time, so that an extended deadline that passes
	// again is acted on again.
	Key string
	// Earlier are the keys of the deadline's steps before this one. A
	// scheduler that did not take them in time records them as taken with
	// this one: a stale reminder is never sent late.
	Earlier []string
	// Notices are what to send, each keyed from Key.
	Notices []Notice
	// Escalate is whether the case is to be submitted upward (for a case:
	// mediation.Service.AutoEscalate).
	Escalate bool
}

// DeadlineRule is what one deadline calls for as time passes: a reminder to
// whoever answers for it at each of Reminders' fractions of the time
// allowed, and once it has passed, a notice to them and to the posts of the
// cell that must act, an alert to the duty officers if Alert says so, and
// an escalation if Escalate does. Each kind of work's Rules fill it in for
// each of their deadlines.
type DeadlineRule struct {
	SubjectKind string // SubjectCase or SubjectHazard
	Noun        string // the subject in words: 纠纷, 隐患
	What        string // what is due, in words: 受理, 整改, …
	// Action is what the posts of the deadline's cell must do to meet it.
	Action grid.Action
	// Answers is who answers for the deadline: reminded before it passes
	// and told first when it has.
	Answers Recipient
	// Reminders are fractions of the time allowed, ascending, each above 0
	// and below 1.
	Reminders []float64
	// Alert is whether the duty officers are alerted when it passes, with
	// AlertTitle as the alert's title ("" for the usual one).
	Alert      bool
	AlertTitle string
	Escalate   bool // whether its passing submits the case upward
}

// DeadlineRules are the rules of a kind of work's deadlines, by kind.
type DeadlineRules map[DeadlineKind]DeadlineRule

// For returns the rule of deadline d, with whoever answers for it: its
// accountable member, or when nobody in particular does, the posts of its
// cell that may meet it. It returns false for a deadline of a kind the
// rules do not name: one no post meets.
func (rs DeadlineRules) For(d Deadline) (DeadlineRule, bool) {
	r, ok := rs[d.Kind]
	if !ok {
		return DeadlineRule{}, false
	}
	r.Answers = AnswersFor(d.Accountable, d.Cell, r.Action)
	return r, true
}

// DefaultReminders returns the fractions of the time allowed at which
// whoever answers for a deadline is reminded: at half and at four fifths.
func DefaultReminders() []float64 { return []float64{0.5, 0.8} }

// Due returns the step of deadline d to take at now — the latest whose
// moment has come — and false when none has: before the first reminder.
func (r DeadlineRule) Due(d Deadline, now time.Time) (Step, bool) {
	var fractions []float64
	latest := -1
	for _, f := range r.Reminders {
		if f <= 0 || f >= 1 {
			continue
		}
		if !now.Before(d.Since.Add(time.Duration(f * float64(d.Due.Sub(d.Since))))) {
			latest = len(fractions)
		}
		fractions = append(fractions, f)
	}
	passed := now.After(d.Due)
	if latest < 0 && !passed {
		return Step{}, false // most deadlines on most ticks: no key is made
	}
	base := fmt.Sprintf("%s/%s/%s/%d", r.SubjectKind, d.Subject, d.Kind, d.Since.UnixNano())
	reminders := make([]string, len(fractions))
	for i, f := range fractions {
		reminders[i] = fmt.Sprintf("%s/%d%%", base, percent(f))
	}
	if passed {
		return r.passed(d, fmt.Sprintf("%s/due-%d", base, d.Due.UnixNano()), reminders, now), true
	}
	return r.reminder(d, reminders[latest], reminders[:latest:latest], fractions[latest], now), true
}

func percent(f float64) int { return int(f*100 + 0.5) }

// reminder is the step of d at fraction f of its time allowed.
func (r DeadlineRule) reminder(d Deadline, key string, earlier []string, f float64, now time.Time) Step {
	n := r.notice(d, key, NoticeReminder, fmt.Sprintf("【提醒】%s %s", r.What, d.Named()),
		fmt.Sprintf("%s %s 的%s期限已过%d%%，请于 %s 前办理。", r.Noun, d.Named(), r.What, percent(f), ShowTime(d.Due)), now, r.Answers)
	return Step{Key: key, Earlier: earlier, Notices: []Notice{n}}
}

// passed is the step of d once it has passed.
func (r DeadlineRule) passed(d Deadline, key string, earlier []string, now time.Time) Step {
	to := []Recipient{r.Answers}
	if posts := ToPosts(d.Cell, r.Action); posts != r.Answers {
		to = append(to, posts)
	}
	overdue := r.notice(d, key, NoticeOverdue, fmt.Sprintf("【超期】%s %s", r.What, d.Named()),
		fmt.Sprintf("%s %s 的%s期限 %s 已过，请立即办理。", r.Noun, d.Named(), r.What, ShowTime(d.Due)), now, to...)
	s := Step{Key: key, Earlier: earlier, Notices: []Notice{overdue}, Escalate: r.Escalate}
	if r.Alert {
		title := r.AlertTitle
		if title == "" {
			title = fmt.Sprintf("【值班预警】%s %s 超期", r.What, d.Named())
		}
		alert := r.notice(d, key+"/duty", NoticeAlert, title, overdue.Text, now, ToDuty(d.Cell.Township()))
		s.Notices = append(s.Notices, alert)
	}
	return s
}

func (r DeadlineRule) notice(d Deadline, key string, kind NoticeKind, title, text string, now time.Time, to ...Recipient) Notice {
	return Notice{
		Key: key, Township: d.Cell.Township(), SubjectKind: r.SubjectKind, Subject: d.Subject,
		Kind: kind, Action: string(d.Kind), Title: title, Text: text, To: to, At: now,
	}
}
