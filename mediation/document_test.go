package mediation_test

import (
	"bytes"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/mediation"
)

// story1Signed is story 1's agreement in effect: the second revision,
// signed by 章某某 with her fingerprint and for 李某某 by her son, whom she
// authorised specially, then by the mediator, and sealed.
func story1Signed() (*mediation.Agreement, *mediation.Case) {
	a, c := story1Agreement()
	c.Respondents[0].Agents = []mediation.Agent{{
		Name: "李某", Kind: mediation.NearRelative, Authority: mediation.SpecialAuthority, Powers: "代为签署调解协议",
		Date: time.Date(2022, 11, 28, 0, 0, 0, 0, time.UTC),
	}}
	a.Parties = c.Parties()
	a.Revision, a.MediatorPost = 2, "古城司法所所长"
	a.DraftedAt, a.SealedAt = a.EffectiveAt.Add(-24*time.Hour), a.EffectiveAt
	a.Signatures[1].Agent = "李某"
	return a, c
}

func renderHTML(t *testing.T, a *mediation.Agreement, c *mediation.Case) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, a.RenderHTML(&b, c))
	return b.String()
}

// golden compares got with the file testdata/name, which -update
// rewrites.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -run %s -update to write it", t.Name())
	assert.Equal(t, string(want), got)
}

// text returns what a page shows, without its tags and style, and no
// white space.
func text(page string) string {
	return html.UnescapeString(regexp.MustCompile(`(?s)<style>.*</style>|<title>.*</title>|<[^>]*>|\s+`).ReplaceAllString(page, ""))
}

// assertPrintablePage checks what every printed agreement must be: one
// page of its own, nothing fetched from elsewhere, set on A4 in a Song
// typeface, and Chinese only.
func assertPrintablePage(t *testing.T, page string) {
	t.Helper()
	assert.True(t, strings.HasPrefix(page, "<!DOCTYPE html>\n<html lang=\"zh-CN\">"), "a page of its own, in Chinese")
	for _, external := range []string{"http:", "https:", "//", "<link", "<script", "<img", "<iframe", "src=", "url(", "@import", "@font-face"} {
		assert.NotContains(t, page, external, "nothing is fetched from elsewhere")
	}
	assert.Contains(t, page, "@page { size: A4; margin: 25mm 20mm 20mm 25mm; }")
	assert.Regexp(t, `font-family: "SimSun", "宋体", .*"Noto Serif CJK SC".*serif;`, page)
	// The facts of story 1 name the 4+N team, as the mechanism is called.
	assert.NotRegexp(t, `[A-Za-z]`, strings.ReplaceAll(text(page), "4+N", ""), "the words a person reads are Chinese")
}

func TestRenderHTMLDraftGolden(t *testing.T) {
	a, c := story1Draft()
	got := renderHTML(t, a, c)
	assertPrintablePage(t, got)
	golden(t, "agreement_draft.html", got)

	shown := text(got)
	for _, s := range []string{
		"人民调解协议书", "编号：古调字〔2022〕第12号",
		"申请人：章某某，性别：女，民族：汉族，年龄：81岁，职业或职务：农民，联系电话：13800001234，住址：古城办事处马园社区马园一组",
		"被申请人：李某某，性别：女，民族：汉族，年龄：70岁",
		"纠纷主要事实、争议事项：", "争议事项：李某某是否应当赔偿章某某的损失，以及赔偿数额。", "各方当事人责任：",
		"李某某于2022年12月31日前向章某某支付人民币30000元（大写：叁万元整）。",
		"履行方式：现金一次性支付，章某某出具收条", "履行地点：马园村委会", "履行期限：2022年12月31日前履行完毕",
		"具有法律约束力，当事人应当按照约定履行。本协议书一式三份，当事人、人民调解委员会各持一份。",
		"双方当事人可以自本协议生效之日起三十日内共同向人民法院申请司法确认。",
		"人民调解员（签名）：高敬（古城司法所所长）",
		"人民调解委员会（盖章）：古城办事处人民调解委员会",
		"协议文本第2稿",
	} {
		assert.Contains(t, shown, s)
	}
	// A blank line for each party's mark and one for the mediator's, each
	// with a blank date; and a blank date for the agreement.
	assert.Equal(t, 3, strings.Count(got, `<td><span class="blank"></span></td>`))
	assert.Equal(t, 4, strings.Count(got, `<span class="blank short"></span>年<span class="blank short"></span>月<span class="blank short"></span>日`))
	assert.Contains(t, got, `<p class="seal seal-place">人民调解委员会（盖章）：古城办事处人民调解委员会</p>`, "room for the seal")
	for _, s := range []string{"2022年12月1日", "截止", "（盖章）<"} {
		assert.NotContains(t, got, s, "nothing is signed or sealed yet")
	}
}

func TestRenderHTMLSignedGolden(t *testing.T) {
	a, c := story1Signed()
	got := renderHTML(t, a, c)
	assertPrintablePage(t, got)
	golden(t, "agreement_signed.html", got)

	shown := text(got)
	for _, s := range []string{
		"委托代理人：李某，近亲属，特别授权：代为签署调解协议",
		"当事人（签名、盖章或按指印）：申请人章某某按指印2022年12月1日被申请人李某某由委托代理人李某（特别授权）签名2022年12月1日",
		"人民调解员（签名）：高敬（古城司法所所长）签名2022年12月1日",
		"人民调解委员会：古城办事处人民调解委员会（盖章）　2022年12月1日",
		"共同向人民法院申请司法确认（截止2022年12月31日）。",
	} {
		assert.Contains(t, shown, s)
	}
	assert.NotContains(t, got, `class="blank`, "no blank left to fill in")
	assert.NotContains(t, got, `seal-place"`)

	// Without a seal recorded it does not claim one.
	a.Sealed, a.SealedAt = false, time.Time{}
	assert.NotContains(t, renderHTML(t, a, c), "（盖章）")
}

// TestRenderHTMLSuperseded checks that an agreement a later one replaced
// says so at its head, and no longer counts the days for 司法确认.
func TestRenderHTMLSuperseded(t *testing.T) {
	a, c := story1Signed()
	a.SupersededAt = time.Date(2022, 12, 20, 2, 0, 0, 0, time.UTC)
	got := text(renderHTML(t, a, c))
	assert.Contains(t, got, "编号：古调字〔2022〕第12号本协议已于2022年12月20日由变更后的调解协议取代。申请人")
	assert.NotContains(t, got, "截止")
	assert.Contains(t, got, "李某某由委托代理人李某（特别授权）签名2022年12月1日", "its marks still print")
}

// TestRenderHTMLOral checks the record of an oral agreement: the
// mediator who kept it, no signature lines, no 司法确认.
func TestRenderHTMLOral(t *testing.T) {
	a, c := story1Agreement()
	a.Form, a.Signatures, a.MediatorSignedAt, a.Sealed = mediation.Oral, nil, time.Time{}, false
	got := renderHTML(t, a, c)
	assertPrintablePage(t, got)
	shown := text(got)
	assert.Contains(t, shown, "口头调解协议记录")
	assert.Contains(t, shown, "本口头调解协议自各方当事人达成协议之日起生效，具有法律约束力，当事人应当按照约定履行。")
	assert.Contains(t, shown, "记录人（人民调解员）：高敬")
	assert.NotContains(t, shown, "签名、盖章或按指印")
	assert.NotContains(t, shown, "司法确认")
}

// TestRenderHTMLEscapes checks that what people typed is printed as
// text, never as markup.
func TestRenderHTMLEscapes(t *testing.T) {
	a, c := story1Draft()
	a.Facts = `<script>alert("x")</script> 第一段` + "\n" + `<b onclick=x>第二段</b> & 第三`
	a.Terms = `"></li><img src=x>`
	a.Committee = "<i>调委会</i>"
	c.Applicants[0].Address = `</p><p style="color:red">`
	a.Parties = c.Parties()
	got := renderHTML(t, a, c)
	for _, raw := range []string{"<script>", "<b onclick", "<img", "<i>", `<p style`} {
		assert.NotContains(t, got, raw)
	}
	assert.Contains(t, got, "<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; 第一段</p>\n<p>&lt;b onclick=x&gt;第二段&lt;/b&gt; &amp; 第三</p>", "a paragraph a line")
	assert.Contains(t, got, "&lt;i&gt;调委会&lt;/i&gt;")
}

// TestRenderHTMLReturnsWriteError checks that a failing writer's error is
// returned.
func TestRenderHTMLReturnsWriteError(t *testing.T) {
	a, c := story1Draft()
	require.ErrorIs(t, a.RenderHTML(&failingWriter{n: 0}, c), errBoom)
}
