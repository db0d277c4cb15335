package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
)

// casesByApplicantPhone: ByApplicantPhone finds, newest first and in any
// township, the cases one of whose applicants gave the phone — not those
// where only a respondent did — follows an applicant's number when an
// update changes it, and finds nothing for a phone nobody applied with.
func casesByApplicantPhone(t *testing.T, s mediation.Store) {
	ctx := context.Background()
	const phone, other = "13700001111", "13700002222"
	first, events := newCase(1, "mayuan-1", base)
	first.Applicants = append(first.Applicants, mediation.Party{Name: "丙某", Phone: phone})
	create(t, s, first, events)
	respondent, events := newCase(2, "mayuan-1", base.Add(time.Minute))
	respondent.Respondents[0].Phone = phone
	create(t, s, respondent, events)
	elsewhere, events := newCase(3, "lz-qiaotou-1", base.Add(2*time.Minute))
	elsewhere.Applicants[0].Phone = phone
	create(t, s, elsewhere, events)

	ids := func(phone string) []mediation.ID {
		t.Helper()
		cases, err := s.ByApplicantPhone(ctx, phone)
		require.NoError(t, err)
		out := []mediation.ID{}
		for _, c := range cases {
			out = append(out, c.ID)
		}
		return out
	}
	assert.Equal(t, []mediation.ID{elsewhere.ID, first.ID}, ids(phone), "newest first, in every township, applicants only")
	assert.Equal(t, []mediation.ID{}, ids(other), "a phone nobody applied with")

	_, err := s.Update(ctx, first.ID, 0, func(c *mediation.Case) ([]timeline.Event, error) {
		c.Applicants[1].Phone = other
		return []timeline.Event{seal(c, mediation.ActionAccepted, base.Add(time.Hour))}, nil
	})
	require.NoError(t, err)
	assert.Equal(t, []mediation.ID{elsewhere.ID}, ids(phone), "an applicant's number changed away")
	assert.Equal(t, []mediation.ID{first.ID}, ids(other), "an applicant's number changed to it")
}
