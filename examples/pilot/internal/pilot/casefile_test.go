package pilot_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCasePageShowsCaseFile checks the case page's 卷宗: the Ministry's
// items in order, each with its status in Chinese and the required ones
// marked.
func TestCasePageShowsCaseFile(t *testing.T) {
	app, ts := newPilot(t)
	c := headClient(t, ts.URL)
	_, page, _ := openCase(t, app, c) // a walk-in in mediation, without ID-card numbers or agents
	_, body := c.get(page)
	file := regexp.MustCompile(`(?s)<ol class="casefile" id="casefile">.*?</ol>`).FindString(body)
	require.NotEmpty(t, file, "the page has a 卷宗")
	items := regexp.MustCompile(`<li class="(\w+)(?: required)?(?: lacking)?"><span class="file-status">(\p{Han}+)</span> (\p{Han}+)(<abbr title="必备材料">\*</abbr>)?<br>`).FindAllStringSubmatch(file, -1)
	var got []string
	for _, it := range items {
		got = append(got, it[3]+it[4]+" "+it[1]+" "+it[2])
	}
	const star = `<abbr title="必备材料">*</abbr>`
	assert.Equal(t, []string{
		"受理登记表" + star + " present 存档", "权利义务告知书" + star + " missing 缺失", "当事人身份证明" + star + " missing 缺失",
		"授权委托书 not_applicable 不适用", "调查记录 missing 缺失", "证据材料 missing 缺失", "调解记录" + star + " present 存档",
		"调解协议书 missing 缺失", "履行凭证 missing 缺失", "回访记录 missing 缺失", "司法确认材料 not_applicable 不适用",
		"卷宗情况说明 missing 缺失", "封底" + star + " missing 缺失",
	}, got)
	assert.Contains(t, file, "未登记身份证号：测试甲、测试乙")
	assert.Equal(t, 2, strings.Count(file, `<li class="missing required lacking">`), "the items that keep it from closing stand out")
	assert.Contains(t, file, `<li class="missing required">`, "the back cover, made at closing, does not")
	assert.Contains(t, body, `<p class="error" id="casefile-lacking">结案前须补齐：权利义务告知书、当事人身份证明</p>`)
}
