package fourplusn

import (
	"errors"
	"fmt"
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
type Error struct {
	Code    Code
	Field   string // the input field at fault, for Invalid errors; may be empty
	Message string
	Err     error
}

// Error returns the message, prefixed with the field when there is one.
func (e *Error) Error() string {
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

// ErrorMessage returns a message safe to show to the user: the message of
// the first *Error in err's chain, or "internal error" for an Internal or
// unknown error, whose details belong in the logs only.
func ErrorMessage(err error) string {
	var e *Error
	if !errors.As(err, &e) || e.Code == Internal {
		return "internal error"
	}
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// WithField returns err with field set as the input at fault, so a rule
// written once (a phone number must be a mobile number) can report where it
// failed ("applicants[1].phone"). A field already named by err is appended
// ("applicants[1]" + "phone" reads "applicants[1].phone"). Errors that are
// not *Error are returned unchanged.
func WithField(field string, err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	named := *e
	switch {
	case e.Field == "":
		named.Field = field
	case e.Field[0] == '[':
		named.Field = field + e.Field
	default:
		named.Field = field + "." + e.Field
	}
	return &named
}
