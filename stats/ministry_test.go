package stats_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

// TestMinistryTable counts a month's ended cases by the Ministry's dispute
// types and outcome: two neighbours' agreements, a debt that failed (a
// contract dispute by the default map), a tenancy withdrawn (also a
// contract: 其他) and a case still open, which the table leaves out.
func TestMinistryTable(t *testing.T) {
	tw := newTownship(t)
	tw.now = at("2023-03-01 09:00")
	group := grid.CellID("mayuan-1")
	head := tw.demo.Member(grid.MemberID(string(group) + "-head")).Actor()
	tw.resolve(t, group)
	tw.resolve(t, group)
	registerAs := func(c mediation.Category) *mediation.Case {
		k, err := tw.cases.Register(ctx, head, mediation.Intake{
			Channel: work.ChannelScreening, Category: c, Location: group, Facts: "欠款未还",
			Applicants: []mediation.Party{{Name: "甲某", Phone: "13900000001"}}, Respondents: []mediation.Party{{Name: "乙某"}},
		})
		require.NoError(t, err)
		return k
	}
	debt := registerAs(mediation.Debt)
	_, err := tw.cases.Accept(ctx, head, debt.ID, 0)
	require.NoError(t, err)
	_, err = tw.cases.Fail(ctx, head, debt.ID, 0, mediation.Failure{Reason: "双方分歧大", Route: mediation.RouteLitigation})
	require.NoError(t, err)
	tenancy := registerAs(mediation.Tenancy)
	_, err = tw.cases.Withdraw(ctx, head, tenancy.ID, 0, "已自行和解")
	require.NoError(t, err)
	registerAs(mediation.Family) // still open

	secretary := tw.demo.Member("gc-secretary").Actor()
	march := stats.Month.Of(at("2023-03-15 00:00"))
	table, err := tw.stats.Ministry(ctx, secretary, "gucheng", march)
	require.NoError(t, err)
	require.Len(t, table.Rows, len(stats.MinistryTypes()), "every type has its row")
	rows := map[stats.MinistryType]stats.MinistryRow{}
	for _, r := range table.Rows {
		rows[r.Type] = r
	}
	assert.Equal(t, stats.MinistryRow{Type: stats.MinistryNeighbour, Agreed: 2}, rows[stats.MinistryNeighbour])
	assert.Equal(t, stats.MinistryRow{Type: stats.MinistryContract, Failed: 1, Other: 1}, rows[stats.MinistryContract])
	assert.Zero(t, rows[stats.MinistryFamily].Total(), "an open case has not ended")
	assert.Equal(t, stats.MinistryRow{Agreed: 2, Failed: 1, Other: 1}, table.Total())
	assert.Equal(t, "房屋宅基地纠纷", stats.MinistryHomestead.Title())

	april, err := tw.stats.Ministry(ctx, secretary, "gucheng", stats.Month.Of(at("2023-04-15 00:00")))
	require.NoError(t, err)
	assert.Zero(t, april.Total().Total(), "nothing ended in April")

	// A group head may not view statistics.
	_, err = tw.stats.Ministry(ctx, head, "gucheng", march)
	assert.Equal(t, fourplusn.Forbidden, fourplusn.ErrorCode(err))
}

// TestMinistryMapValidate refuses a map that leaves one of the township's
// categories out or names a type the Ministry's table does not have.
func TestMinistryMapValidate(t *testing.T) {
	rules := mediation.DefaultRules()
	require.NoError(t, stats.DefaultMinistryMap().Validate(rules))

	rules.Categories["water"] = work.Simple
	err := stats.DefaultMinistryMap().Validate(rules)
	assert.Equal(t, fourplusn.Invalid, fourplusn.ErrorCode(err))
	assert.ErrorContains(t, err, `"water"`)

	m := stats.DefaultMinistryMap()
	m["water"] = stats.MinistryLand
	require.NoError(t, m.Validate(rules), "a township maps its own category")
	m[mediation.Debt] = "loans"
	assert.ErrorContains(t, m.Validate(rules), `"loans"`)
	delete(m, mediation.Debt)
	assert.ErrorContains(t, m.Validate(rules), `"debt"`)
}
