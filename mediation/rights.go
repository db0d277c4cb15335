package mediation

import (
	"context"
	"fmt"
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
