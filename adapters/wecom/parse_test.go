package wecom_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"github.com/fourplusn/fourplusn/adapters/wecom"
	"github.com/fourplusn/fourplusn/mediation"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    wecom.Application
		missing []string
	}{
		{
			name: "every field labelled, one per line",
			text: "姓名：章某某\n电话：13800138000\n对方：李某\n地点：马园一组\n事情：邻居砌墙占了通道，双方发生争吵",
			want: wecom.Application{Name: "章某某", Phone: "13800138000", Respondent: "李某", Place: "马园一组",
				Facts: "邻居砌墙占了通道，双方发生争吵", Category: mediation.Homestead},
		},
		{
			name: "half-width colons, one line, longer labels",
			text: "申请人姓名: 仝某 联系电话: +86 138-0013-8001 被申请人: 赵某 发生地点: 洪沟庙二组 事情经过: 宅基地墙距争执，扬言要打架",
			want: wecom.Application{Name: "仝某", Phone: "13800138001", Respondent: "赵某", Place: "洪沟庙二组",
				Facts: "宅基地墙距争执，扬言要打架", Category: mediation.Homestead, Risks: mediation.LikelyFight},
		},
		{
			name: "a threat to petition over an injury",
			text: "姓名：章某 电话：13800138002 对方：李某 地点：马园一组 情况：被推倒受伤做了手术，要去北京上访",
			want: wecom.Application{Name: "章某", Phone: "13800138002", Respondent: "李某", Place: "马园一组",
				Facts: "被推倒受伤做了手术，要去北京上访", Category: mediation.Injury, Risks: mediation.PetitionThreat},
		},
		{
			name:    "no labels: the number is found, the rest is what happened",
			text:    "我家隔壁天天半夜噪音扰民，多次沟通无果 13800138003",
			want:    wecom.Application{Phone: "13800138003", Facts: "我家隔壁天天半夜噪音扰民，多次沟通无果", Category: mediation.Neighbour},
			missing: []string{wecom.FieldName, wecom.FieldRespondent, wecom.FieldPlace},
		},
		{
			name:    "a greeting is not a dispute",
			text:    "你好",
			want:    wecom.Application{Category: mediation.OtherDispute},
			missing: []string{wecom.FieldName, wecom.FieldPhone, wecom.FieldRespondent, wecom.FieldPlace, wecom.FieldFacts},
		},
		{
			name:    "a landline is not a mobile number",
			text:    "姓名：章某 电话：0396-1234567 对方：李某 地点：马园一组 事情：欠钱不还",
			want:    wecom.Application{Name: "章某", Respondent: "李某", Place: "马园一组", Facts: "欠钱不还", Category: mediation.Debt},
			missing: []string{wecom.FieldPhone},
		},
		{
			name:    "a label with nothing after it is missing",
			text:    "姓名： 电话：13800138004 对方：李某 地点： 事情：拖欠工资三个月",
			want:    wecom.Application{Phone: "13800138004", Respondent: "李某", Facts: "拖欠工资三个月", Category: mediation.Labour},
			missing: []string{wecom.FieldName, wecom.FieldPlace},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, missing := wecom.Parse(tt.text)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.missing, missing)
		})
	}
}

// FuzzParse: any text parses without panicking into valid UTF-8 fields,
// each a part of the text (or a phone number's normal form), with exactly
// the empty required fields reported missing.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"姓名：章某某\n电话：13800138000\n对方：李某\n地点：马园一组\n事情：邻居砌墙占了通道",
		"姓名：：：电话：：", "13800138000", "事情:" + strings.Repeat("很", 100), "\xff\xfe姓名：\xff", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		a, missing := wecom.Parse(text)
		fields := map[string]string{
			wecom.FieldName: a.Name, wecom.FieldRespondent: a.Respondent, wecom.FieldPlace: a.Place, wecom.FieldFacts: a.Facts,
		}
		clean := strings.ToValidUTF8(text, "")
		// An unlabelled message's facts are its text without the number.
		rest := strings.Replace(clean, a.Phone, "", 1)
		for name, v := range fields {
			if !utf8.ValidString(v) || !strings.Contains(clean, v) && !strings.Contains(rest, v) {
				t.Fatalf("%s %q is not valid text from the message", name, v)
			}
		}
		fields[wecom.FieldPhone] = a.Phone
		if a.Phone != "" && (len(a.Phone) != 11 || a.Phone[0] != '1') {
			t.Fatalf("phone %q is not a normal mobile number", a.Phone)
		}
		for _, name := range []string{wecom.FieldName, wecom.FieldPhone, wecom.FieldRespondent, wecom.FieldPlace, wecom.FieldFacts} {
			isMissing := false
			for _, m := range missing {
				isMissing = isMissing || m == name
			}
			if isMissing != (fields[name] == "") {
				t.Fatalf("%s %q, reported missing: %v", name, fields[name], isMissing)
			}
		}
	})
}
