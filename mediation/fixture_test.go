package mediation_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/work"
)

var ctx = context.Background()

// shanghai is the zone the township lives in; the fixture's clock starts at
// 9 a.m. there on 1 November 2022, when the seed's first story began.
var shanghai = time.FixedZone("CST", 8*3600)

// clock is a fake clock the tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fixture is a Service over memstore on the demo township, with a fake
// clock and sequential IDs.
type fixture struct {
	svc    *mediation.Service
	store  *memstore.Cases
	outbox *outbox // what ResendCodes sends
	demo   *gridtest.Demo
	clock  *clock
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	demo := gridtest.Gucheng()
	store, outbox := memstore.NewCases(), &outbox{keys: map[string]bool{}}
	clk := &clock{now: time.Date(2022, 11, 1, 9, 0, 0, 0, shanghai)}
	var mu sync.Mutex
	n := 0
	svc, err := mediation.NewService(mediation.Config{
		Store: store, Cells: memstore.Grid{Tree: demo.Tree}, Policy: grid.DefaultPolicy(), Rules: mediation.DefaultRules(), Now: clk.Now, Outbox: outbox,
		NewID: func() mediation.ID {
			mu.Lock()
			defer mu.Unlock()
			n++
			return mediation.ID(fmt.Sprintf("C%07d", n))
		},
		NewTrackingCode: func() string {
			mu.Lock()
			defer mu.Unlock()
			return fmt.Sprintf("TRK%07d", n)
		},
	})
	require.NoError(t, err)
	return &fixture{svc: svc, store: store, outbox: outbox, demo: demo, clock: clk}
}

// actor returns the demo member id as an actor.
func (f *fixture) actor(id grid.MemberID) grid.Actor { return f.demo.Member(id).Actor() }

// stored returns the case as stored, unmasked, for assertions.
func (f *fixture) stored(t testing.TB, id mediation.ID) *mediation.Case {
	t.Helper()
	c, err := f.store.Get(ctx, id)
	require.NoError(t, err)
	return c
}

// neighbourDispute is a valid intake of a simple neighbours' quarrel in
// 马园 one group, registered by the group's head, with every particular a
// written agreement states of its parties, and their ID cards.
func neighbourDispute() mediation.Intake {
	return mediation.Intake{
		Channel:     work.ChannelGridHead,
		Category:    mediation.Neighbour,
		Applicants:  []mediation.Party{{Name: "王某某", Sex: mediation.Female, Ethnicity: mediation.Han, Age: 45, Occupation: "农民", Phone: "13900001111", Address: "马园一组", IDCard: idCard("1977-05-20", true)}},
		Respondents: []mediation.Party{{Name: "张某某", Sex: mediation.Female, Ethnicity: mediation.Han, Age: 47, Occupation: "农民", Phone: "13900002222", Address: "马园一组", IDCard: idCard("1975-06-01", true)}},
		Facts:       "两家因排水沟堵塞互相指责，多次争吵。",
		Location:    "mayuan-1",
	}
}

// informed records the notice of rights and duties given in writing, now,
// to every party of c not given it yet, as the case file requires before
// an accepted case is closed.
func (f *fixture) informed(t *testing.T, actor grid.Actor, c *mediation.Case) *mediation.Case {
	t.Helper()
	var names []string
	for i, p := range c.Parties() {
		if !slices.ContainsFunc(c.Rights, func(g mediation.RightsGiven) bool { return g.Party == i }) {
			names = append(names, p.Name)
		}
	}
	c, err := f.svc.GiveRights(ctx, actor, c.ID, c.Version, mediation.RightsGiving{Parties: names, Manner: mediation.RightsWritten})
	require.NoError(t, err)
	return c
}

// writtenAgreement is a valid written agreement for a case with the given
// parties, the first paying the second amount fen.
func writtenAgreement(c *mediation.Case, amount int64, at time.Time) mediation.Agreement {
	a := mediation.Agreement{
		Form:             mediation.Written,
		Facts:            c.Facts,
		Disputes:         "赔偿数额",
		Responsibilities: "双方各负其责",
		Terms:            "双方今后和睦相处，不再因此事发生争执。",
		Manner:           "现金一次性支付",
		Place:            "村委会",
		PerformBy:        at.AddDate(0, 1, 0),
		Mediator:         "高敬",
		MediatorSignedAt: at,
		Committee:        "古城办事处人民调解委员会",
		Sealed:           true,
	}
	for _, p := range c.Parties() {
		a.Signatures = append(a.Signatures, mediation.Signature{Party: p.Name, Mark: mediation.Signed, At: at})
	}
	if amount > 0 {
		a.Payments = []mediation.Payment{{Payer: c.Respondents[0].Name, Payee: c.Applicants[0].Name, Amount: amount, Due: at.AddDate(0, 1, 0)}}
	}
	return a
}

// session is a valid session record.
func session(at time.Time, place mediation.Place, outcome mediation.Outcome, attendees ...string) mediation.Session {
	if len(attendees) == 0 {
		attendees = []string{"高敬"}
	}
	return mediation.Session{At: at, Place: place, Attendees: attendees, Notes: "听取双方意见，释法明理。", Outcome: outcome}
}

// outbox keeps the notices enqueued, each key once, as an outbox does.
type outbox struct {
	mu      sync.Mutex
	keys    map[string]bool
	notices []work.Notice
}

func (o *outbox) Enqueue(ctx context.Context, now time.Time, ns ...work.Notice) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, n := range ns {
		if !o.keys[n.Key] {
			o.keys[n.Key] = true
			o.notices = append(o.notices, n)
		}
	}
	return nil
}

// take returns the notices enqueued since it was last called.
func (o *outbox) take() []work.Notice {
	o.mu.Lock()
	defer o.mu.Unlock()
	ns := o.notices
	o.notices = nil
	return ns
}

// minimalDispute is the fixture's dispute with what intake requires and
// no more: the parties' names and the applicant's phone.
func minimalDispute() mediation.Intake {
	in := neighbourDispute()
	in.Applicants = []mediation.Party{{Name: "王某某", Phone: "13900001111"}}
	in.Respondents = []mediation.Party{{Name: "张某某"}, {Name: "张某"}}
	return in
}
