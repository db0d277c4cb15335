package attachment

import "time"

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
