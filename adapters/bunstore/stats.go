package bunstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn/stats"
)

// Stats answers the statistics package's queries with SQL aggregation:
// one COUNT … GROUP BY per measure, never a pass over every record in Go.
type Stats struct {
	db *DB
}

var _ stats.Source = Stats{}

// Stats returns the database's statistics source.
func (db *DB) Stats() Stats { return Stats{db: db} }

// caseMeasures are the conditions of each case measure, on top of the
// query's township and subtree; :f and :t stand for the range's ends. They
// say in SQL what stats.TallyCase says in Go.
var caseMeasures = map[stats.Measure]string{
	stats.Registered:     "registered_at >= :f AND registered_at < :t",
	stats.Accepted:       "accepted_at >= :f AND accepted_at < :t",
	stats.Agreed:         "outcome = 'cases.agreed' AND resolved_at >= :f AND resolved_at < :t",
	stats.Failed:         "outcome = 'cases.failed' AND resolved_at >= :f AND resolved_at < :t",
	stats.Withdrawn:      "outcome = 'cases.withdrawn' AND resolved_at >= :f AND resolved_at < :t",
	stats.Rejected:       "outcome = 'cases.rejected' AND resolved_at >= :f AND resolved_at < :t",
	stats.TransferredOut: "outcome = 'cases.transferred_out' AND resolved_at >= :f AND resolved_at < :t",
	stats.Escalated:      "registered_at >= :f AND registered_at < :t AND escalations > 0",
	stats.Outside:        "registered_at >= :f AND registered_at < :t AND outside = 1",
	stats.RoutingDue:     "registered_at >= :f AND registered_at < :t AND (routed_at < :t OR accept_due < :t)",
	stats.RoutedOnTime:   "registered_at >= :f AND registered_at < :t AND routed_at < :t AND routed_at <= accept_due",
	stats.Open:           "registered_at < :t AND (resolved_at IS NULL OR resolved_at >= :t)",
	stats.Pending: "registered_at < :t AND (resolved_at IS NULL OR resolved_at >= :t) AND (" +
		"((accepted_at IS NULL OR accepted_at >= :t) AND accept_due >= :t) OR (accepted_at < :t AND resolve_due >= :t))",
	stats.Participants: "registered_at >= :f AND registered_at < :t",
}

// hazardMeasures say in SQL what stats.TallyHazard says in Go.
var hazardMeasures = map[stats.Measure]string{
	stats.HazardsFound:     "reported_at >= :f AND reported_at < :t",
	stats.HazardsRectified: "reported_at >= :f AND reported_at < :t AND first_rectified_at < :t",
	stats.HazardsOnTheSpot: "reported_at >= :f AND reported_at < :t AND on_the_spot = 1",
	stats.HazardsClosed:    "state = 'closed' AND closed_at >= :f AND closed_at < :t",
	stats.HazardsConverted: "state = 'converted' AND converted_at >= :f AND converted_at < :t",
}

// Count returns the counts of m under q; see stats.Source.
func (s Stats) Count(ctx context.Context, m stats.Measure, q stats.Query) ([]stats.Count, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	table, cell, cond := "cases", "stats_path", caseMeasures[m]
	if m.OfHazards() {
		table, cell, cond = "hazards", "location_path", hazardMeasures[m]
	}
	key := groupKey(q)
	from := table
	if m == stats.Participants {
		from = "cases JOIN case_participants ON case_participants.case_id = cases.id"
		if q.By == stats.ByDepartment {
			key = "case_participants.department"
		}
	}
	w, args := s.selection(table, cell, cond, q)
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
			return nil, err
		}
		if c.N > 0 {
			counts = append(counts, c)
		}
	}
	// Sorted here, not by ORDER BY: the engines' collations differ.
	slices.SortFunc(counts, func(a, b stats.Count) int { return strings.Compare(a.Key, b.Key) })
	return counts, rows.Err()
}

// groupKey is the column a query groups by; a record of a cell above the
// grouping level has "" in that level's column.
func groupKey(q stats.Query) string {
	switch q.By {
	case stats.ByCell:
		return fmt.Sprintf("l%d", q.Level)
	case stats.ByCategory:
		return "category"
	case stats.ByChannel:
		return "channel"
	case stats.BySource:
		return "source"
	case stats.ByGrade:
		return "grade"
	}
	return "''"
}

// selection returns the WHERE clause of a measure's condition within q's
// township and subtrees, with :f and :t bound to q's range.
func (s Stats) selection(table, cell, cond string, q stats.Query) (string, []any) {
	in, inArgs := subtree(table+"."+cell, q.Within)
	f, t := q.Range.From.UnixNano(), q.Range.To.UnixNano()
	var args []any
	args = append(args, string(q.Township))
	args = append(args, inArgs...)
	// Bind :f and :t in order of appearance.
	var b strings.Builder
	for i := 0; i < len(cond); i++ {
		switch {
		case strings.HasPrefix(cond[i:], ":f"):
			b.WriteByte('?')
			args = append(args, f)
			i++
		case strings.HasPrefix(cond[i:], ":t"):
			b.WriteByte('?')
			args = append(args, t)
			i++
		default:
			b.WriteByte(cond[i])
		}
	}
	return table + ".township = ? AND " + in + " AND " + b.String(), args
}

// Durations returns the durations d of the cases q selects; see
// stats.Source. Only the two timestamps of each selected case are read.
func (s Stats) Durations(ctx context.Context, d stats.Duration, q stats.Query) ([]time.Duration, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	end, cond := "accepted_at", "accepted_at >= :f AND accepted_at < :t"
	if d == stats.TimeToResolve {
		end, cond = "resolved_at", "outcome IN ('cases.agreed', 'cases.failed') AND resolved_at >= :f AND resolved_at < :t"
	}
	w, args := s.selection("cases", "stats_path", cond, q)
	rows, err := s.db.read.QueryContext(ctx, "SELECT registered_at, "+end+" FROM cases WHERE "+w, args...)
	if err != nil {
		return nil, fmt.Errorf("bunstore: durations %s: %w", d, err)
	}
	defer rows.Close()
	var out []time.Duration
	for rows.Next() {
		var from, to int64
		if err := rows.Scan(&from, &to); err != nil {
			return nil, err
		}
		out = append(out, time.Duration(to-from))
	}
	return out, rows.Err()
}

// Indicators is the SQL store of imported indicator values. It implements
// stats.Indicators.
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
		v.Name, v.Cell.String(), string(v.Cell.Township()), int(v.Period), v.Start.UnixNano(), v.Value)
	if err != nil {
		return fmt.Errorf("bunstore: put indicator %s: %w", v.Name, err)
	}
	return nil
}

// Sum adds up the values of name for q's subtrees; see stats.Indicators.
func (s Indicators) Sum(ctx context.Context, name string, p stats.Period, q stats.Query) (int64, error) {
	if err := q.Validate(); err != nil {
		return 0, err
	}
	in, args := subtree("cell_path", q.Within)
	args = append([]any{name, int(p), q.Range.From.UnixNano(), q.Range.To.UnixNano(), string(q.Township)}, args...)
	var sum int64
	err := s.db.read.QueryRowContext(ctx, "SELECT COALESCE(SUM(value), 0) FROM indicators WHERE name = ? AND period = ? AND start >= ? AND start < ? AND township = ? AND "+in, args...).Scan(&sum)
	if err != nil {
		return 0, fmt.Errorf("bunstore: sum indicator %s: %w", name, err)
	}
	return sum, nil
}
