package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/standortatlas/standortatlas/atlas"
)

// errorHandler maps errors to HTTP status codes in one place and logs 5xx once.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		code, msg := statusOf(err)
		if code >= http.StatusInternalServerError {
			log.ErrorContext(c.Request().Context(), "request failed",
				"method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		}
		if code == http.StatusUnauthorized {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="standortatlas"`)
		}
		// HEAD gets the headers of GET; net/http leaves out the body.
		if isReportPath(c.Request().URL.Path) {
			_ = writeReportError(c, code) // a page, in the page's language
			return
		}
		_ = c.JSON(code, errorBody(err, msg))
	}
}

// errorBody is {"error": msg}, with the validation report ("problems":
// file, row, column, reason) of a refused import and the keys and
// indicators outside a token's scope.
func errorBody(err error, msg string) map[string]any {
	body := map[string]any{"error": msg}
	var pr atlas.ProblemReporter
	if errors.As(err, &pr) {
		body["problems"] = pr.ProblemReport()
		if pc, ok := pr.(atlas.ProblemCounter); ok {
			body["problems_total"] = pc.Count()
		}
	}
	var se *atlas.ScopeError
	if errors.As(err, &se) {
		body["keys"], body["indicators"] = se.Keys, se.Indicators
		if se.Scope != "" {
			body["scope"], body["catalogue"] = se.Scope, se.Catalogue
		}
	}
	return body
}

// whenTimedOut makes an error that a request's work met after its
// deadline (or its client left) the context's error, when it would
// otherwise be a server error: a store or parser that notices the end of
// the context in its own words (e.g. SQLite's "interrupted") is a 503, not
// a 500.
func whenTimedOut(ctx context.Context, err error) error {
	if err == nil || ctx.Err() == nil {
		return err
	}
	if code, _ := statusOf(err); code == http.StatusInternalServerError {
		return fmt.Errorf("%w (%w)", ctx.Err(), err)
	}
	return err
}

func statusOf(err error) (int, string) {
	var he *echo.HTTPError
	var pe *atlas.ParamError
	var se *atlas.ScopeError
	switch {
	case errors.As(err, &he):
		return he.Code, fmt.Sprint(he.Message)
	case errors.As(err, &pe):
		return http.StatusBadRequest, pe.Error()
	case errors.Is(err, context.Canceled):
		return 499, "client closed request"
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "request timed out"
	case errors.Is(err, atlas.ErrUnauthenticated):
		return http.StatusUnauthorized, "a valid token is required: Authorization: Bearer <token>"
	case errors.As(err, &se):
		return http.StatusForbidden, se.Error()
	case errors.Is(err, atlas.ErrInvalidData):
		return http.StatusUnprocessableEntity, err.Error()
	case errors.Is(err, atlas.ErrConflict):
		return http.StatusConflict, err.Error()
	case errors.Is(err, atlas.ErrTooManySessions):
		return http.StatusServiceUnavailable, err.Error()
	case errors.Is(err, atlas.ErrNotSupported):
		return http.StatusNotImplemented, err.Error()
	case errors.Is(err, atlas.ErrUnknownIndicator), errors.Is(err, atlas.ErrNotFound):
		return http.StatusNotFound, err.Error()
	default:
		return http.StatusInternalServerError, http.StatusText(http.StatusInternalServerError)
	}
}
