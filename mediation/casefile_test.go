package mediation_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// fileNames are the items of a case file in the Ministry's order.
var fileNames = []string{
	"受理登记表", "权利义务告知书", "当事人身份证明", "授权委托书", "调查记录", "证据材料", "调解记录",
	"调解协议书", "履行凭证", "回访记录", "司法确认材料", "卷宗情况说明", "封底",
}

func TestCaseFile(t *testing.T) {
	const (
		P = mediation.FilePresent
		M = mediation.FileMissing
		N = mediation.FileNotApplicable
	)
	// The fixture's neighbours' quarrel has no ID-card numbers and no
	// agents, and no notice of rights and duties is recorded yet.
	for _, tc := range []struct {
		name  string
		reach func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case
		// In fileNames' order.
		want [13]mediation.FileStatus
		// Whether the written agreement is required of the case.
		agreementRequired bool
	}{
		{"registered", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case { return c },
			[13]mediation.FileStatus{P, M, M, N, M, M, M, M, M, M, N, M, M}, false},
		{"mediating", mediating,
			[13]mediation.FileStatus{P, M, M, N, M, M, P, M, M, M, N, M, M}, false},
		{"drafted", drafted,
			[13]mediation.FileStatus{P, M, M, N, M, M, P, M, M, M, N, M, M}, true},
		{"agreed in writing", inEffect,
			[13]mediation.FileStatus{P, M, M, N, M, M, P, P, M, M, M, M, M}, true},
		{"agreed orally", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
			c = mediating(t, f, c)
			return must(t)(f.svc.RecordAgreement(ctx, f.actor("mayuan-1-head"), c.ID, 0, mediation.Agreement{
				Form: mediation.Oral, Facts: c.Facts, Disputes: "排水沟", Terms: "张某某疏通排水沟。", Mediator: "高敬",
			}))
		},
			[13]mediation.FileStatus{P, M, M, N, M, M, P, N, M, M, N, M, M}, false},
		{"closed", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
			c = inEffect(t, f, c)
			c = must(t)(f.svc.FollowUp(ctx, f.actor("mayuan-1-head"), c.ID, 0, mediation.FollowUp{Performed: true, Notes: "已疏通"}))
			return must(t)(f.svc.Close(ctx, f.actor("mayuan-1-head"), c.ID, 0, ""))
		},
			[13]mediation.FileStatus{P, M, M, N, M, M, P, P, P, P, M, P, P}, true},
		{"failed", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
			c = mediating(t, f, c)
			return must(t)(f.svc.Fail(ctx, f.actor("mayuan-1-head"), c.ID, 0, mediation.Failure{Reason: "双方各执己见", Route: mediation.RouteLitigation}))
		}, [13]mediation.FileStatus{P, M, M, N, M, M, P, N, N, N, N, M, M}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			head := f.actor("mayuan-1-head")
			c := tc.reach(t, f, must(t)(f.svc.Register(ctx, head, neighbourDispute())))
			file, err := f.svc.CaseFile(ctx, head, c.ID)
			require.NoError(t, err)
			require.Len(t, file.Items, len(fileNames))
			for i, it := range file.Items {
				assert.Equal(t, i+1, it.Order)
				assert.Equal(t, fileNames[i], it.Name)
				assert.Equal(t, tc.want[i], it.Status, "%s: %s", it.Name, it.Summary)
				assert.NotEmpty(t, it.Summary, it.Name)
				if it.Status == mediation.FilePresent {
					assert.NotEmpty(t, it.Events, "%s is made from the timeline", it.Name)
				}
			}
			required := map[string]bool{}
			for _, it := range file.Items {
				required[it.Name] = it.Required
			}
			assert.Equal(t, map[string]bool{
				"受理登记表": true, "权利义务告知书": true, "当事人身份证明": true, "授权委托书": false, "调查记录": false,
				"证据材料": false, "调解记录": true, "调解协议书": tc.agreementRequired, "履行凭证": false, "回访记录": false,
				"司法确认材料": false, "卷宗情况说明": false, "封底": true,
			}, required, "the Ministry's * items")
		})
	}
}

// TestCaseFileParticulars checks the items made from the parties'
// particulars and the channel: an online application files its 申请书,
// ID-card numbers prove the parties' identity, and an agent's
// authorisation is filed.
func TestCaseFileParticulars(t *testing.T) {
	f := newFixture(t)
	resident := grid.ResidentActor("r-1", "gucheng")
	in := neighbourDispute()
	in.Channel, in.Consent = work.ChannelOnline, mediation.CurrentPrivacyNotice.Version
	in.Applicants[0].IDCard = idCard("1977-05-20", true)
	in.Respondents[0].IDCard = idCard("1975-06-01", true)
	in.Respondents[0].Agents = []mediation.Agent{{Name: "张小某", Kind: mediation.NearRelative, Authority: mediation.SpecialAuthority,
		Powers: "代为签署调解协议", Date: day("2022-11-01")}}
	c := must(t)(f.svc.Register(ctx, resident, in))

	item := func(file mediation.CaseFile, name string) mediation.FileItem {
		for _, it := range file.Items {
			if it.Name == name {
				return it
			}
		}
		t.Fatalf("no item %s", name)
		return mediation.FileItem{}
	}
	file, err := f.svc.CaseFile(ctx, f.actor("gc-duty-1"), c.ID)
	require.NoError(t, err)
	assert.Equal(t, "申请书", file.Items[0].Name, "an online application")
	assert.Equal(t, []int64{1}, file.Items[0].Events, "made from the registration")
	assert.Contains(t, file.Items[0].Summary, "申请人：王某某；被申请人：张某某")
	assert.Equal(t, mediation.FilePresent, item(file, "当事人身份证明").Status)
	agents := item(file, "授权委托书")
	assert.Equal(t, mediation.FilePresent, agents.Status)
	assert.Equal(t, "代理人：张小某（受张某某委托，特别授权）", agents.Summary)

	// Those who may not see personal data, the applicant among them, see
	// the file with the names masked.
	file, err = f.svc.CaseFile(ctx, resident, c.ID)
	require.NoError(t, err)
	assert.NotContains(t, file.Items[0].Summary, "王某某")
	assert.NotContains(t, item(file, "授权委托书").Summary, "张小某")

	_, err = f.svc.CaseFile(ctx, f.actor("lz-secretary"), c.ID)
	assert.ErrorIs(t, err, fourplusn.NotFound, "another township's case")
}
