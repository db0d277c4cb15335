// Package attachment makes the photos and documents people upload — a
// hazard's before and after photos, a scan of a signed agreement, proof of
// payment — fit to keep as evidence.
//
// An upload is taken for what its content is, never for its name: JPEG,
// PNG and WebP photos and PDF documents. Photos are decoded, turned
// upright and encoded anew, so that what is kept holds the picture and
// nothing else: no EXIF, and so no GPS position of where a resident lives,
// no device, nothing appended. The SHA-256 of the bytes kept is what the
// timeline records, so that a file changed or swapped later is found.
package attachment
