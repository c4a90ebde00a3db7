package web

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/standortatlas/standortatlas/atlas"
)

type problemsErr struct{ error }

func (problemsErr) ProblemReport() []atlas.Problem {
	return []atlas.Problem{{File: "a.csv", Row: 12, Column: "#3", Reason: `"1487708x" is not a number`}}
}

func (problemsErr) Is(target error) bool { return target == atlas.ErrInvalidData }

// The write side's errors map to their statuses in statusOf, and the
// answer carries the validation report or the keys outside the scope.
func TestIngestErrorStatuses(t *testing.T) {
	scope := &atlas.ScopeError{Token: "Bayern", Keys: []string{"01"}, Rows: 1}
	tests := []struct {
		err  error
		code int
	}{
		{fmt.Errorf("x: %w", atlas.ErrUnauthenticated), http.StatusUnauthorized},
		{fmt.Errorf("import: %w", scope), http.StatusForbidden},
		{problemsErr{fmt.Errorf("bad")}, http.StatusUnprocessableEntity},
		{fmt.Errorf("%w: %w", atlas.ErrInvalidData, atlas.ErrUnknownIndicator), http.StatusUnprocessableEntity},
		{fmt.Errorf("rollback: %w", atlas.ErrConflict), http.StatusConflict},
		{fmt.Errorf("tokens: %w", atlas.ErrNotSupported), http.StatusNotImplemented},
		{&atlas.ParamError{Param: "option", Value: "x"}, http.StatusBadRequest},
	}
	for _, tt := range tests {
		if code, _ := statusOf(tt.err); code != tt.code {
			t.Errorf("%v: %d, want %d", tt.err, code, tt.code)
		}
	}
	body := errorBody(problemsErr{fmt.Errorf("bad")}, "bad")
	if p, ok := body["problems"].([]atlas.Problem); !ok || p[0].Row != 12 || p[0].Column != "#3" {
		t.Errorf("body %v", body)
	}
	if body := errorBody(scope, "x"); fmt.Sprint(body["keys"]) != "[01]" {
		t.Errorf("scope body %v", body)
	}
}
