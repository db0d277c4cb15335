package mediation_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/mediation"
)

// idCard returns a valid resident ID number of someone born on birth
// (YYYY-MM-DD), a woman or a man.
func idCard(birth string, female bool) string {
	seq := "001"
	if female {
		seq = "002"
	}
	body := "110105" + strings.ReplaceAll(birth, "-", "") + seq
	return body + string(fourplusn.IDCardCheck(body))
}

// day is a date at midnight UTC, as particulars keep dates.
func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestParticularsAtRegistration registers the fixture's dispute with the
// applicant's particulars edited, on the fixture's clock (1 November
// 2022), and checks which fields are refused, or what is stored.
func TestParticularsAtRegistration(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(p *mediation.Party)
		fields []string // nil: registered
		check  func(t *testing.T, p mediation.Party)
	}{
		{"every particular, and an ID card that agrees", func(p *mediation.Party) {
			p.BirthDate, p.Age, p.IDCard, p.Workplace = day("1977-05-20"), 45, idCard("1977-05-20", true), "马园村委会"
		}, nil, nil},
		{"a date of birth at any hour in any zone is kept as its date", func(p *mediation.Party) {
			p.BirthDate, p.Age = time.Date(1977, 5, 20, 23, 30, 0, 0, shanghai), 0
		}, nil, func(t *testing.T, p mediation.Party) {
			assert.Equal(t, day("1977-05-20"), p.BirthDate)
		}},
		{"the ID card gives the date of birth and the sex not typed", func(p *mediation.Party) {
			p.Sex, p.Age, p.IDCard = mediation.SexUnstated, 0, idCard("1977-05-20", false)
		}, nil, func(t *testing.T, p mediation.Party) {
			assert.Equal(t, day("1977-05-20"), p.BirthDate)
			assert.Equal(t, mediation.Male, p.Sex)
		}},
		{"a man's ID card for a woman", func(p *mediation.Party) { p.Age, p.IDCard = 0, idCard("1977-05-20", false) }, []string{"sex"}, nil},
		{"an ID card of another date of birth", func(p *mediation.Party) {
			p.BirthDate, p.Age, p.IDCard = day("1977-05-21"), 0, idCard("1977-05-20", true)
		}, []string{"birth_date"}, nil},
		{"an age the ID card does not give", func(p *mediation.Party) { p.Age, p.IDCard = 46, idCard("1977-05-20", true) }, []string{"age"}, nil},
		{"an ID card of someone born in the future", func(p *mediation.Party) { p.Age, p.IDCard = 0, idCard("2022-11-02", true) }, []string{"id_card"}, nil},
		{"full years on the day before a birthday", func(p *mediation.Party) { p.BirthDate, p.Age = day("1977-11-02"), 44 }, nil, nil},
		{"the age after a birthday not yet reached", func(p *mediation.Party) { p.BirthDate, p.Age = day("1977-11-02"), 45 }, []string{"age"}, nil},
		{"born tomorrow", func(p *mediation.Party) { p.BirthDate, p.Age = day("2022-11-02"), 0 }, []string{"birth_date"}, nil},
		{"born in 1899", func(p *mediation.Party) { p.BirthDate, p.Age = day("1899-12-31"), 0 }, []string{"birth_date"}, nil},
		{"an ethnic group GB 3304 lacks", func(p *mediation.Party) { p.Ethnicity = 57 }, []string{"ethnicity"}, nil},
		{"an occupation with a NUL and a workplace too long", func(p *mediation.Party) {
			p.Occupation, p.Workplace = "农民\x00", strings.Repeat("村", 201)
		}, []string{"occupation", "workplace"}, nil},
		{"a general authorisation to a relative, with no phone", func(p *mediation.Party) {
			p.Agents = []mediation.Agent{{Name: "王某", Kind: mediation.NearRelative, Authority: mediation.GeneralAuthority, Date: day("2022-10-30")}}
		}, nil, func(t *testing.T, p mediation.Party) {
			assert.Equal(t, "王某", p.Agents[0].Name)
		}},
		{"an agent with nothing but a phone", func(p *mediation.Party) {
			p.Agents = []mediation.Agent{{Phone: "12345"}}
		}, []string{"agents[0].name", "agents[0].kind", "agents[0].phone", "agents[0].authority", "agents[0].date"}, nil},
		{"a special authorisation that names no powers", func(p *mediation.Party) {
			p.Agents = []mediation.Agent{{Name: "李律师", Kind: mediation.Lawyer, Authority: mediation.SpecialAuthority, Powers: " ", Date: day("2022-10-30")}}
		}, []string{"agents[0].powers"}, nil},
		{"an authorisation dated more than a year before registration", func(p *mediation.Party) {
			p.Agents = []mediation.Agent{{Name: "王某", Kind: mediation.OtherAgent, Authority: mediation.GeneralAuthority, Date: day("2021-10-30")}}
		}, []string{"agents[0].date"}, nil},
		{"an authorisation dated a week ahead", func(p *mediation.Party) {
			p.Agents = []mediation.Agent{{Name: "王某", Kind: mediation.LegalWorker, Authority: mediation.GeneralAuthority, Date: day("2022-11-08")}}
		}, []string{"agents[0].date"}, nil},
		{"three agents", func(p *mediation.Party) {
			a := mediation.Agent{Name: "王某", Kind: mediation.NearRelative, Authority: mediation.GeneralAuthority, Date: day("2022-10-30")}
			p.Agents = []mediation.Agent{a, a, a}
		}, []string{"agents"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			in := neighbourDispute()
			in.Applicants[0].IDCard = "" // each case gives the ID card it checks
			tc.edit(&in.Applicants[0])
			c, err := f.svc.Register(ctx, f.actor("mayuan-1-head"), in)
			if tc.fields == nil {
				require.NoError(t, err)
				if tc.check != nil {
					tc.check(t, f.stored(t, c.ID).Applicants[0])
				}
				return
			}
			require.ErrorIs(t, err, fourplusn.Invalid)
			want := make([]string, len(tc.fields))
			for i, field := range tc.fields {
				want[i] = "applicants[0]." + field
			}
			assert.Equal(t, want, fieldsOf(err), "%v", err)
			assert.NotContains(t, err.Error(), "1977", "the messages do not repeat personal data")
		})
	}
}

// TestValidateReadsNoClock checks that Intake.Validate passes what only a
// clock refuses, and that Register, which has one, refuses it.
func TestValidateReadsNoClock(t *testing.T) {
	f := newFixture(t)
	in := neighbourDispute()
	in.Applicants[0].BirthDate, in.Applicants[0].Age, in.Applicants[0].IDCard = day("2030-01-01"), 0, ""
	require.NoError(t, in.Validate(f.svc.Rules()))
	_, err := f.svc.Register(ctx, f.actor("mayuan-1-head"), in)
	require.ErrorIs(t, err, fourplusn.Invalid)
	assert.Equal(t, []string{"applicants[0].birth_date"}, fieldsOf(err))
}

// TestEthnicities checks the table of GB 3304 and how names are read.
func TestEthnicities(t *testing.T) {
	all := mediation.Ethnicities()
	require.Len(t, all, 58, "56 groups, 其他 and 外国血统中国籍人士")
	names := map[string]bool{}
	for _, e := range all {
		require.True(t, e.Valid())
		names[e.String()] = true
		back, err := mediation.ParseEthnicity(e.String())
		require.NoError(t, err)
		assert.Equal(t, e, back)
	}
	assert.Len(t, names, 58, "every name once")
	assert.Equal(t, mediation.Ethnicity(98), all[57])

	tests := []struct {
		name string
		want mediation.Ethnicity
		ok   bool
	}{
		{"汉族", mediation.Han, true},
		{"汉", mediation.Han, true},
		{"蒙古", 2, true},
		{"维吾尔族", 5, true},
		{"基诺族", 56, true},
		{"其他", 97, true},
		{"外国血统中国籍人士", 98, true},
		{"", 0, true},
		{"汉人", 0, false},
		{"族", 0, false},
		{"其他族", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := mediation.ParseEthnicity(tc.name)
			if !tc.ok {
				require.ErrorIs(t, err, fourplusn.Invalid)
				assert.Equal(t, "ethnicity", fourplusn.ErrorField(err))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	assert.False(t, mediation.Ethnicity(57).Valid())
	assert.True(t, mediation.Ethnicity(0).Valid(), "unstated")
}

// TestAgeAt checks that an age is counted in full years on the day it is
// in the township, from the date of birth when there is one.
func TestAgeAt(t *testing.T) {
	born := mediation.Party{BirthDate: day("1950-03-05"), Age: 99}
	tests := []struct {
		name string
		p    mediation.Party
		at   time.Time
		want int
	}{
		{"the day before the birthday", born, time.Date(2022, 3, 4, 12, 0, 0, 0, shanghai), 71},
		{"on the birthday", born, time.Date(2022, 3, 5, 0, 0, 0, 0, shanghai), 72},
		{"the birthday in Shanghai, still the day before in UTC", born, time.Date(2022, 3, 4, 16, 0, 0, 0, time.UTC), 72},
		{"no date of birth: the age given", mediation.Party{Age: 45}, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), 45},
		{"neither", mediation.Party{}, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.p.AgeAt(tc.at))
		})
	}
}

// TestAgentVocabulary checks that the kinds of agent and the scopes of an
// authorisation read back from their stable names, and nothing else does.
func TestAgentVocabulary(t *testing.T) {
	for _, k := range []mediation.AgentKind{mediation.NearRelative, mediation.Lawyer, mediation.LegalWorker, mediation.OtherAgent} {
		got, err := mediation.ParseAgentKind(k.String())
		require.NoError(t, err)
		assert.Equal(t, k, got)
	}
	for _, a := range []mediation.Authority{mediation.GeneralAuthority, mediation.SpecialAuthority} {
		got, err := mediation.ParseAuthority(a.String())
		require.NoError(t, err)
		assert.Equal(t, a, got)
	}
	for _, s := range []string{"", "律师", "Lawyer"} {
		_, err := mediation.ParseAgentKind(s)
		assert.Equal(t, "kind", fourplusn.ErrorField(err), "%q", s)
		_, err = mediation.ParseAuthority(s)
		assert.Equal(t, "authority", fourplusn.ErrorField(err), "%q", s)
	}
	assert.Equal(t, "agent_kind(9)", mediation.AgentKind(9).String())
}

// TestMaskedParticulars checks what a viewer who may not see personal
// data sees of every particular: masked names, numbers, addresses and
// workplaces, an age in place of the date of birth, and the agents' names
// and numbers masked as the party's; the rest as it is.
func TestMaskedParticulars(t *testing.T) {
	f := newFixture(t)
	in := neighbourDispute()
	p := &in.Applicants[0]
	p.BirthDate, p.Age, p.IDCard, p.Workplace, p.Address = day("1977-05-20"), 0, idCard("1977-05-20", true), "古城办事处马园村委会", "古城办事处马园社区马园一组"
	p.Agents = []mediation.Agent{{Name: "王小某", Kind: mediation.NearRelative, Phone: "13900004444", IDCard: idCard("2000-01-01", false),
		Authority: mediation.SpecialAuthority, Powers: "代为签署调解协议", Date: day("2022-10-30")}}
	c := must(t)(f.svc.Register(ctx, f.actor("mayuan-1-head"), in))

	got, err := f.svc.Get(ctx, f.actor("gc-land"), c.ID)
	require.NoError(t, err)
	require.True(t, got.Masked)
	want := mediation.Party{
		Name: "王**", Sex: mediation.Female, Ethnicity: mediation.Han, Age: 45, Occupation: "农民",
		Phone: "139****1111", Workplace: "古城办事处马****", Address: "古城办事处马****", IDCard: fourplusn.MaskIDCard(idCard("1977-05-20", true)),
		Agents: []mediation.Agent{{Name: "王**", Kind: mediation.NearRelative, Phone: "139****4444", IDCard: fourplusn.MaskIDCard(idCard("2000-01-01", false)),
			Authority: mediation.SpecialAuthority, Powers: "代为签署调解协议", Date: day("2022-10-30")}},
	}
	assert.Equal(t, want, got.Applicants[0])
	assert.Equal(t, day("1977-05-20"), f.stored(t, c.ID).Applicants[0].BirthDate, "masking changes a copy")

	full, err := f.svc.Get(ctx, f.actor("mayuan-1-head"), c.ID)
	require.NoError(t, err)
	assert.Equal(t, f.stored(t, c.ID).Applicants, full.Applicants, "who may see personal data sees it all")
}

// TestParticulars checks the particulars a form is filled in with again:
// each one the party has, as text, under the intake's field names.
func TestParticulars(t *testing.T) {
	p := mediation.Party{Name: "王某某", Sex: mediation.Female, Ethnicity: mediation.Han, BirthDate: day("1977-05-20"), Phone: "13900001111",
		Agents: []mediation.Agent{{Name: "王小某", Kind: mediation.NearRelative, Authority: mediation.SpecialAuthority, Powers: "代为签署", Date: day("2022-11-01")}}}
	assert.Equal(t, map[string]string{
		"applicants[0].name": "王某某", "applicants[0].sex": "female", "applicants[0].ethnicity": "汉族",
		"applicants[0].birth_date": "1977-05-20", "applicants[0].phone": "13900001111",
		"applicants[0].agents[0].name": "王小某", "applicants[0].agents[0].kind": "near_relative",
		"applicants[0].agents[0].authority": "special", "applicants[0].agents[0].powers": "代为签署",
		"applicants[0].agents[0].date": "2022-11-01",
	}, p.Particulars("applicants[0]"))
}
