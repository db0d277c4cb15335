// Command gendata fills a database with a realistic township of a given
// size — a generated grid, two years of cases with their timelines in every
// state, and hazards — for trying the pilot at scale and for the storage
// benchmarks. It shows its progress on standard error.
//
//	go run ./examples/gendata -db township.db -cases 1000000
//
// With -townships it fills a county instead: that many townships, each
// with its own grid of -cells cells and its own members, the cases and
// hazards spread over them; a county belongs on PostgreSQL:
//
//	go run ./examples/gendata -townships 20 -cases 1000000 \
//	    -db 'postgres://postgres@127.0.0.1:5432/county?sslmode=disable'
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn/adapters/bunstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

func main() {
	dsn := flag.String("db", "township.db", "SQLite file or PostgreSQL DSN to fill")
	cases := flag.Int("cases", 10_000, "number of cases")
	hazards := flag.Int("hazards", -1, "number of hazards (default: a quarter of the cases)")
	cells := flag.Int("cells", 2_000, "number of cells in each township's grid")
	townships := flag.Int("townships", 1, "number of townships, each with its own grid and members")
	seed := flag.Uint64("seed", 1, "random seed: the same seed gives the same data")
	flag.Parse()
	if *hazards < 0 {
		*hazards = *cases / 4
	}
	if *townships < 1 {
		fmt.Fprintln(os.Stderr, "gendata: -townships must be at least 1")
		os.Exit(2)
	}
	if err := run(context.Background(), *dsn, *cases, *hazards, *cells, *townships, *seed, os.Stderr); err != nil {
		slog.Error("gendata failed", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dsn string, nCases, nHazards, nCells, nTownships int, seed uint64, out io.Writer) error {
	db, err := bunstore.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	g := NewCounty(seed, nCells, nTownships)
	gs, err := grid.NewService(ctx, db.Grid(), grid.DefaultPolicy(), grid.DefaultTitles)
	if err != nil {
		return fmt.Errorf("grid: %w", err)
	}
	// Each township is founded on its own, as a county's are: its grid
	// and its members.
	members := g.Members()
	for _, town := range g.Towns {
		specs := make([]grid.Spec, len(town))
		for i, c := range town {
			specs[i] = c.Spec()
		}
		tree, err := grid.Build(grid.DefaultTitles, specs)
		if err != nil {
			return fmt.Errorf("grid of %s: %w", town[0].ID, err)
		}
		var theirs []grid.Member
		for _, m := range members {
			if m.Township == town[0].ID {
				theirs = append(theirs, m)
			}
		}
		if err := gs.Found(ctx, tree, theirs); err != nil {
			return fmt.Errorf("grid of %s: %w", town[0].ID, err)
		}
	}
	// Batches of a thousand: each transaction ends in one sync to disk, and
	// a thousand records share it.
	const batch = 1000
	cases := make([]bunstore.Loaded[mediation.Case], 0, batch)
	bar := newProgress(out, "cases", nCases)
	for i := range nCases {
		c, events := g.Case(i, nCases)
		cases = append(cases, bunstore.Loaded[mediation.Case]{Record: c, Events: events})
		if len(cases) == batch || i == nCases-1 {
			if err := db.Cases().Import(ctx, cases); err != nil {
				return fmt.Errorf("cases up to %d: %w", i, err)
			}
			cases = cases[:0]
			bar.set(i + 1)
		}
	}
	bar.done()
	hazards := make([]bunstore.Loaded[hazard.Hazard], 0, batch)
	bar = newProgress(out, "hazards", nHazards)
	for i := range nHazards {
		h, events := g.Hazard(i, nHazards)
		hazards = append(hazards, bunstore.Loaded[hazard.Hazard]{Record: h, Events: events})
		if len(hazards) == batch || i == nHazards-1 {
			if err := db.Hazards().Import(ctx, hazards); err != nil {
				return fmt.Errorf("hazards up to %d: %w", i, err)
			}
			hazards = hazards[:0]
			bar.set(i + 1)
		}
	}
	bar.done()
	// The import tidied its tables as it went, the last time when it had
	// doubled; what came after is tidied now.
	return db.Tidy(ctx)
}

// Generator makes the records of a random township, or of a county of
// several: the same seed gives the same records.
type Generator struct {
	rng    *rand.Rand
	Tree   *grid.Tree    // the generated townships, one root each
	Cells  []grid.Cell   // every cell of them, each township's root first
	Towns  [][]grid.Cell // each township's cells, its root first
	Start  time.Time     // the first day records fall on
	Period time.Duration
	prefix map[grid.CellID]string      // of each township's case numbers
	last   map[grid.CellID]map[int]int // the last sequence numbered in each township's year
}

// NewGenerator returns a generator over a random township of about cells
// cells, with records spread over the two years before 2026-11-01.
func NewGenerator(seed uint64, cells int) *Generator { return NewCounty(seed, cells, 1) }

// NewCounty returns a generator over a random county of townships
// townships of about cells cells each, with records spread over the two
// years before 2026-11-01. A county of one township is NewGenerator's.
func NewCounty(seed uint64, cells, townships int) *Generator {
	tree := gridtest.RandomTree(seed, cells*townships, townships)
	g := &Generator{
		rng:    rand.New(rand.NewPCG(seed, 99)),
		Tree:   tree,
		Start:  time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC),
		Period: 2 * 365 * 24 * time.Hour,
		prefix: map[grid.CellID]string{},
		last:   map[grid.CellID]map[int]int{},
	}
	for _, root := range tree.Roots() {
		sub, _ := tree.Descendants(root.ID)
		town := append([]grid.Cell{root}, sub...)
		g.Towns = append(g.Towns, town)
		g.Cells = append(g.Cells, town...)
		g.prefix[root.ID] = mediation.DefaultNumberPrefix(root.Name)
		g.last[root.ID] = map[int]int{}
	}
	return g
}

// Head is the ID of the grid head (网格长) of the generator's township t
// (from 0): gen-head for the first, as a single township's, and
// gen-head-t1, gen-head-t2, … for the others of a county.
func Head(t int) grid.MemberID {
	if t == 0 {
		return "gen-head"
	}
	return grid.MemberID(fmt.Sprintf("gen-head-t%d", t))
}

// cadresPerTownship is how many community cadres (两委干部, heads of
// level-3 cells) each township of a county gets beside its grid head, so
// that a load can act as many members of many townships.
const cadresPerTownship = 4

// Members are the members the generator gives its townships, so that the
// pilot can be signed into as them: each township's grid head (网格长) at
// its root, who sees its dashboard and tracking view, and in a county of
// more than one township up to four community cadres each, heads of
// level-3 cells (gen-t0-c1, …), who register and work cases there.
func (g *Generator) Members() []grid.Member {
	var ms []grid.Member
	for t, town := range g.Towns {
		root := town[0]
		ms = append(ms, grid.Member{
			ID: Head(t), Name: "网格长", Phone: fmt.Sprintf("139%08d", t), Department: grid.DeptGrid, Township: root.ID,
			Posts: []grid.Post{{Role: grid.GridHead, Cell: root.Path}},
		})
		if len(g.Towns) == 1 {
			continue
		}
		n := 0
		for _, c := range town {
			if c.Level() != 3 || n == cadresPerTownship {
				continue
			}
			n++
			ms = append(ms, grid.Member{
				ID: grid.MemberID(fmt.Sprintf("gen-t%d-c%d", t, n)), Name: "两委干部", Phone: fmt.Sprintf("138%04d%04d", t, n), Department: grid.DeptGrid, Township: root.ID,
				Posts: []grid.Post{{Role: grid.GridHead, Cell: c.Path}},
			})
		}
	}
	return ms
}

// phone returns an applicant's phone number for a township of n cases:
// one applicant in twenty comes again, from a pool of n/50 numbers, as
// the parties of a dispute that recurs do; the rest are drawn from a
// hundred million.
func (g *Generator) phone(n int) string {
	if g.rng.IntN(20) == 0 {
		return fmt.Sprintf("138%08d", g.rng.IntN(max(n/50, 1)))
	}
	return fmt.Sprintf("139%08d", g.rng.IntN(1e8))
}

var categories = []mediation.Category{mediation.Neighbour, mediation.Neighbour, mediation.Family, mediation.Homestead, mediation.Injury, mediation.Debt, mediation.Labour, mediation.Tenancy}

// Case returns case i of n in a random state with the timeline that led
// there. Cases arrive in order over the period, as they do in a township,
// and a case's ID starts with its registration date, so that IDs sort as
// registrations do, as the Service's do. They are numbered as the Service
// numbers them, each year's from 1 in the order they arrive: call Case
// for i = 0, 1, 2, … in turn.
func (g *Generator) Case(i, n int) (*mediation.Case, []timeline.Event) {
	r := g.rng
	cell := g.Cells[r.IntN(len(g.Cells))].Path
	at := g.when(i, n)
	year := at.In(work.Zone).Year()
	town := cell.Township()
	g.last[town][year]++
	c := &mediation.Case{
		ID: mediation.ID(fmt.Sprintf("G%s%08d", at.Format("20060102"), i)), TrackingCode: fmt.Sprintf("GEN%09d", i), Version: 1,
		Number:   mediation.Number{Prefix: g.prefix[town], Year: year, Seq: g.last[town][year]},
		Township: cell.Township(), Channel: work.Channel(1 + r.IntN(8)), Category: categories[r.IntN(len(categories))],
		Applicants:  []mediation.Party{{Name: "甲某某", Sex: mediation.Female, Age: 20 + r.IntN(60), Phone: g.phone(n), Address: "某村某组"}},
		Respondents: []mediation.Party{{Name: "乙某某", Sex: mediation.Male, Age: 20 + r.IntN(60), Address: "某村某组"}},
		Facts:       strings.Repeat("双方因琐事发生争执，互不相让。", 1+r.IntN(4)),
		Grade:       work.Grade(1 + r.IntN(3)), Location: cell, Handling: cell,
		FirstResponder: fmt.Sprintf("m-%d", r.IntN(500)), FirstResponderCell: cell,
		State: mediation.Registered, RegisteredAt: at, AcceptDue: at.Add(24 * time.Hour),
	}
	var events []timeline.Event
	step := func(action timeline.Action, at time.Time) {
		var e timeline.Event
		e, c.Chain = c.Chain.Append(timeline.Event{Subject: string(c.ID), At: at, Actor: c.FirstResponder, Action: action, Details: map[string]string{"cell": cell.String()}})
		events = append(events, e)
		c.Version = int64(len(events))
	}
	step(mediation.ActionRegistered, at)
	h := func(n int) time.Duration { return time.Duration(1+r.IntN(n)) * time.Hour }
	// Only cases of the last month are still open, as in a township that
	// works its register; a few of them are already late.
	recent := g.Start.Add(g.Period).Sub(at) < 30*24*time.Hour
	if recent && r.IntN(5) == 0 { // still waiting to be accepted
		return c, events
	}
	c.State, c.AcceptedAt, c.AcceptedBy = mediation.Accepted, at.Add(h(30)), c.FirstResponder
	c.ResolveDue = c.AcceptedAt.Add(7 * 24 * time.Hour)
	step(mediation.ActionAccepted, c.AcceptedAt)
	t := c.AcceptedAt
	for range 1 + r.IntN(4) {
		t = t.Add(h(48))
		c.Sessions = append(c.Sessions, mediation.Session{At: t, Place: mediation.PlaceHome, Attendees: []string{"调解员"}, Notes: "调解", Outcome: mediation.Progress, By: c.FirstResponder})
		c.State = mediation.Mediating
		step(mediation.ActionSession, t)
	}
	switch n := r.IntN(100); {
	case recent && n < 40: // still in mediation
		return c, events
	case n < 12:
		c.State, c.ResolvedAt, c.Failure = mediation.Failed, t.Add(h(24)), &mediation.Failure{Reason: "分歧较大", Route: mediation.RouteLitigation}
		step(mediation.ActionFailed, c.ResolvedAt)
	default:
		c.State, c.ResolvedAt = mediation.Agreed, t.Add(h(24))
		c.Agreement = &mediation.Agreement{Form: mediation.Oral, Facts: c.Facts, Disputes: "琐事", Terms: "和好", Mediator: "调解员", EffectiveAt: c.ResolvedAt}
		step(mediation.ActionAgreement, c.ResolvedAt)
		// Both parties are asked at the follow-up visit; most are content.
		answer := func() mediation.Satisfaction {
			switch n := r.IntN(100); {
			case n < 70:
				return mediation.Satisfied
			case n < 93:
				return mediation.FairlySatisfied
			}
			return mediation.Unsatisfied
		}
		c.FollowUps = []mediation.FollowUp{{At: c.ResolvedAt.Add(72 * time.Hour), By: c.FirstResponder, Performed: true, Notes: "已履行",
			Satisfaction: []mediation.Satisfaction{answer(), answer()}}}
		step(mediation.ActionFollowUp, c.FollowUps[0].At)
	}
	c.State, c.ClosedAt = mediation.Closed, c.ResolvedAt.Add(96*time.Hour)
	step(mediation.ActionClosed, c.ClosedAt)
	return c, events
}

// when returns the time record i of n arrives: the period split evenly,
// at a random moment within record i's share.
func (g *Generator) when(i, n int) time.Time {
	share := g.Period / time.Duration(max(n, 1))
	return g.Start.Add(time.Duration(i)*share + time.Duration(g.rng.Int64N(int64(max(share, 1)))))
}

// Hazard returns hazard i of n, most of them rectified on the spot, with
// the timeline that led to its state.
func (g *Generator) Hazard(i, n int) (*hazard.Hazard, []timeline.Event) {
	r := g.rng
	cell := g.Cells[r.IntN(len(g.Cells))].Path
	at := g.when(i, n)
	h := &hazard.Hazard{
		ID: hazard.ID(fmt.Sprintf("G%s%08d", at.Format("20060102"), i)), Version: 1, Township: cell.Township(),
		Category: hazard.Electrical, Grade: work.Simple, Description: "私拉乱接电线", Channel: work.ChannelScreening,
		Location: cell, Handling: cell, Reporter: "m-1", ReporterCell: cell, State: hazard.Open, ReportedAt: at, RectifyDue: at.Add(72 * time.Hour),
	}
	var events []timeline.Event
	step := func(action timeline.Action, at time.Time, details map[string]string) {
		var e timeline.Event
		e, h.Chain = h.Chain.Append(timeline.Event{Subject: string(h.ID), At: at, Actor: "m-1", Action: action, Details: details})
		events = append(events, e)
		h.Version = int64(len(events))
	}
	step(hazard.ActionReported, at, nil)
	// As with cases, only the last month's hazards are still open — waiting
	// to be rectified or verified; the others were verified and closed.
	recent := g.Start.Add(g.Period).Sub(at) < 30*24*time.Hour
	if recent && r.IntN(4) == 0 {
		return h, events
	}
	// Most are rectified on the spot, the others within the time allowed.
	h.State, h.RectifiedAt, h.OnTheSpot = hazard.Rectified, at, true
	if r.IntN(4) == 0 {
		h.RectifiedAt, h.OnTheSpot = at.Add(time.Duration(1+r.IntN(60))*time.Hour), false
	}
	h.VerifyDue = h.RectifiedAt.Add(3 * 24 * time.Hour)
	h.Rectifications = []hazard.Rectification{{Evidence: "已整改", At: h.RectifiedAt, By: "m-1"}}
	step(hazard.ActionRectified, h.RectifiedAt, map[string]string{"photos": "0", "verify_due": h.VerifyDue.Format(time.RFC3339)})
	if recent && r.IntN(2) == 0 {
		return h, events
	}
	h.ClosedAt = h.RectifiedAt.Add(time.Duration(1+r.IntN(60)) * time.Hour)
	h.State, h.Verifications = hazard.Closed, []hazard.Verification{{Passed: true, By: "m-2", At: h.ClosedAt}}
	step(hazard.ActionVerified, h.ClosedAt, nil)
	return h, events
}

// progress draws a bar on a terminal line, at most a few times a second.
type progress struct {
	w         io.Writer
	label     string
	total     int
	start     time.Time
	lastDrawn time.Time
	current   int
}

func newProgress(w io.Writer, label string, total int) *progress {
	return &progress{w: w, label: label, total: total, start: time.Now()}
}

func (p *progress) set(n int) {
	p.current = n
	if now := time.Now(); now.Sub(p.lastDrawn) >= 200*time.Millisecond || n == p.total {
		p.lastDrawn = now
		p.draw()
	}
}

func (p *progress) draw() {
	const width = 30
	frac := 1.0
	if p.total > 0 {
		frac = float64(p.current) / float64(p.total)
	}
	filled := int(frac * width)
	rate := float64(p.current) / max(time.Since(p.start).Seconds(), 1e-9)
	fmt.Fprintf(p.w, "\r%-8s [%s%s] %3.0f%% %d/%d  %.0f/s ", p.label, strings.Repeat("#", filled), strings.Repeat(".", width-filled), frac*100, p.current, p.total, rate)
}

func (p *progress) done() {
	p.draw()
	fmt.Fprintf(p.w, " in %s\n", time.Since(p.start).Round(time.Millisecond))
}
