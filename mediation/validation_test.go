package mediation_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/notify/notifytest"
	"github.com/fourplusn/fourplusn/mediation"
)

// fieldsOf returns the fields err names, in order.
func fieldsOf(err error) []string {
	var out []string
	for _, f := range fourplusn.ErrorFields(err) {
		out = append(out, f.Field)
	}
	return out
}

// TestRegisterStoresCleanedText checks that what is stored is the text as
// the rule cleaned it: trimmed, composed, with \n for line breaks.
func TestRegisterStoresCleanedText(t *testing.T) {
	f := newFixture(t)
	in := neighbourDispute()
	in.Applicants[0].Name = "\u3000王某某 "
	in.Applicants[0].Address = " Jose\u0301路 "
	in.Respondents[0].Name = "张某某\u00a0"
	in.Facts = "  两家争吵。\r\n多次调解未果。\r\n"
	in.Claims = []mediation.Claim{{Description: " 赔偿医药费 ", Amount: 100}}
	c, err := f.svc.Register(ctx, f.actor("mayuan-1-head"), in)
	require.NoError(t, err)
	stored := f.stored(t, c.ID)
	assert.Equal(t, "王某某", stored.Applicants[0].Name)
	assert.Equal(t, "José路", stored.Applicants[0].Address)
	assert.Equal(t, "张某某", stored.Respondents[0].Name)
	assert.Equal(t, "两家争吵。\n多次调解未果。", stored.Facts)
	assert.Equal(t, "赔偿医药费", stored.Claims[0].Description)
}

// TestTextRuleOnEveryStore runs the text rule on the memory store, SQLite
// and PostgreSQL (when FOURPLUSN_TEST_POSTGRES names a server): a NUL,
// which PostgreSQL would refuse only when the case is written, is Invalid
// before anything is, and the cleaned text is what each store keeps.
func TestTextRuleOnEveryStore(t *testing.T) {
	notifytest.Run(t, func(t *testing.T, env *notifytest.Env) {
		head := env.Demo.Member("mayuan-1-head").Actor()
		in := neighbourDispute()
		in.Facts = "两家争吵\x00"
		_, err := env.Cases.Register(ctx, head, in)
		require.ErrorIs(t, err, fourplusn.Invalid)
		assert.Equal(t, []string{"facts"}, fieldsOf(err))
		page, err := env.Cases.List(ctx, head, mediation.Filter{})
		require.NoError(t, err)
		assert.Empty(t, page.Cases, "nothing stored")

		in = neighbourDispute()
		in.Facts = "\u3000两家争吵。\r\n多次调解未果。 "
		in.Applicants[0].Name = "王某某\u00a0"
		c, err := env.Cases.Register(ctx, head, in)
		require.NoError(t, err)
		c, err = env.Cases.Get(ctx, head, c.ID)
		require.NoError(t, err)
		assert.Equal(t, "两家争吵。\n多次调解未果。", c.Facts)
		assert.Equal(t, "王某某", c.Applicants[0].Name)
	})
}

// TestRegisterReportsEveryField checks that an intake with several
// mistakes names every one of them at once, in the order of the form.
func TestRegisterReportsEveryField(t *testing.T) {
	f := newFixture(t)
	in := neighbourDispute()
	in.Applicants[0].Name = "   "
	in.Applicants[0].Phone = "12345"
	in.Facts = "两家争吵\x00"
	_, err := f.svc.Register(ctx, f.actor("mayuan-1-head"), in)
	require.ErrorIs(t, err, fourplusn.Invalid)
	assert.Equal(t, []string{"applicants[0].name", "applicants[0].phone", "facts"}, fieldsOf(err))
	assert.Equal(t, "applicants[0].name", fourplusn.ErrorField(err), "the first is the error's field")
}

// TestActionsTextRule checks the text rule on the actions' fields: each
// bad input is refused naming the field, and the case is unchanged.
func TestActionsTextRule(t *testing.T) {
	const head = "mayuan-1-head"
	tests := []struct {
		name   string
		reach  func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case
		act    func(f *fixture, c *mediation.Case) (*mediation.Case, error)
		fields []string
	}{
		{"an escalation reason of spaces", nil, func(f *fixture, c *mediation.Case) (*mediation.Case, error) {
			return f.svc.Escalate(ctx, f.actor(head), c.ID, 0, "   ")
		}, []string{"reason"}},
		{"a withdrawal reason with a bidi override", nil, func(f *fixture, c *mediation.Case) (*mediation.Case, error) {
			return f.svc.Withdraw(ctx, f.actor(head), c.ID, 0, "撤回\u202e")
		}, []string{"reason"}},
		{"a rejection with two blank fields", nil, func(f *fixture, c *mediation.Case) (*mediation.Case, error) {
			return f.svc.Reject(ctx, f.actor("mayuan-head"), c.ID, 0, mediation.Rejection{Reason: " ", Advice: "\u3000"})
		}, []string{"reason", "advice"}},
		{"a transfer reason with a NUL", nil, func(f *fixture, c *mediation.Case) (*mediation.Case, error) {
			return f.svc.Transfer(ctx, f.actor(head), c.ID, 0, "mayuan-2", "分派\x00")
		}, []string{"reason"}},
		{"a transfer out to nobody", nil, func(f *fixture, c *mediation.Case) (*mediation.Case, error) {
			return f.svc.TransferOut(ctx, f.actor("mayuan-head"), c.ID, 0, mediation.OutsideBody{Name: "  ", Contact: "\x1b", Reason: "涉诉"})
		}, []string{"name", "contact"}},
		{"a team member named by spaces", accepted, func(f *fixture, c *mediation.Case) (*mediation.Case, error) {
			return f.svc.Join(ctx, f.actor(head), c.ID, 0, mediation.Participant{Department: "partner", Name: "  ", Body: "\u200b"})
		}, []string{"participant.name", "participant.body"}},
		{"a team member's role with a bell", accepted, func(f *fixture, c *mediation.Case) (*mediation.Case, error) {
			return f.svc.Join(ctx, f.actor(head), c.ID, 0, mediation.Participant{Department: "police", Name: "李警官", Role: "民警\a"})
		}, []string{"participant.role"}},
		{"session notes with a NUL and a blank attendee", accepted, func(f *fixture, c *mediation.Case) (*mediation.Case, error) {
			s := session(f.clock.Now(), mediation.PlaceHome, mediation.Progress, "高敬", " ")
			s.Notes = "听取意见\x00"
			return f.svc.RecordSession(ctx, f.actor(head), c.ID, 0, s)
		}, []string{"session.attendees[1]", "session.notes"}},
		{"a place note with an override", accepted, func(f *fixture, c *mediation.Case) (*mediation.Case, error) {
			s := session(f.clock.Now(), mediation.PlaceHome, mediation.Progress)
			s.PlaceNote = "村委\u202d会"
			return f.svc.RecordSession(ctx, f.actor(head), c.ID, 0, s)
		}, []string{"session.place_note"}},
		{"an extension with every field wrong", accepted, func(f *fixture, c *mediation.Case) (*mediation.Case, error) {
			return f.svc.Extend(ctx, f.actor(head), c.ID, 0, mediation.Extension{Days: 0, Reason: " "})
		}, []string{"consent", "days", "reason"}},
		{"a failure without reason or route", mediating, func(f *fixture, c *mediation.Case) (*mediation.Case, error) {
			return f.svc.Fail(ctx, f.actor(head), c.ID, 0, mediation.Failure{Reason: "\t"})
		}, []string{"reason", "route"}},
		{"follow-up notes of spaces", agreed, func(f *fixture, c *mediation.Case) (*mediation.Case, error) {
			return f.svc.FollowUp(ctx, f.actor(head), c.ID, 0, mediation.FollowUp{Performed: true, Notes: "\u3000 "})
		}, []string{"notes"}},
		{"agreement terms with a format character", mediating, func(f *fixture, c *mediation.Case) (*mediation.Case, error) {
			a := writtenAgreement(c, 0, f.clock.Now())
			a.Terms, a.Mediator = "院墙后退\u20670.3米", "高敬\x00"
			return f.svc.RecordAgreement(ctx, f.actor(head), c.ID, 0, a)
		}, []string{"agreement.terms", "agreement.mediator"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			c := must(t)(f.svc.Register(ctx, f.actor(head), neighbourDispute()))
			if tc.reach != nil {
				c = tc.reach(t, f, c)
			}
			before := f.stored(t, c.ID)
			_, err := tc.act(f, c)
			require.ErrorIs(t, err, fourplusn.Invalid)
			assert.Equal(t, tc.fields, fieldsOf(err), "%v", err)
			assert.Equal(t, before, f.stored(t, c.ID), "the case is unchanged")
		})
	}
}

// TestActionsStoreCleanedText checks that the actions store their text as
// the rule cleaned it.
func TestActionsStoreCleanedText(t *testing.T) {
	f := newFixture(t)
	head := f.actor("mayuan-1-head")
	c := accepted(t, f, must(t)(f.svc.Register(ctx, head, neighbourDispute())))
	c = must(t)(f.svc.Join(ctx, head, c.ID, 0, mediation.Participant{Department: "partner", Name: " 王长老 ", Body: "\u3000有威望的亲戚"}))
	s := session(f.clock.Now(), mediation.PlaceHome, mediation.Settled, " 高敬 ")
	s.Notes = "听取意见。\r\n双方同意和解。 "
	c = must(t)(f.svc.RecordSession(ctx, head, c.ID, 0, s))
	a := writtenAgreement(c, 0, f.clock.Now())
	a.Terms = " 院墙后退0.3米。\r\n"
	c = must(t)(f.svc.RecordAgreement(ctx, head, c.ID, 0, a))
	c = must(t)(f.svc.FollowUp(ctx, head, c.ID, 0, mediation.FollowUp{Performed: true, Notes: "已履行 "}))
	stored := f.stored(t, c.ID)
	assert.Equal(t, "王长老", stored.Team[0].Name)
	assert.Equal(t, "有威望的亲戚", stored.Team[0].Body)
	assert.Equal(t, []string{"高敬"}, stored.Sessions[0].Attendees)
	assert.Equal(t, "听取意见。\n双方同意和解。", stored.Sessions[0].Notes)
	assert.Equal(t, "院墙后退0.3米。", stored.Agreement.Terms)
	assert.Equal(t, "已履行", stored.FollowUps[0].Notes)
}

// TestSessionDateWindow checks that a session is dated no earlier than a
// year before the case was registered and no later than a year from now.
func TestSessionDateWindow(t *testing.T) {
	year := 366 * 24 * time.Hour
	tests := []struct {
		name string
		at   func(registered, now time.Time) time.Time
		ok   bool
	}{
		{"now", func(_, now time.Time) time.Time { return now }, true},
		{"a year before registration", func(reg, _ time.Time) time.Time { return reg.Add(-year) }, true},
		{"a moment more than a year before registration", func(reg, _ time.Time) time.Time { return reg.Add(-year - time.Second) }, false},
		{"a year ahead", func(_, now time.Time) time.Time { return now.Add(year) }, true},
		{"a moment more than a year ahead", func(_, now time.Time) time.Time { return now.Add(year + time.Second) }, false},
		{"9999-12-31", func(time.Time, time.Time) time.Time { return time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC) }, false},
		{"the first year", func(time.Time, time.Time) time.Time { return time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC) }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			head := f.actor("mayuan-1-head")
			c := accepted(t, f, must(t)(f.svc.Register(ctx, head, neighbourDispute())))
			f.clock.Advance(3 * 24 * time.Hour)
			_, err := f.svc.RecordSession(ctx, head, c.ID, 0, session(tc.at(c.RegisteredAt, f.clock.Now()), mediation.PlaceHome, mediation.Progress))
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, fourplusn.Invalid)
			assert.Equal(t, []string{"session.at"}, fieldsOf(err))
			assert.Empty(t, f.stored(t, c.ID).Sessions, "nothing stored")
		})
	}
}

// TestAgreementDateWindows checks the windows of an agreement's dates:
// signatures no later than a day from now, deadlines of performance and
// payment no later than ten years from now, and none of them long before
// the case was registered.
func TestAgreementDateWindows(t *testing.T) {
	far := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	early := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		edit  func(a *mediation.Agreement, now time.Time)
		field string
	}{
		{"performed by 9999", func(a *mediation.Agreement, _ time.Time) { a.PerformBy = far }, "agreement.perform_by"},
		{"performed by 1900", func(a *mediation.Agreement, _ time.Time) { a.PerformBy = early }, "agreement.perform_by"},
		{"performed in eleven years", func(a *mediation.Agreement, now time.Time) { a.PerformBy = now.AddDate(11, 0, 0) }, "agreement.perform_by"},
		{"paid by 9999", func(a *mediation.Agreement, _ time.Time) { a.Payments[0].Due = far }, "agreement.payments[0].due"},
		{"a party signs tomorrow week", func(a *mediation.Agreement, now time.Time) { a.Signatures[1].At = now.AddDate(0, 0, 8) }, "agreement.signatures[1].at"},
		{"the mediator signs in 1900", func(a *mediation.Agreement, _ time.Time) { a.MediatorSignedAt = early }, "agreement.mediator_signed_at"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			head := f.actor("mayuan-1-head")
			c := mediating(t, f, must(t)(f.svc.Register(ctx, head, neighbourDispute())))
			a := writtenAgreement(c, 300000, f.clock.Now())
			tc.edit(&a, f.clock.Now())
			_, err := f.svc.RecordAgreement(ctx, head, c.ID, 0, a)
			require.ErrorIs(t, err, fourplusn.Invalid)
			assert.Equal(t, []string{tc.field}, fieldsOf(err))
			assert.Nil(t, f.stored(t, c.ID).Agreement, "nothing stored")
		})
	}
	t.Run("ten years of instalments and a signature of yesterday pass", func(t *testing.T) {
		f := newFixture(t)
		head := f.actor("mayuan-1-head")
		c := mediating(t, f, must(t)(f.svc.Register(ctx, head, neighbourDispute())))
		now := f.clock.Now()
		a := writtenAgreement(c, 300000, now)
		a.PerformBy, a.Payments[0].Due, a.Signatures[0].At = now.AddDate(10, 0, 0), now.AddDate(10, 0, 0), now.AddDate(0, 0, -1)
		_, err := f.svc.RecordAgreement(ctx, head, c.ID, 0, a)
		require.NoError(t, err)
	})
}

// TestAgreementReportsEveryField checks that a written agreement missing
// five of the fields the law requires names all five at once.
func TestAgreementReportsEveryField(t *testing.T) {
	f := newFixture(t)
	head := f.actor("mayuan-1-head")
	c := mediating(t, f, must(t)(f.svc.Register(ctx, head, neighbourDispute())))
	a := writtenAgreement(c, 0, f.clock.Now())
	a.Manner, a.PerformBy, a.MediatorSignedAt, a.Committee, a.Sealed = "", time.Time{}, time.Time{}, "", false
	_, err := f.svc.RecordAgreement(ctx, head, c.ID, 0, a)
	require.ErrorIs(t, err, fourplusn.Invalid)
	assert.Equal(t, []string{"agreement.manner", "agreement.perform_by", "agreement.mediator_signed_at", "agreement.committee", "agreement.sealed"}, fieldsOf(err))
	assert.Nil(t, f.stored(t, c.ID).Agreement, "nothing stored")
}

// TestWrittenAgreementNeedsParticulars checks the particulars a written
// agreement states of every party: each one missing is named, all at
// once, before anything is stored; an oral agreement needs none of them.
func TestWrittenAgreementNeedsParticulars(t *testing.T) {
	every := []string{"sex", "ethnicity", "age", "occupation", "address", "phone"}
	full := func() mediation.Party {
		return mediation.Party{Name: "张某", Sex: mediation.Male, Ethnicity: mediation.Han, Age: 50, Occupation: "农民", Phone: "13900003333", Address: "马园一组"}
	}
	tests := []struct {
		name    string
		edit    func(in *mediation.Intake)
		missing []string
	}{
		{"nothing but what intake requires", func(*mediation.Intake) {}, func() []string {
			var out []string
			for _, f := range every[:5] {
				out = append(out, "applicants[0]."+f)
			}
			for _, p := range []string{"respondents[0].", "respondents[1]."} {
				for _, f := range every {
					out = append(out, p+f)
				}
			}
			return out
		}()},
		{"every particular", func(in *mediation.Intake) {
			in.Applicants[0] = full()
			in.Applicants[0].Name, in.Applicants[0].Phone = "王某某", "13900001111"
			in.Respondents = []mediation.Party{full()}
		}, nil},
		{"a workplace instead of an address, a date of birth instead of an age", func(in *mediation.Intake) {
			in.Applicants[0] = full()
			in.Applicants[0].Name, in.Applicants[0].Phone = "王某某", "13900001111"
			p := full()
			p.Address, p.Workplace, p.Age, p.BirthDate = "", "马园村委会", 0, day("1970-01-01")
			in.Respondents = []mediation.Party{p}
		}, nil},
	}
	for _, field := range every {
		tests = append(tests, struct {
			name    string
			edit    func(in *mediation.Intake)
			missing []string
		}{"without " + field, func(in *mediation.Intake) {
			in.Applicants[0] = full()
			in.Applicants[0].Name, in.Applicants[0].Phone = "王某某", "13900001111"
			p := full()
			switch field {
			case "sex":
				p.Sex = mediation.SexUnstated
			case "ethnicity":
				p.Ethnicity = 0
			case "age":
				p.Age = 0
			case "occupation":
				p.Occupation = ""
			case "address":
				p.Address = ""
			case "phone":
				p.Phone = ""
			}
			in.Respondents = []mediation.Party{full(), p}
		}, []string{"respondents[1]." + field}})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			in := minimalDispute()
			tc.edit(&in)
			c := mediating(t, f, must(t)(f.svc.Register(ctx, f.actor("mayuan-1-head"), in)))
			_, err := f.svc.RecordAgreement(ctx, f.actor("mayuan-1-head"), c.ID, 0, writtenAgreement(c, 0, f.clock.Now()))
			if tc.missing == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, fourplusn.Invalid)
			assert.Equal(t, tc.missing, fieldsOf(err))
			assert.Nil(t, f.stored(t, c.ID).Agreement, "nothing stored")
		})
	}

	t.Run("an oral agreement needs none", func(t *testing.T) {
		f := newFixture(t)
		c := mediating(t, f, must(t)(f.svc.Register(ctx, f.actor("mayuan-1-head"), minimalDispute())))
		_, err := f.svc.RecordAgreement(ctx, f.actor("mayuan-1-head"), c.ID, 0, mediation.Agreement{
			Form: mediation.Oral, Facts: c.Facts, Disputes: "排水沟", Terms: "张某某疏通排水沟。", Mediator: "高敬",
		})
		require.NoError(t, err)
	})
}
