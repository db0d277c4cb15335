package httpapi_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/httpapi"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
)

// TestHazardAttachments follows a hazard's photos over HTTP: the reporter's
// as found, the after-photo of its rectification, the photo of the
// verification that closed it; each listed on the hazard and served with
// its sum as ETag, as a case's files are.
func TestHazardAttachments(t *testing.T) {
	e := newEnv(t)
	h := e.seedHazard(t, "open")
	url := "/api/v1/hazards/" + string(h.ID)
	found := jpegOf(t, picture(64, 48))
	res := e.asResident(owner).post(url+"/attachments", photoForm(t, "photo", found))
	require.Equal(t, http.StatusCreated, res.Code, res)
	var a map[string]any
	res.decode(t, &a)
	assert.Equal(t, "/api/v1/hazards/"+string(h.ID)+"/attachments/1", res.Header.Get("Location"))
	assert.Equal(t, res.Header.Get("Location"), a["url"])
	assert.Equal(t, res.Header.Get("Location")+"/thumbnail", a["thumbnail_url"])

	_, err := e.hazards.Rectify(ctx, e.member("mayuan-head"), h.ID, 0, hazard.Rectification{Evidence: "已更换电线。"})
	require.NoError(t, err)
	res = e.as("mayuan-head").post(url+"/attachments", ofUpload("proof_of_performance", "rectification:1")(e).(raw))
	require.Equal(t, http.StatusCreated, res.Code, res)
	_, err = e.hazards.Verify(ctx, e.member("gc-east-head"), h.ID, 0, hazard.Verification{Passed: true})
	require.NoError(t, err)
	res = e.as("gc-east-head").post(url+"/attachments", ofUpload("photo", "verification:1")(e).(raw))
	require.Equal(t, http.StatusCreated, res.Code, res)

	var got struct {
		State       string
		Attachments []map[string]any
	}
	e.as("mayuan-head").get(url).decode(t, &got)
	assert.Equal(t, "closed", got.State)
	require.Len(t, got.Attachments, 3)
	var ofs, by []any
	for _, a := range got.Attachments {
		ofs, by = append(ofs, a["of"]), append(by, a["added_by"])
	}
	assert.Equal(t, []any{nil, "rectification:1", "verification:1"}, ofs, "the hazard as found has no of")
	assert.Equal(t, []any{owner, "mayuan-head", "gc-east-head"}, by)
	assert.Equal(t, a["url"], got.Attachments[0]["url"], "listed where it is served")

	file := e.asResident(owner).get(url + "/attachments/1")
	require.Equal(t, http.StatusOK, file.Code, file)
	assert.Equal(t, attachment.JPEG, file.Header.Get("Content-Type"))
	assert.Equal(t, "default-src 'none'; sandbox", file.Header.Get("Content-Security-Policy"))
	assert.Equal(t, "private, no-store", file.Header.Get("Cache-Control"))
	sum := sha256.Sum256(file.Body)
	tag := `"` + hex.EncodeToString(sum[:]) + `"`
	assert.Equal(t, got.Attachments[0]["sha256"], hex.EncodeToString(sum[:]))
	assert.Equal(t, tag, file.Header.Get("ETag"))
	assert.Equal(t, http.StatusNotModified, e.asResident(owner).get(url+"/attachments/1", "If-None-Match", tag).Code)
	thumb := e.as("gc-east-head").get(url + "/attachments/3/thumbnail")
	require.Equal(t, http.StatusOK, thumb.Code, thumb)
	assert.Equal(t, attachment.JPEG, thumb.Header.Get("Content-Type"))
	assert.Equal(t, http.StatusNotFound, e.as("mayuan-head").get(url+"/attachments/4").Code)
	assert.Equal(t, http.StatusNotFound, e.as("mayuan-head").get("/api/v1/cases/"+string(h.ID)+"/attachments/1").Code,
		"a hazard's file is not a case's")
}

// TestHostileHazardUploads sends what a hazard refuses that a case might
// take, and what it refuses in its states: each is refused with the
// status and the field at fault, and nothing stored changes.
func TestHostileHazardUploads(t *testing.T) {
	e := newEnv(t)
	open, rectified, closed := e.seedHazard(t, "open"), e.seedHazard(t, "rectified"), e.seedHazard(t, "closed")
	to := func(h *hazard.Hazard) string { return "/api/v1/hazards/" + string(h.ID) + "/attachments" }
	photo := func(e *env) any { return photoForm(e.t, "photo", matrixPhoto(e.t)) }
	before := e.snapshot(t)
	for _, tc := range []struct {
		name, who, url string
		body           func(*env) any
		status         int
		field          string
	}{
		{"an identity document", "mayuan-head", to(open), identityUpload, http.StatusBadRequest, "kind"},
		{"a signed agreement", "mayuan-head", to(open), ofUpload("signed_agreement", ""), http.StatusBadRequest, "kind"},
		{"a rectification it does not have", "mayuan-head", to(open), ofUpload("photo", "rectification:1"), http.StatusBadRequest, "of"},
		{"a second rectification of one rectified once", "mayuan-head", to(rectified), ofUpload("photo", "rectification:2"), http.StatusBadRequest, "of"},
		{"a verification it does not have", "gc-east-head", to(rectified), ofUpload("photo", "verification:1"), http.StatusBadRequest, "of"},
		{"a part of a case", "mayuan-head", to(open), ofUpload("photo", "session:1"), http.StatusBadRequest, "of"},
		{"a resident who did not report it", "resident:r-other", to(open), photo, http.StatusNotFound, ""},
		{"the reporter, once it is rectified", "resident:" + owner, to(rectified), photo, http.StatusForbidden, ""},
		{"the reporter, to its rectification", "resident:" + owner, to(rectified), ofUpload("photo", "rectification:1"), http.StatusForbidden, ""},
		{"a closed hazard as found", "gc-east-head", to(closed), photo, http.StatusConflict, ""},
		{"a closed hazard's rectification", "mayuan-head", to(closed), ofUpload("proof_of_performance", "rectification:1"), http.StatusConflict, ""},
		{"a verification by one who does not verify", "mayuan-head", to(closed), ofUpload("photo", "verification:1"), http.StatusForbidden, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			res := e.clientFor(tc.who).post(tc.url, tc.body(e))
			require.Equal(t, tc.status, res.Code, res)
			assert.Equal(t, tc.field, res.errorField(), res)
		})
	}
	e.t = t
	assert.Equal(t, before, e.snapshot(t), "nothing refused is stored")
	res := e.as("gc-east-head").post(to(closed), ofUpload("photo", "verification:1")(e))
	assert.Equal(t, http.StatusCreated, res.Code, "a closed hazard takes the photos of the verification that closed it: %s", res)
}

// TestHazardAttachmentsOff checks that a deployment whose hazard service
// keeps no files answers the routes of a hazard's attachments 501, before
// reading the upload, while its cases keep theirs.
func TestHazardAttachmentsOff(t *testing.T) {
	e := newEnv(t)
	h := e.seedHazard(t, "open")
	off, err := hazard.NewService(hazard.Config{
		Store: e.st.hazards, Cells: e.grid, Policy: grid.DefaultPolicy(), Rules: hazard.DefaultRules(), Converter: e.cases, Now: e.clock.Now,
	})
	require.NoError(t, err)
	cfg := e.cfg
	cfg.Hazards = off
	e.handler, err = httpapi.New(cfg)
	require.NoError(t, err)
	head := e.as("mayuan-head")
	url := "/api/v1/hazards/" + string(h.ID) + "/attachments"
	for _, res := range []*response{
		head.post(url, photoForm(t, "photo", pngOf(t, picture(8, 8)))),
		// Not multipart at all: refused for the deployment, not the body.
		head.post(url, raw{"application/json", []byte(`{}`)}),
		head.get(url + "/1"),
		head.get(url + "/1/thumbnail"),
	} {
		assert.Equal(t, http.StatusNotImplemented, res.Code, res)
		assert.Equal(t, "not_implemented", res.errorCode())
	}
	var got struct{ Attachments []any }
	head.get("/api/v1/hazards/"+string(h.ID)).decode(t, &got)
	assert.NotNil(t, got.Attachments, "the hazard lists none, as an empty list")
	assert.Empty(t, got.Attachments)
	res := head.post("/api/v1/cases/"+string(attachedCase(t, e))+"/attachments", photoForm(t, "photo", pngOf(t, picture(8, 8))))
	assert.Equal(t, http.StatusCreated, res.Code, "the cases keep their files: %s", res)
}
