package mediation

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/work"
)

// Limits on what intake accepts. They are generous for real disputes and
// keep one case's record bounded.
const (
	maxName       = 50   // runes
	maxShortText  = 200  // runes: addresses, reasons, places
	maxLongText   = 5000 // runes: facts, notes, terms
	maxParties    = 50   // per side: group disputes have many
	maxClaims     = 20   //
	maxAge        = 150  //
	maxKey        = 128  // bytes of an idempotency key
	maxTeam       = 50   //
	maxSessions   = 500  //
	maxFollowUps  = 100  //
	maxAttendees  = 100  //
	maxExtensions = 10   //
	maxPauses     = 50   //
	maxPayments   = 50   //
	maxSignatures = 2 * maxParties
)

// Intake is a dispute as first received: who, against whom, what happened,
// what is asked, where, through which channel, and what risks were seen.
type Intake struct {
	Channel     work.Channel
	ReferredBy  string // the referring court or police unit, for referrals
	Category    Category
	Applicants  []Party
	Respondents []Party
	Facts       string
	Claims      []Claim
	// Location is the cell where the dispute arose; leave it empty and fill
	// Outside when it arose outside the township.
	Location grid.CellID
	Outside  string // where it arose, in words, when outside the township
	// Point, if set, is where the dispute arose as a phone or a partner's
	// system gives it, [longitude, latitude] in WGS-84: with Location and
	// Outside left empty, the location is the lowest cell whose boundary
	// contains it (Config.Locate).
	Point *orb.Point
	Risks RiskFlags
	// Handling, if set, is the cell to handle the case instead of the one the
	// rules choose (登记/分派 in one step, as the duty watch does): the
	// member registering must be one who may transfer a case from the
	// rules' cell, and the cell must be in the township. Residents do not
	// route their applications.
	Handling grid.CellID
	// Hazard is the ID of the hazard report this dispute grew from (a
	// dispute lead found by the grid's screening), if any.
	Hazard string
	// Consent is the version of the privacy notice the resident consented
	// to: an online application must carry CurrentPrivacyNotice's.
	// Members' registrations do not; what they record the committee
	// gathered in person.
	Consent string
	// IdempotencyKey, if set, makes a retried submission return the case
	// the first one created instead of creating another.
	IdempotencyKey string
}

// Validate checks the intake's fields and reports every one at fault at
// once, naming each. It cleans the text people typed as the text rule says
// (see fourplusn.Text), puts the parties' phone and ID-card numbers in
// normal form and fills in a party's date of birth and sex from their ID
// card, in place, so that what is registered is the cleaned intake. A form
// that gathers problems of its own (an amount that does not parse) may
// call it to report them all together. Validate reads no clock: Register
// checks the intake again with its own, and refuses besides a date of
// birth in the future, an age that does not agree with the date of birth,
// and an agent's authorisation dated more than a year before or more than
// a day after now.
func (in *Intake) Validate(r Rules) error { return in.validate(r, when{}) }

// validate is Validate with the checks that need the time at.
func (in *Intake) validate(r Rules, at when) error {
	var v fourplusn.Validation
	switch {
	case !in.Channel.Valid():
		v.Fail("channel", "unknown channel %d", in.Channel)
	case in.Channel == work.ChannelReferral:
		in.ReferredBy = v.Keep(fourplusn.Text("referred_by", in.ReferredBy, maxShortText))
	case in.ReferredBy != "":
		v.Fail("referred_by", "only a referral names who referred it")
	}
	if _, ok := r.Categories[in.Category]; !ok {
		v.Fail("category", "unknown category %q", in.Category)
	}
	v.Add(validateParties("applicants", in.Applicants, true, at))
	v.Add(validateParties("respondents", in.Respondents, false, at))
	in.Facts = v.Keep(fourplusn.MultilineText("facts", in.Facts, maxLongText))
	if len(in.Claims) > maxClaims {
		v.Fail("claims", "at most %d claims", maxClaims)
	}
	for i := range in.Claims {
		c := &in.Claims[i]
		field := fmt.Sprintf("claims[%d]", i)
		c.Description = v.Keep(fourplusn.Text(field+".description", c.Description, maxShortText))
		if c.Amount < 0 || c.Amount > fourplusn.MaxFen {
			v.Fail(field+".amount", "amount must be between 0 and %d fen", fourplusn.MaxFen)
		}
	}
	// An outside place that breaks the text rule is kept as given for the
	// checks below: it was given, even if wrongly.
	if outside, err := fourplusn.OptionalText("outside", in.Outside, maxShortText); v.Add(err) {
		in.Outside = outside
	}
	switch {
	case in.Location == "" && in.Outside == "" && in.Point == nil:
		v.Fail("location", "give the cell where the dispute arose, or where outside the township")
	case in.Location != "" && in.Outside != "":
		v.Fail("outside", "a dispute arose either in a cell of the township or outside it, not both")
	}
	if p := in.Point; p != nil && (math.IsNaN(p.Lon()) || math.IsNaN(p.Lat()) || math.Abs(p.Lon()) > 180 || math.Abs(p.Lat()) > 90) {
		v.Fail("point", "a position is a longitude within ±180 and a latitude within ±90")
	}
	if in.Risks&^allRisks != 0 {
		v.Fail("risks", "unknown risk flags %d", in.Risks&^allRisks)
	}
	if in.Channel == work.ChannelOnline {
		v.Add(Consent{Version: in.Consent}.Check())
	}
	if len(in.Hazard) > maxKey {
		v.Fail("hazard", "longer than %d bytes", maxKey)
	}
	if len(in.IdempotencyKey) > maxKey {
		v.Fail("idempotency_key", "longer than %d bytes", maxKey)
	}
	return v.Err()
}

// validateParties validates and normalizes the parties of one side at
// at, naming each field at fault by its place in the list.
func validateParties(field string, parties []Party, applicants bool, at when) error {
	if len(parties) == 0 {
		return invalid(field, "at least one is required")
	}
	if len(parties) > maxParties {
		return invalid(field, "at most %d", maxParties)
	}
	var v fourplusn.Validation
	for i := range parties {
		v.Under(fmt.Sprintf("%s[%d]", field, i), parties[i].normalize(applicants, at))
	}
	return v.Err()
}

func invalid(field, format string, args ...any) error {
	return fourplusn.FieldError(field, format, args...)
}
