package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/uptrace/bunrouter"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/work"
)

// maxBody is the largest request body read: 1 MiB.
const maxBody = 1 << 20

// decodeBody reads the request's JSON body into dst, refusing a body over
// maxBody (413), one not sent as application/json (415), invalid UTF-8,
// malformed JSON, a value of the wrong type, an unknown field, a member
// named twice in one object, at any depth, and anything after the value
// (400, naming the field where there is one), and every required member
// left out, all at once (400, naming each; see members). An empty body is
// refused unless optional, when dst is left as it is.
func decodeBody(w http.ResponseWriter, req bunrouter.Request, dst any, optional bool) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return errTooLarge
		}
		return fourplusn.Errorf(fourplusn.Invalid, "the body could not be read")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if optional {
			return nil
		}
		return fourplusn.Errorf(fourplusn.Invalid, "a JSON body is required")
	}
	if !isJSON(req.Header.Get("Content-Type")) {
		return errMediaType
	}
	if !utf8.Valid(body) {
		return fourplusn.Errorf(fourplusn.Invalid, "the body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err, reflect.TypeOf(dst))
	}
	if _, err := dec.Token(); err != io.EOF {
		return fourplusn.Errorf(fourplusn.Invalid, "the body holds more than one JSON value")
	}
	return checkMembers(body, reflect.TypeOf(dst))
}

// checkMembers reads body, which decoded into a value of type t, once
// more as a stream of tokens (with jsontext, which keeps the names of
// every open object), to find what encoding/json lets pass: a member named
// twice in one object, of which the last would silently win, and required
// members left out, which would silently be zero. It refuses the first
// duplicate, naming it, and reports every missing member at once.
func checkMembers(body []byte, t reflect.Type) error {
	dec := jsontext.NewDecoder(bytes.NewReader(body))
	var v fourplusn.Validation
	if err := scan(dec, t, "", &v); err != nil {
		return err
	}
	return v.Err()
}

// scan reads the next value of dec, meant to decode into a t (nil when
// unknown), found at path, collecting the required members missing from
// its objects into v.
func scan(dec *jsontext.Decoder, t reflect.Type, path string, v *fourplusn.Validation) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch dec.PeekKind() {
	case '{':
		if _, err := dec.ReadToken(); err != nil {
			return scanError(err, path)
		}
		var sh *shape
		var elem reflect.Type
		switch {
		case t == nil:
		case t.Kind() == reflect.Struct:
			sh = shapeOf(t)
		case t.Kind() == reflect.Map:
			elem = t.Elem()
		}
		seen := map[string]bool{}
		for dec.PeekKind() != '}' {
			tok, err := dec.ReadToken()
			if err != nil {
				return scanError(err, path)
			}
			name := tok.String()
			seen[name] = true
			sub := elem
			if sh != nil {
				typ, ok := sh.types[name]
				if !ok {
					// encoding/json matched it without regard to case.
					return fourplusn.FieldError(memberPath(path, name), "unknown field")
				}
				sub = typ
			}
			if err := scan(dec, sub, memberPath(path, name), v); err != nil {
				return err
			}
		}
		if _, err := dec.ReadToken(); err != nil {
			return scanError(err, path)
		}
		if sh != nil {
			for _, name := range sh.required {
				if !seen[name] {
					v.Fail(memberPath(path, name), "required")
				}
			}
		}
		return nil
	case '[':
		if _, err := dec.ReadToken(); err != nil {
			return scanError(err, path)
		}
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; dec.PeekKind() != ']'; i++ {
			if err := scan(dec, elem, fieldIndex(path, i), v); err != nil {
				return err
			}
		}
		_, err := dec.ReadToken()
		return scanError(err, path)
	}
	if path == "" && t != nil && t.Kind() == reflect.Struct {
		// A body of null (encoding/json let nothing else through here)
		// gives nothing: every required member is missing.
		for _, name := range shapeOf(t).required {
			v.Fail(name, "required")
		}
	}
	return scanError(dec.SkipValue(), path)
}

// scanError explains an error of the token stream at path: a duplicate
// member names itself; anything else encoding/json let pass is malformed.
func scanError(err error, path string) error {
	if err == nil {
		return nil
	}
	if se, ok := errors.AsType[*jsontext.SyntacticError](err); ok && errors.Is(se.Err, jsontext.ErrDuplicateName) {
		return fourplusn.FieldError(memberPath(path, se.JSONPointer.LastToken()), "given twice: give each field once")
	}
	return fourplusn.Errorf(fourplusn.Invalid, "malformed JSON: %s", strings.TrimPrefix(err.Error(), "jsontext: "))
}

// memberPath names member name of the object at path, as the domain names
// fields ("applicants[0].name").
func memberPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// members returns the fields of struct type t that are JSON members, in
// order, those of an embedded struct without a json tag in its place, as
// encoding/json promotes them. The decoder and the OpenAPI document read
// a type's members through it and their tags through jsonMember alone, so
// that what the document says is required is what the decoder refuses
// when missing.
func members(t reflect.Type) []reflect.StructField {
	var out []reflect.StructField
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Tag.Get("json") == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, members(f.Type)...)
			continue
		}
		if _, _, ok := jsonMember(f); ok {
			out = append(out, f)
		}
	}
	return out
}

// jsonMember reads a struct field's json tag: the member's name, whether
// it is required (neither omitempty nor omitzero), and false for a field
// that is no member.
func jsonMember(f reflect.StructField) (name string, required, ok bool) {
	name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" || name == "-" {
		return "", false, false
	}
	return name, !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero"), true
}

// shape is what the scan needs of a struct type: its members' types by
// name, and its required members in the order of its fields.
type shape struct {
	types    map[string]reflect.Type
	required []string
}

// shapes holds the shape of each struct type scanned.
var shapes sync.Map // reflect.Type → *shape

// shapeOf returns the shape of struct type t.
func shapeOf(t reflect.Type) *shape {
	if sh, ok := shapes.Load(t); ok {
		return sh.(*shape)
	}
	sh := &shape{types: map[string]reflect.Type{}}
	for _, f := range members(t) {
		name, required, _ := jsonMember(f)
		sh.types[name] = f.Type
		if required {
			sh.required = append(sh.required, name)
		}
	}
	shapes.Store(t, sh)
	return sh
}

// isJSON reports whether a Content-Type is JSON in UTF-8: application/json
// with no charset or charset utf-8.
func isJSON(contentType string) bool {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "application/json" {
		return false
	}
	for k, v := range params {
		if k != "charset" || !strings.EqualFold(v, "utf-8") {
			return false
		}
	}
	return true
}

// jsonError explains an error decoding into a value of type t, naming the
// field where it can.
func jsonError(err error, t reflect.Type) error {
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return fourplusn.Errorf(fourplusn.Invalid, "malformed JSON at byte %d: %s", se.Offset, strings.TrimPrefix(se.Error(), "json: "))
	}
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		if te.Field == "" {
			return fourplusn.Errorf(fourplusn.Invalid, "the body must be a JSON object")
		}
		if te.Type == timeType {
			return fourplusn.FieldError(fieldPath(t, te.Field), "must be a time in RFC 3339 form, such as 2023-03-01T09:00:00+08:00")
		}
		return fourplusn.FieldError(fieldPath(t, te.Field), "must be %s, not %s", jsonType(te.Type.Kind().String()), te.Value)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fourplusn.Errorf(fourplusn.Invalid, "malformed JSON: the body ends too soon")
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if f, err := strconv.Unquote(name); err == nil {
			name = f
		}
		return fourplusn.FieldError(name, "unknown field")
	}
	return fourplusn.Errorf(fourplusn.Invalid, "malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// fieldPath writes encoding/json's path of a field of a t
// ("applicationJSON.disputeJSON.applicants.0.age", which names the
// embedded structs on the way) the way the domain names fields
// ("applicants[0].age"), which are the JSON members alone.
func fieldPath(t reflect.Type, p string) string {
	var b strings.Builder
	for part := range strings.SplitSeq(p, ".") {
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch {
		case t == nil:
		case t.Kind() == reflect.Struct:
			if f, ok := t.FieldByName(part); ok && f.Anonymous {
				t = f.Type
				continue
			}
			t = shapeOf(t).types[part]
		case t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map:
			t = t.Elem()
		}
		if _, err := strconv.Atoi(part); err == nil && b.Len() > 0 {
			b.WriteString("[" + part + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(part)
	}
	return b.String()
}

// jsonType names a Go kind as the JSON type it decodes from.
func jsonType(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	case "float32", "float64":
		return "a number"
	}
	return "an integer in range"
}

// query reads a request's query parameters, refusing unknown ones and
// repeated ones where one is expected.
type query struct {
	values url.Values
	err    error
}

// parseQuery reads req's query, allowing only the named parameters.
func parseQuery(req bunrouter.Request, allowed ...string) (*query, error) {
	values, err := url.ParseQuery(req.URL.RawQuery)
	if err != nil {
		return nil, fourplusn.Errorf(fourplusn.Invalid, "the query string is malformed")
	}
	for k := range values {
		found := false
		for _, a := range allowed {
			found = found || a == k
		}
		if !found {
			return nil, fourplusn.FieldError(k, "unknown query parameter")
		}
	}
	return &query{values: values}, nil
}

// one returns the single value of parameter k, "" if absent.
func (q *query) one(k string) string {
	vs := q.values[k]
	switch {
	case len(vs) > 1 && q.err == nil:
		q.err = fourplusn.FieldError(k, "give %s once", k)
		return ""
	case len(vs) == 0:
		return ""
	}
	if !utf8.ValidString(vs[0]) && q.err == nil {
		q.err = fourplusn.FieldError(k, "not valid UTF-8")
	}
	return vs[0]
}

// list returns every value of parameter k, each split at commas.
func (q *query) list(k string) []string {
	var out []string
	for _, v := range q.values[k] {
		for part := range strings.SplitSeq(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// each reads every value of parameter k, as list splits them, with parse.
func each[T any](q *query, k string, parse func(string) (T, error)) []T {
	var out []T
	for _, v := range q.list(k) {
		t, err := parse(v)
		q.fail(err)
		out = append(out, t)
	}
	return out
}

// integer returns parameter k as an integer in [lo, hi], or def if absent.
func (q *query) integer(k string, def, lo, hi int) int {
	v := q.one(k)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if (err != nil || n < lo || n > hi) && q.err == nil {
		q.err = fourplusn.FieldError(k, "must be an integer from %d to %d", lo, hi)
	}
	return n
}

// date returns parameter k, a date as 2006-01-02, as its midnight in
// work.Zone; the zero time if absent.
func (q *query) date(k string) time.Time {
	v := q.one(k)
	if v == "" {
		return time.Time{}
	}
	d, err := time.ParseInLocation(time.DateOnly, v, work.Zone)
	if err != nil {
		q.fail(fourplusn.FieldError(k, "must be a date such as 2026-11-30"))
	}
	return d
}

// boolean returns parameter k as true or false, false if absent.
func (q *query) boolean(k string) bool {
	switch v := q.one(k); v {
	case "", "false", "0":
		return false
	case "true", "1":
		return true
	}
	if q.err == nil {
		q.err = fourplusn.FieldError(k, "must be true or false")
	}
	return false
}

// listFilters are the filters the case and hazard lists share.
type listFilters struct {
	grade     work.Grade // zero: any
	overdueAt time.Time  // zero: overdue or not
	before    string     // the cursor; "" for the first page
	limit     int
}

// listParams returns the query parameters of a listing: its own, then
// those every listing takes, which listFilters reads.
func listParams(own ...string) []string {
	return append(own, "grade", "overdue", "before", "limit")
}

// listFilters reads grade, overdue, before and limit, the parameters both
// lists take: overdue means overdue at now, and limit defaults to def and
// may be 1 to most.
func (q *query) listFilters(now time.Time, def, most int) listFilters {
	var f listFilters
	if g := q.one("grade"); g != "" {
		var err error
		f.grade, err = work.ParseGrade(g)
		q.fail(err)
	}
	if q.boolean("overdue") {
		f.overdueAt = now
	}
	if f.before = q.one("before"); f.before != "" && !validID(f.before) {
		q.fail(fourplusn.FieldError("before", "not a cursor this API gave"))
	}
	f.limit = q.integer("limit", def, 1, most)
	return f
}

// fail records err as the query's error if it has none yet.
func (q *query) fail(err error) {
	if q.err == nil && err != nil {
		q.err = err
	}
}

// maxID bounds a record ID or cursor read from a path or a query.
const maxID = 128

// validID reports whether s could be a record's ID: 1 to maxID printable
// ASCII characters. Anything else names no record.
func validID(s string) bool {
	if s == "" || len(s) > maxID {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// ifMatch reads an If-Match header: the version it names and true, or 0
// and false without one (or with "*", which matches any version). A weak
// or foreign entity tag can match no version: 412.
func ifMatch(req bunrouter.Request) (int64, bool, error) {
	vs := req.Header.Values("If-Match")
	if len(vs) == 0 {
		return 0, false, nil
	}
	v := strings.TrimSpace(strings.Join(vs, ","))
	if v == "*" {
		return 0, false, nil
	}
	if strings.Contains(v, ",") {
		return 0, false, fourplusn.FieldError("If-Match", "give one entity tag")
	}
	if strings.HasPrefix(v, "W/") {
		return 0, false, errPrecondition
	}
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return 0, false, fourplusn.FieldError("If-Match", "an entity tag is quoted, as the ETag header gives it")
	}
	n, err := strconv.ParseInt(v[1:len(v)-1], 10, 64)
	if err != nil || n < 1 {
		return 0, false, errPrecondition
	}
	return n, true, nil
}

// etag is the entity tag of a record's version.
func etag(version int64) string { return fmt.Sprintf("%q", strconv.FormatInt(version, 10)) }
