package fourplusn

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies an error for the callers that must react to it: an HTTP
// adapter maps each code to one status, a retry loop retries on Conflict.
// The set is deliberately small; do not add a code for a single caller.
type Code string

// The error codes. Adapters map them to their protocol in one place.
const (
	Invalid      Code = "invalid"      // the input breaks a rule; Field names the input
	Unauthorized Code = "unauthorized" // no actor, or one that could not be identified
	Forbidden    Code = "forbidden"    // a known actor without the right
	NotFound     Code = "not_found"    // no such thing, or the actor may not know it exists
	Conflict     Code = "conflict"     // a stale version, a duplicate, or a state that forbids the action
	Unavailable  Code = "unavailable"  // the service cannot take the request now (a full disk, a database down): try again later
	Internal     Code = "internal"     // anything else; never shown to users in detail
)

// Error makes a Code usable as an error target:
// errors.Is(err, fourplusn.NotFound) reports whether err carries that code.
func (c Code) Error() string { return string(c) }

// Error is the error type of every fourplusn package. Message is written for
// the person who sent the input and is safe to show them; Err, if any, is the
// underlying cause and is not.
//
// An Invalid error of a validation that found several fields at fault
// lists them all in Fields, so that whoever typed the input learns every
// mistake at once; Field and Message are then those of the first. See
// Validation and ErrorFields.
type Error struct {
	Code    Code
	Field   string // the input field at fault, for Invalid errors; may be empty
	Message string
	Err     error
	Fields  []*Error // every field at fault, for an Invalid error naming more than one
}

// Error returns the message, prefixed with the field when there is one;
// for an error listing several fields, each of them, separated by
// semicolons.
func (e *Error) Error() string {
	if len(e.Fields) > 1 {
		return joined(e.Fields, (*Error).Error)
	}
	msg := e.Message
	switch {
	case msg == "" && e.Err != nil:
		msg = e.Err.Error()
	case msg == "":
		msg = string(e.Code)
	}
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	return msg
}

// joined writes each of errs with write, separated by semicolons.
func joined(errs []*Error, write func(*Error) string) string {
	parts := make([]string, len(errs))
	for i, f := range errs {
		parts[i] = write(f)
	}
	return strings.Join(parts, "; ")
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is e's Code, so that errors.Is matches an error
// by its code as well as by identity.
func (e *Error) Is(target error) bool {
	c, ok := target.(Code)
	return ok && c == e.Code
}

// Errorf returns an *Error with the given code and a formatted message.
// A %w verb in format wraps its operand as the cause; its text becomes part
// of the message, so reserve %w for causes fit to be shown.
func Errorf(code Code, format string, args ...any) error {
	wrapped := fmt.Errorf(format, args...)
	return &Error{Code: code, Message: wrapped.Error(), Err: errors.Unwrap(wrapped)}
}

// FieldError returns an Invalid error that names the input field at fault.
func FieldError(field, format string, args ...any) error {
	return &Error{Code: Invalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err: the code of the first *Error in its
// chain, or of a bare Code; "" for nil; Internal for any other error.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var c Code
	if errors.As(err, &c) {
		return c
	}
	return Internal
}

// ErrorField returns the input field named by the first *Error in err's
// chain, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// ErrorFields returns every field at fault of an Invalid error, the first
// first: the Fields of the first *Error in err's chain, or that error
// alone when it lists none. It returns nil for an error that is not
// Invalid. Each *Error returned names one field and carries its message.
func ErrorFields(err error) []*Error {
	var e *Error
	if !errors.As(err, &e) || e.Code != Invalid {
		return nil
	}
	if len(e.Fields) > 0 {
		return e.Fields
	}
	return []*Error{e}
}

// ErrorMessage returns a message safe to show to the user: the message of
// the first *Error in err's chain (each field's, for one listing several),
// or "internal error" for an Internal or unknown error, whose details
// belong in the logs only.
func ErrorMessage(err error) string {
	var e *Error
	if !errors.As(err, &e) || e.Code == Internal {
		return "internal error"
	}
	if len(e.Fields) > 1 {
		return joined(e.Fields, fieldMessage)
	}
	return fieldMessage(e)
}

// fieldMessage is e's message, prefixed with its field when it names one.
func fieldMessage(e *Error) string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// WithField returns err with field set as the input at fault, so a rule
// written once (a phone number must be a mobile number) can report where it
// failed ("applicants[1].phone"). A field already named by err is appended
// ("applicants[1]" + "phone" reads "applicants[1].phone"), as it is to
// each field of an error listing several. Errors that are not *Error are
// returned unchanged.
func WithField(field string, err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	return e.under(field)
}

// under returns a copy of e with its fields placed under field.
func (e *Error) under(field string) *Error {
	named := *e
	switch {
	case e.Field == "":
		named.Field = field
	case e.Field[0] == '[':
		named.Field = field + e.Field
	default:
		named.Field = field + "." + e.Field
	}
	if e.Fields != nil {
		named.Fields = make([]*Error, len(e.Fields))
		for i, f := range e.Fields {
			named.Fields[i] = f.under(field)
		}
	}
	return &named
}

// Validation collects the problems of an input so that a validator can
// report every field at fault at once rather than stop at the first.
// Its zero value is empty and ready; Err returns what it collected.
//
//	var v fourplusn.Validation
//	p.Name = v.Keep(fourplusn.Text("name", p.Name, maxName))
//	if p.Age < 0 {
//		v.Fail("age", "age must not be negative")
//	}
//	return v.Err()
type Validation struct {
	fields []*Error
	other  error // the first error that is not Invalid
}

// Add collects err: each field of an Invalid error, or, for any other
// error, the error itself, which then stands for the whole validation (a
// store that failed is not a mistake of the person typing). A nil err is
// ignored. It reports whether err was nil.
func (v *Validation) Add(err error) bool {
	if err == nil {
		return true
	}
	if fields := ErrorFields(err); fields != nil {
		v.fields = append(v.fields, fields...)
	} else if v.other == nil {
		v.other = err
	}
	return false
}

// Fail collects an Invalid error naming field, as FieldError makes it.
func (v *Validation) Fail(field, format string, args ...any) {
	v.Add(FieldError(field, format, args...))
}

// Keep collects err and returns s: it takes a cleaning function's two
// results, as in v.Keep(fourplusn.Text("name", s, 50)).
func (v *Validation) Keep(s string, err error) string {
	v.Add(err)
	return s
}

// Under collects err with its fields placed under field, as WithField
// places them.
func (v *Validation) Under(field string, err error) {
	v.Add(WithField(field, err))
}

// OK reports whether nothing has been collected.
func (v *Validation) OK() bool { return len(v.fields) == 0 && v.other == nil }

// Err returns nil when nothing was collected; the first error that is not
// Invalid, if any was; otherwise an Invalid error naming the first field
// at fault and listing every one in Fields, in the order collected.
func (v *Validation) Err() error {
	switch {
	case v.other != nil:
		return v.other
	case len(v.fields) == 0:
		return nil
	case len(v.fields) == 1:
		return v.fields[0]
	}
	first := *v.fields[0]
	first.Fields = v.fields
	return &first
}
