package bunstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// Cases is the SQL store of dispute cases. It implements mediation.Store
// and is safe for concurrent use.
type Cases struct {
	r *records[mediation.Case]
}

var _ mediation.Store = (*Cases)(nil)

// Cases returns the database's case store.
func (db *DB) Cases() *Cases {
	return &Cases{r: &records[mediation.Case]{
		db: db, cache: db.caseCache, kind: "case", imports: &db.caseImports, table: "cases", events: "case_events", keys: "case_keys",
		id:       func(c *mediation.Case) string { return string(c.ID) },
		township: func(c *mediation.Case) string { return string(c.Township) },
		version:  func(c *mediation.Case) *int64 { return &c.Version },
		chain:    func(c *mediation.Case) timeline.Chain { return c.Chain },
		columns:  caseColumns,
		saveMore: saveCaseTables, importMore: importCaseTables,
		number: numberCase, keep: func(from, to *mediation.Case) { to.Number = from.Number },
	}}
}

// caseColumns are the columns the case's row is found, filtered and
// counted by. Whatever stats.TallyCase derives from a case — its cell, its
// outcome, when it was routed — is derived here by the same functions, so
// that the SQL only compares.
func caseColumns(c *mediation.Case) []column {
	cell := stats.CaseCell(c)
	cols := []column{
		{"id", string(c.ID)}, {"township", string(c.Township)}, {"tracking_code", c.TrackingCode}, {"version", c.Version},
		{"number_prefix", c.Number.Prefix}, {"number_year", c.Number.Year}, {"number_seq", c.Number.Seq},
		{"state", c.State.String()}, {"grade", c.Grade.String()}, {"channel", c.Channel.String()},
		{"source", string(c.Channel.Source())}, {"category", string(c.Category)},
		{"handling_path", c.Handling.String()}, {"location_path", c.Location.String()}, {"stats_path", cell.String()},
		{"first_responder", c.FirstResponder}, {"applicant", c.Applicant}, {"outcome", string(stats.Outcome(c))},
		{"escalations", c.Escalations}, {"outside", boolInt(c.OutOfJurisdiction())},
		{"suspended", boolInt(c.Suspended())},
		{"registered_at", timeColumn(c.RegisteredAt)}, {"accepted_at", timeColumn(c.AcceptedAt)},
		{"resolved_at", timeColumn(c.ResolvedAt)}, {"routed_at", timeColumn(stats.RoutedAt(c))},
		{"accept_due", timeColumn(c.AcceptDue)}, {"resolve_due", timeColumn(c.ResolveDue)},
	}
	return append(cols, levels(cell)...)
}

// saveCaseTables keeps what a case adds to the tables beside its row: its
// team, its applicants' phone numbers and whether they make it or other
// cases recur (see recur.go), its parties' answers at follow-up
// visits, its search index (see search.go),
// its open deadlines, and its share of the statistics' running counts.
func saveCaseTables(ctx context.Context, tx writeTx, old, c *mediation.Case) error {
	if err := saveParticipants(ctx, tx, old, c); err != nil {
		return err
	}
	if err := savePhones(ctx, tx, old, c); err != nil {
		return err
	}
	if err := saveRecurrence(ctx, tx, old, c); err != nil {
		return err
	}
	if err := saveAnswers(ctx, tx, old, c); err != nil {
		return err
	}
	if err := saveSearch(ctx, tx, old, c); err != nil {
		return err
	}
	if err := saveDeadlines(ctx, tx, work.SubjectCase, string(c.ID), c.Township, old, c, caseDeadlineRows); err != nil {
		return err
	}
	return saveTally(ctx, tx, old, c)
}

// importCaseTables is saveCaseTables for a batch of new cases: their
// tally rows are summed first, so that cases of one cell and day share a
// row's write. It also raises the counters of case numbers past the
// numbers the cases bring.
func importCaseTables(ctx context.Context, tx writeTx, cs []*mediation.Case) error {
	rows := map[tallyKey]*[numKinds]int64{}
	last := map[series]int{}
	var team, phones, idCards, answers [][]any
	for _, c := range cs {
		team = append(team, participantRows(c)...)
		phones = append(phones, phoneRows(c)...)
		idCards = append(idCards, idCardRows(c)...)
		answers = append(answers, answerRows(c)...)
		addTally(rows, talliedCase(c), 1)
		k := series{c.Township, c.Number.Year}
		last[k] = max(last[k], c.Number.Seq)
	}
	if err := tx.insertRows(ctx, insertParticipants, "", team); err != nil {
		return err
	}
	if err := tx.insertRows(ctx, insertPhones, "", phones); err != nil {
		return err
	}
	if err := tx.insertRows(ctx, insertIDCards, "", idCards); err != nil {
		return err
	}
	if err := importRecurrence(ctx, tx, cs); err != nil {
		return err
	}
	if err := tx.insertRows(ctx, insertAnswers, "", answers); err != nil {
		return err
	}
	if err := importSearch(ctx, tx, cs); err != nil {
		return err
	}
	if err := raiseCounters(ctx, tx, last); err != nil {
		return err
	}
	if err := importDeadlines(ctx, tx, cs, caseDeadlineRows); err != nil {
		return err
	}
	return writeTally(ctx, tx, rows)
}

// saveParticipants keeps the 4+N team's departments in a table of their
// own, so that participation is counted with GROUP BY.
func saveParticipants(ctx context.Context, tx writeTx, old, c *mediation.Case) error {
	if old != nil {
		if _, err := tx.exec(ctx, "DELETE FROM case_participants WHERE case_id = ?", string(c.ID)); err != nil {
			return err
		}
	}
	return tx.insertRows(ctx, insertParticipants, "", participantRows(c))
}

const insertParticipants = "INSERT INTO case_participants (township, case_id, n, department)"

// participantRows are c's rows of case_participants.
func participantRows(c *mediation.Case) [][]any {
	rows := make([][]any, len(c.Team))
	for i, p := range c.Team {
		rows[i] = []any{string(c.Township), string(c.ID), i, p.Department}
	}
	return rows
}

// savePhones keeps the applicants' phone numbers in case_phones, which
// ByApplicantPhone looks them up in, and their ID numbers in
// case_idcards; the recurrence rate reads both. Applicants change rarely,
// so an update rewrites the rows only when their numbers did.
func savePhones(ctx context.Context, tx writeTx, old, c *mediation.Case) error {
	for _, t := range []struct {
		table, insert string
		rows          func(*mediation.Case) [][]any
	}{{"case_phones", insertPhones, phoneRows}, {"case_idcards", insertIDCards, idCardRows}} {
		rows := t.rows(c)
		if old != nil {
			if slices.EqualFunc(rows, t.rows(old), slices.Equal) {
				continue
			}
			if _, err := tx.exec(ctx, "DELETE FROM "+t.table+" WHERE township = ? AND case_id = ?", string(c.Township), string(c.ID)); err != nil {
				return err
			}
		}
		if err := tx.insertRows(ctx, t.insert, "", rows); err != nil {
			return err
		}
	}
	return nil
}

const (
	insertPhones  = "INSERT INTO case_phones (township, case_id, phone)"
	insertIDCards = "INSERT INTO case_idcards (township, case_id, idcard)"
)

// phoneRows are c's rows of case_phones: each applicant's phone number
// once, in the order of the applicants.
func phoneRows(c *mediation.Case) [][]any {
	return applicantRows(c, func(p mediation.Party) string { return p.Phone })
}

// idCardRows are c's rows of case_idcards: each applicant's ID number
// once, in the order of the applicants.
func idCardRows(c *mediation.Case) [][]any {
	return applicantRows(c, func(p mediation.Party) string { return p.IDCard })
}

// applicantRows are the rows (township, case ID, value) of each distinct non-empty
// value of(p) of c's applicants, in their order.
func applicantRows(c *mediation.Case, of func(mediation.Party) string) [][]any {
	var rows [][]any
	seen := map[string]bool{}
	for _, p := range c.Applicants {
		if v := of(p); v != "" && !seen[v] {
			seen[v] = true
			rows = append(rows, []any{string(c.Township), string(c.ID), v})
		}
	}
	return rows
}

// saveAnswers keeps the parties' answers at follow-up visits in
// case_answers, which the satisfaction rate counts. Most updates leave
// the visits as they were, and rewrite nothing.
func saveAnswers(ctx context.Context, tx writeTx, old, c *mediation.Case) error {
	rows := answerRows(c)
	if old != nil {
		if slices.EqualFunc(rows, answerRows(old), slices.Equal) {
			return nil
		}
		if _, err := tx.exec(ctx, "DELETE FROM case_answers WHERE case_id = ?", string(c.ID)); err != nil {
			return err
		}
	}
	return tx.insertRows(ctx, insertAnswers, "", rows)
}

const insertAnswers = "INSERT INTO case_answers (township, case_id, visit, party, at, content)"

// answerRows are c's rows of case_answers: one per party asked at each
// follow-up visit, content 1 for 满意 or 基本满意.
func answerRows(c *mediation.Case) [][]any {
	var rows [][]any
	for v, f := range c.FollowUps {
		for p, s := range f.Satisfaction {
			if s.Valid() {
				rows = append(rows, []any{string(c.Township), string(c.ID), v, p, timeColumn(f.At), boolInt(s.Content())})
			}
		}
	}
	return rows
}

// Create stores a new case and its first events in one transaction, in
// which it gives the case its number; see mediation.Store. Returns
// Conflict if the ID or the tracking code is taken, or if key was used
// for another request, and Invalid for a case whose number cannot be
// whole.
func (s *Cases) Create(ctx context.Context, c *mediation.Case, events []timeline.Event, key work.IdempotencyKey) (*mediation.Case, error) {
	return s.r.create(ctx, c.Clone(), events, key.Scope, key.Key, key.Fingerprint)
}

// Import stores cases made elsewhere — a township's earlier register, or
// generated data — with their whole timelines, in one transaction: all or
// none. It is for loading, many cases at a time, not for intake: there are
// no idempotency keys, and a case whose timeline does not verify against
// its chain, or whose number is not whole, is refused with an Invalid
// error naming it. The cases keep the numbers they bring, and the next
// case Create numbers in their township and year comes after the highest
// of them. An ID, tracking code or number already stored is a Conflict.
// A program that imports many batches calls DB.Tidy when it has stored
// the last.
func (s *Cases) Import(ctx context.Context, batch []Loaded[mediation.Case]) error {
	for i, l := range batch {
		if err := l.Record.Number.Validate(); err != nil {
			return fourplusn.WithField(fmt.Sprintf("[%d]", i), err)
		}
	}
	return s.r.importAll(ctx, batch)
}

// Get returns case id. Returns NotFound if there is none.
func (s *Cases) Get(ctx context.Context, id mediation.ID) (*mediation.Case, error) {
	return s.r.get(ctx, string(id))
}

// GetByTrackingCode returns the case with the tracking code. Returns
// NotFound if there is none.
func (s *Cases) GetByTrackingCode(ctx context.Context, code string) (*mediation.Case, error) {
	var w where
	w.add("tracking_code = ?", code)
	return s.r.getBy(ctx, code, w)
}

// GetByNumber returns township's case numbered n, through the unique
// index of numbers. Returns NotFound if there is none.
func (s *Cases) GetByNumber(ctx context.Context, township grid.CellID, n mediation.Number) (*mediation.Case, error) {
	var w where
	w.add("township = ? AND number_year = ? AND number_seq = ? AND number_prefix = ?", string(township), n.Year, n.Seq, n.Prefix)
	return s.r.getBy(ctx, n.String(), w)
}

// ByApplicantPhone returns, newest first, up to work.MaxPage cases one of
// whose applicants gave phone, through case_phones; see mediation.Store.
func (s *Cases) ByApplicantPhone(ctx context.Context, phone string) ([]*mediation.Case, error) {
	var w where
	w.add("id IN (SELECT case_id FROM case_phones WHERE phone = ?)", phone)
	cases, _, err := s.r.list(ctx, w, nil, "", work.MaxPage)
	return cases, err
}

// Nearby returns, newest first, up to q.Limit cases that may be
// duplicates of one or more; see mediation.Store. Each part of the query
// is an indexed lookup — the applicants' numbers in case_phones and
// case_idcards, the cells near, however many, in cases_registered by
// township, registration and cell — and the window bounds them all, so
// that its cost grows with the cases found, not with the cases stored.
func (s *Cases) Nearby(ctx context.Context, q mediation.NearbyQuery) ([]*mediation.Case, error) {
	from, to := timeColumn(q.From), timeColumn(q.To)
	var parts []string
	var args []any
	for _, t := range []struct {
		table, column string
		values        []string
	}{{"case_phones", "phone", q.Phones}, {"case_idcards", "idcard", q.IDCards}} {
		if len(t.values) == 0 {
			continue
		}
		parts = append(parts, "SELECT case_id FROM "+t.table+" WHERE township = ? AND "+t.column+" IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(t.values)), ", ")+")")
		args = append(args, string(q.Township))
		for _, v := range t.values {
			args = append(args, v)
		}
	}
	if len(q.Near) > 0 {
		near, nargs := subtree("stats_path", q.Near)
		// stats_path is the cell a case counts in (stats.CaseCell): none
		// for a linked duplicate, and the handling cell for a case from
		// outside the township, which arose near nothing.
		parts = append(parts, "SELECT id FROM cases WHERE township = ? AND "+near+" AND outside = 0 AND registered_at >= ? AND registered_at < ?")
		args = append(append(append(args, string(q.Township)), nargs...), from, to)
	}
	if len(parts) == 0 {
		return nil, nil
	}
	var w where
	w.add("township = ? AND registered_at >= ? AND registered_at < ?", string(q.Township), from, to)
	w.add("id IN ("+strings.Join(parts, " UNION ")+")", args...)
	cases, _, err := s.r.list(ctx, w, nil, "", max(q.Limit, 1))
	return cases, err
}

// Update changes case id through fn in one transaction; see
// mediation.Store. Returns NotFound if there is no case id, and Conflict
// if version is neither 0 nor the stored version.
func (s *Cases) Update(ctx context.Context, id mediation.ID, version int64, fn func(*mediation.Case) ([]timeline.Event, error)) (*mediation.Case, error) {
	return s.r.update(ctx, string(id), version, fn)
}

// List returns the cases matching f, newest first; the selection of
// mediation.Filter.Matches, in SQL. Returns Invalid for a bad filter.
func (s *Cases) List(ctx context.Context, f mediation.Filter) (mediation.Page, error) {
	if err := f.Validate(); err != nil {
		return mediation.Page{}, err
	}
	var w where
	w.scope(f.Township, f.Within, "first_responder", f.FirstResponder, "applicant", f.Owner)
	if f.Grade != 0 {
		w.add("grade = ?", f.Grade.String())
	}
	if f.Channel != 0 {
		w.add("channel = ?", f.Channel.String())
	}
	if f.Category != "" {
		w.add("category = ?", string(f.Category))
	}
	if !f.Cell.IsZero() {
		handling, hargs := subtree("handling_path", []grid.Path{f.Cell})
		location, largs := subtree("location_path", []grid.Path{f.Cell})
		w.add("("+handling+" OR "+location+")", append(hargs, largs...)...)
	}
	if !f.RegisteredFrom.IsZero() {
		w.add("registered_at >= ?", timeColumn(f.RegisteredFrom))
	}
	if !f.RegisteredTo.IsZero() {
		w.add("registered_at < ?", timeColumn(f.RegisteredTo))
	}
	if f.Query != "" {
		search, err := mediation.ParseSearch(f.Query)
		if err != nil {
			return mediation.Page{}, err
		}
		if err := s.r.db.searchCond(ctx, &w, search, &f); err != nil {
			return mediation.Page{}, err
		}
	}
	if !f.OverdueAt.IsZero() {
		// mediation.Case.Overdue: past AcceptDue while registered, past
		// ResolveDue while accepted or mediating and not suspended.
		t := timeColumn(f.OverdueAt)
		w.add("((state = ? AND accept_due < ?) OR (state IN (?, ?) AND suspended = 0 AND resolve_due < ?))",
			mediation.Registered.String(), t, mediation.Accepted.String(), mediation.Mediating.String(), t)
	}
	cases, next, err := s.r.list(ctx, w, names(f.States), string(f.Before), f.PageSize())
	return mediation.Page{Cases: cases, Next: mediation.ID(next)}, err
}

// Events returns the timeline of case id, in order. Returns NotFound if
// there is no case id.
func (s *Cases) Events(ctx context.Context, id mediation.ID) ([]timeline.Event, error) {
	return s.r.timeline(ctx, string(id))
}
