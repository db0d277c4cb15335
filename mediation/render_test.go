package mediation_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/mediation"
)

var update = flag.Bool("update", false, "rewrite golden files")

// story1Agreement is the agreement of the seed's story 1, by hand: 李某某
// pays 章某某 30,000 yuan by the end of 2022. Times are in UTC, as the
// Service records them; the agreement prints them in Shanghai.
func story1Agreement() (*mediation.Agreement, *mediation.Case) {
	zhang := mediation.Party{Name: "章某某", Sex: mediation.Female, Ethnicity: mediation.Han, Age: 81, Occupation: "农民", Phone: "13800001234", Address: "古城办事处马园社区马园一组"}
	li := mediation.Party{Name: "李某某", Sex: mediation.Female, Ethnicity: mediation.Han, Age: 70, Occupation: "农民", Phone: "13800005678", Address: "古城办事处马园社区马园一组"}
	c := &mediation.Case{
		ID:          "c-story1",
		Applicants:  []mediation.Party{zhang},
		Respondents: []mediation.Party{li},
	}
	signed := time.Date(2022, 12, 1, 2, 0, 0, 0, time.UTC)  // 10:00 in Shanghai
	due := time.Date(2022, 12, 31, 15, 59, 59, 0, time.UTC) // 23:59:59 in Shanghai
	a := &mediation.Agreement{
		Form:    mediation.Written,
		Number:  "古调字〔2022〕第12号",
		Parties: c.Parties(),
		Facts: "章某某称其被李某某推倒致左胯骨骨折，住院手术费用共计26000元，要求李某某赔偿医疗费等各项损失50000元，" +
			"并扬言赴京上访；李某某否认推人，不同意赔偿。事发时无证人，无视频监控。" +
			"社区民警、村书记、司法所长、村治安主任、村民组长及双方有威望的亲戚组成4+N调解小组，先后调解十余次。",
		Disputes:         "李某某是否应当赔偿章某某的损失，以及赔偿数额。",
		Responsibilities: "事发经过无法查清。双方本着互谅互让的原则，同意由李某某对章某某的医疗费用等损失给予适当补偿。",
		Payments: []mediation.Payment{
			{Payer: "李某某", Payee: "章某某", Amount: 3_000_000, Due: due},
		},
		Terms:            "上述款项付清后，双方就本纠纷再无其他争议，今后和睦相处。",
		Manner:           "现金一次性支付，章某某出具收条",
		Place:            "马园村委会",
		PerformBy:        due,
		Signatures:       []mediation.Signature{{Party: "章某某", Mark: mediation.Fingerprinted, At: signed}, {Party: "李某某", Mark: mediation.Signed, At: signed}},
		Mediator:         "高敬",
		MediatorSignedAt: signed,
		Committee:        "古城办事处人民调解委员会",
		Sealed:           true,
		RecordedBy:       "gc-justice",
		EffectiveAt:      signed,
	}
	return a, c
}

func render(t *testing.T, a *mediation.Agreement, c *mediation.Case) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, a.Render(&b, c))
	return b.String()
}

// columns is a line's printed width: 2 for the Chinese characters and
// fullwidth punctuation these tests print, 1 for the rest.
func columns(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x2E80 && r <= 0xFFE6 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// lines splits rendered text into its lines.
func lines(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") }

// unwrap joins wrapped lines back together, dropping the indentation of the
// continuation lines: Chinese text wraps between characters, without spaces.
func unwrap(s string) string {
	var b strings.Builder
	for _, l := range lines(s) {
		b.WriteString(strings.TrimLeft(l, " "))
	}
	return b.String()
}

func assertPrintable(t *testing.T, out string) {
	t.Helper()
	require.True(t, strings.HasSuffix(out, "\n"), "ends with a newline")
	for i, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		assert.LessOrEqual(t, columns(l), 80, "line %d is wider than 80 columns: %q", i+1, l)
		assert.Equal(t, strings.TrimRight(l, " "), l, "line %d has trailing spaces", i+1)
	}
}

func TestRenderStory1Golden(t *testing.T) {
	a, c := story1Agreement()
	got := render(t, a, c)
	assertPrintable(t, got)

	golden := filepath.Join("testdata", "agreement_story1.golden")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test -run TestRenderStory1Golden -update to write it")
	assert.Equal(t, string(want), got)

	// What the law and the form require, whatever the layout.
	assert.True(t, strings.HasPrefix(strings.TrimSpace(got), "人民调解协议书\n"), "the title comes first")
	for _, s := range []string{
		"编号：古调字〔2022〕第12号",
		"申请人：章某某，性别：女，民族：汉族，年龄：81岁，职业或职务：农民",
		"被申请人：李某某，性别：女，民族：汉族，年龄：70岁，职业或职务：农民",
		"30000元（大写：叁万元整）",
		"一式三份",
		"当事人（签名/盖章/按指印）：章某某  按指印  2022年12月1日",
		"当事人（签名/盖章/按指印）：李某某  签名  2022年12月1日",
		"人民调解员（签名）：高敬  2022年12月1日",
		"人民调解委员会（盖章）：古城办事处人民调解委员会（已盖章）",
	} {
		assert.Contains(t, got, s)
	}
	assert.Contains(t, strings.ReplaceAll(got, "\n", ""), "（截止2022年12月31日）", "30 days after it took effect")
}

func TestRenderOralAgreement(t *testing.T) {
	a, c := story1Agreement()
	a.Form = mediation.Oral
	a.Number = ""
	a.Signatures = nil
	a.MediatorSignedAt = time.Time{}
	a.Sealed = false
	got := render(t, a, c)
	assertPrintable(t, got)

	assert.True(t, strings.HasPrefix(strings.TrimSpace(got), "口头调解协议记录\n"), got)
	assert.NotContains(t, got, "人民调解协议书")
	assert.NotContains(t, got, "当事人（签名", "the parties do not sign an oral agreement")
	assert.NotContains(t, got, "盖章）")
	assert.NotContains(t, got, "一式", "there are no copies to hand out")
	assert.NotContains(t, got, "司法确认", "an oral agreement cannot be confirmed by a court")
	assert.Contains(t, unwrap(got), "本口头调解协议自各方当事人达成协议之日起生效，具有法律约束力，当事人应当按照约定履行。")
	assert.Contains(t, got, "\n记录人（人民调解员）：高敬\n")
	assert.Contains(t, got, "申请人：章某某", "the parties are still named")
	assert.Contains(t, got, "1. 李某某于2022年12月31日前向章某某支付人民币30000元（大写：叁万元整）。")
	assert.Contains(t, got, " 编号：\n", "a blank number, to fill in by hand")
}

// story1Draft is story 1's agreement as drafted, before anyone signed:
// its second revision, the mediator named with his post.
func story1Draft() (*mediation.Agreement, *mediation.Case) {
	a, c := story1Agreement()
	a.Revision, a.MediatorPost = 2, "古城司法所所长"
	a.DraftedAt, a.EffectiveAt = a.EffectiveAt.Add(-24*time.Hour), time.Time{}
	a.Signatures, a.MediatorSignedAt, a.Sealed = nil, time.Time{}, false
	return a, c
}

// TestRenderDraftLeavesMarksBlank checks the bug of the first printed
// agreements: a draft printed for signing shows no mark, no seal and no
// date before they are recorded, only the names and room to sign by hand.
func TestRenderDraftLeavesMarksBlank(t *testing.T) {
	a, c := story1Draft()
	got := render(t, a, c)
	assertPrintable(t, got)

	for _, line := range []string{
		"当事人（签名/盖章/按指印）：章某某",
		"当事人（签名/盖章/按指印）：李某某",
		"人民调解员（签名）：高敬（古城司法所所长）",
		"人民调解委员会（盖章）：古城办事处人民调解委员会",
	} {
		assert.Contains(t, lines(got), line)
	}
	var flushRight []string
	for _, l := range lines(got) {
		if strings.HasPrefix(l, strings.Repeat(" ", 50)) {
			flushRight = append(flushRight, strings.TrimSpace(l))
			assert.Equal(t, 76, columns(l), "%q ends where the date line of a signed one does", l)
		}
	}
	assert.Equal(t, []string{"年    月    日", "协议文本第2稿"}, flushRight, "a blank date to fill in by hand, and the revision")
	for _, s := range []string{"签名  ", "按指印  ", "已盖章", "截止", "2022年12月1日"} {
		assert.NotContains(t, got, s, "nothing is signed yet")
	}
	assert.Contains(t, got, "年龄：81岁", "ages as given, the draft being dated")

	// Marks recorded on a draft still print blank: the paper holds them
	// until the agreement takes effect.
	a.Signatures = []mediation.Signature{{Party: "章某某", Mark: mediation.Fingerprinted, At: a.DraftedAt}}
	assert.Equal(t, got, render(t, a, c))

	// In effect, the same agreement prints signed.
	signed, _ := story1Agreement()
	signed.Revision, signed.MediatorPost = 2, "古城司法所所长"
	got = render(t, signed, c)
	assert.Contains(t, lines(got), "当事人（签名/盖章/按指印）：章某某  按指印  2022年12月1日")
	assert.Contains(t, lines(got), "人民调解员（签名）：高敬（古城司法所所长）  2022年12月1日")
}

func TestRenderPartiesInFull(t *testing.T) {
	a, c := story1Agreement()
	a.Number = ""
	a.Parties = nil // not yet recorded: the case's parties print
	c.Applicants[0].IDCard = "11010519491231002X"
	c.Applicants[0].BirthDate, c.Applicants[0].Age = time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), 0
	c.Respondents[0].Sex = mediation.SexUnstated
	c.Respondents[0].Age = 0
	c.Respondents[0].Phone = ""
	c.Respondents[0].Agents = []mediation.Agent{{Name: "李某", Kind: mediation.NearRelative, Authority: mediation.SpecialAuthority, Powers: "代为签署调解协议"}}
	c.Respondents = append(c.Respondents, mediation.Party{Name: "王某", Sex: mediation.Male, Age: 45, Workplace: "马园村委会"})
	a.Signatures[1].Mark = mediation.Sealed
	got := render(t, a, c)
	assertPrintable(t, got)

	flat := unwrap(got)
	assert.Contains(t, flat, "申请人：章某某，性别：女，民族：汉族，年龄：72岁，职业或职务：农民，身份证号：11010519491231002X，联系电话：13800001234，住址：古城办事处马园社区马园一组",
		"identity and phone numbers print unmasked; the age is counted from the date of birth to the day it takes effect")
	assert.Contains(t, flat, "被申请人：李某某，性别：未填，民族：汉族，年龄：不详，职业或职务：农民，联系电话：未填，住址：古城办事处马园社区马园一组委托代理人：李某，近亲属，特别授权：代为签署调解协议",
		"an agent under the party they act for")
	assert.Contains(t, flat, "被申请人：王某，性别：男，民族：未填，年龄：45岁，职业或职务：未填，联系电话：未填，单位：马园村委会纠纷主要事实", "a workplace stands for the address")
	assert.Contains(t, got, "一式四份", "a copy for each of three parties and one for the committee")
	assert.Contains(t, got, "当事人（签名/盖章/按指印）：李某某  盖章  2022年12月1日\n")
	assert.Contains(t, got, "当事人（签名/盖章/按指印）：王某\n", "room to sign by hand")
	assert.Contains(t, got, " 编号：\n")

	a.Parties = c.Parties()
	got = render(t, a, nil)
	assert.Contains(t, got, "当事人：章某某", "without the case, applicants and respondents cannot be told apart")
	assert.NotContains(t, got, "申请人")
}

func TestRenderPaymentsAndTerms(t *testing.T) {
	a, c := story1Agreement()
	a.Payments = append(a.Payments, mediation.Payment{Payer: "李某某", Payee: "章某某", Amount: 1_000_535})
	a.Payments[0].Amount = 3_000_050
	a.Responsibilities = ""
	got := render(t, a, c)
	assertPrintable(t, got)

	assert.Contains(t, got, "\n    1. 李某某于2022年12月31日前向章某某支付人民币30000.50元（大写：叁万元伍角\n       整）。\n",
		"a term wraps under its text")
	assert.Contains(t, lines(got), "    2. 李某某向章某某支付人民币10005.35元（大写：壹万零伍元叁角伍分）。", "no due date, no 于…前")
	assert.Contains(t, got, "\n    3. 上述款项付清后", "the terms in words come last")
	assert.Contains(t, got, "各方当事人责任：\n    无\n")

	a.Payments, a.Terms = nil, ""
	got = render(t, a, c)
	assert.Contains(t, got, "经调解，自愿达成如下协议：\n    无\n")
}

func TestRenderWrapsLongText(t *testing.T) {
	a, c := story1Agreement()
	a.Facts = strings.Repeat("章某某称其被李某某推倒致伤，住院手术费用共计26000元（含护理费）。", 12) + "\r\n\r\n" + strings.Repeat("x", 150)
	a.Terms = strings.Repeat("双方今后和睦相处，不再因此事发生争执；", 8)
	got := render(t, a, c)
	assertPrintable(t, got)
	for _, l := range strings.Split(got, "\n") {
		for _, p := range []string{"，", "。", "）", "；"} {
			assert.False(t, strings.HasPrefix(strings.TrimLeft(l, " "), p), "no line starts with %s: %q", p, l)
		}
		assert.False(t, strings.HasSuffix(l, "（"), "no line ends with （: %q", l)
	}
	assert.Contains(t, got, "\n    1. 李某某于")
	assert.Contains(t, got, "\n       ", "a long term's continuation lines align under its text")
}

var errBoom = errors.New("printer on fire")

// failingWriter fails every write from the n+1st on and counts the calls.
type failingWriter struct {
	n, calls int
	b        bytes.Buffer
}

func (w *failingWriter) Write(p []byte) (int, error) {
	w.calls++
	if w.calls > w.n {
		return 0, errBoom
	}
	return w.b.Write(p)
}

func TestRenderReturnsWriteError(t *testing.T) {
	a, c := story1Agreement()
	all := &failingWriter{n: 1 << 30}
	require.NoError(t, a.Render(all, c))
	require.Greater(t, all.calls, 10)

	for n := 0; n < all.calls; n++ {
		w := &failingWriter{n: n}
		err := a.Render(w, c)
		require.ErrorIs(t, err, errBoom, "failing from write %d", n+1)
		assert.Equal(t, n+1, w.calls, "nothing is written after the first error")
		assert.True(t, strings.HasPrefix(all.b.String(), w.b.String()))
	}

	a.Form = mediation.Oral
	require.ErrorIs(t, a.Render(&failingWriter{n: 3}, c), errBoom)
}
