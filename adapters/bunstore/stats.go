package bunstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/stats"
)

// Stats answers the statistics package's queries with SQL aggregation:
// one COUNT … GROUP BY per measure, never a pass over every record in Go.
// It implements stats.Source and is safe for concurrent use.
type Stats struct {
	db *DB
}

var _ stats.Source = Stats{}

// Stats returns the database's statistics source.
func (db *DB) Stats() Stats { return Stats{db: db} }

// In the measures' conditions, :f and :t stand for the stored forms of the
// range's ends and :z for the zero time's. Every stored time compares as Go
// compares it (see timeColumn), so each line reads as the Go it translates:
// "x >= :f AND x < :t" is q.Range.Contains(x), "x <> :z" is !x.IsZero().
const (
	inRegistered = "registered_at >= :f AND registered_at < :t"
	inAccepted   = "accepted_at <> :z AND accepted_at >= :f AND accepted_at < :t"
	inResolved   = "resolved_at >= :f AND resolved_at < :t"
	inReported   = "reported_at >= :f AND reported_at < :t"
	// Not yet ended at the range's end: registered before it, and not
	// resolved before it.
	openAtEnd = "registered_at < :t AND (resolved_at = :z OR resolved_at >= :t)"
	// An answer of the row's case given in the range.
	answered = "case_answers.case_id = cases.id AND case_answers.at >= :f AND case_answers.at < :t"
)

// sqlMeasure is a measure in SQL: the rows it reads — its cohort, which
// one range of one index selects and which the measures read together
// share — and the condition on those rows that it counts, "" for all.
type sqlMeasure struct {
	cohort, cond string
}

// caseMeasures are the conditions of each case measure, on top of the
// query's township and subtrees. They say in SQL what stats.TallyCase says
// in Go; :o is bound to the measure itself, the outcome it counts.
var caseMeasures = map[stats.Measure]sqlMeasure{
	stats.Registered:     {inRegistered, ""},
	stats.Accepted:       {inAccepted, ""},
	stats.Agreed:         {"outcome = :o AND " + inResolved, ""},
	stats.Failed:         {"outcome = :o AND " + inResolved, ""},
	stats.Withdrawn:      {"outcome = :o AND " + inResolved, ""},
	stats.Rejected:       {"outcome = :o AND " + inResolved, ""},
	stats.TransferredOut: {"outcome = :o AND " + inResolved, ""},
	stats.Escalated:      {inRegistered, "escalations > 0"},
	stats.Outside:        {inRegistered, "outside = 1"},
	// due: routed before the end, or due to be.
	stats.RoutingDue: {inRegistered, "(routed_at <> :z AND routed_at < :t) OR accept_due < :t"},
	// on time: routed before the end, and not after the deadline.
	stats.RoutedOnTime: {inRegistered, "routed_at <> :z AND routed_at < :t AND routed_at <= accept_due"},
	stats.Open:         {openAtEnd, ""},
	// pending: open and not overdue at the end, judged by whether it had
	// been accepted by then, a suspended case within its deadline once
	// accepted (stats.overdueAt).
	stats.Pending: {openAtEnd, "((accepted_at = :z OR accepted_at >= :t) AND accept_due >= :t) OR " +
		"(accepted_at <> :z AND accepted_at < :t AND (resolve_due >= :t OR suspended = 1))"},
	stats.Participants: {inRegistered, ""}, // one row per team member, by the join
	// recurs an earlier case, as the column recurred keeps (see recur.go).
	stats.Recurred: {inRegistered, "recurred = 1"},
	// one row per party asked, by the join
	stats.Asked:   {answered, ""},
	stats.Content: {answered, "case_answers.content = 1"},
}

// hazardMeasures say in SQL what stats.TallyHazard says in Go; :s is bound
// to the state a measure needs (stateOf).
var hazardMeasures = map[stats.Measure]sqlMeasure{
	stats.HazardsFound: {inReported, ""},
	// first_rectified_at is NULL when there was no rectification, and NULL
	// compares as false.
	stats.HazardsRectified: {inReported, "first_rectified_at < :t"},
	stats.HazardsOnTheSpot: {inReported, "on_the_spot = 1"},
	stats.HazardsClosed:    {"state = :s AND closed_at >= :f AND closed_at < :t", ""},
	stats.HazardsConverted: {"state = :s AND converted_at >= :f AND converted_at < :t", ""},
}

// stateOf is the hazard state a hazard measure requires, if any.
func stateOf(m stats.Measure) string {
	switch m {
	case stats.HazardsClosed:
		return hazard.Closed.String()
	case stats.HazardsConverted:
		return hazard.Converted.String()
	}
	return ""
}

// Count returns the counts of m under q, one per non-empty group, sorted
// by key; see stats.Source. Returns Invalid for a bad measure or query.
func (s Stats) Count(ctx context.Context, m stats.Measure, q stats.Query) ([]stats.Count, error) {
	counts, err := s.CountBatch(ctx, []stats.Request{{Measure: m, Query: q}})
	if err != nil {
		return nil, err
	}
	return counts[0], nil
}

// CountBatch returns, for each request, what Count returns for it; see
// stats.Batcher. The measures the tally keeps are summed from it once per
// distinct span of days, and the others with one query per cohort: every
// measure of the same rows, in whatever groupings, counted in one pass.
// Returns Invalid for a bad request.
func (s Stats) CountBatch(ctx context.Context, rs []stats.Request) ([][]stats.Count, error) {
	out := make([][]stats.Count, len(rs))
	sums := tallySums{s: s, memo: map[string]map[string][numKinds]int64{}}
	if err := sums.prefetchMonths(ctx, rs); err != nil {
		return nil, fmt.Errorf("bunstore: count by month: %w", err)
	}
	cohorts := map[string]*cohort{}
	var order []*cohort
	for i, r := range rs {
		if err := r.Measure.Validate(); err != nil {
			return nil, err
		}
		if err := r.Query.Validate(); err != nil {
			return nil, err
		}
		if usesTally(r.Measure, r.Query) {
			var err error
			if out[i], err = sums.count(ctx, r.Measure, r.Query); err != nil {
				return nil, fmt.Errorf("bunstore: count %s: %w", r.Measure, err)
			}
			continue
		}
		c := newCohort(r)
		if prior := cohorts[c.id]; prior != nil {
			c = prior
		} else {
			cohorts[c.id] = c
			order = append(order, c)
		}
		c.requests = append(c.requests, i)
	}
	for _, c := range order {
		if err := c.count(ctx, s.db, rs, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// cohort is the rows a set of requests count: one table (or join), one
// township and subtrees, one range and one cohort condition.
type cohort struct {
	id        string // what makes two requests' rows the same
	from      string
	where     string
	whereArgs []any
	binds     map[string]any
	requests  []int // the indexes of the requests reading these rows
}

// sqlOf returns measure m in SQL.
func sqlOf(m stats.Measure) sqlMeasure {
	if m.OfHazards() {
		return hazardMeasures[m]
	}
	return caseMeasures[m]
}

func newCohort(r stats.Request) *cohort {
	m := r.Measure
	table, cell := "cases", "stats_path"
	c := &cohort{from: table, binds: map[string]any{"o": string(m)}}
	if m.OfHazards() {
		table, cell = "hazards", "location_path"
		c.from, c.binds = table, map[string]any{"s": stateOf(m)}
	}
	switch m {
	case stats.Participants:
		c.from = "cases JOIN case_participants ON case_participants.case_id = cases.id"
	case stats.Asked, stats.Content:
		// The answers of the range, by their index, and then their cases:
		// CROSS JOIN keeps SQLite from walking every case of the township
		// for the few answered in the range (seconds at 100k cases).
		c.from = "case_answers CROSS JOIN cases"
	}
	c.where, c.whereArgs = selection(table, cell, sqlOf(m).cohort, r.Query, c.binds)
	// The bound values of the cohort's condition tell apart the outcomes'
	// cohorts, whose SQL is the same.
	c.id = fmt.Sprint(c.from, "|", c.where, "|", c.whereArgs)
	return c
}

// count answers the cohort's requests with one query: a COUNT of each
// request's condition, grouped by every column the requests group by.
func (c *cohort) count(ctx context.Context, db *DB, rs []stats.Request, out [][]stats.Count) error {
	var keys []string // the distinct grouping columns
	keyOf := make([]int, len(c.requests))
	var counts []string
	var args []any
	for j, i := range c.requests {
		r := rs[i]
		k := groupKey(r.Measure, r.Query)
		keyOf[j] = -1
		if k != "" {
			if keyOf[j] = slices.Index(keys, k); keyOf[j] < 0 {
				keyOf[j] = len(keys)
				keys = append(keys, k)
			}
		}
		cond := sqlOf(r.Measure).cond
		if cond == "" {
			counts = append(counts, "COUNT(*)")
			continue
		}
		sql, condArgs := bind(cond, r.Query, c.binds)
		counts = append(counts, "COUNT(CASE WHEN "+sql+" THEN 1 END)")
		args = append(args, condArgs...)
	}
	query := "SELECT " + strings.Join(append(slices.Clone(keys), counts...), ", ") + " FROM " + c.from + " WHERE " + c.where
	if len(keys) > 0 {
		query += " GROUP BY " + strings.Join(keys, ", ")
	}
	rows, err := db.read.QueryContext(ctx, query, append(args, c.whereArgs...)...)
	if err != nil {
		return fmt.Errorf("bunstore: count %s: %w", rs[c.requests[0]].Measure, err)
	}
	defer rows.Close()
	groups := make([]map[string]int64, len(c.requests))
	for j := range groups {
		groups[j] = map[string]int64{}
	}
	keyVals := make([]string, len(keys))
	ns := make([]int64, len(counts))
	dest := make([]any, 0, len(keys)+len(counts))
	for i := range keyVals {
		dest = append(dest, &keyVals[i])
	}
	for i := range ns {
		dest = append(dest, &ns[i])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("bunstore: count: %w", err)
		}
		for j, k := range keyOf {
			key := ""
			if k >= 0 {
				key = keyVals[k]
			}
			groups[j][key] += ns[j]
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("bunstore: count: %w", err)
	}
	for j, i := range c.requests {
		out[i] = sortedCounts(groups[j])
	}
	return nil
}

// groupKey is the column a request groups by, "" for none. A record of a
// cell above the grouping level has "" in that level's column, as
// grid.Path.At gives.
func groupKey(m stats.Measure, q stats.Query) string {
	switch q.By {
	case stats.ByCell:
		return "l" + strconv.Itoa(int(q.Level))
	case stats.ByCategory:
		return "category"
	case stats.ByChannel:
		return "channel"
	case stats.BySource:
		return "source"
	case stats.ByGrade:
		return "grade"
	case stats.ByDepartment:
		if m == stats.Participants {
			return "case_participants.department"
		}
	}
	return "" // Total, and ByDepartment of a measure other than Participants
}

// selection returns the WHERE clause of a cohort's condition within q's
// township and subtrees, and its arguments.
func selection(table, cell, cond string, q stats.Query, binds map[string]any) (string, []any) {
	in, inArgs := subtree(table+"."+cell, q.Within)
	sql, args := bind(cond, q, binds)
	return table + ".township = ? AND " + in + " AND " + sql, append(append([]any{string(q.Township)}, inArgs...), args...)
}

// bind replaces the names in cond by placeholders and returns their
// arguments: :f, :t and :z bound to q's range and the zero time, and
// :name to binds[name].
func bind(cond string, q stats.Query, binds map[string]any) (string, []any) {
	var args []any
	var b strings.Builder
	for i := 0; i < len(cond); i++ {
		if cond[i] != ':' || i+1 == len(cond) {
			b.WriteByte(cond[i])
			continue
		}
		i++
		switch name := cond[i : i+1]; name {
		case "f":
			args = append(args, timeColumn(q.Range.From))
		case "t":
			args = append(args, timeColumn(q.Range.To))
		case "z":
			args = append(args, zeroTime)
		default:
			args = append(args, binds[name])
		}
		b.WriteByte('?')
	}
	return b.String(), args
}

// Durations returns the durations d of the cases q selects, in no order;
// see stats.Source. Only the two times of each selected case are read, and
// subtracted in Go as stats.MeasureCase does. Returns Invalid for a bad
// duration or query.
func (s Stats) Durations(ctx context.Context, d stats.Duration, q stats.Query) ([]time.Duration, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	end, cond := "accepted_at", inAccepted
	if d == stats.TimeToResolve {
		end, cond = "resolved_at", "outcome IN (:a, :b) AND "+inResolved
	}
	w, args := selection("cases", "stats_path", cond, q, map[string]any{"a": string(stats.Agreed), "b": string(stats.Failed)})
	// Both times are set, so their stored nanoseconds subtract to the
	// time.Duration Go's Sub gives.
	rows, err := s.db.read.QueryContext(ctx, "SELECT "+end+" - registered_at FROM cases WHERE "+w, args...)
	if err != nil {
		return nil, fmt.Errorf("bunstore: durations %s: %w", d, err)
	}
	defer rows.Close()
	var out []time.Duration
	for rows.Next() {
		var v time.Duration
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("bunstore: durations %s: %w", d, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("bunstore: durations %s: %w", d, err)
	}
	return out, nil
}

// Indicators is the SQL store of imported indicator values. It implements
// stats.Indicators and is safe for concurrent use.
type Indicators struct {
	db *DB
}

var _ stats.Indicators = Indicators{}

// Indicators returns the database's indicator store.
func (db *DB) Indicators() Indicators { return Indicators{db: db} }

// Put records v, replacing the value of the same name, cell, period and
// start. Returns Invalid for a bad value.
func (s Indicators) Put(ctx context.Context, v stats.Indicator) error {
	if err := v.Validate(); err != nil {
		return err
	}
	_, err := s.db.write.ExecContext(ctx, "INSERT INTO indicators (name, cell_path, township, period, start, value) VALUES (?, ?, ?, ?, ?, ?) "+
		"ON CONFLICT (township, name, cell_path, period, start) DO UPDATE SET value = excluded.value",
		v.Name, v.Cell.String(), string(v.Cell.Township()), int(v.Period), timeColumn(v.Start), v.Value)
	if err != nil {
		return fmt.Errorf("bunstore: put indicator %s: %w", v.Name, unavailable(err))
	}
	return nil
}

// Sum adds up the values of name recorded for q's subtrees with periods of
// kind p starting in q.Range; see stats.Indicators. Returns Invalid for a
// bad query.
func (s Indicators) Sum(ctx context.Context, name string, p stats.Period, q stats.Query) (int64, error) {
	return s.aggregate(ctx, "COALESCE(SUM(value), 0)", name, p, q)
}

// Recorded counts the values of name recorded for q's subtrees with
// periods of kind p starting in q.Range; see stats.Indicators. Returns
// Invalid for a bad query.
func (s Indicators) Recorded(ctx context.Context, name string, p stats.Period, q stats.Query) (int64, error) {
	return s.aggregate(ctx, "COUNT(*)", name, p, q)
}

// aggregate answers the aggregate expression agg over the values Sum and
// Recorded select.
func (s Indicators) aggregate(ctx context.Context, agg, name string, p stats.Period, q stats.Query) (int64, error) {
	if err := q.Validate(); err != nil {
		return 0, err
	}
	in, args := subtree("cell_path", q.Within)
	args = append([]any{name, int(p), timeColumn(q.Range.From), timeColumn(q.Range.To), string(q.Township)}, args...)
	var n int64
	err := s.db.read.QueryRowContext(ctx, "SELECT "+agg+" FROM indicators WHERE name = ? AND period = ? AND start >= ? AND start < ? AND township = ? AND "+in, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("bunstore: indicator %s: %w", name, err)
	}
	return n, nil
}
