package attachment_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"testing"

	"github.com/fourplusn/fourplusn/attachment"
)

// phonePhoto is a 4000 × 3000 JPEG of about 3 MB, the size of a phone's
// photo: smooth shading with grain, which compresses as a photo does.
func phonePhoto(tb testing.TB) []byte {
	tb.Helper()
	const w, h = 4000, 3000
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			grain := uint8(r.IntN(24))
			img.SetRGBA(x, y, color.RGBA{R: uint8(x/16) + grain, G: uint8(y/12) + grain, B: uint8((x+y)/28) + grain, A: 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 88}); err != nil {
		tb.Fatal(err)
	}
	return withExif(b.Bytes(), 6)
}

// BenchmarkSanitizePhoto takes a phone's photo as an upload is taken:
// sniffed, checked, decoded, turned upright, encoded anew without its EXIF,
// and a thumbnail made. The bytes per op are the upload's, so MB/s is the
// rate uploads are taken at.
func BenchmarkSanitizePhoto(b *testing.B) {
	data := phonePhoto(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := attachment.Sanitize(bytes.NewReader(data), attachment.DefaultLimits); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSanitizePDF takes a 3 MB PDF: sniffed and its end found, kept
// as it came.
func BenchmarkSanitizePDF(b *testing.B) {
	data := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("0123456789abcdef"), 3<<20/16)...)
	data = append(data, "\n%%EOF\n"...)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := attachment.Sanitize(bytes.NewReader(data), attachment.DefaultLimits); err != nil {
			b.Fatal(err)
		}
	}
}
