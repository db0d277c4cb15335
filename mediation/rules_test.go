package mediation_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// TestRulesValidate: each way a township's rules can be wrong is refused,
// naming the rule at fault, and no service is built on them.
func TestRulesValidate(t *testing.T) {
	require.NoError(t, mediation.DefaultRules().Validate())
	tests := []struct {
		field string
		edit  func(*mediation.Rules)
	}{
		{"categories", func(r *mediation.Rules) { r.Categories = nil }},
		{"categories", func(r *mediation.Rules) { r.Categories[mediation.Debt] = 0 }},
		{"amounts[1]", func(r *mediation.Rules) { r.Amounts[1].AtLeast = 0 }},
		{"risks", func(r *mediation.Rules) { r.Risks[1<<7] = work.Major }},
		{"grades.major", func(r *mediation.Rules) { delete(r.Grades, work.Major) }},
		{"grades.simple.level", func(r *mediation.Rules) {
			r.Grades[work.Simple] = mediation.GradeRule{Level: 6, AcceptWithin: 1, ResolveWithin: 1}
		}},
		{"grades.major.level", func(r *mediation.Rules) {
			r.Grades[work.Major] = mediation.GradeRule{Level: 4, AcceptWithin: 1, ResolveWithin: 1}
		}},
		{"grades.ordinary", func(r *mediation.Rules) { r.Grades[work.Ordinary] = mediation.GradeRule{Level: 3, AcceptWithin: 1} }},
		{"failed_sessions", func(r *mediation.Rules) { r.FailedSessions = 0 }},
		{"max_extension", func(r *mediation.Rules) { r.MaxExtension = 0 }},
		{"reminders[0]", func(r *mediation.Rules) { r.Reminders = []float64{1} }},
		{"reminders[2]", func(r *mediation.Rules) { r.Reminders = []float64{0.5, 0.8, 0.8} }},
		{"at_risk", func(r *mediation.Rules) { r.AtRisk = 0 }},
		{"number_prefixes[gucheng]", func(r *mediation.Rules) { r.NumberPrefixes = map[grid.CellID]string{"gucheng": ""} }},
		{"number_prefixes[gucheng]", func(r *mediation.Rules) { r.NumberPrefixes = map[grid.CellID]string{"gucheng": "古调2"} }},
		{"number_prefixes[gucheng]", func(r *mediation.Rules) { r.NumberPrefixes = map[grid.CellID]string{"gucheng": "古〔调"} }},
		{"number_prefixes[gucheng]", func(r *mediation.Rules) { r.NumberPrefixes = map[grid.CellID]string{"gucheng": "古 调"} }},
		{"number_prefixes[gucheng]", func(r *mediation.Rules) {
			r.NumberPrefixes = map[grid.CellID]string{"gucheng": "古城办事处人民调解"}
		}},
		{"number_prefixes[gucheng]", func(r *mediation.Rules) { r.NumberPrefixes = map[grid.CellID]string{"gucheng": "ＧＣ"} }},
		{"number_prefixes[]", func(r *mediation.Rules) { r.NumberPrefixes = map[grid.CellID]string{"": "古调"} }},
		{"number_prefixes[a]", func(r *mediation.Rules) { r.NumberPrefixes = map[grid.CellID]string{"a": "1", "b": "2"} }},
	}
	for _, tt := range tests {
		r := mediation.DefaultRules()
		tt.edit(&r)
		err := r.Validate()
		assert.Equal(t, tt.field, fourplusn.ErrorField(err), "%v", err)
		_, err = mediation.NewService(mediation.Config{Store: memstore.NewCases(), Cells: memstore.Grid{Tree: gridtest.Gucheng().Tree}, Policy: grid.DefaultPolicy(), Rules: r})
		assert.ErrorIs(t, err, fourplusn.Invalid, "the rules are at fault: %s", tt.field)
	}
	r := mediation.DefaultRules()
	r.Reminders = nil
	assert.NoError(t, r.Validate(), "a township may remind nobody")
	r.NumberPrefixes = map[grid.CellID]string{"gucheng": "古城调字", "linzhen": "LZ"}
	assert.NoError(t, r.Validate(), "a prefix of Chinese characters or Latin letters")
}

// TestNewService: a service is only built from what it needs, and keeps
// rules of its own that the caller's later changes do not reach.
func TestNewService(t *testing.T) {
	demo := gridtest.Gucheng()
	full := mediation.Config{Store: memstore.NewCases(), Cells: memstore.Grid{Tree: demo.Tree}, Policy: grid.DefaultPolicy(), Rules: mediation.DefaultRules()}
	for name, edit := range map[string]func(*mediation.Config){
		"no store":  func(c *mediation.Config) { c.Store = nil },
		"no cells":  func(c *mediation.Config) { c.Cells = nil },
		"no policy": func(c *mediation.Config) { c.Policy = nil },
		"no rules":  func(c *mediation.Config) { c.Rules = mediation.Rules{} },
	} {
		c := full
		edit(&c)
		_, err := mediation.NewService(c)
		assert.Error(t, err, name)
	}
	svc, err := mediation.NewService(full)
	require.NoError(t, err)
	full.Rules.Grades[work.Simple] = mediation.GradeRule{Level: 1, AcceptWithin: time.Hour, ResolveWithin: time.Hour}
	full.Rules.Reminders[0] = 0.1
	assert.Equal(t, mediation.DefaultRules(), svc.Rules(), "the service's rules are its own")
}
