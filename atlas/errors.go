package atlas

import (
	"errors"
	"fmt"
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
