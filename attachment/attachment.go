package attachment

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn"
)

// Attachment is a file attached to a record — a case, a hazard — or to a
// part of it: a photo, a scan, a document, kept by its sum in Files.
type Attachment struct {
	ID            string // its place on the record: "1" for the first attached
	Kind          Kind
	Of            string // the part of the record it belongs to, "" for the record itself: "session:2", "rectification:1"
	Type          string // JPEG, PNG or PDF
	Size          int64
	Sum           Sum
	Thumbnail     Sum // of its thumbnail; zero for a PDF
	Width, Height int
	AddedAt       time.Time
	AddedBy       string
}

// HasThumbnail reports whether the attachment has a thumbnail.
func (a Attachment) HasThumbnail() bool { return a.Thumbnail != Sum{} }

// Upload is a file to attach, made fit to keep by Sanitize.
type Upload struct {
	Kind Kind
	Of   string
	File Clean
}

// CheckPart checks of, what of a record an attachment belongs to: "" for
// the record itself, or a part and its number from 1, "session:2", of a
// record that has as many of each part as parts counts. Returns Invalid,
// naming "of", for anything else.
func CheckPart(of string, parts map[string]int) error {
	if of == "" {
		return nil
	}
	part, num, _ := strings.Cut(of, ":")
	count, known := parts[part]
	n, err := strconv.Atoi(num)
	if !known || err != nil || n < 1 || strconv.Itoa(n) != num {
		names := slices.Sorted(maps.Keys(parts))
		return fourplusn.FieldError("of", "must be empty, or %s:N", strings.Join(names, ":N, "))
	}
	if n > count {
		return fourplusn.FieldError("of", "the record has no %s", of)
	}
	return nil
}
