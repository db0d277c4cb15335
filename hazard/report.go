package hazard

import (
	"fmt"
	"unicode/utf8"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
)

// Limits on what a report accepts. They match mediation's intake and keep
// one hazard's record bounded.
const (
	maxLongText = 5000 // runes: descriptions, evidence, notes
	maxPhotos   = 20   // per report or rectification
	maxPhotoRef = 500  // bytes of one photo reference
	maxKey      = 128  // bytes of an idempotency key or a category
	maxRounds   = 50   // rectifications of one hazard
)

// Report is a hazard as first reported: what, where, how serious, with what
// photos, through which channel, and — when the reporter removed it at once
// — how it was rectified on the spot.
type Report struct {
	Category Category
	// Grade, if set, overrides the grade the rules give the category.
	Grade       mediation.Grade
	Location    grid.CellID // the cell where the hazard was found
	Description string
	Photos      []string // references to photos (URLs or storage keys)
	// Channel is how the hazard reached the grid. Residents report online
	// (ChannelOnline) and members through any other channel; zero means
	// ChannelOnline for a resident and ChannelScreening (the whistle) for
	// a member.
	Channel mediation.Channel
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

// validate checks the report's fields for an actor of kind, naming the one
// at fault, fills in the channel when it is zero, and puts the contact in
// normal form.
func (in *Report) validate(r Rules, kind grid.ActorKind) error {
	resident := kind == grid.Resident
	if in.Channel == 0 {
		in.Channel = mediation.ChannelScreening
		if resident {
			in.Channel = mediation.ChannelOnline
		}
	}
	switch {
	case !in.Channel.Valid():
		return invalid("channel", "unknown channel %d", in.Channel)
	case resident && in.Channel != mediation.ChannelOnline:
		return invalid("channel", "residents report online")
	case !resident && in.Channel == mediation.ChannelOnline:
		return invalid("channel", "only residents report online; record a member's report by its channel")
	}
	if _, ok := r.Categories[in.Category]; !ok {
		return invalid("category", "unknown category %q", in.Category)
	}
	if in.Grade != 0 && !in.Grade.Valid() {
		return invalid("grade", "unknown grade %d", in.Grade)
	}
	if err := fourplusn.RequireText("location", string(in.Location), maxKey); err != nil {
		return err
	}
	if err := fourplusn.RequireText("description", in.Description, maxLongText); err != nil {
		return err
	}
	if err := validatePhotos("photos", in.Photos); err != nil {
		return err
	}
	if in.Contact != "" || resident {
		phone, err := fourplusn.ParsePhone(in.Contact)
		if err != nil {
			return fourplusn.WithField("contact", err)
		}
		in.Contact = phone
	}
	if in.OnTheSpot != nil {
		if resident {
			return invalid("on_the_spot", "only a post rectifies on the spot; the report will be rectified by one")
		}
		if err := in.OnTheSpot.validate(); err != nil {
			return fourplusn.WithField("on_the_spot", err)
		}
	}
	if len(in.IdempotencyKey) > maxKey {
		return invalid("idempotency_key", "longer than %d bytes", maxKey)
	}
	return nil
}

// validate checks a rectification's evidence and photos.
func (r *Rectification) validate() error {
	if err := fourplusn.RequireText("evidence", r.Evidence, maxLongText); err != nil {
		return err
	}
	return validatePhotos("photos", r.Photos)
}

// validatePhotos checks a list of photo references: at most maxPhotos, each
// non-empty valid UTF-8 of at most maxPhotoRef bytes.
func validatePhotos(field string, photos []string) error {
	if len(photos) > maxPhotos {
		return invalid(field, "at most %d photos", maxPhotos)
	}
	for i, p := range photos {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case p == "":
			return invalid(f, "a photo reference is required")
		case len(p) > maxPhotoRef:
			return invalid(f, "longer than %d bytes", maxPhotoRef)
		case !utf8.ValidString(p):
			return invalid(f, "not valid UTF-8 text")
		}
	}
	return nil
}

func invalid(field, format string, args ...any) error {
	return fourplusn.FieldError(field, format, args...)
}
