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
	inResolved   = "resolved_at >= :f AND resolved_at < :t"
	// Not yet ended at the range's end: registered before it, and not
	// resolved before it.
	openAtEnd = "registered_at < :t AND (resolved_at = :z OR resolved_at >= :t)"
)

// caseMeasures are the conditions of each case measure, on top of the
// query's township and subtrees. They say in SQL what stats.TallyCase says
// in Go; a measure's outcome is bound by outcomeOf.
var caseMeasures = map[stats.Measure]string{
	stats.Registered:     inRegistered,
	stats.Accepted:       "accepted_at <> :z AND accepted_at >= :f AND accepted_at < :t",
	stats.Agreed:         "outcome = :o AND " + inResolved,
	stats.Failed:         "outcome = :o AND " + inResolved,
	stats.Withdrawn:      "outcome = :o AND " + inResolved,
	stats.Rejected:       "outcome = :o AND " + inResolved,
	stats.TransferredOut: "outcome = :o AND " + inResolved,
	stats.Escalated:      inRegistered + " AND escalations > 0",
	stats.Outside:        inRegistered + " AND outside = 1",
	// due: routed before the end, or due to be.
	stats.RoutingDue: inRegistered + " AND ((routed_at <> :z AND routed_at < :t) OR accept_due < :t)",
	// on time: routed before the end, and not after the deadline.
	stats.RoutedOnTime: inRegistered + " AND routed_at <> :z AND routed_at < :t AND routed_at <= accept_due",
	stats.Open:         openAtEnd,
	// pending: open and not overdue at the end, judged by whether it had
	// been accepted by then (stats.overdueAt).
	stats.Pending: openAtEnd + " AND (" +
		"((accepted_at = :z OR accepted_at >= :t) AND accept_due >= :t) OR " +
		"(accepted_at <> :z AND accepted_at < :t AND resolve_due >= :t))",
	stats.Participants: inRegistered, // one row per team member, by the join
}

// hazardMeasures say in SQL what stats.TallyHazard says in Go; :s is the
// state a measure needs, bound by stateOf.
var hazardMeasures = map[stats.Measure]string{
	stats.HazardsFound: "reported_at >= :f AND reported_at < :t",
	// first_rectified_at is NULL when there was no rectification, and NULL
	// compares as false.
	stats.HazardsRectified: "reported_at >= :f AND reported_at < :t AND first_rectified_at < :t",
	stats.HazardsOnTheSpot: "reported_at >= :f AND reported_at < :t AND on_the_spot = 1",
	stats.HazardsClosed:    "state = :s AND closed_at >= :f AND closed_at < :t",
	stats.HazardsConverted: "state = :s AND converted_at >= :f AND converted_at < :t",
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
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if usesTally(m, q) {
		return s.countFromTally(ctx, m, q)
	}
	return s.countSQL(ctx, m, q)
}

// countSQL answers Count with one aggregate query over the records.
func (s Stats) countSQL(ctx context.Context, m stats.Measure, q stats.Query) ([]stats.Count, error) {
	table, cell, cond := "cases", "stats_path", caseMeasures[m]
	binds := map[string]any{"o": string(m)}
	if m.OfHazards() {
		table, cell, cond = "hazards", "location_path", hazardMeasures[m]
		binds = map[string]any{"s": stateOf(m)}
	}
	key := groupKey(q)
	from := table
	if m == stats.Participants {
		from = "cases JOIN case_participants ON case_participants.case_id = cases.id"
		if q.By == stats.ByDepartment {
			key = "case_participants.department"
		}
	}
	w, args := selection(table, cell, cond, q, binds)
	query := "SELECT " + key + ", COUNT(*) FROM " + from + " WHERE " + w
	if key != "''" {
		query += " GROUP BY " + key
	}
	rows, err := s.db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("bunstore: count %s: %w", m, err)
	}
	defer rows.Close()
	var counts []stats.Count
	for rows.Next() {
		var c stats.Count
		if err := rows.Scan(&c.Key, &c.N); err != nil {
			return nil, fmt.Errorf("bunstore: count %s: %w", m, err)
		}
		if c.N > 0 { // an aggregate without GROUP BY answers 0 for nothing
			counts = append(counts, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("bunstore: count %s: %w", m, err)
	}
	// Sorted here, by bytes, as strings.Compare does: ORDER BY would sort
	// by the engine's collation.
	slices.SortFunc(counts, func(a, b stats.Count) int { return strings.Compare(a.Key, b.Key) })
	return counts, nil
}

// groupKey is the column a query groups by. A record of a cell above the
// grouping level has "" in that level's column, as grid.Path.At gives.
func groupKey(q stats.Query) string {
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
	}
	return "''" // Total, and ByDepartment of a measure other than Participants
}

// selection returns the WHERE clause of a measure's condition within q's
// township and subtrees, and its arguments: :f, :t and :z bound to the
// range and the zero time, and :name to binds[name].
func selection(table, cell, cond string, q stats.Query, binds map[string]any) (string, []any) {
	in, inArgs := subtree(table+"."+cell, q.Within)
	args := append([]any{string(q.Township)}, inArgs...)
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
	return table + ".township = ? AND " + in + " AND " + b.String(), args
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
	end, cond := "accepted_at", caseMeasures[stats.Accepted]
	if d == stats.TimeToResolve {
		end, cond = "resolved_at", "outcome IN (:a, :b) AND "+inResolved
	}
	w, args := selection("cases", "stats_path", cond, q, map[string]any{"a": string(stats.Agreed), "b": string(stats.Failed)})
	rows, err := s.db.read.QueryContext(ctx, "SELECT registered_at, "+end+" FROM cases WHERE "+w, args...)
	if err != nil {
		return nil, fmt.Errorf("bunstore: durations %s: %w", d, err)
	}
	defer rows.Close()
	var out []time.Duration
	for rows.Next() {
		var from, to int64
		if err := rows.Scan(&from, &to); err != nil {
			return nil, fmt.Errorf("bunstore: durations %s: %w", d, err)
		}
		out = append(out, timeFromColumn(to).Sub(timeFromColumn(from)))
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
		"ON CONFLICT (name, cell_path, period, start) DO UPDATE SET value = excluded.value",
		v.Name, v.Cell.String(), string(v.Cell.Township()), int(v.Period), timeColumn(v.Start), v.Value)
	if err != nil {
		return fmt.Errorf("bunstore: put indicator %s: %w", v.Name, err)
	}
	return nil
}

// Sum adds up the values of name recorded for q's subtrees with periods of
// kind p starting in q.Range; see stats.Indicators. Returns Invalid for a
// bad query.
func (s Indicators) Sum(ctx context.Context, name string, p stats.Period, q stats.Query) (int64, error) {
	if err := q.Validate(); err != nil {
		return 0, err
	}
	in, args := subtree("cell_path", q.Within)
	args = append([]any{name, int(p), timeColumn(q.Range.From), timeColumn(q.Range.To), string(q.Township)}, args...)
	var sum int64
	err := s.db.read.QueryRowContext(ctx, "SELECT COALESCE(SUM(value), 0) FROM indicators WHERE name = ? AND period = ? AND start >= ? AND start < ? AND township = ? AND "+in, args...).Scan(&sum)
	if err != nil {
		return 0, fmt.Errorf("bunstore: sum indicator %s: %w", name, err)
	}
	return sum, nil
}
