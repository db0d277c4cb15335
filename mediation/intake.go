package mediation

import (
	"fmt"
	"unicode/utf8"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
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
	maxAmount     = 1e12 // fen: ten billion yuan
	maxKey        = 128  // bytes of an idempotency key
	maxTeam       = 50   //
	maxSessions   = 500  //
	maxFollowUps  = 100  //
	maxAttendees  = 100  //
	maxExtensions = 10   //
	maxPayments   = 50   //
	maxSignatures = 2 * maxParties
)

// Intake is a dispute as first received: who, against whom, what happened,
// what is asked, where, through which channel, and what risks were seen.
type Intake struct {
	Channel     Channel
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
	Risks    RiskFlags
	// Hazard is the ID of the hazard report this dispute grew from (a
	// dispute lead found by the grid's screening), if any.
	Hazard string
	// IdempotencyKey, if set, makes a retried submission return the case
	// the first one created instead of creating another.
	IdempotencyKey string
}

// validate checks the intake's fields, naming the one at fault, and returns
// the parties with their phone and ID-card numbers in normal form.
func (in *Intake) validate(r Rules) error {
	if !in.Channel.Valid() {
		return invalid("channel", "unknown channel %d", in.Channel)
	}
	if in.Channel == ChannelReferral {
		if err := fourplusn.RequireText("referred_by", in.ReferredBy, maxShortText); err != nil {
			return err
		}
	} else if in.ReferredBy != "" {
		return invalid("referred_by", "only a referral names who referred it")
	}
	if _, ok := r.Categories[in.Category]; !ok {
		return invalid("category", "unknown category %q", in.Category)
	}
	if err := validateParties("applicants", in.Applicants, true); err != nil {
		return err
	}
	if err := validateParties("respondents", in.Respondents, false); err != nil {
		return err
	}
	if err := fourplusn.RequireText("facts", in.Facts, maxLongText); err != nil {
		return err
	}
	if len(in.Claims) > maxClaims {
		return invalid("claims", "at most %d claims", maxClaims)
	}
	for i, c := range in.Claims {
		field := fmt.Sprintf("claims[%d]", i)
		if err := fourplusn.RequireText(field+".description", c.Description, maxShortText); err != nil {
			return err
		}
		if c.Amount < 0 || c.Amount > maxAmount {
			return invalid(field+".amount", "amount must be between 0 and %d fen", int64(maxAmount))
		}
	}
	switch {
	case in.Location == "" && in.Outside == "":
		return invalid("location", "give the cell where the dispute arose, or where outside the township")
	case in.Location != "" && in.Outside != "":
		return invalid("outside", "a dispute arose either in a cell of the township or outside it, not both")
	case utf8.RuneCountInString(in.Outside) > maxShortText:
		return invalid("outside", "longer than %d characters", maxShortText)
	case in.Risks&^allRisks != 0:
		return invalid("risks", "unknown risk flags %d", in.Risks&^allRisks)
	case len(in.Hazard) > maxKey:
		return invalid("hazard", "longer than %d bytes", maxKey)
	case len(in.IdempotencyKey) > maxKey:
		return invalid("idempotency_key", "longer than %d bytes", maxKey)
	}
	return nil
}

func validateParties(field string, parties []Party, applicants bool) error {
	if len(parties) == 0 {
		return invalid(field, "at least one is required")
	}
	if len(parties) > maxParties {
		return invalid(field, "at most %d", maxParties)
	}
	for i := range parties {
		if err := parties[i].normalize(applicants); err != nil {
			return fourplusn.WithField(fmt.Sprintf("%s[%d]", field, i), err)
		}
	}
	return nil
}

// normalize validates p and puts its phone and ID-card numbers in normal
// form. An applicant must leave a phone number; a respondent's may be
// unknown.
func (p *Party) normalize(phoneRequired bool) error {
	if err := fourplusn.RequireText("name", p.Name, maxName); err != nil {
		return err
	}
	if p.Sex > Female {
		return invalid("sex", "sex must be unstated, male or female")
	}
	if p.Age < 0 || p.Age > maxAge {
		return invalid("age", "age must be between 0 (unknown) and %d", maxAge)
	}
	if p.Phone != "" || phoneRequired {
		phone, err := fourplusn.ParsePhone(p.Phone)
		if err != nil {
			return fourplusn.WithField("phone", err)
		}
		p.Phone = phone
	}
	if p.IDCard != "" {
		id, err := fourplusn.ParseIDCard(p.IDCard)
		if err != nil {
			return fourplusn.WithField("id_card", err)
		}
		p.IDCard = id.Number
	}
	if utf8.RuneCountInString(p.Address) > maxShortText {
		return invalid("address", "longer than %d characters", maxShortText)
	}
	return nil
}

func invalid(field, format string, args ...any) error {
	return fourplusn.FieldError(field, format, args...)
}
