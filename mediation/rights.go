package mediation

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/timeline"
)

// RightsManner is how the notice of rights and duties (权利义务告知书)
// was given to a party.
type RightsManner uint8

// The manners of giving the notice.
const (
	RightsWritten RightsManner = iota + 1 // handed over in writing, the party signing for it
	RightsOral                            // read out to the party, who could not sign for it
)

var rightsMannerNames = []string{"", "written", "oral"}

// String returns the manner's stable name.
func (m RightsManner) String() string { return enumName(rightsMannerNames, m, "rights_manner") }

// RightsGiving is a record that the notice of rights and duties was given
// to parties of a case, by name, as they are named on the case, in one
// manner, at one time (the zero time: when it is recorded).
type RightsGiving struct {
	Parties []string
	Manner  RightsManner
	At      time.Time
}

// RightsGiven is the notice of rights and duties given to one party.
type RightsGiven struct {
	Party  int // the party's place in the case's Parties, which a correction never changes
	Manner RightsManner
	At     time.Time
	By     string // the member who recorded it
}

// rightsAhead is how far ahead of now the notice may be dated: a clock
// set a little wrong.
const rightsAhead = 24 * time.Hour

// GiveRights records that the notice of rights and duties (人民调解权利
// 义务告知书, see RenderRightsNotice) was given to the parties g names:
// people's mediators tell the parties what the law gives and asks of them
// in mediation (People's Mediation Law arts. 23 and 24) before mediating,
// and the case file keeps the notice each signed for. A party may be
// given it again — in writing after orally, say — and each giving is
// kept; the file needs one for every party.
//
// Needs Mediate at the handling cell. Allowed while the case is not
// ended: it may be recorded after the outcome, of a notice given before,
// until the case is closed. Returns Invalid, naming the field, for a name
// that is not a party's or is named twice, an unknown manner or a time
// outside the case's window.
func (s *Service) GiveRights(ctx context.Context, actor grid.Actor, id ID, version int64, g RightsGiving) (*Case, error) {
	switch {
	case len(g.Parties) == 0:
		return nil, invalid("parties", "name at least one party given the notice")
	case len(g.Parties) > maxSignatures:
		return nil, invalid("parties", "at most %d parties", maxSignatures)
	case g.Manner != RightsWritten && g.Manner != RightsOral:
		return nil, invalid("manner", "unknown manner %d", g.Manner)
	}
	return s.act(ctx, actor, id, version, grid.Mediate, func(c *Case, now time.Time) (timeline.Action, map[string]string, error) {
		if c.State.Ended() {
			return "", nil, fourplusn.Errorf(fourplusn.Conflict, "a %s case cannot be given the notice of rights", c.State)
		}
		at := g.At.UTC()
		if g.At.IsZero() {
			at = now
		}
		var v fourplusn.Validation
		if !g.At.IsZero() {
			v.Add(fourplusn.Window{From: c.RegisteredAt.Add(-agreementLead), To: now.Add(rightsAhead)}.Check("at", g.At))
		}
		parties := c.Parties()
		details := map[string]string{"manner": g.Manner.String(), "at": at.Format(time.RFC3339)}
		var given []RightsGiven
		for i, name := range g.Parties {
			field := fmt.Sprintf("parties[%d]", i)
			p := partyNamed(parties, name)
			switch {
			case p < 0:
				v.Fail(field, "%q is not a party to the case", name)
			case slices.ContainsFunc(given, func(g RightsGiven) bool { return g.Party == p }):
				v.Fail(field, "%q is named twice", name)
			default:
				given = append(given, RightsGiven{Party: p, Manner: g.Manner, At: at, By: actor.ID})
				details[fmt.Sprintf("parties[%d]", p)] = "given"
			}
		}
		if err := v.Err(); err != nil {
			return "", nil, err
		}
		c.Rights = append(c.Rights, given...)
		details["count"] = strconv.Itoa(len(given))
		return ActionRightsGiven, details, nil
	})
}

// partyNamed returns the place of the party named name in parties, or -1.
func partyNamed(parties []Party, name string) int {
	for i, p := range parties {
		if p.Name == name {
			return i
		}
	}
	return -1
}

// rightsGiven returns the first record of the notice given to c's party
// at place p of its Parties, or nil if it has not been given.
func (c *Case) rightsGiven(p int) *RightsGiven {
	if i := slices.IndexFunc(c.Rights, func(g RightsGiven) bool { return g.Party == p }); i >= 0 {
		return &c.Rights[i]
	}
	return nil
}

// rightsLaw is the notice of rights and duties as the People's Mediation
// Law (中华人民共和国人民调解法, 2010) gives it: its principles (arts. 3, 4,
// 17), the parties' rights (art. 23) and duties (art. 24), in the law's
// words, and what follows mediation (arts. 26, 31, 33).
var rightsLaw = lawText{
	Intro: "人民调解委员会是依法设立的调解民间纠纷的群众性组织。根据《中华人民共和国人民调解法》，" +
		"人民调解委员会调解民间纠纷，在当事人自愿、平等的基础上进行调解，不违背法律、法规和国家政策，" +
		"尊重当事人的权利，不得因调解而阻止当事人依法通过仲裁、行政、司法等途径维护自己的权利（第三条）；" +
		"调解民间纠纷，不收取任何费用（第四条）；当事人一方明确拒绝调解的，不得调解（第十七条）。" +
		"现将当事人在人民调解活动中享有的权利和履行的义务告知如下：",
	Rights: []string{
		"（一）选择或者接受人民调解员；",
		"（二）接受调解、拒绝调解或者要求终止调解；",
		"（三）要求调解公开进行或者不公开进行；",
		"（四）自主表达意愿、自愿达成调解协议。",
	},
	Duties: []string{
		"（一）如实陈述纠纷事实；",
		"（二）遵守调解现场秩序，尊重人民调解员；",
		"（三）尊重对方当事人行使权利。",
	},
	Notes: []string{
		"经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行（第三十一条）。",
		"经人民调解委员会调解达成调解协议后，双方当事人认为有必要的，可以自调解协议生效之日起三十日内共同向人民法院申请司法确认（第三十三条）。",
		"调解不成的，人民调解员应当终止调解，并告知当事人可以依法通过仲裁、行政、司法等途径维护自己的权利（第二十六条）。",
	},
	Acknowledgment: "以上权利义务，本人已经知悉。",
}

// lawText is the text of the notice: what every copy says.
type lawText struct {
	Intro          string
	Rights, Duties []string
	Notes          []string
	Acknowledgment string
}

// rightsDoc is the notice as it prints for one case.
type rightsDoc struct {
	Number    string
	Committee string
	Law       lawText
	Receipts  []rightsReceipt
}

// rightsReceipt is a party's line of the notice: their name, and how and
// when they were given it once that is recorded.
type rightsReceipt struct {
	Role, Name string
	How, Date  string // "" when not recorded: blank lines to sign on
}

// rightsMannerLabels are how the notice names the manners of giving it.
var rightsMannerLabels = map[RightsManner]string{RightsWritten: "已书面告知并签收", RightsOral: "已口头告知"}

// rightsNotice returns the notice of c as it prints, for committee.
func (c *Case) rightsNotice(committee string) rightsDoc {
	d := rightsDoc{Committee: flatten(committee), Law: rightsLaw}
	if !c.Number.IsZero() {
		d.Number = c.Number.String()
	}
	for i, p := range c.Parties() {
		r := rightsReceipt{Role: roleOf(c, i), Name: flatten(p.Name)}
		if g := c.rightsGiven(i); g != nil {
			r.How, r.Date = rightsMannerLabels[g.Manner], chineseDate(g.At)
		}
		d.Receipts = append(d.Receipts, r)
	}
	return d
}

// RenderRightsNotice writes the notice of rights and duties of case c
// (人民调解权利义务告知书) as one self-contained HTML page to print on A4
// paper, in the style of the agreement (see Agreement.RenderHTML): the
// law's text, then each party's line to sign for it — blank until the
// notice given to them is recorded (see GiveRights), then how and when it
// was given. committee is the committee's name; "" prints a blank line
// for it. The parties print as c holds them: a case presented masked
// prints masked. It returns the first error from w.
func (c *Case) RenderRightsNotice(w io.Writer, committee string) error {
	return printPages.ExecuteTemplate(w, "rights.html", c.rightsNotice(committee))
}
