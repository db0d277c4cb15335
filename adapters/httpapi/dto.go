package httpapi

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/timeline"
	"github.com/fourplusn/fourplusn/work"
)

// The JSON the API reads and writes. Domain values are never marshalled
// directly: these types fix the names, write enumerations as their stable
// names, paths with Path.String, money in fen and times in UTC. Their
// `oa` tags feed the OpenAPI document (see openapi.go).

// timestamp is a time written as RFC 3339 in UTC; "" for no time.
type timestamp string

// ts writes t as a timestamp, "" for the zero time.
func ts(t time.Time) timestamp {
	if t.IsZero() {
		return ""
	}
	return timestamp(t.UTC().Format(time.RFC3339Nano))
}

// instant is a time read from a request, in RFC 3339 form. A time that
// does not parse is reported as a type error, so that the decoder names
// the field.
type instant struct{ time.Time }

// UnmarshalJSON reads an RFC 3339 string; null leaves the zero time.
func (t *instant) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: "non-string", Type: timeType}
	}
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return &json.UnmarshalTypeError{Value: "string", Type: timeType}
	}
	t.Time = v
	return nil
}

// MarshalJSON writes the time as RFC 3339 in UTC.
func (t instant) MarshalJSON() ([]byte, error) {
	return json.Marshal(t.UTC().Format(time.RFC3339Nano))
}

var timeType = reflect.TypeFor[time.Time]()

// path writes a grid path, "" for the zero path.
func path(p grid.Path) string { return p.String() }

// Names of the enumerations that have no stable names in the domain.
var (
	outcomeNames = []string{"", "progress", "no_progress", "settled"}
	formNames    = []string{"", "written", "oral"}
	markNames    = []string{"", "signed", "sealed", "fingerprinted"}
)

// outs writes each of ts with out.
func outs[T, J any](ts []T, out func(T) J) []J {
	js := make([]J, len(ts))
	for i, t := range ts {
		js[i] = out(t)
	}
	return js
}

// name returns names[i], or "" when i is out of range.
func name[I ~uint8](names []string, i I) string {
	if int(i) < len(names) {
		return names[i]
	}
	return ""
}

// parseName reads one of names (never the empty first one), naming field
// when it is not one of them. An empty s reads as zero.
func parseName[I ~uint8](field string, names []string, s string) (I, error) {
	if s == "" {
		return 0, nil
	}
	for i, n := range names {
		if n != "" && n == s {
			return I(i), nil
		}
	}
	return 0, fourplusn.FieldError(field, "unknown value %q", s)
}

// riskNames lists the flags of r by their stable names.
func riskNames(r mediation.RiskFlags) []string {
	if r == 0 {
		return []string{}
	}
	return strings.Split(r.String(), ",")
}

// parseRisks reads risk flags by their stable names.
func parseRisks(field string, names []string) (mediation.RiskFlags, error) {
	var r mediation.RiskFlags
	for i, n := range names {
		f, err := mediation.ParseRiskFlags(n)
		if err != nil || n == "" || strings.Contains(n, ",") {
			return 0, fourplusn.FieldError(fieldIndex(field, i), "unknown risk %q", n)
		}
		r |= f
	}
	return r, nil
}

func fieldIndex(field string, i int) string { return field + "[" + strconv.Itoa(i) + "]" }

// day is a calendar date read from a request and written out, as
// YYYY-MM-DD: a date of birth, the date of an authorisation. A date that
// does not parse is reported as a type error, so that the decoder names
// the field.
type day struct{ time.Time }

// UnmarshalJSON reads a YYYY-MM-DD string; null leaves the zero date.
func (d *day) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: "non-string", Type: dayType}
	}
	v, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return &json.UnmarshalTypeError{Value: "string", Type: dayType}
	}
	d.Time = v
	return nil
}

// MarshalJSON writes the date as YYYY-MM-DD.
func (d day) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.Format(time.DateOnly))
}

var dayType = reflect.TypeFor[day]()

// partyJSON is an applicant or respondent, with the particulars the
// application and the agreement state (see mediation.Party), masked in
// an answer as the case is.
type partyJSON struct {
	Name       string      `json:"name"`
	Sex        string      `json:"sex,omitempty" oa:"enum=sex"`
	Ethnicity  string      `json:"ethnicity,omitempty" desc:"the ethnic group (民族) as GB 3304 names it, e.g. 汉族; read also without its closing 族"`
	BirthDate  day         `json:"birth_date,omitzero" desc:"the date of birth; taken from the ID card when one is given. Hidden behind the age when masked."`
	Age        int         `json:"age,omitempty" oa:"min=0" desc:"in full years (周岁) at registration; with a date of birth, the age it gives"`
	Occupation string      `json:"occupation,omitempty" desc:"occupation or post (职业或职务)"`
	Workplace  string      `json:"workplace,omitempty"`
	Address    string      `json:"address,omitempty"`
	Phone      string      `json:"phone,omitempty"`
	IDCard     string      `json:"id_card,omitempty"`
	Agents     []agentJSON `json:"agents,omitempty"`
}

// agentJSON is someone a party authorised to act for them (委托代理人),
// with the authorisation (授权委托书).
type agentJSON struct {
	Name         string `json:"name"`
	Kind         string `json:"kind" oa:"enum=agent_kind"`
	Phone        string `json:"phone,omitempty"`
	IDCard       string `json:"id_card,omitempty"`
	Authority    string `json:"authority" oa:"enum=authority" desc:"general (一般授权), or special (特别授权), which signing the agreement for the party needs"`
	Powers       string `json:"powers,omitempty" oa:"when=authority:special" desc:"what the authorisation covers (委托事项和权限)"`
	AuthorisedOn day    `json:"authorised_on" desc:"the date of the authorisation"`
}

func partiesOut(ps []mediation.Party) []partyJSON {
	out := make([]partyJSON, len(ps))
	for i, p := range ps {
		out[i] = partyJSON{
			Name: p.Name, Ethnicity: p.Ethnicity.String(), BirthDate: day{p.BirthDate}, Age: p.Age, Occupation: p.Occupation,
			Workplace: p.Workplace, Address: p.Address, Phone: p.Phone, IDCard: p.IDCard,
		}
		if p.Sex != mediation.SexUnstated {
			out[i].Sex = p.Sex.String()
		}
		for _, a := range p.Agents {
			out[i].Agents = append(out[i].Agents, agentJSON{
				Name: a.Name, Kind: a.Kind.String(), Phone: a.Phone, IDCard: a.IDCard,
				Authority: a.Authority.String(), Powers: a.Powers, AuthorisedOn: day{a.Date},
			})
		}
	}
	return out
}

// partiesIn reads the parties given under field, naming every
// enumeration that does not read, all at once; the domain checks the
// rest.
func partiesIn(field string, ps []partyJSON) ([]mediation.Party, error) {
	if ps == nil {
		return nil, nil
	}
	var v fourplusn.Validation
	out := make([]mediation.Party, len(ps))
	for i, p := range ps {
		at := fieldIndex(field, i)
		sex, err := mediation.ParseSex(p.Sex)
		v.Under(at, err)
		ethnicity, err := mediation.ParseEthnicity(p.Ethnicity)
		v.Under(at, err)
		out[i] = mediation.Party{
			Name: p.Name, Sex: sex, Ethnicity: ethnicity, BirthDate: p.BirthDate.Time, Age: p.Age, Occupation: p.Occupation,
			Phone: p.Phone, Workplace: p.Workplace, Address: p.Address, IDCard: p.IDCard,
		}
		for j, a := range p.Agents {
			agent := fieldIndex(at+".agents", j)
			kind, err := mediation.ParseAgentKind(a.Kind)
			v.Under(agent, err)
			authority, err := mediation.ParseAuthority(a.Authority)
			v.Under(agent, err)
			out[i].Agents = append(out[i].Agents, mediation.Agent{
				Name: a.Name, Kind: kind, Phone: a.Phone, IDCard: a.IDCard, Authority: authority, Powers: a.Powers, Date: a.AuthorisedOn.Time,
			})
		}
	}
	return out, v.Err()
}

// claimJSON is something an applicant asks for.
type claimJSON struct {
	Description string `json:"description"`
	AmountFen   int64  `json:"amount_fen,omitempty" oa:"min=0"`
}

// disputeJSON is what every way of bringing a dispute in gives: who
// applies, against whom, for what, and the risks seen. The bodies that
// bring one in embed it.
type disputeJSON struct {
	Category    string      `json:"category"`
	Applicants  []partyJSON `json:"applicants" oa:"require=phone"`
	Respondents []partyJSON `json:"respondents"`
	Claims      []claimJSON `json:"claims,omitempty"`
	Risks       []string    `json:"risks,omitempty" oa:"enum=risk"`
}

// intake returns the domain's intake of the dispute j, with only its
// category, parties, claims and risks.
func (j *disputeJSON) intake() (mediation.Intake, error) {
	in := mediation.Intake{Category: mediation.Category(j.Category), Claims: claimsIn(j.Claims)}
	var v fourplusn.Validation
	var err error
	in.Applicants, err = partiesIn("applicants", j.Applicants)
	v.Add(err)
	in.Respondents, err = partiesIn("respondents", j.Respondents)
	v.Add(err)
	in.Risks, err = parseRisks("risks", j.Risks)
	v.Add(err)
	return in, v.Err()
}

// applicationJSON is a resident's online application (POST
// /applications): a dispute, its facts and where it arose.
type applicationJSON struct {
	disputeJSON
	Facts    string `json:"facts"`
	Location string `json:"location,omitempty" oa:"either=where"`
	Outside  string `json:"outside,omitempty" oa:"either=where"`
}

// onlineApplicationJSON is what POST /applications takes: an application
// and the resident's consent to the privacy notice it was shown.
type onlineApplicationJSON struct {
	applicationJSON
	Consent consentJSON `json:"consent"`
}

// consentJSON is a resident's consent to a privacy notice.
type consentJSON struct {
	Version string `json:"version" desc:"the version of the privacy notice (个人信息处理告知) consented to: the current one, which GET /api/v1/privacy-notice serves; any other is refused with 400 naming consent"`
}

// privacyNoticeJSON is a privacy notice as GET /privacy-notice serves it.
type privacyNoticeJSON struct {
	Version string `json:"version"`
	Title   string `json:"title"`
	Text    string `json:"text"`
}

// resendJSON asks for lost tracking codes to be sent again.
type resendJSON struct {
	Phone string `json:"phone" desc:"the mobile number given in the application"`
}

// resendAnswerJSON is the one answer to a resendJSON.
type resendAnswerJSON struct {
	Message string `json:"message" desc:"如该手机号有正在办理的申请，查询码将发送到该手机 — the same whatever the phone"`
}

// intakeJSON is a dispute as a member registers it (POST /cases): an
// application and the channel it came through.
type intakeJSON struct {
	Channel    string `json:"channel" oa:"enum=channel"`
	ReferredBy string `json:"referred_by,omitempty" oa:"when=channel:referral"`
	applicationJSON
}

// intake returns the domain's intake of j.
func (j *intakeJSON) intake() (mediation.Intake, error) {
	ch, err := work.ParseChannel(j.Channel)
	if err != nil {
		return mediation.Intake{}, err
	}
	in, err := j.applicationJSON.intake(ch)
	in.ReferredBy = j.ReferredBy
	return in, err
}

func claimsIn(cs []claimJSON) []mediation.Claim {
	if cs == nil {
		return nil
	}
	out := make([]mediation.Claim, len(cs))
	for i, c := range cs {
		out[i] = mediation.Claim{Description: c.Description, Amount: c.AmountFen}
	}
	return out
}

// intake returns the domain's intake of j, received through channel.
func (j *applicationJSON) intake(channel work.Channel) (mediation.Intake, error) {
	in, err := j.disputeJSON.intake()
	in.Channel, in.Facts, in.Location, in.Outside = channel, j.Facts, grid.CellID(j.Location), j.Outside
	return in, err
}

// caseJSON is a case as its reader may see it.
type caseJSON struct {
	ID                 string             `json:"id"`
	Number             string             `json:"number" desc:"the case's number in the committee's register (案号), in the committee's form, e.g. 古调〔2026〕58号: what people say and file it by; GET /api/v1/cases/by-number/{number} finds it. The id stays its key in URLs."`
	TrackingCode       string             `json:"tracking_code"`
	Version            int64              `json:"version"`
	Township           string             `json:"township"`
	Channel            string             `json:"channel" oa:"enum=channel"`
	Source             string             `json:"source" oa:"enum=source"`
	ReferredBy         string             `json:"referred_by,omitempty"`
	Category           string             `json:"category"`
	Masked             bool               `json:"masked"`
	Applicants         []partyJSON        `json:"applicants"`
	Respondents        []partyJSON        `json:"respondents"`
	Facts              string             `json:"facts"`
	Claims             []claimJSON        `json:"claims"`
	Risks              []string           `json:"risks" oa:"enum=risk"`
	Grade              string             `json:"grade" oa:"enum=grade"`
	Grading            []gradingJSON      `json:"grading"`
	Hazard             string             `json:"hazard,omitempty"`
	Location           string             `json:"location,omitempty"`
	Outside            string             `json:"outside,omitempty"`
	OutOfJurisdiction  bool               `json:"out_of_jurisdiction"`
	Handling           string             `json:"handling"`
	FirstResponder     string             `json:"first_responder,omitempty"`
	FirstResponderCell string             `json:"first_responder_cell,omitempty"`
	Applicant          string             `json:"applicant,omitempty"`
	Accountable        string             `json:"accountable,omitempty"`
	State              string             `json:"state" oa:"enum=state"`
	Overdue            bool               `json:"overdue"`
	RegisteredAt       timestamp          `json:"registered_at"`
	AcceptedAt         timestamp          `json:"accepted_at,omitempty"`
	AcceptedBy         string             `json:"accepted_by,omitempty"`
	ResolvedAt         timestamp          `json:"resolved_at,omitempty"`
	ClosedAt           timestamp          `json:"closed_at,omitempty"`
	AcceptDue          timestamp          `json:"accept_due,omitempty"`
	ResolveDue         timestamp          `json:"resolve_due,omitempty"`
	Escalation         *escalationJSON    `json:"escalation,omitempty"`
	Escalations        int                `json:"escalations"`
	Transfers          int                `json:"transfers"`
	Extensions         []extensionJSON    `json:"extensions"`
	Suspended          bool               `json:"suspended" desc:"mediation stands still while a party is awaited: resolve_due does not run"`
	Pauses             []pauseJSON        `json:"pauses" desc:"the times mediation stood still, oldest first"`
	Team               []participantJSON  `json:"team"`
	Sessions           []sessionOutJSON   `json:"sessions"`
	Planned            []plannedOutJSON   `json:"planned_sessions" desc:"sessions planned ahead, in the order first planned, each with its invitation's UID and sequence"`
	Agreement          *agreementOutJSON  `json:"agreement,omitempty" desc:"the agreement in effect"`
	Draft              *agreementOutJSON  `json:"draft,omitempty" desc:"a written agreement drafted and not yet signed in full: what GET /api/v1/cases/{id}/agreement prints"`
	Superseded         []agreementOutJSON `json:"superseded" desc:"agreements once in effect that later ones replaced, oldest first"`
	Failure            *failureJSON       `json:"failure,omitempty"`
	Rejection          *rejectionJSON     `json:"rejection,omitempty"`
	Withdrawal         string             `json:"withdrawal,omitempty"`
	TransferOut        *outsideBodyJSON   `json:"transfer_out,omitempty"`
	FollowUps          []followUpOutJSON  `json:"follow_ups"`
	Rights             []rightsOutJSON    `json:"rights" desc:"each giving of the notice of rights and duties (权利义务告知书) to a party, in the order recorded; the file needs one for every party"`
	Attachments        []attachmentJSON   `json:"attachments" desc:"the files attached to the case or its parts, in the order added; identity documents only to those who see the parties unmasked"`
	DuplicateOf        string             `json:"duplicate_of,omitempty" desc:"the case this one was linked to as the same dispute received again (POST /api/v1/cases/{id}/duplicate-of): it was closed so and counts in no figure"`
	AlsoReceived       []receiptJSON      `json:"also_received" desc:"the duplicates linked to this case, in the order linked: each arrival's channel and first responder"`
	KeptApart          []apartJSON        `json:"kept_apart" desc:"the likely duplicates decided to be other disputes, with why"`
	Timeline           chainJSON          `json:"timeline"`
}

// escalationJSON is a submission upward waiting for review.
type escalationJSON struct {
	From   string    `json:"from"`
	To     string    `json:"to"`
	Reason string    `json:"reason"`
	By     string    `json:"by"`
	At     timestamp `json:"at"`
}

// extensionJSON is more time given to resolve a case.
type extensionJSON struct {
	extendJSON
	At timestamp `json:"at,omitempty"`
}

// pauseJSON is a time mediation stood still while a party was awaited.
type pauseJSON struct {
	From   timestamp `json:"from"`
	To     timestamp `json:"to,omitempty" desc:"when mediation resumed; absent while it stands still"`
	Reason string    `json:"reason"`
	By     string    `json:"by"`
}

// participantJSON is a member of a case's 4+N team.
type participantJSON struct {
	Department string `json:"department" oa:"enum=department"`
	Body       string `json:"body,omitempty" oa:"when=department:partner"`
	MemberID   string `json:"member_id,omitempty"`
	Name       string `json:"name"`
	Role       string `json:"role,omitempty"`
}

// sessionOutJSON is a recorded mediation session: the session as
// recorded, and by whom.
type sessionOutJSON struct {
	sessionJSON
	By string `json:"by"`
}

// failureJSON records a failed mediation.
type failureJSON struct {
	Reason string `json:"reason"`
	Route  string `json:"route" oa:"enum=route"`
}

// rejectionJSON is why a case is not taken, and where the applicant is
// pointed (POST /cases/{id}/reject, and the case's record of it).
type rejectionJSON struct {
	Reason string `json:"reason"`
	Advice string `json:"advice"`
}

// outsideBodyJSON is a body outside the grid a case went to.
type outsideBodyJSON struct {
	Name    string `json:"name"`
	Contact string `json:"contact"`
	Reason  string `json:"reason"`
}

// followUpOutJSON is a recorded visit after an agreement.
type followUpOutJSON struct {
	At timestamp `json:"at"`
	By string    `json:"by"`
	followUpJSON
}

// rightsOutJSON is the notice of rights and duties as given to one party.
type rightsOutJSON struct {
	Party  string    `json:"party" desc:"the party's name, as the case presents it"`
	Manner string    `json:"manner" oa:"enum=rights_manner"`
	At     timestamp `json:"at"`
	By     string    `json:"by" desc:"the member who recorded it"`
}

// attachmentJSON is a file attached to a case or a hazard, as POST
// …/{id}/attachments answers it and the record lists it.
type attachmentJSON struct {
	ID           string    `json:"id" desc:"its place on the case or hazard: 1 for the first attached"`
	SHA256       string    `json:"sha256" desc:"the SHA-256 of its bytes as stored, in hex, as the timeline records it"`
	URL          string    `json:"url" desc:"where its bytes are served"`
	ThumbnailURL string    `json:"thumbnail_url,omitempty" desc:"where its thumbnail, a JPEG of at most 320 px, is served; none for a PDF"`
	Kind         string    `json:"kind" oa:"enum=attachment_kind"`
	Of           string    `json:"of,omitempty" desc:"the part of the record it belongs to: of a case, session:N, agreement:N (a revision) or followup:N; of a hazard, rectification:N (its after-photos) or verification:N; none for the record itself"`
	Type         string    `json:"type" oa:"enum=attachment_type" desc:"what its content is, whatever the name it was sent with"`
	Size         int64     `json:"size" desc:"in bytes, as stored"`
	Width        int       `json:"width,omitempty" desc:"of an image, upright, in pixels"`
	Height       int       `json:"height,omitempty" desc:"of an image, upright, in pixels"`
	AddedAt      timestamp `json:"added_at"`
	AddedBy      string    `json:"added_by"`
}

// attachmentTypes are the types a file is kept in.
var attachmentTypes = []string{attachment.JPEG, attachment.PNG, attachment.PDF}

// attachmentOut writes a, attached to the record served at record, with
// the URLs of its bytes below it.
func attachmentOut(record string, a attachment.Attachment) attachmentJSON {
	url := record + "/attachments/" + a.ID
	out := attachmentJSON{
		ID: a.ID, SHA256: a.Sum.String(), URL: url, Kind: a.Kind.String(), Of: a.Of, Type: a.Type, Size: a.Size,
		Width: a.Width, Height: a.Height, AddedAt: ts(a.AddedAt), AddedBy: a.AddedBy,
	}
	if a.HasThumbnail() {
		out.ThumbnailURL = url + "/thumbnail"
	}
	return out
}

// attachmentsOut writes the attachments of the record served at record.
func attachmentsOut(record string, as []attachment.Attachment) []attachmentJSON {
	out := make([]attachmentJSON, len(as))
	for i, a := range as {
		out[i] = attachmentOut(record, a)
	}
	return out
}

// chainJSON is the end of a timeline: its length and last hash.
type chainJSON struct {
	Length int64  `json:"length"`
	Head   string `json:"head"`
}

// paymentJSON is a structured term of an agreement, as recorded and as
// written out.
type paymentJSON struct {
	Payer     string  `json:"payer"`
	Payee     string  `json:"payee"`
	AmountFen int64   `json:"amount_fen"`
	Due       instant `json:"due,omitzero"`
}

// signatureJSON is a party's mark on a written agreement, as recorded and
// as written out: made by the party, or by an agent the party authorised
// specially (特别授权).
type signatureJSON struct {
	Party string  `json:"party"`
	Agent string  `json:"agent,omitempty" desc:"the agent who signed for the party; absent when the party did"`
	Mark  string  `json:"mark" oa:"enum=mark"`
	At    instant `json:"at,omitzero"`
}

// agreementTextJSON is what an agreement says and who mediated it, as it
// is recorded and as it is written out. A written agreement (人民调解协议书)
// says how, where and by when it is performed, and names the committee.
type agreementTextJSON struct {
	Form             string  `json:"form" oa:"enum=form"`
	Number           string  `json:"number,omitempty" desc:"the agreement's number: the case's number when the case has one, else the number given"`
	Facts            string  `json:"facts"`
	Disputes         string  `json:"disputes"`
	Responsibilities string  `json:"responsibilities,omitempty"`
	Terms            string  `json:"terms"`
	Manner           string  `json:"manner,omitempty" oa:"when=form:written"`
	Place            string  `json:"place,omitempty"`
	PerformBy        instant `json:"perform_by,omitzero" oa:"when=form:written"`
	Mediator         string  `json:"mediator" desc:"the mediator's name: a person, not a post"`
	MediatorPost     string  `json:"mediator_post,omitempty" desc:"the mediator's post, e.g. 司法所长"`
	Committee        string  `json:"committee,omitempty" oa:"when=form:written"`
}

// agreementJSON is an agreement as recorded at once (POST
// /cases/{id}/agreement): an oral one, or a written one signed in full;
// the parties are copied from the case.
type agreementJSON struct {
	agreementTextJSON
	MediatorSignedAt instant         `json:"mediator_signed_at,omitzero" oa:"when=form:written"`
	Payments         []paymentJSON   `json:"payments,omitempty"`
	Signatures       []signatureJSON `json:"signatures,omitempty" oa:"when=form:written"`
	Sealed           bool            `json:"sealed,omitempty" oa:"when=form:written"`
}

func (j *agreementJSON) agreement() (mediation.Agreement, error) {
	var v fourplusn.Validation
	form, err := parseName[mediation.Form]("agreement.form", formNames, j.Form)
	v.Add(err)
	marks, err := marksIn("agreement.signatures", j.Signatures)
	v.Add(err)
	a := mediation.Agreement{
		Form: form, Number: j.Number, Facts: j.Facts, Disputes: j.Disputes, Responsibilities: j.Responsibilities,
		Payments: paymentsIn(j.Payments), Terms: j.Terms, Manner: j.Manner, Place: j.Place, PerformBy: j.PerformBy.Time,
		Signatures: marks, Mediator: j.Mediator, MediatorPost: j.MediatorPost, MediatorSignedAt: j.MediatorSignedAt.Time,
		Committee: j.Committee, Sealed: j.Sealed,
	}
	return a, v.Err()
}

// draftJSON is the text of a written agreement to be printed and signed
// (POST /cases/{id}/agreement/draft, and the new agreement of
// /agreement/supersede); the parties are copied from the case.
type draftJSON struct {
	Number           string        `json:"number,omitempty" desc:"used only when the case has no number of its own"`
	Facts            string        `json:"facts"`
	Disputes         string        `json:"disputes"`
	Responsibilities string        `json:"responsibilities,omitempty"`
	Payments         []paymentJSON `json:"payments,omitempty"`
	Terms            string        `json:"terms"`
	Manner           string        `json:"manner"`
	Place            string        `json:"place,omitempty"`
	PerformBy        instant       `json:"perform_by"`
	Mediator         string        `json:"mediator" desc:"the mediator's name: a person, not a post"`
	MediatorPost     string        `json:"mediator_post,omitempty" desc:"the mediator's post, e.g. 司法所长"`
	Committee        string        `json:"committee"`
}

func (j *draftJSON) agreement() mediation.Agreement {
	return mediation.Agreement{
		Form: mediation.Written, Number: j.Number, Facts: j.Facts, Disputes: j.Disputes, Responsibilities: j.Responsibilities,
		Payments: paymentsIn(j.Payments), Terms: j.Terms, Manner: j.Manner, Place: j.Place, PerformBy: j.PerformBy.Time,
		Mediator: j.Mediator, MediatorPost: j.MediatorPost, Committee: j.Committee,
	}
}

// supersedeJSON begins a new written agreement to replace the one in
// effect, with the reason (POST /cases/{id}/agreement/supersede).
type supersedeJSON struct {
	Reason string    `json:"reason"`
	Draft  draftJSON `json:"draft"`
}

// signingJSON is what was marked on the printed draft (POST
// /cases/{id}/agreement/signing): parties' marks, the mediator's
// signature, the committee's seal, each dated when it was made (absent:
// when it is recorded).
type signingJSON struct {
	Revision         int             `json:"revision" oa:"min=1" desc:"the revision printed on the draft that was signed"`
	Marks            []signatureJSON `json:"marks,omitempty"`
	MediatorSigned   bool            `json:"mediator_signed,omitempty"`
	MediatorSignedAt instant         `json:"mediator_signed_at,omitzero"`
	Sealed           bool            `json:"sealed,omitempty"`
	SealedAt         instant         `json:"sealed_at,omitzero"`
}

func (j *signingJSON) signing() (mediation.Signing, error) {
	marks, err := marksIn("signing.marks", j.Marks)
	return mediation.Signing{
		Revision: j.Revision, Marks: marks, MediatorSigned: j.MediatorSigned, MediatorAt: j.MediatorSignedAt.Time,
		Sealed: j.Sealed, SealedAt: j.SealedAt.Time,
	}, err
}

// correctionJSON corrects what was registered of a case (POST
// /cases/{id}/corrections): the facts, or every party of a side, in
// their order, as corrected.
type correctionJSON struct {
	Reason      string      `json:"reason"`
	Facts       string      `json:"facts,omitempty"`
	Applicants  []partyJSON `json:"applicants,omitempty" oa:"require=phone"`
	Respondents []partyJSON `json:"respondents,omitempty"`
}

func (j *correctionJSON) correction() (mediation.Correction, error) {
	var v fourplusn.Validation
	cr := mediation.Correction{Reason: j.Reason, Facts: j.Facts}
	var err error
	cr.Applicants, err = partiesIn("applicants", j.Applicants)
	v.Add(err)
	cr.Respondents, err = partiesIn("respondents", j.Respondents)
	v.Add(err)
	return cr, v.Err()
}

func paymentsIn(ps []paymentJSON) []mediation.Payment {
	var out []mediation.Payment
	for _, p := range ps {
		out = append(out, mediation.Payment{Payer: p.Payer, Payee: p.Payee, Amount: p.AmountFen, Due: p.Due.Time})
	}
	return out
}

// marksIn reads the marks given under field, naming every mark that does
// not read.
func marksIn(field string, ss []signatureJSON) ([]mediation.Signature, error) {
	var v fourplusn.Validation
	var out []mediation.Signature
	for i, s := range ss {
		mark, err := parseName[mediation.Mark](fieldIndex(field, i)+".mark", markNames, s.Mark)
		v.Add(err)
		out = append(out, mediation.Signature{Party: s.Party, Agent: s.Agent, Mark: mark, At: s.At.Time})
	}
	return out, v.Err()
}

// agreementOutJSON is an agreement as recorded: a draft, the one in
// effect, or one superseded.
type agreementOutJSON struct {
	agreementTextJSON
	State                     string          `json:"state" oa:"enum=agreement_state"`
	Revision                  int             `json:"revision" desc:"its text's number on the case: one more for each revision and each later agreement"`
	Parties                   []partyJSON     `json:"parties"`
	Payments                  []paymentJSON   `json:"payments"`
	TotalFen                  int64           `json:"total_fen"`
	Signatures                []signatureJSON `json:"signatures"`
	MediatorSignedAt          timestamp       `json:"mediator_signed_at,omitempty" desc:"when the mediator signed; absent until then"`
	Sealed                    bool            `json:"sealed"`
	SealedAt                  timestamp       `json:"sealed_at,omitempty"`
	RecordedBy                string          `json:"recorded_by"`
	DraftedAt                 timestamp       `json:"drafted_at" desc:"when this revision was drafted, or the agreement recorded at once"`
	EffectiveAt               timestamp       `json:"effective_at,omitempty" desc:"when it took effect; absent for a draft"`
	CourtConfirmationDeadline timestamp       `json:"court_confirmation_deadline,omitempty"`
	Supersedes                int             `json:"supersedes,omitempty" desc:"the revision of the agreement this one replaces when it takes effect"`
	SupersedeReason           string          `json:"supersede_reason,omitempty"`
	SupersededAt              timestamp       `json:"superseded_at,omitempty"`
}

func agreementOut(a *mediation.Agreement) *agreementOutJSON {
	if a == nil {
		return nil
	}
	out := &agreementOutJSON{
		agreementTextJSON: agreementTextJSON{
			Form: name(formNames, a.Form), Number: a.Number, Facts: a.Facts, Disputes: a.Disputes, Responsibilities: a.Responsibilities,
			Terms: a.Terms, Manner: a.Manner, Place: a.Place, PerformBy: instant{a.PerformBy}, Mediator: a.Mediator,
			MediatorPost: a.MediatorPost, Committee: a.Committee,
		},
		State: a.State().String(), Revision: a.Revision,
		Parties: partiesOut(a.Parties), Payments: make([]paymentJSON, len(a.Payments)), TotalFen: a.Total(),
		Signatures: make([]signatureJSON, len(a.Signatures)), MediatorSignedAt: ts(a.MediatorSignedAt), Sealed: a.Sealed, SealedAt: ts(a.SealedAt), RecordedBy: a.RecordedBy,
		DraftedAt: ts(a.DraftedAt), EffectiveAt: ts(a.EffectiveAt), CourtConfirmationDeadline: ts(a.CourtConfirmationDeadline()),
		Supersedes: a.Supersedes, SupersedeReason: a.SupersedeReason, SupersededAt: ts(a.SupersededAt),
	}
	for i, p := range a.Payments {
		out.Payments[i] = paymentJSON{Payer: p.Payer, Payee: p.Payee, AmountFen: p.Amount, Due: instant{p.Due}}
	}
	for i, s := range a.Signatures {
		out.Signatures[i] = signatureJSON{Party: s.Party, Agent: s.Agent, Mark: name(markNames, s.Mark), At: instant{s.At}}
	}
	return out
}

// gradingJSON is a rule that decided a case's or a hazard's grade (with
// the grade it demands) or where it is handled (without), in Chinese.
type gradingJSON struct {
	Code  string `json:"code"`
	Grade string `json:"grade,omitempty" oa:"enum=grade"`
	Text  string `json:"text"`
}

// reasonsOut writes the reasons of a case's or a hazard's grading.
func reasonsOut(rs []work.Reason) []gradingJSON {
	out := make([]gradingJSON, len(rs))
	for i, r := range rs {
		out[i] = gradingJSON{Code: r.Code, Text: r.Text}
		if r.Grade.Valid() {
			out[i].Grade = r.Grade.String()
		}
	}
	return out
}

// caseOut writes c, as the service presented it to the reader, shown as v
// says.
func caseOut(api string, c *mediation.Case, v view) caseJSON {
	out := caseJSON{
		ID: string(c.ID), Number: c.Number.String(), TrackingCode: c.TrackingCode, Version: c.Version, Township: string(c.Township),
		Channel: c.Channel.String(), Source: string(c.Channel.Source()), ReferredBy: c.ReferredBy, Category: string(c.Category),
		Masked: v.masked, Applicants: partiesOut(c.Applicants), Respondents: partiesOut(c.Respondents), Facts: c.Facts,
		Claims: make([]claimJSON, len(c.Claims)), Risks: riskNames(c.Risks), Grade: c.Grade.String(), Grading: reasonsOut(c.Grading), Hazard: c.Hazard,
		Location: path(c.Location), Outside: c.Outside, OutOfJurisdiction: c.OutOfJurisdiction(), Handling: path(c.Handling),
		FirstResponder: c.FirstResponder, FirstResponderCell: path(c.FirstResponderCell), Applicant: c.Applicant,
		Accountable: c.Accountable(), State: c.State.String(), Overdue: v.overdue,
		RegisteredAt: ts(c.RegisteredAt), AcceptedAt: ts(c.AcceptedAt), AcceptedBy: c.AcceptedBy, ResolvedAt: ts(c.ResolvedAt),
		ClosedAt: ts(c.ClosedAt), AcceptDue: ts(c.AcceptDue), ResolveDue: ts(c.ResolveDue),
		Escalations: c.Escalations, Transfers: c.Transfers, Extensions: make([]extensionJSON, len(c.Extensions)),
		Suspended: c.Suspended(), Pauses: make([]pauseJSON, len(c.Pauses)),
		Team: make([]participantJSON, len(c.Team)), Sessions: make([]sessionOutJSON, len(c.Sessions)),
		Agreement: agreementOut(c.Agreement), Draft: agreementOut(c.Draft), Superseded: make([]agreementOutJSON, len(c.Superseded)),
		Withdrawal: c.Withdrawal, FollowUps: make([]followUpOutJSON, len(c.FollowUps)), Rights: make([]rightsOutJSON, len(c.Rights)),
		Attachments: attachmentsOut(api+"/cases/"+string(c.ID), c.Attachments), Timeline: chainOut(c.Chain), Planned: plannedOut(c),
	}
	duplicatesOut(&out, c)
	for i := range c.Superseded {
		out.Superseded[i] = *agreementOut(&c.Superseded[i])
	}
	for i, cl := range c.Claims {
		out.Claims[i] = claimJSON{Description: cl.Description, AmountFen: cl.Amount}
	}
	if e := c.Escalation; e != nil {
		out.Escalation = &escalationJSON{From: e.From.String(), To: e.To.String(), Reason: e.Reason, By: e.By, At: ts(e.At)}
	}
	for i, e := range c.Extensions {
		out.Extensions[i] = extensionJSON{extendJSON{Days: e.Days, Reason: e.Reason, Consent: e.Consent}, ts(e.At)}
	}
	for i, p := range c.Pauses {
		out.Pauses[i] = pauseJSON{From: ts(p.From), To: ts(p.To), Reason: p.Reason, By: p.By}
	}
	for i, p := range c.Team {
		out.Team[i] = participantJSON{Department: p.Department, Body: p.Body, MemberID: p.MemberID, Name: p.Name, Role: p.Role}
	}
	for i, s := range c.Sessions {
		attendees := append([]string{}, s.Attendees...)
		out.Sessions[i] = sessionOutJSON{sessionJSON{At: instant{s.At}, Place: s.Place.String(), PlaceNote: s.PlaceNote, Attendees: attendees, Notes: s.Notes, Outcome: name(outcomeNames, s.Outcome), Planned: s.Planned}, s.By}
	}
	if f := c.Failure; f != nil {
		out.Failure = &failureJSON{Reason: f.Reason, Route: string(f.Route)}
	}
	if r := c.Rejection; r != nil {
		out.Rejection = &rejectionJSON{Reason: r.Reason, Advice: r.Advice}
	}
	if b := c.TransferOut; b != nil {
		out.TransferOut = &outsideBodyJSON{Name: b.Name, Contact: b.Contact, Reason: b.Reason}
	}
	for i, f := range c.FollowUps {
		out.FollowUps[i] = followUpOutJSON{ts(f.At), f.By, followUpJSON{Performed: f.Performed, Notes: f.Notes}}
		for _, sat := range f.Satisfaction {
			out.FollowUps[i].Satisfaction = append(out.FollowUps[i].Satisfaction, string(sat))
		}
	}
	parties := c.Parties()
	for i, r := range c.Rights {
		out.Rights[i] = rightsOutJSON{Manner: r.Manner.String(), At: ts(r.At), By: r.By}
		if r.Party < len(parties) {
			out.Rights[i].Party = parties[r.Party].Name
		}
	}
	return out
}

func chainOut(c timeline.Chain) chainJSON {
	return chainJSON{Length: c.Len, Head: c.Head.String()}
}

// pageJSON is one page of a case listing; next is the cursor of the
// following page, absent on the last.
type pageJSON struct {
	Cases []caseJSON `json:"cases"`
	Next  string     `json:"next,omitempty"`
}

// eventJSON is one event of a timeline, with its place in the hash chain.
type eventJSON struct {
	Seq     int64             `json:"seq"`
	At      timestamp         `json:"at"`
	Actor   string            `json:"actor"`
	Action  string            `json:"action"`
	Channel string            `json:"channel,omitempty"`
	Details map[string]string `json:"details"`
	Prev    string            `json:"prev"`
	Hash    string            `json:"hash"`
}

// timelineJSON is a record's timeline, oldest first.
type timelineJSON struct {
	Subject string      `json:"subject"`
	Events  []eventJSON `json:"events"`
}

// caseFileJSON is a case's file (卷宗): the Ministry's items, in its order.
type caseFileJSON struct {
	Items   []fileItemJSON `json:"items"`
	Lacking []string       `json:"lacking" desc:"the required items missing that keep the case from being closed, by name: what POST /api/v1/cases/{id}/close would refuse with in error.missing (the back cover, 封底, which closing makes, is not among them)"`
}

// fileItemJSON is one item of a case file.
type fileItemJSON struct {
	Order    int     `json:"order" oa:"min=1" desc:"its place in the Ministry of Justice's order, from 1"`
	Name     string  `json:"name" desc:"its name in the Ministry's formats, e.g. 调解记录"`
	Required bool    `json:"required" desc:"the Ministry requires it of this case (its * items)"`
	Status   string  `json:"status" oa:"enum=file_status"`
	Summary  string  `json:"summary" desc:"what it is made from, or what is missing, in Chinese"`
	Events   []int64 `json:"events" desc:"the seq of each timeline event it is made from"`
}

func caseFileOut(f mediation.CaseFile) caseFileJSON {
	out := caseFileJSON{Items: make([]fileItemJSON, len(f.Items)), Lacking: []string{}}
	for _, it := range f.Lacking() {
		out.Lacking = append(out.Lacking, it.Name)
	}
	for i, it := range f.Items {
		events := it.Events
		if events == nil {
			events = []int64{}
		}
		out.Items[i] = fileItemJSON{Order: it.Order, Name: it.Name, Required: it.Required, Status: it.Status.String(), Summary: it.Summary, Events: events}
	}
	return out
}

func timelineOut(subject string, events []timeline.Event) timelineJSON {
	out := timelineJSON{Subject: subject, Events: make([]eventJSON, len(events))}
	for i, e := range events {
		details := e.Details
		if details == nil {
			details = map[string]string{}
		}
		out.Events[i] = eventJSON{Seq: e.Seq, At: ts(e.At), Actor: e.Actor, Action: string(e.Action), Channel: e.Channel, Details: details, Prev: e.Prev.String(), Hash: e.Hash.String()}
	}
	return out
}

// The bodies of the case actions.

// reviewJSON is the review of an online application: accept it, or
// reject it with the reason and the referral advice.
type reviewJSON struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason,omitempty" oa:"when=decision:reject"`
	Advice   string `json:"advice,omitempty" oa:"when=decision:reject"`
}

// sessionJSON records a mediation session.
type sessionJSON struct {
	At        instant  `json:"at"`
	Place     string   `json:"place" oa:"enum=place"`
	PlaceNote string   `json:"place_note,omitempty"`
	Attendees []string `json:"attendees"`
	Notes     string   `json:"notes"`
	Outcome   string   `json:"outcome" oa:"enum=outcome"`
	Planned   string   `json:"planned,omitempty" desc:"the UID of the planned session held, if any"`
}

func (j *sessionJSON) session() (mediation.Session, error) {
	place, err := mediation.ParsePlace(j.Place)
	if err != nil {
		return mediation.Session{}, fourplusn.WithField("session", err)
	}
	outcome, err := parseName[mediation.Outcome]("session.outcome", outcomeNames, j.Outcome)
	if err != nil {
		return mediation.Session{}, err
	}
	return mediation.Session{At: j.At.Time, Place: place, PlaceNote: j.PlaceNote, Attendees: j.Attendees, Notes: j.Notes, Outcome: outcome, Planned: j.Planned}, nil
}

// reasonJSON gives a reason: to withdraw, to escalate.
type reasonJSON struct {
	Reason string `json:"reason"`
}

// returnJSON returns an escalation with instructions.
type returnJSON struct {
	Instructions string `json:"instructions"`
}

// transferJSON hands a case to another cell of the township.
type transferJSON struct {
	To     string `json:"to"`
	Reason string `json:"reason"`
}

// extendJSON gives a case more time to resolve.
type extendJSON struct {
	Days    int    `json:"days"`
	Reason  string `json:"reason"`
	Consent bool   `json:"consent"`
}

// risksJSON records new risks.
type risksJSON struct {
	Risks []string `json:"risks" oa:"enum=risk"`
}

// followUpJSON records a visit after an agreement.
type followUpJSON struct {
	Performed    bool     `json:"performed"`
	Satisfaction []string `json:"satisfaction,omitempty" desc:"each party's satisfaction, in the order of applicants then respondents: satisfied (满意), fairly_satisfied (基本满意) or unsatisfied (不满意); an empty string for a party not asked, and the parties past the end not asked either"`
	Notes        string   `json:"notes"`
}

// followUp returns the visit b describes.
func (b *followUpJSON) followUp() mediation.FollowUp {
	f := mediation.FollowUp{Performed: b.Performed, Notes: b.Notes}
	for _, s := range b.Satisfaction {
		f.Satisfaction = append(f.Satisfaction, mediation.Satisfaction(s))
	}
	return f
}

// rightsJSON records that the notice of rights and duties was given
// (POST /cases/{id}/rights): to the parties named as on the case, in one
// manner, at one time (absent: when it is recorded).
type rightsJSON struct {
	Parties []string `json:"parties" desc:"the parties given the notice, by their names on the case"`
	Manner  string   `json:"manner" oa:"enum=rights_manner" desc:"written: handed over, the party signing for it; oral: read out to a party who could not sign"`
	At      instant  `json:"at,omitzero"`
}

// rightsManners are the manners of giving the notice, whose stable names
// the API reads.
var rightsManners = []mediation.RightsManner{mediation.RightsWritten, mediation.RightsOral}

func (j *rightsJSON) giving() (mediation.RightsGiving, error) {
	g := mediation.RightsGiving{Parties: j.Parties, At: j.At.Time}
	if j.Manner == "" {
		// The domain names the manner missing.
		return g, nil
	}
	i := slices.IndexFunc(rightsManners, func(m mediation.RightsManner) bool { return m.String() == j.Manner })
	if i < 0 {
		return g, fourplusn.FieldError("manner", "unknown manner %q", j.Manner)
	}
	g.Manner = rightsManners[i]
	return g, nil
}

// closeJSON closes a case, with an optional note.
type closeJSON struct {
	Note string `json:"note,omitempty"`
}

// noBodyJSON is the body of an action that takes none: empty, or {}.
type noBodyJSON struct{}

// trackJSON is what the public progress lookup shows: no personal data,
// only where the case stands.
type trackJSON struct {
	Number       string    `json:"number" desc:"the case's number (案号), e.g. 古调〔2026〕58号"`
	State        string    `json:"state" oa:"enum=state"`
	Grade        string    `json:"grade" oa:"enum=grade"`
	Handling     string    `json:"handling"`
	RegisteredAt timestamp `json:"registered_at"`
	AcceptedAt   timestamp `json:"accepted_at,omitempty"`
	ResolvedAt   timestamp `json:"resolved_at,omitempty"`
	ClosedAt     timestamp `json:"closed_at,omitempty"`
	AcceptDue    timestamp `json:"accept_due,omitempty"`
	ResolveDue   timestamp `json:"resolve_due,omitempty"`
}
