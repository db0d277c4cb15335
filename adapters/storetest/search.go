package storetest

import (
	"context"
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

// The pools listMatches draws the searched fields and queries from: names
// of two and three characters that hold one another (王芳, 王芳芳), facts
// with words, digits and Latin letters, and queries that match some and
// run across words in others. "" stands for a case's number.
var (
	categories    = []mediation.Category{mediation.Neighbour, mediation.Homestead, mediation.Family}
	searchNames   = []string{"刘秀英", "刘强", "王芳", "王芳芳", "秀英", "Li Wei"}
	searchPhones  = []string{"13900000001", "13811110001", "13822220002"}
	searchFacts   = []string{"楼上漏水浸湿楼下房顶", "宅基地边界争议，借款5000元未还", "噪音扰民", "漏水", "WiFi 信号被占用"}
	searchQueries = []string{"刘秀英", "秀英", "刘强", "王芳", "刘", "漏水", "漏水 楼下", "5000元", "强王", "wifi", "li", "13811110001", "138-1111-0001", "T00000007", ""}
)

// searchCases: a query (Filter.Query) finds cases by the names of their
// parties and agents, of two characters or more, as substrings within one
// name and never across two; by the words of the facts, all of them; by a
// phone number, whole, only where the viewer sees the parties unmasked; by
// the case number and the tracking code; together with the other
// criteria, a page at a time; and after a correction by the new names
// only.
func searchCases(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	root := []grid.Path{grid.RootPath("gucheng")}
	n := 0
	mk := func(cell grid.CellID, change func(c *mediation.Case)) *mediation.Case {
		n++
		c, events := newCase(n, cell, base.Add(time.Duration(n)*time.Hour))
		change(c)
		return create(t, s, c, events)
	}
	xiuying := mk("mayuan-1", func(c *mediation.Case) {
		c.Applicants = []mediation.Party{{Name: "刘秀英", Phone: "13811110001"}}
		c.Respondents = []mediation.Party{{Name: "王芳", Agents: []mediation.Agent{{Name: "赵律师", Phone: "13822220002"}}}}
		c.Facts = "楼上漏水浸湿了楼下的房顶。"
	})
	qiang := mk("wuguiqiao-1", func(c *mediation.Case) {
		c.Applicants = []mediation.Party{{Name: "刘强", Phone: "13833330003"}}
		c.Category, c.Grade = mediation.Homestead, work.Major
		c.Facts = "宅基地边界争议；借款5000元未还。"
	})
	fangfang := mk("mayuan-1", func(c *mediation.Case) {
		c.Applicants = []mediation.Party{{Name: "王芳芳"}, {Name: "张三"}}
		c.Respondents = []mediation.Party{{Name: "李四"}}
		c.Category, c.State = mediation.Family, mediation.Accepted
		c.Facts = "ＷｉＦｉ信号纠纷"
	})
	elsewhere := mk("linzhen", func(c *mediation.Case) {
		c.Applicants = []mediation.Party{{Name: "刘秀英", Phone: "13811110001"}}
	})

	find := func(f mediation.Filter) []mediation.ID {
		t.Helper()
		if f.Township == "" {
			f.Township, f.Within = "gucheng", root
		}
		return listIDs(t, s, f)
	}
	q := func(query string) []mediation.ID {
		t.Helper()
		return find(mediation.Filter{Query: query, Personal: root})
	}
	assert.Equal(t, []mediation.ID{xiuying.ID}, q("刘秀英"), "a name of three characters")
	assert.Equal(t, []mediation.ID{xiuying.ID}, q("秀英"), "part of a name")
	assert.Equal(t, []mediation.ID{qiang.ID}, q("刘强"), "a name of two characters, not in 刘秀英")
	assert.Equal(t, []mediation.ID{fangfang.ID, xiuying.ID}, q("王芳"), "a name of two characters, and the name that holds it")
	assert.Equal(t, []mediation.ID{qiang.ID, xiuying.ID}, q("刘"), "one character")
	assert.Equal(t, []mediation.ID{xiuying.ID}, q("赵律师"), "an agent's name")
	assert.Empty(t, q("三李"), "no match across two names")
	assert.Empty(t, q("刘秀英王芳"), "nor across the applicant's and the respondent's")
	assert.Equal(t, []mediation.ID{xiuying.ID}, q("漏水"), "a word of the facts")
	assert.Equal(t, []mediation.ID{xiuying.ID}, q("漏水，楼下"), "every word")
	assert.Empty(t, q("漏水 刘强"), "every word, in one case")
	assert.Equal(t, []mediation.ID{qiang.ID}, q("借款5000元"), "words with digits")
	assert.Equal(t, []mediation.ID{qiang.ID}, q("5000"), "digits")
	assert.Equal(t, []mediation.ID{fangfang.ID}, q("wifi"), "full-width and upper-case letters, folded")
	assert.Empty(t, q("秀英楼上"), "no match from a name into the facts")

	assert.Equal(t, []mediation.ID{xiuying.ID}, q("13811110001"), "an applicant's phone")
	assert.Equal(t, []mediation.ID{xiuying.ID}, q("138 1111 0001"), "a phone as typed")
	assert.Equal(t, []mediation.ID{xiuying.ID}, q("13822220002"), "an agent's phone")
	phone := func(personal ...grid.Path) []mediation.ID {
		return find(mediation.Filter{Query: "13811110001", Personal: personal})
	}
	assert.Empty(t, phone(), "a viewer who sees the parties masked never finds a phone")
	assert.Empty(t, phone(demo.Path("wuguiqiao")), "nor one who sees them unmasked elsewhere")
	assert.Equal(t, []mediation.ID{xiuying.ID}, phone(demo.Path("mayuan")), "where the viewer sees them unmasked")
	assert.Empty(t, q("1381111"), "a phone only whole")

	assert.Equal(t, []mediation.ID{qiang.ID}, q(qiang.Number.String()), "the case number")
	assert.Equal(t, []mediation.ID{qiang.ID}, q(strings.ToLower(qiang.TrackingCode)), "the tracking code")
	assert.Empty(t, find(mediation.Filter{Township: "linzhen", Within: root, Query: elsewhere.TrackingCode}), "never across townships")
	assert.Equal(t, []mediation.ID{elsewhere.ID}, find(mediation.Filter{Township: "linzhen", Within: []grid.Path{grid.RootPath("linzhen")}, Query: "刘秀英"}))

	assert.Equal(t, []mediation.ID{fangfang.ID}, find(mediation.Filter{Query: "王芳", Category: mediation.Family}), "with a category")
	assert.Equal(t, []mediation.ID{xiuying.ID}, find(mediation.Filter{Query: "王芳", States: []mediation.State{mediation.Registered}}), "with a state")
	assert.Equal(t, []mediation.ID{qiang.ID}, find(mediation.Filter{Query: "刘", Grade: work.Major}), "with a grade")
	assert.Equal(t, []mediation.ID{qiang.ID}, find(mediation.Filter{Query: "刘", Cell: demo.Path("wuguiqiao")}), "with a cell")
	assert.Equal(t, []mediation.ID{qiang.ID}, find(mediation.Filter{Query: "刘", RegisteredFrom: qiang.RegisteredAt, RegisteredTo: fangfang.RegisteredAt}), "with dates: from inclusive, to exclusive")
	assert.Empty(t, find(mediation.Filter{Query: "刘秀英", Within: []grid.Path{demo.Path("wuguiqiao")}, Township: "gucheng"}), "within the viewer's sight only")

	var paged []mediation.ID
	for range 7 {
		paged = append(paged, mk("mayuan-1", func(c *mediation.Case) { c.Facts = "夜间噪音扰民" }).ID)
	}
	got := listAll(t, s, mediation.Filter{Township: "gucheng", Within: root, Query: "噪音", Limit: 3})
	assert.Equal(t, []mediation.ID{paged[6], paged[5], paged[4], paged[3], paged[2], paged[1], paged[0]}, ids(got), "pages of results, newest first")

	// A correction of the parties is what the index finds from then on.
	_, err := s.Update(ctx, xiuying.ID, 0, func(c *mediation.Case) ([]timeline.Event, error) {
		c.Applicants[0].Name, c.Applicants[0].Phone = "刘秀华", "13844440004"
		return []timeline.Event{seal(c, mediation.ActionCorrected, base.Add(time.Hour))}, nil
	})
	require.NoError(t, err)
	assert.Empty(t, q("刘秀英"), "the old name")
	assert.Equal(t, []mediation.ID{xiuying.ID}, q("刘秀华"), "the new name")
	assert.Empty(t, q("13811110001"), "the old phone")
	assert.Equal(t, []mediation.ID{xiuying.ID}, q("13844440004"), "the new phone")
	assert.Equal(t, []mediation.ID{xiuying.ID}, q("漏水"), "the facts as they were")

	for _, bad := range []string{strings.Repeat("刘", mediation.MaxQuery+1), "，。！", "\xff"} {
		_, err := s.List(ctx, mediation.Filter{Township: "gucheng", Within: root, Query: bad})
		requireCode(t, err, fourplusn.Invalid, "query %q", bad)
	}
}
