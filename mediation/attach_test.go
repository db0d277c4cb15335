package mediation_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/adapters/files"
	"github.com/fourplusn/fourplusn/adapters/memstore"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// withFiles is the fixture with its files kept in a directory, which the
// tests may tamper with.
func withFiles(t *testing.T) (*fixture, string) {
	t.Helper()
	return withQuota(t, attachment.Quota{})
}

// withQuota is withFiles with each case's files bounded by q.
func withQuota(t *testing.T, q attachment.Quota) (*fixture, string) {
	t.Helper()
	f := newFixture(t)
	dir := t.TempDir()
	d, err := files.Open(dir)
	require.NoError(t, err)
	svc, err := mediation.NewService(mediation.Config{
		Store: f.store, Cells: memstore.Grid{Tree: f.demo.Tree}, Policy: grid.DefaultPolicy(), Rules: mediation.DefaultRules(),
		Now: f.clock.Now, Files: d, FileQuota: q,
	})
	require.NoError(t, err)
	f.svc = svc
	return f, dir
}

// photo is a clean JPEG photo of w × h pixels, of a shade given.
func photo(t *testing.T, w, h int, shade uint8) attachment.Clean {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = shade
	}
	var b bytes.Buffer
	require.NoError(t, jpeg.Encode(&b, img, nil))
	c, err := attachment.Sanitize(&b, attachment.DefaultLimits)
	require.NoError(t, err)
	return c
}

func TestAttach(t *testing.T) {
	f, dir := withFiles(t)
	head := f.actor("mayuan-1-head")
	c := mediating(t, f, must(t)(f.svc.Register(ctx, head, neighbourDispute())))
	pic := photo(t, 64, 48, 0x80)
	c = must(t)(f.svc.Attach(ctx, head, c.ID, c.Version, attachment.Upload{Kind: attachment.Photo, Of: "session:1", File: pic}))
	require.Len(t, c.Attachments, 1)
	a := c.Attachments[0]
	assert.Equal(t, attachment.Attachment{ID: "1", Kind: attachment.Photo, Of: "session:1", Type: attachment.JPEG, Size: int64(len(pic.Bytes)),
		Sum: pic.SHA256, Thumbnail: pic.ThumbnailSum, Width: 64, Height: 48, AddedAt: f.clock.Now().UTC(), AddedBy: "mayuan-1-head"}, a)

	events, err := f.svc.Timeline(ctx, head, c.ID)
	require.NoError(t, err)
	last := events[len(events)-1]
	assert.Equal(t, mediation.ActionAttached, last.Action)
	assert.Equal(t, pic.SHA256.String(), last.Details["sha256"], "the timeline holds the file's sum")
	assert.Equal(t, pic.ThumbnailSum.String(), last.Details["thumbnail_sha256"])

	got, r, err := f.svc.OpenAttachment(ctx, f.actor("gc-land"), c.ID, "1", false)
	require.NoError(t, err, "whoever sees the case sees its photos")
	body, err := io.ReadAll(r)
	r.Close()
	require.NoError(t, err)
	assert.Equal(t, pic.Bytes, body)
	assert.Equal(t, a, got)
	_, r, err = f.svc.OpenAttachment(ctx, head, c.ID, "1", true)
	require.NoError(t, err)
	thumb, _ := io.ReadAll(r)
	r.Close()
	assert.Equal(t, pic.Thumbnail, thumb)
	_, _, err = f.svc.OpenAttachment(ctx, head, c.ID, "2", false)
	assert.ErrorIs(t, err, fourplusn.NotFound)
	_, _, err = f.svc.OpenAttachment(ctx, f.actor("lz-secretary"), c.ID, "1", false)
	assert.ErrorIs(t, err, fourplusn.NotFound, "another township's case")
	require.NoError(t, f.svc.CheckTimeline(ctx, head, c.ID))

	for _, tc := range []struct {
		name  string
		u     attachment.Upload
		field string
	}{
		{"an unknown kind", attachment.Upload{Kind: 99, File: pic}, "kind"},
		{"a session the case does not have", attachment.Upload{Kind: attachment.Photo, Of: "session:2", File: pic}, "of"},
		{"a follow-up the case does not have", attachment.Upload{Kind: attachment.Photo, Of: "followup:1", File: pic}, "of"},
		{"something else", attachment.Upload{Kind: attachment.Photo, Of: "party:1", File: pic}, "of"},
		{"no file", attachment.Upload{Kind: attachment.Photo}, "file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.stored(t, c.ID)
			_, err := f.svc.Attach(ctx, head, c.ID, c.Version, tc.u)
			require.ErrorIs(t, err, fourplusn.Invalid)
			assert.Equal(t, tc.field, fourplusn.ErrorField(err), "%v", err)
			assert.Equal(t, before, f.stored(t, c.ID))
		})
	}

	// Tampering: each kind of it is found, naming the event.
	path := func(sum attachment.Sum) string { return filepath.Join(dir, sum.String()[:2], sum.String()[2:]) }
	other := photo(t, 64, 48, 0x20)
	for _, tc := range []struct {
		name   string
		tamper func(t *testing.T)
		reason string
	}{
		{"a byte changed", func(t *testing.T) {
			data := bytes.Clone(pic.Bytes)
			data[len(data)/2] ^= 0xff
			require.NoError(t, os.WriteFile(path(pic.SHA256), data, 0o600))
		}, "now hashes to"},
		{"deleted", func(t *testing.T) { require.NoError(t, os.Remove(path(pic.SHA256))) }, "is missing"},
		{"swapped for another photo", func(t *testing.T) {
			require.NoError(t, os.WriteFile(path(pic.SHA256), other.Bytes, 0o600))
		}, "now hashes to " + other.SHA256.String()},
		{"its thumbnail deleted", func(t *testing.T) { require.NoError(t, os.Remove(path(pic.ThumbnailSum))) }, "its file " + pic.ThumbnailSum.String() + " is missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			orig, err := os.ReadFile(path(pic.SHA256))
			require.NoError(t, err)
			origThumb, err := os.ReadFile(path(pic.ThumbnailSum))
			require.NoError(t, err)
			t.Cleanup(func() {
				require.NoError(t, os.WriteFile(path(pic.SHA256), orig, 0o600))
				require.NoError(t, os.WriteFile(path(pic.ThumbnailSum), origThumb, 0o600))
			})
			tc.tamper(t)
			err = f.svc.CheckTimeline(ctx, head, c.ID)
			require.ErrorIs(t, err, timeline.ErrBroken)
			var broken *timeline.BreakError
			require.ErrorAs(t, err, &broken)
			assert.Equal(t, last.Seq, broken.Seq, "names the event that added the file")
			assert.Contains(t, broken.Reason, tc.reason)
		})
	}
	require.NoError(t, f.svc.CheckTimeline(ctx, head, c.ID), "restored")
}

// TestAttachPermissions tries attaching a photo and an identity document
// as each relation to the case, and opening them: an identity document is
// for those who may see the parties unmasked only.
func TestAttachPermissions(t *testing.T) {
	const (
		ok = fourplusn.Code("")
		NF = fourplusn.NotFound
		FB = fourplusn.Forbidden
		UA = fourplusn.Unauthorized
	)
	for _, tc := range []struct {
		who                           string
		actor                         func(f *fixture) grid.Actor
		photo, identity, open, openID fourplusn.Code
	}{
		{"same", func(f *fixture) grid.Actor { return f.actor("mayuan-1-head") }, ok, ok, ok, ok},
		{"below", func(f *fixture) grid.Actor { return f.actor("mayuan-1-zhang-elder") }, NF, NF, NF, NF},
		{"above", func(f *fixture) grid.Actor { return f.actor("mayuan-head") }, ok, ok, ok, ok},
		{"sibling", func(f *fixture) grid.Actor { return f.actor("mayuan-2-head") }, NF, NF, NF, NF},
		{"township", func(f *fixture) grid.Actor { return f.actor("lz-secretary") }, NF, NF, NF, NF},
		{"partner", func(f *fixture) grid.Actor { return f.actor("gc-land") }, ok, FB, ok, NF},
		{"resident", func(f *fixture) grid.Actor { return grid.ResidentActor("r-9", "gucheng") }, NF, NF, NF, NF},
		{"anonymous", func(f *fixture) grid.Actor { return grid.Actor{} }, UA, UA, UA, UA},
	} {
		t.Run(tc.who, func(t *testing.T) {
			f, _ := withFiles(t)
			head := f.actor("mayuan-1-head")
			c := must(t)(f.svc.Register(ctx, head, neighbourDispute()))
			c = must(t)(f.svc.Attach(ctx, head, c.ID, c.Version, attachment.Upload{Kind: attachment.Photo, File: photo(t, 8, 8, 1)}))
			c = must(t)(f.svc.Attach(ctx, head, c.ID, c.Version, attachment.Upload{Kind: attachment.IdentityDocument, File: photo(t, 8, 8, 2)}))
			a := tc.actor(f)
			code := func(err error) fourplusn.Code {
				if err == nil {
					return ok
				}
				return fourplusn.ErrorCode(err)
			}
			_, err := f.svc.Attach(ctx, a, c.ID, 0, attachment.Upload{Kind: attachment.Photo, File: photo(t, 8, 8, 3)})
			assert.Equal(t, tc.photo, code(err), "attach a photo: %v", err)
			_, err = f.svc.Attach(ctx, a, c.ID, 0, attachment.Upload{Kind: attachment.IdentityDocument, File: photo(t, 8, 8, 4)})
			assert.Equal(t, tc.identity, code(err), "attach an identity document: %v", err)
			_, _, err = f.svc.OpenAttachment(ctx, a, c.ID, "1", false)
			assert.Equal(t, tc.open, code(err), "open the photo: %v", err)
			_, _, err = f.svc.OpenAttachment(ctx, a, c.ID, "2", false)
			assert.Equal(t, tc.openID, code(err), "open the identity document: %v", err)
			if tc.open == ok {
				seen, err := f.svc.Get(ctx, a, c.ID)
				require.NoError(t, err)
				listed := map[string]bool{}
				for _, at := range seen.Attachments {
					listed[at.ID] = true
				}
				assert.Equal(t, tc.openID == ok, listed["2"], "the identity document is listed only to those who may open it")
			}
		})
	}
}

// TestApplicantAttaches checks that the resident who applied online adds
// photos and evidence to the application until it is accepted, and
// nothing else.
func TestApplicantAttaches(t *testing.T) {
	f, _ := withFiles(t)
	resident := grid.ResidentActor("r-1", "gucheng")
	in := neighbourDispute()
	in.Channel, in.Consent = work.ChannelOnline, mediation.CurrentPrivacyNotice.Version
	c := must(t)(f.svc.Register(ctx, resident, in))
	c = must(t)(f.svc.Attach(ctx, resident, c.ID, c.Version, attachment.Upload{Kind: attachment.Photo, File: photo(t, 8, 8, 1)}))
	c = must(t)(f.svc.Attach(ctx, resident, c.ID, c.Version, attachment.Upload{Kind: attachment.Evidence, File: photo(t, 8, 8, 2)}))
	assert.Len(t, c.Attachments, 2)
	for _, tc := range []struct {
		name string
		u    attachment.Upload
	}{
		{"an identity document", attachment.Upload{Kind: attachment.IdentityDocument, File: photo(t, 8, 8, 3)}},
		{"a signed agreement", attachment.Upload{Kind: attachment.SignedAgreement, File: photo(t, 8, 8, 3)}},
	} {
		_, err := f.svc.Attach(ctx, resident, c.ID, 0, tc.u)
		assert.ErrorIs(t, err, fourplusn.Forbidden, tc.name)
	}
	_, err := f.svc.Attach(ctx, grid.ResidentActor("r-2", "gucheng"), c.ID, 0, attachment.Upload{Kind: attachment.Photo, File: photo(t, 8, 8, 4)})
	assert.ErrorIs(t, err, fourplusn.NotFound, "another resident's application")
	_, r, err := f.svc.OpenAttachment(ctx, resident, c.ID, "1", false)
	require.NoError(t, err, "the applicant sees their photos")
	r.Close()

	c = must(t)(f.svc.Accept(ctx, f.actor("gc-duty-1"), c.ID, 0))
	_, err = f.svc.Attach(ctx, resident, c.ID, 0, attachment.Upload{Kind: attachment.Photo, File: photo(t, 8, 8, 5)})
	assert.ErrorIs(t, err, fourplusn.Forbidden, "not once the case is accepted")
}

// TestAttachQuota checks that a case takes files up to its quota — so
// many files, so many bytes — and refuses the next one before storing it.
func TestAttachQuota(t *testing.T) {
	small, other, big := photo(t, 64, 48, 0x80), photo(t, 48, 64, 0x40), photo(t, 640, 480, 0x60)
	for _, tc := range []struct {
		name  string
		quota attachment.Quota
		full  error
	}{
		{"two files", attachment.Quota{Files: 2, Bytes: 1 << 20}, attachment.ErrTooManyFiles},
		{"a few bytes more than two small photos", attachment.Quota{Files: 10, Bytes: int64(len(small.Bytes) + len(other.Bytes) + 10)}, attachment.ErrQuotaFull},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, dir := withQuota(t, tc.quota)
			head := f.actor("mayuan-1-head")
			c := mediating(t, f, must(t)(f.svc.Register(ctx, head, neighbourDispute())))
			c = must(t)(f.svc.Attach(ctx, head, c.ID, c.Version, attachment.Upload{Kind: attachment.Photo, File: small}))
			c = must(t)(f.svc.Attach(ctx, head, c.ID, c.Version, attachment.Upload{Kind: attachment.Photo, File: other}))
			_, err := f.svc.Attach(ctx, head, c.ID, c.Version, attachment.Upload{Kind: attachment.Photo, File: big})
			require.ErrorIs(t, err, fourplusn.Invalid)
			assert.ErrorIs(t, err, tc.full)
			assert.Equal(t, "file", fourplusn.ErrorField(err))
			assert.Equal(t, c, f.stored(t, c.ID), "nothing is recorded")
			_, err = os.Stat(filepath.Join(dir, big.SHA256.String()[:2], big.SHA256.String()[2:]))
			assert.ErrorIs(t, err, os.ErrNotExist, "nor stored")
		})
	}
}

func TestAttachWithoutFiles(t *testing.T) {
	f := newFixture(t) // its service keeps no files
	head := f.actor("mayuan-1-head")
	c := must(t)(f.svc.Register(ctx, head, neighbourDispute()))
	_, err := f.svc.Attach(ctx, head, c.ID, c.Version, attachment.Upload{Kind: attachment.Photo, File: photo(t, 8, 8, 1)})
	assert.ErrorIs(t, err, attachment.ErrNoFiles)
	_, _, err = f.svc.OpenAttachment(ctx, head, c.ID, "1", false)
	assert.ErrorIs(t, err, attachment.ErrNoFiles)
	assert.Equal(t, c, f.stored(t, c.ID), "nothing is recorded")
}

// TestIntakeAttaches checks that the member who takes applications in —
// the duty watch, which registers but does not mediate — adds what the
// applicant brought until the case is accepted, and nothing else.
func TestIntakeAttaches(t *testing.T) {
	f, _ := withFiles(t)
	duty := f.actor("gc-duty-1")
	in := neighbourDispute()
	in.Channel = work.ChannelWalkIn
	c := must(t)(f.svc.Register(ctx, duty, in))
	c = must(t)(f.svc.Attach(ctx, duty, c.ID, c.Version, attachment.Upload{Kind: attachment.Photo, File: photo(t, 8, 8, 1)}))
	assert.Len(t, c.Attachments, 1)
	_, err := f.svc.Attach(ctx, duty, c.ID, 0, attachment.Upload{Kind: attachment.SignedAgreement, File: photo(t, 8, 8, 2)})
	assert.ErrorIs(t, err, fourplusn.Forbidden, "only what an applicant brings")
	c = must(t)(f.svc.Accept(ctx, f.actor("mayuan-1-head"), c.ID, 0))
	_, err = f.svc.Attach(ctx, duty, c.ID, 0, attachment.Upload{Kind: attachment.Photo, File: photo(t, 8, 8, 3)})
	assert.ErrorIs(t, err, fourplusn.Forbidden, "not once the case is accepted")
}
