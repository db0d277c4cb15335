package hazard_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/timeline"
)

// photo is a clean 8 × 8 JPEG photo of the shade given.
func photo(shade uint8) attachment.Clean {
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = shade
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		panic(err)
	}
	c, err := attachment.Sanitize(&b, attachment.DefaultLimits)
	if err != nil {
		panic(err)
	}
	return c
}

// TestAttach follows a hazard's photos: as found, by the resident who
// reported it; the after-photo of its rectification; the photo of the
// verification that failed, then of the one that closed it; and what it
// refuses.
func TestAttach(t *testing.T) {
	f := newFixture(t)
	owner := grid.ResidentActor("r-1", "gucheng")
	head, verifier := f.actor("mayuan-1-head"), f.actor("mayuan-head")
	h := must(t)(f.svc.Report(ctx, owner, residentLead()))
	found := photo(10)
	h = must(t)(f.svc.Attach(ctx, owner, h.ID, h.Version, attachment.Upload{Kind: attachment.Photo, File: found}))

	h = must(t)(f.svc.Rectify(ctx, head, h.ID, h.Version, hazard.Rectification{Evidence: "已疏通"}))
	after := photo(20)
	h = must(t)(f.svc.Attach(ctx, head, h.ID, h.Version, attachment.Upload{Kind: attachment.ProofOfPerformance, Of: "rectification:1", File: after}))
	_, err := f.svc.Attach(ctx, owner, h.ID, h.Version, attachment.Upload{Kind: attachment.Photo, File: photo(30)})
	assert.ErrorIs(t, err, fourplusn.Forbidden, "the resident adds photos until it is rectified")

	h = must(t)(f.svc.Verify(ctx, verifier, h.ID, h.Version, hazard.Verification{Passed: false, Notes: "仍有积水"}))
	h = must(t)(f.svc.Attach(ctx, verifier, h.ID, h.Version, attachment.Upload{Kind: attachment.Photo, Of: "verification:1", File: photo(40)}))
	h = must(t)(f.svc.Rectify(ctx, head, h.ID, h.Version, hazard.Rectification{Evidence: "已重新疏通"}))
	h = must(t)(f.svc.Verify(ctx, verifier, h.ID, h.Version, hazard.Verification{Passed: true}))
	h = must(t)(f.svc.Attach(ctx, verifier, h.ID, h.Version, attachment.Upload{Kind: attachment.Photo, Of: "verification:2", File: photo(50)}))
	require.Len(t, h.Attachments, 4)
	assert.Equal(t, []string{"", "rectification:1", "verification:1", "verification:2"},
		[]string{h.Attachments[0].Of, h.Attachments[1].Of, h.Attachments[2].Of, h.Attachments[3].Of})
	assert.Equal(t, "r-1", h.Attachments[0].AddedBy)

	_, err = f.svc.Attach(ctx, verifier, h.ID, h.Version, attachment.Upload{Kind: attachment.Photo, Of: "rectification:2", File: found})
	assert.ErrorIs(t, err, fourplusn.Conflict, "a closed hazard takes the files of its last verification only")

	open := must(t)(f.svc.Report(ctx, head, residentLead()))
	for _, tc := range []struct {
		name  string
		u     attachment.Upload
		field string
	}{
		{"an identity document", attachment.Upload{Kind: attachment.IdentityDocument, File: found}, "kind"},
		{"a signed agreement", attachment.Upload{Kind: attachment.SignedAgreement, File: found}, "kind"},
		{"a rectification it does not have", attachment.Upload{Kind: attachment.Photo, Of: "rectification:1", File: found}, "of"},
		{"a part hazards do not have", attachment.Upload{Kind: attachment.Photo, Of: "session:1", File: found}, "of"},
		{"no file", attachment.Upload{Kind: attachment.Photo}, "file"},
	} {
		_, err := f.svc.Attach(ctx, head, open.ID, open.Version, tc.u)
		require.ErrorIs(t, err, fourplusn.Invalid, tc.name)
		assert.Equal(t, tc.field, fourplusn.ErrorField(err), "%s: %v", tc.name, err)
	}

	// The owner sees the photos; the timeline holds their sums, which
	// CheckTimeline checks.
	a, r, err := f.svc.OpenAttachment(ctx, owner, h.ID, "2", false)
	require.NoError(t, err)
	got, _ := io.ReadAll(r)
	r.Close()
	assert.Equal(t, after.Bytes, got)
	assert.Equal(t, after.SHA256, a.Sum)
	events := f.events(t, h.ID)
	var sums []string
	for _, e := range events {
		if e.Action == hazard.ActionAttached {
			sums = append(sums, e.Details["sha256"])
		}
	}
	assert.Equal(t, []string{found.SHA256.String(), after.SHA256.String(), h.Attachments[2].Sum.String(), h.Attachments[3].Sum.String()}, sums)
	require.NoError(t, f.svc.CheckTimeline(ctx, head, h.ID))
	require.NoError(t, f.config.Files.Delete(ctx, after.SHA256))
	err = f.svc.CheckTimeline(ctx, head, h.ID)
	var broken *timeline.BreakError
	require.ErrorAs(t, err, &broken)
	assert.Contains(t, broken.Reason, after.SHA256.String()+" is missing")
}

// TestKeepsFiles checks that a service tells whether it keeps files, as
// Attach finds: one without refuses with attachment.ErrNoFiles.
func TestKeepsFiles(t *testing.T) {
	f := newFixture(t)
	none := f.with(t, func(c *hazard.Config) { c.Files = nil })
	assert.True(t, f.svc.KeepsFiles())
	assert.False(t, none.KeepsFiles())
	head := f.actor("mayuan-1-head")
	h := must(t)(none.Report(ctx, head, residentLead()))
	_, err := none.Attach(ctx, head, h.ID, h.Version, attachment.Upload{Kind: attachment.Photo, File: photo(10)})
	assert.ErrorIs(t, err, attachment.ErrNoFiles)
}

// TestReporterAttaches checks that the member who blew the whistle adds
// photos of what they reported, through their post, until it is rectified,
// though another cell rectifies it.
func TestReporterAttaches(t *testing.T) {
	f := newFixture(t)
	group := f.actor("mayuan-1-zhang-elder")
	h, err := f.svc.Report(ctx, group, blockedDrain())
	require.NoError(t, err)
	_, err = f.svc.Rectify(ctx, group, h.ID, 0, hazard.Rectification{Evidence: "x"})
	require.ErrorIs(t, err, fourplusn.Forbidden, "the reporter's post does not rectify it")
	h = must(t)(f.svc.Attach(ctx, group, h.ID, h.Version, attachment.Upload{Kind: attachment.Photo, File: photo(60)}))
	require.Len(t, h.Attachments, 1)
	_, err = f.svc.Attach(ctx, group, h.ID, 0, attachment.Upload{Kind: attachment.Photo, Of: "rectification:1", File: photo(61)})
	assert.Error(t, err, "nor its rectification's")
	h = must(t)(f.svc.Rectify(ctx, f.actor("mayuan-head"), h.ID, 0, hazard.Rectification{Evidence: "已疏通"}))
	_, err = f.svc.Attach(ctx, group, h.ID, 0, attachment.Upload{Kind: attachment.Photo, File: photo(62)})
	assert.ErrorIs(t, err, fourplusn.Forbidden, "not once it is rectified")
}
