package atlas

import (
	"errors"
	"fmt"
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

func (e *ParamError) Error() string {
	return fmt.Sprintf("parameter %s=%q: %s", e.Param, e.Value, e.Reason)
}
