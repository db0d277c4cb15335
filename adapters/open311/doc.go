// Package open311 serves the township's disputes and safety hazards over
// Open311 GeoReport v2 (the published spec), in XML and JSON, so that
// partner systems such as a 12345 hotline hand them in without retyping
// them, and the public may report a hazard where the township allows.
//
// Each dispute category of the mediation rules is a service of the group
// 矛盾纠纷, coded "dispute." and the category ("dispute.neighbour"), and,
// with Config.Hazards, each hazard category of the hazard rules one of
// the group 安全隐患, coded "hazard." and the category ("hazard.fire"):
// both sets are the township's own and both have an "other", so the
// prefix keeps their codes apart. A dispute service asks the other party
// (attribute[respondent]); a hazard service asks nothing beyond the
// spec's own fields, so its metadata is false.
//
// A partner posts a request with its api_key: the key names the partner,
// recorded on the case or hazard as who referred it (ChannelReferral),
// and the member who registers what the partner sends (the intake member,
// a duty officer as a rule), who is the case's first responder or the
// hazard's reporter. A request's location is a position (lat/long,
// WGS-84), routed to the lowest cell whose boundary contains it
// (Config.Locate), or an address_string that is the name of one cell of
// the township; a dispute, or a hazard by its grade, is then handled
// where the domain's rules say. A media_url is fetched into a photo only
// from the hosts the township allows; a hazard keeps the URL besides, as
// the reference its request answers with. A hazard keeps the reporter's
// phone, if given, and no name. Requests are created at once, so a
// request's token is its service_request_id.
//
// A request reads back as open until the case is closed or the hazard
// verified (or converted into a case), with the state in Chinese as its
// status_notes, the handling cell as agency_responsible and the next
// deadline as expected_datetime: to accept or to resolve a case, to
// rectify a hazard or, once rectified, to verify it. A partner reads back
// only the requests it sent: disputes carry the parties' particulars, so
// reading needs the api_key too.
//
// Requests without an api_key are refused unless the township opens the
// endpoint to the public (Config.Public, off by default). Then the public
// may report hazards, of any category but a dispute lead, recorded as
// passed on by 匿名公众 and registered by the township's chosen member. It
// may not post disputes, nor dispute leads: they name the people in a
// quarrel, personal particulars the township takes only from partners it
// knows and can hold to account. What the public reads back is the status
// of what it reported, by the service_request_id (the token) it was given
// — state, handling cell, deadlines and the cell it lies in — never the
// description, which may name people, nor the media_url, and no listing:
// GET requests without an api_key must name the IDs, at most ten at
// once. Every request
// without a valid api_key is counted against its client's address in
// Public.Limits, which the instances share (the store's rate limits,
// bunstore.Limits), so an address spreading requests over several
// instances gets no more than from one; past the allowance it is refused
// with 429 in the spec's list of errors.
package open311
