package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/uptrace/bunrouter"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/attachment"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
)

// statusOf is the one table from fourplusn's error codes to HTTP statuses.
// An error without a code, or with a code missing here, is internal.
var statusOf = map[fourplusn.Code]int{
	fourplusn.Invalid:      http.StatusBadRequest,
	fourplusn.Unauthorized: http.StatusUnauthorized,
	fourplusn.Forbidden:    http.StatusForbidden,
	fourplusn.NotFound:     http.StatusNotFound,
	fourplusn.Conflict:     http.StatusConflict,
	fourplusn.Unavailable:  http.StatusServiceUnavailable,
	fourplusn.Internal:     http.StatusInternalServerError,
}

// RetryUnavailable is the Retry-After, in seconds, of a 503 answer: the
// store could not take the write now (a full disk, a database down). It
// takes an operator to make room or bring the database back, so a client
// waits long enough not to add to the load meanwhile.
const RetryUnavailable = "30"

// httpError is a refusal only HTTP knows, with its own status and code:
// a stale If-Match, a body too large, a wrong content type, too many
// requests. Domain errors keep their fourplusn codes.
type httpError struct {
	status  int
	code    string
	field   string
	message string
}

func (e *httpError) Error() string { return e.message }

// The transport's refusals.
var (
	errTooLarge        = &httpError{status: http.StatusRequestEntityTooLarge, code: "too_large", message: fmt.Sprintf("the body is larger than %d bytes", maxBody)}
	errMediaType       = &httpError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type", message: "send the body as application/json in UTF-8"}
	errPrecondition    = &httpError{status: http.StatusPreconditionFailed, code: "precondition_failed", field: "If-Match", message: "the record was changed since that version: reload it and try again"}
	errTooManyRequests = &httpError{status: http.StatusTooManyRequests, code: "too_many_requests", message: "too many requests from this address: wait a moment"}
	errNoRoute         = &fourplusn.Error{Code: fourplusn.NotFound, Message: "no such route"}
	errNoMethod        = &httpError{status: http.StatusMethodNotAllowed, code: "method_not_allowed", message: "the route does not take this method"}
	errRosterTooLarge  = &httpError{status: http.StatusRequestEntityTooLarge, code: errTooLarge.code, message: fmt.Sprintf("the roster file is larger than %d MiB", maxRoster>>20)}
	errRosterType      = &httpError{status: http.StatusUnsupportedMediaType, code: errMediaType.code, message: "send the roster as an .xlsx workbook (" + xlsxType + ") or a CSV file (" + csvType + ")"}
	errUploadTooLarge  = &httpError{status: http.StatusRequestEntityTooLarge, code: errTooLarge.code, field: "file", message: fmt.Sprintf("the upload is larger than %d MB", attachment.DefaultLimits.MaxBytes>>20)}
	// errNoAttachments answers the routes of attachments when the
	// deployment keeps no files (Config.Attachments unset): 501, for a
	// part of the API this server does not offer, where 503 would tell
	// the client to try again later.
	errNoAttachments = &httpError{status: http.StatusNotImplemented, code: "not_implemented", message: "this deployment keeps no attached files"}
)

// errorJSON is the one shape of every error response.
type errorJSON struct {
	Error errorDetailJSON `json:"error"`
}

// errorDetailJSON says what went wrong: a stable code, a message fit to
// show the person who sent the request, and the input at fault, if known.
// Invalid input lists every field at fault (fields), the first of them
// also as field, so that a form can mark them all at once. A change of
// the grid refused for the open work it would leave behind lists that
// work (items); a roster file that cannot be read lists every problem
// found in it, placed in the file (problems). A case refused closing for
// an incomplete file lists the items its file lacks (missing).
type errorDetailJSON struct {
	Code     string              `json:"code" oa:"enum=error_code"`
	Message  string              `json:"message"`
	Field    string              `json:"field,omitempty"`
	Fields   []fieldErrorJSON    `json:"fields,omitempty"`
	Items    []workItemJSON      `json:"items,omitempty"`
	Problems []rosterProblemJSON `json:"problems,omitempty"`
	Missing  []string            `json:"missing,omitempty" desc:"the required items of the case file (卷宗) that are missing, by their names in the Ministry's formats, e.g. 权利义务告知书: why a case is not closed"`
}

// fieldErrorJSON is one field at fault and what is wrong with it.
type fieldErrorJSON struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// fieldsOut lists the fields at fault of an Invalid err, nil when it
// names none.
func fieldsOut(err error) []fieldErrorJSON {
	var out []fieldErrorJSON
	for _, f := range fourplusn.ErrorFields(err) {
		if f.Field != "" {
			out = append(out, fieldErrorJSON{Field: f.Field, Message: f.Message})
		}
	}
	return out
}

// workItemJSON is an open case or hazard in the way of a change of the
// grid: who answers for it now, and the cell handling it.
type workItemJSON struct {
	Kind        string    `json:"kind" oa:"enum=subject_kind"`
	ID          string    `json:"id"`
	Category    string    `json:"category"`
	Since       timestamp `json:"since"`
	Handling    string    `json:"handling"`
	Accountable string    `json:"accountable,omitempty"`
}

func workItemsOut(items []grid.WorkItem) []workItemJSON {
	out := make([]workItemJSON, len(items))
	for i, it := range items {
		out[i] = workItemJSON{Kind: it.Kind, ID: it.ID, Category: it.Category, Since: ts(it.Since), Handling: path(it.Handling), Accountable: string(it.Accountable)}
	}
	return out
}

// problemLister is an error that lists the problems of a roster file.
type problemLister interface {
	error
	Problems() []RosterProblem
}

// errorCodes are the codes an error response may carry.
var errorCodes = []string{
	string(fourplusn.Invalid), string(fourplusn.Unauthorized), string(fourplusn.Forbidden),
	string(fourplusn.NotFound), string(fourplusn.Conflict), string(fourplusn.Unavailable), string(fourplusn.Internal),
	errPrecondition.code, errTooLarge.code, errMediaType.code, errTooManyRequests.code, errNoMethod.code,
	errNoAttachments.code,
}

// handleErrors is the one middleware that turns a handler's error into the
// error response: transport refusals as they are, domain errors through
// statusOf, anything else (and a panic) as an internal error that is
// logged and shown only as "internal error".
func (s *server) handleErrors(next bunrouter.HandlerFunc) bunrouter.HandlerFunc {
	return func(w http.ResponseWriter, req bunrouter.Request) (err error) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				err = fmt.Errorf("panic: %v", v)
			}
			if err != nil {
				s.writeError(w, req, err)
				err = nil
			}
		}()
		return next(w, req)
	}
}

// writeError writes err as the error response.
func (s *server) writeError(w http.ResponseWriter, req bunrouter.Request, err error) {
	if x, ok := w.(*exchange); ok && x.wrote {
		// The handler already started its response; all that is left is to log.
		s.log.LogAttrs(req.Context(), slog.LevelError, "error after the response began", slog.String("route", req.Route()), slog.Any("error", err))
		return
	}
	var body errorJSON
	status := http.StatusInternalServerError
	var he *httpError
	if errors.As(err, &he) {
		status = he.status
		body.Error = errorDetailJSON{Code: he.code, Message: he.message, Field: he.field}
	} else {
		code := fourplusn.ErrorCode(err)
		if st, ok := statusOf[code]; ok {
			status = st
		} else {
			code = fourplusn.Internal
		}
		body.Error = errorDetailJSON{Code: string(code), Message: "internal error"}
		if fe, ok := errors.AsType[*fourplusn.Error](err); ok && code == fourplusn.Unavailable {
			// The operator must make room or bring the database back: the
			// log says why, which the answer does not.
			s.log.LogAttrs(req.Context(), slog.LevelWarn, "unavailable", slog.String("method", req.Method), slog.String("route", req.Route()), slog.Any("error", err), slog.Any("cause", fe.Err))
		}
		var fe *fourplusn.Error
		switch {
		case code == fourplusn.Internal:
			level := slog.LevelError
			if errors.Is(err, context.Canceled) {
				level = slog.LevelWarn // the client went away
			}
			s.log.LogAttrs(req.Context(), level, "internal error", slog.String("method", req.Method), slog.String("route", req.Route()), slog.Any("error", err))
		case errors.As(err, &fe):
			body.Error.Message, body.Error.Field = fe.Message, fe.Field
			switch {
			case len(fe.Fields) > 1:
				body.Error.Message = fourplusn.ErrorMessage(fe)
			case fe.Message == "":
				body.Error.Message = string(code)
			}
			body.Error.Fields = fieldsOut(fe)
		default:
			body.Error.Message = string(code)
		}
		if code != fourplusn.Internal {
			if b, ok := errors.AsType[*grid.BlockedError](err); ok {
				body.Error.Items = workItemsOut(b.Items)
			}
			if p, ok := errors.AsType[problemLister](err); ok {
				body.Error.Problems = rosterProblemsOut(p.Problems())
			}
			var fi *mediation.FileIncompleteError
			if errors.As(err, &fi) {
				body.Error.Missing = fi.Missing
			}
		}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="fourplusn"`)
	}
	switch status {
	case http.StatusTooManyRequests:
		w.Header().Set("Retry-After", "1")
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", RetryUnavailable)
	}
	writeJSON(w, status, body)
}
