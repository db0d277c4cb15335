package attachment_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
)

// picture is a w × h image, white with a red block in its top-left
// corner, so that where the block ends up tells how the image was turned.
func picture(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.White)
		}
	}
	for y := range max(h/4, 1) {
		for x := range max(w/4, 1) {
			img.Set(x, y, color.RGBA{R: 255, A: 255})
		}
	}
	return img
}

func jpegOf(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	require.NoError(t, jpeg.Encode(&b, img, &jpeg.Options{Quality: 100}))
	return b.Bytes()
}

func pngOf(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	return b.Bytes()
}

// withExif returns a JPEG with an EXIF block put right after its start:
// the orientation given, a camera model and a GPS position, as a phone
// writes them.
func withExif(jpg []byte, orientation uint16) []byte {
	le := binary.LittleEndian
	var tiff bytes.Buffer
	tiff.WriteString("II*\x00")
	binary.Write(&tiff, le, uint32(8))
	// IFD0: orientation, model (ASCII at an offset), GPS IFD pointer.
	const ifd0 = 8
	const entries = 3
	modelAt := uint32(ifd0 + 2 + entries*12 + 4)
	model := "PhoneCam X1\x00"
	gpsAt := modelAt + uint32(len(model))
	binary.Write(&tiff, le, uint16(entries))
	entry := func(tag, typ uint16, count, value uint32) {
		binary.Write(&tiff, le, tag)
		binary.Write(&tiff, le, typ)
		binary.Write(&tiff, le, count)
		binary.Write(&tiff, le, value)
	}
	entry(0x0110, 2, uint32(len(model)), modelAt) // Model
	entry(0x0112, 3, 1, uint32(orientation))      // Orientation
	entry(0x8825, 4, 1, gpsAt)                    // GPSInfo
	binary.Write(&tiff, le, uint32(0))
	tiff.WriteString(model)
	// GPS IFD: latitude reference N, in the value itself.
	binary.Write(&tiff, le, uint16(1))
	entry(0x0001, 2, 2, uint32('N'))
	binary.Write(&tiff, le, uint32(0))

	app1 := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := []byte{0xff, 0xe1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(app1)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, app1...)
	return append(out, jpg[2:]...)
}

// bomb is a PNG of a few bytes whose header declares w × h pixels.
func bomb(t testing.TB, w, h uint32) []byte {
	data := pngOf(t, image.NewGray(image.Rect(0, 0, 1, 1)))
	// The IHDR chunk follows the 8-byte signature: length, type, then
	// width and height; its CRC covers the type and the data.
	binary.BigEndian.PutUint32(data[16:], w)
	binary.BigEndian.PutUint32(data[20:], h)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	return data
}

// webp1x1 is a lossless 1 × 1 WebP image.
var webp1x1, _ = base64.StdEncoding.DecodeString("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")

const minimalPDF = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

// TestSanitize is the content table: what each upload is taken for, or
// why it is refused, whatever it is named.
func TestSanitize(t *testing.T) {
	jpg := jpegOf(t, picture(40, 30))
	for _, tc := range []struct {
		name      string
		upload    []byte
		typ       string // "" when refused
		w, h      int
		refusedAs string // what the error says
		why       error  // the reason it wraps
	}{
		{"a JPEG photo", jpg, attachment.JPEG, 40, 30, "", nil},
		{"a PNG named photo.jpg: taken as the PNG it is", pngOf(t, picture(16, 16)), attachment.PNG, 16, 16, "", nil},
		{"a WebP photo, kept as a JPEG", webp1x1, attachment.JPEG, 1, 1, "", nil},
		{"a PDF named scan.jpg: taken as the PDF it is", []byte(minimalPDF), attachment.PDF, 0, 0, "", nil},
		{"an HTML page named photo.png", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "", 0, 0, "must be a JPEG, PNG or WebP photo or a PDF document", attachment.ErrUnsupported},
		{"a PNG declaring 30,000 × 30,000 pixels in a few bytes", bomb(t, 30000, 30000), "", 0, 0, "declares 30000 × 30000 pixels", attachment.ErrTooManyPixels},
		{"a truncated JPEG", jpg[:len(jpg)/2], "", 0, 0, "damaged or incomplete image", attachment.ErrDamaged},
		{"a JPEG header and nothing else", jpg[:3], "", 0, 0, "damaged or incomplete image", attachment.ErrDamaged},
		{"a PDF cut short", []byte(minimalPDF[:60]), "", 0, 0, "incomplete PDF", attachment.ErrIncompletePDF},
		{"a HEIC photo", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), "", 0, 0, "HEIC", attachment.ErrHEIC},
		{"nothing", nil, "", 0, 0, "must be a JPEG", attachment.ErrUnsupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := attachment.Sanitize(bytes.NewReader(tc.upload), attachment.DefaultLimits)
			if tc.typ == "" {
				require.ErrorIs(t, err, fourplusn.Invalid)
				assert.Equal(t, "file", fourplusn.ErrorField(err))
				assert.Contains(t, err.Error(), tc.refusedAs)
				assert.ErrorIs(t, err, tc.why)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.typ, c.Type)
			assert.Equal(t, attachment.Sum(sha256.Sum256(c.Bytes)), c.SHA256, "the sum is of the bytes kept")
			assert.Equal(t, [2]int{tc.w, tc.h}, [2]int{c.Width, c.Height})
			if tc.typ == attachment.PDF {
				assert.Equal(t, tc.upload, c.Bytes, "a PDF is kept as uploaded")
				assert.Nil(t, c.Thumbnail)
				return
			}
			cfg, format, err := image.DecodeConfig(bytes.NewReader(c.Bytes))
			require.NoError(t, err, "what is kept decodes")
			assert.Equal(t, tc.typ, "image/"+format)
			assert.Equal(t, [2]int{tc.w, tc.h}, [2]int{cfg.Width, cfg.Height})
			assert.Equal(t, attachment.Sum(sha256.Sum256(c.Thumbnail)), c.ThumbnailSum)
			thumb, _, err := image.DecodeConfig(bytes.NewReader(c.Thumbnail))
			require.NoError(t, err)
			assert.LessOrEqual(t, max(thumb.Width, thumb.Height), attachment.ThumbnailSize)
		})
	}
}

// TestSanitizeDropsMetadata checks that a phone's photo is kept upright
// and without its EXIF — no GPS position, no camera — and that nothing
// hidden in or after it survives.
func TestSanitizeDropsMetadata(t *testing.T) {
	// Orientation 6: the camera was turned; the picture is shown turned
	// 90° clockwise, so the stored top-left corner goes to the top right.
	upload := withExif(jpegOf(t, picture(40, 20)), 6)
	require.Contains(t, string(upload), "PhoneCam X1")
	c, err := attachment.Sanitize(bytes.NewReader(upload), attachment.DefaultLimits)
	require.NoError(t, err)
	assert.Equal(t, [2]int{20, 40}, [2]int{c.Width, c.Height}, "stored upright")
	img, err := jpeg.Decode(bytes.NewReader(c.Bytes))
	require.NoError(t, err)
	red := func(x, y int) bool {
		r, g, b, _ := img.At(x, y).RGBA()
		return r > 0xc000 && g < 0x6000 && b < 0x6000
	}
	assert.True(t, red(17, 2), "the red corner is at the top right")
	assert.False(t, red(2, 2), "and no longer at the top left")
	for _, gone := range []string{"Exif", "PhoneCam", "II*"} {
		assert.NotContains(t, string(c.Bytes), gone)
	}

	// A polyglot: a JPEG with a page in a comment and another after its end.
	jpg := jpegOf(t, picture(8, 8))
	com := []byte{0xff, 0xfe, 0, 0}
	page := "<html><script>alert(document.cookie)</script></html>"
	binary.BigEndian.PutUint16(com[2:], uint16(len(page)+2))
	poly := append(append(append(append([]byte{}, jpg[:2]...), com...), page...), jpg[2:]...)
	poly = append(poly, page...)
	c, err = attachment.Sanitize(bytes.NewReader(poly), attachment.DefaultLimits)
	require.NoError(t, err)
	assert.Equal(t, attachment.JPEG, c.Type)
	assert.NotContains(t, string(c.Bytes), "<script>", "kept as the picture it is, and nothing else")
}

func TestSanitizeLimits(t *testing.T) {
	jpg := jpegOf(t, picture(100, 100))
	_, err := attachment.Sanitize(bytes.NewReader(jpg), attachment.Limits{MaxBytes: int64(len(jpg)) - 1, MaxPixels: 1 << 20})
	require.ErrorIs(t, err, fourplusn.Invalid)
	assert.Contains(t, err.Error(), "file: must be at most")
	assert.ErrorIs(t, err, attachment.ErrTooLarge)
	_, err = attachment.Sanitize(bytes.NewReader(jpg), attachment.Limits{MaxBytes: 1 << 20, MaxPixels: 9_999})
	require.ErrorIs(t, err, fourplusn.Invalid, "10,000 pixels, one more than allowed")
	_, err = attachment.Sanitize(bytes.NewReader(jpg), attachment.Limits{MaxBytes: int64(len(jpg)), MaxPixels: 10_000})
	require.NoError(t, err, "exactly at both limits")
}

// FuzzSanitize feeds Sanitize any bytes: it never panics, and what it
// keeps is of a type it names, hashes to its sum, and is taken again as
// the same type.
func FuzzSanitize(f *testing.F) {
	f.Add(jpegOf(f, picture(4, 4)))
	f.Add(pngOf(f, picture(3, 5)))
	f.Add(withExif(jpegOf(f, picture(4, 2)), 8))
	f.Add(webp1x1)
	f.Add([]byte(minimalPDF))
	f.Add(bomb(f, 1<<31-1, 3))
	f.Fuzz(func(t *testing.T, data []byte) {
		limits := attachment.Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 20}
		c, err := attachment.Sanitize(bytes.NewReader(data), limits)
		if err != nil {
			require.ErrorIs(t, err, fourplusn.Invalid)
			return
		}
		require.Equal(t, attachment.Sum(sha256.Sum256(c.Bytes)), c.SHA256)
		again, err := attachment.Sanitize(bytes.NewReader(c.Bytes), limits)
		require.NoError(t, err, "what is kept is taken again")
		require.Equal(t, c.Type, again.Type)
		require.Equal(t, [2]int{c.Width, c.Height}, [2]int{again.Width, again.Height})
	})
}

func TestSumText(t *testing.T) {
	sum := attachment.Sum(sha256.Sum256([]byte("a photo")))
	b, err := json.Marshal(struct{ A, B attachment.Sum }{A: sum})
	require.NoError(t, err)
	assert.Equal(t, `{"A":"`+sum.String()+`","B":""}`, string(b), "a sum is its hex, no file is nothing")
	var back struct{ A, B attachment.Sum }
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, sum, back.A)
	assert.Zero(t, back.B)
	for _, bad := range []string{`{"A":"00"}`, `{"A":"` + strings.Repeat("g", 64) + `"}`} {
		assert.Error(t, json.Unmarshal([]byte(bad), &back), bad)
	}
}

func TestCheckPart(t *testing.T) {
	parts := map[string]int{"session": 2, "followup": 0}
	for of, ok := range map[string]bool{
		"": true, "session:1": true, "session:2": true, "session:3": false, "session:0": false, "session:01": false,
		"session:+1": false, "session:": false, "session": false, "followup:1": false, "party:1": false, "session:1:2": false,
	} {
		err := attachment.CheckPart(of, parts)
		if ok {
			assert.NoError(t, err, of)
			continue
		}
		require.ErrorIs(t, err, fourplusn.Invalid, of)
		assert.Equal(t, "of", fourplusn.ErrorField(err), of)
	}
	assert.EqualError(t, attachment.CheckPart("party:1", parts), "of: must be empty, or followup:N, session:N")
	assert.EqualError(t, attachment.CheckPart("session:3", parts), "of: the record has no session:3")
}
