package mediation

import (
	"embed"
	"html/template"
	"io"
	"strings"
)

// document is an agreement as it prints, whatever the medium: what each
// part of the form says, decided once for the text (Render) and the page
// (RenderHTML). A draft prints with blank lines where the marks go; an
// agreement in effect, or one superseded, with the marks recorded.
type document struct {
	Written  bool
	Signed   bool // the marks are recorded: it is in effect, or was
	Title    string
	Number   string
	Revision int // 0 when not known
	// Superseded is the date a later agreement replaced this one, "" if
	// none did.
	Superseded       string
	Parties          []docParty
	Facts            string
	Disputes         string
	Responsibilities string
	Terms            []string
	Performance      bool // the part on performance prints
	Manner           string
	Place            string
	PerformBy        string
	Effect           string // the statutory sentence on taking effect, and the copies
	Marks            []docMark
	Mediator         string // the mediator's name, and post
	MediatorSigned   string // when the mediator signed; "" to sign by hand
	Committee        string
	Sealed           bool   // the committee's seal is recorded
	SealedOn         string // when it was sealed, if that is known
	Date             string // the agreement's date; "" to fill in by hand
	CourtNote        string // on 司法确认, for a written agreement
}

// docParty is one party as the agreement states them.
type docParty struct {
	Role        string // 申请人, 被申请人, or 当事人
	Particulars string
	Agents      []string
}

// docMark is a party's line of the signatures: their name, and how and
// when they marked the agreement once that is recorded.
type docMark struct {
	Role string
	Name string
	How  string // 签名, 盖章 or 按指印, and by whom if an agent; "" when not recorded
	Date string // "" when not recorded
}

// markLabels are how the agreement names the marks.
var markLabels = map[Mark]string{Signed: "签名", Sealed: "盖章", Fingerprinted: "按指印"}

// document returns a as it prints for case c: c's applicants, counted
// from the front of a.Parties, are 申请人 and the rest 被申请人 (all are
// 当事人 if c is nil). When a.Parties is empty, c's parties print.
func (a *Agreement) document(c *Case) document {
	d := document{Written: a.Form != Oral, Signed: a.State() != Draft, Number: flatten(a.Number), Revision: a.Revision}
	d.Title = "人民调解协议书"
	if !d.Written {
		d.Title = "口头调解协议记录"
	}
	if a.State() == Superseded {
		d.Superseded = chineseDate(a.SupersededAt)
	}

	parties := a.Parties
	applicants := -1 // unknown: every party is 当事人
	if c != nil {
		if len(parties) == 0 {
			parties = c.Parties()
		}
		applicants = min(len(c.Applicants), len(parties))
	}
	role := func(i int) string {
		switch {
		case applicants < 0:
			return "当事人"
		case i < applicants:
			return "申请人"
		}
		return "被申请人"
	}
	for i, p := range parties {
		dp := docParty{Role: role(i), Particulars: partyParticulars(p, a.asOf())}
		for _, agent := range p.Agents {
			dp.Agents = append(dp.Agents, agentParticulars(agent))
		}
		d.Parties = append(d.Parties, dp)
	}

	d.Facts, d.Disputes = a.Facts, strings.TrimSpace(a.Disputes)
	d.Responsibilities = strings.TrimSpace(a.Responsibilities)
	if d.Responsibilities == "" {
		d.Responsibilities = "无"
	}
	for _, pay := range a.Payments {
		d.Terms = append(d.Terms, paymentTerm(pay))
	}
	if terms := strings.TrimSpace(a.Terms); terms != "" {
		d.Terms = append(d.Terms, flatten(terms))
	}

	d.Performance = d.Written || a.Manner != "" || a.Place != "" || !a.PerformBy.IsZero()
	d.Manner, d.Place = flatten(a.Manner), flatten(a.Place)
	if !a.PerformBy.IsZero() {
		d.PerformBy = chineseDate(a.PerformBy) + "前履行完毕"
	}

	d.Mediator = flatten(a.Mediator)
	if post := flatten(a.MediatorPost); post != "" {
		d.Mediator += "（" + post + "）"
	}
	d.Committee = flatten(a.Committee)
	if d.Signed {
		d.Date = chineseDate(a.EffectiveAt)
	}
	if !d.Written {
		// People's Mediation Law art. 30.
		d.Effect = "本口头调解协议自各方当事人达成协议之日起生效，具有法律约束力，当事人应当按照约定履行。"
		return d
	}

	// People's Mediation Law arts. 29 and 31.
	d.Effect = "本协议书自各方当事人签名（盖章或按指印）、人民调解员签名并加盖人民调解委员会印章之日起生效，具有法律约束力，当事人应当按照约定履行。本协议书一式" +
		chineseCount(len(parties)+1) + "份，当事人、人民调解委员会各持一份。"
	for i, p := range parties {
		m := docMark{Role: role(i), Name: flatten(p.Name)}
		if s := a.signature(p.Name); s != nil && d.Signed {
			m.How = markLabels[s.Mark]
			if s.Agent != "" {
				m.How = "由委托代理人" + flatten(s.Agent) + "（特别授权）" + m.How
			}
			if !s.At.IsZero() {
				m.Date = chineseDate(s.At)
			}
		}
		d.Marks = append(d.Marks, m)
	}
	if d.Signed && !a.MediatorSignedAt.IsZero() {
		d.MediatorSigned = chineseDate(a.MediatorSignedAt)
	}
	if d.Signed && a.Sealed {
		d.Sealed = true
		if !a.SealedAt.IsZero() {
			d.SealedOn = chineseDate(a.SealedAt)
		}
	}

	// People's Mediation Law art. 33.
	d.CourtNote = "双方当事人可以自本协议生效之日起三十日内共同向人民法院申请司法确认"
	if due := a.CourtConfirmationDeadline(); !due.IsZero() && d.Superseded == "" {
		d.CourtNote += "（截止" + chineseDate(due) + "）"
	}
	d.CourtNote += "。"
	return d
}

// paragraphs splits text into its paragraphs, cleaned, without the
// empty ones.
func paragraphs(text string) []string {
	var out []string
	for para := range strings.SplitSeq(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if para = strings.TrimSpace(clean(para)); para != "" {
			out = append(out, para)
		}
	}
	return out
}

// printFiles are the printed documents' templates: each file's top level
// is one page, and the parts they share are defined in them.
//
//go:embed document.html rights.html casefile.html
var printFiles embed.FS

// printPages lays out the printed documents, each as A4 pages.
var printPages = template.Must(template.New("").Funcs(template.FuncMap{
	"paragraphs": paragraphs,
}).ParseFS(printFiles, "*.html"))

// RenderHTML writes the agreement as one self-contained HTML page to print
// on A4 paper, in the layout Render uses (the same parts in the same
// order), with a print stylesheet: A4 margins, a Song typeface (宋体, or
// Noto Serif CJK where that is missing), and nothing fetched from
// elsewhere — no fonts, images or scripts. A draft prints with blank lines
// for each party's signature, seal or fingerprint and its date, the
// mediator's signature and the committee's seal, for the paper the parties
// sign; an agreement in effect prints with the marks recorded and the day
// it took effect, and one superseded says so. Every text is escaped.
//
// Like Render, it prints the parties' particulars in full: the caller
// decides who may print the agreement. RenderHTML returns the first error
// from w.
func (a *Agreement) RenderHTML(w io.Writer, c *Case) error {
	return printPages.ExecuteTemplate(w, "document.html", a.document(c))
}
