package stats

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/work"
)

// A Tracker answers the tracking view from an index of open deadlines,
// kept with every change of a case or hazard (bunstore's), so that a page
// of it reads what is at risk or overdue and nothing that is on time.
// Without one the Service reads every open case and hazard of the scope.
type Tracker interface {
	// Track returns the page of the tracking view q asks for. It must
	// answer as TrackDeadlines does over every open deadline of q's scope.
	Track(ctx context.Context, q TrackQuery) (TrackPage, error)
}

// TrackQuery asks for a page of the tracking view of a township's
// subtrees at a time: the deadlines at risk or overdue then, the earliest
// due first.
type TrackQuery struct {
	Township grid.CellID
	Within   []grid.Path // the subtrees, by the handling or location cell
	At       time.Time
	TrackOptions
}

// TrackOptions choose a page of the tracking view.
type TrackOptions struct {
	// OverdueOnly leaves out the deadlines only at risk, from the page
	// (the counts hold them still).
	OverdueOnly bool
	// After is the cursor: the page starts after this deadline, as
	// TrackPage.Next gave it.
	After TrackCursor
	Limit int // 1 to work.MaxPage; 0 means work.DefaultPage
}

// PageSize is the page's length: Limit, or work.DefaultPage when unset.
func (o TrackOptions) PageSize() int {
	if o.Limit <= 0 {
		return work.DefaultPage
	}
	return min(o.Limit, work.MaxPage)
}

// TrackCursor marks a deadline's place in the tracking view's order: by
// due time, then by subject and kind.
type TrackCursor struct {
	Due     time.Time
	Subject string
	Kind    work.DeadlineKind
}

// IsZero reports whether the cursor is unset: the first page.
func (c TrackCursor) IsZero() bool { return c == TrackCursor{} }

// String writes the cursor as ParseTrackCursor reads it.
func (c TrackCursor) String() string {
	if c.IsZero() {
		return ""
	}
	return strconv.FormatInt(c.Due.UnixNano(), 10) + "." + string(c.Kind) + "." + c.Subject
}

// ParseTrackCursor reads a cursor String wrote; "" is the first page.
func ParseTrackCursor(s string) (TrackCursor, error) {
	if s == "" {
		return TrackCursor{}, nil
	}
	due, rest, ok1 := strings.Cut(s, ".")
	kind, subject, ok2 := strings.Cut(rest, ".")
	n, err := strconv.ParseInt(due, 10, 64)
	if !ok1 || !ok2 || err != nil || kind == "" || subject == "" {
		return TrackCursor{}, fieldError("after", "is not a cursor of the tracking view")
	}
	return TrackCursor{Due: time.Unix(0, n).UTC(), Subject: subject, Kind: work.DeadlineKind(kind)}, nil
}

// cursorOf is d's place in the tracking view's order.
func cursorOf(d work.Deadline) TrackCursor {
	return TrackCursor{Due: d.Due.UTC(), Subject: d.Subject, Kind: d.Kind}
}

// compare orders cursors as the tracking view lists deadlines.
func (c TrackCursor) compare(o TrackCursor) int {
	if n := c.Due.Compare(o.Due); n != 0 {
		return n
	}
	if n := strings.Compare(c.Subject, o.Subject); n != 0 {
		return n
	}
	return strings.Compare(string(c.Kind), string(o.Kind))
}

// TrackPage is a page of the tracking view, with the counts of the whole
// view.
type TrackPage struct {
	Counts    []TrackCount    // by kind of deadline, in the order of the kinds' names
	Deadlines []work.Deadline // the page, the earliest due first
	Next      TrackCursor     // the cursor of the next page; zero on the last
}

// TrackCount is how many deadlines of a kind are at risk, and overdue, in
// the whole tracking view.
type TrackCount struct {
	Kind    work.DeadlineKind
	AtRisk  int64 // at risk, not yet overdue
	Overdue int64
}

// Total returns the counts of every kind summed, under no kind.
func (p TrackPage) Total() TrackCount {
	var t TrackCount
	for _, c := range p.Counts {
		t.AtRisk += c.AtRisk
		t.Overdue += c.Overdue
	}
	return t
}

// TrackDeadlines returns the page of the tracking view o asks for, at
// now, from due, every open deadline of the scope: the counts of those at
// risk and overdue by kind, and the page of them in the view's order. A
// deadline that lapses (work.Deadline.Lapses) is gone once due. It is the
// definition a Tracker answers by.
func TrackDeadlines(due []work.Deadline, now time.Time, o TrackOptions) TrackPage {
	var view []work.Deadline
	counts := map[work.DeadlineKind]*TrackCount{}
	for _, d := range due {
		if now.Before(d.RiskAt) || (d.Lapses && !now.Before(d.Due)) {
			continue
		}
		c := counts[d.Kind]
		if c == nil {
			c = &TrackCount{Kind: d.Kind}
			counts[d.Kind] = c
		}
		d.Status = work.AtRisk
		if now.After(d.Due) {
			d.Status = work.Overdue
			c.Overdue++
		} else {
			c.AtRisk++
		}
		if d.Status == work.Overdue || !o.OverdueOnly {
			view = append(view, d)
		}
	}
	var p TrackPage
	for _, c := range counts {
		p.Counts = append(p.Counts, *c)
	}
	slices.SortFunc(p.Counts, func(a, b TrackCount) int { return strings.Compare(string(a.Kind), string(b.Kind)) })
	slices.SortFunc(view, func(a, b work.Deadline) int { return cursorOf(a).compare(cursorOf(b)) })
	if !o.After.IsZero() {
		i, _ := slices.BinarySearchFunc(view, o.After, func(d work.Deadline, c TrackCursor) int {
			if cursorOf(d).compare(c) <= 0 {
				return -1
			}
			return 1
		})
		view = view[i:]
	}
	if n := o.PageSize(); len(view) > n {
		view = view[:n]
		p.Next = cursorOf(view[n-1])
	}
	p.Deadlines = view
	return p
}

// TrackingPage is a page of the tracking view (跟踪问效) of cell's subtree
// at now — the deadlines of its open cases and hazards that are at risk
// or overdue, the earliest due first, with who answers for each — and
// how many there are of each kind. Through a Tracker it reads only the
// deadlines at risk or overdue. Needs Track at cell.
func (s *Service) TrackingPage(ctx context.Context, actor grid.Actor, cell grid.CellID, now time.Time, o TrackOptions) (TrackPage, error) {
	if o.Limit < 0 || o.Limit > work.MaxPage {
		return TrackPage{}, fieldError("limit", "must be 1 to %d", work.MaxPage)
	}
	q, err := s.scope(ctx, actor, cell, grid.Track)
	if err != nil {
		return TrackPage{}, err
	}
	if s.c.Tracker != nil {
		p, err := s.c.Tracker.Track(ctx, TrackQuery{Township: q.Township, Within: q.Within, At: now, TrackOptions: o})
		if err != nil {
			return TrackPage{}, fmt.Errorf("stats: tracking view: %w", err)
		}
		return p, nil
	}
	due, err := s.openDeadlines(ctx, q, now)
	if err != nil {
		return TrackPage{}, err
	}
	return TrackDeadlines(due, now, o), nil
}
