package httpapi_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// The records the tests start from are made through the domain services,
// not over HTTP, so that a test of a route depends on that route alone.

// owner is the resident whose online application the seeded cases are.
const owner = "r-owner"

// homestead is the seeded dispute: a homestead quarrel in 马园 one group,
// which is graded ordinary and handled by the 马园 community.
func homestead() mediation.Intake {
	return mediation.Intake{
		Channel:  work.ChannelOnline,
		Category: mediation.Homestead,
		Consent:  mediation.CurrentPrivacyNotice.Version,
		Applicants: []mediation.Party{{
			Name: "王某某", Sex: mediation.Female, Ethnicity: mediation.Han, Occupation: "农民", Phone: "13900001111",
			IDCard: "11010519491231002X", Address: "驻马店市驿城区古城办事处马园一组",
		}},
		Respondents: []mediation.Party{{
			Name: "张某某", Sex: mediation.Male, Ethnicity: mediation.Han, Age: 47, Occupation: "农民", Phone: "13900002222",
			Address: "驻马店市驿城区古城办事处马园一组",
			Agents: []mediation.Agent{{
				Name: agent, Kind: mediation.NearRelative, Phone: "13900003333", Authority: mediation.SpecialAuthority,
				Powers: "代为参加调解、签署调解协议", Date: time.Date(2022, 10, 30, 0, 0, 0, 0, time.UTC),
			}},
		}},
		Facts:    "两家因宅基地边界的院墙位置发生争执。",
		Location: "mayuan-1",
	}
}

// respondentIDCard is the respondent's ID card: a man born on 1 January
// 1975, 47 when the case was registered, as homestead gives his age.
const respondentIDCard = "110105197501010018"

// agent is the respondent's son, whom he authorised specially: to sign
// the agreement for him.
const agent = "张小某"

// seedCase returns a new case in state: registered, accepted, mediating,
// drafted (mediating, with a written agreement drafted), agreed (by an
// oral agreement), reopenable (agreed, and a follow-up visit found the
// respondent unsatisfied), failed, closable (failed, with the file complete: the
// respondent's ID card registered and the notice of rights given to both
// parties), escalated (accepted and submitted to 东片区), planned
// (accepted, with 高敬 on its team, and a session planned for the next
// day to which he and the first party are invited) or suspended
// (accepted, and mediation stopped while a party is awaited).
func (e *env) seedCase(t testing.TB, state string) *mediation.Case {
	t.Helper()
	c, err := e.cases.Register(ctx, resident(owner), homestead())
	require.NoError(t, err)
	require.Equal(t, "/gucheng/gc-east/mayuan", c.Handling.String())
	justice := e.member("gc-justice")
	step := func(fn func() (*mediation.Case, error)) {
		t.Helper()
		var err error
		c, err = fn()
		require.NoError(t, err)
	}
	if state == "registered" {
		return c
	}
	step(func() (*mediation.Case, error) { return e.cases.Accept(ctx, justice, c.ID, 0) })
	switch state {
	case "accepted":
	case "planned":
		step(func() (*mediation.Case, error) {
			return e.cases.Join(ctx, justice, c.ID, 0, mediation.Participant{Department: "justice", MemberID: "gc-justice", Name: "高敬", Role: "司法所长"})
		})
		step(func() (*mediation.Case, error) {
			return e.cases.PlanSession(ctx, justice, c.ID, 0, mediation.SessionPlan{
				Start: e.clock.Now().Add(24 * time.Hour), Duration: time.Hour, Place: mediation.PlaceVillageCommittee, Team: []int{0}, Parties: []int{0},
			})
		})
	case "suspended":
		step(func() (*mediation.Case, error) {
			return e.cases.Suspend(ctx, justice, c.ID, 0, "被申请人住院治疗")
		})
	case "escalated":
		step(func() (*mediation.Case, error) { return e.cases.Escalate(ctx, justice, c.ID, 0, "双方分歧大") })
	case "failed", "closable":
		step(func() (*mediation.Case, error) {
			return e.cases.Fail(ctx, justice, c.ID, 0, mediation.Failure{Reason: "一方拒绝调解", Route: mediation.RouteLitigation})
		})
		if state == "closable" {
			step(func() (*mediation.Case, error) {
				respondents := homestead().Respondents
				respondents[0].IDCard = respondentIDCard
				return e.cases.Correct(ctx, justice, c.ID, 0, mediation.Correction{Reason: "补登身份证号", Respondents: respondents})
			})
			step(func() (*mediation.Case, error) {
				return e.cases.GiveRights(ctx, justice, c.ID, 0, mediation.RightsGiving{Parties: []string{applicant, respondent}, Manner: mediation.RightsWritten})
			})
		}
	case "mediating", "drafted", "agreed", "reopenable":
		step(func() (*mediation.Case, error) {
			return e.cases.RecordSession(ctx, justice, c.ID, 0, mediation.Session{
				At: e.clock.Now(), Place: mediation.PlaceVillageCommittee, Attendees: []string{"高敬"}, Notes: "听取双方意见。", Outcome: mediation.Settled,
			})
		})
		if state == "drafted" {
			step(func() (*mediation.Case, error) {
				return e.cases.DraftAgreement(ctx, justice, c.ID, 0, mediation.Agreement{
					Form: mediation.Written, Facts: c.Facts, Disputes: "院墙位置", Terms: "院墙后退0.3米。", Manner: "张某某自行拆除重砌",
					PerformBy: e.clock.Now().AddDate(0, 1, 0), Mediator: "高敬", MediatorPost: "司法所长", Committee: "古城办事处人民调解委员会",
				})
			})
		}
		if state == "agreed" || state == "reopenable" {
			step(func() (*mediation.Case, error) {
				return e.cases.RecordAgreement(ctx, justice, c.ID, 0, mediation.Agreement{
					Form: mediation.Oral, Facts: c.Facts, Disputes: "院墙位置", Terms: "院墙后退0.3米。", Mediator: "高敬",
				})
			})
		}
		if state == "reopenable" {
			step(func() (*mediation.Case, error) {
				return e.cases.FollowUp(ctx, justice, c.ID, 0, mediation.FollowUp{
					Performed: true, Satisfaction: []mediation.Satisfaction{mediation.Satisfied, mediation.Unsatisfied}, Notes: "被申请人认为院墙仍占地。",
				})
			})
		}
	default:
		t.Fatalf("no seeded state %q", state)
	}
	return c
}

// seedHazard returns a new hazard, reported online by the owner in 马园 one
// group and handled by the 马园 community: an electrical hazard in state
// open or rectified, or an open dispute lead.
func (e *env) seedHazard(t testing.TB, state string) *hazard.Hazard {
	t.Helper()
	in := hazard.Report{Category: hazard.Electrical, Location: "mayuan-1", Description: "村委会门口电线裸露。", Contact: "13900003333"}
	if state == "lead" {
		in.Category, in.Grade, in.Description = hazard.DisputeLead, work.Ordinary, "两户因排水沟争吵，恐起冲突。"
	}
	h, err := e.hazards.Report(ctx, resident(owner), in)
	require.NoError(t, err)
	require.Equal(t, "/gucheng/gc-east/mayuan", h.Handling.String())
	if state == "rectified" || state == "closed" {
		h, err = e.hazards.Rectify(ctx, e.member("mayuan-head"), h.ID, 0, hazard.Rectification{Evidence: "已更换电线。"})
		require.NoError(t, err)
	}
	if state == "closed" {
		h, err = e.hazards.Verify(ctx, e.member("gc-east-head"), h.ID, 0, hazard.Verification{Passed: true})
		require.NoError(t, err)
	}
	return h
}

// day is 24 hours.
const day = 24 * time.Hour
