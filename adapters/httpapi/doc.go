// Package httpapi serves fourplusn's domain services as a JSON API over
// HTTP, built on github.com/uptrace/bunrouter. [New] returns an
// http.Handler that an integrator mounts in their own server:
//
//	auth := httpapi.NewTokenAuth(tokens) // nil: in memory
//	h, err := httpapi.New(httpapi.Config{
//		Cases: cases, Stats: statistics, Hazards: hazards, Grid: grid,
//		Rosters: rosters, Accounts: accounts, // optional
//		Auth: auth, Logger: logger,
//	})
//	http.ListenAndServe(addr, h)
//
// # Mounting under a prefix
//
// A server of the integrator's own, with pages and routes of its own,
// mounts the API below a path of its choosing: Config.BasePath
// ("/township/api") is where the handler serves every route, and the
// integrator's http.ServeMux hands it what lies below:
//
//	h, err := httpapi.New(httpapi.Config{..., Auth: mySignIn, BasePath: "/township/api"})
//	mux.Handle("/township/api/", h)
//
// The answers' Location headers and the errors that point to another
// route name the full path; the OpenAPI document gives the base path as
// its server ("servers": [{"url": "/township/api"}], "/" without one), and
// its paths, relative to it, stay as below. The Authenticator is the
// integrator's too when they sign people in themselves: anything that
// turns a request into a grid.Actor (see Authentication, and
// Example_prefix). http.StripPrefix in front of a handler without a
// BasePath would serve the same routes, but its answers' locations and its
// document would not know the prefix.
//
// # Routes
//
// Everything lives under /api/v1, except GET /healthz, both below
// Config.BasePath if it is set. The OpenAPI 3 document at GET
// /api/v1/openapi.json lists every route with its parameters, bodies and
// responses; in short:
//
//   - the grid, for staff: the township's tree of cells, one cell, and the
//     members holding posts in a cell;
//   - the grid's administration, for those who hold ManageGrid (by default
//     the township's head and its admin post): cells added (POST
//     /grid/cells), renamed or moved (PATCH /grid/cells/{id}) and retired
//     with a cell to take their work over (POST /grid/cells/{id}/retire);
//     the township's members listed, read, added (POST /members), edited
//     (PATCH /members/{id}), granted and relieved of posts (POST
//     /members/{id}/posts, /posts/revoke, with a successor for their open
//     work) and deactivated (POST /members/{id}/deactivate); the
//     hash-chained administration log (GET /grid/log). Every change is the
//     grid's service's, which asks the policy itself, and the next request
//     reads the grid as changed;
//   - the township's roster, when Config.Rosters is set: exported as a
//     workbook (GET /grid/roster.xlsx), and a roster file sent back (POST
//     /grid/roster) answered with what it would change, then applied on
//     the base that answer gave if the grid has not changed since;
//   - accounts, when Config.Accounts is set: a member added is answered
//     with their one-time password, POST /members/{id}/password gives a
//     new one, deactivating a member disables their account, and GET
//     /tokens and DELETE /tokens/{id} list and revoke the caller's own API
//     tokens;
//   - cases: register (POST /cases, staff), apply online (POST
//     /applications, residents, with a resident's token or none: an
//     anonymous applicant is the Idempotency-Key they must send, in the
//     township of the location they must name), list with filters and cursor paging, get,
//     get by number (GET /cases/by-number/{number}: a case is known to
//     people by its number, 古调〔2026〕58号, which every answer carries,
//     and to URLs by its ID), the timeline, the case file (卷宗, in JSON
//     or, with ?format=html, printed whole), the printable notice of
//     rights and duties (GET /cases/{id}/rights-notice) and agreement,
//     and one POST route per action (review, accept,
//     reject, team, sessions, agreement, rights — the notice of rights and
//     duties given to parties — fail, withdraw, escalate, approve, return,
//     transfer, transfer-out, extend, suspend, resume, risks, follow-ups, reopen,
//     close);
//   - files attached to cases and to hazards, 501 when the service keeps
//     none (mediation.Service.KeepsFiles, hazard.Service.KeepsFiles):
//     POST /cases/{id}/attachments and /hazards/{id}/attachments take a
//     photo or a PDF as multipart/form-data (file, kind, of), read part by
//     part and taken for what its content is by attachment.Sanitize; GET
//     …/{id}/attachments/{aid} and …/thumbnail serve the bytes as
//     stored, with their SHA-256 as ETag (If-None-Match answers 304),
//     inline, sandboxed and never cached; the case and the hazard list
//     their attachments, a case's identity documents only to those who see
//     the parties unmasked;
//   - hazards, when Config.Hazards is set: report, list, get, timeline,
//     rectify, verify, reopen, convert, attachments;
//   - statistics: a period's summary (GET /stats/summary), a series, each
//     with 环比 and 同比, and the tracking view;
//   - the watch's lists: the township's notifications that did not get
//     through (GET /notifications/failures), when Config.Outbox is set,
//     and the messages its chat channel received, by status (GET /inbox),
//     when Config.Inbox is set;
//   - the public progress lookup GET /api/v1/track/{code}, which needs no
//     credentials and shows no personal data.
//
// # Conventions
//
// Every error is one JSON shape,
//
//	{"error": {"code": "invalid", "message": "…", "field": "applicants[0].phone",
//	  "fields": [{"field": "applicants[0].phone", "message": "…"}, {"field": "facts", "message": "required"}]}}
//
// where invalid input lists every field at fault at once in fields, the
// first of them also as field, and every fourplusn error code maps to one
// status in one table (invalid 400, unauthorized 401, forbidden 403,
// not_found 404, conflict 409, unavailable 503, internal 500); a 503 — the
// store cannot take the write now, its disk full, say — carries
// Retry-After. Internal errors are logged and shown only as "internal
// error". The transport adds its own codes for what only HTTP knows:
// precondition_failed 412, too_large 413, unsupported_media_type 415,
// too_many_requests 429, method_not_allowed 405, not_implemented 501 (a
// part of the API the deployment does not offer). A change of the grid
// refused because it would leave open cases or hazards behind (a cell
// retired without a takeover, a post revoked without a successor) is a
// 409 whose error lists them as "items" (kind, id, category, since,
// handling, accountable); a roster file that holds no valid roster is a
// 400 whose error lists every problem found as "problems" (sheet, row,
// column, message). A case whose file lacks a required item is not
// closed: a 409 (conflict) whose error lists the items' names as
// "missing" ("missing": ["权利义务告知书", "当事人身份证明"]).
//
// Request bodies, but for files sent (a roster, an attachment), are JSON objects of at most 1 MiB, sent as
// application/json, in valid UTF-8, with no unknown fields, no member
// given twice in one object and nothing after the value; every required
// member left out is named at once. The OpenAPI document marks required
// what the API refuses when it is missing. Enumerations travel as their stable names ("walk_in",
// "major"), money as integer fen, times as RFC 3339, written in UTC.
// Unknown query parameters are refused, as unknown fields are.
//
// Case and hazard responses carry an ETag, the record's version in quotes;
// an action sent with If-Match applies only to that version and answers
// 412 Precondition Failed when the record has moved on. Without If-Match an
// action applies to whatever is current. Creating POSTs (registering a
// case, an online application, a hazard report) honour an Idempotency-Key
// header, scoped to the actor: a retry with the same key and body returns
// the same record, the same key with another body is a 409.
//
// Personal data is masked by the domain services, which decide per actor;
// every case and hazard in a response comes from them.
//
// # Authentication
//
// An [Authenticator] turns a request into a grid.Actor. [TokenAuth] is the
// built-in one: bearer tokens ("Authorization: Bearer fpn_…"), of which only
// the SHA-256 digest ([HashToken]) is kept, in a [TokenStore]. The store is
// a small interface so that a server can keep the digests in its own
// database and tokens survive restarts; [MemoryTokens] keeps them in
// memory. A server that issues tokens outside a running API (a command
// line, say) makes one with [NewToken] and stores [HashToken] of it with the
// actor; [BearerToken] reads the header for an Authenticator of its own.
// No credentials at all is the anonymous actor; credentials that are
// present but wrong, revoked or malformed are a 401. A member of staff
// acts with their posts as the grid has them at each request, whatever
// the Authenticator returned: a post granted counts from the next request,
// and a member deactivated is refused with a 401. Anonymous requests
// to routes that need an actor answer 401 too; 403 is a known actor
// without the right, and 404 answers where a 403 would reveal that a
// record exists. The anonymous routes (the progress lookup and the online
// applications) are rate-limited per client address; a member of staff is
// refused the online applications with a 403 pointing to POST /cases.
package httpapi
