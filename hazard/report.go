package hazard

import (
	"fmt"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/work"
)

// Limits on what a report accepts. They match mediation's intake and keep
// one hazard's record bounded.
const (
	maxLongText  = 5000 // runes: descriptions, evidence, notes
	maxShortText = 200  // runes: who referred a report
	maxPhotos    = 20   // per report or rectification
	maxPhotoRef  = 500  // bytes of one photo reference
	maxKey       = 128  // bytes of an idempotency key or a category
	maxRounds    = 50   // rectifications of one hazard
)

// Report is a hazard as first reported: what, where, how serious, with what
// photos, through which channel, and — when the reporter removed it at once
// — how it was rectified on the spot.
type Report struct {
	Category Category
	// Grade, if set, overrides the grade the rules give the category.
	Grade       work.Grade
	Location    grid.CellID // the cell where the hazard was found
	Description string
	Photos      []string // references to photos (URLs or storage keys)
	// Channel is how the hazard reached the grid. Residents report online
	// (ChannelOnline) and members through any other channel; zero means
	// ChannelOnline for a resident and ChannelScreening (the whistle) for
	// a member.
	Channel work.Channel
	// ReferredBy names, for a referral (ChannelReferral), who passed the
	// report on: a partner system such as a 12345 hotline, whose report a
	// member records on its behalf. Optional: the hazard is the grid's to
	// rectify whoever passed it on.
	ReferredBy string
	// Contact is the reporter's mobile number: required of a resident,
	// optional for a member.
	Contact string
	// OnTheSpot, if set, records that the reporter rectified the hazard
	// on the spot (当场整改), with the evidence.
	OnTheSpot *Rectification
	// IdempotencyKey, if set, makes a retried report return the hazard the
	// first one created instead of creating another.
	IdempotencyKey string
}

// validate checks the report's fields for an actor of kind and reports
// every one at fault at once, naming each. It fills in the channel when it
// is zero, cleans the text people typed as the text rule says (see
// fourplusn.Text) and puts the contact in normal form, in place.
func (in *Report) validate(r Rules, kind grid.ActorKind) error {
	resident := kind == grid.Resident
	if in.Channel == 0 {
		in.Channel = work.ChannelScreening
		if resident {
			in.Channel = work.ChannelOnline
		}
	}
	var v fourplusn.Validation
	switch {
	case !in.Channel.Valid():
		v.Fail("channel", "unknown channel %d", in.Channel)
	case resident && in.Channel != work.ChannelOnline:
		v.Fail("channel", "residents report online")
	case !resident && in.Channel == work.ChannelOnline:
		v.Fail("channel", "only residents report online; record a member's report by its channel")
	case in.Channel == work.ChannelReferral:
		in.ReferredBy = v.Keep(fourplusn.OptionalText("referred_by", in.ReferredBy, maxShortText))
	}
	if in.Channel != work.ChannelReferral && in.ReferredBy != "" {
		v.Fail("referred_by", "only a referral names who referred it")
	}
	if _, ok := r.Categories[in.Category]; !ok {
		v.Fail("category", "unknown category %q", in.Category)
	}
	if in.Grade != 0 && !in.Grade.Valid() {
		v.Fail("grade", "unknown grade %d", in.Grade)
	}
	switch {
	case in.Location == "":
		v.Fail("location", "the cell where the hazard was found is required")
	case grid.ValidateCellID(in.Location) != nil:
		v.Fail("location", "%q is not a cell's ID", in.Location)
	}
	in.Description = v.Keep(fourplusn.MultilineText("description", in.Description, maxLongText))
	v.Add(validatePhotos("photos", in.Photos))
	if in.Contact != "" || resident {
		phone, err := fourplusn.ParsePhone(in.Contact)
		v.Under("contact", err)
		in.Contact = phone
	}
	if in.OnTheSpot != nil {
		if resident {
			v.Fail("on_the_spot", "only a post rectifies on the spot; the report will be rectified by one")
		} else {
			v.Under("on_the_spot", in.OnTheSpot.validate())
		}
	}
	if len(in.IdempotencyKey) > maxKey {
		v.Fail("idempotency_key", "longer than %d bytes", maxKey)
	}
	return v.Err()
}

// validate checks a rectification's evidence and photos, cleaning the
// evidence in place, and reports every field at fault.
func (r *Rectification) validate() error {
	var v fourplusn.Validation
	r.Evidence = v.Keep(fourplusn.MultilineText("evidence", r.Evidence, maxLongText))
	v.Add(validatePhotos("photos", r.Photos))
	return v.Err()
}

// validatePhotos checks a list of photo references: at most maxPhotos, each
// non-empty valid UTF-8 of at most maxPhotoRef bytes, with no control or
// format characters. A reference is a URL or a storage key a program
// wrote, so it is checked but never changed.
func validatePhotos(field string, photos []string) error {
	if len(photos) > maxPhotos {
		return invalid(field, "at most %d photos", maxPhotos)
	}
	var v fourplusn.Validation
	for i, p := range photos {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch clean, err := fourplusn.Text(f, p, maxPhotoRef); {
		case err != nil:
			v.Add(err)
		case clean != p:
			v.Fail(f, "a photo reference has no spaces around it")
		case len(p) > maxPhotoRef:
			v.Fail(f, "longer than %d bytes", maxPhotoRef)
		}
	}
	return v.Err()
}

func invalid(field, format string, args ...any) error {
	return fourplusn.FieldError(field, format, args...)
}
