// Package pilot is the pilot server's program: it opens the database,
// wires the domain services, loads the demo township on first start, and
// serves the web pages in Chinese beside the JSON API.
package pilot

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
)

// App is an open pilot: the database, the grid loaded from it, and the
// services every page and API route goes through.
type App struct {
	DB      *bunstore.DB
	Grid    *grid.Service // the grid as it stands, and its administration
	Policy  *grid.Policy
	Cases   *mediation.Service
	Hazards *hazard.Service
	Stats   *stats.Service
	Logger  *slog.Logger
	// Now is the clock of the pages (waiting times, overdue marks); the
	// services keep their own, which is the same by default.
	Now func() time.Time
}

// Open opens the database dsn names, creates the pilot's own tables, seeds
// the demo township if the database has never been seeded, and loads the
// grid. seeded reports whether this call seeded it.
func Open(ctx context.Context, dsn string, logger *slog.Logger) (app *App, seeded bool, err error) {
	db, err := bunstore.Open(ctx, dsn)
	if err != nil {
		return nil, false, fmt.Errorf("open database: %w", err)
	}
	defer func() {
		if err != nil {
			db.Close()
		}
	}()
	if err := createTables(ctx, db.Bun()); err != nil {
		return nil, false, err
	}
	seeded, err = seedOnce(ctx, db, logger)
	if err != nil {
		return nil, false, err
	}
	app, err = wire(ctx, db, logger)
	if err != nil {
		return nil, false, err
	}
	return app, seeded, nil
}

// wire loads the grid from db and builds the services on it.
func wire(ctx context.Context, db *bunstore.DB, logger *slog.Logger) (*App, error) {
	app := &App{DB: db, Policy: grid.DefaultPolicy(), Logger: logger, Now: time.Now}
	if err := app.services(ctx); err != nil {
		return nil, err
	}
	return app, nil
}

// services builds the domain services on the app's database.
func (a *App) services(ctx context.Context) error {
	gs, err := grid.NewService(ctx, a.DB.Grid(), a.Policy, grid.DefaultTitles)
	if err != nil {
		return fmt.Errorf("load the grid: %w", err)
	}
	a.Grid = gs
	cells := gs
	cases, err := mediation.NewService(a.DB.Cases(), cells, a.Policy, mediation.DefaultRules())
	if err != nil {
		return fmt.Errorf("case service: %w", err)
	}
	hazards, err := hazard.NewService(a.DB.Hazards(), cells, a.Policy, hazard.DefaultRules(), cases)
	if err != nil {
		return fmt.Errorf("hazard service: %w", err)
	}
	a.Cases, a.Hazards = cases, hazards
	a.Stats = &stats.Service{
		Source: a.DB.Stats(), Indicators: a.DB.Indicators(), Cells: cells, Policy: a.Policy,
		Cases: a.DB.Cases(), CaseRules: cases.Rules, Hazards: a.DB.Hazards(), HazardRules: hazards.Rules,
	}
	return nil
}

// Close closes the database.
func (a *App) Close() error { return a.DB.Close() }

// Member returns the active member id of the grid as it stands.
func (a *App) Member(id string) (grid.Member, bool) {
	m, ok := a.Grid.Directory().Member(grid.MemberID(id))
	if !ok || m.Inactive {
		return grid.Member{}, false
	}
	return m, true
}

// Intake returns the member who registers what arrives on the chat
// channel (WeCom), and whose township the channel's inbox belongs to: the
// first duty officer of the first township, as for a call to the duty
// phone. It reports false when the grid has no duty officer.
func (a *App) Intake() (grid.Member, bool) {
	dir := a.Grid.Directory()
	for _, t := range dir.Townships() {
		for _, m := range dir.Members(t.ID) {
			if slices.ContainsFunc(m.Posts, func(p grid.Post) bool { return p.Role == grid.DutyOfficer }) {
				return m, true
			}
		}
	}
	return grid.Member{}, false
}

// MemberName returns the name of member id, or id itself for an actor
// who is no member (a resident, the system).
func (a *App) MemberName(id string) string {
	if m, ok := a.Grid.Directory().Member(grid.MemberID(id)); ok {
		return m.Name
	}
	return id
}

// CellName returns the name of the cell a path ends in, or the path itself
// if the tree has no such cell.
func (a *App) CellName(p grid.Path) string {
	if p.IsZero() {
		return ""
	}
	c, err := a.Grid.Directory().Tree().Cell(p.Cell())
	if err != nil {
		return p.String()
	}
	return c.Name
}
