package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/grid"
)

func TestCounty(t *testing.T) {
	g := NewCounty(1, 200, 5)
	require.Len(t, g.Towns, 5)
	heads := map[grid.CellID]grid.MemberID{}
	for _, m := range g.Members() {
		require.NoError(t, m.Validate())
		for _, p := range m.Posts {
			assert.Equal(t, m.Township, p.Cell.Township(), "%s holds a post in their own township", m.ID)
			if p.Cell.Level() == 1 {
				heads[m.Township] = m.ID
			}
		}
	}
	for i, town := range g.Towns {
		assert.Equal(t, Head(i), heads[town[0].ID], "township %s has its grid head", town[0].ID)
	}
	assert.Equal(t, grid.MemberID("gen-head"), Head(0), "the first township's head is a single township's")

	// Each township numbers its own cases, each year from 1, without gaps.
	seqs := map[grid.CellID]map[int][]int{}
	ids := map[string]bool{}
	const n = 2_000
	for i := range n {
		c, events := g.Case(i, n)
		require.NotEmpty(t, events)
		require.False(t, ids[string(c.ID)], "case ID %s is unique", c.ID)
		ids[string(c.ID)] = true
		if seqs[c.Township] == nil {
			seqs[c.Township] = map[int][]int{}
		}
		seqs[c.Township][c.Number.Year] = append(seqs[c.Township][c.Number.Year], c.Number.Seq)
	}
	assert.Len(t, seqs, 5, "the cases are spread over every township")
	for town, years := range seqs {
		for year, got := range years {
			for j, seq := range got {
				require.Equal(t, j+1, seq, "township %s, year %d", town, year)
			}
		}
	}
}

func TestOneTownshipUnchanged(t *testing.T) {
	g := NewGenerator(1, 300)
	require.Len(t, g.Towns, 1)
	ms := g.Members()
	require.Len(t, ms, 1, "a single township has its grid head only, as before")
	assert.Equal(t, grid.MemberID("gen-head"), ms[0].ID)
	assert.Equal(t, "13900000000", ms[0].Phone)
}
