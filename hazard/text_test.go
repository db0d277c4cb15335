package hazard_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
)

// fieldsOf returns the fields err names, in order.
func fieldsOf(err error) []string {
	var out []string
	for _, f := range fourplusn.ErrorFields(err) {
		out = append(out, f.Field)
	}
	return out
}

// TestReportTextRule checks that a report's text goes through the one
// text rule, that every field at fault is named at once, and that nothing
// is stored.
func TestReportTextRule(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(*hazard.Report)
		fields []string
	}{
		{"a description of spaces", func(r *hazard.Report) { r.Description = " \u3000\r\n" }, []string{"description"}},
		{"a description with a NUL", func(r *hazard.Report) { r.Description = "电线裸露\x00" }, []string{"description"}},
		{"a description with a bidi override", func(r *hazard.Report) { r.Description = "电线\u202e裸露" }, []string{"description"}},
		{"a photo with a control", func(r *hazard.Report) { r.Photos = []string{"a\x07.jpg"} }, []string{"photos[0]"}},
		{"a photo with spaces around", func(r *hazard.Report) { r.Photos = []string{" a.jpg"} }, []string{"photos[0]"}},
		{"evidence of spaces on the spot", func(r *hazard.Report) { r.OnTheSpot = &hazard.Rectification{Evidence: "   "} }, []string{"on_the_spot.evidence"}},
		{"three fields at once", func(r *hazard.Report) {
			r.Category, r.Description, r.Contact = "arson", "\x1b[31m", "12345"
		}, []string{"category", "description", "contact"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			in := blockedDrain()
			tc.edit(&in)
			_, err := f.svc.Report(ctx, f.actor("mayuan-1-head"), in)
			require.ErrorIs(t, err, fourplusn.Invalid)
			assert.Equal(t, tc.fields, fieldsOf(err), "%v", err)
			assert.Empty(t, f.all(t), "nothing stored after a refusal")
		})
	}
}

// TestActionsTextRule checks the text rule on the actions' text: each
// refusal names its field and changes nothing, and what passes is stored
// cleaned.
func TestActionsTextRule(t *testing.T) {
	f := newFixture(t)
	head, community := f.actor("mayuan-1-head"), f.actor("mayuan-head")
	h := must(t)(f.svc.Report(ctx, head, blockedDrain()))
	for _, tc := range []struct {
		name   string
		do     func() error
		fields []string
	}{
		{"evidence with a zero-width space and a blank photo", func() error {
			_, err := f.svc.Rectify(ctx, head, h.ID, 0, hazard.Rectification{Evidence: "已清理\u200b", Photos: []string{""}})
			return err
		}, []string{"evidence", "photos[0]"}},
		{"evidence of ideographic spaces", func() error {
			_, err := f.svc.Rectify(ctx, head, h.ID, 0, hazard.Rectification{Evidence: "\u3000\u3000"})
			return err
		}, []string{"evidence"}},
		{"a handover reason of spaces", func() error {
			return f.svc.HandOver(ctx, f.actor("gc-admin"), grid.Handover{Item: grid.WorkItem{ID: string(h.ID)}, Reason: "  "})
		}, []string{"reason"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.stored(t, h.ID)
			err := tc.do()
			require.ErrorIs(t, err, fourplusn.Invalid)
			assert.Equal(t, tc.fields, fieldsOf(err), "%v", err)
			assert.Equal(t, before, f.stored(t, h.ID))
		})
	}
	h = must(t)(f.svc.Rectify(ctx, head, h.ID, 0, hazard.Rectification{Evidence: " 已清理杂物。\r\n恢复畅通。 "}))
	_, err := f.svc.Verify(ctx, community, h.ID, 0, hazard.Verification{Notes: "\t"})
	require.ErrorIs(t, err, fourplusn.Invalid, "a failed verification says what is wrong")
	assert.Equal(t, []string{"notes"}, fieldsOf(err))
	h = must(t)(f.svc.Verify(ctx, community, h.ID, 0, hazard.Verification{Notes: "仍有积水 "}))
	stored := f.stored(t, h.ID)
	assert.Equal(t, "已清理杂物。\n恢复畅通。", stored.Rectifications[0].Evidence)
	assert.Equal(t, "仍有积水", stored.Verifications[0].Notes)
}

// TestReportStoresCleanedText checks that a report's description is
// stored as the text rule cleaned it.
func TestReportStoresCleanedText(t *testing.T) {
	f := newFixture(t)
	in := blockedDrain()
	in.Description = "\u3000路边排水沟堵塞。\r\n雨天积水。 "
	h := must(t)(f.svc.Report(ctx, f.actor("mayuan-1-head"), in))
	assert.Equal(t, "路边排水沟堵塞。\n雨天积水。", f.stored(t, h.ID).Description)
}
