package atlas

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Sentinel errors of the atlas domain.
var (
	ErrNotFound         = errors.New("atlas: not found")
	ErrUnknownIndicator = errors.New("atlas: unknown indicator")
	ErrNoData           = errors.New("atlas: no data")
)

// ParamError reports a request parameter that is malformed or out of range.
type ParamError struct {
	Param  string
	Value  string
	Reason string
}

// Error names the parameter and quotes its value, cut to 80 bytes (an
// error never echoes a large input).
func (e *ParamError) Error() string {
	return fmt.Sprintf("parameter %s=%q: %s", Shorten(e.Param, 80), Shorten(e.Value, 80), e.Reason)
}

// JSONProblem describes an error of encoding/json in terms of the user's
// document, without Go type names ("Go struct field Submission.lat of type
// float64") and without quoting the input: the field, what it should be,
// and the byte offset.
func JSONProblem(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		want := jsonKind(te.Type.Kind().String())
		if te.Field != "" {
			return fmt.Sprintf("member %q must be %s, not %s (byte %d)", Shorten(te.Field, 80), want, te.Value, te.Offset)
		}
		return fmt.Sprintf("the document must be %s, not %s (byte %d)", want, te.Value, te.Offset)
	case errors.As(err, &se):
		return fmt.Sprintf("not valid JSON at byte %d", se.Offset)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON document is empty or cut off"
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if strings.HasPrefix(msg, "unknown field ") {
		return "unknown member " + Shorten(strings.TrimPrefix(msg, "unknown field "), 80)
	}
	return Shorten(msg, 120)
}

// jsonKind names a Go kind as a JSON type.
func jsonKind(kind string) string {
	switch {
	case strings.HasPrefix(kind, "float"), strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"):
		return "a number"
	case kind == "string":
		return "a string"
	case kind == "bool":
		return "true or false"
	case kind == "slice", kind == "array":
		return "a list"
	}
	return "an object"
}

// Shorten cuts s to at most n bytes (on a character boundary) and marks
// the cut with "…": user input quoted in messages stays short.
func Shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
