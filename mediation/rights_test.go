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
	"github.com/fourplusn/fourplusn/work"
)

// TestClosingCheck closes the fixture's neighbours' quarrel after each
// outcome, with parts of its file left out, and checks which missing items
// block which closing: nil when it closes.
func TestClosingCheck(t *testing.T) {
	type step func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case
	head := func(f *fixture) grid.Actor { return f.actor("mayuan-1-head") }
	inform := func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case { return f.informed(t, head(f), c) }
	informApplicant := func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
		return must(t)(f.svc.GiveRights(ctx, head(f), c.ID, 0, mediation.RightsGiving{Parties: []string{"王某某"}, Manner: mediation.RightsWritten}))
	}
	followUp := func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
		return must(t)(f.svc.FollowUp(ctx, head(f), c.ID, 0, mediation.FollowUp{Performed: true, Notes: "已疏通"}))
	}
	oral := func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
		return must(t)(f.svc.RecordAgreement(ctx, head(f), c.ID, 0, mediation.Agreement{
			Form: mediation.Oral, Facts: c.Facts, Disputes: "排水沟", Terms: "张某某疏通排水沟。", Mediator: "高敬",
		}))
	}
	fail := func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
		return must(t)(f.svc.Fail(ctx, head(f), c.ID, 0, mediation.Failure{Reason: "一方明确拒绝调解", Route: mediation.RouteLitigation}))
	}
	withdraw := func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
		return must(t)(f.svc.Withdraw(ctx, head(f), c.ID, 0, "申请人撤回"))
	}
	transferOut := func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
		return must(t)(f.svc.TransferOut(ctx, f.actor("mayuan-head"), c.ID, 0, mediation.OutsideBody{Name: "区人民法院", Contact: "0396-0000000", Reason: "已起诉"}))
	}
	for _, tc := range []struct {
		name       string
		noIDCard   bool // the respondent's ID card is not registered
		steps      []step
		missing    []string
		closedBy   string // the member who closes it; the group's head if ""
		notClosing bool
	}{
		{"written agreement, its file complete", false, []step{inEffect, inform, followUp}, nil, "", false},
		{"written agreement, not followed up", false, []step{inEffect, inform}, []string{"回访记录"}, "", false},
		{"written agreement, the respondent not told of the rights", false, []step{inEffect, informApplicant, followUp}, []string{"权利义务告知书"}, "", false},
		{"written agreement, no ID card of the respondent", true, []step{inEffect, inform, followUp}, []string{"当事人身份证明"}, "", false},
		{"written agreement superseded by a draft not yet signed", false, []step{superseding, inform, followUp}, []string{"调解协议书"}, "", false},
		{"oral agreement, its file complete", false, []step{mediating, oral, inform, followUp}, nil, "", false},
		{"oral agreement, nothing else recorded", true, []step{mediating, oral}, []string{"权利义务告知书", "当事人身份证明", "回访记录"}, "", false},
		{"failed after sessions, the parties told", false, []step{mediating, inform, fail}, nil, "", false},
		{"failed after sessions, the parties not told", false, []step{mediating, fail}, []string{"权利义务告知书"}, "", false},
		{"failed without a session: a party refused mediation", true, []step{accepted, inform, fail}, []string{"当事人身份证明"}, "", false},
		{"withdrawn before acceptance", true, []step{withdraw}, nil, "", false},
		{"withdrawn after acceptance, the parties not told", false, []step{accepted, withdraw}, []string{"权利义务告知书"}, "", false},
		{"transferred out before acceptance", true, []step{transferOut}, nil, "mayuan-head", false},
		{"transferred out after acceptance", true, []step{accepted, transferOut}, []string{"权利义务告知书", "当事人身份证明"}, "mayuan-head", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			in := neighbourDispute()
			if tc.noIDCard {
				in.Respondents[0].IDCard = ""
			}
			c := must(t)(f.svc.Register(ctx, head(f), in))
			for _, s := range tc.steps {
				c = s(t, f, c)
			}
			closer := head(f)
			if tc.closedBy != "" {
				closer = f.actor(grid.MemberID(tc.closedBy))
			}
			before := f.stored(t, c.ID)
			got, err := f.svc.Close(ctx, closer, c.ID, c.Version, "")
			if tc.missing == nil {
				require.NoError(t, err)
				assert.Equal(t, mediation.Closed, got.State)
				return
			}
			require.ErrorIs(t, err, mediation.ErrFileIncomplete)
			assert.Equal(t, fourplusn.Conflict, fourplusn.ErrorCode(err))
			var incomplete *mediation.FileIncompleteError
			require.ErrorAs(t, err, &incomplete)
			assert.Equal(t, tc.missing, incomplete.Missing)
			assert.Equal(t, c.ID, incomplete.Case)
			for _, name := range tc.missing {
				assert.Contains(t, err.Error(), name, "the message names each item missing")
			}
			assert.Equal(t, before, f.stored(t, c.ID), "a refused closing changes nothing")
		})
	}
}

// TestGiveRights checks what a record of the notice of rights takes and
// refuses, and what the file and the timeline make of it.
func TestGiveRights(t *testing.T) {
	f := newFixture(t)
	head := f.actor("mayuan-1-head")
	c := must(t)(f.svc.Register(ctx, head, neighbourDispute()))
	c = accepted(t, f, c)
	for _, tc := range []struct {
		name   string
		g      mediation.RightsGiving
		fields []string
	}{
		{"nobody", mediation.RightsGiving{Manner: mediation.RightsWritten}, []string{"parties"}},
		{"no manner", mediation.RightsGiving{Parties: []string{"王某某"}}, []string{"manner"}},
		{"an unknown manner", mediation.RightsGiving{Parties: []string{"王某某"}, Manner: 9}, []string{"manner"}},
		{"someone not a party", mediation.RightsGiving{Parties: []string{"王某某", "路人"}, Manner: mediation.RightsWritten}, []string{"parties[1]"}},
		{"a party named twice", mediation.RightsGiving{Parties: []string{"王某某", "王某某"}, Manner: mediation.RightsWritten}, []string{"parties[1]"}},
		{"dated a week ahead", mediation.RightsGiving{Parties: []string{"王某某"}, Manner: mediation.RightsWritten, At: f.clock.Now().AddDate(0, 0, 7)}, []string{"at"}},
		{"dated two years before registration", mediation.RightsGiving{Parties: []string{"王某某"}, Manner: mediation.RightsOral, At: f.clock.Now().AddDate(-2, 0, 0)}, []string{"at"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.GiveRights(ctx, head, c.ID, c.Version, tc.g)
			require.ErrorIs(t, err, fourplusn.Invalid)
			assert.Equal(t, tc.fields, fieldsOf(err), "%v", err)
			assert.Equal(t, c, f.stored(t, c.ID), "nothing is recorded")
		})
	}

	// Read out to the applicant yesterday evening; handed to the respondent
	// now, and to the applicant in writing afterwards.
	yesterday := f.clock.Now().Add(-15 * time.Hour)
	c = must(t)(f.svc.GiveRights(ctx, head, c.ID, c.Version, mediation.RightsGiving{Parties: []string{"王某某"}, Manner: mediation.RightsOral, At: yesterday}))
	file := c.File(nil)
	assert.Equal(t, mediation.FileMissing, file.Items[1].Status)
	assert.Equal(t, "尚未告知：张某某", file.Items[1].Summary)
	c = must(t)(f.svc.GiveRights(ctx, head, c.ID, c.Version, mediation.RightsGiving{Parties: []string{"张某某", "王某某"}, Manner: mediation.RightsWritten}))
	require.Len(t, c.Rights, 3)
	assert.Equal(t, mediation.RightsGiven{Party: 0, Manner: mediation.RightsOral, At: yesterday.UTC(), By: "mayuan-1-head"}, c.Rights[0])
	assert.Equal(t, mediation.RightsGiven{Party: 1, Manner: mediation.RightsWritten, At: f.clock.Now().UTC(), By: "mayuan-1-head"}, c.Rights[1])

	file, err := f.svc.CaseFile(ctx, head, c.ID)
	require.NoError(t, err)
	assert.Equal(t, mediation.FilePresent, file.Items[1].Status)
	assert.Equal(t, "已向2名当事人告知", file.Items[1].Summary)
	assert.Equal(t, []int64{3, 4}, file.Items[1].Events)

	events, err := f.svc.Timeline(ctx, head, c.ID)
	require.NoError(t, err)
	last := events[len(events)-1]
	assert.Equal(t, mediation.ActionRightsGiven, last.Action)
	assert.Equal(t, map[string]string{"manner": "written", "at": f.clock.Now().UTC().Format(time.RFC3339), "count": "2",
		"parties[0]": "given", "parties[1]": "given"}, last.Details)
	for _, v := range last.Details {
		assert.False(t, strings.Contains(v, "王") || strings.Contains(v, "张"), "the timeline names parties by their place, never by name")
	}

	// A closed case is a finished record.
	c = must(t)(f.svc.Withdraw(ctx, head, c.ID, c.Version, "申请人撤回"))
	c = must(t)(f.svc.Close(ctx, head, c.ID, c.Version, ""))
	_, err = f.svc.GiveRights(ctx, head, c.ID, c.Version, mediation.RightsGiving{Parties: []string{"王某某"}, Manner: mediation.RightsWritten})
	assert.ErrorIs(t, err, fourplusn.Conflict)
}

// TestRightsNoticeGolden prints the notice of story 2's case before it is
// given, with blank lines to sign on, and after, with how and when each
// party was given it; and masked, for a viewer who may not see the
// parties.
func TestRightsNoticeGolden(t *testing.T) {
	f := newFixture(t)
	police := f.actor("honggoumiao-police")
	c := must(t)(f.svc.Register(ctx, f.actor("honggoumiao-security"), story2Intake()))
	c = must(t)(f.svc.Accept(ctx, police, c.ID, c.Version))
	before := printRights(t, c, "古城办事处人民调解委员会")
	golden(t, "rights_notice_blank.html", before)
	assert.Equal(t, 2, strings.Count(before, `<td><span class="blank"></span></td>`), "a line to sign on for each party")
	for _, law := range []string{
		"（一）选择或者接受人民调解员；", "（二）接受调解、拒绝调解或者要求终止调解；", "（三）要求调解公开进行或者不公开进行；",
		"（四）自主表达意愿、自愿达成调解协议。", "（一）如实陈述纠纷事实；", "（二）遵守调解现场秩序，尊重人民调解员；",
		"（三）尊重对方当事人行使权利。", "不收取任何费用", "三十日内共同向人民法院申请司法确认",
	} {
		assert.Contains(t, before, law, "the law's text")
	}

	c = must(t)(f.svc.GiveRights(ctx, police, c.ID, c.Version, mediation.RightsGiving{Parties: []string{"仝某某"}, Manner: mediation.RightsWritten}))
	f.clock.Advance(24 * time.Hour)
	c = must(t)(f.svc.GiveRights(ctx, police, c.ID, c.Version, mediation.RightsGiving{Parties: []string{"赵某某"}, Manner: mediation.RightsOral}))
	after := printRights(t, c, "古城办事处人民调解委员会")
	golden(t, "rights_notice_given.html", after)
	assert.Contains(t, after, "<td>仝某某</td><td>已书面告知并签收</td><td>2022年11月1日</td>")
	assert.Contains(t, after, "<td>赵某某</td><td>已口头告知</td><td>2022年11月2日</td>")

	masked, err := f.svc.Get(ctx, f.actor("gc-land"), c.ID)
	require.NoError(t, err)
	page := printRights(t, masked, "")
	assert.NotContains(t, page, "仝某某")
	assert.Contains(t, page, `<span class="blank long"></span>`, "a blank line for the committee not named")
}

// story2Intake is the seed's second story as registered by the group's
// head, with the parties' ID cards.
func story2Intake() mediation.Intake {
	return mediation.Intake{
		Channel:     work.ChannelGridHead,
		Category:    mediation.Homestead,
		Applicants:  []mediation.Party{{Name: "仝某某", Sex: mediation.Male, Ethnicity: mediation.Han, Age: 52, Occupation: "农民", Phone: "13700002222", Address: "洪沟庙二组", IDCard: idCard("1970-04-02", false)}},
		Respondents: []mediation.Party{{Name: "赵某某", Sex: mediation.Male, Ethnicity: mediation.Han, Age: 49, Occupation: "农民", Phone: "13700003333", Address: "洪沟庙二组", IDCard: idCard("1973-09-30", false)}},
		Facts:       "仝某某与邻居赵某某因宅基地墙与墙之间留出距离问题发生纠纷，矛盾僵持不下。",
		Location:    "honggoumiao-2",
		Risks:       mediation.LikelyFight,
	}
}

func printRights(t *testing.T, c *mediation.Case, committee string) string {
	t.Helper()
	var b strings.Builder
	require.NoError(t, c.RenderRightsNotice(&b, committee))
	return b.String()
}
