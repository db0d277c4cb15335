package mediation_test

import (
	"regexp"
	"strings"
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

// TestCaseFile follows the fixture's neighbours' quarrel, whose parties'
// ID cards are registered and who have no agents, through its life: each
// item of its file present (P), missing (M) or not applicable (N), and
// required (R) or not (.), in fileNames' order.
func TestCaseFile(t *testing.T) {
	status := map[byte]mediation.FileStatus{'P': mediation.FilePresent, 'M': mediation.FileMissing, 'N': mediation.FileNotApplicable}
	for _, tc := range []struct {
		name           string
		reach          func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case
		want, required string
	}{
		{"registered", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case { return c },
			"PMPNMMMMMMNMM", "R...........R"},
		{"mediating", mediating,
			"PMPNMMPMMMNMM", "RRR...R.....R"},
		{"drafted", drafted,
			"PMPNMMPMMMNMM", "RRR...RR....R"},
		{"agreed in writing", inEffect,
			"PMPNMMPPMMMMM", "RRR...RR.R..R"},
		{"agreed orally", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
			c = mediating(t, f, c)
			return must(t)(f.svc.RecordAgreement(ctx, f.actor("mayuan-1-head"), c.ID, 0, mediation.Agreement{
				Form: mediation.Oral, Facts: c.Facts, Disputes: "排水沟", Terms: "张某某疏通排水沟。", Mediator: "高敬",
			}))
		}, "PMPNMMPNMMNMM", "RRR...R..R..R"},
		{"closed", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
			c = inEffect(t, f, c)
			c = must(t)(f.svc.FollowUp(ctx, f.actor("mayuan-1-head"), c.ID, 0, mediation.FollowUp{Performed: true, Notes: "已疏通"}))
			c = f.informed(t, f.actor("mayuan-1-head"), c)
			return must(t)(f.svc.Close(ctx, f.actor("mayuan-1-head"), c.ID, 0, ""))
		}, "PPPNMMPPPPMPP", "RRR...RR.R..R"},
		{"failed", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
			c = mediating(t, f, c)
			return must(t)(f.svc.Fail(ctx, f.actor("mayuan-1-head"), c.ID, 0, mediation.Failure{Reason: "双方各执己见", Route: mediation.RouteLitigation}))
		}, "PMPNMMPNNNNMM", "RRR...R.....R"},
		{"withdrawn before acceptance", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
			return must(t)(f.svc.Withdraw(ctx, f.actor("mayuan-1-head"), c.ID, 0, "申请人撤回"))
		}, "PMPNMMMNNNNMM", "R...........R"},
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
				assert.Equal(t, status[tc.want[i]], it.Status, "%s: %s", it.Name, it.Summary)
				assert.Equal(t, tc.required[i] == 'R', it.Required, "%s required", it.Name)
				assert.NotEmpty(t, it.Summary, it.Name)
				if it.Status == mediation.FilePresent && it.Name != "当事人身份证明" && it.Name != "授权委托书" {
					assert.NotEmpty(t, it.Events, "%s is made from the timeline", it.Name)
				}
			}
			for i, it := range c.File(nil).Items {
				assert.Equal(t, file.Items[i].Status, it.Status, "%s: the case alone decides where it stands", it.Name)
				assert.Equal(t, file.Items[i].Required, it.Required, it.Name)
			}
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

// TestCaseFilePrint prints the file of the fixture's quarrel, closed with
// a written agreement: a cover, the contents listing every item, then a
// section for each item present, in the file's order; masked for a viewer
// who may not see the parties.
func TestCaseFilePrint(t *testing.T) {
	f := newFixture(t)
	head := f.actor("mayuan-1-head")
	c := must(t)(f.svc.Register(ctx, head, neighbourDispute()))
	c = inEffect(t, f, c)
	c = must(t)(f.svc.FollowUp(ctx, head, c.ID, 0, mediation.FollowUp{Performed: true, Notes: "排水沟已疏通。"}))
	c = f.informed(t, head, c)
	c = must(t)(f.svc.Close(ctx, head, c.ID, c.Version, "双方已和好，协议履行完毕。"))

	names := map[string]string{"mayuan-1-head": "马园一组组长"}
	print := func(actor grid.Actor) string {
		file, err := f.svc.CaseFile(ctx, actor, c.ID)
		require.NoError(t, err)
		var b strings.Builder
		require.NoError(t, file.RenderHTML(&b, mediation.PrintOptions{Committee: "古城办事处人民调解委员会", Names: func(id string) string { return names[id] }}))
		return b.String()
	}
	page := print(head)

	contents := regexp.MustCompile(`<td class="name">([^<＊]+)＊?</td><td class="status">([^<]+)</td>`).FindAllStringSubmatch(page, -1)
	require.Len(t, contents, len(fileNames), "the contents list every item")
	for i, m := range contents {
		assert.Equal(t, fileNames[i], m[1])
	}
	assert.Equal(t, "存档", contents[0][2])
	assert.Equal(t, "不适用", contents[3][2], "no agents")
	assert.Equal(t, "缺", contents[4][2], "no investigation recorded")

	// The sections follow in the file's order, each item present once.
	var at []int
	for _, title := range []string{"<h1>人民调解卷宗</h1>", "<h1>卷内目录</h1>", "<h1>人民调解受理登记表</h1>", "<h1>人民调解权利义务告知书</h1>",
		"<h1>当事人身份证明</h1>", "<h1>人民调解记录</h1>", "<h1>人民调解协议书</h1>", "<h1>履行凭证</h1>", "<h1>人民调解回访记录</h1>",
		"<h1>卷宗情况说明</h1>", "<h1>卷内备考表</h1>"} {
		assert.Equal(t, 1, strings.Count(page, title), title)
		at = append(at, strings.Index(page, title))
	}
	assert.IsIncreasing(t, at, "in the Ministry's order")
	assert.NotContains(t, page, "<h1>授权委托书</h1>", "an item not applicable has no section")
	for _, want := range []string{
		"卷号</th><td>" + c.Number.String(), "<td>王某某</td><td>" + idCard("1977-05-20", true) + "</td>",
		"<tr><th>记录人</th><td>马园一组组长</td></tr>", "双方已和好，协议履行完毕。", "<td>张某某</td><td>已书面告知并签收</td>",
		"<tr><th>缺少的材料</th><td>调查记录、证据材料、司法确认材料</td></tr>", "本卷共有存档材料9件",
	} {
		assert.Contains(t, page, want)
	}

	masked := print(f.actor("gc-land"))
	// The particulars are masked; the agreement's terms, free text that
	// names 张某某, print as written.
	for _, secret := range []string{"王某某", idCard("1977-05-20", true), idCard("1975-06-01", true), "13900001111", "13900002222"} {
		assert.NotContains(t, masked, secret, "masked for the land office")
	}
	assert.Contains(t, masked, "<td>被申请人</td><td>张**</td>")
	assert.Contains(t, masked, "<h1>卷内目录</h1>")
}
