package mediation_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
)

// TestTrack: a tracking code shows where its case stands and its steps,
// and a code that is malformed or names no case is one answer, NotFound.
func TestTrack(t *testing.T) {
	f := newFixture(t)
	c, err := f.svc.Register(ctx, f.actor("mayuan-1-head"), neighbourDispute())
	require.NoError(t, err)
	_, err = f.svc.Accept(ctx, f.actor("mayuan-police"), c.ID, 0)
	require.NoError(t, err)

	rec, err := f.svc.Track(ctx, c.TrackingCode)
	require.NoError(t, err)
	assert.Equal(t, mediation.Accepted, rec.State)
	assert.Equal(t, c.Number, rec.Number, "the resident can name the case by its number")
	assert.False(t, rec.Number.IsZero())
	assert.Equal(t, c.Handling, rec.Handling)
	assert.False(t, rec.ResolveDue.IsZero(), "a case being mediated says by when")
	assert.True(t, rec.AcceptDue.IsZero(), "and no longer by when it is to be accepted")
	require.Len(t, rec.Steps, 2)
	assert.Equal(t, []timeline.Action{mediation.ActionRegistered, mediation.ActionAccepted}, []timeline.Action{rec.Steps[0].Action, rec.Steps[1].Action})

	for _, code := range []string{"", "abc", "NOSUCHCODE", "A\x00B", "' OR 1=1", string(make([]byte, 65))} {
		_, err := f.svc.Track(ctx, code)
		assert.ErrorIs(t, err, fourplusn.NotFound, "%q", code)
		assert.Equal(t, "no case has this tracking code", fourplusn.ErrorMessage(err))
	}
}
