package mediation

import (
	"io"
	"strings"

	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// PrintOptions say what a printed case file names that the case does not
// hold.
type PrintOptions struct {
	// Committee is the people's mediation committee's name, e.g. 古城办事处
	// 人民调解委员会; "" prints a blank line for it.
	Committee string
	// Names returns the name of the member with the given ID, for who
	// recorded what; when nil, or when it returns "", the ID prints.
	Names func(member string) string
}

func (o PrintOptions) name(member string) string {
	if o.Names != nil {
		if n := o.Names(member); n != "" {
			return flatten(n)
		}
	}
	return flatten(member)
}

// fileDoc is a case file as it prints: a cover, the contents, then a
// section for each item present, in the file's order.
type fileDoc struct {
	Number     string // the case number, or its ID while it has none
	Category   string
	Applicants string
	Respondent string
	Committee  string
	Registered string
	Closed     string // "" while the case is open
	Outcome    string
	Items      []fileDocItem
	Present    int
	Missing    int

	Intake    *intakeDoc
	Rights    *rightsDoc
	Identity  []identityLine
	Agents    []agentLine
	Sessions  []sessionLine
	Agreement *document
	Performed []followUpLine
	FollowUps []followUpLine
	Statement *statementDoc
	BackCover bool
}

// fileDocItem is a line of the contents.
type fileDocItem struct {
	Order    int
	Name     string
	Required bool
	Status   string // 存档, 缺 or 不适用
	Summary  string
}

// fileStatusLabels are how the contents name where an item stands.
var fileStatusLabels = map[FileStatus]string{FilePresent: "存档", FileMissing: "缺", FileNotApplicable: "不适用"}

// intakeDoc is the 申请书 or the 受理登记表.
type intakeDoc struct {
	Title      string
	Source     string
	Category   string
	Parties    []docParty
	Facts      string
	Claims     []string
	Registered string
	By         string
}

type identityLine struct{ Role, Name, IDCard string }

type agentLine struct{ Party, Agent, Kind, Authority, Powers, Date string }

type sessionLine struct {
	Order                          int
	Date, Place, Attendees, Result string
	Notes                          string
	By                             string
}

type followUpLine struct {
	Date, By, Performed, Notes string
}

// statementDoc is the 卷宗情况说明: what became of the case.
type statementDoc struct {
	Outcome, Note, Accepted, Closed string
	Lacking                         []string
}

// placeWords, outcomeWords and routeWords name a session's place and
// outcome and a failure's route as the file prints them.
var (
	placeWords   = map[Place]string{PlaceField: "田间地头", PlaceHome: "当事人家中", PlaceVillageCommittee: "村委会", PlaceStation: "派出所或司法所", PlaceOnline: "线上"}
	outcomeWords = map[Outcome]string{Progress: "有进展", NoProgress: "无进展", Settled: "达成协议"}
	routeWords   = map[Route]string{RouteLitigation: "诉讼", RouteArbitration: "仲裁", RoutePolice: "公安机关", RouteAdministration: "行政机关"}
)

// RenderHTML writes the case file as one self-contained HTML document to
// print on A4 paper, in the style of the agreement (see
// Agreement.RenderHTML): a cover (卷宗封面), the contents (卷内目录) listing
// every item with where it stands, then, each on its own pages, every item
// present — the intake record, the notice of rights with the parties'
// receipts, their proof of identity, their agents' authorisations, the
// record of each session, the agreement as signed, the follow-up visits,
// the statement of what became of the case and the back cover. It prints
// the case as the file was made from it: a file made for a viewer who sees
// the parties masked prints them masked. It returns the first error from w.
func (f CaseFile) RenderHTML(w io.Writer, o PrintOptions) error {
	return printPages.ExecuteTemplate(w, "casefile.html", f.document(o))
}

// document returns f as it prints.
func (f CaseFile) document(o PrintOptions) fileDoc {
	c := f.c
	if c == nil {
		c = &Case{}
	}
	d := fileDoc{
		Number: flatten(c.label()), Category: categoryName(c.Category), Committee: flatten(o.Committee),
		Applicants: namesOf(c.Applicants), Respondent: namesOf(c.Respondents),
		Registered: chineseDate(c.RegisteredAt), Outcome: outcomeOf(c),
	}
	if c.State == Closed {
		d.Closed = chineseDate(c.ClosedAt)
	}
	present := map[string]bool{}
	var lacking []string
	for _, it := range f.Items {
		d.Items = append(d.Items, fileDocItem{Order: it.Order, Name: it.Name, Required: it.Required,
			Status: fileStatusLabels[it.Status], Summary: it.Summary})
		switch it.Status {
		case FilePresent:
			present[it.Name] = true
			d.Present++
		case FileMissing:
			d.Missing++
			lacking = append(lacking, it.Name)
		}
	}
	if present["受理登记表"] || present["申请书"] {
		d.Intake = c.intakeDoc(o)
	}
	if present["权利义务告知书"] {
		r := c.rightsNotice(o.Committee)
		d.Rights = &r
	}
	if present["当事人身份证明"] {
		for i, p := range c.Parties() {
			d.Identity = append(d.Identity, identityLine{Role: roleOf(c, i), Name: flatten(p.Name), IDCard: flatten(p.IDCard)})
		}
	}
	if present["授权委托书"] {
		for _, p := range c.Parties() {
			for _, a := range p.Agents {
				line := agentLine{Party: flatten(p.Name), Agent: flatten(a.Name), Kind: agentKindLabels[a.Kind],
					Authority: authorityLabels[a.Authority], Powers: flatten(a.Powers)}
				if !a.Date.IsZero() {
					line.Date = chineseDate(a.Date)
				}
				d.Agents = append(d.Agents, line)
			}
		}
	}
	if present["调解记录"] {
		for i, s := range c.Sessions {
			place := placeWords[s.Place]
			if note := flatten(s.PlaceNote); note != "" {
				place += "（" + note + "）"
			}
			d.Sessions = append(d.Sessions, sessionLine{Order: i + 1, Date: chineseDate(s.At), Place: place,
				Attendees: strings.Join(flattenAll(s.Attendees), "、"), Result: outcomeWords[s.Outcome],
				Notes: s.Notes, By: o.name(s.By)})
		}
	}
	if present["调解协议书"] && c.Agreement != nil {
		a := c.Agreement.document(c)
		d.Agreement = &a
	}
	for _, fu := range c.FollowUps {
		line := followUpLine{Date: chineseDate(fu.At), By: o.name(fu.By), Performed: "未履行完毕", Notes: fu.Notes}
		if fu.Performed {
			line.Performed = "已按协议履行"
		}
		if present["回访记录"] {
			d.FollowUps = append(d.FollowUps, line)
		}
		if present["履行凭证"] && fu.Performed {
			d.Performed = append(d.Performed, line)
		}
	}
	if present["卷宗情况说明"] {
		st := &statementDoc{Outcome: d.Outcome, Note: closingNote(f.events), Closed: d.Closed, Lacking: lacking}
		if !c.AcceptedAt.IsZero() {
			st.Accepted = chineseDate(c.AcceptedAt)
		}
		d.Statement = st
	}
	d.BackCover = present[madeAtClosing]
	return d
}

// intakeDoc returns c's intake record as it prints.
func (c *Case) intakeDoc(o PrintOptions) *intakeDoc {
	d := &intakeDoc{Title: "人民调解受理登记表", Source: sourceWords[c.Channel.Source()], Category: categoryName(c.Category),
		Facts: c.Facts, Registered: chineseDate(c.RegisteredAt)}
	if c.FirstResponder != "" {
		d.By = o.name(c.FirstResponder)
	}
	if c.Channel == work.ChannelOnline {
		d.Title = "人民调解申请书"
	}
	for i, p := range c.Parties() {
		dp := docParty{Role: roleOf(c, i), Particulars: partyParticulars(p, c.RegisteredAt)}
		for _, a := range p.Agents {
			dp.Agents = append(dp.Agents, agentParticulars(a))
		}
		d.Parties = append(d.Parties, dp)
	}
	for _, cl := range c.Claims {
		claim := flatten(cl.Description)
		if cl.Amount > 0 {
			claim += "：" + formatYuan(cl.Amount) + "元"
		}
		d.Claims = append(d.Claims, claim)
	}
	return d
}

// roleOf names c's party at place i of its Parties.
func roleOf(c *Case, i int) string {
	if i < len(c.Applicants) {
		return "申请人"
	}
	return "被申请人"
}

// categoryName names a category in words, as a line of the file.
func categoryName(cat Category) string { return flatten(cat.Title()) }

// outcomeOf says what became of c, in words.
func outcomeOf(c *Case) string {
	switch {
	case c.Agreement != nil && c.Agreement.Form == Oral:
		return "调解成功，达成口头调解协议"
	case c.Agreement != nil:
		return "调解成功，达成书面调解协议"
	case c.Failure != nil:
		return "调解不成，终止调解；已告知当事人可通过" + routeWords[c.Failure.Route] + "途径解决。原因：" + flatten(c.Failure.Reason)
	case c.Withdrawal != "":
		return "申请人撤回调解申请。原因：" + flatten(c.Withdrawal)
	case c.TransferOut != nil:
		return "移交" + flatten(c.TransferOut.Name) + "处理。原因：" + flatten(c.TransferOut.Reason)
	case c.Rejection != nil:
		return "不予受理。原因：" + flatten(c.Rejection.Reason)
	}
	return "正在调解"
}

// closingNote is the note recorded with the closing on events, if any.
func closingNote(events []timeline.Event) string {
	for _, e := range events {
		if e.Action == ActionClosed {
			return e.Details["note"]
		}
	}
	return ""
}

func flattenAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = flatten(s)
	}
	return out
}
