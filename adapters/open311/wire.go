package open311

import "encoding/xml"

// The shapes of the spec's documents. One struct serves both formats: the
// XML tags name the spec's elements, and the JSON tags its keys; XML
// wraps lists in an element of their own, which JSON writes as an array.

type discovery struct {
	XMLName    xml.Name   `xml:"discovery" json:"-"`
	Changeset  string     `xml:"changeset" json:"changeset"`
	Contact    string     `xml:"contact" json:"contact"`
	KeyService string     `xml:"key_service" json:"key_service"`
	Endpoints  []endpoint `xml:"endpoints>endpoint" json:"endpoints"`
}

type endpoint struct {
	Specification string   `xml:"specification" json:"specification"`
	URL           string   `xml:"url" json:"url"`
	Changeset     string   `xml:"changeset" json:"changeset"`
	Type          string   `xml:"type" json:"type"`
	Formats       []string `xml:"formats>format" json:"formats"`
}

type service struct {
	Code        string `xml:"service_code" json:"service_code"`
	Name        string `xml:"service_name" json:"service_name"`
	Description string `xml:"description" json:"description"`
	Metadata    bool   `xml:"metadata" json:"metadata"`
	Type        string `xml:"type" json:"type"`
	Keywords    string `xml:"keywords" json:"keywords"`
	Group       string `xml:"group" json:"group"`
}

type services struct {
	XMLName  xml.Name  `xml:"services"`
	Services []service `xml:"service"`
}

type definition struct {
	XMLName    xml.Name    `xml:"service_definition" json:"-"`
	Code       string      `xml:"service_code" json:"service_code"`
	Attributes []attribute `xml:"attributes>attribute" json:"attributes"`
}

type attribute struct {
	Variable            bool    `xml:"variable" json:"variable"`
	Code                string  `xml:"code" json:"code"`
	Datatype            string  `xml:"datatype" json:"datatype"`
	Required            bool    `xml:"required" json:"required"`
	DatatypeDescription string  `xml:"datatype_description" json:"datatype_description"`
	Order               int     `xml:"order" json:"order"`
	Description         string  `xml:"description" json:"description"`
	Values              []value `xml:"values>value" json:"values"`
}

type value struct {
	Key  string `xml:"key" json:"key"`
	Name string `xml:"name" json:"name"`
}

// request is a service request as GET requests answers it, and, with
// only its first fields set, as POST requests and tokens do.
type request struct {
	ID                string `xml:"service_request_id" json:"service_request_id"`
	Token             string `xml:"token,omitempty" json:"token,omitempty"`
	Status            string `xml:"status,omitempty" json:"status,omitempty"`
	StatusNotes       string `xml:"status_notes,omitempty" json:"status_notes,omitempty"`
	ServiceName       string `xml:"service_name,omitempty" json:"service_name,omitempty"`
	ServiceCode       string `xml:"service_code,omitempty" json:"service_code,omitempty"`
	Description       string `xml:"description,omitempty" json:"description,omitempty"`
	AgencyResponsible string `xml:"agency_responsible,omitempty" json:"agency_responsible,omitempty"`
	ServiceNotice     string `xml:"service_notice,omitempty" json:"service_notice,omitempty"`
	Requested         string `xml:"requested_datetime,omitempty" json:"requested_datetime,omitempty"`
	Updated           string `xml:"updated_datetime,omitempty" json:"updated_datetime,omitempty"`
	Expected          string `xml:"expected_datetime,omitempty" json:"expected_datetime,omitempty"`
	Address           string `xml:"address,omitempty" json:"address,omitempty"`
	AddressID         string `xml:"address_id,omitempty" json:"address_id,omitempty"`
	MediaURL          string `xml:"media_url,omitempty" json:"media_url,omitempty"`
}

type requests struct {
	XMLName  xml.Name  `xml:"service_requests"`
	Requests []request `xml:"request"`
}

type apiError struct {
	Code        int    `xml:"code" json:"code"`
	Description string `xml:"description" json:"description"`
}

type apiErrors struct {
	XMLName xml.Name   `xml:"errors"`
	Errors  []apiError `xml:"error"`
}
