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
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// The seed's three stories, step by step, through the Service.

// Story 1: an 81-year-old says a 70-year-old pushed her over; her surgery
// cost 26,000 yuan and she asks 50,000. No witness, no video; she threatens
// to petition in Beijing. The 4+N team — community police, village
// secretary, justice office head, village security director, villager-group
// leader, respected relatives — meets more than ten times, and the parties
// agree on 30,000 yuan.
func TestStory1InjuryClaim(t *testing.T) {
	f := newFixture(t)
	police := f.actor("mayuan-police")

	c, err := f.svc.Register(ctx, police, mediation.Intake{
		Channel:     work.ChannelPolice,
		Category:    mediation.Injury,
		Applicants:  []mediation.Party{{Name: "章某某", Sex: mediation.Female, Ethnicity: mediation.Han, Age: 81, Occupation: "农民", Phone: "13800001234", Address: "马园一组", IDCard: idCard("1941-03-15", true)}},
		Respondents: []mediation.Party{{Name: "李某某", Sex: mediation.Female, Ethnicity: mediation.Han, Age: 70, Occupation: "农民", Phone: "13800005678", Address: "马园一组", IDCard: idCard("1952-08-08", true)}},
		Facts:       "章某某称被李某某推倒致左胯骨骨折，住院手术费用共计26000元；李某某否认推人。无证人，无视频监控。",
		Claims:      []mediation.Claim{{Description: "医疗费及赔偿", Amount: 5_000_000}},
		Location:    "mayuan-1",
	})
	require.NoError(t, err)
	assert.Equal(t, work.Ordinary, c.Grade, "an injury claim of 50,000 yuan starts yellow")
	assert.Equal(t, "/gucheng/gc-east/mayuan", c.Handling.String(), "yellow cases go to the community")
	assert.Equal(t, "mayuan-police", c.FirstResponder)
	assert.Equal(t, "mayuan-police", c.Accountable(), "the first responder answers for it until it is accepted")

	c, err = f.svc.Accept(ctx, police, c.ID, c.Version)
	require.NoError(t, err)
	// He tells both of their rights and duties: she cannot read, so the
	// notice is read out to her; the other signs for her copy.
	c, err = f.svc.GiveRights(ctx, police, c.ID, c.Version, mediation.RightsGiving{Parties: []string{"章某某"}, Manner: mediation.RightsOral})
	require.NoError(t, err)
	c, err = f.svc.GiveRights(ctx, police, c.ID, c.Version, mediation.RightsGiving{Parties: []string{"李某某"}, Manner: mediation.RightsWritten})
	require.NoError(t, err)
	f.clock.Advance(24 * time.Hour)
	for range 2 { // the officer's visits find no witness
		c, err = f.svc.RecordSession(ctx, police, c.ID, c.Version, session(f.clock.Now(), mediation.PlaceHome, mediation.Progress, "马园民警"))
		require.NoError(t, err)
		f.clock.Advance(48 * time.Hour)
	}

	// She threatens to petition: the grade goes up at once, and the case is
	// submitted to the sector, where red cases are handled.
	c, err = f.svc.RaiseRisk(ctx, police, c.ID, c.Version, mediation.PetitionThreat)
	require.NoError(t, err)
	assert.Equal(t, work.Major, c.Grade)
	require.NotNil(t, c.Escalation)
	assert.Equal(t, "/gucheng/gc-east", c.Escalation.To.String())

	sector := f.actor("gc-east-head")
	c, err = f.svc.ApproveEscalation(ctx, sector, c.ID, c.Version)
	require.NoError(t, err)
	assert.Equal(t, "/gucheng/gc-east", c.Handling.String())
	assert.Equal(t, "gc-east-head", c.Accountable())
	// The community's officer may no longer act on it alone: it is above him.
	_, err = f.svc.RecordSession(ctx, police, c.ID, c.Version, session(f.clock.Now(), mediation.PlaceHome, mediation.Progress))
	assert.ErrorIs(t, err, fourplusn.Forbidden, "handled above his cell: as its first responder he still sees it, but may not act")

	team := []mediation.Participant{
		{Department: "police", MemberID: "mayuan-police", Name: "马园民警", Role: "社区民警"},
		{Department: "grid", MemberID: "mayuan-head", Name: "马园村委书记", Role: "村书记"},
		{Department: "justice", MemberID: "gc-justice", Name: "高敬", Role: "司法所长"},
		{Department: "grid", MemberID: "mayuan-security", Name: "胡得才", Role: "村治安主任"},
		{Department: "grid", MemberID: "mayuan-1-head", Name: "马园一组组长", Role: "村民组长"},
		{Department: "partner", Body: "有威望的亲戚", Name: "章家亲戚"},
		{Department: "partner", Body: "有威望的亲戚", Name: "李家亲戚"},
	}
	for _, p := range team {
		c, err = f.svc.Join(ctx, sector, c.ID, c.Version, p)
		require.NoError(t, err)
	}
	justice := f.actor("gc-justice")
	places := []mediation.Place{mediation.PlaceVillageCommittee, mediation.PlaceHome, mediation.PlaceStation, mediation.PlaceField}
	for i := range 11 {
		outcome := mediation.Progress
		if i == 10 {
			outcome = mediation.Settled
		}
		c, err = f.svc.RecordSession(ctx, justice, c.ID, c.Version, session(f.clock.Now(), places[i%len(places)], outcome, "高敬", "马园民警", "章家亲戚", "李家亲戚"))
		require.NoError(t, err)
		f.clock.Advance(24 * time.Hour)
	}
	assert.Len(t, c.Sessions, 13, "more than ten sessions")

	// The justice office head drafts the agreement and prints it; the
	// parties sign it on paper — she with her fingerprint — then he and
	// the committee's seal; the marks are recorded, and it takes effect.
	a := draftOf(c, "上述款项付清后，双方就本纠纷再无其他争议，今后和睦相处。", f.clock.Now())
	a.Payments = []mediation.Payment{{Payer: "李某某", Payee: "章某某", Amount: 3_000_000, Due: f.clock.Now().AddDate(0, 1, 0)}}
	c, err = f.svc.DraftAgreement(ctx, justice, c.ID, c.Version, a)
	require.NoError(t, err)
	assert.Equal(t, mediation.Mediating, c.State, "not agreed before it is signed")
	printed := printHTML(t, c.Draft, c)
	assert.Contains(t, printed, "<td>章某某</td><td><span class=\"blank\"></span></td>", "printed with blank lines to sign on")
	assert.Contains(t, printed, "叁万元整")
	assert.NotContains(t, printed, "按指印</td>")

	c, err = f.svc.RecordSigning(ctx, justice, c.ID, c.Version, mediation.Signing{Revision: 1, Marks: []mediation.Signature{
		{Party: "章某某", Mark: mediation.Fingerprinted}, {Party: "李某某", Mark: mediation.Signed},
	}, MediatorSigned: true, Sealed: true})
	require.NoError(t, err)
	assert.Equal(t, mediation.Agreed, c.State)
	assert.Equal(t, mediation.InEffect, c.Agreement.State())
	assert.Equal(t, int64(3_000_000), c.Agreement.Total(), "30,000 yuan")
	assert.Equal(t, f.clock.Now().UTC().Add(mediation.CourtConfirmationWindow), c.Agreement.CourtConfirmationDeadline())
	printed = printHTML(t, c.Agreement, c)
	assert.Contains(t, printed, "<td>章某某</td><td>按指印</td>", "a copy printed now shows who signed, and how")
	assert.Contains(t, printed, "<td>高敬（司法所长）</td><td>签名</td>")
	assert.Contains(t, printed, "古城办事处人民调解委员会（盖章）")

	_, err = f.svc.Close(ctx, sector, c.ID, c.Version, "调解成功")
	require.ErrorIs(t, err, mediation.ErrFileIncomplete, "not closed before the follow-up visit")
	var incomplete *mediation.FileIncompleteError
	require.ErrorAs(t, err, &incomplete)
	assert.Equal(t, []string{"回访记录"}, incomplete.Missing)

	f.clock.Advance(30 * 24 * time.Hour)
	c, err = f.svc.FollowUp(ctx, sector, c.ID, c.Version, mediation.FollowUp{Performed: true, Notes: "赔偿款已付清，双方满意，相约送锦旗。"})
	require.NoError(t, err)
	c, err = f.svc.Close(ctx, sector, c.ID, c.Version, "调解成功")
	require.NoError(t, err)
	assert.Equal(t, mediation.Closed, c.State)
	fileComplete(t, f, sector, c.ID, "受理登记表", "权利义务告知书", "当事人身份证明", "调解记录", "调解协议书", "履行凭证", "回访记录", "卷宗情况说明", "封底")

	departments := map[string]bool{}
	for _, p := range c.Team {
		departments[p.Department] = true
	}
	assert.Equal(t, map[string]bool{"police": true, "justice": true, "grid": true, "partner": true}, departments, "4+N")
	require.NoError(t, f.svc.CheckTimeline(ctx, sector, c.ID))
	events, err := f.svc.Timeline(ctx, sector, c.ID)
	require.NoError(t, err)
	assert.Equal(t, []timeline.Action{mediation.ActionRegistered, mediation.ActionAccepted, mediation.ActionRightsGiven, mediation.ActionRightsGiven,
		mediation.ActionSession, mediation.ActionSession, mediation.ActionRiskRaised, mediation.ActionApproved}, actions(events)[:8])
	assert.Equal(t, mediation.ActionClosed, actions(events)[len(events)-1])
}

// Story 2: a level-4 grid head blows the whistle on a quarrel over the
// spacing between two homestead walls that is likely to end in a fight; the
// 4+N team meets more than ten times and the parties sign a people's
// mediation agreement.
func TestStory2Whistle(t *testing.T) {
	f := newFixture(t)
	liu := f.actor("honggoumiao-security") // 刘保柱, head of 洪沟庙 two group
	c, err := f.svc.Register(ctx, liu, story2Intake())
	require.NoError(t, err)
	assert.Equal(t, work.SourceOwn, c.Channel.Source(), "the grid's own whistle")
	assert.Equal(t, work.Ordinary, c.Grade)
	assert.Equal(t, "/gucheng/gc-west/honggoumiao", c.Handling.String())
	assert.Equal(t, "honggoumiao-security", c.Accountable())
	assert.Equal(t, "/gucheng/gc-west/honggoumiao/honggoumiao-2", c.FirstResponderCell.String())

	// 刘保柱 heads only his group: he may not accept at the community.
	_, err = f.svc.Accept(ctx, liu, c.ID, c.Version)
	assert.ErrorIs(t, err, fourplusn.Forbidden)

	police := f.actor("honggoumiao-police")
	c, err = f.svc.Accept(ctx, police, c.ID, c.Version)
	require.NoError(t, err)
	assert.Equal(t, "honggoumiao-police", c.Accountable())
	c, err = f.svc.GiveRights(ctx, police, c.ID, c.Version, mediation.RightsGiving{Parties: []string{"仝某某", "赵某某"}, Manner: mediation.RightsWritten})
	require.NoError(t, err)
	for _, p := range []mediation.Participant{
		{Department: "police", MemberID: "honggoumiao-police", Name: "洪沟庙民警", Role: "社区民警"},
		{Department: "grid", MemberID: "honggoumiao-head", Name: "洪沟庙村委书记", Role: "村支书"},
		{Department: "justice", MemberID: "gc-justice", Name: "高敬", Role: "司法所长"},
		{Department: "grid", MemberID: "honggoumiao-2-head", Name: "洪沟庙二组组长", Role: "村民组长"},
		{Department: "partner", Body: "家族中有威望的亲戚", Name: "仝家长辈"},
		{Department: "partner", Body: "家族中有威望的亲戚", Name: "赵家长辈"},
	} {
		c, err = f.svc.Join(ctx, police, c.ID, c.Version, p)
		require.NoError(t, err)
	}
	for i := range 11 {
		outcome := mediation.Progress
		if i == 10 {
			outcome = mediation.Settled
		}
		c, err = f.svc.RecordSession(ctx, police, c.ID, c.Version, session(f.clock.Now(), mediation.PlaceField, outcome, "洪沟庙民警", "高敬", "仝家长辈", "赵家长辈"))
		require.NoError(t, err)
		f.clock.Advance(12 * time.Hour)
	}
	c, err = f.svc.DraftAgreement(ctx, police, c.ID, c.Version, draftOf(c, "两家院墙之间各退让0.5米，留出1米通道，共同出资硬化。", f.clock.Now()))
	require.NoError(t, err)
	assert.NotContains(t, printHTML(t, c.Draft, c), "签名</td>", "nobody has signed the printed draft")
	c, err = f.svc.RecordSigning(ctx, police, c.ID, c.Version, everyMark(c, f.clock.Now()))
	require.NoError(t, err)
	assert.Equal(t, mediation.Written, c.Agreement.Form)
	assert.Len(t, c.Agreement.Signatures, 2, "both parties signed")
	assert.Contains(t, printHTML(t, c.Agreement, c), "<td>仝某某</td><td>签名</td>")
	c, err = f.svc.FollowUp(ctx, police, c.ID, c.Version, mediation.FollowUp{Performed: true, Notes: "通道已留出。"})
	require.NoError(t, err)
	c, err = f.svc.Close(ctx, police, c.ID, c.Version, "")
	require.NoError(t, err)
	assert.Equal(t, mediation.Closed, c.State)
	require.NoError(t, f.svc.CheckTimeline(ctx, police, c.ID))
	fileComplete(t, f, police, c.ID, "受理登记表", "权利义务告知书", "当事人身份证明", "调解记录", "调解协议书", "履行凭证", "回访记录", "卷宗情况说明", "封底")
}

// Story 3: a resident of a village that was moved to another county years
// ago walks in; the officer applies first-inquiry responsibility and
// mediates anyway, through the families' children's marriages.
func TestStory3OutOfJurisdiction(t *testing.T) {
	f := newFixture(t)
	officer := f.actor("gc-duty-1")
	_, err := f.demo.Tree.Cell("zhulizhuang")
	require.ErrorIs(t, err, fourplusn.NotFound, "朗陵村委朱里庄 is not in the township's grid")

	c, err := f.svc.Register(ctx, officer, mediation.Intake{
		Channel:     work.ChannelWalkIn,
		Category:    mediation.Neighbour,
		Applicants:  []mediation.Party{{Name: "朱某某", Sex: mediation.Male, Age: 56, Phone: "13600004444", IDCard: idCard("1966-02-14", false)}},
		Respondents: []mediation.Party{{Name: "朱某", Sex: mediation.Female, Age: 54}},
		Facts:       "申请人之妻与邻居之妻多年争吵，两家积怨。",
		Outside:     "确山县朗陵村委朱里庄",
	})
	require.NoError(t, err, "the first responder may not refuse it for jurisdiction")
	assert.True(t, c.OutOfJurisdiction())
	assert.Equal(t, "/gucheng", c.Handling.String(), "handled by the first responder's own cell")
	assert.Equal(t, "gc-duty-1", c.Accountable())

	_, err = f.svc.Reject(ctx, officer, c.ID, c.Version, mediation.Rejection{Reason: "不属本辖区", Advice: "请到确山县"})
	assert.ErrorIs(t, err, fourplusn.Conflict, "never dropped for jurisdiction")

	c, err = f.svc.Accept(ctx, officer, c.ID, c.Version)
	require.NoError(t, err)
	mediator := f.actor("gc-mediator")
	for i := range 3 {
		outcome := mediation.Progress
		if i == 2 {
			outcome = mediation.Settled
		}
		c, err = f.svc.RecordSession(ctx, mediator, c.ID, c.Version, session(f.clock.Now(), mediation.PlaceHome, outcome, "孙某"))
		require.NoError(t, err)
	}
	c, err = f.svc.RecordAgreement(ctx, mediator, c.ID, c.Version, mediation.Agreement{
		Form:     mediation.Oral,
		Facts:    c.Facts,
		Disputes: "两家妻子长期争吵",
		Terms:    "为两家待娶待嫁子女留下好名声，两家言归于好，不再为琐事争吵。",
		Mediator: "孙某",
	})
	require.NoError(t, err)
	assert.True(t, c.Agreement.CourtConfirmationDeadline().IsZero(), "an oral agreement is not confirmed by a court")
	c, err = f.svc.FollowUp(ctx, mediator, c.ID, c.Version, mediation.FollowUp{Performed: true, Notes: "两家和好。"})
	require.NoError(t, err)

	// The walk-in was registered in haste: closing names what the file
	// lacks, the notice of rights and the other party's ID card, and the
	// mediator records both.
	_, err = f.svc.Close(ctx, mediator, c.ID, c.Version, "")
	var incomplete *mediation.FileIncompleteError
	require.ErrorAs(t, err, &incomplete)
	assert.Equal(t, []string{"权利义务告知书", "当事人身份证明"}, incomplete.Missing)
	assert.Equal(t, fourplusn.Conflict, fourplusn.ErrorCode(err))
	respondents := c.Parties()[1:]
	respondents[0].IDCard = idCard("1968-07-01", true)
	c, err = f.svc.Correct(ctx, mediator, c.ID, c.Version, mediation.Correction{Reason: "补录身份证号", Respondents: respondents})
	require.NoError(t, err)
	c, err = f.svc.GiveRights(ctx, mediator, c.ID, c.Version, mediation.RightsGiving{
		Parties: []string{"朱某某", "朱某"}, Manner: mediation.RightsWritten, At: c.AcceptedAt,
	})
	require.NoError(t, err)
	c, err = f.svc.Close(ctx, mediator, c.ID, c.Version, "")
	require.NoError(t, err)
	assert.Equal(t, mediation.Closed, c.State)
	fileComplete(t, f, mediator, c.ID, "受理登记表", "权利义务告知书", "当事人身份证明", "调解记录", "履行凭证", "回访记录", "卷宗情况说明", "封底")

	// The neighbouring township never sees it.
	_, err = f.svc.Get(ctx, f.actor("lz-secretary"), c.ID)
	assert.ErrorIs(t, err, fourplusn.NotFound)
}

// fileComplete checks that case id's file holds every item it requires,
// and that present are the items present, in order.
func fileComplete(t *testing.T, f *fixture, actor grid.Actor, id mediation.ID, present ...string) {
	t.Helper()
	file, err := f.svc.CaseFile(ctx, actor, id)
	require.NoError(t, err)
	assert.Empty(t, file.Lacking(), "every required item is present")
	var got []string
	for _, it := range file.Items {
		if it.Status == mediation.FilePresent {
			got = append(got, it.Name)
		}
		if it.Required {
			assert.Equal(t, mediation.FilePresent, it.Status, it.Name)
		}
	}
	assert.Equal(t, present, got)
}

// printHTML returns agreement a of case c as printed.
func printHTML(t *testing.T, a *mediation.Agreement, c *mediation.Case) string {
	t.Helper()
	var b strings.Builder
	require.NoError(t, a.RenderHTML(&b, c))
	return b.String()
}

func actions(events []timeline.Event) []timeline.Action {
	out := make([]timeline.Action, len(events))
	for i, e := range events {
		out[i] = e.Action
	}
	return out
}
