package httpapi

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fourplusn/fourplusn/adapters/inbox"
	"github.com/fourplusn/fourplusn/adapters/outbox"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/hazard"
	"github.com/fourplusn/fourplusn/mediation"
	"github.com/fourplusn/fourplusn/stats"
	"github.com/fourplusn/fourplusn/work"
)

// The OpenAPI 3 document is built here, from a list of operations kept by
// hand beside the routes (a test checks that the two agree) and from the
// request and response types themselves, so that a schema cannot drift
// from the JSON it describes: each struct becomes a component, its fields
// (with those of a struct it embeds, as encoding/json promotes them)
// properties named by their json tags, required unless omitempty or
// omitzero, and its `oa` tags add enumerations (oa:"enum=name") and bounds
// (oa:"min=1,max=5"), its desc tag a description. Every object is closed
// (additionalProperties false), as the decoder refuses unknown fields.

// operation describes one route for the document.
type operation struct {
	method, path string
	tag          string
	summary      string
	feature      string // the optional part it belongs to (see server.serves), "" for none
	public       bool   // served to anonymous callers
	params       []param
	body         any  // a zero request value, or nil for no body
	bodyOptional bool // the body may be left out
	status       int  // the status of success
	resp         any  // a zero response value, or textBody
	etag         bool // the response carries an ETag
	// served is set for a file served by its sum: its ETag is the sum,
	// and an If-None-Match naming it is 304.
	served bool
	errors []int
}

// textBody marks a plain-text response.
type textBody struct{}

// documentBody marks a printable document: an HTML page, or plain text to
// a client that asks for it.
type documentBody struct{}

// htmlBody marks a printable HTML page.
type htmlBody struct{}

// calendarBody marks an iCalendar object (RFC 5545).
type calendarBody struct{}

// withHTML marks a JSON answer that is also served, with ?format=html, as
// a printable HTML document.
type withHTML struct{ json any }

// fileBody marks a file sent or answered as it is, in one of its media
// types.
type fileBody struct{ types []string }

// uploadBody marks a request body of multipart/form-data that attaches
// a file (see readUpload).
type uploadBody struct{}

// noContent marks a success answered with no body.
type noContent struct{}

// param is a path or query parameter.
type param struct {
	name, in string
	desc     string
	schema   map[string]any
	required bool
}

func pathParam(name, desc string) param {
	return param{name: name, in: "path", desc: desc, schema: map[string]any{"type": "string"}, required: true}
}

func queryParam(name, desc string, schema map[string]any) param {
	return param{name: name, in: "query", desc: desc, schema: schema}
}

func str() map[string]any { return map[string]any{"type": "string"} }

func enumOf(name string) map[string]any {
	return map[string]any{"type": "string", "enum": enums()[name]}
}

func integer(lo, hi int) map[string]any {
	return map[string]any{"type": "integer", "minimum": lo, "maximum": hi}
}

// Sets of error statuses the operations share.
var (
	errRead    = []int{400, 401, 403, 404, 500}
	errAction  = []int{400, 401, 403, 404, 409, 412, 413, 415, 500, 503}
	errCreate  = []int{400, 401, 403, 404, 409, 413, 415, 500, 503}
	errListing = []int{400, 401, 500}
	errManage  = []int{400, 401, 403, 500}
)

// operations lists every route the API serves, with what the document says
// of it.
func operations() []operation {
	caseID := pathParam("id", "the case's ID")
	hazardID := pathParam("id", "the hazard's ID")
	attachmentID := pathParam("aid", "the attachment's ID, as the case lists it")
	hazardAttachmentID := pathParam("aid", "the attachment's ID, as the hazard lists it")
	cellID := pathParam("id", "the cell's ID")
	memberID := pathParam("id", "the member's ID, their login")
	ops := []operation{
		{method: "GET", path: "/healthz", tag: "service", summary: "Reports that the service is up.", public: true, status: 200, resp: healthJSON{}, errors: []int{500}},
		{method: "GET", path: "/api/v1/openapi.json", tag: "service", summary: "This document.", public: true, status: 200, resp: openAPIDoc{}, errors: []int{401, 500}},

		{method: "GET", path: "/api/v1/grid/cells", tag: "grid", summary: "The actor's township as a tree of cells. Staff only.", status: 200, resp: treeNodeJSON{}, errors: []int{400, 401, 403, 404, 500}},
		{method: "GET", path: "/api/v1/grid/cells/{id}", tag: "grid", summary: "A cell of the actor's township, its ancestors and its children. Staff only; cells of other townships are not found.", params: []param{cellID}, status: 200, resp: cellDetailJSON{}, errors: errRead},
		{method: "GET", path: "/api/v1/grid/cells/{id}/members", tag: "grid", summary: "The members holding a post in a cell. Needs View at the cell; phones are masked unless the actor may see personal data there.", params: []param{cellID}, status: 200, resp: membersJSON{}, errors: errRead},

		{method: "POST", path: "/api/v1/grid/cells", tag: "grid administration", summary: "Adds a cell below its parent, one level down. Needs ManageGrid at the parent.", body: newCellJSON{}, status: 201, resp: cellJSON{}, errors: errCreate},
		{method: "PATCH", path: "/api/v1/grid/cells/{id}", tag: "grid administration", summary: "Renames a cell, moves it with its subtree below another parent at the level of its present one (its open work and the posts held there move with it), or both. Needs ManageGrid at the cell and at the new parent.", params: []param{cellID}, body: cellEditJSON{}, status: 200, resp: cellJSON{}, errors: errCreate},
		{method: "POST", path: "/api/v1/grid/cells/{id}/retire", tag: "grid administration", summary: "Retires a cell and its subtree. Their open cases and hazards go to the takeover cell; without one, a cell with open work is not retired and the 409 lists the work (error.items). Needs ManageGrid at the cell and at the takeover cell.", params: []param{cellID}, body: retireJSON{}, bodyOptional: true, status: 200, resp: cellJSON{}, errors: errCreate},
		{method: "GET", path: "/api/v1/grid/log", tag: "grid administration", summary: "The township's hash-chained administration log, oldest first, a page at a time. Needs ManageGrid at the township.", params: []param{
			queryParam("after", "the events after this one (its seq): the next field of the previous page", map[string]any{"type": "integer", "minimum": 0}),
			queryParam("limit", "the page size", integer(1, maxLogPage)),
		}, status: 200, resp: logJSON{}, errors: errManage},
		{method: "GET", path: "/api/v1/grid/cells.geojson", tag: "grid", feature: "geo", summary: "The actor's township's map: a GeoJSON FeatureCollection (RFC 7946, WGS-84) of its cells that have a boundary, each a MultiPolygon with the cell's name, level and parent and the open cases and hazards handled in its subtree. Staff only.", status: 200, resp: fileBody{[]string{geoJSONType}}, errors: []int{401, 403, 500}},
		{method: "PUT", path: "/api/v1/grid/cells/{id}/boundary", tag: "grid administration", feature: "geo", summary: "Sets a cell's boundary: a GeoJSON Polygon or MultiPolygon, or a Feature of one, holes allowed, in WGS-84 longitude and latitude; with coords=gcj02, in GCJ-02 as Chinese web maps draw, converted. A body that is no such GeoJSON is 400 naming geometry, rings that bound nothing 400 naming coordinates. Needs ManageGrid at the township.", params: []param{cellID,
			queryParam("coords", "the datum of the coordinates sent", map[string]any{"type": "string", "enum": []string{"wgs84", "gcj02"}}),
		}, body: fileBody{[]string{geoJSONType, "application/json"}}, status: 204, resp: noContent{}, errors: []int{400, 401, 403, 404, 413, 415, 500}},
		{method: "GET", path: "/api/v1/members", tag: "grid administration", summary: "The members of the actor's township, active and inactive, by ID; phones masked unless the actor may see personal data where the member holds a post. Needs ManageGrid at the township.", params: []param{
			queryParam("cell", "only the members holding a post in this cell", str()),
			queryParam("q", "only the members whose name or login starts so", str()),
		}, status: 200, resp: memberListJSON{}, errors: errRead},
		{method: "GET", path: "/api/v1/members/{id}", tag: "grid administration", summary: "A member of the actor's township. Needs ManageGrid at the township.", params: []param{memberID}, status: 200, resp: memberJSON{}, errors: errRead},
		{method: "POST", path: "/api/v1/members", tag: "grid administration", summary: "Adds a member with their posts, each in a cell named by ID; they act from their first request. When the deployment keeps accounts, the answer holds their one-time password, this once. Needs ManageGrid at every post's cell.", body: newMemberJSON{}, status: 201, resp: addedMemberJSON{}, errors: errCreate},
		{method: "PATCH", path: "/api/v1/members/{id}", tag: "grid administration", summary: "Changes a member's particulars; those left out stay, and a member who is or becomes a partner must have a body, given or kept. Needs ManageGrid wherever the member holds a post.", params: []param{memberID}, body: memberEditJSON{}, status: 200, resp: memberJSON{}, errors: errCreate},
		{method: "POST", path: "/api/v1/members/{id}/posts", tag: "grid administration", summary: "Grants a member a post, which they act through from their next request; an inactive member is active again. Needs ManageGrid at its cell.", params: []param{memberID}, body: postInJSON{}, status: 200, resp: memberJSON{}, errors: errCreate},
		{method: "POST", path: "/api/v1/members/{id}/posts/revoke", tag: "grid administration", summary: "Revokes a member's post. The open work they answer for through it alone goes to the successor; without one, a post with such work is kept and the 409 lists the work (error.items). Needs ManageGrid at the post's cell.", params: []param{memberID}, body: revokeJSON{}, status: 200, resp: memberJSON{}, errors: errCreate},
		{method: "POST", path: "/api/v1/members/{id}/deactivate", tag: "grid administration", summary: "Deactivates a member who left: they hold no posts and sign in nowhere, and their account is disabled. Their open work goes to the successor, as when a post is revoked. Needs ManageGrid wherever they hold a post.", params: []param{memberID}, body: successorJSON{}, bodyOptional: true, status: 200, resp: memberJSON{}, errors: errCreate},
		{method: "GET", path: "/api/v1/grid/roster.xlsx", tag: "grid administration", feature: "rosters", summary: "The township's roster (花名册) as an .xlsx workbook: its active cells and members, phones in full. Needs ManageGrid at the township.", status: 200, resp: fileBody{[]string{xlsxType}}, errors: []int{401, 403, 500}},
		{method: "POST", path: "/api/v1/grid/roster", tag: "grid administration", feature: "rosters", summary: "Compares the roster file sent with the township: without a base, answers what applying it would change, changing nothing; with base_len and base_head, the base that answer gave, applies it in one change if the township's grid has not changed since (409 otherwise, listing the work in the way when open work stops it). A file that cannot be read is a 400 listing its problems (error.problems). At most 20 MiB. Needs ManageGrid at the township.", params: []param{
			queryParam("base_len", "the plan's base.len, to apply it", map[string]any{"type": "integer", "minimum": 0}),
			queryParam("base_head", "the plan's base.head, to apply it", map[string]any{"type": "string", "pattern": "^[0-9a-f]{64}$"}),
		}, body: fileBody{rosterTypes}, status: 200, resp: planJSON{}, errors: errCreate},
		{method: "POST", path: "/api/v1/members/{id}/password", tag: "grid administration", feature: "accounts", summary: "A new one-time password for an active member who forgot theirs (their sessions and tokens end), or the account of one who has none yet. Needs ManageGrid wherever the member holds a post.", params: []param{memberID}, body: noBodyJSON{}, bodyOptional: true, status: 200, resp: passwordJSON{}, errors: errCreate},
		{method: "GET", path: "/api/v1/tokens", tag: "accounts", feature: "accounts", summary: "The caller's own API tokens that have not expired, oldest first. Staff only.", status: 200, resp: tokensJSON{}, errors: []int{401, 403, 500}},
		{method: "DELETE", path: "/api/v1/tokens/{id}", tag: "accounts", feature: "accounts", summary: "Revokes one of the caller's own API tokens; another's is not found. Staff only.", params: []param{pathParam("id", "the token's ID, as listed")}, status: 204, resp: noContent{}, errors: []int{401, 403, 404, 500}},

		{method: "POST", path: "/api/v1/cases", tag: "cases", summary: "Registers a dispute as first received (首问负责制). Staff only; honours Idempotency-Key.", params: []param{idempotencyParam}, body: intakeJSON{}, status: 201, resp: caseJSON{}, etag: true, errors: errCreate},
		{method: "POST", path: "/api/v1/applications", tag: "cases", summary: "A resident's online application (在线申请). Anonymous callers may apply: such a caller must send an Idempotency-Key of 16 to 128 printable ASCII characters, random and kept by the client, which identifies the applicant as the web form's key does (a retry with the same key and body returns the same case; the same key with another body is 409), and must name the location, a cell of the township, whose township receives the application. A resident's token may be sent instead, and then the key is optional and the dispute may have arisen outside the township. The application carries consent to the current privacy notice (consent.version, as GET /api/v1/privacy-notice serves it): without it, or with another version, it is 400 naming consent. Staff are refused with 403: they register cases through POST /api/v1/cases. Rate-limited per client address (429), before anything else is checked.", public: true, params: []param{applicationKeyParam}, body: onlineApplicationJSON{}, status: 201, resp: caseJSON{}, etag: true, errors: append(slices.Clone(errCreate), 429)},
		{method: "GET", path: "/api/v1/cases", tag: "cases", summary: "The cases the actor may see, newest first, a page at a time.", params: []param{
			queryParam("state", "only cases in these states; repeat the parameter or separate with commas", enumOf("state")),
			queryParam("grade", "only cases of this grade", enumOf("grade")),
			queryParam("channel", "only cases received through this channel", enumOf("channel")),
			queryParam("category", "only cases of this category, one of the township's rules", str()),
			queryParam("cell", "only cases handled or arisen in this cell's subtree: its ID", str()),
			queryParam("registered_from", "only cases registered on this date (Asia/Shanghai) or later", map[string]any{"type": "string", "format": "date"}),
			queryParam("registered_to", "only cases registered on this date (Asia/Shanghai) or earlier", map[string]any{"type": "string", "format": "date"}),
			queryParam("q", "a search: the whole of it a party's or agent's mobile number (matched only in the cases whose parties the actor sees unmasked), a case number or a tracking code; or words (runs of letters and digits) each found in the names of the parties and their agents or in the facts, from one character up", map[string]any{"type": "string", "maxLength": mediation.MaxQuery}),
			queryParam("overdue", "only cases past a deadline now", map[string]any{"type": "boolean"}),
			queryParam("before", "the cursor: the next field of the previous page", str()),
			queryParam("limit", "the page size", integer(1, work.MaxPage)),
		}, status: 200, resp: pageJSON{}, errors: errListing},
		{method: "GET", path: "/api/v1/cases/{id}", tag: "cases", summary: "A case, with personal data masked unless the actor may see it.", params: []param{caseID}, status: 200, resp: caseJSON{}, etag: true, errors: errRead},
		{method: "GET", path: "/api/v1/cases/by-number/{number}", tag: "cases", summary: "The case of the actor's township with this number (案号), as GET /api/v1/cases/{id} answers it. The number is read as people type it: 古调〔2026〕58号, or with the year in () [] （） 【】, spaces, full-width digits, 第 before the sequence, or no 号. One that does not read is 400 naming the field number; one given to no case is 404, as one the actor may not see is.", params: []param{pathParam("number", "the case's number, e.g. 古调〔2026〕58号, percent-encoded")}, status: 200, resp: caseJSON{}, etag: true, errors: errRead},
		{method: "GET", path: "/api/v1/cases/{id}/timeline", tag: "cases", summary: "The case's hash-chained timeline, oldest first.", params: []param{caseID}, status: 200, resp: timelineJSON{}, errors: errRead},
		{method: "GET", path: "/api/v1/cases/{id}/file", tag: "cases", summary: "The case's file (卷宗): the items the Ministry of Justice's formats set, in their order, each present (made from the case and the timeline events named), missing, or not applicable, and whether the Ministry requires it of this case, with those missing that keep it from being closed (lacking). With ?format=html, the whole file as one printable A4 HTML document: a cover, the contents (卷内目录) with each item's status, then each item present, and the back cover. Parties masked as in the case.", params: []param{caseID,
			queryParam("format", "json, the default, for the items; html for the printable file", map[string]any{"type": "string", "enum": []string{"json", "html"}}),
		}, status: 200, resp: withHTML{caseFileJSON{}}, errors: errRead},
		{method: "GET", path: "/api/v1/cases/{id}/rights-notice", tag: "cases", summary: "The case's notice of rights and duties (人民调解权利义务告知书), from the People's Mediation Law, as a printable A4 HTML page naming the township's mediation committee: each party's receipt line is blank to sign on until the notice is recorded as given (POST /api/v1/cases/{id}/rights), then says how and when. Parties masked as in the case.", params: []param{caseID}, status: 200, resp: htmlBody{}, etag: true, errors: errRead},
		{method: "GET", path: "/api/v1/cases/{id}/agreement", tag: "cases", summary: "The case's written agreement as a printable people's mediation agreement (人民调解协议书): the draft when there is one, with blank lines for the marks, else the agreement in effect; 404 when there is neither. An A4 HTML page with a print stylesheet, or plain text with ?format=text or an Accept that prefers text/plain. Parties masked as in the case.", params: []param{caseID,
			queryParam("format", "text for plain text; html, the default, for the page", map[string]any{"type": "string", "enum": []string{"html", "text"}}),
		}, status: 200, resp: documentBody{}, etag: true, errors: errRead},
	}
	for _, a := range []struct {
		name, summary string
		body          any
		optional      bool
	}{
		{"accept", "Accepts the case for mediation (受理). Needs Accept at the handling cell.", noBodyJSON{}, true},
		{"reject", "Declines a registered case, with the reason and referral advice. Needs Review.", rejectionJSON{}, false},
		{"review", "Reviews an online application (审查): decision \"accept\" accepts it, as /accept does; \"reject\" declines it with the reason and referral advice, as /reject does.", reviewJSON{}, false},
		{"team", "Adds a participant to the 4+N team. Needs Mediate.", participantJSON{}, false},
		{"sessions", "Records a mediation session; planned names the planned session it was, which is then held (400 naming session.planned for none, 409 for one cancelled or held). Needs Mediate.", sessionJSON{}, false},
		{"sessions/planned", "Plans a session for a future time (within a year; at most twelve hours long) at a place, inviting team members and parties by their places on the case (400 naming team[i] or parties[i] for none there or one named twice; 400 naming start for a time not in the future), or with uid changes a planned one, raising its sequence (404 naming uid for none, 409 for one cancelled or held). Its invitation is served by GET /api/v1/cases/{id}/sessions.ics. The case must be accepted or in mediation. Needs Mediate.", sessionPlanJSON{}, false},
		{"agreement", "Records at once the agreement that ends mediation: an oral one as reached (art. 30), or a written one already signed by every party and the mediator and sealed. Needs Mediate.", agreementJSON{}, false},
		{"agreement/draft", "Drafts the written agreement, or revises the draft: its next revision, printed from GET /api/v1/cases/{id}/agreement and signed on paper. The parties' particulars are copied from the case, which must hold every one the agreement states (each missing one named). An agreement in effect is not revised (409): supersede it. Needs Mediate.", draftJSON{}, false},
		{"agreement/signing", "Records marks made on the printed draft: parties' marks (by the party, or an agent with special authorisation), the mediator's signature, the committee's seal, as they are made or all at once. With the last of them the draft takes effect, and an agreement it supersedes is superseded. Marks on an earlier revision, or on a draft whose parties were corrected since, are 409. Needs Mediate.", signingJSON{}, false},
		{"agreement/supersede", "Begins a new written agreement to replace the one in effect, for the reason given: a draft that supersedes it when signed in full. Needs Mediate.", supersedeJSON{}, false},
		{"corrections", "Corrects the facts and the parties' particulars registered (every party of a side, in order; none added or removed), with the reason; the timeline records each field before and after, masked for those who may not see personal data. Needs Mediate, and ViewPersonal to correct parties.", correctionJSON{}, false},
		{"fail", "Records that mediation failed and where the parties were pointed. Needs Mediate.", failureJSON{}, false},
		{"withdraw", "Records that the applicant withdrew. Needs Mediate, or the applicant.", reasonJSON{}, false},
		{"escalate", "Submits the case to the level above for review (呈报审核). Needs Escalate.", reasonJSON{}, false},
		{"approve", "Takes over a case submitted from below. Needs ApproveEscalation at the cell it was submitted to.", noBodyJSON{}, true},
		{"return", "Returns a case submitted from below, with instructions. Needs ApproveEscalation there.", returnJSON{}, false},
		{"transfer", "Hands the case to another cell of the township. Needs Transfer.", transferJSON{}, false},
		{"transfer-out", "Hands the case to a body outside the grid, with a record. Needs Transfer.", outsideBodyJSON{}, false},
		{"extend", "Gives the case more time, with both parties' consent. Needs Mediate.", extendJSON{}, false},
		{"suspend", "Stops mediation while a party is awaited (中止), for the reason given: until resumed, the time to resolve does not run and the case is not overdue. A case not accepted or in mediation, or suspended already, is 409. Needs Mediate.", reasonJSON{}, false},
		{"resume", "Takes up a suspended case's mediation again: resolve_due moves by exactly the time it stood still. A case not suspended is 409. Needs Mediate.", noBodyJSON{}, true},
		{"risks", "Records new risks, which raise the grade at once. Needs Mediate.", risksJSON{}, false},
		{"follow-ups", "Records a visit after the agreement (回访): whether it is performed, and each party's satisfaction. An unknown satisfaction, or more answers than parties, is 400. Needs Mediate.", followUpJSON{}, false},
		{"reopen", "Takes an agreed case back to mediation, for the reason given, when its last follow-up visit found the agreement not performed or a party unsatisfied; it gets a fresh resolve_due. Any other case, a closed one among them, is 409. Needs Mediate.", reasonJSON{}, false},
		{"rights", "Records that the notice of rights and duties (人民调解权利义务告知书, GET /api/v1/cases/{id}/rights-notice) was given to the parties named, as they are named on the case, in writing or orally, at the time given or now. A party may be given it again; each giving is kept. A name that is not a party's, or is named twice, is 400 naming it (parties[i]); a closed or rejected case is 409. Needs Mediate.", rightsJSON{}, false},
		{"close", "Closes a case that has an outcome and a complete file. A file that lacks a required item (GET /api/v1/cases/{id}/file) is 409 with code conflict, listing the names of the items missing in error.missing, e.g. [\"权利义务告知书\", \"当事人身份证明\"]. Needs Close.", closeJSON{}, true},
	} {
		ops = append(ops, operation{
			method: "POST", path: "/api/v1/cases/{id}/" + a.name, tag: "case actions",
			summary: a.summary + " Applies to the version named by If-Match, if any.",
			params:  []param{caseID, ifMatchParam}, body: a.body, bodyOptional: a.optional,
			status: 200, resp: caseJSON{}, etag: true, errors: errAction,
		})
	}
	ops = append(ops,
		operation{method: "POST", path: "/api/v1/cases/{id}/sessions/planned/{uid}/cancel", tag: "case actions", summary: "Cancels a planned session with the reason, raising its sequence: its invitation (GET /api/v1/cases/{id}/sessions.ics?session={uid}) becomes METHOD:CANCEL. 404 naming uid for no such session; 409 for one cancelled or held already. Needs Mediate. Applies to the version named by If-Match, if any.", params: []param{caseID, pathParam("uid", "the planned session's UID, percent-encoded"), ifMatchParam}, body: reasonJSON{}, status: 200, resp: caseJSON{}, etag: true, errors: errAction},
		operation{method: "GET", path: "/api/v1/cases/{id}/sessions.ics", tag: "cases", summary: "The invitations to the case's planned sessions as an iCalendar object (RFC 5545, text/calendar): a VEVENT for each, with its UID, DTSTAMP, DTSTART and DTEND in UTC, SUMMARY 调解会：and the case's number, LOCATION, SEQUENCE, STATUS, the member who planned it as ORGANIZER and an ATTENDEE for each team member and party invited (CN their name; a tel: address for a phone shown, else one under the reserved .invalid domain). Without session, every session not cancelled, as METHOD:REQUEST; with session, that one alone, METHOD:CANCEL if it was cancelled (404 naming session for none). Parties masked as in the case.", params: []param{caseID,
			queryParam("session", "the UID of one planned session", str()),
		}, status: 200, resp: calendarBody{}, etag: true, errors: errRead},
		operation{method: "POST", path: "/api/v1/cases/{id}/attachments", tag: "attachments", summary: "Attaches a file to the case, or to one of its sessions, agreement revisions or follow-up visits (of), as multipart/form-data: the parts file, kind and of, read as they arrive. The file is taken for what its content is: one that is none of the types taken, names itself what it is not, is damaged or incomplete, or declares more pixels than a photo has (an image bomb) is 400 naming file, as a body that is not multipart/form-data, holds no file or two, or breaks off is; a body past the limit is cut off, 413. The timeline records the file's SHA-256. Needs Mediate at the handling cell, and ViewPersonal there for an identity document; the applicant may add photos and evidence to their online application until it is accepted. A deployment that keeps no files answers 501. Applies to the version named by If-Match, if any.", params: []param{caseID, ifMatchParam}, body: uploadBody{}, status: 201, resp: attachmentJSON{}, errors: []int{400, 401, 403, 404, 409, 412, 413, 500, 501, 503}},
		operation{method: "GET", path: "/api/v1/cases/{id}/attachments/{aid}", tag: "attachments", summary: "The bytes of a file attached to the case, as stored, in their type, shown in the browser (inline) under a policy that runs nothing in them, never cached (Cache-Control: private, no-store). An identity document is not found for those who may not see the parties unmasked, as it is not listed on the case for them. The ETag is the SHA-256; an If-None-Match naming it is 304. A deployment that keeps no files answers 501.", params: []param{caseID, attachmentID}, status: 200, resp: fileBody{attachmentTypes}, served: true, errors: []int{401, 404, 500, 501}},
		operation{method: "GET", path: "/api/v1/cases/{id}/attachments/{aid}/thumbnail", tag: "attachments", summary: "The thumbnail of a photo attached to the case: a JPEG of at most 320 px, served as the file is. A PDF has none: 404.", params: []param{caseID, attachmentID}, status: 200, resp: fileBody{[]string{attachment.JPEG}}, served: true, errors: []int{401, 404, 500, 501}},

		operation{method: "GET", path: "/api/v1/cases/{id}/duplicates", tag: "cases", summary: "The cases likely the same dispute as this one, received through another channel or again (at most ten, best first), each masked as GET /api/v1/cases/{id} masks it for the caller and with the reasons it was found, in Chinese: their facts are alike and they share a party's phone or ID number, or a party's name and the same or a neighbouring cell, registered within 30 days of each other. Cases the caller may not see, linked duplicates and pairs kept apart are not offered; a linked duplicate or an ended case has none. Needs View.", params: []param{caseID}, status: 200, resp: duplicatesJSON{}, errors: errRead},
		operation{method: "POST", path: "/api/v1/cases/{id}/duplicate-of", tag: "case actions", summary: "Links the case, as the same dispute received again, to the case named by into, which stays the case: this one is closed (duplicate_of) and counts in no figure; into records the arrival's channel and first responder (also_received). Both timelines record it, and a retry completes a link made half. 400 naming into for this case itself or one of another township, 404 naming into for one the caller may not see; 409 for a case not open, already linked elsewhere, or into being itself a duplicate. Needs to be the member who registered the case, or Dedupe (the duty officer). Applies to the version named by If-Match, if any.", params: []param{caseID, ifMatchParam}, body: duplicateOfJSON{}, status: 200, resp: caseJSON{}, etag: true, errors: errAction},
		operation{method: "POST", path: "/api/v1/cases/{id}/kept-apart", tag: "case actions", summary: "Decides that the case named by other is not the same dispute, for the reason given (required; 400 naming reason): neither is offered again as a duplicate of the other. 400 naming other for this case itself, 404 naming other for one the caller may not see; 409 for a linked duplicate or a pair already kept apart. Needs to be the member who registered the case, or Dedupe (the duty officer). Applies to the version named by If-Match, if any.", params: []param{caseID, ifMatchParam}, body: keptApartJSON{}, status: 200, resp: caseJSON{}, etag: true, errors: errAction},

		operation{method: "GET", path: "/api/v1/privacy-notice", tag: "public", summary: "The privacy notice (个人信息处理告知) an online application consents to, in Chinese, with its version. Anonymous.", public: true, status: 200, resp: privacyNoticeJSON{}, errors: []int{401, 500}},
		operation{method: "POST", path: "/api/v1/track/resend", tag: "public", summary: "Sends a resident who lost their tracking code the codes and numbers of the open cases applied for with this phone, to that phone (through the notifiers: a township's SMS gateway behind the webhook), at most a few times a day. Always 202 with the same message, whether or not any case was applied for with it; 400 naming phone for what is not a mainland mobile number. Anonymous; rate-limited per client address.", public: true, body: resendJSON{}, status: 202, resp: resendAnswerJSON{}, errors: []int{400, 401, 429, 500}},
		operation{method: "GET", path: "/api/v1/track/{code}", tag: "public", summary: "Where a case stands, by its tracking code: state, grade, the handling cell's name and dates — no personal data. Anonymous; rate-limited per client address.", public: true, params: []param{pathParam("code", "the case's tracking code")}, status: 200, resp: trackJSON{}, errors: []int{401, 404, 429, 500}},

		operation{method: "POST", path: "/api/v1/hazards", tag: "hazards", feature: "hazards", summary: "Reports a safety hazard (吹哨). Staff, or residents online; honours Idempotency-Key.", params: []param{idempotencyParam}, body: hazardReportJSON{}, status: 201, resp: hazardJSON{}, etag: true, errors: errCreate},
		operation{method: "GET", path: "/api/v1/hazards", tag: "hazards", feature: "hazards", summary: "The hazards the actor may see, newest first, a page at a time.", params: []param{
			queryParam("state", "only hazards in these states; repeat the parameter or separate with commas", enumOf("hazard_state")),
			queryParam("category", "only hazards of this category", str()),
			queryParam("grade", "only hazards of this grade", enumOf("grade")),
			queryParam("overdue", "only hazards past a deadline now", map[string]any{"type": "boolean"}),
			queryParam("before", "the cursor: the next field of the previous page", str()),
			queryParam("limit", "the page size", integer(1, work.MaxPage)),
		}, status: 200, resp: hazardPageJSON{}, errors: errListing},
		operation{method: "GET", path: "/api/v1/hazards/{id}", tag: "hazards", feature: "hazards", summary: "A hazard, with the reporter's contact masked unless the actor may see it.", params: []param{hazardID}, status: 200, resp: hazardJSON{}, etag: true, errors: errRead},
		operation{method: "GET", path: "/api/v1/hazards/{id}/timeline", tag: "hazards", feature: "hazards", summary: "The hazard's hash-chained timeline, oldest first.", params: []param{hazardID}, status: 200, resp: timelineJSON{}, errors: errRead},
		operation{method: "POST", path: "/api/v1/hazards/{id}/rectify", tag: "hazards", feature: "hazards", summary: "Records the rectification (整改). Needs Rectify at the handling cell.", params: []param{hazardID, ifMatchParam}, body: rectificationJSON{}, status: 200, resp: hazardJSON{}, etag: true, errors: errAction},
		operation{method: "POST", path: "/api/v1/hazards/{id}/verify", tag: "hazards", feature: "hazards", summary: "Records the upper post's verification (验收). Needs Verify at the parent of the handling cell.", params: []param{hazardID, ifMatchParam}, body: verificationJSON{}, status: 200, resp: hazardJSON{}, etag: true, errors: errAction},
		operation{method: "POST", path: "/api/v1/hazards/{id}/reopen", tag: "hazards", feature: "hazards", summary: "Reopens a rectified hazard: its verification failed, with the verifier's notes. Needs Verify at the parent of the handling cell.", params: []param{hazardID, ifMatchParam}, body: reopenJSON{}, status: 200, resp: hazardJSON{}, etag: true, errors: errAction},
		operation{method: "POST", path: "/api/v1/hazards/{id}/convert", tag: "hazards", feature: "hazards", summary: "Turns a dispute lead into a mediation case. Needs Register at the handling cell.", params: []param{hazardID, ifMatchParam}, body: conversionJSON{}, status: 200, resp: conversionOutJSON{}, etag: true, errors: errAction},
		operation{method: "POST", path: "/api/v1/hazards/{id}/attachments", tag: "attachments", feature: "hazards", summary: "Attaches a file to the hazard as found, or to one of its rectifications (of rectification:N, the after-photos) or verifications (verification:N), as multipart/form-data: the parts file, kind and of, read as they arrive, and the file taken for what its content is, as a case's is (400 naming file, 413 past the limit). A hazard takes photos, evidence, proof of performance and other files: an identity document or a signed agreement is 400 naming kind; a part it does not have is 400 naming of. The timeline records the file's SHA-256. Needs Rectify at the handling cell, or Verify at its parent for a verification's file; the resident who reported it online may add photos and evidence to the hazard as found until it is rectified or reopened. A closed hazard takes only the files of the verification that closed it, a converted one none: 409. A deployment that keeps no files answers 501. Applies to the version named by If-Match, if any.", params: []param{hazardID, ifMatchParam}, body: uploadBody{}, status: 201, resp: attachmentJSON{}, errors: []int{400, 401, 403, 404, 409, 412, 413, 500, 501, 503}},
		operation{method: "GET", path: "/api/v1/hazards/{id}/attachments/{aid}", tag: "attachments", feature: "hazards", summary: "The bytes of a file attached to the hazard, as stored, in their type, to those who may see the hazard: shown in the browser (inline) under a policy that runs nothing in them, never cached (Cache-Control: private, no-store). The ETag is the SHA-256; an If-None-Match naming it is 304. A deployment that keeps no files answers 501.", params: []param{hazardID, hazardAttachmentID}, status: 200, resp: fileBody{attachmentTypes}, served: true, errors: []int{401, 404, 500, 501}},
		operation{method: "GET", path: "/api/v1/hazards/{id}/attachments/{aid}/thumbnail", tag: "attachments", feature: "hazards", summary: "The thumbnail of a photo attached to the hazard: a JPEG of at most 320 px, served as the file is. A PDF has none: 404.", params: []param{hazardID, hazardAttachmentID}, status: 200, resp: fileBody{[]string{attachment.JPEG}}, served: true, errors: []int{401, 404, 500, 501}},

		operation{method: "GET", path: "/api/v1/stats/summary", tag: "statistics", feature: "stats", summary: "A period's figures for a cell's subtree, or a range of days' (from, to), with the period before (环比) and the same period a year earlier (同比), like for like: while the period is in progress (partial) its elapsed part is compared with the same span of the others — 1 to 3 December up to now with 1 to 3 November up to the same time of day — clamped where a base is shorter (the 31st against a 30-day month: all of it); an ended period whole against whole. A range is compared with as many days before it and the same dates a year earlier. A rate's value is absent when its denominator is 0. Needs ViewStats at the cell.", params: summaryQuery, status: 200, resp: reportJSON{}, errors: errRead},
		operation{method: "GET", path: "/api/v1/stats/series", tag: "statistics", feature: "stats", summary: "A measure over n periods ending with the one holding at, each with 环比 and 同比. Needs ViewStats at the cell.", params: []param{cellQuery,
			{name: "measure", in: "query", desc: "what to count", schema: enumOf("measure"), required: true},
			periodQuery, atQuery, queryParam("n", "how many periods", integer(1, 400))}, status: 200, resp: seriesJSON{}, errors: errRead},
		operation{method: "GET", path: "/api/v1/stats/tracking", tag: "statistics", feature: "stats", summary: "The tracking view (跟踪问效): the deadlines at risk or overdue in a cell's subtree, a page at a time, the earliest due first, with how many of each kind are at risk and overdue in the whole view. Needs Track at the cell.", params: []param{cellQuery, atQuery,
			queryParam("overdue", "true leaves the deadlines only at risk out of the page (not out of the counts)", map[string]any{"type": "boolean"}),
			queryParam("after", "the cursor of the page: next of the page before", str()),
			queryParam("limit", "the page's length", integer(1, work.MaxPage))}, status: 200, resp: trackingJSON{}, errors: errRead},

		operation{method: "GET", path: "/api/v1/notifications/failures", tag: "watch", feature: "notifications", summary: "The notifications of the actor's township that did not get through — given up on, or failing and to be tried again — newest first. Needs Track at the township.", params: []param{
			queryParam("limit", "how many at most", integer(1, maxWatch))}, status: 200, resp: failuresJSON{}, errors: []int{400, 401, 403, 500}},
		operation{method: "GET", path: "/api/v1/inbox", tag: "watch", feature: "inbox", summary: "The messages the township's chat channel (WeCom) received, in one status, newest first, as they came — personal data included. Needs Review and ViewPersonal at the township.", params: []param{
			queryParam("status", "what became of them: failed (the default) for those to register by hand, incomplete for those whose sender was asked for what was missing", enumOf("inbox_status")),
			queryParam("limit", "how many at most", integer(1, maxWatch))}, status: 200, resp: inboxJSON{}, errors: []int{400, 401, 403, 500}},
	)
	ops = append(ops, exportOperations(ops)...)
	return ops
}

// The parameters several operations share.
var (
	idempotencyParam    = param{name: "Idempotency-Key", in: "header", desc: "makes a retry return the record the first request created; scoped to the actor", schema: map[string]any{"type": "string", "maxLength": maxIdempotencyKey}}
	applicationKeyParam = param{name: "Idempotency-Key", in: "header", desc: "required of an anonymous caller, 16 to 128 printable ASCII characters: stands for the applicant, and makes a retry return the case the first request created", schema: map[string]any{"type": "string", "minLength": 1, "maxLength": maxIdempotencyKey}}
	ifMatchParam        = param{name: "If-Match", in: "header", desc: "the ETag of the version the action applies to; a stale one is 412", schema: str()}
	cellQuery           = param{name: "cell", in: "query", desc: "the cell whose subtree is counted", schema: str(), required: true}
	periodQuery         = queryParam("period", "the length of a period (month by default)", enumOf("period"))
	atQuery             = queryParam("at", "a time in the period wanted, RFC 3339 (now by default)", map[string]any{"type": "string", "format": "date-time"})
	// summaryQuery are the parameters of /stats/summary and its workbooks,
	// as summaryParams reads them.
	summaryQuery = []param{cellQuery, periodQuery, atQuery,
		queryParam("from", "the first day of a range of days, instead of period and at", map[string]any{"type": "string", "format": "date"}),
		queryParam("to", "the last day of the range, inclusive; at most 400 days from from", map[string]any{"type": "string", "format": "date"})}
)

// openAPIDoc stands for the document itself in its own description.
type openAPIDoc struct{}

// enums returns the enumerations the document names, from the domain's
// own stable names wherever it has them.
func enums() map[string][]string {
	var channels, grades, states, departments, places, roles, periods, hazardStates, risks []string
	for c := work.Channel(1); c.Valid(); c++ {
		channels = append(channels, c.String())
	}
	for g := work.Grade(1); g.Valid(); g++ {
		grades = append(grades, g.String())
	}
	for _, s := range mediation.States() {
		states = append(states, s.String())
	}
	for d := grid.Department(1); ; d++ {
		if _, err := grid.ParseDepartment(d.String()); err != nil {
			break
		}
		departments = append(departments, d.String())
	}
	for p := mediation.Place(1); ; p++ {
		if _, err := mediation.ParsePlace(p.String()); err != nil {
			break
		}
		places = append(places, p.String())
	}
	var sexes, agentKinds, authorities, agreementStates, fileStatuses []string
	for x := mediation.SexUnstated; ; x++ {
		if _, err := mediation.ParseSex(x.String()); err != nil {
			break
		}
		sexes = append(sexes, x.String())
	}
	for st := mediation.FilePresent; st <= mediation.FileNotApplicable; st++ {
		fileStatuses = append(fileStatuses, st.String())
	}
	for st := mediation.Draft; st <= mediation.Superseded; st++ {
		agreementStates = append(agreementStates, st.String())
	}
	for k := mediation.AgentKind(1); ; k++ {
		if _, err := mediation.ParseAgentKind(k.String()); err != nil {
			break
		}
		agentKinds = append(agentKinds, k.String())
	}
	for a := mediation.Authority(1); ; a++ {
		if _, err := mediation.ParseAuthority(a.String()); err != nil {
			break
		}
		authorities = append(authorities, a.String())
	}
	for _, r := range grid.Roles() {
		roles = append(roles, r.String())
	}
	for p := stats.Day; p <= stats.Year; p++ {
		periods = append(periods, p.String())
	}
	for _, s := range hazard.States() {
		hazardStates = append(hazardStates, s.String())
	}
	for i := range 8 {
		if n := mediation.RiskFlags(1 << i).String(); n != "" {
			risks = append(risks, n)
		}
	}
	measures := []stats.Measure{
		stats.Registered, stats.Accepted, stats.Agreed, stats.Failed, stats.Withdrawn, stats.Rejected, stats.TransferredOut,
		stats.Escalated, stats.Outside, stats.RoutingDue, stats.RoutedOnTime, stats.Open, stats.Pending, stats.Participants,
		stats.Asked, stats.Content, stats.Recurred, stats.HazardsFound, stats.HazardsRectified, stats.HazardsOnTheSpot, stats.HazardsClosed, stats.HazardsConverted,
	}
	var inboxStatusNames []string
	for _, st := range inbox.Statuses() {
		inboxStatusNames = append(inboxStatusNames, string(st))
	}
	var measureNames []string
	for _, m := range measures {
		measureNames = append(measureNames, string(m))
	}
	return map[string][]string{
		"error_code":      errorCodes,
		"sex":             sexes,
		"outcome":         outcomeNames[1:],
		"form":            formNames[1:],
		"mark":            markNames[1:],
		"agent_kind":      agentKinds,
		"authority":       authorities,
		"agreement_state": agreementStates,
		"file_status":     fileStatuses,
		"rights_manner":   rightsMannerNames(),
		"channel":         channels,
		"source":          {string(work.SourceOwn), string(work.SourceApplication), string(work.SourceReferral)},
		"risk":            risks,
		"grade":           grades,
		"state":           states,
		"department":      departments,
		"place":           places,
		"route":           {string(mediation.RouteLitigation), string(mediation.RouteArbitration), string(mediation.RoutePolice), string(mediation.RouteAdministration)},
		"role":            roles,
		"period":          periods,
		"measure":         measureNames,
		"hazard_state":    hazardStates,
		"deadline_kind": {
			string(mediation.AcceptBy), string(mediation.ResolveBy), string(mediation.FollowUpBy), string(mediation.CourtConfirmBy),
			string(mediation.ReviewEscalated), string(hazard.RectifyBy), string(hazard.VerifyBy),
		},
		"deadline_status":   {string(work.OnTime), string(work.AtRisk), string(work.Overdue)},
		"subject_kind":      {work.SubjectCase, work.SubjectHazard},
		"notification_kind": {string(work.NoticeProgress), string(work.NoticeTask), string(work.NoticeReminder), string(work.NoticeOverdue), string(work.NoticeAlert)},
		"delivery_state":    {string(outbox.Pending), string(outbox.Delivered), string(outbox.Failed)},
		"inbox_status":      inboxStatusNames,
		"attachment_kind":   attachmentKindNames(),
		"attachment_type":   attachmentTypes,
	}
}

// attachmentKindNames are the stable names of the kinds of attachment.
func attachmentKindNames() []string {
	var names []string
	for k := attachment.Photo; k.Valid(); k++ {
		names = append(names, k.String())
	}
	return names
}

// rightsMannerNames are the stable names of the manners of giving the
// notice of rights.
func rightsMannerNames() []string {
	names := make([]string, len(rightsManners))
	for i, m := range rightsManners {
		names[i] = m.String()
	}
	return names
}

// document returns the OpenAPI document of the routes s serves.
func (s *server) document() map[string]any {
	sc := &schemaSet{components: map[string]any{}, enums: enums()}
	errorSchema := sc.of(reflect.TypeFor[errorJSON]())
	paths := map[string]any{}
	for _, op := range operations() {
		if !s.serves(op.feature) {
			continue
		}
		o := map[string]any{
			"tags":        []string{op.tag},
			"summary":     op.summary,
			"operationId": operationID(op),
		}
		if op.public {
			o["security"] = []any{map[string]any{}, map[string]any{"bearer": []string{}}}
		}
		var params []any
		for _, p := range op.params {
			pm := map[string]any{"name": p.name, "in": p.in, "description": p.desc, "schema": p.schema}
			if p.required {
				pm["required"] = true
			}
			params = append(params, pm)
		}
		if params != nil {
			o["parameters"] = params
		}
		switch b := op.body.(type) {
		case nil:
		case fileBody:
			o["requestBody"] = map[string]any{"required": true, "content": files(b)}
		case uploadBody:
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{"schema": map[string]any{
				"type": "object", "required": []string{"file", "kind"},
				"properties": map[string]any{
					"file": map[string]any{"type": "string", "format": "binary", "description": fmt.Sprintf("one JPEG, PNG or WebP photo or PDF document of at most %d MB, taken for what its content is, whatever its name or type says; a photo is kept upright without its EXIF (a WebP one as a JPEG), a HEIC one refused", attachment.DefaultLimits.MaxBytes>>20)},
					"kind": enumOf("attachment_kind"),
					"of":   map[string]any{"type": "string", "pattern": `^((session|agreement|followup):[1-9][0-9]{0,3})?$`, "description": "the part of the case it belongs to: session:N, agreement:N (a revision) or followup:N; none for the case itself"},
				},
			}}}}
		default:
			o["requestBody"] = map[string]any{
				"required": !op.bodyOptional,
				"content":  map[string]any{"application/json": map[string]any{"schema": sc.of(reflect.TypeOf(op.body))}},
			}
		}
		responses := map[string]any{}
		ok := map[string]any{"description": http.StatusText(op.status)}
		headers := map[string]any{}
		switch r := op.resp.(type) {
		case noContent:
		case fileBody:
			ok["content"] = files(r)
			headers["Content-Disposition"] = map[string]any{"description": "the file's name", "schema": str()}
		case textBody:
			ok["content"] = map[string]any{"text/plain": map[string]any{"schema": str()}}
		case documentBody:
			ok["content"] = map[string]any{"text/html": map[string]any{"schema": str()}, "text/plain": map[string]any{"schema": str()}}
		case htmlBody:
			ok["content"] = map[string]any{"text/html": map[string]any{"schema": str()}}
		case calendarBody:
			ok["content"] = map[string]any{"text/calendar": map[string]any{"schema": str()}}
		case withHTML:
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": sc.of(reflect.TypeOf(r.json))}, "text/html": map[string]any{"schema": str()}}
		case openAPIDoc:
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}
		default:
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": sc.of(reflect.TypeOf(op.resp))}}
		}
		if op.served {
			headers["ETag"] = map[string]any{"description": "the SHA-256 of the bytes, in hex, quoted", "schema": map[string]any{"type": "string", "pattern": `^"[0-9a-f]{64}"$`}}
			for _, h := range []string{"Cache-Control", "Content-Security-Policy", "X-Content-Type-Options"} {
				headers[h] = map[string]any{"schema": str()}
			}
			responses["304"] = map[string]any{"description": "the If-None-Match named the ETag: the client holds these bytes"}
		}
		if op.etag {
			headers["ETag"] = map[string]any{"description": "the record's version, quoted", "schema": map[string]any{"type": "string", "pattern": `^"[0-9]+"$`}}
		}
		if op.status == http.StatusCreated {
			headers["Location"] = map[string]any{"description": "where the new record lives", "schema": str()}
		}
		if len(headers) > 0 {
			ok["headers"] = headers
		}
		responses[strconv.Itoa(op.status)] = ok
		for _, st := range op.errors {
			r := map[string]any{
				"description": http.StatusText(st),
				"content":     map[string]any{"application/json": map[string]any{"schema": errorSchema}},
			}
			switch st {
			case http.StatusUnauthorized:
				r["headers"] = map[string]any{"WWW-Authenticate": map[string]any{"schema": str()}}
			case http.StatusTooManyRequests, http.StatusServiceUnavailable:
				r["headers"] = map[string]any{"Retry-After": map[string]any{"description": "the seconds to wait before trying again", "schema": str()}}
			}
			responses[strconv.Itoa(st)] = r
		}
		o["responses"] = responses
		item, _ := paths[op.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[op.path] = item
		}
		item[strings.ToLower(op.method)] = o
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":   "fourplusn",
			"version": "1.0.0",
			"description": "The JSON API of a township's 4+N dispute mediation and grid governance: the grid, dispute cases, " +
				"safety hazards, statistics and the grid's administration. Errors are {\"error\": {\"code\", \"message\", \"field\", \"fields\"}}: " +
				"invalid input lists every field at fault at once in fields ([{\"field\", \"message\"}], the first also as field), " +
				"and a required member left out or a member given twice in one object is such a fault; the open work in the way (items) " +
				"or a roster file's problems (problems) are listed where there are some, and a case not closed for an incomplete file lists the items it lacks (missing). Money is in fen; times are RFC 3339 in UTC.",
		},
		// The paths are relative to the server, the handler's base path.
		"servers":  []any{map[string]any{"url": cmp.Or(s.cfg.BasePath, "/")}},
		"security": []any{map[string]any{"bearer": []string{}}},
		"paths":    paths,
		"components": map[string]any{
			"schemas": sc.components,
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer", "description": "a token issued by the deployment (TokenAuth: fpn_…)"},
			},
		},
	}
}

// files is the content of a file body: any bytes, in each of its types.
func files(b fileBody) map[string]any {
	content := map[string]any{}
	for _, t := range b.types {
		content[t] = map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
	}
	return content
}

// operationID names an operation: its method and path in camel case.
func operationID(op operation) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(op.method))
	for part := range strings.FieldsFuncSeq(strings.TrimPrefix(op.path, apiPrefix), func(r rune) bool { return r == '/' || r == '-' || r == '.' }) {
		if strings.HasPrefix(part, "{") {
			part = "by" + strings.Trim(part, "{}")
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// schemaSet turns Go types into JSON schemas, structs into components.
type schemaSet struct {
	components map[string]any
	enums      map[string][]string
}

// of returns the schema of t: a reference for a struct.
func (sc *schemaSet) of(t reflect.Type) map[string]any {
	switch t {
	case reflect.TypeFor[timestamp](), reflect.TypeFor[time.Time](), reflect.TypeFor[instant]():
		return map[string]any{"type": "string", "format": "date-time"}
	case reflect.TypeFor[day]():
		return map[string]any{"type": "string", "format": "date"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return sc.of(t.Elem())
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": sc.of(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": sc.of(t.Elem())}
	case reflect.Struct:
		name := componentName(t)
		if _, done := sc.components[name]; !done {
			sc.components[name] = nil // placeholder: recursive types refer to it
			sc.components[name] = sc.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	panic(fmt.Sprintf("httpapi: no schema for %s", t))
}

// object returns the schema of struct type t. Besides enumerations and
// bounds, a field's oa tag may say when it is required beyond its json
// tag: when another member has a value (oa:"when=form:written"), as one
// of a group of which exactly one is given (oa:"either=where"), or, for a
// list of objects, which members each item must give (oa:"require=phone").
// These are rules the domain checks; the document states them so that a
// client learns them before it is refused.
func (sc *schemaSet) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	kinds := map[string]reflect.Kind{}
	var required []string
	when := map[string][]string{}   // "member:value" → the members required when member has value
	either := map[string][]string{} // group → its members, of which exactly one is given
	for _, f := range members(t) {
		name, req, _ := jsonMember(f)
		kinds[name] = f.Type.Kind()
		schema := sc.of(f.Type)
		if d := f.Tag.Get("desc"); d != "" {
			schema = maps.Clone(schema)
			schema["description"] = d
		}
		var bounds []string
		for kv := range strings.SplitSeq(f.Tag.Get("oa"), ",") {
			switch k, v, _ := strings.Cut(kv, "="); k {
			case "":
			case "when":
				when[v] = append(when[v], name)
			case "either":
				either[v] = append(either[v], name)
			case "require":
				schema = map[string]any{"type": "array", "items": map[string]any{
					"allOf": []any{sc.of(f.Type.Elem()), map[string]any{"required": strings.Split(v, "+")}},
				}}
			default:
				bounds = append(bounds, kv)
			}
		}
		if len(bounds) > 0 {
			schema = sc.bounded(f.Type, schema, bounds)
		}
		props[name] = schema
		if req {
			required = append(required, name)
		}
	}
	o := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	var all []any
	for _, cond := range slices.Sorted(maps.Keys(when)) {
		member, value, _ := strings.Cut(cond, ":")
		var v any = value
		if kinds[member] == reflect.Bool {
			v = value == "true"
		}
		match := map[string]any{"enum": []any{v}}
		all = append(all, map[string]any{"anyOf": []any{
			map[string]any{"properties": map[string]any{member: match}, "required": when[cond]},
			map[string]any{"properties": map[string]any{member: map[string]any{"not": match}}},
		}})
	}
	for _, group := range slices.Sorted(maps.Keys(either)) {
		var one []any
		for _, name := range either[group] {
			one = append(one, map[string]any{"required": []string{name}})
		}
		all = append(all, map[string]any{"oneOf": one})
	}
	if len(all) > 0 {
		o["allOf"] = all
	}
	return o
}

// bounded returns schema, the schema of a field of type ft, with the
// enumeration and bounds of an oa tag (enum=name, min=n, max=n); for a
// list, its items get them.
func (sc *schemaSet) bounded(ft reflect.Type, schema map[string]any, bounds []string) map[string]any {
	target := maps.Clone(schema)
	schema = target
	if ft.Kind() == reflect.Slice {
		target = map[string]any{"type": "string"}
		schema = map[string]any{"type": "array", "items": target}
	}
	for _, kv := range bounds {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "enum":
			values, ok := sc.enums[v]
			if !ok {
				panic("httpapi: no enumeration " + v)
			}
			target["enum"] = values
		case "min":
			n, _ := strconv.Atoi(v)
			target["minimum"] = n
		case "max":
			n, _ := strconv.Atoi(v)
			target["maximum"] = n
		default:
			panic("httpapi: unknown oa tag " + k)
		}
	}
	return schema
}

// componentName names the component of a struct type: caseJSON is Case.
func componentName(t reflect.Type) string {
	n := strings.TrimSuffix(t.Name(), "JSON")
	return strings.ToUpper(n[:1]) + n[1:]
}
