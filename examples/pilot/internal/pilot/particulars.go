package pilot

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// A party's particulars are typed into inputs named as the domain names
// their fields — "applicants[0].sex", "respondents[0].agents[1].kind" —
// so that an error the domain reports marks the very input it is about,
// whichever party and agent it is.

// formAgents is how many agents a party's form offers: as many as the
// domain allows a party.
const formAgents = 2

// particular is a particular of a party or an agent as a form asks for
// it: its field, its label and what it takes.
type particular struct{ field, label, hint string }

var (
	partyParticulars = []particular{
		{"name", "姓名", "请填写姓名，不超过50个字，不含特殊字符。"},
		{"sex", "性别", "请选择性别；填写了身份证号码的，须与号码一致。"},
		{"ethnicity", "民族", "请从列表中选择民族。"},
		{"birth_date", "出生日期", "请填写出生日期，不晚于今天；填写了身份证号码的，须与号码一致。"},
		{"age", "年龄", "请填写登记时的周岁年龄（0至150）；已填出生日期的可不填，填写的须与出生日期一致。"},
		{"occupation", "职业或职务", "职业或职务不超过50个字。"},
		{"phone", "手机号码", "请填写11位手机号码。"},
		{"workplace", "工作单位", "工作单位不超过200个字。"},
		{"address", "住址", "住址不超过200个字，不含特殊字符。"},
		{"id_card", "身份证号码", "请填写18位居民身份证号码，末位可为X。"},
		{"agents", "委托代理人", "每位当事人最多委托两名代理人。"},
	}
	agentParticulars = []particular{
		{"name", "代理人姓名", "请填写代理人姓名，不超过50个字。"},
		{"kind", "代理人身份", "请从列表中选择代理人身份。"},
		{"authority", "授权类型", "请选择一般授权或特别授权。"},
		{"powers", "委托事项和权限", "特别授权须写明委托事项和权限，不超过200个字。"},
		{"phone", "代理人手机号码", "代理人手机号码为11位，可不填。"},
		{"id_card", "代理人身份证号码", "请填写18位居民身份证号码，可不填。"},
		{"date", "授权日期", "授权日期不早于登记前一年，不晚于明天。"},
	}
	sideNames = map[string]string{"applicants": "申请人", "respondents": "被申请人"}
)

// particularInputs are the inputs of the particulars of one party of
// each side, each named by its field with the list indexes left out; a
// form names each with the indexes in (see refused).
func particularInputs(sides ...string) []input {
	var out []input
	for _, side := range sides {
		for _, p := range partyParticulars {
			f := side + "[]." + p.field
			out = append(out, input{f, sideNames[side] + p.label, p.hint, []string{f}})
		}
		for _, p := range agentParticulars {
			f := side + "[].agents[]." + p.field
			out = append(out, input{f, sideNames[side] + p.label, p.hint, []string{f, side + "[].agents[]"}})
		}
	}
	return out
}

// particularsForm is one party's particulars as a form shows them: what
// is typed or known, and what is wrong with it.
type particularsForm struct {
	ID     string // the prefix of the inputs' element IDs, e.g. "applicant"
	Prefix string // the party's field, the prefix of the inputs' names: "applicants[0]"
	values url.Values
	errors map[string]string
}

// Name returns the name of the input of the party's field f.
func (p particularsForm) Name(f string) string { return p.Prefix + "." + f }

// Value returns what the input of field f holds.
func (p particularsForm) Value(f string) string { return p.values.Get(p.Name(f)) }

// Err returns what the input of field f takes, when it is at fault.
func (p particularsForm) Err(f string) string { return p.errors[p.Name(f)] }

// Agent returns the part of the form of the party's agent i.
func (p particularsForm) Agent(i int) particularsForm {
	return particularsForm{ID: fmt.Sprintf("%s-agent%d", p.ID, i), Prefix: fmt.Sprintf("%s.agents[%d]", p.Prefix, i), values: p.values, errors: p.errors}
}

// Agents lists the indexes of the agents' parts of the form.
func (p particularsForm) Agents() []int {
	out := make([]int, formAgents)
	for i := range out {
		out[i] = i
	}
	return out
}

// Ethnicities lists the names of the ethnic groups a party may state.
func (particularsForm) Ethnicities() []string {
	var out []string
	for _, e := range mediation.Ethnicities() {
		out = append(out, e.String())
	}
	return out
}

// choice is an option of a select: its value and its Chinese label.
type choice struct{ ID, Label string }

// AgentKinds lists who an agent may be to the party.
func (particularsForm) AgentKinds() []choice {
	var out []choice
	for _, k := range []mediation.AgentKind{mediation.NearRelative, mediation.Lawyer, mediation.LegalWorker, mediation.OtherAgent} {
		out = append(out, choice{k.String(), agentKindNames[k.String()]})
	}
	return out
}

// partyValues are the inputs of party p's particulars under prefix, as
// p holds them: what a correction form starts from.
func partyValues(prefix string, p mediation.Party) url.Values {
	v := url.Values{}
	for field, text := range p.Particulars(prefix) {
		v.Set(field, text)
	}
	return v
}

// readParty reads the particulars of the party under prefix from a form,
// an agent's row counting when any of its texts is typed. What the form
// itself reads — the choices, the dates, the age — is reported under the
// domain's field names, every mistake at once; the rest the domain
// checks. An agent's authorisation left undated is dated today.
func readParty(f url.Values, prefix string, now time.Time) (mediation.Party, error) {
	get := func(name string) string { return strings.TrimSpace(f.Get(prefix + "." + name)) }
	var v fourplusn.Validation
	p := mediation.Party{
		Name: f.Get(prefix + ".name"), Occupation: get("occupation"), Phone: get("phone"),
		Workplace: get("workplace"), Address: get("address"), IDCard: get("id_card"),
	}
	switch get("sex") {
	case "":
	case mediation.Male.String():
		p.Sex = mediation.Male
	case mediation.Female.String():
		p.Sex = mediation.Female
	default:
		v.Fail(prefix+".sex", "unknown sex")
	}
	e, err := mediation.ParseEthnicity(get("ethnicity"))
	v.Under(prefix, err)
	p.Ethnicity = e
	p.BirthDate = readDate(&v, prefix+".birth_date", get("birth_date"))
	if s := get("age"); s != "" {
		age, err := strconv.Atoi(s)
		if err != nil {
			v.Fail(prefix+".age", "not a number")
		}
		p.Age = age
	}
	for i := range formAgents {
		ap := fmt.Sprintf("%s.agents[%d]", prefix, i)
		aget := func(name string) string { return strings.TrimSpace(f.Get(ap + "." + name)) }
		if aget("name") == "" && aget("powers") == "" && aget("phone") == "" && aget("id_card") == "" {
			continue
		}
		if n := len(p.Agents); n < i {
			// A row typed below an empty one is the party's agent n, as
			// the domain numbers it: so it is shown and marked again.
			ap = renumber(f, ap, fmt.Sprintf("%s.agents[%d]", prefix, n))
		}
		a := mediation.Agent{Name: f.Get(ap + ".name"), Powers: aget("powers"), Phone: aget("phone"), IDCard: aget("id_card")}
		kind, err := mediation.ParseAgentKind(aget("kind"))
		v.Under(ap, err)
		authority, err := mediation.ParseAuthority(aget("authority"))
		v.Under(ap, err)
		a.Kind, a.Authority = kind, authority
		if a.Date = readDate(&v, ap+".date", aget("date")); a.Date.IsZero() {
			a.Date = now.In(work.Zone)
		}
		p.Agents = append(p.Agents, a)
	}
	return p, v.Err()
}

// renumber moves the values of the inputs under prefix from to the same
// inputs under to, and returns to.
func renumber(f url.Values, from, to string) string {
	for k, v := range f {
		if rest, ok := strings.CutPrefix(k, from+"."); ok {
			f[to+"."+rest] = v
			delete(f, k)
		}
	}
	return to
}

// readDate reads a date typed as a date input sends it (2026-12-01), or
// the zero time for none; a date it cannot read is reported under field.
func readDate(v *fourplusn.Validation, field, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	d, err := time.ParseInLocation(time.DateOnly, s, work.Zone)
	if err != nil {
		v.Fail(field, "not a date")
	}
	return d
}

// fieldView is one input of a party's form, as a template draws it.
type fieldView struct{ Name, ID, Label, Value, Err string }

// Field returns the input of field f, labelled label.
func (p particularsForm) Field(f, label string) fieldView {
	return fieldView{Name: p.Name(f), ID: p.ID + "-" + strings.NewReplacer("_", "-", ".", "-").Replace(f), Label: label, Value: p.Value(f), Err: p.Err(f)}
}
