package stats

import (
	"context"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
)

// Measure is a count the Source answers. Each says which records it counts
// and by which of their times: a case counts in the period its event fell in.
type Measure string

// The measures of cases.
const (
	Registered     Measure = "cases.registered"      // registered in the range (排查: disputes screened)
	Accepted       Measure = "cases.accepted"        // accepted in the range
	Agreed         Measure = "cases.agreed"          // reached an agreement in the range (化解)
	Failed         Measure = "cases.failed"          // mediation failed in the range
	Withdrawn      Measure = "cases.withdrawn"       // withdrawn in the range
	Rejected       Measure = "cases.rejected"        // not taken, in the range
	TransferredOut Measure = "cases.transferred_out" // handed outside the grid in the range
	Escalated      Measure = "cases.escalated"       // registered in the range and submitted upward at least once
	Outside        Measure = "cases.outside"         // registered in the range, arose outside the township
	RoutingDue     Measure = "cases.routing_due"     // registered in the range and routed, or due to be by its end
	RoutedOnTime   Measure = "cases.routed_on_time"  // of those, accepted, rejected or transferred out by the acceptance deadline
	Open           Measure = "cases.open"            // at the range's end: registered and not yet ended
	Pending        Measure = "cases.pending"         // at the range's end: open and still within its deadline
	Participants   Measure = "cases.participants"    // 4+N team members of cases registered in the range
	// Satisfaction is counted by party: each answer given at a follow-up
	// visit (回访) in the range, whenever the case was registered.
	Asked   Measure = "cases.followups_asked"   // parties asked their satisfaction at follow-up visits in the range
	Content Measure = "cases.followups_content" // of those answers, 满意 or 基本满意
	// Recurred is registered in the range and a recurrence of an earlier
	// case (see Recurs). Unlike the others it depends on other records:
	// TallyCase does not count it, TallyRecurred does.
	Recurred Measure = "cases.recurred"
)

// RecurrenceWindow is how far back a case looks for its applicants'
// earlier cases: 12 months, taken as 365 days so that a store compares
// instants only.
const RecurrenceWindow = 365 * 24 * time.Hour

// Recurs reports whether case c recurs case d (the same parties again): d
// is another case of the same township, registered in the RecurrenceWindow
// before c, and an applicant of c gave the phone number or ID number an
// applicant of d gave.
func Recurs(c, d *mediation.Case) bool {
	if c.ID == d.ID || c.Township != d.Township || !d.RegisteredAt.Before(c.RegisteredAt) ||
		d.RegisteredAt.Before(c.RegisteredAt.Add(-RecurrenceWindow)) {
		return false
	}
	for _, a := range c.Applicants {
		for _, b := range d.Applicants {
			if a.Phone != "" && a.Phone == b.Phone || a.IDCard != "" && a.IDCard == b.IDCard {
				return true
			}
		}
	}
	return false
}

// TallyRecurred adds what case c contributes to Recurred under q, given
// the cases it may recur (every case stored, or at least those sharing
// an applicant's phone or ID number with c): 1 if c is registered in the
// range and recurs one of them. It is the measure's definition.
func TallyRecurred(q Query, c *mediation.Case, all []*mediation.Case, add func(key string, n int64)) {
	if !q.Selects(c.Township, CaseCell(c)) || !q.Range.Contains(c.RegisteredAt) {
		return
	}
	for _, d := range all {
		if Recurs(c, d) {
			add(caseKey(q, c), 1)
			return
		}
	}
}

// The measures of hazards. Rectification is counted on the cohort found in
// the range, so that its rate is a share of those hazards.
const (
	HazardsFound     Measure = "hazards.found"       // reported in the range (排查隐患)
	HazardsRectified Measure = "hazards.rectified"   // reported in the range and rectified by its end
	HazardsOnTheSpot Measure = "hazards.on_the_spot" // reported in the range and rectified on the spot (当场整改)
	HazardsClosed    Measure = "hazards.closed"      // verified and closed in the range
	HazardsConverted Measure = "hazards.converted"   // dispute leads turned into cases in the range
)

// Dimension is what counts are grouped by.
type Dimension uint8

// The dimensions. ByCell groups by the ancestor at Query.Level of the cell
// a record belongs to; records of a cell above that level are counted under
// the key "". ByDepartment applies to Participants only.
const (
	Total Dimension = iota // no grouping: one count, keyed ""
	ByCell
	ByCategory
	ByChannel
	BySource
	ByGrade
	ByDepartment
)

// Query selects the records a measure counts: those of a township whose
// cell lies in one of the Within subtrees, in a time range, grouped by a
// dimension.
type Query struct {
	Township grid.CellID
	Within   []grid.Path
	Range    Range
	By       Dimension
	Level    grid.Level // the level ByCell groups at
}

// Validate checks the query, naming the field at fault.
func (q Query) Validate() error {
	switch {
	case q.Township == "":
		return fieldError("township", "required")
	case len(q.Within) == 0:
		return fieldError("within", "at least one subtree is required")
	case !q.Range.From.Before(q.Range.To):
		return fieldError("range", "the range must end after it begins")
	case q.By > ByDepartment:
		return fieldError("by", "unknown dimension %d", q.By)
	case q.By == ByCell && !q.Level.Valid():
		return fieldError("level", "grouping by cell needs a level of the grid")
	}
	for _, p := range q.Within {
		if p.Township() != q.Township {
			return fieldError("within", "subtree %s lies outside township %s", p, q.Township)
		}
	}
	return nil
}

// Count is the count of one group.
type Count struct {
	Key string
	N   int64
}

// Duration is a span the Source measures on each record.
type Duration string

// The durations.
const (
	TimeToAccept  Duration = "cases.time_to_accept"  // registration to acceptance, of cases accepted in the range
	TimeToResolve Duration = "cases.time_to_resolve" // registration to agreement or failure, of cases so concluded in the range
)

// Source answers grouped counts and durations over stored records. A SQL
// store answers them with aggregate queries; memory stores with one pass.
// Either way the answer must equal what Tally and Measure give record by
// record, which the conformance suite checks. A Source must be safe for
// concurrent use: NewReport computes its periods at once.
type Source interface {
	// Count returns the counts of m under q, one per non-empty group,
	// sorted by key. Returns Invalid for a bad query.
	Count(ctx context.Context, m Measure, q Query) ([]Count, error)
	// Durations returns the durations d of the records q selects, in any
	// order. Returns Invalid for a bad query.
	Durations(ctx context.Context, d Duration, q Query) ([]time.Duration, error)
}

// Request is one count asked of a Source: Measure under Query.
type Request struct {
	Measure Measure
	Query   Query
}

// A Batcher is a Source that answers several counts in one call with fewer
// passes over the records than a Count each would take: a SQL store reads
// the rows a range selects once for every measure that counts them.
// Compute asks a Batcher for all of a period's counts at once.
type Batcher interface {
	Source
	// CountBatch returns, for each request in order, what Count returns
	// for it. Returns Invalid for a bad request, as Count does.
	CountBatch(ctx context.Context, rs []Request) ([][]Count, error)
}

// CountAll answers rs from src: in one call if src is a Batcher, else with
// a Count each.
func CountAll(ctx context.Context, src Source, rs []Request) ([][]Count, error) {
	if b, ok := src.(Batcher); ok {
		return b.CountBatch(ctx, rs)
	}
	out := make([][]Count, len(rs))
	for i, r := range rs {
		var err error
		if out[i], err = src.Count(ctx, r.Measure, r.Query); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CaseCell is the cell a case counts in: where it arose, or for a case from
// outside the township, the cell that handles it. A linked duplicate
// counts in none — the zero Path, which no query selects — for its
// dispute is counted once, by the case it was linked to.
func CaseCell(c *mediation.Case) grid.Path {
	if c.DuplicateOf != "" {
		return grid.Path{}
	}
	if c.OutOfJurisdiction() {
		return c.Handling
	}
	return c.Location
}

// Selects reports whether a record of the given township and cell falls in
// q's subtrees.
func (q Query) Selects(township grid.CellID, cell grid.Path) bool {
	if township != q.Township {
		return false
	}
	for _, p := range q.Within {
		if p.Contains(cell) {
			return true
		}
	}
	return false
}

// TallyCase adds what case c contributes to measure m under q, calling add
// once per group it counts in. It is the definition of every case measure;
// memory stores call it, and SQL stores must agree with it.
func TallyCase(m Measure, q Query, c *mediation.Case, add func(key string, n int64)) {
	if !q.Selects(c.Township, CaseCell(c)) {
		return
	}
	key := func() string { return caseKey(q, c) }
	in := q.Range.Contains
	end := q.Range.To
	switch m {
	case Registered:
		if in(c.RegisteredAt) {
			add(key(), 1)
		}
	case Accepted:
		if !c.AcceptedAt.IsZero() && in(c.AcceptedAt) {
			add(key(), 1)
		}
	case Agreed, Failed, Withdrawn, Rejected, TransferredOut:
		if Outcome(c) == m && in(c.ResolvedAt) {
			add(key(), 1)
		}
	case Escalated:
		if in(c.RegisteredAt) && c.Escalations > 0 {
			add(key(), 1)
		}
	case Outside:
		if in(c.RegisteredAt) && c.OutOfJurisdiction() {
			add(key(), 1)
		}
	case RoutingDue, RoutedOnTime:
		if !in(c.RegisteredAt) {
			return
		}
		routed := RoutedAt(c)
		due := !routed.IsZero() && routed.Before(end) || c.AcceptDue.Before(end)
		onTime := !routed.IsZero() && routed.Before(end) && !routed.After(c.AcceptDue)
		if m == RoutingDue && due || m == RoutedOnTime && onTime {
			add(key(), 1)
		}
	case Open, Pending:
		if !c.RegisteredAt.Before(end) || !c.ResolvedAt.IsZero() && c.ResolvedAt.Before(end) {
			return
		}
		if m == Open || !overdueAt(c, end) {
			add(key(), 1)
		}
	case Asked, Content:
		for _, f := range c.FollowUps {
			if !in(f.At) {
				continue
			}
			asked, content := f.Asked()
			if m == Content {
				asked = content
			}
			if asked > 0 {
				add(key(), int64(asked))
			}
		}
	case Participants:
		if !in(c.RegisteredAt) {
			return
		}
		for _, p := range c.Team {
			if q.By == ByDepartment {
				add(p.Department, 1)
			} else {
				add(key(), 1)
			}
		}
	}
}

// Outcome returns the measure of how c ended — Agreed, Failed, Withdrawn,
// Rejected or TransferredOut — or "" if it has not.
func Outcome(c *mediation.Case) Measure {
	// An agreed case reopened (mediation.Service.Reopen) keeps its
	// agreement on file; if its mediation then fails or is withdrawn,
	// that is how it ended. A case that fails or is withdrawn cannot be
	// agreed after, so either outranks an agreement.
	switch {
	case c.Failure != nil:
		return Failed
	case c.Withdrawal != "":
		return Withdrawn
	case c.Agreement != nil:
		return Agreed
	case c.Rejection != nil:
		return Rejected
	case c.TransferOut != nil:
		return TransferredOut
	}
	return ""
}

// RoutedAt is when a competent handler first dealt with c: accepted it,
// rejected it, or handed it outside. A later transfer within the grid
// resets acceptance, so a transferred case counts from its new acceptance.
func RoutedAt(c *mediation.Case) time.Time {
	if !c.AcceptedAt.IsZero() {
		return c.AcceptedAt
	}
	if m := Outcome(c); m == Rejected || m == TransferredOut {
		return c.ResolvedAt
	}
	return time.Time{}
}

// overdueAt reports whether the open case c was past its deadline at t,
// judged by whether it had been accepted by then. A case whose mediation
// stands still (中止, mediation.Case.Suspended) is within its deadline
// once accepted: the limit does not run while a party is awaited, and
// resuming moves the deadline by the pause, which then decides.
func overdueAt(c *mediation.Case, t time.Time) bool {
	if c.AcceptedAt.IsZero() || !c.AcceptedAt.Before(t) {
		return t.After(c.AcceptDue)
	}
	return !c.Suspended() && t.After(c.ResolveDue)
}

func caseKey(q Query, c *mediation.Case) string {
	switch q.By {
	case ByCell:
		return string(CaseCell(c).At(q.Level))
	case ByCategory:
		return string(c.Category)
	case ByChannel:
		return c.Channel.String()
	case BySource:
		return string(c.Channel.Source())
	case ByGrade:
		return c.Grade.String()
	}
	return ""
}

// OfHazards reports whether m counts hazards rather than cases.
func (m Measure) OfHazards() bool { return strings.HasPrefix(string(m), "hazards.") }

// TallyHazard adds what hazard h contributes to measure m under q, calling
// add once if it counts. It is the definition of every hazard measure.
func TallyHazard(m Measure, q Query, h *hazard.Hazard, add func(key string, n int64)) {
	if !q.Selects(h.Township, h.Location) {
		return
	}
	in := q.Range.Contains
	var counts bool
	switch m {
	case HazardsFound:
		counts = in(h.ReportedAt)
	case HazardsRectified:
		counts = in(h.ReportedAt) && len(h.Rectifications) > 0 && h.Rectifications[0].At.Before(q.Range.To)
	case HazardsOnTheSpot:
		counts = in(h.ReportedAt) && h.OnTheSpot
	case HazardsClosed:
		counts = h.State == hazard.Closed && in(h.ClosedAt)
	case HazardsConverted:
		counts = h.State == hazard.Converted && in(h.ConvertedAt)
	}
	if counts {
		add(hazardKey(q, h), 1)
	}
}

func hazardKey(q Query, h *hazard.Hazard) string {
	switch q.By {
	case ByCell:
		return string(h.Location.At(q.Level))
	case ByCategory:
		return string(h.Category)
	case ByChannel:
		return h.Channel.String()
	case BySource:
		return string(h.Channel.Source())
	case ByGrade:
		return h.Grade.String()
	}
	return ""
}

// MeasureCase returns duration d of case c if q selects it, and whether it
// did.
func MeasureCase(d Duration, q Query, c *mediation.Case) (time.Duration, bool) {
	if !q.Selects(c.Township, CaseCell(c)) {
		return 0, false
	}
	switch d {
	case TimeToAccept:
		if !c.AcceptedAt.IsZero() && q.Range.Contains(c.AcceptedAt) {
			return c.AcceptedAt.Sub(c.RegisteredAt), true
		}
	case TimeToResolve:
		if m := Outcome(c); (m == Agreed || m == Failed) && q.Range.Contains(c.ResolvedAt) {
			return c.ResolvedAt.Sub(c.RegisteredAt), true
		}
	}
	return 0, false
}

func fieldError(field, format string, args ...any) error {
	return fourplusn.FieldError(field, format, args...)
}

// Validate reports whether m is a measure this package defines.
func (m Measure) Validate() error {
	switch m {
	case Registered, Accepted, Agreed, Failed, Withdrawn, Rejected, TransferredOut, Escalated, Outside,
		RoutingDue, RoutedOnTime, Open, Pending, Participants, Asked, Content, Recurred,
		HazardsFound, HazardsRectified, HazardsOnTheSpot, HazardsClosed, HazardsConverted:
		return nil
	}
	return fieldError("measure", "unknown measure %q", m)
}

// Validate reports whether d is a duration this package defines.
func (d Duration) Validate() error {
	if d == TimeToAccept || d == TimeToResolve {
		return nil
	}
	return fieldError("duration", "unknown duration %q", d)
}
