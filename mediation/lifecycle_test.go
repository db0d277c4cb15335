package mediation_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
)

// situations are the states a case can be in, each reached through the
// Service from a simple dispute in 马园 one group, handled at that group.
var situations = []struct {
	name  string
	reach func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case
}{
	{"registered", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case { return c }},
	{"escalated", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
		return must(t)(f.svc.Escalate(ctx, f.actor("mayuan-1-head"), c.ID, 0, "双方情绪激动，需村委出面"))
	}},
	{"accepted", accepted},
	{"mediating", mediating},
	{"drafted", drafted},
	{"agreed", agreed},
	{"followed_up", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
		c = f.informed(t, f.actor("mayuan-1-head"), agreed(t, f, c))
		return must(t)(f.svc.FollowUp(ctx, f.actor("mayuan-1-head"), c.ID, 0, mediation.FollowUp{Performed: true, Notes: "已履行"}))
	}},
	{"failed", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
		c = f.informed(t, f.actor("mayuan-1-head"), mediating(t, f, c))
		return must(t)(f.svc.Fail(ctx, f.actor("mayuan-1-head"), c.ID, 0, mediation.Failure{Reason: "分歧过大", Route: mediation.RouteLitigation}))
	}},
	{"withdrawn", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
		return must(t)(f.svc.Withdraw(ctx, f.actor("mayuan-1-head"), c.ID, 0, "申请人撤回"))
	}},
	{"rejected", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
		return must(t)(f.svc.Reject(ctx, f.actor("mayuan-head"), c.ID, 0, mediation.Rejection{Reason: "已起诉至法院", Advice: "等待法院判决"}))
	}},
	{"transferred_out", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
		return must(t)(f.svc.TransferOut(ctx, f.actor("mayuan-head"), c.ID, 0, mediation.OutsideBody{Name: "区人民法院", Contact: "0396-0000000", Reason: "涉及诉讼"}))
	}},
	{"suspended", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
		return must(t)(f.svc.Suspend(ctx, f.actor("mayuan-1-head"), accepted(t, f, c).ID, 0, "被申请人住院治疗"))
	}},
	{"closed", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
		c = must(t)(f.svc.Withdraw(ctx, f.actor("mayuan-1-head"), c.ID, 0, "申请人撤回"))
		return must(t)(f.svc.Close(ctx, f.actor("mayuan-1-head"), c.ID, 0, ""))
	}},
}

func accepted(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
	return must(t)(f.svc.Accept(ctx, f.actor("mayuan-1-head"), c.ID, 0))
}

func mediating(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
	c = accepted(t, f, c)
	return must(t)(f.svc.RecordSession(ctx, f.actor("mayuan-1-head"), c.ID, 0, session(f.clock.Now(), mediation.PlaceHome, mediation.Progress)))
}

func agreed(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
	c = mediating(t, f, c)
	return must(t)(f.svc.RecordAgreement(ctx, f.actor("mayuan-1-head"), c.ID, 0, writtenAgreement(c, 0, f.clock.Now())))
}

func must(t *testing.T) func(*mediation.Case, error) *mediation.Case {
	return func(c *mediation.Case, err error) *mediation.Case {
		t.Helper()
		require.NoError(t, err)
		return c
	}
}

// transitions are every action, with valid input, done by actor a.
var transitions = []struct {
	name string
	do   func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error)
}{
	{"accept", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.Accept(ctx, a, c.ID, c.Version)
	}},
	{"reject", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.Reject(ctx, a, c.ID, c.Version, mediation.Rejection{Reason: "一方拒绝调解", Advice: "可向法院起诉"})
	}},
	{"join", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.Join(ctx, a, c.ID, c.Version, mediation.Participant{Department: "justice", Name: "高敬"})
	}},
	{"session", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.RecordSession(ctx, a, c.ID, c.Version, session(f.clock.Now(), mediation.PlaceStation, mediation.Progress))
	}},
	{"agreement", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.RecordAgreement(ctx, a, c.ID, c.Version, writtenAgreement(c, 100_00, f.clock.Now()))
	}},
	{"draft", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.DraftAgreement(ctx, a, c.ID, c.Version, draftOf(c, "张某某三日内疏通排水沟。", f.clock.Now()))
	}},
	{"sign", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.RecordSigning(ctx, a, c.ID, c.Version, mediation.Signing{Revision: 1, Marks: []mediation.Signature{{Party: "王某某", Mark: mediation.Signed}}})
	}},
	{"supersede", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.SupersedeAgreement(ctx, a, c.ID, c.Version, "双方协商变更", draftOf(c, "张某某出资疏通排水沟。", f.clock.Now()))
	}},
	{"fail", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.Fail(ctx, a, c.ID, c.Version, mediation.Failure{Reason: "无法达成一致", Route: mediation.RouteArbitration})
	}},
	{"withdraw", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.Withdraw(ctx, a, c.ID, c.Version, "撤回")
	}},
	{"escalate", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.Escalate(ctx, a, c.ID, c.Version, "需上级协调")
	}},
	{"approve", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.ApproveEscalation(ctx, a, c.ID, c.Version)
	}},
	{"return", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.ReturnEscalation(ctx, a, c.ID, c.Version, "请村民组继续做工作")
	}},
	{"transfer", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.Transfer(ctx, a, c.ID, c.Version, "mayuan-2", "当事人住二组")
	}},
	{"transfer_out", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.TransferOut(ctx, a, c.ID, c.Version, mediation.OutsideBody{Name: "区劳动仲裁委", Contact: "0396-1111111", Reason: "劳动争议"})
	}},
	{"extend", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.Extend(ctx, a, c.ID, c.Version, mediation.Extension{Days: 10, Reason: "双方同意延期", Consent: true})
	}},
	{"suspend", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.Suspend(ctx, a, c.ID, c.Version, "当事人外出务工未归")
	}},
	{"resume", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.Resume(ctx, a, c.ID, c.Version)
	}},
	{"raise_risk", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.RaiseRisk(ctx, a, c.ID, c.Version, mediation.CivilToCriminal)
	}},
	{"follow_up", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.FollowUp(ctx, a, c.ID, c.Version, mediation.FollowUp{Performed: true, Notes: "履行中"})
	}},
	{"close", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.Close(ctx, a, c.ID, c.Version, "")
	}},
	{"correct", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.Correct(ctx, a, c.ID, c.Version, mediation.Correction{Reason: "登记时笔误", Facts: "两家因排水沟堵塞互相指责，争吵三次。"})
	}},
	{"rights", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.GiveRights(ctx, a, c.ID, c.Version, mediation.RightsGiving{Parties: []string{"张某某"}, Manner: mediation.RightsOral})
	}},
	{"correct_parties", func(f *fixture, a grid.Actor, c *mediation.Case) (*mediation.Case, error) {
		respondents := c.Parties()[len(c.Applicants):]
		respondents[0].Phone = "13900003333"
		return f.svc.Correct(ctx, a, c.ID, c.Version, mediation.Correction{Reason: "对方更换了手机号码", Respondents: respondents})
	}},
}

// allowedIn lists, for each situation, the actions it allows, in the order
// of transitions.
var allowedIn = map[string]string{
	"registered":      "accept reject withdraw escalate transfer transfer_out raise_risk correct rights correct_parties",
	"escalated":       "withdraw approve return raise_risk correct rights correct_parties",
	"accepted":        "join session fail withdraw escalate transfer transfer_out extend suspend raise_risk correct rights correct_parties",
	"mediating":       "join session agreement draft fail withdraw escalate transfer transfer_out extend suspend raise_risk correct rights correct_parties",
	"drafted":         "join session draft sign fail withdraw escalate transfer transfer_out extend suspend raise_risk correct rights correct_parties",
	"agreed":          "supersede follow_up correct rights correct_parties",
	"followed_up":     "supersede follow_up close correct rights correct_parties",
	"failed":          "close correct rights correct_parties",
	"withdrawn":       "close correct rights correct_parties",
	"rejected":        "",
	"transferred_out": "close correct rights correct_parties",
	"suspended":       "join session fail withdraw escalate transfer transfer_out extend resume raise_risk correct rights correct_parties",
	"closed":          "",
}

// TestLifecycleTable tries every action in every situation. The table lists
// the actions each situation allows, in the order of transitions; every
// other action must fail with Conflict and leave the case and its timeline
// exactly as they were.
func TestLifecycleTable(t *testing.T) {
	require.Len(t, allowedIn, len(situations))
	for _, sit := range situations {
		for _, tr := range transitions {
			t.Run(sit.name+"/"+tr.name, func(t *testing.T) {
				f := newFixture(t)
				c := must(t)(f.svc.Register(ctx, f.actor("mayuan-1-head"), neighbourDispute()))
				c = sit.reach(t, f, c)
				before := f.stored(t, c.ID)
				eventsBefore, err := f.store.Events(ctx, c.ID)
				require.NoError(t, err)
				f.clock.Advance(time.Hour)

				got, err := tr.do(f, f.actor("gc-secretary"), before) // the level-1 head may do anything in Gucheng
				if allows(sit.name, tr.name) {
					require.NoError(t, err)
					assert.Equal(t, before.Version+1, got.Version)
					events, err := f.store.Events(ctx, c.ID)
					require.NoError(t, err)
					assert.Len(t, events, len(eventsBefore)+1, "one event per change")
					require.NoError(t, f.svc.CheckTimeline(ctx, f.actor("gc-secretary"), c.ID))
					return
				}
				require.Error(t, err)
				assert.Equal(t, fourplusn.Conflict, fourplusn.ErrorCode(err), "%v", err)
				assert.Equal(t, before, f.stored(t, c.ID), "a refused action changes nothing")
				events, err := f.store.Events(ctx, c.ID)
				require.NoError(t, err)
				assert.Equal(t, eventsBefore, events)
			})
		}
	}
}

// allows reports whether situation allows action.
func allows(situation, action string) bool {
	return strings.Contains(" "+allowedIn[situation]+" ", " "+action+" ")
}
