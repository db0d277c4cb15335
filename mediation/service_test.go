package mediation_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

func TestRegisterValidation(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*mediation.Intake)
		field string
	}{
		{"no channel", func(in *mediation.Intake) { in.Channel = 0 }, "channel"},
		{"unknown category", func(in *mediation.Intake) { in.Category = "feud" }, "category"},
		{"no applicants", func(in *mediation.Intake) { in.Applicants = nil }, "applicants"},
		{"no respondents", func(in *mediation.Intake) { in.Respondents = nil }, "respondents"},
		{"applicant without name", func(in *mediation.Intake) { in.Applicants[0].Name = "" }, "applicants[0].name"},
		{"applicant without phone", func(in *mediation.Intake) { in.Applicants[0].Phone = "" }, "applicants[0].phone"},
		{"landline", func(in *mediation.Intake) { in.Applicants[0].Phone = "0396-2345678" }, "applicants[0].phone"},
		{"bad respondent phone", func(in *mediation.Intake) { in.Respondents[0].Phone = "1234" }, "respondents[0].phone"},
		{"bad ID card checksum", func(in *mediation.Intake) { in.Applicants[0].IDCard = "110105194912310021" }, "applicants[0].id_card"},
		{"age", func(in *mediation.Intake) { in.Applicants[0].Age = 200 }, "applicants[0].age"},
		{"sex", func(in *mediation.Intake) { in.Applicants[0].Sex = 9 }, "applicants[0].sex"},
		{"no facts", func(in *mediation.Intake) { in.Facts = "" }, "facts"},
		{"invalid UTF-8", func(in *mediation.Intake) { in.Facts = "\xff\xfe" }, "facts"},
		{"long facts", func(in *mediation.Intake) { in.Facts = strings.Repeat("字", 5001) }, "facts"},
		{"negative claim", func(in *mediation.Intake) {
			in.Claims = []mediation.Claim{{Description: "赔偿", Amount: -1}}
		}, "claims[0].amount"},
		{"claim without description", func(in *mediation.Intake) { in.Claims = []mediation.Claim{{Amount: 100}} }, "claims[0].description"},
		{"no location", func(in *mediation.Intake) { in.Location = "" }, "location"},
		{"both location and outside", func(in *mediation.Intake) { in.Outside = "确山县" }, "outside"},
		{"unknown location", func(in *mediation.Intake) { in.Location = "zhulizhuang" }, "location"},
		{"location in another township", func(in *mediation.Intake) { in.Location = "lz-qiaotou" }, "location"},
		{"referral without referrer", func(in *mediation.Intake) { in.Channel = work.ChannelReferral }, "referred_by"},
		{"referrer without referral", func(in *mediation.Intake) { in.ReferredBy = "区法院" }, "referred_by"},
		{"unknown risk", func(in *mediation.Intake) { in.Risks = 1 << 7 }, "risks"},
		{"grid-head channel from a worker", func(in *mediation.Intake) {}, "channel"},
		// The text rule, on every field of an intake a person types.
		{"an applicant named by three spaces", func(in *mediation.Intake) { in.Applicants[0].Name = "   " }, "applicants[0].name"},
		{"an applicant named by ideographic spaces", func(in *mediation.Intake) { in.Applicants[0].Name = "\u3000\u3000" }, "applicants[0].name"},
		{"a name with a bidi override", func(in *mediation.Intake) { in.Applicants[0].Name = "王某\u202e某" }, "applicants[0].name"},
		{"a name with a bell", func(in *mediation.Intake) { in.Respondents[0].Name = "张某某\a" }, "respondents[0].name"},
		{"a name with an escape sequence", func(in *mediation.Intake) { in.Respondents[0].Name = "\x1b[2J张某某" }, "respondents[0].name"},
		{"a name with a zero-width space", func(in *mediation.Intake) { in.Applicants[0].Name = "王\u200b某某" }, "applicants[0].name"},
		{"an address with a NUL", func(in *mediation.Intake) { in.Applicants[0].Address = "马园\x00一组" }, "applicants[0].address"},
		{"an address of one line with a newline", func(in *mediation.Intake) { in.Respondents[0].Address = "马园\n一组" }, "respondents[0].address"},
		{"facts with a NUL", func(in *mediation.Intake) { in.Facts = "两家争吵\x00" }, "facts"},
		{"facts of spaces only", func(in *mediation.Intake) { in.Facts = " \r\n\t " }, "facts"},
		{"facts with a byte-order mark", func(in *mediation.Intake) { in.Facts = "\ufeff两家争吵" }, "facts"},
		{"a claim described by spaces", func(in *mediation.Intake) { in.Claims = []mediation.Claim{{Description: "  ", Amount: 100}} }, "claims[0].description"},
		{"a claim with an isolate", func(in *mediation.Intake) { in.Claims = []mediation.Claim{{Description: "赔偿\u2066"}} }, "claims[0].description"},
		{"a place outside with a control", func(in *mediation.Intake) { in.Location, in.Outside = "", "确山县\x07" }, "outside"},
		{"a referrer of spaces", func(in *mediation.Intake) { in.Channel, in.ReferredBy = work.ChannelReferral, "\u3000" }, "referred_by"},
		{"a referrer with a right-to-left mark", func(in *mediation.Intake) {
			in.Channel, in.ReferredBy = work.ChannelReferral, "区法院\u200f"
		}, "referred_by"},
		{"a long name after cleaning", func(in *mediation.Intake) { in.Applicants[0].Name = " " + strings.Repeat("王", 51) + " " }, "applicants[0].name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			in := neighbourDispute()
			tc.edit(&in)
			actor := f.actor("mayuan-1-head")
			if tc.name == "grid-head channel from a worker" {
				actor = f.actor("mayuan-security")
			}
			_, err := f.svc.Register(ctx, actor, in)
			require.Error(t, err)
			assert.Equal(t, tc.field, fourplusn.ErrorField(err), "%v", err)
			page, err := f.svc.List(ctx, f.actor("gc-secretary"), mediation.Filter{})
			require.NoError(t, err)
			assert.Empty(t, page.Cases, "nothing stored")
		})
	}
}

func TestRegisterNormalizesAndGrades(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(*mediation.Intake)
		grade    work.Grade
		handling string
	}{
		{"simple stays in the group", func(in *mediation.Intake) {}, work.Simple, "/gucheng/gc-east/mayuan/mayuan-1"},
		{"homestead goes to the community", func(in *mediation.Intake) { in.Category = mediation.Homestead }, work.Ordinary, "/gucheng/gc-east/mayuan"},
		{"10,000 yuan is yellow", func(in *mediation.Intake) {
			in.Claims = []mediation.Claim{{Description: "欠款", Amount: 1_000_000}}
		}, work.Ordinary, "/gucheng/gc-east/mayuan"},
		{"9,999.99 yuan stays green", func(in *mediation.Intake) {
			in.Claims = []mediation.Claim{{Description: "欠款", Amount: 999_999}}
		}, work.Simple, "/gucheng/gc-east/mayuan/mayuan-1"},
		{"100,000 yuan is red", func(in *mediation.Intake) {
			in.Claims = []mediation.Claim{{Description: "欠款", Amount: 10_000_000}}
		}, work.Major, "/gucheng/gc-east"},
		{"a likely fight is yellow", func(in *mediation.Intake) { in.Risks = mediation.LikelyFight }, work.Ordinary, "/gucheng/gc-east/mayuan"},
		{"a petition threat is red", func(in *mediation.Intake) { in.Risks = mediation.PetitionThreat }, work.Major, "/gucheng/gc-east"},
		{"a group dispute is red", func(in *mediation.Intake) { in.Risks = mediation.GroupDispute }, work.Major, "/gucheng/gc-east"},
		{"a location above the grade's level handles it itself", func(in *mediation.Intake) { in.Location = "mayuan" }, work.Simple, "/gucheng/gc-east/mayuan"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			in := neighbourDispute()
			in.Applicants[0].Phone = "+86 139-0000-1111"
			in.Applicants[0].IDCard = "11010519491231002x"
			in.Applicants[0].Age = 0 // the card gives the date of birth
			tc.edit(&in)
			c, err := f.svc.Register(ctx, f.actor("mayuan-head"), in)
			require.NoError(t, err)
			assert.Equal(t, tc.grade, c.Grade)
			assert.Equal(t, tc.handling, c.Handling.String())
			assert.Equal(t, "13900001111", c.Applicants[0].Phone)
			assert.Equal(t, "11010519491231002X", c.Applicants[0].IDCard)
			assert.Equal(t, time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), c.Applicants[0].BirthDate, "taken from the ID card")
			assert.Equal(t, f.clock.Now().UTC().Add(24*time.Hour), c.AcceptDue)
		})
	}
}

func TestRegisterIsIdempotent(t *testing.T) {
	f := newFixture(t)
	head := f.actor("mayuan-1-head")
	in := neighbourDispute()
	in.IdempotencyKey = "form-7f3a"
	first, err := f.svc.Register(ctx, head, in)
	require.NoError(t, err)
	again, err := f.svc.Register(ctx, head, in)
	require.NoError(t, err)
	assert.Equal(t, first.ID, again.ID, "a retried submission creates one case")
	assert.Equal(t, first.Number, again.Number, "and has the one number")

	in.Facts = "另一件事"
	_, err = f.svc.Register(ctx, head, in)
	assert.ErrorIs(t, err, fourplusn.Conflict, "the key was reused for another request")

	other, err := f.svc.Register(ctx, f.actor("mayuan-head"), neighbourDispute())
	require.NoError(t, err)
	assert.NotEqual(t, first.ID, other.ID)
	assert.Equal(t, first.Number.Seq+1, other.Number.Seq, "neither the retry nor the refusal took a number")

	// A case converted from a hazard is one case, whoever retries.
	lead := neighbourDispute()
	lead.Hazard, lead.IdempotencyKey = "H1", "hazard:H1"
	converted, err := f.svc.Register(ctx, head, lead)
	require.NoError(t, err)
	retried, err := f.svc.Register(ctx, f.actor("mayuan-head"), lead)
	require.NoError(t, err)
	assert.Equal(t, converted.ID, retried.ID)
	assert.Equal(t, "H1", retried.Hazard)

	page, err := f.svc.List(ctx, f.actor("gc-secretary"), mediation.Filter{})
	require.NoError(t, err)
	assert.Len(t, page.Cases, 3)
}

func TestEscalation(t *testing.T) {
	f := newFixture(t)
	head := f.actor("mayuan-1-head")
	c := must(t)(f.svc.Register(ctx, head, neighbourDispute()))

	_, err := f.svc.Escalate(ctx, head, c.ID, c.Version, "")
	assert.Equal(t, "reason", fourplusn.ErrorField(err), "small disputes stay down: no escalation without a reason")

	c = must(t)(f.svc.Escalate(ctx, head, c.ID, c.Version, "双方情绪激动"))
	assert.Equal(t, "/gucheng/gc-east/mayuan", c.Escalation.To.String())
	assert.Equal(t, 1, c.Escalations)
	c = must(t)(f.svc.ReturnEscalation(ctx, f.actor("mayuan-head"), c.ID, c.Version, "请组长再做一次工作"))
	assert.Nil(t, c.Escalation)
	assert.Equal(t, "/gucheng/gc-east/mayuan/mayuan-1", c.Handling.String(), "returned: it stays down")

	// Up, level by level, to the top, which can only refer outward.
	c = must(t)(f.svc.Escalate(ctx, head, c.ID, c.Version, "仍无进展"))
	c = must(t)(f.svc.ApproveEscalation(ctx, f.actor("mayuan-head"), c.ID, c.Version))
	assert.Equal(t, mediation.Accepted, c.State, "taking over accepts it")
	assert.Equal(t, "mayuan-head", c.Accountable())
	c = must(t)(f.svc.Escalate(ctx, f.actor("mayuan-head"), c.ID, c.Version, "需片区协调"))
	c = must(t)(f.svc.ApproveEscalation(ctx, f.actor("gc-east-head"), c.ID, c.Version))
	c = must(t)(f.svc.Escalate(ctx, f.actor("gc-east-head"), c.ID, c.Version, "需办事处协调"))
	c = must(t)(f.svc.ApproveEscalation(ctx, f.actor("gc-secretary"), c.ID, c.Version))
	assert.Equal(t, "/gucheng", c.Handling.String())
	_, err = f.svc.Escalate(ctx, f.actor("gc-secretary"), c.ID, c.Version, "再上报")
	assert.Equal(t, "handling", fourplusn.ErrorField(err), "level 1 can only refer outward")
	c = must(t)(f.svc.TransferOut(ctx, f.actor("gc-secretary"), c.ID, c.Version, mediation.OutsideBody{Name: "区信访局", Contact: "0396-2222222", Reason: "需行政处理"}))
	assert.Equal(t, mediation.TransferredOut, c.State)
	assert.Equal(t, 4, c.Escalations)
}

func TestTransferKeepsFirstResponderAccountable(t *testing.T) {
	f := newFixture(t)
	first := f.actor("mayuan-police")
	in := neighbourDispute()
	in.Channel = work.ChannelPolice
	c := must(t)(f.svc.Register(ctx, first, in))
	c = must(t)(f.svc.Accept(ctx, f.actor("mayuan-1-head"), c.ID, c.Version))
	assert.Equal(t, "mayuan-1-head", c.Accountable())

	c = must(t)(f.svc.Transfer(ctx, f.actor("mayuan-head"), c.ID, c.Version, "mayuan-2", "当事人实际住二组"))
	assert.Equal(t, mediation.Registered, c.State)
	assert.Equal(t, "mayuan-police", c.Accountable(), "until the receiver accepts, the first responder answers for it")
	c = must(t)(f.svc.Accept(ctx, f.actor("mayuan-2-head"), c.ID, c.Version))
	assert.Equal(t, "mayuan-2-head", c.Accountable())
	assert.Equal(t, 1, c.Transfers)

	for _, tc := range []struct {
		to    grid.CellID
		field string
	}{{"lz-qiaotou", "to"}, {"mayuan-2", "to"}, {"nowhere", "to"}} {
		_, err := f.svc.Transfer(ctx, f.actor("mayuan-head"), c.ID, c.Version, tc.to, "再转")
		assert.Equal(t, tc.field, fourplusn.ErrorField(err), "%s: %v", tc.to, err)
	}
	_, err := f.svc.Transfer(ctx, f.actor("mayuan-head"), c.ID, c.Version, "mayuan-1", "")
	assert.Equal(t, "reason", fourplusn.ErrorField(err))
}

func TestAutoEscalation(t *testing.T) {
	system := grid.SystemActor("gucheng")
	t.Run("not accepted in time", func(t *testing.T) {
		f := newFixture(t)
		c := must(t)(f.svc.Register(ctx, f.actor("mayuan-1-head"), neighbourDispute()))
		escalated, err := f.svc.AutoEscalate(ctx, system, c.ID)
		require.NoError(t, err)
		assert.False(t, escalated, "nothing due yet")
		assert.Equal(t, c.Version, f.stored(t, c.ID).Version, "nothing stored")
		f.clock.Advance(24*time.Hour + time.Second)
		escalated, err = f.svc.AutoEscalate(ctx, system, c.ID)
		require.NoError(t, err)
		assert.True(t, escalated)
		c = f.stored(t, c.ID)
		assert.Equal(t, "/gucheng/gc-east/mayuan", c.Escalation.To.String())
		assert.Contains(t, c.Escalation.Reason, "not accepted by")
		escalated, err = f.svc.AutoEscalate(ctx, system, c.ID)
		require.NoError(t, err)
		assert.False(t, escalated, "never twice while one waits")
	})
	t.Run("stalled sessions", func(t *testing.T) {
		f := newFixture(t)
		head := f.actor("mayuan-1-head")
		c := must(t)(f.svc.Register(ctx, head, neighbourDispute()))
		c = must(t)(f.svc.Accept(ctx, head, c.ID, c.Version))
		for i := range 3 {
			c = must(t)(f.svc.RecordSession(ctx, head, c.ID, c.Version, session(f.clock.Now(), mediation.PlaceHome, mediation.NoProgress)))
			if i < 2 {
				assert.Nil(t, c.Escalation)
			}
		}
		require.NotNil(t, c.Escalation, "three sessions without progress submit it upward")
		assert.Equal(t, "/gucheng/gc-east/mayuan", c.Escalation.To.String())
	})
	t.Run("not resolved in time", func(t *testing.T) {
		f := newFixture(t)
		head := f.actor("mayuan-1-head")
		c := must(t)(f.svc.Register(ctx, head, neighbourDispute()))
		c = must(t)(f.svc.Accept(ctx, head, c.ID, c.Version))
		c = must(t)(f.svc.Extend(ctx, head, c.ID, c.Version, mediation.Extension{Days: 2, Reason: "双方同意", Consent: true}))
		f.clock.Advance(72 * time.Hour) // a day allowed, two more agreed
		escalated, err := f.svc.AutoEscalate(ctx, system, c.ID)
		require.NoError(t, err)
		assert.False(t, escalated, "the extension holds")
		f.clock.Advance(time.Second)
		escalated, err = f.svc.AutoEscalate(ctx, system, c.ID)
		require.NoError(t, err)
		assert.True(t, escalated)
		_, err = f.svc.AutoEscalate(ctx, grid.SystemActor("linzhen"), c.ID)
		assert.ErrorIs(t, err, fourplusn.NotFound, "another township's scheduler sees nothing")
	})
	t.Run("extensions need consent", func(t *testing.T) {
		f := newFixture(t)
		head := f.actor("mayuan-1-head")
		c := must(t)(f.svc.Register(ctx, head, neighbourDispute()))
		c = must(t)(f.svc.Accept(ctx, head, c.ID, c.Version))
		_, err := f.svc.Extend(ctx, head, c.ID, c.Version, mediation.Extension{Days: 5, Reason: "需要时间"})
		assert.Equal(t, "consent", fourplusn.ErrorField(err))
		_, err = f.svc.Extend(ctx, head, c.ID, c.Version, mediation.Extension{Days: 31, Reason: "需要时间", Consent: true})
		assert.Equal(t, "days", fourplusn.ErrorField(err))
	})
}

func TestDeadlines(t *testing.T) {
	f := newFixture(t)
	head := f.actor("mayuan-1-head")
	registered := must(t)(f.svc.Register(ctx, head, neighbourDispute()))
	f.clock.Advance(time.Hour)
	accepted := must(t)(f.svc.Register(ctx, head, neighbourDispute()))
	accepted = must(t)(f.svc.Accept(ctx, head, accepted.ID, 0))
	f.clock.Advance(time.Hour)
	agreed := agreed(t, f, must(t)(f.svc.Register(ctx, head, neighbourDispute())))
	rules := mediation.DefaultRules()

	start := time.Date(2022, 11, 1, 1, 0, 0, 0, time.UTC) // 9:00 in Shanghai
	due := rules.Deadlines(start.Add(2*time.Hour), registered, accepted, agreed)
	require.Len(t, due, 4)
	assert.Equal(t, []work.DeadlineKind{mediation.AcceptBy, mediation.ResolveBy, mediation.FollowUpBy, mediation.CourtConfirmBy}, kinds(due), "most urgent first")
	for _, d := range due {
		assert.Equal(t, work.OnTime, d.Status, "%s since %s due %s", d.Kind, d.Since, d.Due)
	}
	assert.Equal(t, "mayuan-1-head", due[0].Accountable)

	// At 80% of the day allowed, acceptance is at risk; after it, overdue.
	due = rules.Deadlines(start.Add(19*time.Hour), registered)
	assert.Equal(t, work.OnTime, due[0].Status)
	due = rules.Deadlines(start.Add(19*time.Hour+12*time.Minute), registered)
	assert.Equal(t, work.AtRisk, due[0].Status)
	due = rules.Deadlines(start.Add(24*time.Hour+time.Second), registered)
	assert.Equal(t, work.Overdue, due[0].Status)
	assert.True(t, registered.Overdue(start.Add(24*time.Hour+time.Second)))
	assert.Empty(t, rules.Deadlines(start), "no cases, nothing due")
}

func kinds(ds []work.Deadline) []work.DeadlineKind {
	out := make([]work.DeadlineKind, len(ds))
	for i, d := range ds {
		out[i] = d.Kind
	}
	return out
}

// TestConcurrentEdits has 50 members act on one case at once. Holding the
// same version, exactly one wins and every other gets a conflict; acting on
// whatever is current, all 50 land and none is lost.
func TestConcurrentEdits(t *testing.T) {
	f := newFixture(t)
	head := f.actor("mayuan-1-head")
	c := must(t)(f.svc.Register(ctx, head, neighbourDispute()))
	c = must(t)(f.svc.Accept(ctx, head, c.ID, c.Version))

	const writers = 50
	run := func(version int64) []error {
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() {
				_, errs[i] = f.svc.RecordSession(ctx, head, c.ID, version, session(f.clock.Now(), mediation.PlaceHome, mediation.Progress, fmt.Sprintf("调解员%d", i)))
			})
		}
		wg.Wait()
		return errs
	}
	wins := 0
	for _, err := range run(c.Version) {
		if err == nil {
			wins++
			continue
		}
		assert.ErrorIs(t, err, fourplusn.Conflict)
	}
	assert.Equal(t, 1, wins)
	for _, err := range run(0) {
		assert.NoError(t, err)
	}
	c = f.stored(t, c.ID)
	assert.Len(t, c.Sessions, 1+writers, "no update lost")
	assert.Equal(t, int64(2+1+writers), c.Version)
	require.NoError(t, f.svc.CheckTimeline(ctx, head, c.ID))
}

func TestVerifyDetectsTampering(t *testing.T) {
	f := newFixture(t)
	head := f.actor("mayuan-1-head")
	c := agreed(t, f, must(t)(f.svc.Register(ctx, head, neighbourDispute())))
	events, err := f.svc.Timeline(ctx, head, c.ID)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(events), 4)
	c = f.stored(t, c.ID)
	tampers := map[string]func([]timeline.Event) []timeline.Event{
		"edit": func(es []timeline.Event) []timeline.Event {
			es[1].Actor = "gc-secretary"
			return es
		},
		"edit details": func(es []timeline.Event) []timeline.Event {
			es[0].Details = map[string]string{"grade": "major"}
			return es
		},
		"delete": func(es []timeline.Event) []timeline.Event { return append(es[:1], es[2:]...) },
		"reorder": func(es []timeline.Event) []timeline.Event {
			es[1], es[2] = es[2], es[1]
			return es
		},
		"truncate": func(es []timeline.Event) []timeline.Event { return es[:len(es)-1] },
	}
	require.NoError(t, timeline.Verify(string(c.ID), events, c.Chain))
	for name, tamper := range tampers {
		t.Run(name, func(t *testing.T) {
			copied := append([]timeline.Event(nil), events...)
			err := timeline.Verify(string(c.ID), tamper(copied), c.Chain)
			assert.ErrorIs(t, err, timeline.ErrBroken)
		})
	}
}

// TestRegisterRoutes: the duty watch registers and routes in one step —
// the case is waiting for the chosen cell to accept it, once — and only
// where it may transfer a case from the cell the rules chose.
func TestRegisterRoutes(t *testing.T) {
	f := newFixture(t)
	in := neighbourDispute()
	in.Channel = work.ChannelWalkIn
	in.Handling = "mayuan"
	c := must(t)(f.svc.Register(ctx, f.actor("gc-duty-1"), in))
	assert.Equal(t, "/gucheng/gc-east/mayuan", c.Handling.String(), "the route, not the rules' group")
	assert.Equal(t, mediation.Registered, c.State)
	assert.Equal(t, 0, c.Transfers, "routed as registered, not transferred")
	events, err := f.svc.Timeline(ctx, f.actor("gc-duty-1"), c.ID)
	require.NoError(t, err)
	require.Len(t, events, 1, "one step")
	assert.Equal(t, "/gucheng/gc-east/mayuan/mayuan-1", events[0].Details["routed_from"])
	c = must(t)(f.svc.Accept(ctx, f.actor("mayuan-head"), c.ID, c.Version))
	assert.Equal(t, mediation.Accepted, c.State, "the committee accepts once")

	in.Handling = "mayuan-1"
	c = must(t)(f.svc.Register(ctx, f.actor("gc-duty-1"), in))
	assert.Equal(t, "/gucheng/gc-east/mayuan/mayuan-1", c.Handling.String(), "the rules' own cell: nothing to route")

	for _, tc := range []struct {
		actor grid.MemberID
		route grid.CellID
		code  fourplusn.Code
		field string
	}{
		{"gc-duty-1", "lz-qiaotou", fourplusn.Invalid, "handling"},
		{"gc-duty-1", "nowhere", fourplusn.NotFound, "handling"},
		{"mayuan-1-zhang-elder", "mayuan-2", fourplusn.Forbidden, ""},
	} {
		in.Handling = tc.route
		_, err = f.svc.Register(ctx, f.actor(tc.actor), in)
		assert.Equal(t, tc.code, fourplusn.ErrorCode(err), "%s → %s: %v", tc.actor, tc.route, err)
		assert.Equal(t, tc.field, fourplusn.ErrorField(err), "%s → %s", tc.actor, tc.route)
	}
}
