package mediation_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/mediation"
)

// TestCorrectionRules checks what a correction refuses: one that changes
// nothing, one that adds a party, and corrected particulars that break
// the intake's rules; each is Invalid, naming the field, and changes
// nothing.
func TestCorrectionRules(t *testing.T) {
	const head = "mayuan-1-head"
	tests := []struct {
		name   string
		cr     func(c *mediation.Case) mediation.Correction
		fields []string
	}{
		{"no reason and nothing to correct", func(*mediation.Case) mediation.Correction { return mediation.Correction{Reason: " "} },
			[]string{"correction", "reason"}},
		{"the facts as they are", func(c *mediation.Case) mediation.Correction {
			return mediation.Correction{Reason: "核对", Facts: c.Facts}
		}, []string{"correction"}},
		{"the parties as they are", func(c *mediation.Case) mediation.Correction {
			return mediation.Correction{Reason: "核对", Applicants: c.Applicants, Respondents: c.Respondents}
		}, []string{"correction"}},
		{"a respondent added", func(c *mediation.Case) mediation.Correction {
			return mediation.Correction{Reason: "追加", Respondents: append(c.Respondents, mediation.Party{Name: "李某"})}
		}, []string{"respondents"}},
		{"an applicant's phone removed, an ID card of the other sex", func(c *mediation.Case) mediation.Correction {
			ps := c.Parties()
			ps[0].Phone, ps[1].IDCard = "", idCard("1975-06-01", false)
			return mediation.Correction{Reason: "更正", Applicants: ps[:1], Respondents: ps[1:]}
		}, []string{"applicants[0].phone", "respondents[0].sex"}},
		{"facts with a bidi override", func(*mediation.Case) mediation.Correction {
			return mediation.Correction{Reason: "更正", Facts: "两家\u202e争吵"}
		}, []string{"facts"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			c := must(t)(f.svc.Register(ctx, f.actor(head), neighbourDispute()))
			before := f.stored(t, c.ID)
			_, err := f.svc.Correct(ctx, f.actor(head), c.ID, 0, tc.cr(f.stored(t, c.ID)))
			require.ErrorIs(t, err, fourplusn.Invalid)
			assert.Equal(t, tc.fields, fieldsOf(err), "%v", err)
			assert.Equal(t, before, f.stored(t, c.ID), "the case is unchanged")
		})
	}
}

// TestCorrectionEvent corrects the facts and the parties' particulars of
// a case registered with no more than intake requires, and checks the
// event: the reason, and before and after of each field changed and of
// no other; a viewer who may not see personal data sees the personal
// ones masked. The corrected case can then settle by written agreement,
// which keeps the particulars it was signed with.
func TestCorrectionEvent(t *testing.T) {
	f := newFixture(t)
	head := f.actor("mayuan-1-head")
	in := minimalDispute()
	in.Respondents = in.Respondents[:1]
	c := must(t)(f.svc.Register(ctx, head, in))

	ps := c.Parties()
	ps[0].Sex, ps[0].Ethnicity, ps[0].Age, ps[0].Occupation, ps[0].Address = mediation.Female, mediation.Han, 45, "农民", "马园一组"
	ps[0].Phone = "13900005555"
	ps[1] = mediation.Party{Name: "张某某", Ethnicity: mediation.Han, Occupation: "个体经营", Phone: "13900002222", Workplace: "马园超市",
		IDCard: idCard("1975-06-01", true), Agents: []mediation.Agent{{Name: "张小某", Kind: mediation.NearRelative, Phone: "13900006666",
			Authority: mediation.GeneralAuthority, Date: day("2022-11-01")}}}
	c, err := f.svc.Correct(ctx, head, c.ID, c.Version, mediation.Correction{
		Reason: "补录当事人基本情况", Facts: "两家因排水沟堵塞互相指责，争吵三次。", Applicants: ps[:1], Respondents: ps[1:],
	})
	require.NoError(t, err)
	assert.Equal(t, mediation.Female, c.Respondents[0].Sex, "taken from the ID card")

	events, err := f.svc.Timeline(ctx, head, c.ID)
	require.NoError(t, err)
	e := events[len(events)-1]
	assert.Equal(t, mediation.ActionCorrected, e.Action)
	changed := map[string][2]string{
		"facts":                              {"两家因排水沟堵塞互相指责，多次争吵。", "两家因排水沟堵塞互相指责，争吵三次。"},
		"applicants[0].sex":                  {"", "female"},
		"applicants[0].ethnicity":            {"", "汉族"},
		"applicants[0].age":                  {"", "45"},
		"applicants[0].occupation":           {"", "农民"},
		"applicants[0].address":              {"", "马园一组"},
		"applicants[0].phone":                {"13900001111", "13900005555"},
		"respondents[0].sex":                 {"", "female"},
		"respondents[0].ethnicity":           {"", "汉族"},
		"respondents[0].birth_date":          {"", "1975-06-01"},
		"respondents[0].occupation":          {"", "个体经营"},
		"respondents[0].phone":               {"", "13900002222"},
		"respondents[0].workplace":           {"", "马园超市"},
		"respondents[0].id_card":             {"", idCard("1975-06-01", true)},
		"respondents[0].agents[0].name":      {"", "张小某"},
		"respondents[0].agents[0].kind":      {"", "near_relative"},
		"respondents[0].agents[0].phone":     {"", "13900006666"},
		"respondents[0].agents[0].authority": {"", "general"},
		"respondents[0].agents[0].date":      {"", "2022-11-01"},
	}
	want := map[string]string{"reason": "补录当事人基本情况"}
	for field, v := range changed {
		want[field+".before"], want[field+".after"] = v[0], v[1]
	}
	assert.Equal(t, want, e.Details)
	require.NoError(t, f.svc.CheckTimeline(ctx, head, c.ID))

	// The land office sees the case masked, and so the correction.
	masked, err := f.svc.Timeline(ctx, f.actor("gc-land"), c.ID)
	require.NoError(t, err)
	m := masked[len(masked)-1].Details
	for field, v := range map[string]string{
		"applicants[0].phone.before":           "139****1111",
		"applicants[0].phone.after":            "139****5555",
		"applicants[0].address.after":          "马园一组",
		"respondents[0].birth_date.after":      "****-**-**",
		"respondents[0].workplace.after":       "马园超市",
		"respondents[0].id_card.after":         fourplusn.MaskIDCard(idCard("1975-06-01", true)),
		"respondents[0].agents[0].name.after":  "张**",
		"respondents[0].agents[0].phone.after": "139****6666",
		"respondents[0].birth_date.before":     "",
		"respondents[0].occupation.after":      "个体经营",
		"facts.after":                          "两家因排水沟堵塞互相指责，争吵三次。",
		"reason":                               "补录当事人基本情况",
	} {
		assert.Equal(t, v, m[field], field)
	}
	for k, v := range m {
		for _, secret := range []string{"13900005555", "13900001111", "13900006666", "张小某", "1975-06-01", idCard("1975-06-01", true)} {
			assert.NotContains(t, v, secret, "%s shows personal data", k)
		}
	}
	assert.Equal(t, "13900005555", e.Details["applicants[0].phone.after"], "masking changes the viewer's copy only")

	// With the particulars complete, a written agreement is recorded; a
	// later correction leaves the particulars it was signed with.
	c = mediating(t, f, c)
	c = must(t)(f.svc.RecordAgreement(ctx, head, c.ID, 0, writtenAgreement(c, 0, f.clock.Now())))
	ps = c.Parties()
	ps[0].Phone = "13900007777"
	c = must(t)(f.svc.Correct(ctx, head, c.ID, 0, mediation.Correction{Reason: "申请人更换手机号码", Applicants: ps[:1]}))
	assert.Equal(t, "13900007777", c.Applicants[0].Phone)
	assert.Equal(t, "13900005555", c.Agreement.Parties[0].Phone, "as signed")
	events, err = f.svc.Timeline(ctx, head, c.ID)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{
		"reason": "申请人更换手机号码", "applicants[0].phone.before": "13900005555", "applicants[0].phone.after": "13900007777",
	}, events[len(events)-1].Details, "only what changed")
}
