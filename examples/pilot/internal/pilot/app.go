// Package pilot is the pilot server's program: it opens the database,
// wires the domain services, sets a township up on first start — from its
// roster, or the demo township — and serves the web pages in Chinese beside
// the JSON API.
package pilot

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/accounts"
	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/adapters/files"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/geo"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
)

// App is an open pilot: the database, the grid loaded from it, and the
// services every page and API route goes through.
type App struct {
	DB       *bunstore.DB
	Grid     *grid.Service // the grid as it stands, and its administration
	Geo      *geo.Service  // the cells' boundaries, and points routed to cells
	Accounts *accounts.Accounts
	Policy   *grid.Policy
	Cases    *mediation.Service
	Hazards  *hazard.Service
	Stats    *stats.Service
	Metrics  *Metrics // served at /metrics
	// Files keeps the files attached to cases and hazards: a directory, or the
	// database itself on PostgreSQL (see Options.Files).
	Files  attachment.Files
	Logger *slog.Logger
	// Now is the clock of the pages (waiting times, overdue marks), the
	// API and the services.
	Now func() time.Time

	setupMu sync.Mutex
	setup   *setup // the first start's setup, while no township is set up
	demo    bool   // the demo township is loaded
	// prefixes are the prefixes of the townships' case numbers the pilot
	// was started with (Options.CasePrefixes).
	prefixes map[grid.CellID]string
	follow   *gridFollower // reloads Grid on changes made by any process
}

// Options are how the pilot starts.
type Options struct {
	// Demo loads the demo township of Gucheng on the first start, with
	// accounts whose password the login page shows. Without it, a first
	// start loads nothing and waits to be set up.
	Demo bool
	// PasswordCost is bcrypt's cost for the passwords members choose;
	// zero is bcrypt's default. Tests lower it.
	PasswordCost int
	// CasePrefixes gives townships, by cell ID, the prefix of their case
	// numbers (古调 in 古调〔2026〕58号); a township not named numbers its
	// cases with mediation.DefaultNumberPrefix of its name. See
	// ParseCasePrefixes.
	CasePrefixes map[grid.CellID]string
	// Files is the directory that keeps the files attached to cases.
	// Empty, a SQLite database keeps them in "files" beside its file, and
	// a PostgreSQL database in itself, so that a deployment with no disk
	// of its own loses none.
	Files string
}

// ParseCasePrefixes reads the prefixes of townships' case numbers as the
// -case-prefix flag gives them: TOWNSHIP=PREFIX, the township by its cell
// ID as in its roster, comma-separated for several, such as
// "gucheng=古调". Each prefix is checked as mediation.ValidatePrefix
// checks it; a township named twice is refused.
func ParseCasePrefixes(s string) (map[grid.CellID]string, error) {
	out := map[grid.CellID]string{}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		township, prefix, ok := strings.Cut(part, "=")
		township, prefix = strings.TrimSpace(township), strings.TrimSpace(prefix)
		if !ok {
			return nil, fmt.Errorf("%q: write TOWNSHIP=PREFIX, such as gucheng=古调", part)
		}
		if err := grid.ValidateCellID(grid.CellID(township)); err != nil {
			return nil, fmt.Errorf("%q: the township's cell ID: %w", part, err)
		}
		if err := mediation.ValidatePrefix(prefix); err != nil {
			return nil, fmt.Errorf("%q: %w", part, err)
		}
		if _, dup := out[grid.CellID(township)]; dup {
			return nil, fmt.Errorf("township %s is given a prefix twice", township)
		}
		out[grid.CellID(township)] = prefix
	}
	return out, nil
}

// Open opens the database dsn names, creates the pilot's own tables, and
// loads the grid. With opts.Demo it seeds the demo township if the
// database has never been seeded; seeded reports whether this call did.
// A database with no township yet is to be set up: NeedsSetup says so,
// and SetupCode gives the one-time code the setup page asks for.
func Open(ctx context.Context, dsn string, logger *slog.Logger, opts Options) (app *App, seeded bool, err error) {
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
	app = &App{DB: db, Policy: grid.DefaultPolicy(), Metrics: NewMetrics(db, logger), Logger: logger, Now: time.Now, prefixes: opts.CasePrefixes}
	if app.Files, err = openFiles(db, dsn, opts.Files); err != nil {
		return nil, false, err
	}
	if app.Accounts, err = accounts.Open(ctx, db.Bun(), accounts.Options{Logger: logger, Cost: opts.PasswordCost, Reader: db.Reader(), Feed: db.Topic(bunstore.TopicAccounts)}); err != nil {
		return nil, false, fmt.Errorf("open the accounts: %w", err)
	}
	if opts.Demo {
		if seeded, err = seedOnce(ctx, db, app.Accounts, logger); err != nil {
			return nil, false, err
		}
	}
	if err := app.services(ctx, app.Now, app.Now); err != nil {
		return nil, false, err
	}
	follow := app.followGrid(db)
	app.follow = follow
	defer func() {
		// follow, not app.follow: a failed Open returns a nil app.
		if err != nil {
			follow.close()
		}
	}()
	if app.NeedsSetup() {
		if app.setup, err = newSetup(); err != nil {
			return nil, false, err
		}
	}
	// A prefix for a township the pilot does not serve is a mistake that
	// would number the township's cases with another prefix unnoticed.
	// Before the first setup there is no township to check against.
	for township := range opts.CasePrefixes {
		if app.NeedsSetup() {
			break
		}
		if c, err := app.Grid.Directory().Tree().Cell(township); err != nil || c.Level() != 1 {
			return nil, false, fourplusn.Errorf(fourplusn.Invalid, "the prefix of case numbers given for %s: the pilot serves no township of that ID", township)
		}
	}
	mark, err := setting(ctx, db.Bun(), seedKey)
	if err != nil {
		return nil, false, err
	}
	app.demo = mark == seedDone
	if app.demo {
		if err := app.demoAccounts(ctx); err != nil {
			return nil, false, err
		}
	}
	return app, seeded, nil
}

// openFiles opens where the files attached to cases are kept: dir if
// given, else the database itself on PostgreSQL, else the directory
// "files" beside the SQLite file dsn names, so that copying the database's
// directory copies its files.
func openFiles(db *bunstore.DB, dsn, dir string) (attachment.Files, error) {
	if dir == "" && (strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")) {
		return db.Files(), nil
	}
	if dir == "" {
		// A path, or a "file:" URI whose query holds the pragmas.
		path, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
		if path == "" || strings.HasPrefix(path, ":memory:") {
			return nil, fmt.Errorf("an in-memory database %q keeps no files beside it: give the directory of the attached files", dsn)
		}
		dir = filepath.Join(filepath.Dir(path), "files")
	}
	f, err := files.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("open the attached files: %w", err)
	}
	return f, nil
}

// demoAccounts gives the demo members their accounts if the demo was
// loaded by a pilot that kept accounts in tables of its own.
func (a *App) demoAccounts(ctx context.Context) error {
	_, err := a.Accounts.Account(ctx, DemoLogins[0].ID)
	if fourplusn.ErrorCode(err) != fourplusn.NotFound {
		return err
	}
	var logins []accounts.Member
	for _, t := range a.Grid.Directory().Townships() {
		for _, m := range a.Grid.Directory().Members(t.ID) {
			logins = append(logins, accounts.Member{ID: string(m.ID), Township: string(t.ID)})
		}
	}
	return a.Accounts.Demo(ctx, logins, DemoPassword)
}

// NeedsSetup reports whether no township is set up yet.
func (a *App) NeedsSetup() bool { return len(a.Grid.Directory().Townships()) == 0 }

// services builds the domain services on the app's database, cases on
// the clock caseClock and hazards on hazardClock.
func (a *App) services(ctx context.Context, caseClock, hazardClock func() time.Time) error {
	gs, err := grid.NewService(ctx, a.DB.Grid(), a.Policy, grid.DefaultTitles)
	if err != nil {
		return fmt.Errorf("load the grid: %w", err)
	}
	a.Grid = gs
	a.Geo = geo.NewService(a.DB.Boundaries(), gs)
	cells := gs
	rules := mediation.DefaultRules()
	rules.NumberPrefixes = a.prefixes
	cases, err := mediation.NewService(mediation.Config{Store: a.DB.Cases(), Cells: cells, Policy: a.Policy, Rules: rules, Now: caseClock, Outbox: a.DB.Outbox(), Files: a.Files, Locate: a.Geo.Locate})
	if err != nil {
		return fmt.Errorf("case service: %w", err)
	}
	hazards, err := hazard.NewService(hazard.Config{Store: a.DB.Hazards(), Cells: cells, Policy: a.Policy, Rules: hazard.DefaultRules(), Converter: cases, Now: hazardClock, Files: a.Files})
	if err != nil {
		return fmt.Errorf("hazard service: %w", err)
	}
	a.Cases, a.Hazards = cases, hazards
	gs.Work = []grid.Work{cases, hazards}
	if err := a.DB.EnableTracking(ctx, cases.Rules(), hazards.Rules()); err != nil {
		return err
	}
	a.Stats, err = stats.NewService(stats.Config{
		Source: a.DB.Stats(), Indicators: a.DB.Indicators(), Cells: cells, Policy: a.Policy,
		Cases: a.DB.Cases(), CaseRules: cases.Rules(), Hazards: a.DB.Hazards(), HazardRules: hazards.Rules(), Tracker: a.DB.Tracker(),
		Now: func() time.Time { return a.Now() },
	})
	if err != nil {
		return fmt.Errorf("statistics: %w", err)
	}
	return nil
}

// Close closes the database.
func (a *App) Close() error {
	a.follow.close()
	return a.DB.Close()
}

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

// ActorName names in Chinese the actor of an event, as a hazard's page
// shows it: a member by name, the township's scheduled work as the
// system, a resident (whose ID the pages and the API make of a form's
// key, "r-…", never shown) as one of the public, and any other actor the
// directory does not know as such. A case's timeline names its applicant
// by name (see caseActor).
func (a *App) ActorName(id string) string {
	if m, ok := a.Grid.Directory().Member(grid.MemberID(id)); ok {
		return m.Name
	}
	switch {
	case strings.HasPrefix(id, "system:"):
		return "系统"
	case strings.HasPrefix(id, "r-"):
		return "群众"
	}
	return "其他人员"
}

// CellNameByID returns the name of cell id, or id itself if the tree has
// no such cell.
func (a *App) CellNameByID(id grid.CellID) string {
	c, err := a.Grid.Directory().Tree().Cell(id)
	if err != nil {
		return string(id)
	}
	return c.Name
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
