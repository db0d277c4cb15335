package mediation

import (
	"fmt"
	"strconv"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/work"
)

// Sex of a party, as the agreement records it.
type Sex uint8

// The sexes; the zero value is unstated.
const (
	SexUnstated Sex = iota
	Male
	Female
	numSexes
)

var sexNames = []string{"unstated", "male", "female"}

// String returns the sex's stable name.
func (s Sex) String() string { return enumName(sexNames, s, "sex") }

// ParseSex reads a sex's stable name; "" reads as unstated.
func ParseSex(s string) (Sex, error) {
	if s == "" {
		return SexUnstated, nil
	}
	return parseEnum[Sex]("sex", sexNames, s)
}

// Party is an applicant or respondent, with the particulars the
// application (申请书) and the agreement (协议书) state of each party —
// name, sex, ethnicity, age, occupation or post, phone, workplace or
// address — the ID-card number the case file's proof of identity holds,
// and the agents the party authorised. Only the name is required of
// every party, and the phone of applicants; a written agreement needs
// more, from its draft on (see DraftAgreement).
type Party struct {
	Name       string
	Sex        Sex
	Ethnicity  Ethnicity
	BirthDate  time.Time // the date of birth, at midnight UTC; zero if unknown
	Age        int       // in full years (周岁) at registration, when given; 0 if unknown
	Occupation string    // occupation or post (职业或职务)
	Phone      string    // a mainland mobile number; required of applicants
	Workplace  string    // the work unit (单位)
	Address    string    // where the party lives (住址)
	IDCard     string    // the resident ID number (GB 11643)
	Agents     []Agent
}

// AgeAt returns the party's age in full years (周岁) on the day t falls on
// in the township: counted from the date of birth when it is known, else
// the age given, which is the age at registration.
func (p *Party) AgeAt(t time.Time) int {
	if p.BirthDate.IsZero() {
		return p.Age
	}
	y, m, d := t.In(work.Zone).Date()
	age := y - p.BirthDate.Year()
	if m < p.BirthDate.Month() || m == p.BirthDate.Month() && d < p.BirthDate.Day() {
		age--
	}
	return age
}

// Agent is someone a party authorised to act for them in the mediation
// (委托代理人), with the authorisation (授权委托书) the case file keeps: a
// general one lets the agent take part for the party; a special one lets
// them also do what its powers name, such as admit, waive or change a
// claim, or sign the agreement.
type Agent struct {
	Name      string
	Kind      AgentKind
	Phone     string // a mainland mobile number; optional
	IDCard    string // the resident ID number; optional
	Authority Authority
	Powers    string    // what the authorisation covers (委托事项和权限); required of a special one
	Date      time.Time // the date of the authorisation, at midnight UTC
}

// AgentKind is who an agent is to the party.
type AgentKind uint8

// The kinds of agent. Do not reorder: stored values are these numbers.
const (
	NearRelative AgentKind = iota + 1 // 近亲属
	Lawyer                            // 律师
	LegalWorker                       // 基层法律服务工作者
	OtherAgent                        // 其他公民: a citizen the party trusts
	numAgentKinds
)

var agentKindNames = []string{"", "near_relative", "lawyer", "legal_worker", "other"}

// String returns the kind's stable name.
func (k AgentKind) String() string { return enumName(agentKindNames, k, "agent_kind") }

// ParseAgentKind reads a kind's stable name.
func ParseAgentKind(s string) (AgentKind, error) {
	return parseEnum[AgentKind]("kind", agentKindNames, s)
}

// Authority is the scope of an agent's authorisation.
type Authority uint8

// The scopes of an authorisation. Do not reorder: stored values are these
// numbers.
const (
	GeneralAuthority Authority = iota + 1 // 一般授权
	SpecialAuthority                      // 特别授权
	numAuthorities
)

var authorityNames = []string{"", "general", "special"}

// String returns the scope's stable name.
func (a Authority) String() string { return enumName(authorityNames, a, "authority") }

// ParseAuthority reads a scope's stable name.
func ParseAuthority(s string) (Authority, error) {
	return parseEnum[Authority]("authority", authorityNames, s)
}

// enumName returns names[e], or the kind and number of a value out of
// range.
func enumName[E ~uint8](names []string, e E, kind string) string {
	if int(e) < len(names) && names[e] != "" {
		return names[e]
	}
	return fmt.Sprintf("%s(%d)", kind, e)
}

// parseEnum reads a stable name of names, naming field when s is none.
func parseEnum[E ~uint8](field string, names []string, s string) (E, error) {
	for i, n := range names {
		if n != "" && n == s {
			return E(i), nil
		}
	}
	return 0, invalid(field, "unknown %s %q", field, s)
}

// maxAgents bounds a party's agents: one or two, as the Civil Procedure
// Law allows a party in court.
const maxAgents = 2

// earliestBirth is the first date of birth taken: the first an ID card
// may hold.
var earliestBirth = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// when is the time particulars are checked at: when the case was
// registered, and now; the two are the same at registration. The zero
// when checks nothing that needs a clock, as Intake.Validate, which has
// none, does.
type when struct{ registered, now time.Time }

// today is the date of w's now in the township, at midnight UTC.
func (w when) today() time.Time { return dateOf(w.now.In(work.Zone)) }

// dateOf returns the calendar date t falls on in its own zone, at
// midnight UTC: how dates of birth and of authorisations are kept.
func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// normalize validates p, cleans its text, puts its phone and ID-card
// numbers in normal form and its dates at midnight UTC, and reports every
// field at fault. An applicant must leave a phone number; a respondent's
// may be unknown. The ID card, if given, fixes the date of birth and the
// sex: what is typed must agree with it, and what is not typed is taken
// from it. An age given with a date of birth must be the full years from
// it at registration.
func (p *Party) normalize(phoneRequired bool, at when) error {
	var v fourplusn.Validation
	p.Name = v.Keep(fourplusn.Text("name", p.Name, maxName))
	if p.Sex >= numSexes {
		v.Fail("sex", "sex must be unstated, male or female")
	}
	if !p.Ethnicity.Valid() {
		v.Fail("ethnicity", "unknown ethnic group %d: use a code of GB 3304", p.Ethnicity)
	}
	if !p.BirthDate.IsZero() {
		p.BirthDate = dateOf(p.BirthDate)
		v.Add(at.checkBirth("birth_date", p.BirthDate))
	}
	if p.Age < 0 || p.Age > maxAge {
		v.Fail("age", "age must be between 0 (unknown) and %d", maxAge)
	}
	p.Occupation = v.Keep(fourplusn.OptionalText("occupation", p.Occupation, maxName))
	p.Phone = v.Keep(normalPhone("phone", p.Phone, phoneRequired))
	p.Workplace = v.Keep(fourplusn.OptionalText("workplace", p.Workplace, maxShortText))
	p.Address = v.Keep(fourplusn.OptionalText("address", p.Address, maxShortText))
	if p.IDCard != "" {
		id, err := fourplusn.ParseIDCard(p.IDCard)
		v.Under("id_card", err)
		p.IDCard = id.Number
		if err == nil {
			v.Add(p.agreeWith(id, at))
		}
	}
	if p.Age > 0 && !p.BirthDate.IsZero() && !at.registered.IsZero() && p.AgeAt(at.registered) != p.Age {
		v.Fail("age", "does not agree with the date of birth: give the age in full years (周岁), or leave it empty")
	}
	if len(p.Agents) > maxAgents {
		v.Fail("agents", "at most %d agents", maxAgents)
	}
	for i := range p.Agents {
		v.Under(fmt.Sprintf("agents[%d]", i), p.Agents[i].normalize(at))
	}
	return v.Err()
}

// agreeWith checks p's date of birth and sex against those id encodes,
// taking each from it when p has none. Its messages do not repeat the
// number or the dates: they may reach a log.
func (p *Party) agreeWith(id fourplusn.IDCard, at when) error {
	var v fourplusn.Validation
	if !at.now.IsZero() && id.Birth.After(at.today()) {
		v.Fail("id_card", "holds a date of birth in the future; check the number for a typo")
	}
	switch {
	case p.BirthDate.IsZero():
		p.BirthDate = id.Birth
	case !p.BirthDate.Equal(id.Birth):
		v.Fail("birth_date", "does not agree with the date of birth the ID card number holds (its digits 7–14)")
	}
	sex := Male
	if id.Female {
		sex = Female
	}
	switch p.Sex {
	case SexUnstated:
		p.Sex = sex
	case sex:
	default:
		v.Fail("sex", "does not agree with the sex the ID card number holds (its 17th digit)")
	}
	return v.Err()
}

// checkBirth checks a date of birth: from 1900 on, and not after today.
func (w when) checkBirth(field string, d time.Time) error {
	switch {
	case d.Before(earliestBirth):
		return fourplusn.FieldError(field, "must be from %s on", earliestBirth.Format(time.DateOnly))
	case !w.now.IsZero() && d.After(w.today()):
		return fourplusn.FieldError(field, "lies in the future")
	}
	return nil
}

// normalize validates a, cleans its text, puts its numbers in normal form
// and its date at midnight UTC, and reports every field at fault. The
// authorisation may be dated up to a year before the case was registered,
// and no later than a day from now.
func (a *Agent) normalize(at when) error {
	var v fourplusn.Validation
	a.Name = v.Keep(fourplusn.Text("name", a.Name, maxName))
	if a.Kind < NearRelative || a.Kind >= numAgentKinds {
		v.Fail("kind", "an agent is a near relative, a lawyer, a basic-level legal service worker or another citizen")
	}
	a.Phone = v.Keep(normalPhone("phone", a.Phone, false))
	if a.IDCard != "" {
		id, err := fourplusn.ParseIDCard(a.IDCard)
		v.Under("id_card", err)
		a.IDCard = id.Number
	}
	switch a.Authority {
	case GeneralAuthority:
		a.Powers = v.Keep(fourplusn.OptionalText("powers", a.Powers, maxShortText))
	case SpecialAuthority:
		a.Powers = v.Keep(fourplusn.Text("powers", a.Powers, maxShortText))
	default:
		v.Fail("authority", "an authorisation is general or special")
	}
	switch {
	case a.Date.IsZero():
		v.Fail("date", "the date of the authorisation is required")
	case at.now.IsZero():
		a.Date = dateOf(a.Date)
	default:
		a.Date = dateOf(a.Date)
		v.Add(fourplusn.Window{From: dateOf(at.registered.Add(-agreementLead)), To: at.now.Add(signedAhead)}.Check("date", a.Date))
	}
	return v.Err()
}

// normalPhone returns the normal form of a phone number, or an error
// naming field; an empty one is an error only when required.
func normalPhone(field, s string, required bool) (string, error) {
	if s == "" && !required {
		return "", nil
	}
	phone, err := fourplusn.ParsePhone(s)
	return phone, fourplusn.WithField(field, err)
}

// agreementParticulars are what a written agreement states of every party
// (当事人基本情况 in the Ministry of Justice's model 协议书), so each must be
// known before one is drafted or recorded; the name, which intake
// requires, is the one more. The ID-card number is not among them: the
// agreement does not state it, and the case file's proof of identity
// (当事人身份证明) holds it. Nor are agents: a party may act alone.
var agreementParticulars = []struct {
	field, what string
	has         func(p *Party) bool
}{
	{"sex", "the sex", func(p *Party) bool { return p.Sex != SexUnstated }},
	{"ethnicity", "the ethnic group", func(p *Party) bool { return p.Ethnicity != 0 }},
	{"age", "the date of birth or the age", func(p *Party) bool { return !p.BirthDate.IsZero() || p.Age > 0 }},
	{"occupation", "the occupation or post", func(p *Party) bool { return p.Occupation != "" }},
	{"address", "the address or the workplace", func(p *Party) bool { return p.Address != "" || p.Workplace != "" }},
	{"phone", "the phone number", func(p *Party) bool { return p.Phone != "" }},
}

// checkParticulars reports every particular a written agreement states
// that a party of c lacks, naming each as the intake names it
// ("respondents[0].ethnicity").
func (c *Case) checkParticulars() error {
	var v fourplusn.Validation
	for _, side := range []struct {
		field   string
		parties []Party
	}{{"applicants", c.Applicants}, {"respondents", c.Respondents}} {
		for i := range side.parties {
			for _, need := range agreementParticulars {
				if !need.has(&side.parties[i]) {
					v.Fail(fmt.Sprintf("%s[%d].%s", side.field, i, need.field), "%s is required before a written agreement is drafted or recorded", need.what)
				}
			}
		}
	}
	return v.Err()
}

// A particular is one of the particulars of a party or an agent (T) that
// are text, by the name fields and a correction's details give it, with
// the mask shown for it to those who may not see personal data; nil when
// it is not personal data.
type particular[T any] struct {
	name string
	of   func(*T) *string
	mask func(string) string
}

var partyTexts = []particular[Party]{
	{"name", func(p *Party) *string { return &p.Name }, fourplusn.MaskName},
	{"occupation", func(p *Party) *string { return &p.Occupation }, nil},
	{"phone", func(p *Party) *string { return &p.Phone }, fourplusn.MaskPhone},
	{"workplace", func(p *Party) *string { return &p.Workplace }, fourplusn.MaskAddress},
	{"address", func(p *Party) *string { return &p.Address }, fourplusn.MaskAddress},
	{"id_card", func(p *Party) *string { return &p.IDCard }, fourplusn.MaskIDCard},
}

var agentTexts = []particular[Agent]{
	{"name", func(a *Agent) *string { return &a.Name }, fourplusn.MaskName},
	{"phone", func(a *Agent) *string { return &a.Phone }, fourplusn.MaskPhone},
	{"id_card", func(a *Agent) *string { return &a.IDCard }, fourplusn.MaskIDCard},
	{"powers", func(a *Agent) *string { return &a.Powers }, nil},
}

// maskTexts masks the personal particulars of t.
func maskTexts[T any](t *T, texts []particular[T]) {
	for _, f := range texts {
		if f.mask != nil {
			s := f.of(t)
			*s = f.mask(*s)
		}
	}
}

// mask hides p's personal data as those who may not see it see it: each
// personal text by its mask, the date of birth behind the age it gives at
// at, and the agents' names and numbers as the party's.
func (p *Party) mask(at time.Time) {
	maskTexts(p, partyTexts)
	if !p.BirthDate.IsZero() {
		p.Age, p.BirthDate = p.AgeAt(at), time.Time{}
	}
	for i := range p.Agents {
		maskTexts(&p.Agents[i], agentTexts)
	}
}

// maskParties masks each of ps, the ages of those with a date of birth
// given at at.
func maskParties(ps []Party, at time.Time) {
	for i := range ps {
		ps[i].mask(at)
	}
}

// detailMasks map the name of each personal particular to its mask, for
// the details of a correction, which name a party's and an agent's
// particulars alike: "applicants[0].phone", "applicants[0].agents[1].phone".
var detailMasks = func() map[string]func(string) string {
	m := map[string]func(string) string{"birth_date": maskDate}
	for _, f := range partyTexts {
		if f.mask != nil {
			m[f.name] = f.mask
		}
	}
	for _, f := range agentTexts {
		if f.mask != nil {
			m[f.name] = f.mask
		}
	}
	return m
}()

// maskDate hides a date wholly.
func maskDate(s string) string {
	if s == "" {
		return ""
	}
	return "****-**-**"
}

// Particulars returns each particular p has, as text, keyed by its field
// under field ("applicants[0].phone", "applicants[0].agents[0].name"), as
// the intake names the fields: what a form is filled in with again.
func (p *Party) Particulars(field string) map[string]string {
	out := map[string]string{}
	p.texts(field, out)
	return out
}

// texts writes each particular p has, as text, into out, keyed by its
// field under field ("applicants[0].phone"): what a correction compares.
func (p *Party) texts(field string, out map[string]string) {
	put := func(name, s string) {
		if s != "" {
			out[field+"."+name] = s
		}
	}
	for _, f := range partyTexts {
		put(f.name, *f.of(p))
	}
	if p.Sex != SexUnstated {
		put("sex", p.Sex.String())
	}
	put("ethnicity", p.Ethnicity.String())
	if !p.BirthDate.IsZero() {
		put("birth_date", p.BirthDate.Format(time.DateOnly))
	}
	if p.Age > 0 {
		put("age", strconv.Itoa(p.Age))
	}
	for i := range p.Agents {
		a := &p.Agents[i]
		agent := fmt.Sprintf("agents[%d].", i)
		for _, f := range agentTexts {
			put(agent+f.name, *f.of(a))
		}
		put(agent+"kind", a.Kind.String())
		put(agent+"authority", a.Authority.String())
		put(agent+"date", a.Date.Format(time.DateOnly))
	}
}
