package mediation_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
)

// draftOf is a valid draft of a written agreement for case c, with
// terms: writtenAgreement without its marks.
func draftOf(c *mediation.Case, terms string, at time.Time) mediation.Agreement {
	a := writtenAgreement(c, 0, at)
	a.Terms, a.MediatorPost = terms, "司法所长"
	a.Signatures, a.MediatorSignedAt, a.Sealed = nil, time.Time{}, false
	return a
}

// everyMark is the signing of what is still unsigned on c's draft: every
// party's mark, the mediator's signature and the seal, made at.
func everyMark(c *mediation.Case, at time.Time) mediation.Signing {
	sg := mediation.Signing{Revision: c.Draft.Revision, MediatorSigned: c.Draft.MediatorSignedAt.IsZero(), Sealed: !c.Draft.Sealed, MediatorAt: at, SealedAt: at}
	for _, name := range c.Draft.Unsigned() {
		sg.Marks = append(sg.Marks, mediation.Signature{Party: name, Mark: mediation.Signed, At: at})
	}
	return sg
}

// agreementSituations are the stages of a case's agreement, each reached
// through the Service from the fixture's neighbours' quarrel, which the
// group's head mediates.
var agreementSituations = []struct {
	name  string
	reach func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case
}{
	{"no agreement", mediating},
	{"drafted", drafted},
	{"revised", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
		c = drafted(t, f, c)
		return must(t)(f.svc.DraftAgreement(ctx, f.actor("mayuan-1-head"), c.ID, 0, draftOf(c, "张某某三日内疏通排水沟，王某某协助。", f.clock.Now())))
	}},
	{"partly signed", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
		c = drafted(t, f, c)
		return must(t)(f.svc.RecordSigning(ctx, f.actor("mayuan-1-head"), c.ID, 0, mediation.Signing{
			Revision: 1, Marks: []mediation.Signature{{Party: "王某某", Mark: mediation.Fingerprinted}},
		}))
	}},
	{"in effect", inEffect},
	{"superseding", superseding},
	{"superseded", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
		c = superseding(t, f, c)
		return must(t)(f.svc.RecordSigning(ctx, f.actor("mayuan-1-head"), c.ID, 0, everyMark(c, f.clock.Now())))
	}},
	{"oral", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
		c = mediating(t, f, c)
		return must(t)(f.svc.RecordAgreement(ctx, f.actor("mayuan-1-head"), c.ID, 0, mediation.Agreement{
			Form: mediation.Oral, Facts: c.Facts, Disputes: "排水沟", Terms: "张某某疏通排水沟。", Mediator: "高敬",
		}))
	}},
	{"escalated with a draft", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
		c = drafted(t, f, c)
		return must(t)(f.svc.Escalate(ctx, f.actor("mayuan-1-head"), c.ID, 0, "一方反悔，需村委出面"))
	}},
	{"closed", func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
		c = inEffect(t, f, c)
		c = must(t)(f.svc.FollowUp(ctx, f.actor("mayuan-1-head"), c.ID, 0, mediation.FollowUp{Performed: true, Notes: "已疏通"}))
		c = f.informed(t, f.actor("mayuan-1-head"), c)
		return must(t)(f.svc.Close(ctx, f.actor("mayuan-1-head"), c.ID, 0, ""))
	}},
}

func drafted(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
	c = mediating(t, f, c)
	return must(t)(f.svc.DraftAgreement(ctx, f.actor("mayuan-1-head"), c.ID, 0, draftOf(c, "张某某三日内疏通排水沟。", f.clock.Now())))
}

func inEffect(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
	c = drafted(t, f, c)
	return must(t)(f.svc.RecordSigning(ctx, f.actor("mayuan-1-head"), c.ID, 0, everyMark(c, f.clock.Now())))
}

func superseding(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
	c = inEffect(t, f, c)
	return must(t)(f.svc.SupersedeAgreement(ctx, f.actor("mayuan-1-head"), c.ID, 0, "排水沟改道，原约定无法履行",
		draftOf(c, "张某某在院外另挖排水沟。", f.clock.Now())))
}

// agreementActions are the actions on a case's agreement, each with what
// it must have done when allowed.
var agreementActions = []struct {
	name  string
	do    func(f *fixture, c *mediation.Case) (*mediation.Case, error)
	check func(t *testing.T, before, after *mediation.Case)
}{
	{"draft", func(f *fixture, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.DraftAgreement(ctx, f.actor("gc-secretary"), c.ID, c.Version, draftOf(c, "张某某五日内疏通排水沟。", f.clock.Now()))
	}, func(t *testing.T, before, after *mediation.Case) {
		require.NotNil(t, after.Draft)
		assert.Equal(t, lastRevision(before)+1, after.Draft.Revision, "the next revision")
		assert.Equal(t, "张某某五日内疏通排水沟。", after.Draft.Terms)
		assert.Empty(t, after.Draft.Signatures, "marks on an earlier revision do not carry over")
		assert.Equal(t, mediation.Draft, after.Draft.State())
		assert.Equal(t, before.Agreement, after.Agreement, "the agreement in effect stays")
		assert.Equal(t, before.State, after.State)
	}},
	{"supersede", func(f *fixture, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.SupersedeAgreement(ctx, f.actor("gc-secretary"), c.ID, c.Version, "双方协商变更履行方式", draftOf(c, "张某某出资请人疏通排水沟。", f.clock.Now()))
	}, func(t *testing.T, before, after *mediation.Case) {
		require.NotNil(t, after.Draft)
		assert.Equal(t, before.Agreement.Revision, after.Draft.Supersedes)
		assert.Equal(t, "双方协商变更履行方式", after.Draft.SupersedeReason)
		assert.Equal(t, mediation.InEffect, after.Agreement.State(), "in effect until the new one is")
	}},
	{"sign_party", func(f *fixture, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.RecordSigning(ctx, f.actor("gc-secretary"), c.ID, c.Version, mediation.Signing{
			Revision: currentRevision(c), Marks: []mediation.Signature{{Party: "张某某", Mark: mediation.Signed}},
		})
	}, func(t *testing.T, before, after *mediation.Case) {
		require.NotNil(t, after.Draft, "not in effect with one mark")
		assert.Len(t, after.Draft.Signatures, len(before.Draft.Signatures)+1)
		assert.Equal(t, mediation.Draft, after.Draft.State())
	}},
	{"sign_stale", func(f *fixture, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.RecordSigning(ctx, f.actor("gc-secretary"), c.ID, c.Version, mediation.Signing{
			Revision: currentRevision(c) + 1, Marks: []mediation.Signature{{Party: "张某某", Mark: mediation.Signed}},
		})
	}, nil},
	{"sign_all", func(f *fixture, c *mediation.Case) (*mediation.Case, error) {
		sg := mediation.Signing{Revision: 1, Marks: []mediation.Signature{{Party: "张某某", Mark: mediation.Signed}}, MediatorSigned: true, Sealed: true}
		if c.Draft != nil {
			sg = everyMark(c, f.clock.Now())
		}
		return f.svc.RecordSigning(ctx, f.actor("gc-secretary"), c.ID, c.Version, sg)
	}, func(t *testing.T, before, after *mediation.Case) {
		assert.Nil(t, after.Draft)
		require.NotNil(t, after.Agreement)
		assert.Equal(t, before.Draft.Revision, after.Agreement.Revision)
		assert.Equal(t, mediation.InEffect, after.Agreement.State())
		assert.Equal(t, mediation.Agreed, after.State, "agreed when the agreement takes effect")
		if before.Agreement != nil {
			require.Len(t, after.Superseded, len(before.Superseded)+1)
			old := after.Superseded[len(after.Superseded)-1]
			assert.Equal(t, before.Agreement.Revision, old.Revision)
			assert.Equal(t, mediation.Superseded, old.State())
			assert.Equal(t, before.ResolvedAt, after.ResolvedAt, "the case was resolved by the first")
		}
	}},
	{"record_written", func(f *fixture, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.RecordAgreement(ctx, f.actor("gc-secretary"), c.ID, c.Version, writtenAgreement(c, 0, f.clock.Now()))
	}, func(t *testing.T, before, after *mediation.Case) {
		assert.Equal(t, mediation.InEffect, after.Agreement.State())
		assert.Equal(t, mediation.Agreed, after.State)
	}},
	{"record_oral", func(f *fixture, c *mediation.Case) (*mediation.Case, error) {
		return f.svc.RecordAgreement(ctx, f.actor("gc-secretary"), c.ID, c.Version, mediation.Agreement{
			Form: mediation.Oral, Facts: c.Facts, Disputes: "排水沟", Terms: "张某某疏通排水沟。", Mediator: "高敬",
		})
	}, func(t *testing.T, before, after *mediation.Case) {
		assert.Equal(t, mediation.InEffect, after.Agreement.State(), "an oral agreement is in effect when recorded")
		assert.Equal(t, mediation.Agreed, after.State)
	}},
}

// lastRevision is the latest revision of c's agreements.
func lastRevision(c *mediation.Case) int {
	n := 0
	for _, a := range []*mediation.Agreement{c.Agreement, c.Draft} {
		if a != nil {
			n = max(n, a.Revision)
		}
	}
	for _, a := range c.Superseded {
		n = max(n, a.Revision)
	}
	return n
}

// currentRevision is the revision of c's draft, or 1 when there is none.
func currentRevision(c *mediation.Case) int {
	if c.Draft == nil {
		return 1
	}
	return c.Draft.Revision
}

// agreementRules is what each action meets in each stage: nil where it
// is allowed, else the rule that refuses it. fourplusn.Conflict stands
// for the case's state, which allows no work on its agreement.
var agreementRules = map[string]map[string]error{
	"no agreement": {
		"draft": nil, "supersede": mediation.ErrNothingInEffect,
		"sign_party": mediation.ErrNoDraft, "sign_stale": mediation.ErrNoDraft, "sign_all": mediation.ErrNoDraft,
		"record_written": nil, "record_oral": nil,
	},
	"drafted": {
		"draft": nil, "supersede": mediation.ErrNothingInEffect,
		"sign_party": nil, "sign_stale": mediation.ErrStaleRevision, "sign_all": nil,
		"record_written": mediation.ErrDraftPending, "record_oral": mediation.ErrDraftPending,
	},
	"revised": {
		"draft": nil, "supersede": mediation.ErrNothingInEffect,
		"sign_party": nil, "sign_stale": mediation.ErrStaleRevision, "sign_all": nil,
		"record_written": mediation.ErrDraftPending, "record_oral": mediation.ErrDraftPending,
	},
	"partly signed": {
		"draft": nil, "supersede": mediation.ErrNothingInEffect,
		"sign_party": nil, "sign_stale": mediation.ErrStaleRevision, "sign_all": nil,
		"record_written": mediation.ErrDraftPending, "record_oral": mediation.ErrDraftPending,
	},
	"in effect": {
		"draft": mediation.ErrAgreementInEffect, "supersede": nil,
		"sign_party": mediation.ErrNoDraft, "sign_stale": mediation.ErrNoDraft, "sign_all": mediation.ErrNoDraft,
		"record_written": fourplusn.Conflict, "record_oral": fourplusn.Conflict,
	},
	"superseding": {
		"draft": nil, "supersede": mediation.ErrDraftPending,
		"sign_party": nil, "sign_stale": mediation.ErrStaleRevision, "sign_all": nil,
		"record_written": fourplusn.Conflict, "record_oral": fourplusn.Conflict,
	},
	"superseded": {
		"draft": mediation.ErrAgreementInEffect, "supersede": nil,
		"sign_party": mediation.ErrNoDraft, "sign_stale": mediation.ErrNoDraft, "sign_all": mediation.ErrNoDraft,
		"record_written": fourplusn.Conflict, "record_oral": fourplusn.Conflict,
	},
	"oral": {
		"draft": mediation.ErrAgreementInEffect, "supersede": nil,
		"sign_party": mediation.ErrNoDraft, "sign_stale": mediation.ErrNoDraft, "sign_all": mediation.ErrNoDraft,
		"record_written": fourplusn.Conflict, "record_oral": fourplusn.Conflict,
	},
	"escalated with a draft": {
		"draft": fourplusn.Conflict, "supersede": fourplusn.Conflict,
		"sign_party": fourplusn.Conflict, "sign_stale": fourplusn.Conflict, "sign_all": fourplusn.Conflict,
		"record_written": fourplusn.Conflict, "record_oral": fourplusn.Conflict,
	},
	"closed": {
		"draft": fourplusn.Conflict, "supersede": fourplusn.Conflict,
		"sign_party": fourplusn.Conflict, "sign_stale": fourplusn.Conflict, "sign_all": fourplusn.Conflict,
		"record_written": fourplusn.Conflict, "record_oral": fourplusn.Conflict,
	},
}

// TestAgreementTransitions tries every action on an agreement in every
// stage of its life. An action allowed does what it must and is one
// event on the timeline; one refused is refused by the rule the table
// names, as a Conflict, and changes nothing.
func TestAgreementTransitions(t *testing.T) {
	require.Len(t, agreementRules, len(agreementSituations))
	for _, sit := range agreementSituations {
		require.Len(t, agreementRules[sit.name], len(agreementActions), sit.name)
		for _, act := range agreementActions {
			t.Run(sit.name+"/"+act.name, func(t *testing.T) {
				f := newFixture(t)
				c := must(t)(f.svc.Register(ctx, f.actor("mayuan-1-head"), neighbourDispute()))
				c = sit.reach(t, f, c)
				before := f.stored(t, c.ID)
				eventsBefore, err := f.store.Events(ctx, c.ID)
				require.NoError(t, err)
				f.clock.Advance(time.Hour)

				got, err := act.do(f, before.Clone()) // the level-1 head may do anything in Gucheng
				rule, ok := agreementRules[sit.name][act.name]
				require.True(t, ok)
				if rule == nil {
					require.NoError(t, err)
					events, err := f.store.Events(ctx, c.ID)
					require.NoError(t, err)
					assert.Len(t, events, len(eventsBefore)+1, "one event per change")
					require.NoError(t, f.svc.CheckTimeline(ctx, f.actor("gc-secretary"), c.ID))
					if act.check != nil {
						act.check(t, before, got)
					}
					return
				}
				require.Error(t, err)
				assert.True(t, errors.Is(err, rule), "want %v, got %v", rule, err)
				assert.Equal(t, fourplusn.Conflict, fourplusn.ErrorCode(err), "%v", err)
				assert.Equal(t, before, f.stored(t, c.ID), "a refused action changes nothing")
				events, err := f.store.Events(ctx, c.ID)
				require.NoError(t, err)
				assert.Equal(t, eventsBefore, events)
			})
		}
	}
}

// TestAgreementLife follows a written agreement from its first draft to
// its supersession: each revision an event, printed with blank lines;
// the marks recorded as they are made; in effect as of the last of them,
// with the 30 days for 司法确认 counting from then; printed signed; then
// replaced by a new agreement that takes effect only when it is signed.
func TestAgreementLife(t *testing.T) {
	f := newFixture(t)
	head := f.actor("mayuan-1-head")
	c := mediating(t, f, must(t)(f.svc.Register(ctx, head, neighbourDispute())))

	c = must(t)(f.svc.DraftAgreement(ctx, head, c.ID, c.Version, draftOf(c, "张某某三日内疏通排水沟。", f.clock.Now())))
	f.clock.Advance(time.Hour)
	c = must(t)(f.svc.DraftAgreement(ctx, head, c.ID, c.Version, draftOf(c, "张某某两日内疏通排水沟。", f.clock.Now())))
	assert.Equal(t, 2, c.Draft.Revision)
	assert.Equal(t, mediation.Mediating, c.State, "a draft settles nothing yet")
	assert.Nil(t, c.Agreement)
	assert.True(t, c.Draft.CourtConfirmationDeadline().IsZero(), "a draft binds nobody")

	var page bytes.Buffer
	require.NoError(t, c.Draft.RenderHTML(&page, c))
	assert.Contains(t, page.String(), `<td>王某某</td><td><span class="blank"></span></td>`, "printed to sign by hand")
	assert.Contains(t, page.String(), "协议文本第2稿")

	// The parties sign that afternoon, the mediator and the seal the next
	// morning; it is all recorded a day later.
	signed := f.clock.Now().Add(3 * time.Hour)
	sealed := signed.Add(18 * time.Hour)
	f.clock.Advance(48 * time.Hour)
	recorded := f.clock.Now().UTC()
	c = must(t)(f.svc.RecordSigning(ctx, head, c.ID, c.Version, mediation.Signing{Revision: 2, Marks: []mediation.Signature{
		{Party: "王某某", Mark: mediation.Fingerprinted, At: signed}, {Party: "张某某", Mark: mediation.Signed, At: signed},
	}}))
	assert.Equal(t, mediation.Draft, c.Draft.State(), "not in effect before the mediator signs and the seal")
	c = must(t)(f.svc.RecordSigning(ctx, head, c.ID, c.Version, mediation.Signing{Revision: 2, MediatorSigned: true, MediatorAt: sealed, Sealed: true, SealedAt: sealed}))
	require.NotNil(t, c.Agreement)
	assert.Nil(t, c.Draft)
	assert.Equal(t, mediation.Agreed, c.State)
	assert.Equal(t, sealed.UTC(), c.Agreement.EffectiveAt, "in effect as of the last mark")
	assert.Equal(t, sealed.UTC().Add(30*24*time.Hour), c.Agreement.CourtConfirmationDeadline())
	assert.Equal(t, recorded, c.ResolvedAt, "resolved when recorded")

	page.Reset()
	require.NoError(t, c.Agreement.RenderHTML(&page, c))
	assert.Contains(t, page.String(), "<td>王某某</td><td>按指印</td><td>2022年11月1日</td>", "a copy printed now shows it signed")
	assert.Zero(t, strings.Count(page.String(), `class="blank`), "no blank: the number is the case's")

	events, err := f.store.Events(ctx, c.ID)
	require.NoError(t, err)
	n := len(events)
	assert.Equal(t, []timeline.Action{mediation.ActionDrafted, mediation.ActionDrafted, mediation.ActionSigning, mediation.ActionSigning}, actions(events)[n-4:])
	assert.Equal(t, map[string]string{"revision": "2", "total_fen": "0"}, events[n-3].Details)
	assert.Equal(t, map[string]string{"revision": "2", "parties[0].mark": "fingerprinted", "parties[1].mark": "signed"}, events[n-2].Details)
	assert.Equal(t, map[string]string{"revision": "2", "mediator": "signed", "sealed": "true", "in_effect": sealed.UTC().Format(time.RFC3339)}, events[n-1].Details)

	// A change of terms needs a new agreement, with the reason; the first
	// binds until the second is signed in full.
	f.clock.Advance(72 * time.Hour)
	c = must(t)(f.svc.SupersedeAgreement(ctx, head, c.ID, c.Version, "排水沟改道，原约定无法履行", draftOf(c, "张某某在院外另挖排水沟。", f.clock.Now())))
	assert.Equal(t, 3, c.Draft.Revision)
	assert.Equal(t, mediation.InEffect, c.Agreement.State())
	c = must(t)(f.svc.RecordSigning(ctx, head, c.ID, c.Version, everyMark(c, time.Time{})))
	assert.Equal(t, 3, c.Agreement.Revision)
	require.Len(t, c.Superseded, 1)
	assert.Equal(t, 2, c.Superseded[0].Revision)
	assert.Equal(t, mediation.Superseded, c.Superseded[0].State())
	assert.Equal(t, f.clock.Now().UTC(), c.Agreement.EffectiveAt, "undated marks are made when recorded")
	assert.Equal(t, f.clock.Now().UTC().Add(30*24*time.Hour), c.Agreement.CourtConfirmationDeadline(), "the days for 司法确认 count from the new one")
	assert.Equal(t, recorded, c.ResolvedAt)
	events, err = f.store.Events(ctx, c.ID)
	require.NoError(t, err)
	n = len(events)
	assert.Equal(t, map[string]string{"revision": "3", "total_fen": "0", "supersedes": "2", "reason": "排水沟改道，原约定无法履行"}, events[n-2].Details)
	assert.Equal(t, "2", events[n-1].Details["supersedes"], "the event names the version superseded")

	// Follow-ups and closing work as before.
	c = must(t)(f.svc.FollowUp(ctx, head, c.ID, c.Version, mediation.FollowUp{Performed: true, Notes: "新沟已挖通。"}))
	c = must(t)(f.svc.Close(ctx, head, c.ID, f.informed(t, head, c).Version, ""))
	assert.Equal(t, mediation.Closed, c.State)
	require.NoError(t, f.svc.CheckTimeline(ctx, head, c.ID))
}

// TestAgreementNumberIsTheCase checks that an agreement is numbered as
// its case is, whatever number was typed, drafted or recorded at once.
func TestAgreementNumberIsTheCase(t *testing.T) {
	f := newFixture(t)
	head := f.actor("mayuan-1-head")
	for _, tc := range []struct {
		name string
		make func(c *mediation.Case, a mediation.Agreement) *mediation.Agreement
	}{
		{"drafted", func(c *mediation.Case, a mediation.Agreement) *mediation.Agreement {
			a.Signatures, a.MediatorSignedAt, a.Sealed = nil, time.Time{}, false
			return must(t)(f.svc.DraftAgreement(ctx, head, c.ID, c.Version, a)).Draft
		}},
		{"recorded at once", func(c *mediation.Case, a mediation.Agreement) *mediation.Agreement {
			return must(t)(f.svc.RecordAgreement(ctx, head, c.ID, c.Version, a)).Agreement
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := mediating(t, f, must(t)(f.svc.Register(ctx, head, neighbourDispute())))
			require.False(t, c.Number.IsZero())
			a := writtenAgreement(c, 0, f.clock.Now())
			a.Number = "古调字〔2023〕第12号"
			assert.Equal(t, c.Number.String(), tc.make(c, a).Number, "the typed number gives way to the case's")
		})
	}
}

// TestSigningRules checks the marks a signing may record, each wrong one
// named by its field, nothing stored.
func TestSigningRules(t *testing.T) {
	agentOf := func(authority mediation.Authority) func(in *mediation.Intake) {
		return func(in *mediation.Intake) {
			in.Respondents[0].Agents = []mediation.Agent{{Name: "张小某", Kind: mediation.NearRelative, Authority: authority, Powers: "代为签署调解协议", Date: time.Date(2022, 10, 31, 0, 0, 0, 0, time.UTC)}}
		}
	}
	tests := []struct {
		name   string
		intake func(in *mediation.Intake)
		reach  func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case
		edit   func(sg *mediation.Signing, now time.Time)
		fields []string // nil: allowed
	}{
		{"an agent authorised specially signs for the party", agentOf(mediation.SpecialAuthority), drafted, func(sg *mediation.Signing, _ time.Time) {
			sg.Marks[1].Agent = "张小某"
		}, nil},
		{"an agent of general authority may not", agentOf(mediation.GeneralAuthority), drafted, func(sg *mediation.Signing, _ time.Time) {
			sg.Marks[1].Agent = "张小某"
		}, []string{"signing.marks[1].agent"}},
		{"nor someone who is no agent", nil, drafted, func(sg *mediation.Signing, _ time.Time) {
			sg.Marks[0].Agent = "王小某"
		}, []string{"signing.marks[0].agent"}},
		{"a stranger, a mark twice and no mark at all", nil, drafted, func(sg *mediation.Signing, _ time.Time) {
			sg.Marks = append(sg.Marks, mediation.Signature{Party: "赵某", Mark: mediation.Signed}, sg.Marks[0])
			sg.Marks[1].Mark = 0
		}, []string{"signing.marks[1].mark", "signing.marks[2].party", "signing.marks[3].party"}},
		{"a party who signed already", nil, func(t *testing.T, f *fixture, c *mediation.Case) *mediation.Case {
			c = drafted(t, f, c)
			return must(t)(f.svc.RecordSigning(ctx, f.actor("mayuan-1-head"), c.ID, 0, mediation.Signing{Revision: 1, Marks: []mediation.Signature{{Party: "王某某", Mark: mediation.Signed}}, MediatorSigned: true}))
		}, func(sg *mediation.Signing, _ time.Time) {
			sg.Marks[0], sg.Marks[1] = sg.Marks[1], sg.Marks[0]
			sg.MediatorSigned = true
		}, []string{"signing.marks[1].party", "signing.mediator_signed"}},
		{"marks dated next week or before the case", nil, drafted, func(sg *mediation.Signing, now time.Time) {
			sg.Marks[0].At, sg.MediatorAt, sg.SealedAt = now.AddDate(0, 0, 7), now.AddDate(-2, 0, 0), now.AddDate(0, 0, 2)
			sg.MediatorSigned, sg.Sealed = true, true
		}, []string{"signing.marks[0].at", "signing.mediator_at", "signing.sealed_at"}},
		{"a new agreement's mark dated before the old took effect", nil, superseding, func(sg *mediation.Signing, now time.Time) {
			sg.Marks[0].At = now.Add(-2 * time.Hour)
		}, []string{"signing.marks[0].at"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			in := neighbourDispute()
			if tc.intake != nil {
				tc.intake(&in)
			}
			c := tc.reach(t, f, must(t)(f.svc.Register(ctx, f.actor("mayuan-1-head"), in)))
			f.clock.Advance(time.Hour)
			sg := mediation.Signing{Revision: c.Draft.Revision, Marks: []mediation.Signature{
				{Party: "王某某", Mark: mediation.Signed}, {Party: "张某某", Mark: mediation.Sealed},
			}}
			tc.edit(&sg, f.clock.Now())
			before := f.stored(t, c.ID)
			got, err := f.svc.RecordSigning(ctx, f.actor("mayuan-1-head"), c.ID, 0, sg)
			if tc.fields == nil {
				require.NoError(t, err)
				assert.Equal(t, "张小某", got.Draft.Signatures[1].Agent)
				return
			}
			require.ErrorIs(t, err, fourplusn.Invalid)
			assert.Equal(t, tc.fields, fieldsOf(err), "%v", err)
			assert.Equal(t, before, f.stored(t, c.ID), "nothing stored")
		})
	}

	t.Run("a signing names its revision and records something", func(t *testing.T) {
		f := newFixture(t)
		c := drafted(t, f, must(t)(f.svc.Register(ctx, f.actor("mayuan-1-head"), neighbourDispute())))
		_, err := f.svc.RecordSigning(ctx, f.actor("mayuan-1-head"), c.ID, 0, mediation.Signing{})
		require.ErrorIs(t, err, fourplusn.Invalid)
		assert.Equal(t, []string{"signing.revision", "signing"}, fieldsOf(err))
	})
}

// TestDraftRules checks what a draft must be: written, without marks,
// stating every party's particulars; and that a correction of the
// parties after it was drafted calls for a new revision before signing.
func TestDraftRules(t *testing.T) {
	f := newFixture(t)
	head := f.actor("mayuan-1-head")
	c := mediating(t, f, must(t)(f.svc.Register(ctx, head, minimalDispute())))

	a := draftOf(c, "张某某疏通排水沟。", f.clock.Now())
	a.Form = mediation.Oral
	_, err := f.svc.DraftAgreement(ctx, head, c.ID, 0, a)
	require.ErrorIs(t, err, fourplusn.Invalid)
	assert.Contains(t, fieldsOf(err), "agreement.form", "an oral agreement is recorded, not drafted")

	a = writtenAgreement(c, 0, f.clock.Now())
	_, err = f.svc.DraftAgreement(ctx, head, c.ID, 0, a)
	require.ErrorIs(t, err, fourplusn.Invalid)
	fields := fieldsOf(err)
	assert.Contains(t, fields, "agreement.signatures", "a draft has no marks before it is printed")
	assert.Contains(t, fields, "respondents[1].ethnicity", "the printed draft states every party's particulars")
	assert.Nil(t, f.stored(t, c.ID).Draft, "nothing stored")

	// With the particulars complete, the draft is made; corrected after,
	// its marks wait for a revision that states them.
	c = must(t)(f.svc.Correct(ctx, head, c.ID, 0, mediation.Correction{Reason: "补充当事人情况", Applicants: []mediation.Party{
		{Name: "王某某", Sex: mediation.Female, Ethnicity: mediation.Han, Age: 45, Occupation: "农民", Phone: "13900001111", Address: "马园一组"},
	}, Respondents: []mediation.Party{
		{Name: "张某某", Sex: mediation.Female, Ethnicity: mediation.Han, Age: 47, Occupation: "农民", Phone: "13900002222", Address: "马园一组"},
		{Name: "张某", Sex: mediation.Male, Ethnicity: mediation.Han, Age: 20, Occupation: "学生", Phone: "13900003333", Address: "马园一组"},
	}}))
	c = must(t)(f.svc.DraftAgreement(ctx, head, c.ID, 0, draftOf(c, "张某某疏通排水沟。", f.clock.Now())))
	corrected := c.Parties()
	corrected[2].Phone = "13900004444"
	c = must(t)(f.svc.Correct(ctx, head, c.ID, 0, mediation.Correction{Reason: "更换号码", Respondents: corrected[1:]}))
	_, err = f.svc.RecordSigning(ctx, head, c.ID, 0, everyMark(c, time.Time{}))
	require.ErrorIs(t, err, mediation.ErrParticularsChanged)
	c = must(t)(f.svc.DraftAgreement(ctx, head, c.ID, 0, draftOf(c, "张某某疏通排水沟。", f.clock.Now())))
	assert.Equal(t, "13900004444", c.Draft.Parties[2].Phone, "the revision states them as corrected")
	c = must(t)(f.svc.RecordSigning(ctx, head, c.ID, 0, everyMark(c, time.Time{})))
	assert.Equal(t, mediation.Agreed, c.State)

	_, err = f.svc.SupersedeAgreement(ctx, head, c.ID, 0, " ", draftOf(c, "另行约定。", f.clock.Now()))
	require.ErrorIs(t, err, fourplusn.Invalid)
	assert.Equal(t, []string{"reason"}, fieldsOf(err), "superseding gives the reason")
}

// TestAgreementMasked checks that a viewer who may not see personal data
// sees the names on a draft, its marks and its payments masked, as the
// case's parties are.
func TestAgreementMasked(t *testing.T) {
	f := newFixture(t)
	head := f.actor("mayuan-1-head")
	c := mediating(t, f, must(t)(f.svc.Register(ctx, head, neighbourDispute())))
	a := draftOf(c, "张某某赔偿。", f.clock.Now())
	a.Payments = []mediation.Payment{{Payer: "张某某", Payee: "王某某", Amount: 100_00}}
	c = must(t)(f.svc.DraftAgreement(ctx, head, c.ID, 0, a))
	c = must(t)(f.svc.RecordSigning(ctx, head, c.ID, 0, mediation.Signing{Revision: 1, Marks: []mediation.Signature{{Party: "王某某", Mark: mediation.Signed}}}))

	got, err := f.svc.Get(ctx, f.actor("gc-land"), c.ID)
	require.NoError(t, err)
	require.True(t, got.Masked)
	assert.Equal(t, "王**", got.Draft.Parties[0].Name)
	assert.Equal(t, "139****1111", got.Draft.Parties[0].Phone)
	assert.Equal(t, "王**", got.Draft.Signatures[0].Party)
	assert.Equal(t, mediation.Payment{Payer: "张**", Payee: "王**", Amount: 100_00}, got.Draft.Payments[0])
	assert.Equal(t, "王某某", f.stored(t, c.ID).Draft.Signatures[0].Party, "masking changes a copy")
}
