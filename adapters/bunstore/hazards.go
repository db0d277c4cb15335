package bunstore

import (
	"context"

	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// Hazards is the SQL store of safety hazards. It implements hazard.Store
// and is safe for concurrent use.
type Hazards struct {
	r *records[hazard.Hazard]
}

var _ hazard.Store = (*Hazards)(nil)

// Hazards returns the database's hazard store.
func (db *DB) Hazards() *Hazards {
	return &Hazards{r: &records[hazard.Hazard]{
		db: db, cache: db.hazardCache, kind: "hazard", imports: &db.hazardImports, table: "hazards", events: "hazard_events", keys: "hazard_keys",
		id:       func(h *hazard.Hazard) string { return string(h.ID) },
		township: func(h *hazard.Hazard) string { return string(h.Township) },
		version:  func(h *hazard.Hazard) *int64 { return &h.Version },
		chain:    func(h *hazard.Hazard) timeline.Chain { return h.Chain },
		columns:  hazardColumns,
		saveMore: func(ctx context.Context, tx writeTx, old, h *hazard.Hazard) error {
			return saveDeadlines(ctx, tx, work.SubjectHazard, string(h.ID), h.Township, old, h, hazardDeadlineRows)
		},
	}}
}

// hazardColumns are the columns the hazard's row is found, filtered and
// counted by. first_rectified_at is NULL for a hazard never rectified:
// stats.TallyHazard asks whether there was a rectification before it asks
// when.
func hazardColumns(h *hazard.Hazard) []column {
	var firstRectified any
	if len(h.Rectifications) > 0 {
		firstRectified = timeColumn(h.Rectifications[0].At)
	}
	cols := []column{
		{"id", string(h.ID)}, {"township", string(h.Township)}, {"version", h.Version},
		{"state", h.State.String()}, {"grade", h.Grade.String()}, {"channel", h.Channel.String()},
		{"source", string(h.Channel.Source())}, {"category", string(h.Category)},
		{"handling_path", h.Handling.String()}, {"location_path", h.Location.String()},
		{"reporter", h.Reporter}, {"owner", h.Owner}, {"on_the_spot", boolInt(h.OnTheSpot)},
		{"reported_at", timeColumn(h.ReportedAt)}, {"first_rectified_at", firstRectified},
		{"rectify_due", timeColumn(h.RectifyDue)}, {"verify_due", timeColumn(h.VerifyDue)},
		{"closed_at", timeColumn(h.ClosedAt)}, {"converted_at", timeColumn(h.ConvertedAt)},
	}
	return append(cols, levels(h.Location)...)
}

// Create stores a new hazard and its first events in one transaction; see
// hazard.Store.
func (s *Hazards) Create(ctx context.Context, h *hazard.Hazard, events []timeline.Event, key work.IdempotencyKey) (*hazard.Hazard, error) {
	return s.r.create(ctx, h.Clone(), events, key.Scope, key.Key, key.Fingerprint)
}

// Import stores hazards made elsewhere with their whole timelines, in one
// transaction: all or none; see Cases.Import.
func (s *Hazards) Import(ctx context.Context, batch []Loaded[hazard.Hazard]) error {
	return s.r.importAll(ctx, batch)
}

// Get returns hazard id. Returns NotFound if there is none.
func (s *Hazards) Get(ctx context.Context, id hazard.ID) (*hazard.Hazard, error) {
	return s.r.get(ctx, string(id))
}

// Update changes hazard id through fn in one transaction; see
// hazard.Store.
func (s *Hazards) Update(ctx context.Context, id hazard.ID, version int64, fn func(*hazard.Hazard) ([]timeline.Event, error)) (*hazard.Hazard, error) {
	return s.r.update(ctx, string(id), version, fn)
}

// List returns the hazards matching f, newest first; the same selection as
// hazard.Filter.Matches, in SQL.
func (s *Hazards) List(ctx context.Context, f hazard.Filter) (hazard.Page, error) {
	if err := f.Validate(); err != nil {
		return hazard.Page{}, err
	}
	var w where
	w.scope(f.Township, f.Within, "reporter", f.Reporter, "owner", f.Owner)
	if f.Category != "" {
		w.add("category = ?", string(f.Category))
	}
	if f.Grade != 0 {
		w.add("grade = ?", f.Grade.String())
	}
	if !f.OverdueAt.IsZero() {
		// hazard.Hazard.Overdue: past RectifyDue while open, past
		// VerifyDue while rectified.
		t := timeColumn(f.OverdueAt)
		w.add("((state = ? AND rectify_due < ?) OR (state = ? AND verify_due < ?))",
			hazard.Open.String(), t, hazard.Rectified.String(), t)
	}
	hazards, next, err := s.r.list(ctx, w, names(f.States), string(f.Before), f.PageSize())
	return hazard.Page{Hazards: hazards, Next: hazard.ID(next)}, err
}

// Events returns the timeline of hazard id. Returns NotFound if there is
// none.
func (s *Hazards) Events(ctx context.Context, id hazard.ID) ([]timeline.Event, error) {
	return s.r.timeline(ctx, string(id))
}
