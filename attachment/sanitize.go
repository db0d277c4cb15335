package attachment

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // the formats an upload may be in
	_ "image/png"
	"io"

	"github.com/disintegration/imaging"
	_ "golang.org/x/image/webp"

	"github.com/fourplusn/fourplusn"
)

// The types of a file kept, found from its content, never its name.
const (
	JPEG = "image/jpeg"
	PNG  = "image/png"
	PDF  = "application/pdf"
)

// Limits bound what an upload may be.
type Limits struct {
	MaxBytes  int64 // the largest file taken, as uploaded
	MaxPixels int   // the most pixels an image may declare, before it is decoded
}

// DefaultLimits take a phone's photo at full resolution (a 50-megapixel
// camera gives 8,160 × 6,120) and a scanned document of a few dozen pages.
var DefaultLimits = Limits{MaxBytes: 20 << 20, MaxPixels: 60_000_000}

// ThumbnailSize is the longest side of a thumbnail, in pixels: twice the
// width a phone's page shows it at.
const ThumbnailSize = 320

// Clean is an upload made fit to keep: its bytes as stored, what they are,
// and, for an image, its size and a thumbnail.
type Clean struct {
	Type          string // JPEG, PNG or PDF
	Bytes         []byte
	SHA256        Sum    // of Bytes, as the timeline records it
	Width, Height int    // of an image, upright; 0 for a PDF
	Thumbnail     []byte // a JPEG no larger than ThumbnailSize; nil for a PDF
	ThumbnailSum  Sum    // of Thumbnail; zero for a PDF
}

// Sanitize reads an upload from r and returns it made fit to keep, or an
// Invalid error naming the field "file" and saying what is wrong.
//
// What a file is comes from its first bytes: JPEG, PNG and WebP photos and
// PDF documents are taken, anything else refused, whatever its name says.
// An image is checked against l.MaxPixels from its header before it is
// decoded, so that a few kilobytes declaring 30,000 × 30,000 pixels never
// claim gigabytes; then decoded — a damaged or incomplete one is refused —,
// turned upright by its EXIF orientation, and encoded anew: the stored
// bytes hold the pixels and nothing else, no EXIF (the GPS position, the
// device, the time), no comment, and nothing hidden after the image. A
// WebP photo is kept as a JPEG. A PDF is kept as uploaded once its header
// and its end are found: what it may hold besides is the PDF reader's to
// judge, and adapters serve it as application/pdf only, never sniffed.
func Sanitize(r io.Reader, l Limits) (Clean, error) {
	data, err := io.ReadAll(io.LimitReader(r, l.MaxBytes+1))
	if err != nil {
		return Clean{}, fmt.Errorf("read the upload: %w", err)
	}
	if int64(len(data)) > l.MaxBytes {
		return Clean{}, refuse(ErrTooLarge, "must be at most %d MB", l.MaxBytes>>20)
	}
	var c Clean
	switch sniff(data) {
	case PDF:
		c, err = cleanPDF(data)
	case JPEG, PNG, webP:
		c, err = cleanImage(data, l)
	case heic:
		return Clean{}, refuse(ErrHEIC, "is a HEIC photo, which is not taken: set the camera to take JPEG photos, or send a screenshot")
	default:
		return Clean{}, refuse(ErrUnsupported, "must be a JPEG, PNG or WebP photo or a PDF document, whatever its name")
	}
	if err != nil {
		return Clean{}, err
	}
	c.SHA256 = sha256.Sum256(c.Bytes)
	if c.Thumbnail != nil {
		c.ThumbnailSum = sha256.Sum256(c.Thumbnail)
	}
	return c, nil
}

// The types sniff finds that are not kept as they are.
const (
	webP = "image/webp"
	heic = "image/heic"
)

// sniff returns the type data's first bytes declare, or "".
func sniff(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return JPEG
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return webP
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return PDF
	case len(data) >= 12 && string(data[4:8]) == "ftyp" && bytes.Contains([]byte("heic heix mif1 msf1 hevc"), data[8:12]):
		return heic
	}
	return ""
}

// cleanImage decodes an image, checked against l, and encodes it anew,
// upright.
func cleanImage(data []byte, l Limits) (Clean, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Clean{}, refuse(ErrDamaged, "is a damaged or incomplete image")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > l.MaxPixels/max(cfg.Height, 1) {
		return Clean{}, refuse(ErrTooManyPixels, "declares %d × %d pixels: at most %d million are taken", cfg.Width, cfg.Height, l.MaxPixels/1_000_000)
	}
	img, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
	if err != nil {
		return Clean{}, refuse(ErrDamaged, "is a damaged or incomplete image")
	}
	c := Clean{Type: JPEG, Width: img.Bounds().Dx(), Height: img.Bounds().Dy()}
	out := imaging.JPEG
	if format == "png" {
		c.Type, out = PNG, imaging.PNG
	}
	var b bytes.Buffer
	if err := imaging.Encode(&b, img, out, imaging.JPEGQuality(90)); err != nil {
		return Clean{}, fmt.Errorf("encode the image: %w", err)
	}
	c.Bytes = b.Bytes()
	var t bytes.Buffer
	// Box filtering averages the pixels each thumbnail pixel covers: for
	// a reduction of ten times and more, as good as Lanczos, and several
	// times faster.
	thumb := imaging.Fit(img, ThumbnailSize, ThumbnailSize, imaging.Box)
	if err := imaging.Encode(&t, thumb, imaging.JPEG, imaging.JPEGQuality(80)); err != nil {
		return Clean{}, fmt.Errorf("encode the thumbnail: %w", err)
	}
	c.Thumbnail = t.Bytes()
	return c, nil
}

// cleanPDF checks that data is a whole PDF: its header, and the end of
// file marker a PDF writer puts in its last kilobyte.
func cleanPDF(data []byte) (Clean, error) {
	tail := data[max(0, len(data)-1024):]
	if !bytes.Contains(tail, []byte("%%EOF")) {
		return Clean{}, refuse(ErrIncompletePDF, "is an incomplete PDF document")
	}
	return Clean{Type: PDF, Bytes: data}, nil
}

// Why an upload is refused: each refusal Sanitize returns, an Invalid
// error naming "file", wraps one of these, so that a page can say why in
// its own words (errors.Is).
var (
	ErrTooLarge      = errors.New("file too large")
	ErrUnsupported   = errors.New("file of a type not taken")
	ErrHEIC          = errors.New("HEIC photo")
	ErrTooManyPixels = errors.New("image of too many pixels")
	ErrDamaged       = errors.New("damaged or incomplete image")
	ErrIncompletePDF = errors.New("incomplete PDF")
)

// refuse returns an Invalid error naming the field "file", for reason.
func refuse(reason error, format string, args ...any) error {
	return &fourplusn.Error{Code: fourplusn.Invalid, Field: "file", Message: fmt.Sprintf(format, args...), Err: reason}
}
