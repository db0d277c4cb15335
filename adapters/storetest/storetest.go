package storetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// demo is the deployment the suite's records live in: the township of
// Gucheng and its neighbour Linzhen, with their cells (grid/gridtest).
var demo = gridtest.Gucheng()

// base is the time the suite's records begin at. Its nanoseconds make sure
// a store keeps Go's precision.
var base = time.Date(2023, 3, 1, 1, 0, 0, 123456789, time.UTC)

// caseID is the ID of the suite's case n; IDs sort as n does.
func caseID(n int) mediation.ID { return mediation.ID(fmt.Sprintf("C%08d", n)) }

// newCase returns a registered case n at a cell of the demo grid,
// registered at at, with its first event sealed on the case's chain.
func newCase(n int, cell grid.CellID, at time.Time) (*mediation.Case, []timeline.Event) {
	return newCaseAt(n, demo.Path(cell), at)
}

// newCaseAt is newCase at any path.
func newCaseAt(n int, path grid.Path, at time.Time) (*mediation.Case, []timeline.Event) {
	c := &mediation.Case{
		ID: caseID(n), TrackingCode: fmt.Sprintf("T%08d", n), Version: 1,
		Township: path.Township(), Channel: work.ChannelScreening, Category: mediation.Neighbour,
		Applicants:  []mediation.Party{{Name: "甲某", Phone: "13900000001"}},
		Respondents: []mediation.Party{{Name: "乙某"}},
		Claims:      []mediation.Claim{{Description: "排水沟", Amount: 100}},
		Facts:       "邻里纠纷", Grade: work.Simple, Location: path, Handling: path,
		FirstResponder: "m-1", FirstResponderCell: path, State: mediation.Registered,
		RegisteredAt: at, AcceptDue: at.Add(24 * time.Hour),
	}
	c.Number = unnumbered(c.Township, at)
	return c, []timeline.Event{seal(c, mediation.ActionRegistered, at)}
}

// unnumbered returns the number a case of township registered at at is
// given by the Service, without its sequence, which the store gives.
func unnumbered(township grid.CellID, at time.Time) mediation.Number {
	var name string
	if cell, err := demo.Tree.Cell(township); err == nil {
		name = cell.Name
	}
	return mediation.Number{Prefix: mediation.DefaultNumberPrefix(name), Year: at.In(work.Zone).Year()}
}

// seal appends an event to c's chain, as the Service does when it changes
// a case, and returns it.
func seal(c *mediation.Case, action timeline.Action, at time.Time) timeline.Event {
	var e timeline.Event
	e, c.Chain = c.Chain.Append(timeline.Event{Subject: string(c.ID), At: at, Actor: "m-1", Action: action, Details: map[string]string{"k": string(action)}})
	return e
}

// fullCase returns case n with every field set, nested records included,
// to show that a store keeps all of a case.
func fullCase(n int) (*mediation.Case, []timeline.Event) {
	c, events := newCase(n, "mayuan-1-zhang", base)
	at := func(h int) time.Time { return base.Add(time.Duration(h)*time.Hour + time.Duration(n)) }
	party := mediation.Party{
		Name: "章某某", Sex: mediation.Female, Ethnicity: mediation.Han, BirthDate: time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), Age: 72,
		Occupation: "农民", Phone: "13900000002", Workplace: "马园村委会", Address: "马园一组", IDCard: "11010519491231002X",
		Agents: []mediation.Agent{{
			Name: "章某", Kind: mediation.NearRelative, Phone: "13900000004", IDCard: "11010519491231002X",
			Authority: mediation.SpecialAuthority, Powers: "代为签署调解协议", Date: time.Date(2022, 11, 2, 0, 0, 0, 0, time.UTC),
		}},
	}
	c.ReferredBy = "法院"
	c.Applicants = []mediation.Party{party, {Name: "章某", Sex: mediation.Female, Phone: "13900000003"}}
	c.Respondents = []mediation.Party{{Name: "李某某", Address: "马园一组"}}
	c.Claims = []mediation.Claim{{Description: "赔偿", Amount: 120_000}, {Description: "道歉"}}
	c.Risks = mediation.PetitionThreat | mediation.LikelyFight
	c.Grade = work.Major
	c.Hazard = "H00000009"
	c.Handling = demo.Path("mayuan")
	c.FirstResponder, c.FirstResponderCell, c.Applicant = "mayuan-1-head", demo.Path("mayuan-1"), "r-9"
	c.State = mediation.Agreed
	c.AcceptedAt, c.AcceptedBy, c.ResolvedAt, c.ClosedAt = at(2), "gc-mediator", at(50), at(90)
	c.AcceptDue, c.ResolveDue = at(24), at(24*15)
	c.Escalation = &mediation.Escalation{From: demo.Path("mayuan"), To: demo.Path(gridtest.GuchengID), Reason: "重大", By: "system", At: at(30)}
	c.Escalations, c.Transfers = 2, 1
	c.Extensions = []mediation.Extension{{Days: 7, Reason: "鉴定", Consent: true, At: at(40)}}
	c.Team = []mediation.Participant{
		{Department: "police", MemberID: "mayuan-police", Name: "马园民警", Role: "民警"},
		{Department: "partner", Body: "土地所", Name: "郑某"},
	}
	c.Sessions = []mediation.Session{
		{At: at(10), Place: mediation.PlaceField, PlaceNote: "田间", Attendees: []string{"章某某", "李某某"}, Notes: "n", Outcome: mediation.Progress, By: "gc-mediator"},
		{At: at(20), Place: mediation.PlaceVillageCommittee, Outcome: mediation.Settled, By: "gc-mediator"},
	}
	agreement := func(revision int, from time.Time) mediation.Agreement {
		return mediation.Agreement{
			Form: mediation.Written, Number: "古调字〔2023〕第12号", Revision: revision, Parties: []mediation.Party{party}, Facts: "f", Disputes: "d",
			Responsibilities: "r", Payments: []mediation.Payment{{Payer: "李某某", Payee: "章某某", Amount: 50_000, Due: at(200)}},
			Terms: "t", Manner: "m", Place: "p", PerformBy: at(300),
			Signatures: []mediation.Signature{{Party: "章某某", Agent: "章某", Mark: mediation.Signed, At: from.Add(time.Hour)}},
			Mediator:   "孙某", MediatorPost: "人民调解员", MediatorSignedAt: from.Add(time.Hour), Committee: "古城调委会",
			Sealed: true, SealedAt: from.Add(2 * time.Hour), RecordedBy: "gc-mediator", DraftedAt: from, EffectiveAt: from.Add(2 * time.Hour),
		}
	}
	first, effective, draft := agreement(1, at(40)), agreement(2, at(48)), agreement(3, at(60))
	first.SupersededAt = effective.EffectiveAt
	effective.Supersedes, effective.SupersedeReason = 1, "变更履行方式"
	draft.Supersedes, draft.SupersedeReason = 2, "再次变更"
	draft.MediatorSignedAt, draft.Sealed, draft.SealedAt, draft.EffectiveAt = time.Time{}, false, time.Time{}, time.Time{}
	c.Superseded, c.Agreement, c.Draft = []mediation.Agreement{first}, &effective, &draft
	c.Failure = &mediation.Failure{Reason: "x", Route: mediation.RouteLitigation}
	c.Rejection = &mediation.Rejection{Reason: "r", Advice: "a"}
	c.Withdrawal = "w"
	c.TransferOut = &mediation.OutsideBody{Name: "法院", Contact: "c", Reason: "r"}
	c.FollowUps = []mediation.FollowUp{{At: at(100), By: "mayuan-1-head", Performed: true, Notes: "ok"}}
	c.Rights = []mediation.RightsGiven{{Party: 0, Manner: mediation.RightsWritten, At: at(3), By: "mayuan-1-head"}, {Party: 1, Manner: mediation.RightsOral, At: at(4), By: "mayuan-1-head"}}
	c.DuplicateOf = caseID(n + 1)
	c.AlsoReceived = []mediation.Receipt{{Case: caseID(n + 2), Number: mediation.Number{Prefix: "古调", Year: 2023, Seq: 7}, Channel: work.ChannelWeCom, FirstResponder: "m-2", RegisteredAt: at(1), LinkedBy: "m-3", LinkedAt: at(2)}}
	c.KeptApart = []mediation.Apart{{Case: caseID(n + 3), Reason: "同一家庭的另一纠纷", By: "m-3", At: at(3)}}
	c.Attachments = []attachment.Attachment{{ID: "1", Kind: attachment.Photo, Of: "session:1", Type: attachment.JPEG, Size: 123456,
		Sum: attachment.Sum{1, 2, 3}, Thumbnail: attachment.Sum{4, 5, 6}, Width: 4000, Height: 3000, AddedAt: at(6), AddedBy: "mayuan-1-head"}}
	c.Outside = ""
	events = append(events, seal(c, mediation.ActionAgreement, at(50)))
	return c, events
}

// create stores c and its events, failing the test if the store refuses.
func create(t *testing.T, s mediation.Store, c *mediation.Case, events []timeline.Event) *mediation.Case {
	t.Helper()
	got, err := s.Create(context.Background(), c, events, work.IdempotencyKey{})
	require.NoError(t, err)
	return got
}

// requireCode fails the test unless err carries code.
func requireCode(t *testing.T, err error, code fourplusn.Code, msgAndArgs ...any) {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	require.Truef(t, errors.Is(err, code), "want a %s error, got %v (%s)", code, err, fourplusn.ErrorCode(err))
}

// normalEvents returns events with empty Details as nil: the timeline
// holds the two the same.
func normalEvents(events []timeline.Event) []timeline.Event {
	out := slices.Clone(events)
	for i := range out {
		if len(out[i].Details) == 0 {
			out[i].Details = nil
		}
	}
	return out
}

// noop is an update that changes nothing but the version.
func noop(*mediation.Case) ([]timeline.Event, error) { return nil, nil }

// ids returns the IDs of cases, in order.
func ids(cases []*mediation.Case) []mediation.ID {
	out := make([]mediation.ID, len(cases))
	for i, c := range cases {
		out[i] = c.ID
	}
	return out
}

// cloneEvents copies events with their details, so that the suite's
// record of them is its own.
func cloneEvents(events []timeline.Event) []timeline.Event {
	out := slices.Clone(events)
	for i := range out {
		out[i].Details = maps.Clone(out[i].Details)
	}
	return out
}
