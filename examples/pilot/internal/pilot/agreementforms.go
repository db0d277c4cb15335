package pilot

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

// The case page's forms for a written agreement's life — drafted and
// revised, printed, its marks recorded as they are made on the paper,
// superseded — for an oral agreement, and for corrections of what was
// registered.

// dateTimeInput is how a datetime-local input sends a time.
const dateTimeInput = "2006-01-02T15:04"

// formOf returns the form an action's name stands for: a correction's
// action names the party corrected after a colon ("correct:applicants[0]").
func formOf(action string) string {
	form, _, _ := strings.Cut(action, ":")
	return form
}

// draftAgreement drafts the written agreement of the form, or revises the
// draft; with supersede, it drafts one to replace the agreement in
// effect, for the reason given. The payment, if any, is the first
// respondent's to the first applicant, due when the agreement is to be
// performed.
func (s *Server) draftAgreement(r *http.Request, actor grid.Actor, id mediation.ID, version int64, supersede bool) (*mediation.Case, error) {
	ctx, f := r.Context(), r.PostForm
	c, err := s.app.Cases.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	var v fourplusn.Validation
	a := mediation.Agreement{
		Form: mediation.Written, Number: f.Get("number"), Facts: f.Get("facts"),
		Disputes: f.Get("disputes"), Responsibilities: f.Get("responsibilities"),
		Terms: f.Get("terms"), Manner: f.Get("manner"), Place: f.Get("place"),
		Mediator: f.Get("mediator"), MediatorPost: f.Get("mediator_post"), Committee: s.committee(c),
	}
	if by := readDate(&v, "agreement.perform_by", strings.TrimSpace(f.Get("perform_by"))); !by.IsZero() {
		// Performed by the end of the day named.
		a.PerformBy = by.Add(24*time.Hour - time.Second)
	}
	if amount := strings.TrimSpace(f.Get("amount")); amount != "" && len(c.Applicants) > 0 && len(c.Respondents) > 0 {
		fen, err := fourplusn.ParseYuan("agreement.payments[0].amount", amount)
		if v.Add(err) {
			a.Payments = []mediation.Payment{{Payer: c.Respondents[0].Name, Payee: c.Applicants[0].Name, Amount: fen, Due: a.PerformBy}}
		}
	}
	if !v.OK() {
		// The rest of the draft is checked too, so that every mistake is
		// shown at once; nothing is stored. Validate checks a draft as
		// the service does, and the marks a draft has none of yet.
		for _, e := range fourplusn.ErrorFields(a.Validate(c, s.app.Now())) {
			if !strings.HasPrefix(e.Field, "agreement.signatures") && e.Field != "agreement.mediator_signed_at" && e.Field != "agreement.sealed" {
				v.Add(e)
			}
		}
		return nil, v.Err()
	}
	if supersede {
		return s.app.Cases.SupersedeAgreement(ctx, actor, id, version, f.Get("reason"), a)
	}
	return s.app.Cases.DraftAgreement(ctx, actor, id, version, a)
}

// recordSigning records the marks the form says were made on the printed
// draft: each party's, by the party or an agent, the mediator's signature
// and the committee's seal, each when it was made.
func (s *Server) recordSigning(r *http.Request, actor grid.Actor, id mediation.ID, version int64) (*mediation.Case, error) {
	f := r.PostForm
	var v fourplusn.Validation
	revision, err := strconv.Atoi(f.Get("revision"))
	if err != nil {
		v.Fail("signing.revision", "the form has no revision")
	}
	sg := mediation.Signing{Revision: revision}
	for i := 0; f.Has(fmt.Sprintf("party[%d]", i)); i++ {
		row := func(name string) string { return f.Get(fmt.Sprintf("%s[%d]", name, i)) }
		var mark mediation.Mark
		switch row("mark") {
		case "":
			continue
		case "signed":
			mark = mediation.Signed
		case "sealed":
			mark = mediation.Sealed
		case "fingerprinted":
			mark = mediation.Fingerprinted
		}
		sg.Marks = append(sg.Marks, mediation.Signature{
			Party: row("party"), Agent: row("agent"), Mark: mark,
			At: readTime(&v, fmt.Sprintf("signing.marks[%d].at", len(sg.Marks)), row("at")),
		})
	}
	if f.Get("mediator_signed") != "" {
		sg.MediatorSigned, sg.MediatorAt = true, readTime(&v, "signing.mediator_at", f.Get("mediator_at"))
	}
	if f.Get("sealed") != "" {
		sg.Sealed, sg.SealedAt = true, readTime(&v, "signing.sealed_at", f.Get("sealed_at"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.app.Cases.RecordSigning(r.Context(), actor, id, version, sg)
}

// readTime reads a time as a datetime-local input sends it, in the
// township's zone, or the zero time (now) for none.
func readTime(v *fourplusn.Validation, field, s string) time.Time {
	if s = strings.TrimSpace(s); s == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation(dateTimeInput, s, work.Zone)
	if err != nil {
		v.Fail(field, "not a time")
	}
	return t
}

// recordOral records the oral agreement of the form, which the member
// records as the mediator (art. 30).
func (s *Server) recordOral(r *http.Request, actor grid.Actor, id mediation.ID, version int64) (*mediation.Case, error) {
	ctx, f := r.Context(), r.PostForm
	c, err := s.app.Cases.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	m, _ := s.app.Member(actor.ID)
	a := mediation.Agreement{Form: mediation.Oral, Facts: c.Facts, Disputes: f.Get("disputes"), Terms: f.Get("terms"), Mediator: m.Name, Committee: s.committee(c)}
	if amount := strings.TrimSpace(f.Get("amount")); amount != "" && len(c.Applicants) > 0 && len(c.Respondents) > 0 {
		fen, err := fourplusn.ParseYuan("agreement.payments[0].amount", amount)
		if err != nil {
			// The rest is checked too, so that every mistake is shown
			// at once; nothing is recorded.
			var v fourplusn.Validation
			v.Add(err)
			v.Add(a.Validate(c, s.app.Now()))
			return nil, v.Err()
		}
		a.Payments = []mediation.Payment{{Payer: c.Respondents[0].Name, Payee: c.Applicants[0].Name, Amount: fen}}
	}
	return s.app.Cases.RecordAgreement(ctx, actor, id, version, a)
}

// correct corrects the case as the form says: its facts, or the
// particulars of the one party the form names (party, as
// "respondents[0]"), for the reason given. It returns the action as the
// page names the form posted, which for a party's form names the party.
func (s *Server) correct(r *http.Request, actor grid.Actor, id mediation.ID, version int64) (string, *mediation.Case, error) {
	ctx, f := r.Context(), r.PostForm
	prefix := f.Get("party")
	action := "correct:" + prefix
	cr := mediation.Correction{Reason: f.Get("reason"), Facts: f.Get("facts")}
	if prefix == "" {
		c, err := s.app.Cases.Correct(ctx, actor, id, version, cr)
		return action, c, err
	}
	c, err := s.app.Cases.Get(ctx, actor, id)
	if err != nil {
		return action, nil, err
	}
	side, i, ok := partyOf(prefix)
	parties := map[string][]mediation.Party{"applicants": c.Applicants, "respondents": c.Respondents}[side]
	if !ok || i >= len(parties) {
		return action, nil, fourplusn.Errorf(fourplusn.NotFound, "no party %s", prefix)
	}
	// The service checks the reason before the particulars, so a
	// correction with no reason shows their mistakes once it has one.
	p, err := readParty(f, prefix, s.app.Now())
	if err != nil {
		return action, nil, err
	}
	parties = slices.Clone(parties)
	parties[i] = p
	if side == "applicants" {
		cr.Applicants = parties
	} else {
		cr.Respondents = parties
	}
	c, err = s.app.Cases.Correct(ctx, actor, id, version, cr)
	return action, c, err
}

// partyOf reads a party's field, "respondents[0]", as its side and index.
func partyOf(prefix string) (side string, i int, ok bool) {
	side, rest, found := strings.Cut(prefix, "[")
	n, err := strconv.Atoi(strings.TrimSuffix(rest, "]"))
	if !found || err != nil || n < 0 || (side != "applicants" && side != "respondents") {
		return "", 0, false
	}
	return side, n, true
}

// draftValues are what the draft form starts from: the draft to revise,
// or, for a first draft or one to replace the agreement in effect, the
// case's facts, the member as mediator, and the usual performance.
func (s *Server) draftValues(c *mediation.Case, m grid.Member, now time.Time) map[string]string {
	// Every input has its key: a template's missing key is no string.
	v := map[string]string{
		"number": "", "facts": c.Facts, "disputes": "", "responsibilities": "", "terms": "", "amount": "",
		"manner": "当面履行", "place": "村委会", "mediator": m.Name, "mediator_post": s.post(m),
		"perform_by": now.In(work.Zone).AddDate(0, 0, 30).Format(time.DateOnly), "reason": "",
	}
	a := c.Draft
	if a == nil {
		return v
	}
	v = map[string]string{
		"amount": "", "number": a.Number, "facts": a.Facts, "disputes": a.Disputes, "responsibilities": a.Responsibilities,
		"terms": a.Terms, "manner": a.Manner, "place": a.Place, "mediator": a.Mediator, "mediator_post": a.MediatorPost,
		"perform_by": a.PerformBy.In(work.Zone).Format(time.DateOnly), "reason": a.SupersedeReason,
	}
	if a.Total() > 0 {
		v["amount"] = strings.TrimSuffix(yuan(a.Total()), "元")
	}
	return v
}

// post names the member's first post as an agreement states a mediator's:
// the cell and the role, as 马园村村委书记.
func (s *Server) post(m grid.Member) string {
	if len(m.Posts) == 0 {
		return ""
	}
	p := m.Posts[0]
	return s.app.CellName(p.Cell) + p.Role.Title()
}

// signingRow is a party of the draft on the signing form: who may sign
// for them, and whether they have.
type signingRow struct {
	Index  int
	Party  string
	Agents []string // the agents the party authorised specially, who may sign for them
	Signed *mediation.Signature
}

// signingRows lists the parties of draft d for the signing form.
func signingRows(d *mediation.Agreement) []signingRow {
	rows := make([]signingRow, len(d.Parties))
	for i, p := range d.Parties {
		rows[i] = signingRow{Index: i, Party: p.Name}
		for _, a := range p.Agents {
			if a.Authority == mediation.SpecialAuthority {
				rows[i].Agents = append(rows[i].Agents, a.Name)
			}
		}
		for j := range d.Signatures {
			if d.Signatures[j].Party == p.Name {
				rows[i].Signed = &d.Signatures[j]
			}
		}
	}
	return rows
}

// correctionForm is a party's correction form on the case page.
type correctionForm struct {
	Action string // the action its posting is known by
	Side   string // 申请人 or 被申请人
	Party  string // the party's name
	Form   particularsForm
}

// correctionForms lists a correction form for each party of c, each as
// posted, if it was, or else as the party is.
func correctionForms(c *mediation.Case, st formState) []correctionForm {
	var out []correctionForm
	for _, side := range []struct {
		field   string
		parties []mediation.Party
	}{{"applicants", c.Applicants}, {"respondents", c.Respondents}} {
		for i, p := range side.parties {
			prefix := fmt.Sprintf("%s[%d]", side.field, i)
			action := "correct:" + prefix
			values, errors := partyValues(prefix, p), map[string]string(nil)
			if st.Posted(action) {
				values, errors = st.Values, st.Errors
			}
			id := fmt.Sprintf("correct-%s%d", strings.TrimSuffix(side.field, "s"), i)
			out = append(out, correctionForm{Action: action, Side: sideNames[side.field], Party: p.Name, Form: particularsForm{ID: id, Prefix: prefix, values: values, errors: errors}})
		}
	}
	return out
}
