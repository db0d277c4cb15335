package httpapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn/adapters/httpapi"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
)

// part is one part of a multipart form: a field, or a file when filename
// is set.
type part struct {
	name, filename, contentType string
	body                        []byte
}

// form returns parts as a multipart/form-data body.
func form(t testing.TB, parts ...part) raw {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		disposition := `form-data; name="` + p.name + `"`
		if p.filename != "" {
			disposition += `; filename="` + p.filename + `"`
		}
		h.Set("Content-Disposition", disposition)
		if p.contentType != "" {
			h.Set("Content-Type", p.contentType)
		}
		w, err := mw.CreatePart(h)
		require.NoError(t, err)
		_, err = w.Write(p.body)
		require.NoError(t, err)
	}
	require.NoError(t, mw.Close())
	return raw{mw.FormDataContentType(), b.Bytes()}
}

// photoForm is the form of a photo of kind, sent as photo.jpg.
func photoForm(t testing.TB, kind string, file []byte) raw {
	return form(t, part{name: "kind", body: []byte(kind)}, part{name: "file", filename: "photo.jpg", contentType: "image/jpeg", body: file})
}

// picture returns a w×h image of a gradient, which no encoder makes
// trivially small.
func picture(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x ^ y) & 0xff), 0xff})
		}
	}
	return img
}

func pngOf(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	return b.Bytes()
}

func jpegOf(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}))
	return b.Bytes()
}

// exifSecret is what a phone's photo says of where it was taken, which no
// file served may hold.
const exifSecret = "GPS 32.98N 114.02E"

// withEXIF returns a JPEG with an EXIF segment (orientation 1, and
// exifSecret as the image description) and a comment holding exifSecret,
// as a phone writes them, after its start of image.
func withEXIF(jpg []byte) []byte {
	// TIFF, little-endian: one IFD of two entries, then the description.
	desc := exifSecret + "\x00"
	tiff := []byte("II*\x00\x08\x00\x00\x00")
	tiff = binary.LittleEndian.AppendUint16(tiff, 2)
	entry := func(tag, typ uint16, count, value uint32) {
		tiff = binary.LittleEndian.AppendUint16(tiff, tag)
		tiff = binary.LittleEndian.AppendUint16(tiff, typ)
		tiff = binary.LittleEndian.AppendUint32(tiff, count)
		tiff = binary.LittleEndian.AppendUint32(tiff, value)
	}
	entry(0x010e, 2, uint32(len(desc)), 8+2+2*12+4) // ImageDescription, ASCII, after the IFD
	entry(0x0112, 3, 1, 1)                          // Orientation: upright
	tiff = binary.LittleEndian.AppendUint32(tiff, 0)
	tiff = append(tiff, desc...)
	app1 := append([]byte("Exif\x00\x00"), tiff...)
	seg := func(marker byte, data []byte) []byte {
		return append([]byte{0xff, marker, byte((len(data) + 2) >> 8), byte(len(data) + 2)}, data...)
	}
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg(0xe1, app1)...)
	out = append(out, seg(0xfe, []byte(exifSecret))...)
	return append(out, jpg[2:]...)
}

// bomb returns a PNG of about 2 KB declaring width × height pixels.
func bomb(width, height uint32) []byte {
	chunk := func(typ string, data []byte) []byte {
		c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		c = append(c, typ...)
		c = append(c, data...)
		return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, width)
	ihdr = binary.BigEndian.AppendUint32(ihdr, height)
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // 8 bits, RGB
	b := append([]byte("\x89PNG\r\n\x1a\n"), chunk("IHDR", ihdr)...)
	b = append(b, chunk("IDAT", bytes.Repeat([]byte{0}, 2000))...)
	return append(b, chunk("IEND", nil)...)
}

// attachedCase is a case accepted in 马园, to which its mediator attaches.
func attachedCase(t *testing.T, e *env) mediation.ID {
	t.Helper()
	return e.seedCase(t, "accepted").ID
}

// TestAttachmentContent sends uploads over HTTP and checks that each is
// taken for what its content is, whatever its name says.
func TestAttachmentContent(t *testing.T) {
	e := newEnv(t)
	id := attachedCase(t, e)
	head := e.as("mayuan-head")
	url := "/api/v1/cases/" + string(id) + "/attachments"
	photo := pngOf(t, picture(64, 48))
	jpg := jpegOf(t, picture(64, 48))
	for _, tc := range []struct {
		name     string
		body     raw
		status   int
		field    string // of the refusal
		wantType string // of what is stored
	}{
		{"a PNG named photo.jpg is kept as a PNG", photoForm(t, "photo", photo), http.StatusCreated, "", attachment.PNG},
		{"a JPEG with EXIF is kept as a JPEG", photoForm(t, "evidence", withEXIF(jpg)), http.StatusCreated, "", attachment.JPEG},
		{"a PDF", form(t, part{name: "kind", body: []byte("signed_agreement")}, part{name: "file", filename: "协议.pdf", contentType: "application/pdf", body: []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")}), http.StatusCreated, "", attachment.PDF},
		{"HTML named .png", form(t, part{name: "kind", body: []byte("photo")}, part{name: "file", filename: "photo.png", contentType: "image/png", body: []byte("<html><script>alert(1)</script></html>")}), http.StatusBadRequest, "file", ""},
		{"a 2 KB PNG declaring 30000×30000", photoForm(t, "photo", bomb(30000, 30000)), http.StatusBadRequest, "file", ""},
		{"a truncated JPEG", photoForm(t, "photo", jpg[:len(jpg)/2]), http.StatusBadRequest, "file", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			res := head.post(url, tc.body)
			require.Equal(t, tc.status, res.Code, res)
			if tc.field != "" {
				assert.Equal(t, tc.field, res.errorField(), res)
				return
			}
			var a map[string]any
			res.decode(t, &a)
			assert.Equal(t, tc.wantType, a["type"])
			assert.Equal(t, a["url"], res.Header.Get("Location"))
			got := head.get(a["url"].(string))
			require.Equal(t, http.StatusOK, got.Code, got)
			assert.Equal(t, tc.wantType, got.Header.Get("Content-Type"))
			sum := sha256.Sum256(got.Body)
			assert.Equal(t, a["sha256"], hex.EncodeToString(sum[:]))
			assert.NotContains(t, string(got.Body), exifSecret, "the EXIF and the comment are gone")
			assert.NotContains(t, string(got.Body), "Exif\x00\x00")
			if tc.wantType == attachment.PDF {
				assert.NotContains(t, a, "thumbnail_url")
				return
			}
			thumb := head.get(a["thumbnail_url"].(string))
			require.Equal(t, http.StatusOK, thumb.Code, thumb)
			assert.Equal(t, attachment.JPEG, thumb.Header.Get("Content-Type"))
			cfg, _, err := image.DecodeConfig(bytes.NewReader(thumb.Body))
			require.NoError(t, err)
			assert.LessOrEqual(t, max(cfg.Width, cfg.Height), attachment.ThumbnailSize)
		})
	}
	e.t = t
	var c struct {
		Attachments []map[string]any `json:"attachments"`
	}
	head.get("/api/v1/cases/"+string(id)).decode(t, &c)
	require.Len(t, c.Attachments, 3, "the case lists what was taken, and nothing refused")
	assert.Equal(t, "1", c.Attachments[0]["id"])
	assert.Equal(t, "photo", c.Attachments[0]["kind"])
	assert.EqualValues(t, 64, c.Attachments[0]["width"])
	assert.Equal(t, "mayuan-head", c.Attachments[0]["added_by"])
}

// TestAttachmentServedHeaders checks the headers a file is served with:
// its type, no sniffing, a policy that runs nothing, shown inline, never
// cached, and its sum as its ETag, which If-None-Match honours.
func TestAttachmentServedHeaders(t *testing.T) {
	e := newEnv(t)
	id := attachedCase(t, e)
	head := e.as("mayuan-head")
	pdf := []byte("%PDF-1.4\n%%EOF\n")
	for _, up := range []raw{photoForm(t, "photo", pngOf(t, picture(40, 30))), form(t, part{name: "kind", body: []byte("evidence")}, part{name: "file", filename: "a.pdf", body: pdf})} {
		res := head.post("/api/v1/cases/"+string(id)+"/attachments", up)
		require.Equal(t, http.StatusCreated, res.Code, res)
	}
	for _, tc := range []struct {
		path, contentType string
	}{
		{"/1", attachment.PNG},
		{"/1/thumbnail", attachment.JPEG},
		{"/2", attachment.PDF},
	} {
		t.Run(tc.path, func(t *testing.T) {
			e.t = t
			url := "/api/v1/cases/" + string(id) + "/attachments" + tc.path
			res := head.get(url)
			require.Equal(t, http.StatusOK, res.Code, res)
			h := res.Header
			assert.Equal(t, tc.contentType, h.Get("Content-Type"))
			assert.Equal(t, "nosniff", h.Get("X-Content-Type-Options"))
			assert.Equal(t, "default-src 'none'; sandbox", h.Get("Content-Security-Policy"))
			assert.Equal(t, "inline", h.Get("Content-Disposition"))
			assert.Equal(t, "private, no-store", h.Get("Cache-Control"))
			sum := sha256.Sum256(res.Body)
			tag := `"` + hex.EncodeToString(sum[:]) + `"`
			assert.Equal(t, tag, h.Get("ETag"))
			for _, inm := range []string{tag, `W/` + tag, `"0000", ` + tag, "*"} {
				again := head.get(url, "If-None-Match", inm)
				assert.Equal(t, http.StatusNotModified, again.Code, inm)
				assert.Empty(t, again.Body)
				assert.Equal(t, tag, again.Header.Get("ETag"))
			}
			assert.Equal(t, http.StatusOK, head.get(url, "If-None-Match", `"0000"`).Code)
		})
	}
	e.t = t
	assert.Equal(t, http.StatusNotFound, head.get("/api/v1/cases/"+string(id)+"/attachments/2/thumbnail").Code, "a PDF has no thumbnail")
	assert.Equal(t, http.StatusNotFound, head.get("/api/v1/cases/"+string(id)+"/attachments/9").Code)
}

// TestIdentityDocumentsMasked checks that an identity document is neither
// listed on the case nor served to one who sees the parties masked.
func TestIdentityDocumentsMasked(t *testing.T) {
	e := newEnv(t)
	id := attachedCase(t, e)
	res := e.as("mayuan-head").post("/api/v1/cases/"+string(id)+"/attachments", photoForm(t, "identity_document", jpegOf(t, picture(40, 30))))
	require.Equal(t, http.StatusCreated, res.Code, res)
	res = e.as("mayuan-head").post("/api/v1/cases/"+string(id)+"/attachments", photoForm(t, "photo", jpegOf(t, picture(40, 30))))
	require.Equal(t, http.StatusCreated, res.Code, res)
	for _, tc := range []struct {
		who    string
		masked bool
	}{
		{"mayuan-head", false},
		{"gc-justice", false},
		{"mayuan-security", true}, // the grid worker
		{"gc-land", true},         // the N-partner
	} {
		t.Run(tc.who, func(t *testing.T) {
			e.t = t
			c := e.as(tc.who)
			var got struct {
				Masked      bool
				Attachments []map[string]any
			}
			c.get("/api/v1/cases/"+string(id)).decode(t, &got)
			require.Equal(t, tc.masked, got.Masked)
			var kinds []string
			for _, a := range got.Attachments {
				kinds = append(kinds, a["kind"].(string))
			}
			doc := c.get("/api/v1/cases/" + string(id) + "/attachments/1")
			thumb := c.get("/api/v1/cases/" + string(id) + "/attachments/1/thumbnail")
			if tc.masked {
				assert.Equal(t, []string{"photo"}, kinds)
				assert.Equal(t, http.StatusNotFound, doc.Code, doc)
				assert.Equal(t, http.StatusNotFound, thumb.Code, thumb)
			} else {
				assert.Equal(t, []string{"identity_document", "photo"}, kinds)
				assert.Equal(t, http.StatusOK, doc.Code, doc)
				assert.Equal(t, http.StatusOK, thumb.Code, thumb)
			}
			assert.Equal(t, http.StatusOK, c.get("/api/v1/cases/"+string(id)+"/attachments/2").Code)
		})
	}
}

// TestHostileUploads sends what a careless or hostile client might: each
// is refused naming the field at fault, and nothing is attached.
func TestHostileUploads(t *testing.T) {
	e := newEnv(t)
	id := attachedCase(t, e)
	url := "/api/v1/cases/" + string(id) + "/attachments"
	photo := jpegOf(t, picture(32, 32))
	file := part{name: "file", filename: "p.jpg", body: photo}
	kind := part{name: "kind", body: []byte("photo")}
	ok := form(t, kind, file)
	// A form cut short: its closing boundary and part of the file gone.
	cut := raw{ok.contentType, ok.body[:len(ok.body)-200]}
	// Bodies far over the limit: a file of 30 MB, which Sanitize stops
	// reading at its limit, and 30 MB before the form's first part, which
	// the body's limit cuts off.
	huge := form(t, kind, part{name: "file", filename: "big.jpg", body: append(append([]byte{}, photo[:len(photo)-2]...), make([]byte, 30<<20)...)})
	preamble := raw{ok.contentType, append(bytes.Repeat([]byte("padding\r\n"), 3<<20), ok.body...)}
	for _, tc := range []struct {
		name   string
		body   raw
		header []string
		status int
		field  string
	}{
		{"JSON, not multipart", raw{"application/json", []byte(`{"kind":"photo"}`)}, nil, http.StatusBadRequest, "file"},
		{"no content type", raw{"", photo}, nil, http.StatusBadRequest, "file"},
		{"multipart without a boundary", raw{"multipart/form-data", ok.body}, nil, http.StatusBadRequest, "file"},
		{"the photo itself as the body", raw{"image/jpeg", photo}, nil, http.StatusBadRequest, "file"},
		{"no file part", form(t, kind), nil, http.StatusBadRequest, "file"},
		{"two file parts", form(t, kind, file, file), nil, http.StatusBadRequest, "file"},
		{"no kind", form(t, file), nil, http.StatusBadRequest, "kind"},
		{"unknown kind", form(t, part{name: "kind", body: []byte("selfie")}, file), nil, http.StatusBadRequest, "kind"},
		{"two kinds", form(t, kind, kind, file), nil, http.StatusBadRequest, "kind"},
		{"a kind too long", form(t, part{name: "kind", body: bytes.Repeat([]byte("x"), 1000)}, file), nil, http.StatusBadRequest, "kind"},
		{"bad of", form(t, kind, part{name: "of", body: []byte("session:x")}, file), nil, http.StatusBadRequest, "of"},
		{"of a session the case has not had", form(t, kind, part{name: "of", body: []byte("session:3")}, file), nil, http.StatusBadRequest, "of"},
		{"an unknown part", form(t, kind, part{name: "owner", body: []byte("me")}, file), nil, http.StatusBadRequest, "owner"},
		{"a form cut short", cut, nil, http.StatusBadRequest, "file"},
		{"a file over the limit", huge, nil, http.StatusBadRequest, "file"},
		{"a body over the limit", preamble, nil, http.StatusRequestEntityTooLarge, "file"},
		{"a stale If-Match", ok, []string{"If-Match", `"1"`}, http.StatusPreconditionFailed, "If-Match"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.t = t
			res := e.as("mayuan-head").post(url, tc.body, tc.header...)
			require.Equal(t, tc.status, res.Code, res)
			assert.Equal(t, tc.field, res.errorField(), res)
		})
	}
	e.t = t
	var c struct{ Attachments []any }
	e.as("mayuan-head").get("/api/v1/cases/"+string(id)).decode(t, &c)
	assert.Empty(t, c.Attachments)
	res := e.as("mayuan-head").post(url, ok, "If-Match", e.as("mayuan-head").get("/api/v1/cases/"+string(id)).Header.Get("ETag"))
	assert.Equal(t, http.StatusCreated, res.Code, "the current version is taken: %s", res)
}

// TestAttachmentsOff checks that a deployment that keeps no files answers
// the routes of attachments 501, before reading the upload.
func TestAttachmentsOff(t *testing.T) {
	e := newEnv(t)
	id := attachedCase(t, e)
	// The same deployment, its cases served by a service that keeps no
	// files.
	off, err := mediation.NewService(mediation.Config{
		Store: e.st.cases, Cells: e.grid, Policy: grid.DefaultPolicy(), Rules: mediation.DefaultRules(), Now: e.clock.Now,
	})
	require.NoError(t, err)
	cfg := e.cfg
	cfg.Cases = off
	e.handler, err = httpapi.New(cfg)
	require.NoError(t, err)
	head := e.as("mayuan-head")
	for _, res := range []*response{
		head.post("/api/v1/cases/"+string(id)+"/attachments", photoForm(t, "photo", pngOf(t, picture(8, 8)))),
		head.get("/api/v1/cases/" + string(id) + "/attachments/1"),
		head.get("/api/v1/cases/" + string(id) + "/attachments/1/thumbnail"),
	} {
		assert.Equal(t, http.StatusNotImplemented, res.Code, res)
		assert.Equal(t, "not_implemented", res.errorCode())
	}
	assert.Equal(t, http.StatusUnauthorized, e.anonymous().get("/api/v1/cases/"+string(id)+"/attachments/1").Code, "credentials come first")
	assert.True(t, strings.Contains(string(head.get("/api/v1/openapi.json").Body), "/attachments"), "the routes are still documented")
}
