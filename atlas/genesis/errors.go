package genesis

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors; every error of the client wraps one of them.
var (
	// ErrNoCredentials: no username/password or token was given; the
	// service answers registered users only.
	ErrNoCredentials = errors.New("genesis: no credentials")
	// ErrLogin: the service refused the credentials.
	ErrLogin = errors.New("genesis: login failed")
	// ErrTooLarge: the table is too large for a direct answer (status 98)
	// and no background job could be started.
	ErrTooLarge = errors.New("genesis: table too large for a direct download")
	// ErrJobTimeout: a background job was not ready in time.
	ErrJobTimeout = errors.New("genesis: background job not ready in time")
	// ErrNotFound: no table or result of that name (status 90 or 104).
	ErrNotFound = errors.New("genesis: no such table or result")
	// ErrNoNewerData: the service has no data newer than the "stand" asked
	// for (status 50).
	ErrNoNewerData = errors.New("genesis: no newer data")
	// ErrUnavailable: the service is down, busy or in maintenance (HTTP 5xx,
	// 429, an HTML page, a network error); try again later.
	ErrUnavailable = errors.New("genesis: service unavailable")
	// ErrRejected: the service answered with an error document this client
	// has no more specific sentinel for (e.g. an invalid parameter).
	ErrRejected = errors.New("genesis: request rejected")
	// ErrUnexpected: an answer of a shape the client does not know.
	ErrUnexpected = errors.New("genesis: unexpected answer")
)

// Status codes of the service's status documents. Where each one is
// documented or recorded is listed in genesistest/testdata/PROVENANCE.md.
const (
	CodeOK              = 0   // "erfolgreich" (recorded)
	CodeParamAdjusted   = 22  // a parameter was adjusted, the request ran (warning; pystatis)
	CodeNoNewerData     = 50  // "Keine aktualisierten Daten vorhanden." (pystatis)
	CodeTableNotFound   = 90  // "Die angeforderte Tabelle ist nicht vorhanden" (pystatis)
	CodeTooLarge        = 98  // too large for the dialog: use job=true (recorded)
	CodeJobCreated      = 99  // "Der Bearbeitungsauftrag wurde erstellt …" (recorded)
	CodeNoSuchObject    = 104 // "Es gibt keine Objekte zum angegebenen Selektionskriterium" (recorded)
	statusTypeError     = "fehler"
	statusTypeErrorEN   = "error"
	statusTypeWarning   = "warnung"
	statusTypeWarningEN = "warning"
)

// Status is the status block of an answer.
type Status struct {
	Code    int    `json:"Code"`
	Content string `json:"Content"`
	Type    string `json:"Type"`
}

// document is the envelope of the JSON answers: {"Ident", "Status",
// "Parameter", "Object" | "List", "Copyright"}. Parameter echoes the
// request with the credentials masked by the service; the client ignores it.
type document struct {
	Ident struct {
		Service string `json:"Service"`
		Method  string `json:"Method"`
	} `json:"Ident"`
	Status Status            `json:"Status"`
	List   []json.RawMessage `json:"List"`
}

// StatusError is an answer of the service that reports a failure: an error
// status document, or an HTTP error. It wraps the matching sentinel error.
type StatusError struct {
	Source     string // source name
	Endpoint   string // e.g. "data/tablefile"
	HTTPStatus int
	Status     Status
	// Hint says what to do about it.
	Hint string
	err  error
}

func (e *StatusError) Error() string {
	var parts []string
	if e.err != nil {
		parts = append(parts, strings.TrimPrefix(e.err.Error(), "genesis: "))
	}
	switch {
	case e.Status.Code != 0 || e.Status.Type != "":
		s := fmt.Sprintf("status %d", e.Status.Code)
		if e.Status.Type != "" {
			s += " (" + e.Status.Type + ")"
		}
		if e.Status.Content != "" {
			s += fmt.Sprintf(" %q", oneLine(e.Status.Content))
		}
		parts = append(parts, s)
	case e.Status.Content != "":
		parts = append(parts, fmt.Sprintf("%q", oneLine(e.Status.Content)))
	case e.HTTPStatus != 0:
		parts = append(parts, fmt.Sprintf("HTTP %d", e.HTTPStatus))
	}
	msg := e.Source + " " + e.Endpoint + ": " + strings.Join(parts, ": ")
	if e.Hint != "" {
		msg += " — " + e.Hint
	}
	return msg
}

// Unwrap returns the sentinel error.
func (e *StatusError) Unwrap() error { return e.err }

// classify returns the sentinel for a status block, or nil when the block
// reports success.
func classify(s Status) error {
	switch s.Code {
	case CodeOK, CodeParamAdjusted:
		if t := strings.ToLower(s.Type); t == statusTypeError || t == statusTypeErrorEN {
			return ErrRejected
		}
		return nil
	case CodeNoNewerData:
		return ErrNoNewerData
	case CodeTableNotFound, CodeNoSuchObject:
		return ErrNotFound
	case CodeTooLarge:
		return ErrTooLarge
	}
	return ErrRejected
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
