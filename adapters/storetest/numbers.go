package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// casesNumbers: Create numbers a township's cases of a year 1, 2, 3, … in
// the order it stores them, keeping the prefix and the year it is given
// and whatever sequence the case carried; another township's cases, and
// a new year's, start again at 1, and an earlier year's go on where they
// were; a prefix changed within a year goes on with the year's sequence.
// Get returns the number Create gave, Update keeps it whatever its
// function does, and GetByNumber finds each case by its prefix, year and
// sequence in its township, and nothing else: not with another prefix,
// in another township, at a sequence not given or in a year without
// cases.
func casesNumbers(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	// Midnight in the township opens 2024 while UTC is still in 2023: the
	// year is the one the case was given.
	newYear := time.Date(2024, 1, 1, 0, 30, 0, 0, work.Zone).UTC()
	steps := []struct {
		cell   grid.CellID
		at     time.Time
		prefix string // "" for the default of the demo's township
		want   string
	}{
		{"mayuan-1", base, "", "古调〔2023〕1号"},
		{"mayuan-2", base, "", "古调〔2023〕2号"},
		{"lz-qiaotou-1", base, "", "邻调〔2023〕1号"},
		{"mayuan-1", newYear, "", "古调〔2024〕1号"},
		{"mayuan-1", base, "", "古调〔2023〕3号"},
		{"lz-qiaotou-1", newYear, "", "邻调〔2024〕1号"},
		{"mayuan-1", newYear, "古城调", "古城调〔2024〕2号"},
		{"mayuan-1", base, "", "古调〔2023〕4号"},
	}
	var cases []*mediation.Case
	for i, step := range steps {
		c, events := newCase(i+1, step.cell, step.at)
		if step.prefix != "" {
			c.Number.Prefix = step.prefix
		}
		c.Number.Seq = 99 // the store gives the sequence, whatever the case says
		got := create(t, s, c, events)
		assert.Equal(t, step.want, got.Number.String(), "case %d as Create returns it", i+1)
		stored, err := s.Get(ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, got.Number, stored.Number, "case %d as Get returns it", i+1)
		cases = append(cases, got)
	}
	updated, err := s.Update(ctx, cases[0].ID, 0, func(c *mediation.Case) ([]timeline.Event, error) {
		c.Number = mediation.Number{Prefix: "改", Year: 2099, Seq: 7}
		c.Facts = "补充"
		return nil, nil
	})
	require.NoError(t, err)
	assert.Equal(t, cases[0].Number, updated.Number, "Update keeps the number")
	assert.Equal(t, "补充", updated.Facts)
	cases[0] = updated
	for i, c := range cases {
		got, err := s.GetByNumber(ctx, c.Township, c.Number)
		if assert.NoError(t, err, "case %d by its number %s", i+1, c.Number) {
			same(t, c, got, "case %d by its number", i+1)
		}
	}
	n := cases[0].Number // 古调〔2023〕1号
	for _, miss := range []struct {
		township grid.CellID
		n        mediation.Number
		why      string
	}{
		{"gucheng", mediation.Number{Prefix: "乙调", Year: n.Year, Seq: n.Seq}, "another prefix"},
		{"linzhen", mediation.Number{Prefix: "古调", Year: n.Year, Seq: 1}, "another township"},
		{"gucheng", mediation.Number{Prefix: "古调", Year: n.Year, Seq: 5}, "a sequence not given"},
		{"gucheng", mediation.Number{Prefix: "古调", Year: 2025, Seq: 1}, "a year without cases"},
		{"gucheng", mediation.Number{Prefix: "古调", Year: 2099, Seq: 7}, "the number an update tried to set"},
	} {
		_, err := s.GetByNumber(ctx, miss.township, miss.n)
		requireCode(t, err, fourplusn.NotFound, miss.why)
	}
}

// casesConcurrentNumbers: of 50 Creates at once in one township and year,
// beside 10 in another township, every one succeeds, and each township's
// cases get distinct, consecutive numbers from 1 — 1 to 50 and 1 to 10 —
// each of which finds its case.
func casesConcurrentNumbers(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	const here, there = 50, 10
	got := make([]*mediation.Case, here+there)
	errs := make([]error, here+there)
	var wg sync.WaitGroup
	for i := range here + there {
		cell := grid.CellID("mayuan-1")
		if i >= here {
			cell = "lz-qiaotou-1"
		}
		c, events := newCase(i+1, cell, base.Add(time.Duration(i)*time.Second))
		wg.Go(func() { got[i], errs[i] = s.Create(ctx, c, events, work.IdempotencyKey{}) })
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "Create %d", i+1)
	}
	for _, town := range []struct {
		cases []*mediation.Case
		name  string
	}{{got[:here], "gucheng"}, {got[here:], "linzhen"}} {
		var seqs []int
		for _, c := range town.cases {
			seqs = append(seqs, c.Number.Seq)
			found, err := s.GetByNumber(ctx, c.Township, c.Number)
			if assert.NoError(t, err, "%s by its number %s", c.ID, c.Number) {
				assert.Equal(t, c.ID, found.ID, "number %s finds its case", c.Number)
			}
		}
		slices.Sort(seqs)
		want := make([]int, len(town.cases))
		for i := range want {
			want[i] = i + 1
		}
		assert.Equal(t, want, seqs, "%s's numbers are distinct and consecutive from 1", town.name)
	}
}

// casesNumbersNotUsedUp: a Create that stores nothing takes no number — a
// taken ID or tracking code (refused once the store may have taken a
// number), an idempotency key reused for another request, a number
// without a prefix or a year (refused as Invalid), a canceled context —
// and a Create retried under its idempotency key returns the first
// case's number, so the next case stored gets the number after the last
// one stored, with no gap.
func casesNumbersNotUsedUp(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	c1, e1 := newCase(1, "mayuan-1", base)
	first := create(t, s, c1, e1)
	key := work.IdempotencyKey{Scope: "m-1", Key: "k", Fingerprint: "f"}
	c2, e2 := newCase(2, "mayuan-1", base)
	keyed, err := s.Create(ctx, c2, e2, key)
	require.NoError(t, err)
	retry, e := newCase(3, "mayuan-1", base)
	again, err := s.Create(ctx, retry, e, key)
	require.NoError(t, err)
	assert.Equal(t, keyed.Number, again.Number, "a retry returns the first case's number")

	refused := []struct {
		change func(*mediation.Case)
		key    work.IdempotencyKey
		code   fourplusn.Code
		why    string
	}{
		{func(c *mediation.Case) { c.ID = first.ID }, work.IdempotencyKey{}, fourplusn.Conflict, "a taken ID"},
		{func(c *mediation.Case) { c.TrackingCode = first.TrackingCode }, work.IdempotencyKey{}, fourplusn.Conflict, "a taken tracking code"},
		{func(*mediation.Case) {}, work.IdempotencyKey{Scope: "m-1", Key: "k", Fingerprint: "other"}, fourplusn.Conflict, "a key reused for another request"},
		{func(c *mediation.Case) { c.Number.Prefix = "" }, work.IdempotencyKey{}, fourplusn.Invalid, "a number without a prefix"},
		{func(c *mediation.Case) { c.Number.Year = 0 }, work.IdempotencyKey{}, fourplusn.Invalid, "a number without a year"},
	}
	for i, r := range refused {
		c, events := newCase(10+i, "mayuan-1", base)
		r.change(c)
		_, err := s.Create(ctx, c, events, r.key)
		requireCode(t, err, r.code, r.why)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	c, events := newCase(20, "mayuan-1", base)
	_, err = s.Create(canceled, c, events, work.IdempotencyKey{})
	require.ErrorIs(t, err, context.Canceled)

	c, events = newCase(21, "mayuan-1", base)
	next := create(t, s, c, events)
	assert.Equal(t, fmt.Sprintf("古调〔%d〕3号", base.In(work.Zone).Year()), next.Number.String(),
		"the next case takes the number after the last one stored")
}
