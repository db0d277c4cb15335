package grid_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
)

// relations are the targets of the permission table, per post level: the
// post's own cell, a descendant, its parent (ancestor), a sibling, and a cell
// of the other township. "" marks a relation the level does not have.
var relations = []struct {
	post    grid.CellID
	targets [5]grid.CellID
}{
	{"gucheng", [5]grid.CellID{"gucheng", "mayuan-1", "", "", "linzhen"}},
	{"gc-east", [5]grid.CellID{"gc-east", "mayuan-1", "gucheng", "gc-west", "lz-north"}},
	{"mayuan", [5]grid.CellID{"mayuan", "mayuan-1", "gc-east", "wuguiqiao", "lz-qiaotou"}},
	{"mayuan-1", [5]grid.CellID{"mayuan-1", "mayuan-1-zhang", "mayuan", "mayuan-2", "lz-qiaotou-1"}},
	{"mayuan-1-zhang", [5]grid.CellID{"mayuan-1-zhang", "", "mayuan-1", "mayuan-1-li", "lz-qiaotou-1"}},
}

// TestDefaultPolicyTable spells out, for every role and action, what a post
// of that role may do at each level (1 to 5, space-separated) to its own
// cell, a descendant, its parent, a sibling and a cell of another township:
// Y allowed, - refused, . no such relation at that level.
func TestDefaultPolicyTable(t *testing.T) {
	table := []struct {
		role   grid.Role
		action grid.Action
		want   string
	}{
		{grid.GridHead, grid.View, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.GridHead, grid.Register, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.GridHead, grid.Review, "YY..- YY--- YY--- YY--- -.---"},
		{grid.GridHead, grid.Accept, "YY..- YY--- YY--- YY--- -.---"},
		{grid.GridHead, grid.Mediate, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.GridHead, grid.Escalate, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.GridHead, grid.ApproveEscalation, "YY..- YY--- YY--- YY--- -.---"},
		{grid.GridHead, grid.Transfer, "YY..- YY--- YY--- YY--- -.---"},
		{grid.GridHead, grid.Close, "YY..- YY--- YY--- YY--- -.---"},
		{grid.GridHead, grid.ReportHazard, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.GridHead, grid.Rectify, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.GridHead, grid.Verify, "YY..- YY--- YY--- YY--- -.---"},
		{grid.GridHead, grid.ViewStats, "YY..- YY--- YY--- ----- -.---"},
		{grid.GridHead, grid.Track, "YY..- YY--- ----- ----- -.---"},
		{grid.GridHead, grid.ViewPersonal, "YY..- YY--- YY--- YY--- -.---"},
		{grid.GridHead, grid.ManageGrid, "YY..- ----- ----- ----- -.---"},
		{grid.GridHead, grid.Dedupe, "--..- ----- ----- ----- -.---"},
		{grid.GridWorker, grid.View, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.GridWorker, grid.Register, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.GridWorker, grid.Review, "--..- ----- ----- ----- -.---"},
		{grid.GridWorker, grid.Accept, "--..- ----- ----- ----- -.---"},
		{grid.GridWorker, grid.Mediate, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.GridWorker, grid.Escalate, "--..- ----- ----- ----- -.---"},
		{grid.GridWorker, grid.ApproveEscalation, "--..- ----- ----- ----- -.---"},
		{grid.GridWorker, grid.Transfer, "--..- ----- ----- ----- -.---"},
		{grid.GridWorker, grid.Close, "--..- ----- ----- ----- -.---"},
		{grid.GridWorker, grid.ReportHazard, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.GridWorker, grid.Rectify, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.GridWorker, grid.Verify, "--..- ----- ----- ----- -.---"},
		{grid.GridWorker, grid.ViewStats, "--..- ----- ----- ----- -.---"},
		{grid.GridWorker, grid.Track, "--..- ----- ----- ----- -.---"},
		{grid.GridWorker, grid.ViewPersonal, "--..- ----- ----- ----- -.---"},
		{grid.GridWorker, grid.ManageGrid, "--..- ----- ----- ----- -.---"},
		{grid.GridWorker, grid.Dedupe, "--..- ----- ----- ----- -.---"},
		{grid.CommunityPolice, grid.View, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.CommunityPolice, grid.Register, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.CommunityPolice, grid.Review, "YY..- YY--- YY--- YY--- -.---"},
		{grid.CommunityPolice, grid.Accept, "YY..- YY--- YY--- YY--- -.---"},
		{grid.CommunityPolice, grid.Mediate, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.CommunityPolice, grid.Escalate, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.CommunityPolice, grid.ApproveEscalation, "--..- ----- ----- ----- -.---"},
		{grid.CommunityPolice, grid.Transfer, "YY..- YY--- YY--- YY--- -.---"},
		{grid.CommunityPolice, grid.Close, "YY..- YY--- YY--- YY--- -.---"},
		{grid.CommunityPolice, grid.ReportHazard, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.CommunityPolice, grid.Rectify, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.CommunityPolice, grid.Verify, "YY..- YY--- YY--- YY--- -.---"},
		{grid.CommunityPolice, grid.ViewStats, "YY..- YY--- YY--- ----- -.---"},
		{grid.CommunityPolice, grid.Track, "--..- ----- ----- ----- -.---"},
		{grid.CommunityPolice, grid.ViewPersonal, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.CommunityPolice, grid.ManageGrid, "--..- ----- ----- ----- -.---"},
		{grid.CommunityPolice, grid.Dedupe, "--..- ----- ----- ----- -.---"},
		{grid.AuxiliaryPolice, grid.View, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.AuxiliaryPolice, grid.Register, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.AuxiliaryPolice, grid.Review, "--..- ----- ----- ----- -.---"},
		{grid.AuxiliaryPolice, grid.Accept, "--..- ----- ----- ----- -.---"},
		{grid.AuxiliaryPolice, grid.Mediate, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.AuxiliaryPolice, grid.Escalate, "--..- ----- ----- ----- -.---"},
		{grid.AuxiliaryPolice, grid.ApproveEscalation, "--..- ----- ----- ----- -.---"},
		{grid.AuxiliaryPolice, grid.Transfer, "--..- ----- ----- ----- -.---"},
		{grid.AuxiliaryPolice, grid.Close, "--..- ----- ----- ----- -.---"},
		{grid.AuxiliaryPolice, grid.ReportHazard, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.AuxiliaryPolice, grid.Rectify, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.AuxiliaryPolice, grid.Verify, "--..- ----- ----- ----- -.---"},
		{grid.AuxiliaryPolice, grid.ViewStats, "--..- ----- ----- ----- -.---"},
		{grid.AuxiliaryPolice, grid.Track, "--..- ----- ----- ----- -.---"},
		{grid.AuxiliaryPolice, grid.ViewPersonal, "--..- ----- ----- ----- -.---"},
		{grid.AuxiliaryPolice, grid.ManageGrid, "--..- ----- ----- ----- -.---"},
		{grid.AuxiliaryPolice, grid.Dedupe, "--..- ----- ----- ----- -.---"},
		{grid.JusticeOfficer, grid.View, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.JusticeOfficer, grid.Register, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.JusticeOfficer, grid.Review, "YY..- YY--- YY--- YY--- -.---"},
		{grid.JusticeOfficer, grid.Accept, "YY..- YY--- YY--- YY--- -.---"},
		{grid.JusticeOfficer, grid.Mediate, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.JusticeOfficer, grid.Escalate, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.JusticeOfficer, grid.ApproveEscalation, "YY..- YY--- YY--- YY--- -.---"},
		{grid.JusticeOfficer, grid.Transfer, "YY..- YY--- YY--- YY--- -.---"},
		{grid.JusticeOfficer, grid.Close, "YY..- YY--- YY--- YY--- -.---"},
		{grid.JusticeOfficer, grid.ReportHazard, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.JusticeOfficer, grid.Rectify, "--..- ----- ----- ----- -.---"},
		{grid.JusticeOfficer, grid.Verify, "YY..- YY--- YY--- YY--- -.---"},
		{grid.JusticeOfficer, grid.ViewStats, "YY..- YY--- ----- ----- -.---"},
		{grid.JusticeOfficer, grid.Track, "YY..- YY--- ----- ----- -.---"},
		{grid.JusticeOfficer, grid.ViewPersonal, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.JusticeOfficer, grid.ManageGrid, "--..- ----- ----- ----- -.---"},
		{grid.JusticeOfficer, grid.Dedupe, "--..- ----- ----- ----- -.---"},
		{grid.Mediator, grid.View, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.Mediator, grid.Register, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.Mediator, grid.Review, "YY..- YY--- YY--- YY--- -.---"},
		{grid.Mediator, grid.Accept, "YY..- YY--- YY--- YY--- -.---"},
		{grid.Mediator, grid.Mediate, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.Mediator, grid.Escalate, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.Mediator, grid.ApproveEscalation, "--..- ----- ----- ----- -.---"},
		{grid.Mediator, grid.Transfer, "--..- ----- ----- ----- -.---"},
		{grid.Mediator, grid.Close, "YY..- YY--- YY--- YY--- -.---"},
		{grid.Mediator, grid.ReportHazard, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.Mediator, grid.Rectify, "--..- ----- ----- ----- -.---"},
		{grid.Mediator, grid.Verify, "--..- ----- ----- ----- -.---"},
		{grid.Mediator, grid.ViewStats, "--..- ----- ----- ----- -.---"},
		{grid.Mediator, grid.Track, "--..- ----- ----- ----- -.---"},
		{grid.Mediator, grid.ViewPersonal, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.Mediator, grid.ManageGrid, "--..- ----- ----- ----- -.---"},
		{grid.Mediator, grid.Dedupe, "--..- ----- ----- ----- -.---"},
		{grid.DutyOfficer, grid.View, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.DutyOfficer, grid.Register, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.DutyOfficer, grid.Review, "YY..- YY--- YY--- YY--- -.---"},
		{grid.DutyOfficer, grid.Accept, "YY..- YY--- YY--- YY--- -.---"},
		{grid.DutyOfficer, grid.Mediate, "--..- ----- ----- ----- -.---"},
		{grid.DutyOfficer, grid.Escalate, "--..- ----- ----- ----- -.---"},
		{grid.DutyOfficer, grid.ApproveEscalation, "--..- ----- ----- ----- -.---"},
		{grid.DutyOfficer, grid.Transfer, "YY..- YY--- YY--- YY--- -.---"},
		{grid.DutyOfficer, grid.Close, "--..- ----- ----- ----- -.---"},
		{grid.DutyOfficer, grid.ReportHazard, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.DutyOfficer, grid.Rectify, "--..- ----- ----- ----- -.---"},
		{grid.DutyOfficer, grid.Verify, "--..- ----- ----- ----- -.---"},
		{grid.DutyOfficer, grid.ViewStats, "YY..- YY--- ----- ----- -.---"},
		{grid.DutyOfficer, grid.Track, "YY..- YY--- ----- ----- -.---"},
		{grid.DutyOfficer, grid.ViewPersonal, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.DutyOfficer, grid.ManageGrid, "--..- ----- ----- ----- -.---"},
		{grid.DutyOfficer, grid.Dedupe, "YY..- YY--- YY--- YY--- -.---"},
		{grid.Partner, grid.View, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.Partner, grid.Register, "--..- ----- ----- ----- -.---"},
		{grid.Partner, grid.Review, "--..- ----- ----- ----- -.---"},
		{grid.Partner, grid.Accept, "--..- ----- ----- ----- -.---"},
		{grid.Partner, grid.Mediate, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.Partner, grid.Escalate, "--..- ----- ----- ----- -.---"},
		{grid.Partner, grid.ApproveEscalation, "--..- ----- ----- ----- -.---"},
		{grid.Partner, grid.Transfer, "--..- ----- ----- ----- -.---"},
		{grid.Partner, grid.Close, "--..- ----- ----- ----- -.---"},
		{grid.Partner, grid.ReportHazard, "YY..- YY--- YY--- YY--- Y.---"},
		{grid.Partner, grid.Rectify, "--..- ----- ----- ----- -.---"},
		{grid.Partner, grid.Verify, "--..- ----- ----- ----- -.---"},
		{grid.Partner, grid.ViewStats, "--..- ----- ----- ----- -.---"},
		{grid.Partner, grid.Track, "--..- ----- ----- ----- -.---"},
		{grid.Partner, grid.ViewPersonal, "--..- ----- ----- ----- -.---"},
		{grid.Partner, grid.ManageGrid, "--..- ----- ----- ----- -.---"},
		{grid.Partner, grid.Dedupe, "--..- ----- ----- ----- -.---"},
		{grid.Admin, grid.View, "--..- ----- ----- ----- -.---"},
		{grid.Admin, grid.Register, "--..- ----- ----- ----- -.---"},
		{grid.Admin, grid.Review, "--..- ----- ----- ----- -.---"},
		{grid.Admin, grid.Accept, "--..- ----- ----- ----- -.---"},
		{grid.Admin, grid.Mediate, "--..- ----- ----- ----- -.---"},
		{grid.Admin, grid.Escalate, "--..- ----- ----- ----- -.---"},
		{grid.Admin, grid.ApproveEscalation, "--..- ----- ----- ----- -.---"},
		{grid.Admin, grid.Transfer, "--..- ----- ----- ----- -.---"},
		{grid.Admin, grid.Close, "--..- ----- ----- ----- -.---"},
		{grid.Admin, grid.ReportHazard, "--..- ----- ----- ----- -.---"},
		{grid.Admin, grid.Rectify, "--..- ----- ----- ----- -.---"},
		{grid.Admin, grid.Verify, "--..- ----- ----- ----- -.---"},
		{grid.Admin, grid.ViewStats, "--..- ----- ----- ----- -.---"},
		{grid.Admin, grid.Track, "--..- ----- ----- ----- -.---"},
		{grid.Admin, grid.ViewPersonal, "--..- ----- ----- ----- -.---"},
		{grid.Admin, grid.ManageGrid, "YY..- ----- ----- ----- -.---"},
		{grid.Admin, grid.Dedupe, "--..- ----- ----- ----- -.---"},
	}
	require.Len(t, table, len(grid.Roles())*len(grid.Actions()), "the table must cover every role × action")
	d := gridtest.Gucheng()
	policy := grid.DefaultPolicy()
	for _, tc := range table {
		t.Run(tc.role.String()+"/"+tc.action.String(), func(t *testing.T) {
			var got []byte
			for i, rel := range relations {
				if i > 0 {
					got = append(got, ' ')
				}
				actor := grid.Actor{Kind: grid.Staff, ID: "m", Township: gridtest.GuchengID, Posts: []grid.Post{{Role: tc.role, Cell: d.Path(rel.post)}}}
				for _, target := range rel.targets {
					if target == "" {
						got = append(got, '.')
						continue
					}
					err := policy.Can(actor, tc.action, grid.Target{Cell: d.Path(target)})
					switch {
					case err == nil:
						got = append(got, 'Y')
					case fourplusn.ErrorCode(err) == fourplusn.Forbidden:
						got = append(got, '-')
					default:
						t.Fatalf("Can returned %v, want nil or a forbidden error", err)
					}
				}
			}
			assert.Equal(t, tc.want, string(got))
		})
	}
}
