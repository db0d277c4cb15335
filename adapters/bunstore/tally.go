package bunstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

// The tally keeps running counts of cases, so that the measures that look
// back over all of history — how many cases were open at a time, how many
// were pending, how many agreed so far — are sums of a few thousand rows
// instead of a pass over every case.
//
// Each of those measures counts the cases whose instant of some kind falls
// in a range, or the cases whose interval (a, b] holds a time t, which is
// the number with a before t less the number with b before t. The tally
// holds, per township, cell and bucket, how many cases have each kind of
// instant in the bucket; a bucket is a day or a month in Asia/Shanghai.
// A sum over a range of whole days is then the months it spans whole and
// the days at its ends.
//
// The row of a case's change is written in the transaction of the change:
// the case's old instants are taken off, its new ones added.

// The kinds of instant the tally counts, the columns of case_tally.
const (
	kRegistered    = iota // registered: the start of being open, and of phase 1 of pending
	kOpenEnd              // the last instant it was open (resolved)
	kPending1End          // the last instant it was pending before acceptance
	kPending2Start        // when it began to be pending after acceptance
	kPending2End          // the last instant it was pending after acceptance
	kAccepted             // accepted
	kEscalated            // registered, of a case escalated since
	kOutside              // registered, of a case outside the township's grid
	kAgreed               // the outcomes, when resolved
	kFailed
	kWithdrawn
	kRejected
	kTransferredOut
	kTeam    // registered, once per team member of each department: kTeam + department - 1
	numKinds = kTeam + int(grid.DeptPartner)
)

var kindColumns = [numKinds]string{
	"registered", "open_end", "pending1_end", "pending2_start", "pending2_end", "accepted", "escalated", "outside",
	"agreed", "failed", "withdrawn", "rejected", "transferred_out",
	"team_police", "team_justice", "team_grid", "team_mediation_committee", "team_partner",
}

// outcomeKinds are the kinds of the outcomes stats.Outcome names.
var outcomeKinds = map[stats.Measure]int{
	stats.Agreed: kAgreed, stats.Failed: kFailed, stats.Withdrawn: kWithdrawn,
	stats.Rejected: kRejected, stats.TransferredOut: kTransferredOut,
}

// mark is how many times a case counts at an instant; n is 0 for none.
// The zero time is an instant like any other here, as it is in the SQL
// conditions the tally stands in for.
type mark struct {
	at time.Time
	n  int64
}

func at(t time.Time) mark { return mark{t, 1} }

// nonzero is t, absent when it is the zero time: a time not yet reached.
func nonzero(t time.Time) mark {
	if t.IsZero() {
		return mark{}
	}
	return at(t)
}

// earliest returns the earliest of the marks present, absent if none is.
func earliest(xs ...mark) mark {
	var out mark
	for _, x := range xs {
		if x.n > 0 && (out.n == 0 || x.at.Before(out.at)) {
			out = x
		}
	}
	return out
}

// end returns an interval's end, never before its start a, so that an
// empty interval counts for nothing.
func end(a, b mark) mark {
	if b.n > 0 && b.at.Before(a.at) {
		return a
	}
	return b
}

// tallied is what the tally reads of a case: the columns of its row and
// its team's departments, so that a database filled before the tally
// existed can be tallied without decoding a record.
type tallied struct {
	township, cell                                        string
	registered, accepted, resolved, acceptDue, resolveDue time.Time
	outcome                                               stats.Measure
	escalated, outside, suspended                         bool
	team                                                  [grid.DeptPartner]int64 // members by department - 1
}

func talliedCase(c *mediation.Case) tallied {
	t := tallied{
		township: string(c.Township), cell: stats.CaseCell(c).String(),
		registered: c.RegisteredAt, accepted: c.AcceptedAt, resolved: c.ResolvedAt,
		acceptDue: c.AcceptDue, resolveDue: c.ResolveDue, outcome: stats.Outcome(c),
		escalated: c.Escalations > 0, outside: c.OutOfJurisdiction(), suspended: c.Suspended(),
	}
	for _, p := range c.Team {
		if d, err := grid.ParseDepartment(p.Department); err == nil {
			t.team[d-1]++
		}
	}
	return t
}

// marks returns the case's marks of each kind. Each says what a measure of
// stats.TallyCase says: open at t is registered before t and not resolved
// before t, t ∈ (registered, resolved]; pending is open and not overdue,
// which before acceptance is t ∈ (registered, min(accepted, resolved,
// accept due)] and after it t ∈ (accepted, min(resolved, resolve due)],
// or (accepted, resolved] while its mediation stands still; the rest
// count at one instant.
func (c tallied) marks() [numKinds]mark {
	var k [numKinds]mark
	reg, resolved, accepted := at(c.registered), nonzero(c.resolved), nonzero(c.accepted)
	k[kRegistered] = reg
	k[kOpenEnd] = end(reg, resolved)
	k[kPending1End] = end(reg, earliest(resolved, accepted, at(c.acceptDue)))
	if accepted.n > 0 {
		start := reg
		if accepted.at.After(reg.at) {
			start = accepted
		}
		k[kPending2Start] = start
		due := at(c.resolveDue)
		if c.suspended {
			due = mark{} // the limit stands still with the mediation
		}
		k[kPending2End] = end(start, earliest(resolved, due))
	}
	k[kAccepted] = accepted
	if c.escalated {
		k[kEscalated] = reg
	}
	if c.outside {
		k[kOutside] = reg
	}
	if kind, ok := outcomeKinds[c.outcome]; ok && resolved.n > 0 {
		k[kind] = resolved
	}
	for d, n := range c.team {
		k[kTeam+d] = mark{c.registered, n}
	}
	return k
}

// Buckets: days, months and years of the civil calendar in Asia/Shanghai,
// numbered from 1970-01-01, from January of year 0, and from year 0.
const (
	gDay   = "d"
	gMonth = "m"
	gYear  = "y"
)

// The township's own rows. Beside each cell's row of a bucket the tally
// keeps the township's, the sum of its cells' rows, under the grain's
// capital (D, M, Y) and the empty cell: a sum over the whole township —
// what the dashboard's figures, the dynamic rate and a series ask most —
// reads one row a bucket instead of one a cell (thousands: a month of a
// township of 2,000 cells was 2,000 rows). Every case's cell lies in its
// township's subtree, so the two agree; the key's order keeps each grain's
// rows together, so that neither kind of sum reads the other's.
func townshipGrain(grain string) string { return strings.ToUpper(grain) }

// wholeTownship reports whether a sum in q can read the township's own
// rows: in total, over the township's whole grid.
func wholeTownship(q stats.Query) bool {
	return q.By != stats.ByCell && len(q.Within) == 1 && q.Within[0] == grid.RootPath(q.Township)
}

// tallyCells is the condition on case_tally's rows of grain that a sum in
// q reads, with the grain to read: the township's own rows when q is over
// the whole township, else the rows of the cells in q's subtrees.
func tallyCells(q stats.Query, grain string) (cond string, g string, args []any) {
	if wholeTownship(q) {
		return "1 = 1", townshipGrain(grain), nil
	}
	cond, args = subtree("cell", q.Within)
	return cond, grain, args
}

func dayOf(t time.Time) int64 {
	y, m, d := t.In(work.Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func yearOf(t time.Time) int64 { return int64(t.In(work.Zone).Year()) }

func monthOf(t time.Time) int64 {
	y, m, _ := t.In(work.Zone).Date()
	return int64(y)*12 + int64(m) - 1
}

func firstDayOf(month int64) int64 {
	return time.Date(int(month/12), time.Month(month%12+1), 1, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// isMidnight reports whether t begins a day in Asia/Shanghai.
func isMidnight(t time.Time) bool {
	l := t.In(work.Zone)
	return l.Hour() == 0 && l.Minute() == 0 && l.Second() == 0 && l.Nanosecond() == 0
}

// tallyKey is one row of case_tally.
type tallyKey struct {
	township, cell, grain string
	bucket                int64
}

// addTally adds sign times c's instants to rows.
func addTally(rows map[tallyKey]*[numKinds]int64, c tallied, sign int64) {
	if c.cell == "" {
		return // a linked duplicate counts in no cell (stats.CaseCell)
	}
	for kind, x := range c.marks() {
		if x.n == 0 {
			continue
		}
		day, month, year := dayOf(x.at), monthOf(x.at), yearOf(x.at)
		for _, k := range []tallyKey{
			{c.township, c.cell, gDay, day},
			{c.township, c.cell, gMonth, month},
			{c.township, c.cell, gYear, year},
			{c.township, "", townshipGrain(gDay), day},
			{c.township, "", townshipGrain(gMonth), month},
			{c.township, "", townshipGrain(gYear), year},
		} {
			row := rows[k]
			if row == nil {
				row = new([numKinds]int64)
				rows[k] = row
			}
			row[kind] += sign * x.n
		}
	}
}

// saveTally moves the case's counts from its old instants to its new ones.
func saveTally(ctx context.Context, tx writeTx, old, c *mediation.Case) error {
	rows := map[tallyKey]*[numKinds]int64{}
	if old != nil {
		addTally(rows, talliedCase(old), -1)
	}
	addTally(rows, talliedCase(c), 1)
	return writeTally(ctx, tx, rows)
}

// tallyInsert and tallyOnConflict frame the rows written into
// case_tally: a row already there has the new counts added to its own.
var tallyInsert, tallyOnConflict = func() (string, string) {
	sets := make([]string, numKinds)
	for i, col := range kindColumns {
		sets[i] = col + " = case_tally." + col + " + excluded." + col
	}
	return "INSERT INTO case_tally (township, cell, grain, bucket, " + strings.Join(kindColumns[:], ", ") + ")",
		" ON CONFLICT (township, grain, bucket, cell) DO UPDATE SET " + strings.Join(sets, ", ")
}()

// writeTally adds rows to case_tally, leaving out those that change
// nothing (an update that moves no instant). The rows go in the order of
// the table's key, so that two transactions writing the same rows on
// PostgreSQL lock them in the same order — one waits for the other —
// rather than each holding a row the other needs.
func writeTally(ctx context.Context, tx writeTx, rows map[tallyKey]*[numKinds]int64) error {
	keys := slices.SortedFunc(maps.Keys(rows), func(a, b tallyKey) int {
		return cmp.Or(strings.Compare(a.township, b.township), strings.Compare(a.grain, b.grain),
			cmp.Compare(a.bucket, b.bucket), strings.Compare(a.cell, b.cell))
	})
	values := make([][]any, 0, len(keys))
	for _, k := range keys {
		n := rows[k]
		if *n == [numKinds]int64{} {
			continue
		}
		row := make([]any, 4, 4+numKinds)
		row[0], row[1], row[2], row[3] = k.township, k.cell, k.grain, k.bucket
		for _, v := range n {
			row = append(row, v)
		}
		values = append(values, row)
	}
	if err := tx.insertRows(ctx, tallyInsert, tallyOnConflict, values); err != nil {
		return fmt.Errorf("tally: %w", err)
	}
	return nil
}

// fillTally tallies every case of a database filled before the tally
// existed, once: an empty tally with cases stored is one never filled, as
// every case counts at least its registration.
func (db *DB) fillTally(ctx context.Context) error {
	return db.runInTx(ctx, func(ctx context.Context, tx writeTx) error {
		if db.postgres {
			// Two programs opening the database at once must not both fill it.
			if _, err := tx.ExecContext(ctx, "LOCK TABLE case_tally IN SHARE ROW EXCLUSIVE MODE"); err != nil {
				return err
			}
		}
		var filled, cases int
		if err := tx.QueryRowContext(ctx, "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM case_tally LIMIT 1) AS t), (SELECT COUNT(*) FROM (SELECT 1 FROM cases LIMIT 1) AS c)").Scan(&filled, &cases); err != nil {
			return fmt.Errorf("bunstore: tally: %w", err)
		}
		if filled > 0 || cases == 0 {
			return nil
		}
		team := map[string]*[grid.DeptPartner]int64{}
		r, err := tx.QueryContext(ctx, "SELECT case_id, department, COUNT(*) FROM case_participants GROUP BY case_id, department")
		if err != nil {
			return fmt.Errorf("bunstore: tally: %w", err)
		}
		for r.Next() {
			var id, dept string
			var n int64
			if err := r.Scan(&id, &dept, &n); err != nil {
				r.Close()
				return fmt.Errorf("bunstore: tally: %w", err)
			}
			if d, err := grid.ParseDepartment(dept); err == nil {
				if team[id] == nil {
					team[id] = new([grid.DeptPartner]int64)
				}
				team[id][d-1] += n
			}
		}
		r.Close()
		if err := r.Err(); err != nil {
			return fmt.Errorf("bunstore: tally: %w", err)
		}
		r, err = tx.QueryContext(ctx, "SELECT id, township, stats_path, registered_at, accepted_at, resolved_at, accept_due, resolve_due, outcome, escalations, outside, suspended FROM cases")
		if err != nil {
			return fmt.Errorf("bunstore: tally: %w", err)
		}
		rows := map[tallyKey]*[numKinds]int64{}
		for r.Next() {
			var c tallied
			var id string
			var reg, acc, res, ad, rd, escalations, outside, suspended int64
			if err := r.Scan(&id, &c.township, &c.cell, &reg, &acc, &res, &ad, &rd, &c.outcome, &escalations, &outside, &suspended); err != nil {
				r.Close()
				return fmt.Errorf("bunstore: tally: %w", err)
			}
			c.registered, c.accepted, c.resolved = timeFromColumn(reg), timeFromColumn(acc), timeFromColumn(res)
			c.acceptDue, c.resolveDue = timeFromColumn(ad), timeFromColumn(rd)
			c.escalated, c.outside, c.suspended = escalations > 0, outside != 0, suspended != 0
			if t := team[id]; t != nil {
				c.team = *t
			}
			addTally(rows, c, 1)
		}
		r.Close()
		if err := r.Err(); err != nil {
			return fmt.Errorf("bunstore: tally: %w", err)
		}
		return writeTally(ctx, tx, rows)
	})
}

// usesTally reports whether Count answers m under q from the tally: the
// measures it keeps, in total or by cell (participation also by
// department), over any range — its whole days from the tally, the parts
// of days at its ends from the records (partial).
func usesTally(m stats.Measure, q stats.Query) bool {
	switch {
	case q.By == stats.Total, q.By == stats.ByCell, q.By == stats.ByDepartment && m == stats.Participants:
	default:
		return false
	}
	switch m {
	case stats.Open, stats.Pending:
		return true
	case stats.Registered, stats.Accepted, stats.Escalated, stats.Outside, stats.Participants,
		stats.Agreed, stats.Failed, stats.Withdrawn, stats.Rejected, stats.TransferredOut:
		// A time left unset is the zero time, which the records' SQL
		// takes for an instant and the tally for none: a range from it
		// is read from the records.
		return !q.Range.From.IsZero()
	}
	return false
}

// inRangeKinds are the kinds a measure counts in a range.
var inRangeKinds = map[stats.Measure]int{
	stats.Registered: kRegistered, stats.Accepted: kAccepted, stats.Escalated: kEscalated, stats.Outside: kOutside,
	stats.Agreed: kAgreed, stats.Failed: kFailed, stats.Withdrawn: kWithdrawn, stats.Rejected: kRejected,
	stats.TransferredOut: kTransferredOut,
}

// tallySums answers the measures usesTally accepts from sums of the tally,
// each distinct sum read once however many measures it answers.
type tallySums struct {
	s    Stats
	memo map[string]map[string][numKinds]int64
}

// count answers Count for a measure usesTally accepts.
func (t tallySums) count(ctx context.Context, m stats.Measure, q stats.Query) ([]stats.Count, error) {
	var sums map[string][numKinds]int64
	var err error
	var pick func(n [numKinds]int64) int64
	switch m {
	case stats.Open:
		sums, err = t.before(ctx, q, q.Range.To)
		pick = func(n [numKinds]int64) int64 { return n[kRegistered] - n[kOpenEnd] }
	case stats.Pending:
		sums, err = t.before(ctx, q, q.Range.To)
		pick = func(n [numKinds]int64) int64 {
			return n[kRegistered] - n[kPending1End] + n[kPending2Start] - n[kPending2End]
		}
	case stats.Participants:
		sums, err = t.in(ctx, q, q.Range.From, q.Range.To)
		pick = func(n [numKinds]int64) int64 {
			var sum int64
			for _, v := range n[kTeam:] {
				sum += v
			}
			return sum
		}
	default:
		kind := inRangeKinds[m]
		sums, err = t.in(ctx, q, q.Range.From, q.Range.To)
		pick = func(n [numKinds]int64) int64 { return n[kind] }
	}
	if err != nil {
		return nil, err
	}
	byKey := map[string]int64{}
	for cell, n := range sums {
		switch q.By {
		case stats.ByCell:
			p, err := grid.ParsePath(cell)
			if err != nil {
				return nil, err
			}
			byKey[string(p.At(q.Level))] += pick(n)
		case stats.ByDepartment:
			for d := grid.DeptPolice; d <= grid.DeptPartner; d++ {
				byKey[d.String()] += n[kTeam+int(d)-1]
			}
		default:
			byKey[cell] += pick(n) // "" in total
		}
	}
	return sortedCounts(byKey), nil
}

// sortedCounts returns the non-empty counts, sorted by key as Count's are:
// by bytes, as strings.Compare does, where ORDER BY would sort by the
// engine's collation.
func sortedCounts(byKey map[string]int64) []stats.Count {
	var out []stats.Count
	for k, n := range byKey {
		if n != 0 {
			out = append(out, stats.Count{Key: k, N: n})
		}
	}
	slices.SortFunc(out, func(a, b stats.Count) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// before sums the tally over every instant before at: over the days
// before at's (see beforeDay) and, when at is not a midnight, the part of
// its day before it (see partial).
func (t tallySums) before(ctx context.Context, q stats.Query, at time.Time) (map[string][numKinds]int64, error) {
	day := startOfDay(at)
	sums, err := t.beforeDay(ctx, q, day)
	if err != nil || day.Equal(at) {
		return sums, err
	}
	part, err := t.partial(ctx, q, day, at)
	if err != nil {
		return nil, err
	}
	return plus(sums, part), nil
}

// beforeDay sums the tally over every day before at, a midnight: the
// whole years before at's, the whole months of its year before its
// month, and the days of its month before it.
func (t tallySums) beforeDay(ctx context.Context, q stats.Query, at time.Time) (map[string][numKinds]int64, error) {
	yt, mt := yearOf(at), monthOf(at)
	return t.sum(ctx, q, []span{
		{gYear, minBucket, yt},
		{gMonth, yt * 12, mt},
		{gDay, firstDayOf(mt), dayOf(at)},
	})
}

// in sums the tally over the instants from f to to: the whole days
// between them (see days) and, where f or to is not a midnight, the parts
// of their days in the range (see partial).
func (t tallySums) in(ctx context.Context, q stats.Query, f, to time.Time) (map[string][numKinds]int64, error) {
	first, last := startOfDay(f), startOfDay(to)
	if !first.Equal(f) {
		first = first.AddDate(0, 0, 1)
	}
	if !first.Before(last) {
		// Within a day, or the ends of two days next to each other.
		if !f.Before(to) {
			return nil, nil
		}
		return t.partial(ctx, q, f, to)
	}
	sums, err := t.days(ctx, q, first, last)
	if err != nil {
		return nil, err
	}
	for _, part := range [][2]time.Time{{f, first}, {last, to}} {
		if !part[0].Before(part[1]) {
			continue
		}
		p, err := t.partial(ctx, q, part[0], part[1])
		if err != nil {
			return nil, err
		}
		sums = plus(sums, p)
	}
	return sums, nil
}

// days sums the tally over the days from f to to, midnights. A range of a
// year or less is the whole months between and the days at the ends; a
// longer one is the sum before to less the sum before f.
func (t tallySums) days(ctx context.Context, q stats.Query, f, to time.Time) (map[string][numKinds]int64, error) {
	df, dt := dayOf(f), dayOf(to)
	if df >= dt {
		return nil, nil
	}
	first := monthOf(f)
	if firstDayOf(first) != df {
		first++ // f's month is not whole
	}
	last := monthOf(to) // to's month holds days before to only from its first
	switch {
	case first >= last:
		return t.sum(ctx, q, []span{{gDay, df, dt}})
	case last-first <= 12:
		return t.sum(ctx, q, []span{
			{gDay, df, firstDayOf(first)},
			{gMonth, first, last},
			{gDay, firstDayOf(last), dt},
		})
	}
	upTo, err := t.beforeDay(ctx, q, to)
	if err != nil {
		return nil, err
	}
	before, err := t.beforeDay(ctx, q, f)
	if err != nil {
		return nil, err
	}
	// A new map, as the two sums are remembered as read; every cell
	// tallied before f is tallied before to.
	out := make(map[string][numKinds]int64, len(upTo))
	for cell, n := range upTo {
		d := before[cell]
		for k := range n {
			n[k] -= d[k]
		}
		out[cell] = n
	}
	return out, nil
}

// sumKey is what sum remembers the sum over spans in q's subtrees by.
func sumKey(q stats.Query, spans []span) string {
	return fmt.Sprint(q.Township, q.Within, spans, q.By == stats.ByCell)
}

// monthSpans are the spans in asks of a whole month m.
func monthSpans(m int64) []span {
	return []span{{gDay, firstDayOf(m), firstDayOf(m)}, {gMonth, m, m + 1}, {gDay, firstDayOf(m + 1), firstDayOf(m + 1)}}
}

// wholeMonth returns the month r is, if it is exactly one.
func wholeMonth(r stats.Range) (int64, bool) {
	m := monthOf(r.From)
	return m, isMidnight(r.From) && dayOf(r.From) == firstDayOf(m) && isMidnight(r.To) && dayOf(r.To) == firstDayOf(m+1) && r.To.After(r.From)
}

// prefetchMonths sums, for the requests the tally answers over whole
// months in total or by department — a series' — the months of each township and subtrees in
// one query grouped by month, and remembers each month's sum as sum would
// have read it: a two-year series is one query, not one a month. Only
// the kinds the requests count are summed; the others read as zero, and
// only those requests ask for these sums.
func (t tallySums) prefetchMonths(ctx context.Context, rs []stats.Request) error {
	type scope struct {
		q      stats.Query
		months map[int64]bool
		kinds  map[int]bool // the kinds the requests count, the only ones summed
	}
	scopes := map[string]*scope{}
	for _, r := range rs {
		m, whole := wholeMonth(r.Query.Range)
		// By cell, sums are kept per cell under keys of their own; in
		// total and by department, under the keys read here.
		if r.Query.By == stats.ByCell || !whole || !usesTally(r.Measure, r.Query) || r.Measure == stats.Open || r.Measure == stats.Pending {
			continue
		}
		k := fmt.Sprint(r.Query.Township, r.Query.Within)
		sc := scopes[k]
		if sc == nil {
			sc = &scope{q: r.Query, months: map[int64]bool{}, kinds: map[int]bool{}}
			scopes[k] = sc
		}
		sc.months[m] = true
		if r.Measure == stats.Participants {
			for k := kTeam; k < numKinds; k++ {
				sc.kinds[k] = true
			}
		} else {
			sc.kinds[inRangeKinds[r.Measure]] = true
		}
	}
	for _, sc := range scopes {
		if len(sc.months) < 2 {
			continue
		}
		months, kinds := slices.Sorted(maps.Keys(sc.months)), slices.Sorted(maps.Keys(sc.kinds))
		in, grain, inArgs := tallyCells(sc.q, gMonth)
		sums := make([]string, len(kinds))
		for i, k := range kinds {
			sums[i] = "COALESCE(SUM(" + kindColumns[k] + "), 0)"
		}
		args := append([]any{string(sc.q.Township), grain, months[0], months[len(months)-1] + 1}, inArgs...)
		rows, err := t.s.db.read.QueryContext(ctx, "SELECT bucket, "+strings.Join(sums, ", ")+
			" FROM case_tally WHERE township = ? AND grain = ? AND bucket >= ? AND bucket < ? AND "+in+" GROUP BY bucket", args...)
		if err != nil {
			return err
		}
		got := map[int64][numKinds]int64{}
		for rows.Next() {
			var bucket int64
			var n [numKinds]int64
			dest := []any{&bucket}
			for _, k := range kinds {
				dest = append(dest, &n[k])
			}
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return err
			}
			got[bucket] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, m := range months {
			out := map[string][numKinds]int64{}
			if n, ok := got[m]; ok {
				out[""] = n
			}
			t.memo[sumKey(sc.q, monthSpans(m))] = out
		}
	}
	return nil
}

// startOfDay returns the midnight in Asia/Shanghai at or before t.
func startOfDay(t time.Time) time.Time {
	y, m, d := t.In(work.Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, work.Zone)
}

// plus returns the sums of a and b, cell by cell, in a new map: the sums
// read are remembered as read.
func plus(a, b map[string][numKinds]int64) map[string][numKinds]int64 {
	out := make(map[string][numKinds]int64, len(a)+len(b))
	for cell, n := range a {
		out[cell] = n
	}
	for cell, n := range b {
		m := out[cell]
		for k := range n {
			m[k] += n[k]
		}
		out[cell] = m
	}
	return out
}

// partial counts, as the tally would, the instants in [from, to) — part
// of a day, which the tally holds only whole — of the cases in q's
// township and subtrees: per cell when q groups by cell, else in total
// under "". Every instant a case is tallied at is when it was registered,
// accepted or resolved or when it fell due to be accepted or resolved, so
// the cases with one of those in the range are read, each once, through
// the indexes on those times — a deadline only of a case not yet past
// it — and their marks (tallied.marks) counted where they fall in it: the
// work of a day's part, not of all history.
func (t tallySums) partial(ctx context.Context, q stats.Query, from, to time.Time) (map[string][numKinds]int64, error) {
	key := fmt.Sprint("partial", q.Township, q.Within, from.UnixNano(), to.UnixNano(), q.By == stats.ByCell)
	if sums, ok := t.memo[key]; ok {
		return sums, nil
	}
	// The same cases are read for a total and by cell: a total is the
	// sum of the cells', read once for both.
	cells, err := t.partialCells(ctx, q, from, to)
	if err != nil || q.By == stats.ByCell {
		return cells, err
	}
	var total [numKinds]int64
	for _, n := range cells {
		for k := range n {
			total[k] += n[k]
		}
	}
	out := map[string][numKinds]int64{"": total}
	t.memo[key] = out
	return out, nil
}

// partialColumns are the columns of a case partialCells reads.
const partialColumns = "id, township, stats_path, registered_at, accepted_at, resolved_at, accept_due, resolve_due, outcome, escalations, outside, suspended"

// partialCells is partial by cell, remembered under partial's key by cell.
func (t tallySums) partialCells(ctx context.Context, q stats.Query, from, to time.Time) (map[string][numKinds]int64, error) {
	key := fmt.Sprint("partial", q.Township, q.Within, from.UnixNano(), to.UnixNano(), true)
	if sums, ok := t.memo[key]; ok {
		return sums, nil
	}
	in, inArgs := subtree("stats_path", q.Within)
	f, tt := timeColumn(from), timeColumn(to)
	var parts []string
	var args []any
	for _, c := range []struct{ col, still string }{
		{"registered_at", ""}, {"accepted_at", ""}, {"resolved_at", ""},
		// A deadline marks a case only while it had not been met.
		{"accept_due", " AND (accepted_at = ? OR accepted_at >= accept_due) AND (resolved_at = ? OR resolved_at >= accept_due)"},
		{"resolve_due", " AND (resolved_at = ? OR resolved_at >= resolve_due)"},
	} {
		parts = append(parts, "SELECT "+partialColumns+" FROM cases WHERE township = ? AND "+c.col+" >= ? AND "+c.col+" < ? AND "+in+c.still)
		args = append(append(args, string(q.Township), f, tt), inArgs...)
		for range strings.Count(c.still, "?") {
			args = append(args, zeroTime)
		}
	}
	// Each part reads the rows it finds whole, and UNION makes each case
	// one row: the cases are not looked up again by their IDs (at 1M on
	// PostgreSQL, 11 ms for a half day's 1,600 cases instead of 18).
	rows, err := t.s.db.read.QueryContext(ctx, "SELECT c.*, p.department"+
		" FROM ("+strings.Join(parts, " UNION ")+") AS c LEFT JOIN case_participants AS p ON p.case_id = c.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cases := map[string]*tallied{}
	for rows.Next() {
		var c tallied
		var id string
		var dept sql.NullString
		var reg, acc, res, ad, rd, escalations, outside, suspended int64
		if err := rows.Scan(&id, &c.township, &c.cell, &reg, &acc, &res, &ad, &rd, &c.outcome, &escalations, &outside, &suspended, &dept); err != nil {
			return nil, err
		}
		prior := cases[id]
		if prior == nil {
			c.registered, c.accepted, c.resolved = timeFromColumn(reg), timeFromColumn(acc), timeFromColumn(res)
			c.acceptDue, c.resolveDue = timeFromColumn(ad), timeFromColumn(rd)
			c.escalated, c.outside, c.suspended = escalations > 0, outside != 0, suspended != 0
			prior = &c
			cases[id] = prior
		}
		if d, err := grid.ParseDepartment(dept.String); dept.Valid && err == nil {
			prior.team[d-1]++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := map[string][numKinds]int64{}
	for _, c := range cases {
		n := out[c.cell]
		for kind, x := range c.marks() {
			if x.n > 0 && !x.at.Before(from) && x.at.Before(to) {
				n[kind] += x.n
			}
		}
		out[c.cell] = n
	}
	t.memo[key] = out
	return out, nil
}

// minBucket is below every bucket.
const minBucket = -1 << 40

// span is a range [from, to) of buckets of one grain.
type span struct {
	grain    string
	from, to int64
}

// sum sums the tally's rows in the spans within q's township and
// subtrees: per cell when q groups by cell, else in total under "". The
// result is shared with every later caller of the same sum and must not
// be changed.
func (t tallySums) sum(ctx context.Context, q stats.Query, spans []span) (map[string][numKinds]int64, error) {
	byCell := q.By == stats.ByCell
	key := sumKey(q, spans)
	if sums, ok := t.memo[key]; ok {
		return sums, nil
	}
	var parts []string
	var args []any
	for _, sp := range spans {
		if sp.from >= sp.to {
			continue
		}
		in, grain, inArgs := tallyCells(q, sp.grain)
		parts = append(parts, "SELECT cell, "+strings.Join(kindColumns[:], ", ")+" FROM case_tally WHERE township = ? AND grain = ? AND bucket >= ? AND bucket < ? AND "+in)
		args = append(append(args, string(q.Township), grain, sp.from, sp.to), inArgs...)
	}
	out := map[string][numKinds]int64{}
	if len(parts) == 0 {
		return out, nil
	}
	sums := make([]string, numKinds)
	for i, col := range kindColumns {
		sums[i] = "COALESCE(SUM(" + col + "), 0)"
	}
	cell, group := "''", ""
	if byCell {
		cell, group = "cell", " GROUP BY cell"
	}
	rows, err := t.s.db.read.QueryContext(ctx, "SELECT "+cell+", "+strings.Join(sums, ", ")+" FROM ("+strings.Join(parts, " UNION ALL ")+") AS rows"+group, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var cell string
		var n [numKinds]int64
		dest := []any{&cell}
		for i := range n {
			dest = append(dest, &n[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out[cell] = n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	t.memo[key] = out
	return out, nil
}
