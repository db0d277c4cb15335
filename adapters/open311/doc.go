// Package open311 serves the township's disputes over Open311 GeoReport v2
// (the published spec), in XML and JSON, so that partner systems such as a
// 12345 hotline hand disputes in without retyping them.
//
// Each dispute category of the mediation rules is a service. A partner
// posts a request with its api_key: the key names the partner, recorded on
// the case as who referred it, and the member who registers what the
// partner sends (the intake member, a duty officer as a rule). A request's
// location is a position (lat/long, WGS-84), routed to the lowest cell
// whose boundary contains it, or an address_string that is the name of one
// cell of the township; a media_url is fetched into a photo of the case
// only from the hosts the township allows. Requests are created at once,
// so a request's token is its service_request_id.
//
// A partner reads back only the requests it sent: disputes carry the
// parties' particulars, so reading needs the api_key too, and anonymous
// requests are not taken.
package open311
