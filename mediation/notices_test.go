package mediation_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/notify/notifytest"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// staff returns the demo member id of env as an actor.
func staff(env *notifytest.Env, id grid.MemberID) grid.Actor { return env.Demo.Member(id).Actor() }

// registerAs registers the fixture's neighbour dispute in 马园 one group,
// received through ch with risks, as actor.
func registerAs(t *testing.T, env *notifytest.Env, actor grid.Actor, ch work.Channel, risks mediation.RiskFlags) *mediation.Case {
	t.Helper()
	in := neighbourDispute()
	in.Channel, in.Risks = ch, risks
	c, err := env.Cases.Register(ctx, actor, in)
	require.NoError(t, err)
	return c
}

// acceptedByPolice registers a case as the group head and has the
// community police officer accept it.
func acceptedByPolice(t *testing.T, env *notifytest.Env) *mediation.Case {
	t.Helper()
	c := registerAs(t, env, staff(env, "mayuan-1-head"), work.ChannelGridHead, 0)
	c, err := env.Cases.Accept(ctx, staff(env, "mayuan-police"), c.ID, 0)
	require.NoError(t, err)
	return c
}

// TestNotices runs the Service through each change and checks who the
// outbox of each store tells what, by the rule of Notices: the first
// responder until acceptance, the posts that must act, the duty officers
// for what is grave.
func TestNotices(t *testing.T) {
	type want struct {
		role string // the key's last part
		kind work.NoticeKind
		to   func(env *notifytest.Env, c *mediation.Case) []work.Recipient
	}
	member := func(id string) func(*notifytest.Env, *mediation.Case) []work.Recipient {
		return func(*notifytest.Env, *mediation.Case) []work.Recipient {
			return []work.Recipient{work.ToMember(id)}
		}
	}
	duty := func(*notifytest.Env, *mediation.Case) []work.Recipient {
		return []work.Recipient{work.ToDuty(gridtest.GuchengID)}
	}
	tests := []struct {
		name string
		// run makes the change under test and returns the case and the
		// sequence number of its event.
		run  func(t *testing.T, env *notifytest.Env) (*mediation.Case, int)
		want []want
		none []string // roles that must not be written for that event
	}{
		{
			name: "a grid head registers: the handling cell must accept",
			run: func(t *testing.T, env *notifytest.Env) (*mediation.Case, int) {
				return registerAs(t, env, staff(env, "mayuan-1-head"), work.ChannelGridHead, 0), 1
			},
			want: []want{{"task", work.NoticeTask, func(_ *notifytest.Env, c *mediation.Case) []work.Recipient {
				return []work.Recipient{work.ToPosts(c.Handling, grid.Accept)}
			}}},
			none: []string{"review", "alert", "first-responder"},
		},
		{
			name: "a resident applies online: the duty watch must review",
			run: func(t *testing.T, env *notifytest.Env) (*mediation.Case, int) {
				return registerAs(t, env, grid.ResidentActor("r1", gridtest.GuchengID), work.ChannelOnline, 0), 1
			},
			want: []want{{"review", work.NoticeTask, duty}},
		},
		{
			name: "a threat to petition: the duty officers are alerted",
			run: func(t *testing.T, env *notifytest.Env) (*mediation.Case, int) {
				return registerAs(t, env, staff(env, "mayuan-police"), work.ChannelPolice, mediation.PetitionThreat), 1
			},
			want: []want{{"alert", work.NoticeAlert, duty}},
		},
		{
			name: "another member accepts: the first responder is told",
			run: func(t *testing.T, env *notifytest.Env) (*mediation.Case, int) {
				return acceptedByPolice(t, env), 2
			},
			want: []want{{"first-responder", work.NoticeProgress, member("mayuan-1-head")}},
		},
		{
			name: "after acceptance the first responder is no longer told",
			run: func(t *testing.T, env *notifytest.Env) (*mediation.Case, int) {
				c, err := env.Cases.Extend(ctx, staff(env, "mayuan-police"), acceptedByPolice(t, env).ID, 0, mediation.Extension{Days: 3, Reason: "双方同意", Consent: true})
				require.NoError(t, err)
				return c, 3
			},
			none: []string{"first-responder", "task"},
		},
		{
			name: "a transfer undoes the acceptance: the first responder answers again and is told",
			run: func(t *testing.T, env *notifytest.Env) (*mediation.Case, int) {
				c, err := env.Cases.Transfer(ctx, staff(env, "mayuan-police"), acceptedByPolice(t, env).ID, 0, "wuguiqiao", "当事人住吴桂桥")
				require.NoError(t, err)
				return c, 3
			},
			want: []want{
				{"first-responder", work.NoticeProgress, member("mayuan-1-head")},
				{"task", work.NoticeTask, func(_ *notifytest.Env, c *mediation.Case) []work.Recipient {
					return []work.Recipient{work.ToPosts(c.Handling, grid.Accept)}
				}},
			},
		},
		{
			name: "an escalation waits for the upper cell, and the first responder hears of it",
			run: func(t *testing.T, env *notifytest.Env) (*mediation.Case, int) {
				c := registerAs(t, env, staff(env, "mayuan-1-head"), work.ChannelGridHead, 0)
				c, err := env.Cases.Escalate(ctx, staff(env, "mayuan-head"), c.ID, 0, "双方情绪激动")
				require.NoError(t, err)
				return c, 2
			},
			want: []want{
				{"first-responder", work.NoticeProgress, member("mayuan-1-head")},
				{"task", work.NoticeTask, func(_ *notifytest.Env, c *mediation.Case) []work.Recipient {
					return []work.Recipient{{Cell: c.Escalation.To.String(), Action: grid.ApproveEscalation.String()}}
				}},
			},
		},
		{
			name: "the first responder leaves his post: the successor is told, once",
			run: func(t *testing.T, env *notifytest.Env) (*mediation.Case, int) {
				c := registerAs(t, env, staff(env, "mayuan-police"), work.ChannelPolice, 0)
				item := grid.WorkItem{Kind: "case", ID: string(c.ID), Accountable: "mayuan-police"}
				require.NoError(t, env.Cases.HandOver(ctx, staff(env, "gc-secretary"), grid.Handover{Item: item, To: "mayuan-aux", Reason: "岗位调整：由蒋某接手"}))
				return c, 2
			},
			want: []want{{"task", work.NoticeTask, member("mayuan-aux")}},
			none: []string{"first-responder"},
		},
		{
			name: "a retired cell's case: the cell taking over must act",
			run: func(t *testing.T, env *notifytest.Env) (*mediation.Case, int) {
				c := registerAs(t, env, staff(env, "mayuan-1-head"), work.ChannelGridHead, 0)
				item := grid.WorkItem{Kind: "case", ID: string(c.ID)}
				require.NoError(t, env.Cases.HandOver(ctx, staff(env, "gc-secretary"), grid.Handover{Item: item, Cell: env.Demo.Path("mayuan"), Reason: "网格撤销"}))
				return c, 2
			},
			want: []want{{"task", work.NoticeTask, func(*notifytest.Env, *mediation.Case) []work.Recipient {
				return []work.Recipient{work.ToPosts(gridtest.Gucheng().Path("mayuan"), grid.Accept)}
			}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, e := range notifytest.Engines()[:2] {
				t.Run(e.Name, func(t *testing.T) {
					env := e.New(t)
					c, seq := tt.run(t, env)
					prefix := "case/" + string(c.ID) + "/" + strconv.Itoa(seq) + "/"
					for _, w := range tt.want {
						d, err := env.Outbox.Find(ctx, prefix+w.role)
						require.NoError(t, err, w.role)
						assert.Equal(t, w.kind, d.Notification.Kind, w.role)
						assert.Equal(t, w.to(env, c), d.Notification.To, w.role)
						assert.Equal(t, gridtest.GuchengID, d.Notification.Township)
						require.False(t, c.Number.IsZero())
						assert.Contains(t, d.Notification.Title, c.Number.String(), "staff know a case by its number")
						assert.Contains(t, d.Notification.Text, c.Number.String())
						assert.NotContains(t, d.Notification.Title+d.Notification.Text, string(c.ID))
						applicant := neighbourDispute().Applicants[0]
						assert.NotContains(t, d.Notification.Text, applicant.Phone, "no personal data")
						assert.NotContains(t, d.Notification.Text, applicant.Name)
					}
					for _, role := range tt.none {
						_, err := env.Outbox.Find(ctx, prefix+role)
						assert.ErrorIs(t, err, fourplusn.NotFound, role)
					}
				})
			}
		})
	}
}
